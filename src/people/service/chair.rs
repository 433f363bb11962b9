//! The chair of governors: only ever one, handed over by the sitting chair
//! to a successor who accepts by a one-time link.

use super::roles::{deactivate_in_tx, recheck_access, set_role_in_tx};
use super::who::heads;
use crate::audit::{self, Action, NewEvent, Subject};
use crate::auth::tokens::{self, Purpose};
use crate::clock::to_row;
use crate::db::{dialect, try_insert, DbConnection};
use crate::error::{AppError, FormErrors};
use crate::ids::PersonId;
use crate::mail::{self, templates, Recipient};
use crate::people::actor::Actor;
use crate::people::domain::{NewPerson, Person, Role};
use crate::people::store::{self, HandoverRow, PersonRow};
use crate::state::Ctx;
use crate::web::urls;

/// Makes `successor` the chair of governors inside the caller's transaction
/// (they may already hold the role, just added as chair): the sitting chair
/// becomes staff, or leaves, so there is only ever one; the change is an
/// audit event and is emailed to the outgoing and incoming chair. A first
/// chair just added (`newly_added`, no one stepping down) is an event but
/// no email: their invitation, or the operator at the console, tells them.
pub(super) fn install_chair(
    conn: &mut DbConnection,
    ctx: &Ctx,
    by: &Actor,
    successor: &Person,
    outgoing_leaves: bool,
    newly_added: bool,
) -> Result<Person, AppError> {
    let sitting: Vec<Person> = store::list_active_with_roles(conn, &[Role::Chair])?
        .into_iter()
        .filter(|p| p.id != successor.id)
        .collect();
    let mut outgoing = Vec::new();
    for chair in &sitting {
        outgoing.push(if outgoing_leaves {
            deactivate_in_tx(conn, ctx, by, chair)?
        } else {
            set_role_in_tx(conn, ctx, by, chair, Role::Staff, false)?
        });
    }
    let incoming = if successor.role == Role::Chair {
        recheck_access(conn, ctx, by.recorded(), successor)?;
        successor.clone()
    } else {
        set_role_in_tx(conn, ctx, by, successor, Role::Chair, false)?
    };
    let email = !(newly_added && outgoing.is_empty());
    chair_changed(conn, ctx, by, &outgoing, Some(&incoming), email)?;
    Ok(incoming)
}

/// Records and announces a change of chair: the audit event, and the email
/// to the outgoing and incoming chair and the head. Any handover the
/// outgoing chair had offered stops working.
pub(super) fn chair_changed(
    conn: &mut DbConnection,
    ctx: &Ctx,
    by: &Actor,
    outgoing: &[Person],
    incoming: Option<&Person>,
    email: bool,
) -> Result<(), AppError> {
    let now = ctx.clock.now_row();
    for person in outgoing {
        end_handovers_from(conn, person.id, now, "superseded")?;
    }
    let names: Vec<String> = outgoing.iter().map(|p| p.name.clone()).collect();
    let how = match (*by == Actor::CommandLine, incoming) {
        (true, _) => "This was done from the command line by whoever runs the server".to_owned(),
        (false, Some(incoming)) if by.is(incoming.id) => format!(
            "{} accepted the handover offered by the chair before them",
            incoming.name
        ),
        (false, _) => format!("{} made the change", by.name()),
    };
    let summary = match incoming {
        Some(incoming) if names.is_empty() => {
            format!("{} became chair of governors", incoming.name)
        }
        Some(incoming) => format!(
            "{} became chair of governors in place of {}",
            incoming.name,
            names.join(" and ")
        ),
        None => format!(
            "{} stopped being chair of governors; there is no chair",
            names.join(" and ")
        ),
    };
    let subject = incoming
        .or(outgoing.first())
        .map(|p| Subject::person(p.id))
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("a change of chair with no one")))?;
    audit::append(
        conn,
        ctx.clock.as_ref(),
        NewEvent::new(
            by.recorded(),
            Action::ChairChanged,
            subject,
            format!("{summary}: {how}"),
        )
        .with_data(serde_json::json!({
            "from": outgoing.iter().map(|p| p.id.to_string()).collect::<Vec<_>>(),
            "to": incoming.map(|p| p.id.to_string()),
        })),
    )?;
    if !email {
        return Ok(());
    }
    let mut to: Vec<Recipient> = Vec::new();
    for person in outgoing.iter().chain(incoming) {
        if !to.iter().any(|r| r.address == person.email) {
            to.push(Recipient::new(&person.name, &person.email));
        }
    }
    for head in heads(conn)? {
        if !to.iter().any(|r| r.address == head.address) {
            to.push(head);
        }
    }
    mail::enqueue(
        conn,
        ctx.clock.as_ref(),
        &ctx.settings,
        templates::chair_changed(
            to,
            incoming.map(|p| p.name.as_str()),
            &names,
            &how,
            ctx.settings.link(urls::HOME),
        ),
    )?;
    Ok(())
}

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

