//! Changes to concerns: each one transaction with its audit event and its
//! emails. SECURITY: events carry ids, codes and states, never the text;
//! emails carry a reference and a link; every look at a concern or its
//! evidence is itself an event, so the reviewer can see who looked.

use sha2::{Digest, Sha256};
use time::Date;

use super::domain::{
    lado_due, reviewer_for, About, ActionKind, Classification, EntryKind, NewConcern, Outcome,
    Reviewer, Status,
};
use super::emails;
use super::store::{self, CaseChange, CaseRow, ConcernRow, NewEvidenceRow};
pub use super::store::{Concern, EntryRow, EvidenceInfo};
use crate::audit::{self, Action, Actor, NewEvent, Subject};
use crate::auth::current::CurrentPerson;
use crate::clock::to_row;
use crate::db::{dialect, DbConnection};
use crate::error::AppError;
use crate::ids::{ConcernId, EntryId, EvidenceId, PersonId};
use crate::mail::{self, Recipient};
use crate::people::domain::Role;
use crate::people::store as people_store;
use crate::state::Ctx;
use crate::web::urls;

mod read;
pub use read::*;

/// An evidence file as received, its type already read from its content.
pub struct Upload {
    pub file_name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// Whether this person reviews this concern. SECURITY: never the person it
/// is about, even if they later hold the reviewing role.
pub fn reviews(concern: &Concern, me: &CurrentPerson) -> bool {
    concern.reviewer.role() == Some(me.role) && concern.about_person != Some(me.id)
}

/// The person who raised it sees its status and outcome.
pub fn raised_it(concern: &Concern, me: &CurrentPerson) -> bool {
    concern.raised_by == me.id
}

fn event(
    actor: PersonId,
    action: Action,
    concern: &Concern,
    summary: String,
    data: serde_json::Value,
) -> NewEvent {
    NewEvent::new(
        Actor::Person(actor),
        action,
        Subject::of(concern.reviewer.subject_kind(), concern.id),
        summary,
    )
    .with_data(data)
}

fn recipients(conn: &mut DbConnection, role: Role) -> Result<Vec<Recipient>, AppError> {
    Ok(people_store::list_active_with_roles(conn, &[role])?
        .into_iter()
        .map(|p| Recipient::new(p.name, p.email))
        .collect())
}

/// Raises a concern with its evidence; returns it as stored.
pub fn raise(
    conn: &mut DbConnection,
    ctx: &Ctx,
    me: &CurrentPerson,
    new: NewConcern,
    files: Vec<Upload>,
) -> Result<Concern, AppError> {
    dialect::write(conn, |conn| {
        let now = ctx.clock.now_row();
        let (about_head, about_person) = match new.about {
            About::Staff => {
                let id = new.about_person.ok_or(AppError::NotFound)?;
                let person = people_store::find_person(conn, id)?.ok_or_else(|| {
                    AppError::BadRequest("That member of staff is not in Custodian.".into())
                })?;
                (person.role == Role::Headteacher, Some(person.id))
            }
            About::Headteacher => {
                let head = people_store::list_active_with_roles(conn, &[Role::Headteacher])?;
                (true, head.first().map(|p| p.id))
            }
            _ => (false, None),
        };
        if let Some(account) = new.about_account {
            crate::accounts::store::find_account(conn, account)?.ok_or_else(|| {
                AppError::BadRequest("That official account is not in Custodian.".into())
            })?;
        }
        let reviewer = reviewer_for(about_head, new.implicates_chair);
        let id = ConcernId::new();
        let channel_number = store::next_in_series(conn, reviewer)?;
        let mut number = store::next_number(conn)?;
        let row = |number| ConcernRow {
            id: id.to_string(),
            number,
            channel_number,
            raised_by: me.id.to_string(),
            raised_at: now,
            about_kind: if about_head {
                About::Headteacher.as_str().into()
            } else {
                new.about.as_str().into()
            },
            about_person_id: about_person.map(|p| p.to_string()),
            about_account_id: new.about_account.map(|a| a.to_string()),
            about_detail: new.about_detail.clone(),
            implicates_chair: new.implicates_chair,
            happened_on: new.happened_on,
            what_happened: new.what_happened.clone(),
            reviewer_role: reviewer.as_str().into(),
        };
        // Numbers are the next free one; a concurrent raise on PostgreSQL
        // may take it first, so try the one after.
        while !store::insert_concern(conn, &row(number))? {
            number += 1;
        }
        store::insert_case(
            conn,
            &CaseRow {
                concern_id: id.to_string(),
                reviewer_role: reviewer.as_str().into(),
                status: if reviewer == Reviewer::Lado {
                    Status::ReferredToLado
                } else {
                    Status::Open
                }
                .as_str()
                .into(),
                classification: None,
                lado_due_at: None,
                lado_referred_on: None,
                outcome: None,
                closing_summary: None,
                closed_at: None,
                person_informed_on: None,
                raised_at: now,
                updated_at: now,
            },
        )?;
        let evidence_count = files.len();
        for file in &files {
            store::insert_evidence(
                conn,
                &NewEvidenceRow {
                    id: EvidenceId::new().to_string(),
                    concern_id: id.to_string(),
                    file_name: file.file_name.clone(),
                    content_type: file.content_type.into(),
                    size_bytes: file.bytes.len() as i64,
                    sha256: hex::encode(Sha256::digest(&file.bytes)),
                    content: &file.bytes,
                    added_at: now,
                },
            )?;
        }
        let concern = store::find_concern(conn, id)?.ok_or(AppError::NotFound)?;
        let reference = concern.reference();
        audit::append(
            conn,
            ctx.clock.as_ref(),
            event(
                me.id,
                Action::ConcernRaised,
                &concern,
                format!("{} raised concern {reference}", me.name),
                serde_json::json!({
                    "reviewer": reviewer.as_str(),
                    "evidence_files": evidence_count,
                    "status": concern.status.as_str(),
                }),
            ),
        )?;
        if reviewer == Reviewer::Lado {
            audit::append(
                conn,
                ctx.clock.as_ref(),
                NewEvent::new(
                    Actor::System,
                    Action::ConcernSentToLado,
                    Subject::of(reviewer.subject_kind(), id),
                    format!(
                        "Concern {reference} involves the headteacher and the chair: Custodian \
                         showed the LADO contact for a direct referral"
                    ),
                )
                .with_data(serde_json::json!({ "status": concern.status.as_str() })),
            )?;
        }
        let link = ctx.settings.link(&urls::concern(id));
        let mut nobody_to_review = false;
        if let Some(role) = reviewer.role() {
            let reviewers = recipients(conn, role)?;
            nobody_to_review = reviewers.is_empty();
            for to in reviewers {
                mail::enqueue(
                    conn,
                    ctx.clock.as_ref(),
                    &ctx.settings,
                    emails::raised(to, reviewer, &reference, link.clone()),
                )?;
            }
        }
        mail::enqueue(
            conn,
            ctx.clock.as_ref(),
            &ctx.settings,
            emails::receipt(
                Recipient::new(&me.name, &me.email),
                reviewer,
                &reference,
                &ctx.settings.lado_contact,
                nobody_to_review,
                link,
            ),
        )?;
        Ok(concern)
    })
}

/// Whether anyone active holds the role that reviews these concerns.
pub fn has_reviewer(conn: &mut DbConnection, reviewer: Reviewer) -> Result<bool, AppError> {
    Ok(match reviewer.role() {
        Some(role) => !people_store::list_active_with_roles(conn, &[role])?.is_empty(),
        None => false,
    })
}

/// What someone opened, or tried to.
pub enum Look {
    Page,
    Evidence(EvidenceId),
    /// Someone who may not see it asked for it (the head, for a concern
    /// about the head): the reviewer should know.
    Refused,
}

/// Records that someone opened a concern's page or one of its files.
pub fn record_look(
    conn: &mut DbConnection,
    ctx: &Ctx,
    me: &CurrentPerson,
    concern: &Concern,
    look: Look,
) -> Result<(), AppError> {
    dialect::write(conn, |conn| {
        let reference = concern.reference();
        let (action, summary, data) = match look {
            Look::Page => (
                Action::ConcernViewed,
                format!("{} opened concern {reference}", me.name),
                serde_json::json!({}),
            ),
            Look::Evidence(file) => (
                Action::ConcernEvidenceDownloaded,
                format!("{} downloaded evidence of concern {reference}", me.name),
                serde_json::json!({ "evidence": file.to_string() }),
            ),
            Look::Refused => (
                Action::ConcernAccessRefused,
                format!(
                    "{} tried to open concern {reference} and was refused",
                    me.name
                ),
                serde_json::json!({}),
            ),
        };
        audit::append(
            conn,
            ctx.clock.as_ref(),
            event(me.id, action, concern, summary, data),
        )?;
        Ok(())
    })
}

/// What the reviewer adds to the timeline.
pub enum Step {
    Note {
        text: String,
    },
    Action {
        kind: ActionKind,
        on: Date,
        reference: String,
        text: String,
    },
    Status {
        to: Status,
        text: String,
    },
    Classify {
        as_: Classification,
        text: String,
    },
    Close {
        outcome: Outcome,
        summary: String,
    },
    Informed {
        on: Date,
        text: String,
    },
}

/// Why a step cannot be taken now, in words for the reviewer.
fn refuse(message: &str) -> AppError {
    AppError::Conflict(message.into())
}

/// Checks a step against where the concern stands.
pub fn check_step(concern: &Concern, step: &Step) -> Result<(), String> {
    let closed = concern.status == Status::Closed;
    match step {
        Step::Status { to, .. } => {
            if *to == concern.status {
                return Err(format!(
                    "The concern is already {}.",
                    to.label().to_lowercase()
                ));
            }
            if !matches!(to, Status::Open | Status::UnderReview) {
                return Err("Choose open or under review; close it with its outcome below.".into());
            }
        }
        Step::Close { outcome, .. } => {
            if closed {
                return Err("The concern is already closed.".into());
            }
            let Some(classification) = concern.classification else {
                return Err("Classify the concern before closing it.".into());
            };
            if classification == Classification::Allegation && concern.lado_referred_on.is_none() {
                return Err("Record the referral to the LADO before closing an allegation.".into());
            }
            if !Outcome::allowed_for(classification).contains(outcome) {
                return Err(format!(
                    "That outcome is not one for a concern classified as {}.",
                    classification.label().to_lowercase()
                ));
            }
        }
        Step::Classify { .. } | Step::Action { .. } if closed => {
            return Err("The concern is closed; reopen it first.".into());
        }
        _ => {}
    }
    Ok(())
}

/// The reviewer adds a step to the timeline; it is never edited after.
pub fn add_step(
    conn: &mut DbConnection,
    ctx: &Ctx,
    me: &CurrentPerson,
    id: ConcernId,
    step: Step,
) -> Result<(), AppError> {
    dialect::write(conn, |conn| {
        let concern = store::find_concern(conn, id)?.ok_or(AppError::NotFound)?;
        if !reviews(&concern, me) {
            return Err(AppError::Forbidden(NOT_REVIEWER));
        }
        check_step(&concern, &step).map_err(|m| refuse(&m))?;
        let now = ctx.clock.now();
        let reference = concern.reference();
        let mut change = CaseChange {
            updated_at: Some(to_row(now)),
            ..CaseChange::default()
        };
        let mut entry = EntryRow {
            id: EntryId::new().to_string(),
            concern_id: id.to_string(),
            recorded_at: to_row(now),
            author_id: me.id.to_string(),
            kind: String::new(),
            code: None,
            on_date: None,
            reference: None,
            body: String::new(),
        };
        let mut closed_with = None;
        let (action, summary, data) = match step {
            Step::Note { text } => {
                entry.kind = EntryKind::Note.as_str().into();
                entry.body = text;
                (
                    Action::ConcernNoteAdded,
                    format!("{} added a note to concern {reference}", me.name),
                    serde_json::json!({}),
                )
            }
            Step::Action {
                kind,
                on,
                reference: their_reference,
                text,
            } => {
                entry.kind = EntryKind::Action.as_str().into();
                entry.code = Some(kind.as_str().into());
                entry.on_date = Some(on);
                entry.reference = (!their_reference.is_empty()).then_some(their_reference);
                entry.body = text;
                if kind == ActionKind::LadoReferral && concern.lado_referred_on.is_none() {
                    change.lado_referred_on = Some(Some(on));
                }
                (
                    Action::ConcernActionRecorded,
                    format!("{} recorded an action on concern {reference}", me.name),
                    serde_json::json!({ "action": kind.as_str(), "on": on.to_string() }),
                )
            }
            Step::Status { to, text } => {
                entry.kind = EntryKind::Status.as_str().into();
                entry.code = Some(to.as_str().into());
                entry.body = text;
                change.status = Some(to.as_str().into());
                if concern.status == Status::Closed {
                    // Reopened: the outcome stands in the timeline, not on the case.
                    change.outcome = Some(None);
                    change.closing_summary = Some(None);
                    change.closed_at = Some(None);
                }
                (
                    Action::ConcernStatusChanged,
                    format!(
                        "{} marked concern {reference} {}",
                        me.name,
                        to.label().to_lowercase()
                    ),
                    serde_json::json!({ "from": concern.status.as_str(), "status": to.as_str() }),
                )
            }
            Step::Classify { as_, text } => {
                entry.kind = EntryKind::Classification.as_str().into();
                entry.code = Some(as_.as_str().into());
                entry.body = text;
                change.classification = Some(Some(as_.as_str().into()));
                // An allegation starts the LADO clock once; reclassifying
                // it as something else stops it.
                change.lado_due_at = Some(match as_ {
                    Classification::Allegation => {
                        Some(to_row(concern.lado_due_at.unwrap_or_else(|| {
                            lado_due(
                                now,
                                ctx.settings.lado_referral_working_days,
                                ctx.settings.time_zone,
                            )
                        })))
                    }
                    _ => None,
                });
                (
                    Action::ConcernClassified,
                    format!("{} classified concern {reference}", me.name),
                    serde_json::json!({
                        "from": concern.classification.map(|c| c.as_str()),
                        "classification": as_.as_str(),
                    }),
                )
            }
            Step::Close { outcome, summary } => {
                entry.kind = EntryKind::Closed.as_str().into();
                entry.code = Some(outcome.as_str().into());
                entry.body = summary.clone();
                change.status = Some(Status::Closed.as_str().into());
                change.outcome = Some(Some(outcome.as_str().into()));
                change.closing_summary = Some(Some(summary));
                change.closed_at = Some(Some(to_row(now)));
                closed_with = Some(outcome);
                (
                    Action::ConcernClosed,
                    format!("{} closed concern {reference}", me.name),
                    serde_json::json!({
                        "status": Status::Closed.as_str(),
                        "outcome": outcome.as_str(),
                    }),
                )
            }
            Step::Informed { on, text } => {
                entry.kind = EntryKind::Informed.as_str().into();
                entry.on_date = Some(on);
                entry.body = text;
                change.person_informed_on = Some(Some(on));
                (
                    Action::ConcernPersonInformed,
                    format!(
                        "{} recorded that the person concerned was informed of concern {reference}",
                        me.name
                    ),
                    serde_json::json!({ "on": on.to_string() }),
                )
            }
        };
        store::insert_entry(conn, &entry)?;
        // The reviewer's first step on an open concern puts it under review.
        if concern.status == Status::Open && change.status.is_none() {
            change.status = Some(Status::UnderReview.as_str().into());
            store::insert_entry(
                conn,
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
        store::update_case(conn, id, &change)?;
        audit::append(
            conn,
            ctx.clock.as_ref(),
            event(me.id, action, &concern, summary, data),
        )?;
        if let Some(outcome) = closed_with {
            if let Some(raiser) = people_store::find_person(conn, concern.raised_by)? {
                if raiser.active && raiser.id != me.id {
                    mail::enqueue(
                        conn,
                        ctx.clock.as_ref(),
                        &ctx.settings,
                        emails::outcome(
                            Recipient::new(raiser.name, raiser.email),
                            concern.reviewer,
                            &reference,
                            outcome,
                            ctx.settings.link(&urls::concern(id)),
                        ),
                    )?;
                }
            }
        }
        Ok(())
    })
}

pub const NOT_REVIEWER: &str =
    "A concern is seen only by its reviewer and, for its status and outcome, by the person who \
     raised it.";
