//! The audit log page.

use std::collections::HashMap;

use askama::Template;

use super::store::{EventLine, EventRow};
use crate::error::FormErrors;
use crate::web::form::Choice;
use crate::web::layout::PageContext;
use crate::web::urls;

pub struct EventView {
    pub when: String,
    pub actor: String,
    pub action: String,
    pub summary: String,
    pub subject_href: Option<String>,
    pub subject_label: String,
}

#[derive(Template)]
#[template(path = "audit/list.html")]
pub struct AuditListPage {
    pub page: PageContext,
    pub events: Vec<EventView>,
    pub people: Vec<Choice>,
    pub actions: Vec<Choice>,
    pub from: String,
    pub until: String,
    pub errors: FormErrors,
    pub export_href: String,
    pub older_href: Option<String>,
    pub last_verified: Option<String>,
    pub may_verify: bool,
    pub scoped_to_head: bool,
}

/// An event as shown: the whole row, or the page's line of it.
pub trait Shown {
    /// The actor's kind and, for a person, their id.
    fn actor(&self) -> (&str, Option<&str>);
    /// The subject's type and id.
    fn subject(&self) -> (&str, &str);
}

impl Shown for EventRow {
    fn actor(&self) -> (&str, Option<&str>) {
        (&self.actor_kind, self.actor_id.as_deref())
    }
    fn subject(&self) -> (&str, &str) {
        (&self.subject_type, &self.subject_id)
    }
}

impl Shown for EventLine {
    fn actor(&self) -> (&str, Option<&str>) {
        (&self.actor_kind, self.actor_id.as_deref())
    }
    fn subject(&self) -> (&str, &str) {
        (&self.subject_type, &self.subject_id)
    }
}

/// Who acted, as the log names them: `names` maps a person's id to their name.
pub fn actor_name(row: &impl Shown, names: &HashMap<String, String>) -> String {
    match row.actor() {
        ("person", Some(id)) => names.get(id).cloned().unwrap_or_else(|| "A person".into()),
        ("cli", _) => "Command line".into(),
        _ => "Custodian".into(),
    }
}

/// Where the page of an event's record is, if it has one.
pub fn subject_link(row: &impl Shown) -> Option<String> {
    let (kind, id) = row.subject();
    match kind {
        "person" => Some(urls::person(id)),
        "email" => Some(urls::email(id)),
        "account" => Some(urls::account(id)),
        "declaration" => Some(urls::declaration(id)),
        "policy" => Some(urls::policy_version(id)),
        "concern" | "head_concern" | "lado_concern" => Some(urls::concern(id)),
        _ => None,
    }
}
