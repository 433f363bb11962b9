//! Changes to people: each one transaction with its audit event and emails.

use crate::audit::{self, Action, Actor, NewEvent, Subject};
use crate::auth::{session_store, tokens};
use crate::clock::to_row;
use crate::db::{dialect, try_insert, DbConnection};
use crate::error::AppError;
use crate::ids::PersonId;
use crate::mail::{self, templates, Recipient};
use crate::people::domain::{NewPerson, Person, Role};
use crate::people::store::{self, PersonRow};
use crate::startup::Ctx;
use crate::web::urls;

/// Who is making a change to people, and with what authority.
#[derive(Clone, Debug)]
pub struct ChangedBy {
    pub actor: Actor,
    /// `None` at the command line, which may do anything.
    pub role: Option<Role>,
    pub name: String,
}

impl ChangedBy {
    pub fn cli() -> Self {
        Self {
            actor: Actor::Cli,
            role: None,
            name: "An administrator".into(),
        }
    }

    fn may_give(&self, role: Role) -> bool {
        self.role.is_none_or(|giver| role.may_be_given_by(giver))
    }
}

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
    by: &ChangedBy,
    new: NewPerson,
    password_hash: Option<String>,
) -> Result<Result<Added, AddRefused>, AppError> {
    if !by.may_give(new.role) {
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
                by.actor,
                Action::PersonCreated,
                Subject::person(id),
                format!(
                    "{} added {} as {}",
                    by.name,
                    person.name,
                    person.role.label()
                ),
            )
            .with_data(serde_json::json!({ "role": person.role.as_str() })),
        )?;
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
                    &by.name,
                ),
                tokens::Purpose::Invitation,
                id,
            )?;
            audit::append(
                conn,
                ctx.clock.as_ref(),
                NewEvent::new(
                    by.actor,
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
}

impl AddRefused {
    pub fn message(&self) -> &'static str {
        match self {
            AddRefused::DuplicateEmail => "Someone with this email address is already in Custodian",
            AddRefused::RoleNotAllowed => {
                "Only the headteacher can make someone SLT, headteacher or chair of governors"
            }
        }
    }
}

/// The head of the school and the SLT, who hear about changes to people.
fn heads_and_slt(conn: &mut DbConnection) -> Result<Vec<Recipient>, AppError> {
    Ok(
        store::list_active_with_roles(conn, &[Role::Headteacher, Role::Slt])?
            .into_iter()
            .map(|p| Recipient::new(p.name, p.email))
            .collect(),
    )
}

fn heads(conn: &mut DbConnection) -> Result<Vec<Recipient>, AppError> {
    Ok(store::list_active_with_roles(conn, &[Role::Headteacher])?
        .into_iter()
        .map(|p| Recipient::new(p.name, p.email))
        .collect())
}

/// Changes a person's role and ends their sessions, so it applies at once.
pub fn change_role(
    conn: &mut DbConnection,
    ctx: &Ctx,
    by: &ChangedBy,
    id: PersonId,
    role: Role,
) -> Result<Person, AppError> {
    dialect::write(conn, |conn| {
        let before = store::get_person(conn, id)?;
        if !(by.may_give(before.role) && by.may_give(role)) {
            return Err(AppError::Forbidden(
                "Only the headteacher can give or take away the roles of SLT, headteacher \
                 and chair of governors.",
            ));
        }
        if by.actor == Actor::Person(id) {
            return Err(AppError::Conflict(
                "You cannot change your own role; ask another headteacher or use the \
                 command line."
                    .into(),
            ));
        }
        if !before.active {
            return Err(AppError::Conflict(
                "This person has been deactivated; their role cannot change.".into(),
            ));
        }
        if before.role == role {
            return Ok(before);
        }
        store::update_role(conn, id, role)?;
        session_store::end_sessions_of(conn, id)?;
        let after = store::get_person(conn, id)?;
        audit::append(
            conn,
            ctx.clock.as_ref(),
            NewEvent::new(
                by.actor,
                Action::PersonRoleChanged,
                Subject::person(id),
                format!(
                    "{} changed {}'s role from {} to {}",
                    by.name,
                    after.name,
                    before.role.label(),
                    role.label()
                ),
            )
            .with_data(serde_json::json!({ "from": before.role.as_str(), "to": role.as_str() })),
        )?;
        let mut to = vec![Recipient::new(&after.name, &after.email)];
        to.extend(
            heads(conn)?
                .into_iter()
                .filter(|r| r.address != after.email),
        );
        mail::enqueue(
            conn,
            ctx.clock.as_ref(),
            &ctx.settings,
            templates::role_changed(
                to,
                &after,
                before.role,
                &by.name,
                ctx.settings.link(&urls::person(id)),
            ),
        )?;
        Ok(after)
    })
}

/// Deactivates a leaver: they can no longer sign in and their sessions end.
/// People are never deleted.
pub fn deactivate(
    conn: &mut DbConnection,
    ctx: &Ctx,
    by: &ChangedBy,
    id: PersonId,
) -> Result<Person, AppError> {
    dialect::write(conn, |conn| {
        let before = store::get_person(conn, id)?;
        if !by.may_give(before.role) {
            return Err(AppError::Forbidden(
                "Only the headteacher can deactivate SLT members, the headteacher or the \
                 chair of governors.",
            ));
        }
        if by.actor == Actor::Person(id) {
            return Err(AppError::Conflict("You cannot deactivate yourself.".into()));
        }
        if !before.active {
            return Ok(before);
        }
        store::deactivate(conn, id, ctx.clock.now_row())?;
        session_store::end_sessions_of(conn, id)?;
        let ended = crate::accounts::service::end_grants_of_leaver(conn, ctx, by.actor, id)?;
        let after = store::get_person(conn, id)?;
        audit::append(
            conn,
            ctx.clock.as_ref(),
            NewEvent::new(
                by.actor,
                Action::PersonDeactivated,
                Subject::person(id),
                format!("{} deactivated {}", by.name, after.name),
            )
            .with_data(serde_json::json!({ "grants_ended": ended })),
        )?;
        let to = heads_and_slt(conn)?;
        mail::enqueue(
            conn,
            ctx.clock.as_ref(),
            &ctx.settings,
            templates::deactivated(
                to,
                &after,
                ended,
                &by.name,
                ctx.settings.link(&urls::person(id)),
            ),
        )?;
        Ok(after)
    })
}
