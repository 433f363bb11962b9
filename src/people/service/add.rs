//! Adding a person, with a password or an invitation to choose one.

use super::chair::install_chair;
use super::who::{may_give, require_manager};
use crate::audit::{Action, NewEvent, Subject};
use crate::auth::tokens;
use crate::error::{AppError, FormErrors};
use crate::mail::{self, templates, Recipient};
use crate::people::actor::Actor;
use crate::people::domain::{NewPerson, Person, Role};
use crate::people::store;
use crate::tx::Tx;
use crate::web::urls;

/// What adding a person produced.
pub struct Added {
    pub person: Person,
    /// The invitation link, when no password was set.
    pub invitation_link: Option<String>,
}

/// Adds a person. With a password hash they can sign in at once; without
/// one they are emailed an invitation to choose a password. `new` is the
/// form as parsed: its errors come back once the actor may add people at
/// all; a role they may not give, or an email address already taken, is
/// refused beside its field.
pub fn add(
    tx: &mut Tx,
    new: Result<NewPerson, FormErrors>,
    password_hash: Option<String>,
) -> Result<Added, AppError> {
    require_manager(tx.actor)?;
    let new = new.or_else(|errors| tx.refuse(errors))?;
    // SECURITY: a chair added by the head could read every concern about
    // the head; only the command line adds one.
    if new.role == Role::Chair && *tx.actor != Actor::CommandLine {
        return tx.refuse_field(
            "role",
            "The chair of governors is handed over by the sitting chair, or set by whoever \
             runs the server from the command line",
        );
    }
    if !may_give(tx.actor, new.role) {
        return tx.refuse_field(
            "role",
            "Only the headteacher can make someone SLT or headteacher",
        );
    }
    let invited = password_hash.is_none();
    let Some(person) = store::try_insert_person(tx.conn, &new, password_hash, tx.now_row())? else {
        return tx.refuse_field(
            "email",
            "Someone with this email address is already in Custodian",
        );
    };
    let added = event(
        tx,
        Action::PersonCreated,
        &person,
        format!(
            "{} added {} as {}",
            tx.actor.name(),
            person.name,
            person.role.label()
        ),
    );
    tx.record(added.with_data(serde_json::json!({ "role": person.role.as_str() })))?;
    if person.role == Role::Chair {
        // Only one chair at a time: the sitting chair steps down.
        install_chair(tx, &person, false, true)?;
    }
    let invitation_link = if invited {
        Some(invite(tx, &person)?)
    } else {
        None
    };
    Ok(Added {
        person,
        invitation_link,
    })
}

fn event(tx: &Tx, action: Action, person: &Person, summary: String) -> NewEvent {
    NewEvent::new(
        tx.actor.recorded(),
        action,
        Subject::person(person.id),
        summary,
    )
}

/// Emails a new person an invitation to choose a password; returns the
/// link printed at the command line. The email's own link is made as it
/// is sent (SECURITY: the outbox never holds a token).
fn invite(tx: &mut Tx, person: &Person) -> Result<String, AppError> {
    let purpose = tokens::Purpose::Invitation;
    let token = tokens::issue(tx.conn, purpose, Some(person.id), tx.now_row())?;
    let settings = &tx.ctx.settings;
    let link = settings.link(&urls::with_token(urls::INVITATION, &token));
    mail::enqueue_with_link(
        tx.conn,
        tx.ctx.clock.as_ref(),
        settings,
        templates::invitation(
            Recipient::new(&person.name, &person.email),
            person.role,
            mail::deferred_link(settings, purpose),
            tx.actor.name(),
        ),
        purpose,
        person.id,
    )?;
    let invited = event(
        tx,
        Action::PersonInvited,
        person,
        format!("Invitation emailed to {}", person.name),
    );
    tx.record(invited)?;
    Ok(link)
}
