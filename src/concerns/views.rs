//! The concerns pages.

use askama::Template;

use crate::error::FormErrors;
use crate::web::form::Choice;
use crate::web::layout::PageContext;

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
    pub about_detail: String,
    pub implicates_chair: bool,
    pub happened_on: String,
    pub what_happened: String,
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
    pub note_text: String,
    pub action_on: String,
    pub action_reference: String,
    pub action_text: String,
    pub status_text: String,
    pub classify_text: String,
    pub summary: String,
    pub informed_on: String,
    pub informed_text: String,
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
