//! Changes to official accounts and grants: each one transaction with its
//! audit event and its emails (the emails are clause j's written record);
//! and the reads the pages need, with who may see them checked inside.
//! One file per family: `accounts` (open, close, password changes),
//! `custody`, `grants`, `reviews`, and `read`.

mod accounts;
mod custody;
mod grants;
mod people;
mod read;
mod reviews;

pub use accounts::{close, open, record_password_change};
pub use custody::{add_custodian, end_custody_of, remove_custodian};
pub use grants::{confirm, end_grants_of, expire_due, grant, revoke};
pub use people::HOOKS;
pub use read::{
    read_account, read_account_page, read_close_page, read_grant_form, read_grant_page,
    read_history, read_overview, read_review_page, AccountPage, GrantPage, Overview, People,
};
pub use reviews::review;

use std::collections::HashMap;

use super::store::{self};
use crate::audit::{Action, Actor, NewEvent, Subject};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::{AccountId, PersonId};
use crate::mail::Recipient;
use crate::people::domain::{Person, Role};
use crate::people::store as people_store;

/// Who is acting: an SLT member or the head, checked by the handler.
#[derive(Clone, Debug)]
pub struct By {
    pub id: PersonId,
    pub name: String,
    pub role: Role,
}

fn is_senior(person: &Person) -> bool {
    matches!(person.role, Role::Slt | Role::Headteacher)
}

/// Everyone, by id, to name and address people in one query.
pub fn people_by_id(conn: &mut DbConnection) -> Result<HashMap<PersonId, Person>, AppError> {
    Ok(people_store::list_people(conn)?
        .into_iter()
        .map(|p| (p.id, p))
        .collect())
}

fn recipient(person: &Person) -> Recipient {
    Recipient::new(&person.name, &person.email)
}

/// The account's current custodians who can still act: active SLT or head.
pub fn valid_custodians(
    conn: &mut DbConnection,
    account: AccountId,
    people: &HashMap<PersonId, Person>,
) -> Result<Vec<Person>, AppError> {
    Ok(store::list_current_custodians(conn, Some(account))?
        .into_iter()
        .filter_map(|c| PersonId::parse(&c.person_id).and_then(|id| people.get(&id)))
        .filter(|p| p.active && is_senior(p))
        .cloned()
        .collect())
}

/// Adds people to a recipient list once each.
fn add_unique(to: &mut Vec<Recipient>, people: impl IntoIterator<Item = Person>) {
    for person in people {
        if person.active && !to.iter().any(|r| r.address == person.email) {
            to.push(recipient(&person));
        }
    }
}

fn heads(people: &HashMap<PersonId, Person>) -> Vec<Person> {
    people
        .values()
        .filter(|p| p.active && p.role == Role::Headteacher)
        .cloned()
        .collect()
}

fn seniors(people: &HashMap<PersonId, Person>) -> Vec<Person> {
    let mut all: Vec<Person> = people
        .values()
        .filter(|p| p.active && is_senior(p))
        .cloned()
        .collect();
    all.sort_by(|a, b| a.name.cmp(&b.name));
    all
}

fn account_event(actor: Actor, action: Action, account: AccountId, summary: String) -> NewEvent {
    NewEvent::new(actor, action, Subject::of("account", account), summary)
}