fn handover_from_row(conn: &mut DbConnection, row: &HandoverRow) -> Result<Handover, AppError> {
    let id = |raw: &str| {
        PersonId::parse(raw)
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("handover {}: bad person", row.id)))
    };
    Ok(Handover {
        from: store::get_person(conn, id(&row.from_person_id)?)?,
        to: store::get_person(conn, id(&row.to_person_id)?)?,
        outgoing_leaves: row.outgoing_leaves,
        expires_at: crate::clock::from_row(row.expires_at),
    })
}

/// Ends every waiting handover this person offered, and the successors'
/// links with them: SECURITY: an unused link stops working, and an email
/// not yet sent goes without one, so that no earlier link opens a later
/// offer to the same person.
fn end_handovers_from(
    conn: &mut DbConnection,
    from: PersonId,
    now: time::PrimitiveDateTime,
    outcome: &str,
) -> Result<(), AppError> {
    for successor in store::list_waiting_successors_of(conn, from)? {
        end_links_to(conn, successor, now)?;
    }
    store::end_handovers_from(conn, from, now, outcome)?;
    Ok(())
}

/// The successor's links to accept the chair stop working.
fn end_links_to(
    conn: &mut DbConnection,
    successor: PersonId,
    now: time::PrimitiveDateTime,
) -> Result<(), AppError> {
    tokens::revoke_unused(conn, Purpose::ChairAccept, successor, now)?;
    mail::outbox::withdraw_links(conn, Purpose::ChairAccept, successor)?;
    Ok(())
}

/// The sitting chair, or a refusal.
fn sitting_chair(conn: &mut DbConnection, me: PersonId) -> Result<Person, AppError> {
    let chair = store::get_person(conn, me)?;
    if chair.active && chair.role == Role::Chair {
        Ok(chair)
    } else {
        Err(AppError::Forbidden(
            "Only the sitting chair of governors hands the role over.",
        ))
    }
}

/// The handover this chair has offered and that still waits, if any.
pub fn pending_handover(
    conn: &mut DbConnection,
    ctx: &Ctx,
    me: PersonId,
) -> Result<Option<Handover>, AppError> {
    sitting_chair(conn, me)?;
    match store::find_pending_handover_from(conn, me, ctx.clock.now_row())? {
        Some(row) => Ok(Some(handover_from_row(conn, &row)?)),
        None => Ok(None),
    }
}

/// The sitting chair names a successor, who is emailed a one-time link to
/// accept. Nothing changes until they do; a new offer replaces an old one.
pub fn offer_handover(
    conn: &mut DbConnection,
    ctx: &Ctx,
    me: PersonId,
    successor: Successor,
    outgoing_leaves: bool,
) -> Result<Result<Handover, FormErrors>, AppError> {
    dialect::write(conn, |conn| {
        let chair = sitting_chair(conn, me)?;
        let now = ctx.clock.now();
        let mut errors = FormErrors::new();
        let to = match successor {
            Successor::Existing(id) => match store::find_person(conn, id)? {
                // SECURITY: never the head, whose concerns the chair reviews.
                Some(p) if p.active && p.id != me && p.role != Role::Headteacher => p,
                _ => {
                    errors.add(
                        "successor",
                        "Choose someone active who is not the headteacher, or name someone new",
                    );
                    return Ok(Err(errors));
                }
            },
            Successor::New(new) => {
                let id = PersonId::new();
                let row = PersonRow {
                    id: id.to_string(),
                    name: new.name.as_str().to_owned(),
                    email: new.email.as_str().to_owned(),
                    role: Role::Staff.as_str().to_owned(),
                    active: true,
                    password_hash: None,
                    created_at: to_row(now),
                    deactivated_at: None,
                };
                if !try_insert(conn, |conn| store::insert_person(conn, &row))? {
                    errors.add(
                        "email",
                        "Someone with this email address is already in Custodian: choose them \
                         from the list",
                    );
                    return Ok(Err(errors));
                }
                let person = Person::try_from(row)?;
                audit::append(
                    conn,
                    ctx.clock.as_ref(),
                    NewEvent::new(
                        audit::Actor::Person(me),
                        Action::PersonCreated,
                        Subject::person(id),
                        format!(
                            "{} added {} as {}, to hand the chair of governors to",
                            chair.name,
                            person.name,
                            person.role.label()
                        ),
                    )
                    .with_data(serde_json::json!({ "role": person.role.as_str() })),
                )?;
                person
            }
        };
        end_handovers_from(conn, me, to_row(now), "superseded")?;
        let row = HandoverRow {
            id: PersonId::new().to_string(),
            from_person_id: me.to_string(),
            to_person_id: to.id.to_string(),
            outgoing_leaves,
            created_at: to_row(now),
            expires_at: to_row(now + HANDOVER_LIFETIME),
            ended_at: None,
            outcome: None,
        };
        store::insert_handover(conn, &row)?;
        audit::append(
            conn,
            ctx.clock.as_ref(),
            NewEvent::new(
                audit::Actor::Person(me),
                Action::ChairHandoverOffered,
                Subject::person(to.id),
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
            ),
        )?;
        // SECURITY: the link's token is made as the email is sent (and
        // again on each attempt); the outbox never holds one.
        mail::enqueue_with_link(
            conn,
            ctx.clock.as_ref(),
            &ctx.settings,
            templates::chair_handover(
                Recipient::new(&to.name, &to.email),
                &chair.name,
                !to.has_password,
                mail::deferred_link(&ctx.settings, Purpose::ChairAccept),
            ),
            Purpose::ChairAccept,
            to.id,
        )?;
        Ok(Ok(handover_from_row(conn, &row)?))
    })
}

