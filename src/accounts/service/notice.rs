//! How a change to an official account is told: its audit event, and who
//! is emailed (the emails are clause j's written record).

use super::access::Contacts;
use crate::audit::{Action, NewEvent, Subject};
use crate::error::AppError;
use crate::ids::AccountId;
use crate::mail::{Email, Recipient};
use crate::people::domain::Role;
use crate::people::names::Contact;
use crate::tx::Tx;
use crate::web::urls;

/// The audit event of a change to `account`, by the acting person.
pub(super) fn event(tx: &Tx, action: Action, account: AccountId, summary: String) -> NewEvent {
    NewEvent::new(
        tx.actor.recorded(),
        action,
        Subject::of("account", account),
        summary,
    )
}

/// The link an email gives to the account's page.
pub(super) fn link(tx: &Tx, account: AccountId) -> String {
    tx.ctx.settings.link(&urls::account(account))
}

/// Emails `to` about `account`: `write` makes the email from who acted
/// and the link to the account's page.
pub(super) fn tell(
    tx: &mut Tx,
    to: Vec<Recipient>,
    account: AccountId,
    write: impl FnOnce(Vec<Recipient>, &str, String) -> Email,
) -> Result<(), AppError> {
    let email = write(to, tx.actor.name(), link(tx, account));
    tx.send(email)
}

pub(super) fn recipient(person: &Contact) -> Recipient {
    Recipient::new(&person.name, &person.email)
}

/// `first` (whatever their standing), then each active person of
/// `groups`, everyone once.
pub(super) fn recipients(
    first: Option<&Contact>,
    groups: impl IntoIterator<Item = Vec<Contact>>,
) -> Vec<Recipient> {
    let mut to: Vec<Recipient> = first.map(recipient).into_iter().collect();
    for person in groups.into_iter().flatten() {
        if person.active && !to.iter().any(|r| r.address == person.email) {
            to.push(recipient(&person));
        }
    }
    to
}

/// The active headteacher(s).
pub(super) fn heads(people: &Contacts) -> Vec<Contact> {
    people
        .values()
        .filter(|p| p.active && p.role == Role::Headteacher)
        .cloned()
        .collect()
}
