//! The reviewer's steps on a concern: notes, actions, status, classification, closing.

use actix_web::{web, HttpResponse};
use actix_web_flash_messages::FlashMessage;

use super::*;
use crate::auth::csrf::CsrfForm;
use crate::auth::current::CurrentPerson;
use crate::concerns::domain::{
    ActionKind, Classification, Outcome, Status, MAX_SHORT_TEXT, MAX_TEXT,
};
use crate::concerns::service::{self, Step, NOT_REVIEWER};
use crate::error::{AppError, FormErrors};
use crate::state::AppState;
use crate::web::form::{self, TextKind};
use crate::web::layout::PageContext;
use crate::web::{format, see_other, urls};

/// Which of the reviewer's forms was sent.
#[derive(Clone, Copy)]
enum StepKind {
    Note,
    Action,
    Status,
    Classify,
    Close,
    Informed,
}

fn optional_text(errors: &mut FormErrors, field: &'static str, raw: &str) -> String {
    form::text(errors, field, raw, MAX_TEXT, TextKind::Long)
}

fn required_text(errors: &mut FormErrors, field: &'static str, raw: &str, missing: &str) -> String {
    form::required_text(errors, field, raw, MAX_TEXT, TextKind::Long, missing)
}

fn past_date(
    errors: &mut FormErrors,
    field: &'static str,
    raw: &str,
    today: time::Date,
) -> Option<time::Date> {
    match crate::clock::parse_date(raw) {
        Some(d) if d <= today => Some(d),
        Some(_) => {
            errors.add(field, "The date must be today or earlier");
            None
        }
        None if raw.trim().is_empty() => {
            errors.add(field, "Enter the date");
            None
        }
        None => {
            errors.add(field, "Enter a date like 2026-11-24");
            None
        }
    }
}

fn parse_step(kind: StepKind, f: &StepForm, today: time::Date) -> Result<Step, FormErrors> {
    let mut errors = FormErrors::new();
    let step = match kind {
        StepKind::Note => Step::Note {
            text: required_text(&mut errors, "note_text", &f.note_text, "Write the note"),
        },
        StepKind::Action => {
            let kind = ActionKind::parse(&f.action_kind);
            if kind.is_none() {
                errors.add("action_kind", "Choose what was done");
            }
            let on = past_date(&mut errors, "action_on", &f.action_on, today);
            let reference = form::text(
                &mut errors,
                "action_reference",
                &f.action_reference,
                MAX_SHORT_TEXT,
                TextKind::Line,
            );
            if kind == Some(ActionKind::LadoReferral) && reference.is_empty() {
                errors.add(
                    "action_reference",
                    "Enter the LADO's reference for the referral",
                );
            }
            let text = optional_text(&mut errors, "action_text", &f.action_text);
            match (kind, on) {
                (Some(kind), Some(on)) => Step::Action {
                    kind,
                    on,
                    reference,
                    text,
                },
                _ => return Err(errors),
            }
        }
        StepKind::Status => {
            let to = Status::parse(&f.status_to)
                .filter(|s| matches!(s, Status::Open | Status::UnderReview));
            if to.is_none() {
                errors.add("status_to", "Choose open or under review");
            }
            let text = optional_text(&mut errors, "status_text", &f.status_text);
            match to {
                Some(to) => Step::Status { to, text },
                None => return Err(errors),
            }
        }
        StepKind::Classify => {
            let as_ = Classification::parse(&f.classification);
            if as_.is_none() {
                errors.add("classification", "Choose how you classify the concern");
            }
            let text = optional_text(&mut errors, "classify_text", &f.classify_text);
            match as_ {
                Some(as_) => Step::Classify { as_, text },
                None => return Err(errors),
            }
        }
        StepKind::Close => {
            let outcome = Outcome::parse(&f.outcome);
            if outcome.is_none() {
                errors.add("outcome", "Choose the outcome");
            }
            let summary = required_text(
                &mut errors,
                "summary",
                &f.summary,
                "Write the closing summary",
            );
            match outcome {
                Some(outcome) => Step::Close { outcome, summary },
                None => return Err(errors),
            }
        }
        StepKind::Informed => {
            let on = past_date(&mut errors, "informed_on", &f.informed_on, today);
            let text = optional_text(&mut errors, "informed_text", &f.informed_text);
            match on {
                Some(on) => Step::Informed { on, text },
                None => return Err(errors),
            }
        }
    };
    errors.finish(|| step)
}

/// The field a refusal belongs beside.
fn field_of(kind: StepKind) -> &'static str {
    match kind {
        StepKind::Note => "note_text",
        StepKind::Action => "action_kind",
        StepKind::Status => "status_to",
        StepKind::Classify => "classification",
        StepKind::Close => "outcome",
        StepKind::Informed => "informed_on",
    }
}

async fn step(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    path: web::Path<String>,
    form: StepForm,
    kind: StepKind,
) -> Result<HttpResponse, AppError> {
    let id = concern_id(&path)?;
    let viewer = me.clone();
    let ctx = state.ctx();
    let concern = state
        .db
        .run(move |conn| service::read_visible(conn, &ctx, &viewer, id))
        .await?;
    if !service::reviews(&concern, &me) {
        return Err(AppError::Forbidden(NOT_REVIEWER));
    }
    let today = format::local_date(state.clock.now(), state.settings.time_zone);
    let step = match parse_step(kind, &form, today) {
        Ok(step) => step,
        Err(errors) => return super::show::show(me, state, page, id, form, errors).await,
    };
    if let Err(refusal) = service::check_step(&concern, &step) {
        let mut errors = FormErrors::new();
        errors.add(field_of(kind), refusal);
        return super::show::show(me, state, page, id, form, errors).await;
    }
    let ctx = state.ctx();
    let reviewer = me.clone();
    state
        .db
        .run(move |conn| service::add_step(conn, &ctx, &reviewer, id, step))
        .await?;
    FlashMessage::success(match kind {
        StepKind::Note => "The note is added to the timeline.",
        StepKind::Action => "The action is recorded.",
        StepKind::Status => "The status is changed.",
        StepKind::Classify => "The classification is recorded.",
        StepKind::Close => {
            "The concern is closed. The person who raised it is emailed the outcome."
        }
        StepKind::Informed => "It is recorded that the person concerned was informed.",
    })
    .send();
    Ok(see_other(&urls::concern(id)))
}

macro_rules! step_handler {
    ($name:ident, $kind:expr) => {
        pub async fn $name(
            me: CurrentPerson,
            state: web::Data<AppState>,
            page: PageContext,
            path: web::Path<String>,
            form: CsrfForm<StepForm>,
        ) -> Result<HttpResponse, AppError> {
            step(me, state, page, path, form.0, $kind).await
        }
    };
}

step_handler!(note_post, StepKind::Note);
step_handler!(action_post, StepKind::Action);
step_handler!(status_post, StepKind::Status);
step_handler!(classify_post, StepKind::Classify);
step_handler!(close_post, StepKind::Close);
step_handler!(informed_post, StepKind::Informed);
