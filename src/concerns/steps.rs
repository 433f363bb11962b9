//! The reviewer's steps on a concern (a note, an action, a change of
//! status, a classification, the close, the person informed): which form
//! was sent, what it parses to, and whether the concern, where it stands,
//! takes it. No I/O.

use serde::Deserialize;
use time::Date;

use super::domain::{ActionKind, Classification, Outcome, Status, MAX_SHORT_TEXT, MAX_TEXT};
use super::store::Concern;
use crate::error::FormErrors;
use crate::web::form::{self, coded, Coded, TextKind};

coded! {
    /// Which of the reviewer's forms was sent: the last part of its path
    /// (`/concerns/{id}/notes`), labelled by what the reviewer is told
    /// once it is taken.
    pub enum StepKind {
        Note = "notes": "The note is added to the timeline.",
        Action = "actions": "The action is recorded.",
        Status = "status": "The status is changed.",
        Classify = "classification": "The classification is recorded.",
        Close = "close":
            "The concern is closed. The person who raised it is emailed the outcome.",
        Informed = "informed": "It is recorded that the person concerned was informed.",
    }
}

/// From the path, whose route admits only these.
impl<'de> Deserialize<'de> for StepKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Self::parse(&raw).ok_or_else(|| serde::de::Error::custom("no such step"))
    }
}

impl StepKind {
    /// The field a refusal of the whole step goes beside.
    pub fn field(self) -> &'static str {
        match self {
            StepKind::Note => "note_text",
            StepKind::Action => "action_kind",
            StepKind::Status => "status_to",
            StepKind::Classify => "classification",
            StepKind::Close => "outcome",
            StepKind::Informed => "informed_on",
        }
    }
}

/// What the reviewer typed into the forms of a concern's page; each form
/// sends only its own fields.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct StepForm {
    pub note_text: String,
    pub action_kind: String,
    pub action_on: String,
    pub action_reference: String,
    pub action_text: String,
    pub status_to: String,
    pub status_text: String,
    pub classification: String,
    pub classify_text: String,
    pub outcome: String,
    pub summary: String,
    pub informed_on: String,
    pub informed_text: String,
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

/// The statuses a reviewer sets by hand; closing takes its outcome.
pub const SETTABLE: &[Status] = &[Status::Open, Status::UnderReview];

fn optional_text(errors: &mut FormErrors, field: &'static str, raw: &str) -> String {
    form::text(errors, field, raw, MAX_TEXT, TextKind::Long)
}

fn required_text(errors: &mut FormErrors, field: &'static str, raw: &str, missing: &str) -> String {
    form::required_text(errors, field, raw, MAX_TEXT, TextKind::Long, missing)
}

/// The value chosen, or `missing` beside the field.
fn chosen<C: Coded>(
    errors: &mut FormErrors,
    field: &'static str,
    value: Option<C>,
    missing: &str,
) -> Option<C> {
    if value.is_none() {
        errors.add(field, missing);
    }
    value
}

const DATE: [&str; 3] = [
    "Enter the date",
    "The date must be today or earlier",
    "Enter a date like 2026-11-24",
];

