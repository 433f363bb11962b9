//! The policy pages.

use askama::Template;

use super::domain::SafeHtml;
use crate::error::FormErrors;
use crate::web::layout::PageContext;

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
