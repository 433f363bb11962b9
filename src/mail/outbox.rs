//! Enqueueing: an email becomes an outbox row in the caller's transaction.

use askama::Template;
use diesel::prelude::*;

use crate::auth::tokens::Purpose;
use crate::clock::Clock;
use crate::config::Settings;
use crate::db::schema::outbox;
use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::{MessageId, PersonId};
use crate::web::urls;

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

/// SECURITY: the email log (the head's) never lists messages whose kind
/// starts with this: those about a concern the head must not know of.
pub const SEALED_EMAIL_PREFIX: &str = "sealed_concern";

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

/// Stands for the token of a one-time link in a stored email: the sender
/// puts a fresh token in its place as it sends, so the outbox never holds
/// one. Letters and punctuation that HTML escaping leaves alone.
pub const DEFERRED_TOKEN: &str = "[made when sent, never stored]";

/// What takes a sent email's one-time token in the stored copy, wherever
/// a token was written into the body itself.
pub const REMOVED_TOKEN: &str = "[link removed once sent]";

/// What takes the place of a one-time link's token in an email not yet
/// sent whose link is no longer wanted (an offer withdrawn meanwhile).
pub const WITHDRAWN_TOKEN: &str = "[withdrawn before it was sent]";

/// The absolute one-time link of this purpose, with its token left for the
/// sender to make: put it in the email, and enqueue with `enqueue_with_link`.
pub fn deferred_link(settings: &Settings, purpose: Purpose) -> String {
    settings.link(&urls::with_token(purpose.path(), DEFERRED_TOKEN))
}

/// SECURITY: takes out every `token=` value from a stored email, so that a
/// sent message (or the email log showing it) holds no working link.
pub fn redact_tokens(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("token=") {
        let (before, after) = rest.split_at(at + "token=".len());
        out.push_str(before);
        let tail = after.trim_start_matches(|c: char| c.is_ascii_alphanumeric());
        if tail.len() != after.len() {
            out.push_str(REMOVED_TOKEN);
        }
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// Adds the email to the outbox and returns its Message-ID. Call it inside
/// the transaction that makes the change.
pub fn enqueue(
    conn: &mut DbConnection,
    clock: &dyn Clock,
    settings: &Settings,
    email: Email,
) -> Result<String, AppError> {
    insert(conn, clock, settings, email, None)
}

/// Like `enqueue`, for an email whose action is a one-time link made with
/// `deferred_link`: the sender makes the link's token for `person` as it
/// sends (again on each attempt), so no working link is ever stored.
pub fn enqueue_with_link(
    conn: &mut DbConnection,
    clock: &dyn Clock,
    settings: &Settings,
    email: Email,
    purpose: Purpose,
    person: PersonId,
) -> Result<String, AppError> {
    insert(conn, clock, settings, email, Some((purpose, person)))
}

/// SECURITY: the emails not yet sent that carry a one-time link of this
/// purpose for `person` go without it: the sender would otherwise make a
/// working token when it sends them, after the reason for the link ended
/// (a withdrawn offer whose late email would open a newer one). Call it
/// inside the transaction that ends the reason, with `revoke_unused`.
pub fn withdraw_links(
    conn: &mut DbConnection,
    purpose: Purpose,
    person: PersonId,
) -> Result<usize, AppError> {
    const UNSENT: [&str; 3] = ["held", "queued", "retrying"];
    let waiting: Vec<(String, String, String)> = outbox::table
        .filter(outbox::status.eq_any(UNSENT))
        .filter(outbox::link_purpose.eq(purpose.as_str()))
        .filter(outbox::link_person_id.eq(person.to_string()))
        .select((outbox::id, outbox::body_text, outbox::body_html))
        .load(conn)?;
    let mut withdrawn = 0;
    for (id, text, html) in waiting {
        withdrawn += diesel::update(
            outbox::table
                .find(&id)
                .filter(outbox::status.eq_any(UNSENT)),
        )
        .set((
            outbox::body_text.eq(text.replace(DEFERRED_TOKEN, WITHDRAWN_TOKEN)),
            outbox::body_html.eq(html.replace(DEFERRED_TOKEN, WITHDRAWN_TOKEN)),
            outbox::link_purpose.eq(None::<String>),
            outbox::link_person_id.eq(None::<String>),
        ))
        .execute(conn)?;
    }
    Ok(withdrawn)
}

fn insert(
    conn: &mut DbConnection,
    clock: &dyn Clock,
    settings: &Settings,
    email: Email,
    link: Option<(Purpose, PersonId)>,
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
            outbox::link_purpose.eq(link.map(|(purpose, _)| purpose.as_str())),
            outbox::link_person_id.eq(link.map(|(_, person)| person.to_string())),
        ))
        .execute(conn)?;
    Ok(message_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_taken_out_of_stored_emails() {
        let shown = redact_tokens("Choose:\nhttp://x/invitation?token=Ab12Cd\nThanks");
        assert_eq!(
            shown,
            "Choose:\nhttp://x/invitation?token=[link removed once sent]\nThanks"
        );
        let deferred = format!("http://x/invitation?token={DEFERRED_TOKEN}");
        assert_eq!(redact_tokens(&deferred), deferred);
    }
}
