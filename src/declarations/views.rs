//! The declarations pages.

use askama::Template;
use time::OffsetDateTime;
use time_tz::Tz;

use super::domain::{Declaration, Nature, State};
use super::store::VersionRow;
use crate::clock::from_row;
use crate::error::{AppError, FormErrors};
use crate::web::layout::{PageContext, Tag};
use crate::web::{format, urls};

/// A declaration's state as its coloured label.
pub fn state_tag(state: State) -> Tag {
    Tag::new(state.label(), state.tag())
}

// Its handlers take `Choice` from here, with the pages.
pub use crate::web::form::Choice;

/// A declaration as a row of a list.
pub struct DeclarationRowView {
    pub href: String,
    pub declarant: String,
    pub contact_name: String,
    pub class_or_year: String,
    pub nature: &'static str,
    pub state: Tag,
    pub updated: String,
    /// For the review queue: how long it has waited.
    pub waiting: String,
}

pub struct AnswerView {
    pub year: String,
    pub kind: &'static str,
    pub when: String,
}

#[derive(Template)]
#[template(path = "declarations/home.html")]
pub struct DeclarationsHomePage {
    pub page: PageContext,
    pub declarations: Vec<DeclarationRowView>,
    pub school_year: String,
    /// This year's answer, if given: "Reconfirmed on 3 Sep 2026".
    pub this_year: Option<String>,
    pub answers: Vec<AnswerView>,
    pub has_live: bool,
    pub new_href: &'static str,
    pub nil_action: &'static str,
    pub reconfirm_action: &'static str,
    /// The head: a link to what awaits their review.
    pub review_href: Option<&'static str>,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "declarations/form.html")]
pub struct DeclarationFormPage {
    pub page: PageContext,
    pub heading: &'static str,
    pub action: String,
    pub back: String,
    pub contact_name: String,
    pub links: Vec<Choice>,
    pub class_or_year: String,
    pub natures: Vec<Choice>,
    pub in_person: bool,
    pub platforms: Vec<Choice>,
    pub since: String,
    pub description: String,
    pub reviewer: &'static str,
    pub errors: FormErrors,
}

/// One version of a declaration, as declared.
pub struct VersionView {
    pub number: i32,
    pub submitted: String,
    pub contact_name: String,
    pub link: &'static str,
    pub class_or_year: String,
    pub nature: &'static str,
    pub where_: String,
    pub since: String,
    pub description: String,
    /// What this version changed from the one before.
    pub changed: Vec<&'static str>,
}

#[derive(Template)]
#[template(path = "declarations/show.html")]
pub struct DeclarationShowPage {
    pub page: PageContext,
    pub declarant: String,
    pub state: Tag,
    pub current: VersionView,
    /// Earlier versions, newest first.
    pub earlier: Vec<VersionView>,
    pub review_notes: Option<String>,
    pub conditions: Option<String>,
    pub reviewed: Option<String>,
    /// The review shown was of an earlier version: this one awaits review.
    pub review_is_earlier: bool,
    pub ended: Option<String>,
    /// The declarant, while it applies.
    pub edit_href: Option<String>,
    pub end_action: Option<String>,
    /// The reviewer, while it applies.
    pub review_action: Option<String>,
    pub notes: String,
    pub conditions_input: String,
    pub ended_on: String,
    pub end_reason: String,
    pub errors: FormErrors,
}

pub struct StatusView {
    pub name: String,
    pub status: Tag,
}

#[derive(Template)]
#[template(path = "declarations/review.html")]
pub struct DeclarationsReviewPage {
    pub page: PageContext,
    pub reviewing_for: &'static str,
    pub queue: Vec<DeclarationRowView>,
    pub current: Vec<DeclarationRowView>,
    pub classes: Vec<Choice>,
    pub people: Vec<Choice>,
    pub school_year: String,
    pub statuses: Vec<StatusView>,
    pub confirmed: usize,
    pub due: usize,
    pub never: usize,
}

impl VersionView {
    /// One version, and what it changed from the one `before` it.
    pub fn new(row: &VersionRow, before: Option<&VersionRow>, zone: &Tz) -> Result<Self, AppError> {
        let details = row.details()?;
        let changed = match before {
            Some(before) => details.changed_from(&before.details()?),
            None => Vec::new(),
        };
        let mut places = Vec::new();
        if details.in_person {
            places.push("In person".to_owned());
        }
        places.extend(details.platforms.iter().cloned());
        Ok(Self {
            number: row.version,
            submitted: format::date_time(from_row(row.submitted_at), zone),
            contact_name: details.contact_name.clone(),
            link: details.link.label(),
            class_or_year: details.class_or_year.clone(),
            nature: details.nature.label(),
            where_: places.join(", "),
            since: details.since.clone(),
            description: details.description.clone(),
            changed,
        })
    }

    /// Every version, oldest first.
    pub fn all(rows: &[VersionRow], zone: &Tz) -> Result<Vec<Self>, AppError> {
        (0..rows.len())
            .map(|n| Self::new(&rows[n], n.checked_sub(1).map(|b| &rows[b]), zone))
            .collect()
    }
}

impl DeclarationRowView {
    pub fn new(
        d: &Declaration,
        v: &VersionRow,
        declarant: &str,
        now: OffsetDateTime,
        zone: &Tz,
    ) -> Self {
        Self {
            href: urls::declaration(d.id),
            declarant: declarant.to_owned(),
            contact_name: v.contact_name.clone(),
            class_or_year: d.class_or_year.clone(),
            nature: Nature::parse(&v.nature)
                .map(|n| n.label())
                .unwrap_or_default(),
            state: state_tag(d.state),
            updated: format::date(d.updated_at, zone),
            waiting: format::waited(d.updated_at, now),
        }
    }
}
