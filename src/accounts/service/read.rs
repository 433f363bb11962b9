//! What the official accounts pages show, each read in one trip to the
//! pool, with who may see it checked here.

use std::collections::HashMap;

use time::PrimitiveDateTime;

use super::access::{is_senior, managed, manager, people_by_id, People};
use crate::accounts::domain::{Account, Grant};
use crate::accounts::store;
use crate::audit::store::{self as audit_store, EventFilter, EventRow};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::{AccountId, GrantId, PersonId};
use crate::mail::store::{self as mail_store, OutboxRow};
use crate::moderation::domain::{Access as ModerationAccess, Entry as ModerationEntry};
use crate::moderation::service as moderation;
use crate::people::actor::Actor;
use crate::people::domain::Person;
use crate::state::Ctx;

/// The most history events an account's page shows.
const PAGE_HISTORY: i64 = 500;
/// The most history events an account's history CSV holds.
const CSV_HISTORY: i64 = 100_000;

/// What the register knows about every account, gathered without a query per row.
pub struct Overview {
    pub accounts: Vec<Account>,
    pub people: People,
    pub custodians: HashMap<AccountId, Vec<(PersonId, PrimitiveDateTime)>>,
    pub live: Vec<Grant>,
}

/// The register, for anyone signed in: every account, everyone, current
/// custodians and live grants.
pub fn read_overview(conn: &mut DbConnection, _: &Ctx, _: &Actor) -> Result<Overview, AppError> {
    let accounts = store::list_accounts(conn)?;
    let people = people_by_id(conn)?;
    let mut custodians: HashMap<AccountId, Vec<_>> = HashMap::new();
    for row in store::list_current_custodians(conn, None)? {
        if let (Some(account), Some(person)) = (
            AccountId::parse(&row.account_id),
            PersonId::parse(&row.person_id),
        ) {
            custodians
                .entry(account)
                .or_default()
                .push((person, row.added_at));
        }
    }
    let live = store::list_live_grants(conn)?;
    Ok(Overview {
        accounts,
        people,
        custodians,
        live,
    })
}

/// The register for its CSV: managers only.
pub fn read_export(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
) -> Result<Overview, AppError> {
    manager(actor)?;
    read_overview(conn, ctx, actor)
}

fn account_history(
    conn: &mut DbConnection,
    id: AccountId,
    limit: i64,
) -> Result<Vec<EventRow>, AppError> {
    let filter = EventFilter {
        subject: Some(("account".into(), id.to_string())),
        ..EventFilter::default()
    };
    audit_store::list_events(conn, &filter, None, limit)
}

/// An account's page: the account, the register's overview, the grants
/// the actor may see, its history (newest first) for managers, and the
/// moderation log's latest entries for those who may read it.
pub struct AccountPage {
    pub account: Account,
    pub overview: Overview,
    pub grants: Vec<Grant>,
    pub history: Vec<EventRow>,
    /// The actor manages the accounts: they see every grant and may act.
    pub manages: bool,
    pub moderation: Option<(ModerationAccess, Vec<ModerationEntry>)>,
}

/// An account's page, for anyone signed in: managers see every grant and
/// the history; others only their own grants.
pub fn read_account_page(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    id: AccountId,
) -> Result<AccountPage, AppError> {
    let manages = manager(actor).is_ok();
    let overview = read_overview(conn, ctx, actor)?;
    let account = overview
        .accounts
        .iter()
        .find(|a| a.id == id)
        .cloned()
        .ok_or(AppError::NotFound)?;
    let grants = store::list_grants_for_account(conn, id)?
        .into_iter()
        .filter(|g| manages || actor.is(g.grantee_id))
        .collect();
    let history = if manages {
        account_history(conn, id, PAGE_HISTORY)?
    } else {
        Vec::new()
    };
    let moderation = moderation::read_section(conn, ctx, actor, &account)?;
    Ok(AccountPage {
        account,
        overview,
        grants,
        history,
        manages,
        moderation,
    })
}