impl Step {
    /// Parses the form `kind` names, reporting every field's problem.
    pub fn parse(kind: StepKind, f: &StepForm, today: Date) -> Result<Step, FormErrors> {
        let mut errors = FormErrors::new();
        let e = &mut errors;
        let step = match kind {
            StepKind::Note => Some(Step::Note {
                text: required_text(e, "note_text", &f.note_text, "Write the note"),
            }),
            StepKind::Action => {
                let kind = ActionKind::parse(&f.action_kind);
                let kind = chosen(e, "action_kind", kind, "Choose what was done");
                let on = crate::web::form::past_date(e, "action_on", &f.action_on, today, DATE);
                let reference = &f.action_reference;
                let reference = form::text(
                    e,
                    "action_reference",
                    reference,
                    MAX_SHORT_TEXT,
                    TextKind::Line,
                );
                if kind == Some(ActionKind::LadoReferral) && reference.is_empty() {
                    e.add(
                        "action_reference",
                        "Enter the LADO's reference for the referral",
                    );
                }
                let text = optional_text(e, "action_text", &f.action_text);
                kind.zip(on).map(|(kind, on)| Step::Action {
                    kind,
                    on,
                    reference,
                    text,
                })
            }
            StepKind::Status => {
                let to = Status::parse(&f.status_to).filter(|s| SETTABLE.contains(s));
                let to = chosen(e, "status_to", to, "Choose open or under review");
                let text = optional_text(e, "status_text", &f.status_text);
                to.map(|to| Step::Status { to, text })
            }
            StepKind::Classify => {
                let as_ = Classification::parse(&f.classification);
                let missing = "Choose how you classify the concern";
                let as_ = chosen(e, "classification", as_, missing);
                let text = optional_text(e, "classify_text", &f.classify_text);
                as_.map(|as_| Step::Classify { as_, text })
            }
            StepKind::Close => {
                let outcome = Outcome::parse(&f.outcome);
                let outcome = chosen(e, "outcome", outcome, "Choose the outcome");
                let missing = "Write the closing summary";
                let summary = required_text(e, "summary", &f.summary, missing);
                outcome.map(|outcome| Step::Close { outcome, summary })
            }
            StepKind::Informed => {
                let on = crate::web::form::past_date(e, "informed_on", &f.informed_on, today, DATE);
                let text = optional_text(e, "informed_text", &f.informed_text);
                on.map(|on| Step::Informed { on, text })
            }
        };
        match step {
            Some(step) => errors.finish(|| step),
            None => Err(errors),
        }
    }

    pub fn kind(&self) -> StepKind {
        match self {
            Step::Note { .. } => StepKind::Note,
            Step::Action { .. } => StepKind::Action,
            Step::Status { .. } => StepKind::Status,
            Step::Classify { .. } => StepKind::Classify,
            Step::Close { .. } => StepKind::Close,
            Step::Informed { .. } => StepKind::Informed,
        }
    }

    /// Whether the concern, where it stands, takes this step; if not, why,
    /// in words for the reviewer.
    pub fn check(&self, concern: &Concern) -> Result<(), String> {
        let closed = concern.status == Status::Closed;
        match self {
            Step::Status { to, .. } => {
                if *to == concern.status {
                    return Err(format!(
                        "The concern is already {}.",
                        to.label().to_lowercase()
                    ));
                }
                if !SETTABLE.contains(to) {
                    return Err(
                        "Choose open or under review; close it with its outcome below.".into(),
                    );
                }
            }
            Step::Close { outcome, .. } => {
                if closed {
                    return Err("The concern is already closed.".into());
                }
                let Some(classification) = concern.classification else {
                    return Err("Classify the concern before closing it.".into());
                };
                if classification == Classification::Allegation
                    && concern.lado_referred_on.is_none()
                {
                    return Err(
                        "Record the referral to the LADO before closing an allegation.".into(),
                    );
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn every_field_of_a_step_is_checked_at_once() {
        let form = StepForm {
            action_kind: "lado_referral".into(),
            action_on: "2026-11-25".into(),
            ..StepForm::default()
        };
        let errors = Step::parse(StepKind::Action, &form, date!(2026 - 11 - 24))
            .err()
            .unwrap();
        assert_eq!(
            errors.get("action_on"),
            Some("The date must be today or earlier")
        );
        assert_eq!(
            errors.get("action_reference"),
            Some("Enter the LADO's reference for the referral")
        );
    }

    #[test]
    fn closing_is_only_set_with_its_outcome() {
        let form = StepForm {
            status_to: "closed".into(),
            ..StepForm::default()
        };
        let errors = Step::parse(StepKind::Status, &form, date!(2026 - 11 - 24))
            .err()
            .unwrap();
        assert_eq!(errors.get("status_to"), Some("Choose open or under review"));
    }
}
