//! Enqueueing: an email becomes an outbox row in the caller's transaction.

use askama::Template;
use diesel::prelude::*;

use crate::clock::Clock;
use crate::config::Settings;
use crate::db::schema::outbox;
use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::MessageId;

/// Someone an email goes to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recipient {
    pub name: String,
    pub address: String,
}

impl Recipient {
    pub fn new(name: impl Into<String>, address: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            address: address.into(),
        }
    }

    fn to_header(&self) -> String {
        // Quoted so that a comma or a dot in a name cannot split the address.
        format!(
            "\"{}\" <{}>",
            self.name.replace(['"', '\\', '\r', '\n'], ""),
            self.address
        )
    }
}

/// What an email says. Rendered from `email/message.{txt,html}`: the
/// school's name, the event in short paragraphs, a link to the record and a
/// reference. SECURITY: for declarations and concerns the paragraphs say
/// only that something awaits the reader; details stay behind sign-in.
#[derive(Clone, Debug)]
pub struct Email {
    /// A stable name for the kind of email (`invitation`, `password_reset`).
    pub kind: &'static str,
    pub to: Vec<Recipient>,
    pub subject: String,
    pub greeting: String,
    pub paragraphs: Vec<String>,
    /// The button: its label and its absolute link.
    pub action: Option<(String, String)>,
    /// Lines after the button (a link's expiry, say).
    pub after: Vec<String>,
}

#[derive(Template)]
#[template(path = "email/message.txt")]
struct TextBody<'a> {
    email: &'a Email,
    school_name: &'a str,
    reference: &'a str,
}

#[derive(Template)]
#[template(path = "email/message.html")]
struct HtmlBody<'a> {
    email: &'a Email,
    school_name: &'a str,
    reference: &'a str,
}

/// Adds the email to the outbox and returns its Message-ID. Call it inside
/// the transaction that makes the change.
pub fn enqueue(
    conn: &mut DbConnection,
    clock: &dyn Clock,
    settings: &Settings,
    email: Email,
) -> Result<String, AppError> {
    let id = MessageId::new();
    let domain = settings.base_url.host_str().unwrap_or("custodian.invalid");
    let message_id = format!("<{id}@{domain}>");
    let reference = id.to_string()[..8].to_uppercase();
    let text = TextBody {
        email: &email,
        school_name: &settings.school_name,
        reference: &reference,
    }
    .render()?;
    let html = HtmlBody {
        email: &email,
        school_name: &settings.school_name,
        reference: &reference,
    }
    .render()?;
    let recipients = email
        .to
        .iter()
        .map(Recipient::to_header)
        .collect::<Vec<_>>()
        .join(", ");
    let now = clock.now_row();
    diesel::insert_into(outbox::table)
        .values((
            outbox::id.eq(id.to_string()),
            outbox::message_id.eq(&message_id),
            outbox::kind.eq(email.kind),
            outbox::created_at.eq(now),
            outbox::recipients.eq(recipients),
            outbox::subject.eq(format!("{}: {}", settings.school_name, email.subject)),
            outbox::body_text.eq(text),
            outbox::body_html.eq(html),
            outbox::status.eq(if settings.smtp_url.is_some() {
                "queued"
            } else {
                "held"
            }),
            outbox::attempts.eq(0),
            outbox::next_attempt_at.eq(now),
        ))
        .execute(conn)?;
    Ok(message_id)
}
