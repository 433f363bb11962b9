//! The chair of governors hands the role over: the sitting chair names a
//! successor, who accepts by a one-time emailed link.

use super::chair::{end_handovers_from, end_links_to, install_chair};
use super::who::sitting_chair;
use crate::audit::{Action, NewEvent, Subject};
use crate::auth::tokens::{self, Purpose};
use crate::clock::{from_row, to_row};
use crate::db::DbConnection;
use crate::error::{AppError, FormErrors};
use crate::ids::PersonId;
use crate::mail::{self, templates, Recipient};
use crate::people::actor::Actor;
use crate::people::domain::{NewPerson, Person, Role};
use crate::people::store::{self, HandoverRow, Party};
use crate::state::Ctx;
use crate::tx::{self, Tx};

/// A handover of the chair of governors that is waiting for the successor.
#[derive(Clone, Debug)]
pub struct Handover {
    pub from: Person,
    pub to: Person,
    /// The outgoing chair leaves (is deactivated) rather than becoming staff.
    pub outgoing_leaves: bool,
    pub expires_at: time::OffsetDateTime,
}

/// How long a handover waits for the successor (and so their link works).
pub const HANDOVER_LIFETIME: time::Duration = Purpose::ChairAccept.lifetime();

/// Who the sitting chair hands over to.
#[derive(Debug)]
pub enum Successor {
    /// Someone already in Custodian.
    Existing(PersonId),
    /// Someone new: added as staff, and made chair when they accept.
    New(NewPerson),
}

/// Why a link for someone else is refused.
const SOMEONE_ELSE: &str =
    "This link is for someone else. Sign out, and sign in as the person it was sent to.";

fn handover_from_row(conn: &mut DbConnection, row: &HandoverRow) -> Result<Handover, AppError> {
    let id = |raw: &str| {
        PersonId::parse(raw)
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("handover {}: bad person", row.id)))
    };
    Ok(Handover {
        from: store::get_person(conn, id(&row.from_person_id)?)?,
        to: store::get_person(conn, id(&row.to_person_id)?)?,
        outgoing_leaves: row.outgoing_leaves,
        expires_at: from_row(row.expires_at),
    })
}

/// The waiting handover offered by (or to) this person, if any.
pub(super) fn pending(
    conn: &mut DbConnection,
    ctx: &Ctx,
    party: Party,
) -> Result<Option<Handover>, AppError> {
    store::find_pending_handover(conn, party, ctx.clock.now_row())?
        .map(|row| handover_from_row(conn, &row))
        .transpose()
}

/// The audit event of the chair's offer or its withdrawal.
fn event(tx: &Tx, action: Action, to: PersonId, summary: String) -> NewEvent {
    NewEvent::new(tx.actor.recorded(), action, Subject::person(to), summary)
}

/// The successor named, checked: someone active who is not the chair or
/// the head, or someone new, added as staff. Refused beside the field.
fn successor(tx: &mut Tx, chair: &Person, successor: Successor) -> Result<Person, AppError> {
    match successor {
        Successor::Existing(id) => match store::find_person(tx.conn, id)? {
            // SECURITY: never the head, whose concerns the chair reviews.
            Some(p) if p.active && p.id != chair.id && p.role != Role::Headteacher => Ok(p),
            _ => tx.refuse_field(
                "successor",
                "Choose someone active who is not the headteacher, or name someone new",
            ),
        },
        Successor::New(new) => {
            let new = NewPerson {
                role: Role::Staff,
                ..new
            };
            let Some(person) = store::try_insert_person(tx.conn, &new, None, tx.now_row())? else {
                return tx.refuse_field(
                    "email",
                    "Someone with this email address is already in Custodian: choose them \
                     from the list",
                );
            };
            let added = event(
                tx,
                Action::PersonCreated,
                person.id,
                format!(
                    "{} added {} as {}, to hand the chair of governors to",
                    chair.name,
                    person.name,
                    person.role.label()
                ),
            );
            tx.record(added.with_data(serde_json::json!({ "role": person.role.as_str() })))?;
            Ok(person)
        }
    }
}

/// The sitting chair names a successor, who is emailed a one-time link to
/// accept. Nothing changes until they do; a new offer replaces an old one.
/// `named` is the form as parsed: its errors come back once the actor is
/// known to be the sitting chair.
pub fn offer_handover(
    tx: &mut Tx,
    named: Result<Successor, FormErrors>,
    outgoing_leaves: bool,
) -> Result<Handover, AppError> {
    let chair = sitting_chair(tx.conn, tx.actor)?;
    let named = named.or_else(|errors| tx.refuse(errors))?;
    let to = successor(tx, &chair, named)?;
    end_handovers_from(tx, chair.id, "superseded")?;
    let now = tx.now();
    let row = HandoverRow {
        id: PersonId::new().to_string(),
        from_person_id: chair.id.to_string(),
        to_person_id: to.id.to_string(),
        outgoing_leaves,
        created_at: to_row(now),
        expires_at: to_row(now + HANDOVER_LIFETIME),
        ended_at: None,
        outcome: None,
    };
    store::insert_handover(tx.conn, &row)?;
    let offered = event(
        tx,
        Action::ChairHandoverOffered,
        to.id,
        format!(
            "{} offered the chair of governors to {}{}",
            chair.name,
            to.name,
            if outgoing_leaves {
                ", and will leave on acceptance"
            } else {
                ""
            }
        ),
    );
    tx.record(offered)?;
    // SECURITY: the link's token is made as the email is sent (and
    // again on each attempt); the outbox never holds one.
    mail::enqueue_with_link(
        tx.conn,
        tx.ctx.clock.as_ref(),
        &tx.ctx.settings,
        templates::chair_handover(
            Recipient::new(&to.name, &to.email),
            &chair.name,
            !to.has_password,
            mail::deferred_link(&tx.ctx.settings, Purpose::ChairAccept),
        ),
        Purpose::ChairAccept,
        to.id,
    )?;
    handover_from_row(tx.conn, &row)
}

