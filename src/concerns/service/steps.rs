//! The reviewer's steps on a concern, each one `Tx` with its audit event
//! (and, on closing, the raiser's email). The timeline is never edited:
//! every step is a new entry.

use super::access::{event, me, reviews, visible, NOT_REVIEWER};
use crate::audit::Action;
use crate::clock::to_row;
use crate::concerns::domain::{lado_due, ActionKind, Classification, EntryKind, Status};
use crate::concerns::emails;
use crate::concerns::steps::Step;
use crate::concerns::store::{self, CaseChange, Concern, EntryRow};
use crate::db::DbConnection;
use crate::error::{AppError, FormErrors};
use crate::ids::{ConcernId, EntryId, PersonId};
use crate::mail::Recipient;
use crate::people::actor::Actor;
use crate::people::store as people_store;
use crate::state::Ctx;
use crate::tx::{self, Tx};
use crate::web::urls;

/// The reviewer takes a step. `step` is the form as parsed: its errors
/// come back once the actor may act. Whoever may not see the concern is
/// refused first, and that refusal stays recorded though nothing is
/// written; then the step is one `Tx`.
pub fn take_step(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    id: ConcernId,
    step: Result<Step, FormErrors>,
) -> Result<(), AppError> {
    visible(conn, ctx, actor, id)?;
    tx::write(conn, ctx, actor, |tx| add_step(tx, id, step))
}

/// What a step changes: the timeline's entry, the case row, and the audit
/// event's action, summary and data.
struct Change {
    entry: EntryRow,
    case: CaseChange,
    action: Action,
    summary: String,
    data: serde_json::Value,
}

fn add_step(tx: &mut Tx, id: ConcernId, step: Result<Step, FormErrors>) -> Result<(), AppError> {
    let author = me(tx.actor)?;
    let concern = store::find_concern(tx.conn, id)?.ok_or(AppError::NotFound)?;
    if !reviews(&concern, tx.actor) {
        return Err(AppError::Forbidden(NOT_REVIEWER));
    }
    let step = step.or_else(|errors| tx.refuse(errors))?;
    if let Err(why) = step.check(&concern) {
        return tx.refuse_field(step.kind().field(), &why);
    }
    let closed_with = match step {
        Step::Close { outcome, .. } => Some(outcome),
        _ => None,
    };
    let Change {
        entry,
        mut case,
        action,
        summary,
        data,
    } = change(tx, author, &concern, step);
    store::insert_entry(tx.conn, &entry)?;
    // The reviewer's first step on an open concern puts it under review.
    if concern.status == Status::Open && case.status.is_none() {
        case.status = Some(Status::UnderReview.as_str().into());
        store::insert_entry(
            tx.conn,
            &EntryRow {
                id: EntryId::new().to_string(),
                kind: EntryKind::Status.as_str().into(),
                code: Some(Status::UnderReview.as_str().into()),
                on_date: None,
                reference: None,
                body: String::new(),
                ..entry
            },
        )?;
    }
    store::update_case(tx.conn, id, &case)?;
    let taken = event(tx, action, &concern, summary, data);
    tx.record(taken)?;
    let Some(outcome) = closed_with else {
        return Ok(());
    };
    if let Some(raiser) = people_store::find_person(tx.conn, concern.raised_by)? {
        if raiser.active && !tx.actor.is(raiser.id) {
            let link = tx.ctx.settings.link(&urls::concern(id));
            tx.send(emails::outcome(
                Recipient::new(raiser.name, raiser.email),
                concern.reviewer,
                &concern.reference(),
                outcome,
                link,
            ))?;
        }
    }
    Ok(())
}

