//! The audit log page.

use std::collections::HashMap;

use askama::Template;

use super::store::EventRow;

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

pub fn actor_name(row: &EventRow, names: &HashMap<String, String>) -> String {
    match (row.actor_kind.as_str(), &row.actor_id) {
        ("person", Some(id)) => names.get(id).cloned().unwrap_or_else(|| "A person".into()),
        ("cli", _) => "Command line".into(),
        _ => "Custodian".into(),
    }
}

pub fn subject_link(row: &EventRow) -> Option<String> {
    match row.subject_type.as_str() {
        "person" => Some(urls::person(&row.subject_id)),
        "email" => Some(urls::email(&row.subject_id)),
        "account" => Some(urls::account(&row.subject_id)),
        "declaration" => Some(urls::declaration(&row.subject_id)),
        "policy" => Some(urls::policy_version(&row.subject_id)),
        "concern" | "head_concern" | "lado_concern" => Some(urls::concern(&row.subject_id)),
        _ => None,
    }
}