/// The sitting chair withdraws a waiting handover: its link stops working.
/// `None` when there was none.
pub fn cancel_handover(tx: &mut Tx) -> Result<Option<Handover>, AppError> {
    let chair = sitting_chair(tx.conn, tx.actor)?;
    let Some(handover) = pending(tx.conn, tx.ctx, Party::From(chair.id))? else {
        return Ok(None);
    };
    end_handovers_from(tx, chair.id, "cancelled")?;
    let withdrawn = event(
        tx,
        Action::ChairHandoverCancelled,
        handover.to.id,
        format!(
            "{} withdrew the offer of the chair of governors to {}",
            chair.name, handover.to.name
        ),
    );
    tx.record(withdrawn)?;
    Ok(Some(handover))
}

/// What the successor's link opens.
pub enum Link {
    /// Nothing: the link is unknown, used, withdrawn or expired.
    Dead,
    /// The handover, once its successor (who has a password) signs in.
    SignInFirst,
    /// The handover, for whoever opened it: its successor signed in, or a
    /// new person who chooses a password to accept.
    Opens(Box<Handover>),
}

/// The waiting handover a link is for, opened by whoever is `signed_in`.
/// Someone who already has a password accepts signed in as themselves;
/// anyone else signed in is refused.
pub fn open_link(
    conn: &mut DbConnection,
    ctx: &Ctx,
    token: &str,
    signed_in: Option<PersonId>,
) -> Result<Link, AppError> {
    let now = ctx.clock.now_row();
    let Some(Some(successor)) = tokens::find_valid(conn, Purpose::ChairAccept, token, now)? else {
        return Ok(Link::Dead);
    };
    let Some(handover) = pending(conn, ctx, Party::To(successor))? else {
        return Ok(Link::Dead);
    };
    if handover.to.has_password {
        match signed_in {
            None => return Ok(Link::SignInFirst),
            Some(id) if id != handover.to.id => return Err(AppError::Forbidden(SOMEONE_ELSE)),
            Some(_) => {}
        }
    }
    Ok(Link::Opens(Box::new(handover)))
}

/// How the successor shows that they are who the link was sent to.
pub enum Acceptance {
    /// Signed in as this person.
    SignedIn(PersonId),
    /// A new person, with no password yet: the password they chose (hashed).
    NewPassword(String),
}

/// The successor accepts the chair. In one transaction: they become chair,
/// the outgoing chair becomes staff (or leaves), each re-checked, with the
/// audit events and the emails to both. `None` when the link does not work.
pub fn accept_handover(
    conn: &mut DbConnection,
    ctx: &Ctx,
    token: &str,
    how: Acceptance,
) -> Result<Option<Person>, AppError> {
    // Who accepts is known only from the link, inside the transaction.
    tx::write(conn, ctx, &Actor::System, |tx| {
        let now = tx.now_row();
        // The link is used up with the acceptance, or not at all: a refusal
        // below rolls both back.
        let Some(Some(successor)) = tokens::consume(tx.conn, Purpose::ChairAccept, token, now)?
        else {
            return Ok(None);
        };
        let Some(row) = store::find_pending_handover(tx.conn, Party::To(successor), now)? else {
            return Ok(None);
        };
        let handover = handover_from_row(tx.conn, &row)?;
        let (from, to) = (&handover.from, &handover.to);
        if !(from.active && from.role == Role::Chair && to.active) || to.role == Role::Headteacher {
            store::end_handover(tx.conn, &row.id, now, "superseded")?;
            end_links_to(tx, to.id)?;
            return Ok(None);
        }
        let by = Actor::Person {
            id: to.id,
            name: format!("{}'s handover to {}", from.name, to.name),
            role: to.role,
        };
        let mut tx = Tx {
            conn: &mut *tx.conn,
            ctx: tx.ctx,
            actor: &by,
        };
        match how {
            Acceptance::SignedIn(id) if id == to.id => {}
            Acceptance::SignedIn(_) => return Err(AppError::Forbidden(SOMEONE_ELSE)),
            Acceptance::NewPassword(hash) => {
                // SECURITY: a link alone never takes over an account that
                // already has a password; its owner signs in to accept.
                if to.has_password {
                    return Err(AppError::Forbidden(
                        "Sign in first, then open the link again.",
                    ));
                }
                store::update_password_hash(tx.conn, to.id, &hash)?;
                tx.record(NewEvent::new(
                    tx.actor.recorded(),
                    Action::PasswordSet,
                    Subject::person(to.id),
                    format!("{} chose a password to accept the chair", to.name),
                ))?;
            }
        }
        if store::end_handover(tx.conn, &row.id, now, "accepted")? != 1 {
            return Ok(None);
        }
        install_chair(&mut tx, to, row.outgoing_leaves, false).map(Some)
    })
}
