//! Signing in and out, the setup link, and setting passwords: each change
//! one transaction with its audit event and emails.

use time::OffsetDateTime;

use super::{session_store, throttle, tokens};
use crate::audit::{Action, Actor, NewEvent, Subject};
use crate::clock::from_row;
use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::PersonId;
use crate::mail::{self, templates, Recipient};
use crate::people::actor::Actor as Acting;
use crate::people::domain::{NewPerson, Person};
use crate::people::store as people_store;
use crate::people::store::PersonRow;
use crate::state::Ctx;
use crate::tx::{self, Tx};
use crate::web::urls;

/// One write transaction. Its events name their own actors: whoever signs
/// in or follows a link is not signed in yet, so nobody acts for them.
fn write<T>(
    conn: &mut DbConnection,
    ctx: &Ctx,
    work: impl FnOnce(&mut Tx) -> Result<T, AppError>,
) -> Result<T, AppError> {
    tx::write(conn, ctx, &Acting::System, work)
}

/// On an empty database, a fresh one-time link where the head creates
/// their account; `None` once anyone exists.
pub fn issue_setup_link(conn: &mut DbConnection, ctx: &Ctx) -> Result<Option<String>, AppError> {
    write(conn, ctx, |tx| {
        if people_store::count_people(tx.conn)? > 0 {
            return Ok(None);
        }
        let token = tokens::issue(tx.conn, tokens::Purpose::Setup, None, tx.now_row())?;
        tx.record(NewEvent::new(
            Actor::System,
            Action::SetupLinkIssued,
            Subject::of("setup", "headteacher"),
            "Setup link issued for the headteacher's account",
        ))?;
        Ok(Some(
            ctx.settings.link(&urls::with_token(urls::SETUP, &token)),
        ))
    })
}

/// Creates the headteacher's account from the setup link. `None` when the
/// link is used, expired, or someone already exists.
pub fn complete_setup(
    conn: &mut DbConnection,
    ctx: &Ctx,
    token: &str,
    new: NewPerson,
    password_hash: String,
) -> Result<Option<Person>, AppError> {
    write(conn, ctx, |tx| {
        let now = tx.now_row();
        if people_store::count_people(tx.conn)? > 0
            || tokens::consume(tx.conn, tokens::Purpose::Setup, token, now)?.is_none()
        {
            return Ok(None);
        }
        let id = PersonId::new();
        let row = PersonRow {
            id: id.to_string(),
            name: new.name.as_str().to_owned(),
            email: new.email.as_str().to_owned(),
            role: new.role.as_str().to_owned(),
            active: true,
            password_hash: Some(password_hash),
            created_at: now,
            deactivated_at: None,
        };
        people_store::insert_person(tx.conn, &row)?;
        let person = Person::try_from(row)?;
        tx.record(
            NewEvent::own(
                id,
                Action::PersonCreated,
                format!(
                    "{} set up Custodian as {}",
                    person.name,
                    person.role.label()
                ),
            )
            .with_data(serde_json::json!({ "role": person.role.as_str(), "via": "setup link" })),
        )?;
        Ok(Some(person))
    })
}

/// What a sign-in attempt came to.
#[derive(Debug)]
pub enum SignIn {
    SignedIn(Person),
    Failed,
    Locked { until: OffsetDateTime },
}

/// The account's lock, checked before any hashing.
pub fn current_lock(
    conn: &mut DbConnection,
    ctx: &Ctx,
    email: &str,
) -> Result<Option<OffsetDateTime>, AppError> {
    Ok(throttle::find_lock(conn, email, ctx.clock.now_row())?.map(from_row))
}

/// A person with their password hash (none until they choose one).
pub type PersonWithHash = (Person, Option<String>);

/// What signing in with this email needs before any hashing: the lock, if
/// the account is paused, and the person with their password hash.
pub fn read_sign_in(
    conn: &mut DbConnection,
    ctx: &Ctx,
    email: &str,
) -> Result<(Option<OffsetDateTime>, Option<PersonWithHash>), AppError> {
    Ok((
        current_lock(conn, ctx, email)?,
        people_store::find_by_email_with_hash(conn, email)?,
    ))
}

