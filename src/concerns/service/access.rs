//! Who may see a concern, and who acts on it. SECURITY: its reviewer (the
//! head, or the chair for one about the head; nobody here for one sent to
//! the LADO) and, for its status and outcome, the person who raised it;
//! never the person it is about. A concern that does not exist and one the
//! actor may not see get the same 403, and the refused look is itself an
//! audit event the reviewer reads.

use crate::audit::{Action, NewEvent, Subject};
use crate::concerns::domain::Reviewer;
use crate::concerns::store::{self, Concern};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::{ConcernId, EvidenceId, PersonId};
use crate::people::actor::Actor;
use crate::people::domain::Role;
use crate::state::Ctx;
use crate::tx::{self, Tx};

pub const NOT_REVIEWER: &str =
    "A concern is seen only by its reviewer and, for its status and outcome, by the person who \
     raised it.";

/// The acting person: concerns are raised and reviewed by people, never
/// at the command line.
pub(super) fn me(actor: &Actor) -> Result<PersonId, AppError> {
    actor.id().ok_or(AppError::Forbidden(NOT_REVIEWER))
}

/// Whose concerns the actor reviews, if anyone's.
pub(super) fn reviewing_as(actor: &Actor) -> Option<Reviewer> {
    match actor.role()? {
        Role::Headteacher => Some(Reviewer::Headteacher),
        Role::Chair => Some(Reviewer::Chair),
        _ => None,
    }
}

/// Whether the actor reviews this concern. SECURITY: never the person it
/// is about, even if they later hold the reviewing role; nobody for one
/// sent to the LADO.
pub(super) fn reviews(concern: &Concern, actor: &Actor) -> bool {
    let role = actor.role();
    role.is_some() && concern.reviewer.role() == role && concern.raised.about_person != actor.id()
}

/// The person who raised it sees its status and outcome.
fn raised_it(concern: &Concern, actor: &Actor) -> bool {
    actor.is(concern.raised_by)
}

/// The audit event of something done to a concern, under its channel's
/// subject (so a sealed one stays out of the head's log).
pub(super) fn event(
    tx: &Tx,
    action: Action,
    concern: &Concern,
    summary: String,
    data: serde_json::Value,
) -> NewEvent {
    NewEvent::new(
        tx.actor.recorded(),
        action,
        Subject::of(concern.reviewer.subject_kind(), concern.id),
        summary,
    )
    .with_data(data)
}

/// What someone opened, or tried to.
pub(super) enum Look {
    Page,
    Evidence(EvidenceId),
    /// Someone who may not see it asked for it (the head, for a concern
    /// about the head): the reviewer should know.
    Refused,
}

/// Records that the actor opened a concern's page or one of its files, or
/// was refused; in its own transaction, so a refusal stays recorded.
pub(super) fn record_look(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    concern: &Concern,
    look: Look,
) -> Result<(), AppError> {
    let reference = concern.reference();
    let who = actor.name();
    let (action, summary, data) = match look {
        Look::Page => (
            Action::ConcernViewed,
            format!("{who} opened concern {reference}"),
            serde_json::json!({}),
        ),
        Look::Evidence(file) => (
            Action::ConcernEvidenceDownloaded,
            format!("{who} downloaded evidence of concern {reference}"),
            serde_json::json!({ "evidence": file.to_string() }),
        ),
        Look::Refused => (
            Action::ConcernAccessRefused,
            format!("{who} tried to open concern {reference} and was refused"),
            serde_json::json!({}),
        ),
    };
    tx::write(conn, ctx, actor, |tx| {
        let looked = event(tx, action, concern, summary, data);
        tx.record(looked)
    })
}

/// The concern, if the actor may see it; else the same 403 as for one
/// that does not exist, and the refusal is recorded.
pub(super) fn visible(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    id: ConcernId,
) -> Result<Concern, AppError> {
    let concern = store::find_concern(conn, id)?.ok_or(AppError::Forbidden(NOT_REVIEWER))?;
    if reviews(&concern, actor) || raised_it(&concern, actor) {
        Ok(concern)
    } else {
        record_look(conn, ctx, actor, &concern, Look::Refused)?;
        Err(AppError::Forbidden(NOT_REVIEWER))
    }
}
