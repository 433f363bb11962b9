//! What the official accounts pages show, read in one trip to the pool, with
//! who may see it checked here.

use std::collections::HashMap;

use time::PrimitiveDateTime;

use super::people_by_id;
use crate::accounts::domain::{Account, Grant};
use crate::accounts::store;
use crate::audit::store::{self as audit_store, EventFilter, EventRow};
use crate::auth::current::CurrentPerson;
use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::{AccountId, GrantId, PersonId};
use crate::mail::store::{self as mail_store, OutboxRow};
use crate::people::domain::Person;

/// The most history events an account's page shows.
const PAGE_HISTORY: i64 = 500;
/// The most history events an account's history CSV holds.
const CSV_HISTORY: i64 = 100_000;

/// Everyone, by id.
pub type People = HashMap<PersonId, Person>;

/// What the register knows about every account, gathered without a query per row.
pub struct Overview {
    pub accounts: Vec<Account>,
    pub people: HashMap<PersonId, Person>,
    pub custodians: HashMap<AccountId, Vec<(PersonId, PrimitiveDateTime)>>,
    pub live: Vec<Grant>,
}

/// The register: every account, everyone, current custodians and live grants.
pub fn read_overview(conn: &mut DbConnection) -> Result<Overview, AppError> {
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

/// An account's page: the register's overview, the account's grants, and
/// its history (newest first) for those who manage the accounts.
pub struct AccountPage {
    pub overview: Overview,
    pub grants: Vec<Grant>,
    pub history: Vec<EventRow>,
}

/// Reads an account's page for `me`: the history only if `me` manages the accounts.
pub fn read_account_page(
    conn: &mut DbConnection,
    me: &CurrentPerson,
    id: AccountId,
) -> Result<AccountPage, AppError> {
    let overview = read_overview(conn)?;
    let grants = store::list_grants_for_account(conn, id)?;
    let history = if me.role.manages_people() {
        account_history(conn, id, PAGE_HISTORY)?
    } else {
        Vec::new()
    };
    Ok(AccountPage {
        overview,
        grants,
        history,
    })
}

/// One account.
pub fn read_account(conn: &mut DbConnection, id: AccountId) -> Result<Account, AppError> {
    store::get_account(conn, id)
}

/// The account and everyone, for the form that gives someone access.
pub fn read_grant_form(
    conn: &mut DbConnection,
    id: AccountId,
) -> Result<(Account, HashMap<PersonId, Person>), AppError> {
    Ok((store::get_account(conn, id)?, people_by_id(conn)?))
}

/// A grant's page: the grant, its account, everyone, and the outbox row of
/// its written record.
pub struct GrantPage {
    pub grant: Grant,
    pub account: Account,
    pub people: HashMap<PersonId, Person>,
    pub sent: Option<OutboxRow>,
}

/// Reads a grant's page for `me`: only the grantee, SLT and the head see it.
pub fn read_grant_page(
    conn: &mut DbConnection,
    me: &CurrentPerson,
    id: GrantId,
) -> Result<GrantPage, AppError> {
    let grant = store::get_grant(conn, id)?;
    me.require(
        me.role.manages_people() || grant.grantee_id == me.id,
        "Only the person given access, the Senior Leadership Team and the headteacher see a grant.",
    )?;
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
    })
}

/// The account and how many live grants closing it would end.
pub fn read_close_page(
    conn: &mut DbConnection,
    id: AccountId,
) -> Result<(Account, usize), AppError> {
    let account = store::get_account(conn, id)?;
    let live = store::list_grants_for_account(conn, id)?
        .iter()
        .filter(|g| g.is_live())
        .count();
    Ok((account, live))
}

/// The account, its grants and everyone, for an access review.
pub fn read_review_page(
    conn: &mut DbConnection,
    id: AccountId,
) -> Result<(Account, Vec<Grant>, People), AppError> {
    Ok((
        store::get_account(conn, id)?,
        store::list_grants_for_account(conn, id)?,
        people_by_id(conn)?,
    ))
}

/// The account, its whole history (newest first) and everyone, for its CSV.
pub fn read_history(
    conn: &mut DbConnection,
    id: AccountId,
) -> Result<(Account, Vec<EventRow>, People), AppError> {
    let account = store::get_account(conn, id)?;
    Ok((
        account,
        account_history(conn, id, CSV_HISTORY)?,
        people_by_id(conn)?,
    ))
}
