//! Who may manage the official accounts, and the people the register
//! names: a page's by id, a change's (with their addresses), and the
//! custodians who can still act.

use std::collections::HashMap;

use crate::accounts::domain::Account;
use crate::accounts::store;
use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::{AccountId, PersonId};
use crate::people::actor::Actor;
use crate::people::domain::Role;
use crate::people::names::{self, Contact, Named};

/// Why anyone but SLT and the head is refused.
pub const MANAGERS_ONLY: &str =
    "Only the Senior Leadership Team and the headteacher manage the school's official accounts.";

/// The people a page names, by id.
pub type People = HashMap<PersonId, Named>;

/// Everyone a change may name or tell, by id.
pub(super) type Contacts = HashMap<PersonId, Contact>;

/// The acting manager's id: a member of SLT or the head, signed in.
pub(super) fn manager(actor: &Actor) -> Result<PersonId, AppError> {
    match (actor.id(), actor.role()) {
        (Some(id), Some(role)) if role.manages_people() => Ok(id),
        _ => Err(AppError::Forbidden(MANAGERS_ONLY)),
    }
}

/// The account, for a manager.
pub(super) fn managed(
    conn: &mut DbConnection,
    actor: &Actor,
    id: AccountId,
) -> Result<Account, AppError> {
    manager(actor)?;
    store::get_account(conn, id)
}

/// The account, if it is still open; otherwise `closed` is the conflict.
pub(super) fn open_account(
    conn: &mut DbConnection,
    id: AccountId,
    closed: &str,
) -> Result<Account, AppError> {
    let found = store::get_account(conn, id)?;
    if !found.is_open() {
        return Err(AppError::Conflict(closed.into()));
    }
    Ok(found)
}

/// Why a change that needs an open account is refused.
pub(super) const CLOSED: &str = "This account is closed.";

/// Whether a person in `role` may hold an account's login: SLT or the head.
pub(super) fn is_senior(role: Role) -> bool {
    role.may_be_custodian()
}

/// The roles of those who may hold an account's login.
pub(super) fn senior_roles() -> Vec<Role> {
    Role::ALL
        .iter()
        .copied()
        .filter(|r| is_senior(*r))
        .collect()
}

/// Everyone, by id, to name and address the people a change tells, in one
/// query.
pub(super) fn contacts_by_id(conn: &mut DbConnection) -> Result<Contacts, AppError> {
    names::contacts_by_id(conn)
}

/// The active members of SLT and the head, by name.
pub(super) fn seniors(people: &Contacts) -> Vec<Contact> {
    let mut all: Vec<Contact> = people
        .values()
        .filter(|p| p.active && is_senior(p.role))
        .cloned()
        .collect();
    all.sort_by(|a, b| a.name.cmp(&b.name));
    all
}

/// The account's current custodians who can still act: active SLT or head.
pub(super) fn valid_custodians(
    conn: &mut DbConnection,
    account: AccountId,
    people: &Contacts,
) -> Result<Vec<Contact>, AppError> {
    Ok(store::list_current_custodians(conn, Some(account))?
        .into_iter()
        .filter_map(|c| PersonId::parse(&c.person_id).and_then(|id| people.get(&id)))
        .filter(|p| p.active && is_senior(p.role))
        .cloned()
        .collect())
}
