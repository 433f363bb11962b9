//! Who holds an official account's login: custodians added, removed, and
//! custody ended when a person leaves SLT.

use super::access::{contacts_by_id, is_senior, manager, open_account, valid_custodians, CLOSED};
use super::notice::event;
use crate::accounts::store;
use crate::audit::Action;
use crate::error::AppError;
use crate::ids::{AccountId, PersonId};
use crate::people::store as people_store;
use crate::tx::Tx;

/// Adds an SLT member or the head as a custodian; `person` is `None` when
/// the form named no one, refused beside `person_id`.
pub fn add_custodian(
    tx: &mut Tx,
    account: AccountId,
    person: Option<PersonId>,
) -> Result<(), AppError> {
    let me = manager(tx.actor)?;
    let Some(person) = person else {
        return tx.refuse_field("person_id", "Choose an SLT member to add as a custodian.");
    };
    let found = open_account(tx.conn, account, CLOSED)?;
    let who = people_store::get_person(tx.conn, person)?;
    if !(who.active && is_senior(who.role)) {
        return Err(AppError::Conflict(
            "Only active members of the Senior Leadership Team hold an account's login.".into(),
        ));
    }
    if !store::insert_custodian(tx.conn, account, person, me, tx.now_row())? {
        return Ok(());
    }
    let summary = format!(
        "{} made {} a custodian of {}",
        tx.actor.name(),
        who.name,
        found.handle
    );
    let added = event(tx, Action::CustodianAdded, account, summary)
        .with_data(serde_json::json!({ "person_id": person.to_string() }));
    tx.record(added)
}

/// Removes a custodian, never the last one who can still act.
pub fn remove_custodian(tx: &mut Tx, account: AccountId, person: PersonId) -> Result<(), AppError> {
    let me = manager(tx.actor)?;
    let found = store::get_account(tx.conn, account)?;
    let people = contacts_by_id(tx.conn)?;
    let remaining = valid_custodians(tx.conn, account, &people)?
        .into_iter()
        .filter(|p| p.id != person)
        .count();
    if remaining == 0 && found.is_open() {
        return Err(AppError::Conflict(
            "An account must always have at least one custodian who is an active SLT member. \
             Add another custodian first."
                .into(),
        ));
    }
    if store::remove_custodian(tx.conn, account, person, Some(me), tx.now_row())? == 0 {
        return Err(AppError::NotFound);
    }
    let name = people
        .get(&person)
        .map(|p| p.name.clone())
        .unwrap_or_default();
    let summary = format!(
        "{} removed {name} as a custodian of {}",
        tx.actor.name(),
        found.handle
    );
    let removed = event(tx, Action::CustodianRemoved, account, summary)
        .with_data(serde_json::json!({ "person_id": person.to_string() }));
    tx.record(removed)
}

/// Ends a person's custody of every official account they hold the login
/// of, inside the caller's transaction (they are no longer SLT or the head).
/// SECURITY: they still know each login, so each open account is marked
/// "password change due", as for a grant that ends.
pub fn end_custody_of(tx: &mut Tx, person: PersonId, why: &str) -> Result<usize, AppError> {
    let name = people_store::get_person(tx.conn, person)?.name;
    let mut ended = 0;
    for raw in store::list_custody_of(tx.conn, person)? {
        let Some(account) = AccountId::parse(&raw) else {
            continue;
        };
        let found = store::get_account(tx.conn, account)?;
        let removed =
            store::remove_custodian(tx.conn, account, person, tx.actor.id(), tx.now_row())?;
        if removed == 0 {
            continue;
        }
        if found.is_open() {
            store::set_password_change_due(tx.conn, account, true)?;
        }
        let summary = format!(
            "{name} no longer holds the login of {}: {why}",
            found.handle
        );
        let ended_event =
            event(tx, Action::CustodianRemoved, account, summary).with_data(serde_json::json!({
                "person_id": person.to_string(),
                "password_change_due": found.is_open(),
            }));
        tx.record(ended_event)?;
        ended += 1;
    }
    Ok(ended)
}