/// What `step` by `author` writes on `concern`.
fn change(tx: &Tx, author: PersonId, concern: &Concern, step: Step) -> Change {
    let now = tx.now();
    let me = tx.actor.name();
    let reference = concern.reference();
    let mut case = CaseChange {
        updated_at: Some(to_row(now)),
        ..CaseChange::default()
    };
    let mut entry = EntryRow {
        id: EntryId::new().to_string(),
        concern_id: concern.id.to_string(),
        recorded_at: to_row(now),
        author_id: author.to_string(),
        kind: String::new(),
        code: None,
        on_date: None,
        reference: None,
        body: String::new(),
    };
    let fill = |entry: &mut EntryRow, kind: EntryKind, code: Option<&str>, body: String| {
        entry.kind = kind.as_str().into();
        entry.code = code.map(str::to_owned);
        entry.body = body;
    };
    let (action, summary, data) = match step {
        Step::Note { text } => {
            fill(&mut entry, EntryKind::Note, None, text);
            (
                Action::ConcernNoteAdded,
                format!("{me} added a note to concern {reference}"),
                serde_json::json!({}),
            )
        }
        Step::Action {
            kind: done,
            on,
            reference: their_reference,
            text,
        } => {
            fill(&mut entry, EntryKind::Action, Some(done.as_str()), text);
            entry.on_date = Some(on);
            entry.reference = (!their_reference.is_empty()).then_some(their_reference);
            if done == ActionKind::LadoReferral && concern.lado_referred_on.is_none() {
                case.lado_referred_on = Some(Some(on));
            }
            (
                Action::ConcernActionRecorded,
                format!("{me} recorded an action on concern {reference}"),
                serde_json::json!({ "action": done.as_str(), "on": on.to_string() }),
            )
        }
        Step::Status { to, text } => {
            fill(&mut entry, EntryKind::Status, Some(to.as_str()), text);
            case.status = Some(to.as_str().into());
            if concern.status == Status::Closed {
                // Reopened: the outcome stands in the timeline, not on the case.
                case.outcome = Some(None);
                case.closing_summary = Some(None);
                case.closed_at = Some(None);
            }
            (
                Action::ConcernStatusChanged,
                format!(
                    "{me} marked concern {reference} {}",
                    to.label().to_lowercase()
                ),
                serde_json::json!({ "from": concern.status.as_str(), "status": to.as_str() }),
            )
        }
        Step::Classify { as_, text } => {
            fill(
                &mut entry,
                EntryKind::Classification,
                Some(as_.as_str()),
                text,
            );
            case.classification = Some(Some(as_.as_str().into()));
            // An allegation starts the LADO clock once; reclassifying it
            // as something else stops it.
            let settings = &tx.ctx.settings;
            case.lado_due_at = Some(match as_ {
                Classification::Allegation => {
                    Some(to_row(concern.lado_due_at.unwrap_or_else(|| {
                        lado_due(now, settings.lado_referral_working_days, settings.time_zone)
                    })))
                }
                _ => None,
            });
            (
                Action::ConcernClassified,
                format!("{me} classified concern {reference}"),
                serde_json::json!({
                    "from": concern.classification.map(|c| c.as_str()),
                    "classification": as_.as_str(),
                }),
            )
        }
        Step::Close { outcome, summary } => {
            fill(
                &mut entry,
                EntryKind::Closed,
                Some(outcome.as_str()),
                summary.clone(),
            );
            case.status = Some(Status::Closed.as_str().into());
            case.outcome = Some(Some(outcome.as_str().into()));
            case.closing_summary = Some(Some(summary));
            case.closed_at = Some(Some(to_row(now)));
            (
                Action::ConcernClosed,
                format!("{me} closed concern {reference}"),
                serde_json::json!({
                    "status": Status::Closed.as_str(),
                    "outcome": outcome.as_str(),
                }),
            )
        }
        Step::Informed { on, text } => {
            fill(&mut entry, EntryKind::Informed, None, text);
            entry.on_date = Some(on);
            case.person_informed_on = Some(Some(on));
            (
                Action::ConcernPersonInformed,
                format!(
                    "{me} recorded that the person concerned was informed of concern {reference}"
                ),
                serde_json::json!({ "on": on.to_string() }),
            )
        }
    };
    Change {
        entry,
        case,
        action,
        summary,
        data,
    }
}
