//! The email log pages.

use askama::Template;

use crate::web::layout::PageContext;

pub struct MessageView {
    pub href: String,
    pub created: String,
    pub recipients: String,
    pub subject: String,
    pub status: String,
    pub tag: &'static str,
    pub attempts: i32,
    pub last_error: Option<String>,
}

pub struct AttemptView {
    pub when: String,
    pub outcome: String,
}

#[derive(Template)]
#[template(path = "mail/list.html")]
pub struct EmailListPage {
    pub page: PageContext,
    pub messages: Vec<MessageView>,
    pub held_note: bool,
    pub newer_href: Option<String>,
    pub older_href: Option<String>,
}

#[derive(Template)]
#[template(path = "mail/show.html")]
pub struct EmailShowPage {
    pub page: PageContext,
    pub message: MessageView,
    pub message_id: String,
    pub body_text: String,
    pub attempts: Vec<AttemptView>,
    pub retry_url: Option<String>,
}

pub fn status_tag(status: &str) -> &'static str {
    match status {
        "sent" => "tag--green",
        "retrying" | "queued" => "tag--amber",
        "failed" => "tag--red",
        _ => "tag--grey",
    }
}
