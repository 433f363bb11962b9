//! Adding a person, with a password or an invitation to choose one.

use super::chair::install_chair;
use super::who::may_give;
use crate::audit::{self, Action, NewEvent, Subject};
use crate::auth::tokens;
use crate::clock::to_row;
use crate::db::{dialect, try_insert, DbConnection};
use crate::error::AppError;
use crate::ids::PersonId;
use crate::mail::{self, templates, Recipient};
use crate::people::actor::Actor;
use crate::people::domain::{NewPerson, Person, Role};
use crate::people::store::{self, PersonRow};
use crate::state::Ctx;
use crate::web::urls;

/// What adding a person produced.
pub struct Added {
    pub person: Person,
    /// The invitation link, when no password was set.
    pub invitation_link: Option<String>,
}

/// Adds a person. With a password hash they can sign in at once; without
/// one they are emailed an invitation to choose a password.
pub fn add(
    conn: &mut DbConnection,
    ctx: &Ctx,
    by: &Actor,
    new: NewPerson,
    password_hash: Option<String>,
) -> Result<Result<Added, AddRefused>, AppError> {
    // SECURITY: a chair added by the head could read every concern about
    // the head; only the command line adds one.
    if new.role == Role::Chair && *by != Actor::CommandLine {
        return Ok(Err(AddRefused::ChairNotYours));
    }
    if !may_give(by, new.role) {
        return Ok(Err(AddRefused::RoleNotAllowed));
    }
    dialect::write(conn, |conn| {
        let now = ctx.clock.now();
        let id = PersonId::new();
        let row = PersonRow {
            id: id.to_string(),
            name: new.name.as_str().to_owned(),
            email: new.email.as_str().to_owned(),
            role: new.role.as_str().to_owned(),
            active: true,
            password_hash: password_hash.clone(),
            created_at: to_row(now),
            deactivated_at: None,
        };
        if !try_insert(conn, |conn| store::insert_person(conn, &row))? {
            return Ok(Err(AddRefused::DuplicateEmail));
        }
        let person = Person::try_from(row)?;
        audit::append(
            conn,
            ctx.clock.as_ref(),
            NewEvent::new(
                by.recorded(),
                Action::PersonCreated,
                Subject::person(id),
                format!(
                    "{} added {} as {}",
                    by.name(),
                    person.name,
                    person.role.label()
                ),
            )
            .with_data(serde_json::json!({ "role": person.role.as_str() })),
        )?;
        if person.role == Role::Chair {
            // Only one chair at a time: the sitting chair steps down.
            install_chair(conn, ctx, by, &person, false, true)?;
        }
        let invitation_link = if password_hash.is_none() {
            // The link printed at the command line; the email's own link is
            // made as it is sent (SECURITY: the outbox never holds a token).
            let token = tokens::issue(conn, tokens::Purpose::Invitation, Some(id), to_row(now))?;
            let link = ctx
                .settings
                .link(&urls::with_token(urls::INVITATION, &token));
            mail::enqueue_with_link(
                conn,
                ctx.clock.as_ref(),
                &ctx.settings,
                templates::invitation(
                    Recipient::new(&person.name, &person.email),
                    person.role,
                    mail::deferred_link(&ctx.settings, tokens::Purpose::Invitation),
                    by.name(),
                ),
                tokens::Purpose::Invitation,
                id,
            )?;
            audit::append(
                conn,
                ctx.clock.as_ref(),
                NewEvent::new(
                    by.recorded(),
                    Action::PersonInvited,
                    Subject::person(id),
                    format!("Invitation emailed to {}", person.name),
                ),
            )?;
            Some(link)
        } else {
            None
        };
        Ok(Ok(Added {
            person,
            invitation_link,
        }))
    })
}

/// Why a person could not be added.
#[derive(Debug, PartialEq, Eq)]
pub enum AddRefused {
    DuplicateEmail,
    RoleNotAllowed,
    ChairNotYours,
}

impl AddRefused {
    pub fn message(&self) -> &'static str {
        match self {
            AddRefused::DuplicateEmail => "Someone with this email address is already in Custodian",
            AddRefused::RoleNotAllowed => {
                "Only the headteacher can make someone SLT or headteacher"
            }
            AddRefused::ChairNotYours => {
                "The chair of governors is handed over by the sitting chair, or set by whoever \
                 runs the server from the command line"
            }
        }
    }
}
