//! The chair of governors: only ever one. Installing a new chair, and
//! recording and announcing the change, whichever way it came about.

use super::roles::{deactivate_in_tx, recheck_access, set_role_in_tx};
use super::who::heads;
use crate::audit::{Action, NewEvent, Subject};
use crate::auth::tokens::{self, Purpose};
use crate::error::AppError;
use crate::ids::PersonId;
use crate::mail::{self, templates, Recipient};
use crate::people::actor::Actor;
use crate::people::domain::{Person, Role};
use crate::people::store;
use crate::tx::Tx;
use crate::web::urls;

/// Makes `successor` the chair of governors inside the caller's transaction
/// (they may already hold the role, just added as chair): the sitting chair
/// becomes staff, or leaves, so there is only ever one; the change is an
/// audit event and is emailed to the outgoing and incoming chair. A first
/// chair just added (`newly_added`, no one stepping down) is an event but
/// no email: their invitation, or the operator at the console, tells them.
pub(super) fn install_chair(
    tx: &mut Tx,
    successor: &Person,
    outgoing_leaves: bool,
    newly_added: bool,
) -> Result<Person, AppError> {
    let sitting: Vec<Person> = store::list_active_with_roles(tx.conn, &[Role::Chair])?
        .into_iter()
        .filter(|p| p.id != successor.id)
        .collect();
    let mut outgoing = Vec::new();
    for chair in &sitting {
        outgoing.push(if outgoing_leaves {
            deactivate_in_tx(tx, chair)?
        } else {
            set_role_in_tx(tx, chair, Role::Staff, false)?
        });
    }
    let incoming = if successor.role == Role::Chair {
        recheck_access(tx.conn, tx.ctx, tx.actor.recorded(), successor)?;
        successor.clone()
    } else {
        set_role_in_tx(tx, successor, Role::Chair, false)?
    };
    let email = !(newly_added && outgoing.is_empty());
    chair_changed(tx, &outgoing, Some(&incoming), email)?;
    Ok(incoming)
}

/// Records and announces a change of chair: the audit event, and the email
/// to the outgoing and incoming chair and the head. Any handover the
/// outgoing chair had offered stops working.
pub(super) fn chair_changed(
    tx: &mut Tx,
    outgoing: &[Person],
    incoming: Option<&Person>,
    email: bool,
) -> Result<(), AppError> {
    for person in outgoing {
        end_handovers_from(tx, person.id, "superseded")?;
    }
    let names: Vec<String> = outgoing.iter().map(|p| p.name.clone()).collect();
    let how = match (*tx.actor == Actor::CommandLine, incoming) {
        (true, _) => "This was done from the command line by whoever runs the server".to_owned(),
        (false, Some(incoming)) if tx.actor.is(incoming.id) => format!(
            "{} accepted the handover offered by the chair before them",
            incoming.name
        ),
        (false, _) => format!("{} made the change", tx.actor.name()),
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
    tx.record(
        NewEvent::new(
            tx.actor.recorded(),
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
    for head in heads(tx.conn)? {
        if !to.iter().any(|r| r.address == head.address) {
            to.push(head);
        }
    }
    let link = tx.ctx.settings.link(urls::HOME);
    tx.send(templates::chair_changed(
        to,
        incoming.map(|p| p.name.as_str()),
        &names,
        &how,
        link,
    ))
}

/// Ends every waiting handover this person offered, and the successors'
/// links with them: SECURITY: an unused link stops working, and an email
/// not yet sent goes without one, so that no earlier link opens a later
/// offer to the same person.
pub(super) fn end_handovers_from(
    tx: &mut Tx,
    from: PersonId,
    outcome: &str,
) -> Result<(), AppError> {
    for successor in store::list_waiting_successors_of(tx.conn, from)? {
        end_links_to(tx, successor)?;
    }
    store::end_handovers_from(tx.conn, from, tx.now_row(), outcome)?;
    Ok(())
}

/// The successor's links to accept the chair stop working.
pub(super) fn end_links_to(tx: &mut Tx, successor: PersonId) -> Result<(), AppError> {
    tokens::revoke_unused(tx.conn, Purpose::ChairAccept, successor, tx.now_row())?;
    mail::outbox::withdraw_links(tx.conn, Purpose::ChairAccept, successor)?;
    Ok(())
}