/// What changing one's own password needs before any hashing: the stored
/// hash, and the lock if the account is paused.
pub fn read_password_change(
    conn: &mut DbConnection,
    ctx: &Ctx,
    me: PersonId,
    email: &str,
) -> Result<(Option<String>, Option<OffsetDateTime>), AppError> {
    Ok((
        people_store::get_password_hash(conn, me)?,
        current_lock(conn, ctx, email)?,
    ))
}

/// Records the outcome of checking a password. `person` is who the email
/// belongs to, if anyone; `matched` whether the password was right.
pub fn record_sign_in(
    conn: &mut DbConnection,
    ctx: &Ctx,
    email: &str,
    person: Option<Person>,
    matched: bool,
) -> Result<SignIn, AppError> {
    write(conn, ctx, |tx| {
        record_sign_in_in(tx, email, person, matched)
    })
}

/// `record_sign_in` inside a transaction the caller holds.
fn record_sign_in_in(
    tx: &mut Tx,
    email: &str,
    person: Option<Person>,
    matched: bool,
) -> Result<SignIn, AppError> {
    let now = tx.now_row();
    // Checked again inside the transaction: a lock taken meanwhile holds.
    if let Some(until) = throttle::find_lock(tx.conn, email, now)? {
        return Ok(SignIn::Locked {
            until: from_row(until),
        });
    }
    match person {
        Some(person) if matched && person.active => {
            throttle::clear(tx.conn, email)?;
            tx.record(NewEvent::own(
                person.id,
                Action::SignInSucceeded,
                format!("{} signed in", person.name),
            ))?;
            Ok(SignIn::SignedIn(person))
        }
        person => {
            let locked_until = throttle::record_failure(tx.conn, email, now)?;
            let subject = match &person {
                Some(p) => Subject::person(p.id),
                None => Subject::of("sign_in", email),
            };
            tx.record(NewEvent::new(
                Actor::System,
                Action::SignInFailed,
                subject.clone(),
                "Failed sign-in attempt",
            ))?;
            let Some(until) = locked_until else {
                return Ok(SignIn::Failed);
            };
            tx.record(
                NewEvent::new(
                    Actor::System,
                    Action::SignInLocked,
                    subject,
                    "Sign-in locked after repeated failures",
                )
                .with_data(serde_json::json!({ "until": crate::audit::domain::hash_time(until) })),
            )?;
            if let Some(person) = person.filter(|p| p.active) {
                let settings = &tx.ctx.settings;
                tx.send(templates::sign_in_locked(
                    Recipient::new(&person.name, &person.email),
                    crate::web::format::date_time(from_row(until), settings.time_zone),
                    settings.link(urls::LOGIN),
                ))?;
            }
            Ok(SignIn::Locked {
                until: from_row(until),
            })
        }
    }
}

pub fn record_sign_out(
    conn: &mut DbConnection,
    ctx: &Ctx,
    person: PersonId,
    name: &str,
) -> Result<(), AppError> {
    write(conn, ctx, |tx| {
        tx.record(NewEvent::own(
            person,
            Action::SignedOut,
            format!("{name} signed out"),
        ))
    })
}

/// A wrong current password on the change-password form counts as a failed
/// sign-in. SECURITY: otherwise a stolen session could guess the password
/// without end. Returns the lock's end when this failure locks; then every
/// session of the person has ended, the one in hand too.
pub fn wrong_current_password(
    conn: &mut DbConnection,
    ctx: &Ctx,
    id: PersonId,
) -> Result<Option<OffsetDateTime>, AppError> {
    write(conn, ctx, |tx| {
        let person = people_store::get_person(tx.conn, id)?;
        let email = person.email.clone();
        match record_sign_in_in(tx, &email, Some(person), false)? {
            SignIn::Locked { until } => {
                session_store::end_sessions_of(tx.conn, id)?;
                Ok(Some(until))
            }
            _ => Ok(None),
        }
    })
}

/// Sets a new password for someone signed in, ending all their sessions
/// (the caller renews its own).
pub fn change_password(
    conn: &mut DbConnection,
    ctx: &Ctx,
    id: PersonId,
    hash: String,
) -> Result<(), AppError> {
    write(conn, ctx, |tx| {
        let person = &people_store::get_person(tx.conn, id)?;
        people_store::update_password_hash(tx.conn, person.id, &hash)?;
        session_store::end_sessions_of(tx.conn, person.id)?;
        tx.record(NewEvent::own(
            person.id,
            Action::PasswordChanged,
            format!("{} changed their password", person.name),
        ))?;
        tell_of_password_change(tx, person)
    })
}

