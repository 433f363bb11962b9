//! The moderation log's pages: the log with its form, and the section of an
//! account's page that shows the latest entries.

use askama::Template;
use time_tz::Tz;

use super::domain::{Access, Entry};
use crate::accounts::domain::Account;
use crate::error::FormErrors;
use crate::web::form::Choice;
use crate::web::layout::PageContext;
use crate::web::{format, urls};

/// An entry of the log as a row of its table.
pub struct EntryView {
    pub occurred_on: String,
    pub kind: &'static str,
    pub reason: &'static str,
    pub note: String,
    pub recorded_by: String,
    pub recorded_at: String,
}

#[derive(Template)]
#[template(path = "moderation/log.html")]
pub struct ModerationLogPage {
    pub page: PageContext,
    pub account: String,
    pub account_href: String,
    /// Where the form posts and the filter gets: the page itself.
    pub action: String,
    /// The account is closed: the log is read-only.
    pub closed: bool,
    /// This person may record on this account now.
    pub may_record: bool,
    pub record: RecordView,
    pub filter: FilterView,
    pub entries: Vec<EntryView>,
    /// More entries match than the page shows.
    pub truncated: bool,
    pub shown_limit: i64,
    pub csv_href: String,
}

/// The form that records an action, as typed.
pub struct RecordView {
    pub kinds: Vec<Choice>,
    pub reasons: Vec<Choice>,
    pub occurred_on: String,
    pub today: String,
    pub note: String,
    pub note_max: usize,
    pub errors: FormErrors,
}

/// The filter of the log, as typed.
pub struct FilterView {
    pub kinds: Vec<Choice>,
    pub reasons: Vec<Choice>,
    pub from: String,
    pub until: String,
    pub errors: FormErrors,
    /// A filter is applied: say so, and offer to clear it.
    pub filtered: bool,
}

/// The "Moderation" section of an account's page, for those who may read
/// the log.
pub struct ModerationSection {
    pub entries: Vec<EntryView>,
    pub log_url: String,
    /// For those who may record on this account now.
    pub record_url: Option<String>,
    pub closed: bool,
}

impl EntryView {
    pub fn new(entry: &Entry, zone: &Tz) -> Self {
        Self {
            occurred_on: format::calendar_date(entry.action.occurred_on),
            kind: entry.action.kind.label(),
            reason: entry.action.reason.label(),
            note: entry.action.note.clone(),
            recorded_by: entry.recorded_by_name.clone(),
            recorded_at: format::date_time(entry.action.recorded_at, zone),
        }
    }
}

impl ModerationSection {
    /// The section of `account`'s page from what `service::read_section`
    /// found; `None` (no section) for someone who may not read the log.
    pub fn new(account: &Account, latest: Option<(Access, Vec<Entry>)>, zone: &Tz) -> Option<Self> {
        let log_url = urls::account_page(account.id, "moderation");
        latest.map(|(access, entries)| Self {
            entries: entries.iter().map(|e| EntryView::new(e, zone)).collect(),
            record_url: access.record.then(|| format!("{log_url}#record")),
            log_url,
            closed: !account.is_open(),
        })
    }
}