/// Sorts people by name.
fn by_name(mut people: Vec<Person>) -> Vec<Person> {
    people.sort_by(|a, b| a.name.cmp(&b.name));
    people
}

/// Who may have opened an account, for the form that records one: SLT
/// and the head, those who have left included. Managers only.
pub fn read_openers(
    conn: &mut DbConnection,
    _: &Ctx,
    actor: &Actor,
) -> Result<Vec<Person>, AppError> {
    manager(actor)?;
    let people = people_by_id(conn)?;
    Ok(by_name(people.into_values().filter(is_senior).collect()))
}

/// The account and who may be given its login, for the form that gives
/// someone access. Managers only.
pub fn read_grant_form(
    conn: &mut DbConnection,
    _: &Ctx,
    actor: &Actor,
    id: AccountId,
) -> Result<(Account, Vec<Person>), AppError> {
    let account = managed(conn, actor, id)?;
    let grantees = people_by_id(conn)?
        .into_values()
        .filter(|p| p.active && p.role.may_hold_grants())
        .collect();
    Ok((account, by_name(grantees)))
}

/// A grant's page: the grant, its account, everyone, and the outbox row of
/// its written record.
pub struct GrantPage {
    pub grant: Grant,
    pub account: Account,
    pub people: People,
    pub sent: Option<OutboxRow>,
    /// The actor manages the accounts: they may revoke it.
    pub manages: bool,
}

/// A grant's page: only the grantee, SLT and the head see it.
pub fn read_grant_page(
    conn: &mut DbConnection,
    _: &Ctx,
    actor: &Actor,
    id: GrantId,
) -> Result<GrantPage, AppError> {
    let grant = store::get_grant(conn, id)?;
    let manages = manager(actor).is_ok();
    if !(manages || actor.is(grant.grantee_id)) {
        return Err(AppError::Forbidden(
            "Only the person given access, the Senior Leadership Team and the headteacher see a grant.",
        ));
    }
    let account = store::get_account(conn, grant.account_id)?;
    let people = people_by_id(conn)?;
    let sent = match &grant.message_id {
        Some(message_id) => mail_store::find_by_message_id(conn, message_id)?,
        None => None,
    };
    Ok(GrantPage {
        grant,
        account,
        people,
        sent,
        manages,
    })
}

/// The account, for the page that records a password change. Managers only.
pub fn read_account(
    conn: &mut DbConnection,
    _: &Ctx,
    actor: &Actor,
    id: AccountId,
) -> Result<Account, AppError> {
    managed(conn, actor, id)
}

/// The account and how many live grants closing it would end. Managers only.
pub fn read_close_page(
    conn: &mut DbConnection,
    _: &Ctx,
    actor: &Actor,
    id: AccountId,
) -> Result<(Account, usize), AppError> {
    let account = managed(conn, actor, id)?;
    let live = store::list_grants_for_account(conn, id)?
        .iter()
        .filter(|g| g.is_live())
        .count();
    Ok((account, live))
}

/// The account, its live grants and everyone, for an access review.
/// Managers only.
pub fn read_review_page(
    conn: &mut DbConnection,
    _: &Ctx,
    actor: &Actor,
    id: AccountId,
) -> Result<(Account, Vec<Grant>, People), AppError> {
    let account = managed(conn, actor, id)?;
    let live = store::list_grants_for_account(conn, id)?
        .into_iter()
        .filter(Grant::is_live)
        .collect();
    Ok((account, live, people_by_id(conn)?))
}

/// The account, its whole history (newest first) and everyone, for its
/// CSV. Managers only.
pub fn read_history(
    conn: &mut DbConnection,
    _: &Ctx,
    actor: &Actor,
    id: AccountId,
) -> Result<(Account, Vec<EventRow>, People), AppError> {
    let account = managed(conn, actor, id)?;
    Ok((
        account,
        account_history(conn, id, CSV_HISTORY)?,
        people_by_id(conn)?,
    ))
}
