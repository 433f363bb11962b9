//! Queries on official accounts, custodians and grants. No HTTP here.

use diesel::prelude::*;
use time::{Date, PrimitiveDateTime};

use super::domain::{Account, Aim, EndKind, Grant, Platform};
use crate::clock::from_row;
use crate::db::schema::{
    access_review_decisions, access_reviews, account_custodians, accounts, grants, password_changes,
};
use crate::db::{try_insert, DbConnection};
use crate::error::AppError;
use crate::ids::{AccountId, GrantId, PersonId};

fn bad(what: &str, id: &str) -> AppError {
    AppError::internal(anyhow::anyhow!("{what} {id}: unreadable row"))
}

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = accounts)]
pub struct AccountRow {
    pub id: String,
    pub platform: String,
    pub handle: String,
    pub profile_url: String,
    pub purpose: String,
    pub opened_by: String,
    pub opened_on: Date,
    pub entered_by: String,
    pub entered_at: PrimitiveDateTime,
    pub recorded_as_existing: bool,
    pub password_change_due: bool,
    pub last_password_change_on: Option<Date>,
    pub last_password_change_by: Option<String>,
    pub last_reviewed_at: Option<PrimitiveDateTime>,
    pub closed_at: Option<PrimitiveDateTime>,
    pub closed_by: Option<String>,
    pub close_reason: Option<String>,
}

impl TryFrom<AccountRow> for Account {
    type Error = AppError;

    fn try_from(row: AccountRow) -> Result<Self, AppError> {
        Ok(Account {
            id: AccountId::parse(&row.id).ok_or_else(|| bad("account", &row.id))?,
            platform: Platform::parse(&row.platform).ok_or_else(|| bad("account", &row.id))?,
            opened_by: PersonId::parse(&row.opened_by).ok_or_else(|| bad("account", &row.id))?,
            entered_by: PersonId::parse(&row.entered_by).ok_or_else(|| bad("account", &row.id))?,
            handle: row.handle,
            profile_url: row.profile_url,
            purpose: row.purpose,
            opened_on: row.opened_on,
            entered_at: from_row(row.entered_at),
            recorded_as_existing: row.recorded_as_existing,
            password_change_due: row.password_change_due,
            last_password_change_on: row.last_password_change_on,
            last_reviewed_at: row.last_reviewed_at.map(from_row),
            closed_at: row.closed_at.map(from_row),
            close_reason: row.close_reason,
        })
    }
}

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = grants)]
pub struct GrantRow {
    pub id: String,
    pub account_id: String,
    pub grantee_id: String,
    pub granted_by: String,
    pub granted_at: PrimitiveDateTime,
    pub aim: String,
    pub purpose: String,
    pub ends_on: Option<Date>,
    pub message_id: Option<String>,
    pub confirmed_at: Option<PrimitiveDateTime>,
    pub ended_at: Option<PrimitiveDateTime>,
    pub ended_by: Option<String>,
    pub end_kind: Option<String>,
    pub end_reason: Option<String>,
}

impl TryFrom<GrantRow> for Grant {
    type Error = AppError;

    fn try_from(row: GrantRow) -> Result<Self, AppError> {
        Ok(Grant {
            id: GrantId::parse(&row.id).ok_or_else(|| bad("grant", &row.id))?,
            account_id: AccountId::parse(&row.account_id).ok_or_else(|| bad("grant", &row.id))?,
            grantee_id: PersonId::parse(&row.grantee_id).ok_or_else(|| bad("grant", &row.id))?,
            granted_by: PersonId::parse(&row.granted_by).ok_or_else(|| bad("grant", &row.id))?,
            aim: Aim::parse(&row.aim).ok_or_else(|| bad("grant", &row.id))?,
            end_kind: row.end_kind.as_deref().and_then(EndKind::parse),
            granted_at: from_row(row.granted_at),
            purpose: row.purpose,
            ends_on: row.ends_on,
            message_id: row.message_id,
            confirmed_at: row.confirmed_at.map(from_row),
            ended_at: row.ended_at.map(from_row),
            end_reason: row.end_reason,
        })
    }
}

fn grants_from(rows: Vec<GrantRow>) -> Result<Vec<Grant>, AppError> {
    rows.into_iter().map(Grant::try_from).collect()
}