/// The sitting chair withdraws a waiting handover: its link stops working.
pub fn cancel_handover(
    conn: &mut DbConnection,
    ctx: &Ctx,
    me: PersonId,
) -> Result<Option<Handover>, AppError> {
    dialect::write(conn, |conn| {
        let chair = sitting_chair(conn, me)?;
        let now = ctx.clock.now_row();
        let Some(row) = store::find_pending_handover_from(conn, me, now)? else {
            return Ok(None);
        };
        end_handovers_from(conn, me, now, "cancelled")?;
        let handover = handover_from_row(conn, &row)?;
        audit::append(
            conn,
            ctx.clock.as_ref(),
            NewEvent::new(
                audit::Actor::Person(me),
                Action::ChairHandoverCancelled,
                Subject::person(handover.to.id),
                format!(
                    "{} withdrew the offer of the chair of governors to {}",
                    chair.name, handover.to.name
                ),
            ),
        )?;
        Ok(Some(handover))
    })
}

/// The waiting handover a link is for; `None` when the link does not work
/// (unknown, used, withdrawn or expired).
pub fn handover_for_link(
    conn: &mut DbConnection,
    ctx: &Ctx,
    token: &str,
) -> Result<Option<Handover>, AppError> {
    let now = ctx.clock.now_row();
    let Some(Some(successor)) = tokens::find_valid(conn, Purpose::ChairAccept, token, now)? else {
        return Ok(None);
    };
    match store::find_pending_handover_to(conn, successor, now)? {
        Some(row) => Ok(Some(handover_from_row(conn, &row)?)),
        None => Ok(None),
    }
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
    dialect::write(conn, |conn| {
        let now = ctx.clock.now_row();
        // The link is used up with the acceptance, or not at all: a refusal
        // below rolls both back.
        let Some(Some(successor)) = tokens::consume(conn, Purpose::ChairAccept, token, now)? else {
            return Ok(None);
        };
        let Some(row) = store::find_pending_handover_to(conn, successor, now)? else {
            return Ok(None);
        };
        let handover = handover_from_row(conn, &row)?;
        let (from, to) = (&handover.from, &handover.to);
        if !(from.active && from.role == Role::Chair && to.active) || to.role == Role::Headteacher {
            store::end_handover(conn, &row.id, now, "superseded")?;
            end_links_to(conn, to.id, now)?;
            return Ok(None);
        }
        match how {
            Acceptance::SignedIn(id) if id == to.id => {}
            Acceptance::SignedIn(_) => {
                return Err(AppError::Forbidden(
                    "This link is for someone else. Sign out, and sign in as the person it was \
                     sent to.",
                ))
            }
            Acceptance::NewPassword(hash) => {
                // SECURITY: a link alone never takes over an account that
                // already has a password; its owner signs in to accept.
                if to.has_password {
                    return Err(AppError::Forbidden(
                        "Sign in first, then open the link again.",
                    ));
                }
                store::update_password_hash(conn, to.id, &hash)?;
                audit::append(
                    conn,
                    ctx.clock.as_ref(),
                    NewEvent::new(
                        audit::Actor::Person(to.id),
                        Action::PasswordSet,
                        Subject::person(to.id),
                        format!("{} chose a password to accept the chair", to.name),
                    ),
                )?;
            }
        }
        if store::end_handover(conn, &row.id, now, "accepted")? != 1 {
            return Ok(None);
        }
        let by = Actor::Person {
            id: to.id,
            name: format!("{}'s handover to {}", from.name, to.name),
            role: to.role,
        };
        let incoming = install_chair(conn, ctx, &by, to, row.outgoing_leaves, false)?;
        Ok(Some(incoming))
    })
}
