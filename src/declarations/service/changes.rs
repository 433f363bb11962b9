//! Declaring a contact, updating it, reviewing it and ending it: each one
//! `Tx`, checked inside against who the actor is.

use super::access::{as_declarant, as_reviewer, declarant_role};
use crate::audit::{Action, NewEvent, Subject};
use crate::declarations::domain::{self, reviewer_role_for, Details, State};
use crate::declarations::emails;
use crate::declarations::store::{self, DeclarationRow};
use crate::error::{AppError, FormErrors};
use crate::ids::DeclarationId;
use crate::mail::Recipient;
use crate::people::domain::Role;
use crate::people::store as people_store;
use crate::tx::Tx;
use crate::web::{format, urls};

/// The audit event of a change: the declaration and its new state, never
/// what it says.
fn event(tx: &Tx, action: Action, id: DeclarationId, what: &str, state: State) -> NewEvent {
    NewEvent::new(
        tx.actor.recorded(),
        action,
        Subject::of("declaration", id),
        format!("{} {what}", tx.actor.name()),
    )
    .with_data(serde_json::json!({ "state": state.as_str() }))
}

/// Emails every active reviewer of `role` (the head, or the chair) that
/// something awaits them at `path`.
pub(super) fn tell_reviewers(
    tx: &mut Tx,
    role: Role,
    subject: &str,
    what: &str,
    path: &str,
) -> Result<(), AppError> {
    let link = tx.ctx.settings.link(path);
    for reviewer in people_store::list_active_with_roles(tx.conn, &[role])? {
        let to = Recipient::new(reviewer.name, reviewer.email);
        tx.send(emails::awaiting_review(to, subject, what, link.clone()))?;
    }
    Ok(())
}

/// Declares a contact; it goes to the reviewer. `details` is the form as
/// parsed: its errors come back once the actor may declare at all.
pub fn declare(
    tx: &mut Tx,
    details: Result<Details, FormErrors>,
) -> Result<DeclarationId, AppError> {
    let (me, role) = declarant_role(tx.actor)?;
    let details = details.or_else(|errors| tx.refuse(errors))?;
    let now = tx.now_row();
    let id = DeclarationId::new();
    let reviewer = reviewer_role_for(role);
    store::insert_declaration(
        tx.conn,
        &DeclarationRow {
            id: id.to_string(),
            declarant_id: me.to_string(),
            reviewer_role: reviewer.as_str().into(),
            state: State::AwaitingReview.as_str().into(),
            current_version: 1,
            class_or_year: details.class_or_year.clone(),
            created_at: now,
            updated_at: now,
            review_notes: None,
            conditions: None,
            reviewed_at: None,
            reviewed_by: None,
            ended_on: None,
            end_reason: None,
        },
    )?;
    store::insert_version(tx.conn, id, 1, &details, now)?;
    let submitted = event(
        tx,
        Action::DeclarationSubmitted,
        id,
        "submitted a declaration",
        State::AwaitingReview,
    );
    tx.record(submitted)?;
    tell_reviewers(
        tx,
        reviewer,
        "A declaration awaits your review",
        "A declaration of a social contact has been submitted.",
        &urls::declaration(id),
    )?;
    Ok(id)
}

/// Updates a declaration as a new version; it goes back to the reviewer.
pub fn update(
    tx: &mut Tx,
    id: DeclarationId,
    details: Result<Details, FormErrors>,
) -> Result<(), AppError> {
    let found = as_declarant(tx.conn, tx.actor, id)?;
    let details = details.or_else(|errors| tx.refuse(errors))?;
    if found.state == State::Ended {
        return Err(AppError::Conflict(
            "This declaration has ended; declare the contact again if it has started again.".into(),
        ));
    }
    let now = tx.now_row();
    let version = found.version + 1;
    store::insert_version(tx.conn, id, version, &details, now)?;
    store::update_details(tx.conn, id, version, &details.class_or_year, now)?;
    let what = format!("updated a declaration (version {version})");
    let updated = event(
        tx,
        Action::DeclarationUpdated,
        id,
        &what,
        State::AwaitingReview,
    );
    tx.record(updated)?;
    tell_reviewers(
        tx,
        found.reviewer_role,
        "An updated declaration awaits your review",
        "A declaration of a social contact has been updated.",
        &urls::declaration(id),
    )
}

/// The reviewer acknowledges a declaration (`decision` "acknowledge"), or
/// returns it for more detail ("return"). Returns whether it was
/// acknowledged.
pub fn review(
    tx: &mut Tx,
    id: DeclarationId,
    decision: &str,
    notes: &str,
    conditions: &str,
) -> Result<bool, AppError> {
    let found = as_reviewer(tx.conn, tx.actor, id)?;
    let acknowledge = match decision {
        "acknowledge" => true,
        "return" => false,
        _ => {
            return Err(AppError::BadRequest(
                "Choose to acknowledge it or return it.".into(),
            ))
        }
    };
    let (notes, conditions) =
        domain::parse_review(acknowledge, notes, conditions).or_else(|errors| tx.refuse(errors))?;
    if found.state == State::Ended {
        return Err(AppError::Conflict("This declaration has ended.".into()));
    }
    let (state, action, what) = if acknowledge {
        (
            State::Acknowledged,
            Action::DeclarationAcknowledged,
            "acknowledged a declaration",
        )
    } else {
        (
            State::Returned,
            Action::DeclarationReturned,
            "asked for more detail on a declaration",
        )
    };
    let conditions = conditions.trim();
    let reviewer = tx.actor.id().ok_or(AppError::NotFound)?;
    store::set_reviewed(
        tx.conn,
        id,
        state,
        reviewer,
        tx.now_row(),
        notes.trim(),
        (acknowledge && !conditions.is_empty()).then_some(conditions),
    )?;
    let reviewed = event(tx, action, id, what, state);
    tx.record(reviewed)?;
    let declarant = people_store::get_person(tx.conn, found.declarant)?;
    let link = tx.ctx.settings.link(&urls::declaration(id));
    tx.send(emails::reviewed(
        Recipient::new(&declarant.name, &declarant.email),
        acknowledge,
        link,
    ))?;
    Ok(acknowledge)
}

/// The declarant ends a declaration that no longer applies.
pub fn end(tx: &mut Tx, id: DeclarationId, ended_on: &str, reason: &str) -> Result<(), AppError> {
    let found = as_declarant(tx.conn, tx.actor, id)?;
    let today = format::local_date(tx.now(), tx.ctx.settings.time_zone);
    let (on, reason) =
        domain::parse_end(ended_on, reason, today).or_else(|errors| tx.refuse(errors))?;
    if found.state == State::Ended {
        return Ok(());
    }
    store::set_ended(tx.conn, id, on, &reason, tx.now_row())?;
    let ended = event(
        tx,
        Action::DeclarationEnded,
        id,
        "ended a declaration",
        State::Ended,
    );
    tx.record(ended)
}
