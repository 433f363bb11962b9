//! The concerns pages.

use askama::Template;
use time::OffsetDateTime;
use time_tz::Tz;

use super::domain::{About, ActionKind, Classification, EntryKind, Outcome, RaiseInput, Status};
use super::service::{ConcernPage, Names};
use super::steps::{StepForm, StepKind, SETTABLE};
use super::store::{Concern, EntryRow, EvidenceInfo};
use crate::audit::store::EventRow;
use crate::clock::from_row;
use crate::error::FormErrors;
use crate::web::form::Choice;
use crate::web::layout::PageContext;
use crate::web::{format, urls};

/// One's own concern, as a row of a list.
pub struct OwnRowView {
    pub href: String,
    pub reference: String,
    pub raised: String,
    pub about: &'static str,
    pub status: &'static str,
    pub status_tag: &'static str,
    pub outcome: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "concerns/home.html")]
pub struct ConcernsHomePage {
    pub page: PageContext,
    pub concerns: Vec<OwnRowView>,
    pub new_href: &'static str,
    /// The head or the chair: their queue, and how many are open in it.
    pub review: Option<(&'static str, i64)>,
}

#[derive(Template)]
#[template(path = "concerns/form.html")]
pub struct ConcernFormPage {
    pub page: PageContext,
    pub action: &'static str,
    pub back: &'static str,
    /// "A member of staff", "The headteacher", ... as radios.
    pub abouts: Vec<Choice>,
    /// Everyone who may be the subject, for the member-of-staff select.
    pub people: Vec<Choice>,
    pub accounts: Vec<Choice>,
    /// What was typed, kept when the form comes back with errors.
    pub typed: RaiseInput,
    /// "10 MB", "5".
    pub max_file_size: &'static str,
    pub max_files: usize,
    /// The form came back with errors after files were chosen: they must
    /// be chosen again (a browser never re-fills a file field).
    pub files_to_choose_again: bool,
    pub errors: FormErrors,
}

pub struct EvidenceView {
    pub href: String,
    pub file_name: String,
    pub kind: &'static str,
    pub size: String,
}

pub struct EntryView {
    pub when: String,
    pub author: String,
    /// "Note", "Referred to the LADO", "Classified: allegation ...".
    pub heading: String,
    /// "On 24 Nov 2026, reference LADO/123".
    pub detail: Option<String>,
    pub body: String,
}

pub struct AccessView {
    pub when: String,
    pub who: String,
    pub what: &'static str,
}

#[derive(Template)]
#[template(path = "concerns/show.html")]
pub struct ConcernShowPage {
    pub page: PageContext,
    pub reference: String,
    pub raised: String,
    pub raised_by: String,
    pub status: &'static str,
    pub status_tag: &'static str,
    pub outcome: Option<&'static str>,
    pub closed: Option<String>,
    /// What it is about: "The headteacher", "A member of staff: Sam Jones".
    pub about: String,
    pub about_detail: String,
    pub happened_on: String,
    pub what_happened: String,
    pub evidence: Vec<EvidenceView>,
    /// When the concern went straight to the LADO: the contact to use.
    pub lado_contact: Option<String>,
    /// Who reviews it, for the raiser: "the headteacher".
    pub reviewer_label: &'static str,
    /// The reviewer's part; `None` for the person who raised it.
    pub review: Option<ReviewView>,
}

/// Everything only the reviewer sees, and their forms.
pub struct ReviewView {
    pub classification: Option<&'static str>,
    /// "Due by 25 Nov 2026, 09:00" or "Overdue since ...".
    pub lado_due: Option<String>,
    pub lado_overdue: bool,
    pub lado_referred: Option<String>,
    pub person_informed: Option<String>,
    pub closing_summary: Option<String>,
    pub timeline: Vec<EntryView>,
    pub access: Vec<AccessView>,
    pub is_closed: bool,
    pub note_action: String,
    pub action_action: String,
    pub status_action: String,
    pub classify_action: String,
    pub close_action: String,
    pub informed_action: String,
    pub action_kinds: Vec<Choice>,
    pub statuses: Vec<Choice>,
    pub classifications: Vec<Choice>,
    /// The outcomes allowed for its classification (all, when unclassified).
    pub outcomes: Vec<Choice>,
    /// What the reviewer typed, kept when a form comes back with errors.
    pub typed: StepForm,
    pub errors: FormErrors,
}

pub struct QueueRowView {
    pub href: String,
    pub reference: String,
    pub raised: String,
    pub about: String,
    pub status: &'static str,
    pub status_tag: &'static str,
    pub classification: Option<&'static str>,
    pub waiting: String,
    /// "Due 25 Nov 2026, 09:00" or, when overdue, "Overdue: was due ...".
    pub lado: Option<String>,
    pub lado_overdue: bool,
    pub outcome: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "concerns/review.html")]
pub struct ConcernsReviewPage {
    pub page: PageContext,
    /// "the headteacher" or "the chair of governors".
    pub reviewing_as: &'static str,
    pub open: Vec<QueueRowView>,
    pub overdue: usize,
    pub closed: Vec<QueueRowView>,
}

/// What a concern is about, in words, with the person's or account's name.
pub fn about_text(concern: &Concern, names: &Names) -> String {
    let named = |label: &str, name: Option<&String>| match name {
        Some(name) => format!("{label}: {name}"),
        None => label.to_owned(),
    };
    let person = || {
        concern
            .raised
            .about_person
            .and_then(|p| names.people.get(&p.to_string()))
    };
    match concern.raised.about {
        About::Staff => named("A member of staff", person()),
        About::Headteacher => named("The headteacher", person()),
        About::Account => named(
            "An official account",
            concern
                .raised
                .about_account
                .and_then(|a| names.accounts.get(&a.to_string())),
        ),
        other => other.label().to_owned(),
    }
}