pub fn insert_account(conn: &mut DbConnection, row: &AccountRow) -> Result<(), AppError> {
    diesel::insert_into(accounts::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn find_account(conn: &mut DbConnection, id: AccountId) -> Result<Option<Account>, AppError> {
    accounts::table
        .find(id.to_string())
        .select(AccountRow::as_select())
        .get_result(conn)
        .optional()?
        .map(Account::try_from)
        .transpose()
}

pub fn get_account(conn: &mut DbConnection, id: AccountId) -> Result<Account, AppError> {
    find_account(conn, id)?.ok_or(AppError::NotFound)
}

/// Open accounts first, then by platform and handle.
pub fn list_accounts(conn: &mut DbConnection) -> Result<Vec<Account>, AppError> {
    accounts::table
        .order((
            accounts::closed_at.is_not_null(),
            accounts::platform,
            accounts::handle,
        ))
        .select(AccountRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Account::try_from)
        .collect()
}

/// The (id, platform, handle) of each of these accounts that exists: how
/// a page names the accounts it shows.
pub fn list_handles(
    conn: &mut DbConnection,
    ids: &[&str],
) -> Result<Vec<(String, String, String)>, AppError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(accounts::table
        .filter(accounts::id.eq_any(ids))
        .select((accounts::id, accounts::platform, accounts::handle))
        .load(conn)?)
}

pub fn set_password_change_due(
    conn: &mut DbConnection,
    id: AccountId,
    due: bool,
) -> Result<(), AppError> {
    diesel::update(accounts::table.find(id.to_string()))
        .set(accounts::password_change_due.eq(due))
        .execute(conn)?;
    Ok(())
}

pub fn close_account(
    conn: &mut DbConnection,
    id: AccountId,
    by: PersonId,
    at: PrimitiveDateTime,
    reason: &str,
) -> Result<(), AppError> {
    diesel::update(accounts::table.find(id.to_string()))
        .set((
            accounts::closed_at.eq(Some(at)),
            accounts::closed_by.eq(Some(by.to_string())),
            accounts::close_reason.eq(Some(reason)),
            accounts::password_change_due.eq(false),
        ))
        .execute(conn)?;
    Ok(())
}

/// A current custodian: who, and since when.
#[derive(Queryable, Debug, Clone)]
pub struct CustodianRow {
    pub account_id: String,
    pub person_id: String,
    pub added_at: PrimitiveDateTime,
}

/// The current custodians of the given accounts (all accounts when `None`), in one query.
pub fn list_current_custodians(
    conn: &mut DbConnection,
    account: Option<AccountId>,
) -> Result<Vec<CustodianRow>, AppError> {
    let mut query = account_custodians::table
        .filter(account_custodians::removed_at.is_null())
        .select((
            account_custodians::account_id,
            account_custodians::person_id,
            account_custodians::added_at,
        ))
        .order(account_custodians::added_at.asc())
        .into_boxed();
    if let Some(account) = account {
        query = query.filter(account_custodians::account_id.eq(account.to_string()));
    }
    Ok(query.load(conn)?)
}

/// The accounts this person holds the login of now.
pub fn list_custody_of(conn: &mut DbConnection, person: PersonId) -> Result<Vec<String>, AppError> {
    Ok(account_custodians::table
        .filter(account_custodians::person_id.eq(person.to_string()))
        .filter(account_custodians::removed_at.is_null())
        .select(account_custodians::account_id)
        .load(conn)?)
}

/// Adds a custodian; `false` if they already are one.
pub fn insert_custodian(
    conn: &mut DbConnection,
    account: AccountId,
    person: PersonId,
    by: PersonId,
    at: PrimitiveDateTime,
) -> Result<bool, AppError> {
    Ok(try_insert(conn, |conn| {
        diesel::insert_into(account_custodians::table)
            .values((
                account_custodians::id.eq(GrantId::new().to_string()),
                account_custodians::account_id.eq(account.to_string()),
                account_custodians::person_id.eq(person.to_string()),
                account_custodians::added_at.eq(at),
                account_custodians::added_by.eq(by.to_string()),
            ))
            .execute(conn)
    })?)
}

/// Ends a current custodianship; `by` is `None` when the command line or
/// the system acts.
pub fn remove_custodian(
    conn: &mut DbConnection,
    account: AccountId,
    person: PersonId,
    by: Option<PersonId>,
    at: PrimitiveDateTime,
) -> Result<usize, AppError> {
    Ok(diesel::update(
        account_custodians::table
            .filter(account_custodians::account_id.eq(account.to_string()))
            .filter(account_custodians::person_id.eq(person.to_string()))
            .filter(account_custodians::removed_at.is_null()),
    )
    .set((
        account_custodians::removed_at.eq(Some(at)),
        account_custodians::removed_by.eq(by.map(|by| by.to_string())),
    ))
    .execute(conn)?)
}

/// Inserts a grant; `false` when the person already holds a live grant of it.
pub fn insert_grant(conn: &mut DbConnection, row: &GrantRow) -> Result<bool, AppError> {
    Ok(try_insert(conn, |conn| {
        diesel::insert_into(grants::table).values(row).execute(conn)
    })?)
}

pub fn set_grant_message_id(
    conn: &mut DbConnection,
    id: GrantId,
    message_id: &str,
) -> Result<(), AppError> {
    diesel::update(grants::table.find(id.to_string()))
        .set(grants::message_id.eq(Some(message_id)))
        .execute(conn)?;
    Ok(())
}

pub fn find_grant(conn: &mut DbConnection, id: GrantId) -> Result<Option<Grant>, AppError> {
    grants::table
        .find(id.to_string())
        .select(GrantRow::as_select())
        .get_result(conn)
        .optional()?
        .map(Grant::try_from)
        .transpose()
}

pub fn get_grant(conn: &mut DbConnection, id: GrantId) -> Result<Grant, AppError> {
    find_grant(conn, id)?.ok_or(AppError::NotFound)
}

/// Every grant of an account, live ones first, newest first.
pub fn list_grants_for_account(
    conn: &mut DbConnection,
    account: AccountId,
) -> Result<Vec<Grant>, AppError> {
    grants_from(
        grants::table
            .filter(grants::account_id.eq(account.to_string()))
            .order((grants::ended_at.is_not_null(), grants::granted_at.desc()))
            .select(GrantRow::as_select())
            .load(conn)?,
    )
}

/// Every grant a person holds or held, live ones first.
pub fn list_grants_for_person(
    conn: &mut DbConnection,
    person: PersonId,
) -> Result<Vec<Grant>, AppError> {
    grants_from(
        grants::table
            .filter(grants::grantee_id.eq(person.to_string()))
            .order((grants::ended_at.is_not_null(), grants::granted_at.desc()))
            .select(GrantRow::as_select())
            .load(conn)?,
    )
}

/// Every grant of every account, for the register's CSV and list.
pub fn list_live_grants(conn: &mut DbConnection) -> Result<Vec<Grant>, AppError> {
    grants_from(
        grants::table
            .filter(grants::ended_at.is_null())
            .select(GrantRow::as_select())
            .load(conn)?,
    )
}

/// Live grants whose end date has passed (it ends at the end of that day).
pub fn list_expired(conn: &mut DbConnection, today: Date) -> Result<Vec<Grant>, AppError> {
    grants_from(
        grants::table
            .filter(grants::ended_at.is_null())
            .filter(grants::ends_on.lt(today))
            .select(GrantRow::as_select())
            .load(conn)?,
    )
}

/// Ends a live grant; `false` if it had already ended.
pub fn end_grant(
    conn: &mut DbConnection,
    id: GrantId,
    by: Option<PersonId>,
    at: PrimitiveDateTime,
    kind: EndKind,
    reason: &str,
) -> Result<bool, AppError> {
    let ended = diesel::update(
        grants::table
            .find(id.to_string())
            .filter(grants::ended_at.is_null()),
    )
    .set((
        grants::ended_at.eq(Some(at)),
        grants::ended_by.eq(by.map(|p| p.to_string())),
        grants::end_kind.eq(Some(kind.as_str())),
        grants::end_reason.eq(Some(reason)),
    ))
    .execute(conn)?;
    Ok(ended == 1)
}

pub fn confirm_grant(
    conn: &mut DbConnection,
    id: GrantId,
    at: PrimitiveDateTime,
) -> Result<bool, AppError> {
    let confirmed = diesel::update(
        grants::table
            .find(id.to_string())
            .filter(grants::confirmed_at.is_null())
            .filter(grants::ended_at.is_null()),
    )
    .set(grants::confirmed_at.eq(Some(at)))
    .execute(conn)?;
    Ok(confirmed == 1)
}

pub fn insert_password_change(
    conn: &mut DbConnection,
    account: AccountId,
    changed_on: Date,
    by: PersonId,
    at: PrimitiveDateTime,
    note: &str,
) -> Result<(), AppError> {
    diesel::insert_into(password_changes::table)
        .values((
            password_changes::id.eq(GrantId::new().to_string()),
            password_changes::account_id.eq(account.to_string()),
            password_changes::changed_on.eq(changed_on),
            password_changes::recorded_by.eq(by.to_string()),
            password_changes::recorded_at.eq(at),
            password_changes::note.eq(note),
        ))
        .execute(conn)?;
    diesel::update(accounts::table.find(account.to_string()))
        .set((
            accounts::password_change_due.eq(false),
            accounts::last_password_change_on.eq(Some(changed_on)),
            accounts::last_password_change_by.eq(Some(by.to_string())),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records an access review and its decisions.
pub fn insert_review(
    conn: &mut DbConnection,
    account: AccountId,
    by: PersonId,
    at: PrimitiveDateTime,
    decisions: &[(GrantId, bool)],
    notes: &str,
) -> Result<String, AppError> {
    let id = GrantId::new().to_string();
    let revoked = decisions.iter().filter(|(_, keep)| !keep).count() as i32;
    diesel::insert_into(access_reviews::table)
        .values((
            access_reviews::id.eq(&id),
            access_reviews::account_id.eq(account.to_string()),
            access_reviews::reviewed_by.eq(by.to_string()),
            access_reviews::reviewed_at.eq(at),
            access_reviews::kept.eq(decisions.len() as i32 - revoked),
            access_reviews::revoked.eq(revoked),
            access_reviews::notes.eq(notes),
        ))
        .execute(conn)?;
    // One row per decision: batch inserts do not compile through
    // `MultiConnection`, and a review covers a handful of grants.
    for (grant, keep) in decisions {
        diesel::insert_into(access_review_decisions::table)
            .values((
                access_review_decisions::review_id.eq(&id),
                access_review_decisions::grant_id.eq(grant.to_string()),
                access_review_decisions::decision.eq(if *keep { "keep" } else { "revoke" }),
            ))
            .execute(conn)?;
    }
    diesel::update(accounts::table.find(account.to_string()))
        .set(accounts::last_reviewed_at.eq(Some(at)))
        .execute(conn)?;
    Ok(id)
}
