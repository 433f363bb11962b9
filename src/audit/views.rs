//! The audit log page.

use askama::Template;

use crate::error::FormErrors;
use crate::web::layout::PageContext;

pub struct EventView {
    pub when: String,
    pub actor: String,
    pub action: String,
    pub summary: String,
    pub subject_href: Option<String>,
    pub subject_label: String,
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
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
