//! The policy pages.

use std::collections::{HashMap, HashSet};

use askama::Template;
use time_tz::Tz;

use super::domain::{self, SafeHtml};
use super::service::{Acknowledgements, VersionListRow, VersionRow};
use crate::clock::from_row;
use crate::error::FormErrors;
use crate::ids::PersonId;
use crate::people::names::Named;
use crate::web::layout::PageContext;
use crate::web::{format, urls};

/// One version, as read.
pub struct VersionView {
    pub number: i32,
    pub effective_on: String,
    pub published: String,
    pub published_by: String,
    pub summary: String,
    /// SECURITY: the Markdown rendered and cleaned (see `render_markdown`).
    pub body: SafeHtml,
}

/// A version in the list of every version.
pub struct VersionLink {
    pub number: i32,
    pub href: String,
    pub effective_on: String,
    pub published: String,
    pub current: bool,
    /// The one on this page.
    pub shown: bool,
}

/// Where the reader stands with the version shown.
pub enum Standing {
    /// The chair: reads, is never asked.
    Governor,
    /// Not yet confirmed: the page ends with the form to confirm.
    ToConfirm,
    /// Confirmed: "You confirmed on 24 Nov 2026".
    Confirmed { on: String },
    /// An earlier version: replaced, cannot be confirmed.
    Superseded {
        current: i32,
        current_href: &'static str,
    },
}

#[derive(Template)]
#[template(path = "policy/show.html")]
pub struct PolicyShowPage {
    pub page: PageContext,
    /// `None`: nothing published yet.
    pub version: Option<VersionView>,
    pub standing: Option<Standing>,
    /// Where the confirm button posts, while this person has not confirmed.
    pub confirm_action: Option<String>,
    pub versions: Vec<VersionLink>,
    /// The head: publish a new version.
    pub publish_href: Option<&'static str>,
    /// The head: who has confirmed this version.
    pub acknowledgements_href: Option<String>,
}

#[derive(Template)]
#[template(path = "policy/form.html")]
pub struct PolicyFormPage {
    pub page: PageContext,
    /// The number this version will take.
    pub number: i32,
    pub body: String,
    pub effective_on: String,
    pub summary: String,
    pub back: &'static str,
    pub errors: FormErrors,
}

/// A person and where they stand with a version.
pub struct PersonStanding {
    pub name: String,
    pub role: &'static str,
    /// For those who confirmed: when. For the others: when asked.
    pub when: String,
    /// For those who have not: the reminders sent.
    pub reminders: &'static str,
    /// No longer works at the school (their confirmation stays on record).
    pub left: bool,
}

#[derive(Template)]
#[template(path = "policy/acknowledgements.html")]
pub struct PolicyAcknowledgementsPage {
    pub page: PageContext,
    pub number: i32,
    pub version_href: String,
    pub is_current: bool,
    pub acknowledged: i64,
    pub asked: i64,
    /// "92%", or a dash when nobody is asked.
    pub percentage: String,
    pub confirmed: Vec<PersonStanding>,
    pub not_confirmed: Vec<PersonStanding>,
}

impl VersionView {
    pub fn new(row: &VersionRow, publisher: Option<Named>, zone: &Tz) -> Self {
        Self {
            number: row.number,
            effective_on: format::calendar_date(row.effective_on),
            published: format::date(from_row(row.published_at), zone),
            published_by: publisher.map(|p| p.name).unwrap_or_default(),
            summary: row.summary.clone(),
            body: domain::render_markdown(&row.body),
        }
    }
}

impl VersionLink {
    /// A version in the list, knowing the `current` one and the one `shown`.
    pub fn new(row: &VersionListRow, current: Option<i32>, shown: Option<i32>, zone: &Tz) -> Self {
        Self {
            number: row.number,
            href: urls::policy_version(row.number),
            effective_on: format::calendar_date(row.effective_on),
            published: format::date(from_row(row.published_at), zone),
            current: current == Some(row.number),
            shown: shown == Some(row.number),
        }
    }
}

impl PersonStanding {
    /// Everyone who confirmed a version (by name), and everyone asked now
    /// who has not, with when they were asked and the reminders sent.
    pub fn lists(found: &Acknowledgements, zone: &Tz) -> (Vec<Self>, Vec<Self>) {
        let mut confirmed: Vec<Self> = found
            .acknowledgements
            .iter()
            .filter_map(|(id, at)| {
                let person = found.confirmers.get(&PersonId::parse(id)?)?;
                Some((person, at))
            })
            .map(|(p, at)| Self {
                name: p.name.clone(),
                role: p.role.label(),
                when: format::date_time(from_row(*at), zone),
                reminders: "",
                left: !p.active,
            })
            .collect();
        confirmed.sort_by(|a, b| a.name.cmp(&b.name));
        let confirmed_ids: HashSet<&str> = found
            .acknowledgements
            .iter()
            .map(|(id, _)| id.as_str())
            .collect();
        let asked_at: HashMap<&str, _> = found
            .requests
            .iter()
            .map(|r| (r.person_id.as_str(), r))
            .collect();
        let not_confirmed = found
            .asked
            .iter()
            .filter(|p| !confirmed_ids.contains(p.id.to_string().as_str()))
            .map(|p| {
                let request = asked_at.get(p.id.to_string().as_str());
                Self {
                    name: p.name.clone(),
                    role: p.role.label(),
                    when: request
                        .map(|r| format::date(from_row(r.asked_at), zone))
                        .unwrap_or_else(|| "Not yet".into()),
                    reminders: match request {
                        Some(r) if r.second_reminder_at.is_some() => "2",
                        Some(r) if r.first_reminder_at.is_some() => "1",
                        Some(_) => "0",
                        None => "–",
                    },
                    left: false,
                }
            })
            .collect();
        (confirmed, not_confirmed)
    }
}