impl OwnRowView {
    pub fn new(c: &Concern, zone: &Tz) -> Self {
        Self {
            href: urls::concern(c.id),
            reference: c.reference(),
            raised: format::date(c.raised_at, zone),
            about: c.raised.about.label(),
            status: c.status.label(),
            status_tag: c.status.tag(),
            outcome: c.outcome.map(Outcome::label),
        }
    }
}

impl QueueRowView {
    pub fn new(c: &Concern, names: &Names, now: OffsetDateTime, zone: &Tz) -> Self {
        let due = c.lado_referral_due();
        Self {
            href: urls::concern(c.id),
            reference: c.reference(),
            raised: format::date(c.raised_at, zone),
            about: about_text(c, names),
            status: c.status.label(),
            status_tag: c.status.tag(),
            classification: c.classification.map(Classification::label),
            waiting: format::waited(c.raised_at, now),
            lado: due.map(|d| {
                if d < now {
                    format!("was due {}", format::date_time(d, zone))
                } else {
                    format!("Due {}", format::date_time(d, zone))
                }
            }),
            lado_overdue: due.is_some_and(|d| d < now),
            outcome: c.outcome.map(Outcome::label),
        }
    }
}

impl EvidenceView {
    pub fn new(concern: &Concern, e: &EvidenceInfo) -> Self {
        let bytes = e.size_bytes;
        Self {
            href: urls::concern_evidence(concern.id, &e.id),
            file_name: e.file_name.clone(),
            kind: match e.content_type.as_str() {
                "image/png" => "PNG picture",
                "image/jpeg" => "JPEG picture",
                _ => "PDF document",
            },
            size: if bytes >= 1024 * 1024 {
                format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
            } else {
                format!("{} KB", (bytes + 1023) / 1024)
            },
        }
    }
}

impl EntryView {
    pub fn new(e: &EntryRow, names: &Names, zone: &Tz) -> Self {
        let code = e.code.as_deref().unwrap_or_default();
        let heading = match e.entry_kind() {
            Some(EntryKind::Action) => ActionKind::parse(code)
                .map(ActionKind::label)
                .unwrap_or("Action")
                .to_owned(),
            Some(EntryKind::Status) => format!(
                "Status: {}",
                Status::parse(code).map(Status::label).unwrap_or_default()
            ),
            Some(EntryKind::Classification) => format!(
                "Classified: {}",
                Classification::parse(code)
                    .map(Classification::label)
                    .unwrap_or_default()
            ),
            Some(EntryKind::Closed) => format!(
                "Closed. Outcome: {}",
                Outcome::parse(code).map(Outcome::label).unwrap_or_default()
            ),
            Some(kind) => kind.label().to_owned(),
            None => "Entry".to_owned(),
        };
        let detail = match (&e.on_date, &e.reference) {
            (Some(on), Some(r)) => {
                Some(format!("On {}, reference {r}", format::calendar_date(*on)))
            }
            (Some(on), None) => Some(format!("On {}", format::calendar_date(*on))),
            (None, Some(r)) => Some(format!("Reference {r}")),
            (None, None) => None,
        };
        Self {
            when: format::date_time(from_row(e.recorded_at), zone),
            author: names.person(&e.author_id),
            heading,
            detail,
            body: e.body.clone(),
        }
    }
}

impl AccessView {
    pub fn new(e: &EventRow, names: &Names, zone: &Tz) -> Self {
        Self {
            when: format::date_time(from_row(e.occurred_at), zone),
            who: e
                .actor_id
                .as_deref()
                .map(|id| names.person(id))
                .unwrap_or_else(|| "Custodian".into()),
            what: match e.action.as_str() {
                "concern.viewed" => "Opened the concern",
                "concern.evidence_downloaded" => "Downloaded evidence",
                _ => "Tried to open it and was refused",
            },
        }
    }
}

impl ReviewView {
    /// The reviewer's part of a concern's page, with what they typed into
    /// its forms and the errors beside it.
    pub fn new(
        page: &ConcernPage,
        typed: StepForm,
        errors: FormErrors,
        now: OffsetDateTime,
        zone: &Tz,
    ) -> Self {
        let c = &page.concern;
        let due = c.lado_referral_due();
        let outcomes = match c.classification {
            Some(class) => Outcome::allowed_for(class),
            None => Outcome::ALL,
        };
        let action = |step: StepKind| urls::concern_page(c.id, step.as_str());
        Self {
            classification: c.classification.map(Classification::label),
            lado_due: due.map(|d| format::date_time(d, zone)),
            lado_overdue: due.is_some_and(|d| d < now),
            lado_referred: c.lado_referred_on.map(format::calendar_date),
            person_informed: c.person_informed_on.map(format::calendar_date),
            closing_summary: c.closing_summary.clone(),
            timeline: page
                .entries
                .iter()
                .map(|e| EntryView::new(e, &page.names, zone))
                .collect(),
            access: page
                .access
                .iter()
                .map(|e| AccessView::new(e, &page.names, zone))
                .collect(),
            is_closed: c.status == Status::Closed,
            note_action: action(StepKind::Note),
            action_action: action(StepKind::Action),
            status_action: action(StepKind::Status),
            classify_action: action(StepKind::Classify),
            close_action: action(StepKind::Close),
            informed_action: action(StepKind::Informed),
            action_kinds: Choice::options(ActionKind::ALL, &typed.action_kind),
            statuses: Choice::options(SETTABLE, &typed.status_to),
            classifications: Choice::options(Classification::ALL, &typed.classification),
            outcomes: Choice::options(outcomes, &typed.outcome),
            typed,
            errors,
        }
    }
}