/// SECURITY: the person hears of every change of their password, so a
/// change they did not make (a stolen session, a reset from their mailbox)
/// does not go unnoticed. The email carries no token: only the way to ask
/// for a reset.
fn tell_of_password_change(tx: &mut Tx, person: &Person) -> Result<(), AppError> {
    let settings = &tx.ctx.settings;
    tx.send(templates::password_changed(
        Recipient::new(&person.name, &person.email),
        crate::web::format::date_time(tx.now(), settings.time_zone),
        settings.link(urls::PASSWORD_RESET),
    ))
}

/// Emails a reset link if the address belongs to an active person who has
/// not been sent one in the last few minutes. The caller answers the same
/// either way.
pub fn request_reset(conn: &mut DbConnection, ctx: &Ctx, email: &str) -> Result<(), AppError> {
    write(conn, ctx, |tx| {
        let Some(person) = people_store::find_by_email(tx.conn, email)?.filter(|p| p.active) else {
            return Ok(());
        };
        let now = tx.now_row();
        // SECURITY: one email per person in five minutes, whoever asks, so
        // nobody can flood a mailbox (or bury a real alert) with resets.
        if !throttle::take_reset_email(tx.conn, &person.id.to_string(), now)? {
            return Ok(());
        }
        // Links from earlier requests stop working; this email's link is
        // made as it is sent (SECURITY: the outbox never holds a token).
        tokens::revoke_unused(tx.conn, tokens::Purpose::PasswordReset, person.id, now)?;
        mail::enqueue_with_link(
            tx.conn,
            ctx.clock.as_ref(),
            &ctx.settings,
            templates::password_reset(
                Recipient::new(&person.name, &person.email),
                mail::deferred_link(&ctx.settings, tokens::Purpose::PasswordReset),
            ),
            tokens::Purpose::PasswordReset,
            person.id,
        )?;
        tx.record(NewEvent::new(
            Actor::System,
            Action::PasswordResetRequested,
            Subject::person(person.id),
            format!("Password reset link emailed to {}", person.name),
        ))
    })
}

/// Whether a one-time link works now (shown before the form).
pub fn link_is_valid(
    conn: &mut DbConnection,
    ctx: &Ctx,
    purpose: tokens::Purpose,
    token: &str,
) -> Result<bool, AppError> {
    Ok(
        match tokens::find_valid(conn, purpose, token, ctx.clock.now_row())? {
            Some(Some(person)) => invitation_open(conn, purpose, person)?,
            Some(None) => true,
            None => false,
        },
    )
}

/// SECURITY: an invitation sets a first password only. An invitation email
/// that goes out after its person has set one (a printed link used first, a
/// held email sent late) carries a link that does nothing.
fn invitation_open(
    conn: &mut DbConnection,
    purpose: tokens::Purpose,
    person: PersonId,
) -> Result<bool, AppError> {
    Ok(purpose != tokens::Purpose::Invitation
        || people_store::get_password_hash(conn, person)?.is_none())
}

/// Sets a password through an invitation or reset link. `None` when the
/// link is no longer valid.
pub fn set_password_by_link(
    conn: &mut DbConnection,
    ctx: &Ctx,
    purpose: tokens::Purpose,
    token: &str,
    hash: String,
) -> Result<Option<Person>, AppError> {
    write(conn, ctx, |tx| {
        let Some(Some(id)) = tokens::consume(tx.conn, purpose, token, tx.now_row())? else {
            return Ok(None);
        };
        if !invitation_open(tx.conn, purpose, id)? {
            return Ok(None);
        }
        let person = people_store::get_person(tx.conn, id)?;
        if !person.active {
            return Ok(None);
        }
        people_store::update_password_hash(tx.conn, id, &hash)?;
        session_store::end_sessions_of(tx.conn, id)?;
        throttle::clear(tx.conn, &person.email)?;
        let (action, summary) = match purpose {
            tokens::Purpose::Invitation => (
                Action::PasswordSet,
                format!("{} accepted their invitation", person.name),
            ),
            _ => (
                Action::PasswordReset,
                format!("{} reset their password", person.name),
            ),
        };
        tx.record(NewEvent::own(id, action, summary))?;
        if purpose == tokens::Purpose::PasswordReset {
            tell_of_password_change(tx, &person)?;
        }
        Ok(Some(person))
    })
}
