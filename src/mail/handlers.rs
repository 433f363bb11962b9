//! The email log: every message, its status and attempts; retry a failed one.

use actix_web::{web, HttpResponse};
use actix_web_flash_messages::FlashMessage;
use serde::Deserialize;

use super::outbox::redact_tokens;
use super::service::{self, OutboxRow, PAGE_SIZE};
use super::views::*;
use crate::auth::csrf::{CsrfForm, NoFields};
use crate::clock::from_row;
use crate::error::AppError;
use crate::ids::MessageId;
use crate::web::signed::Signed;
use crate::web::{format, render, see_other, urls};

fn view(row: &OutboxRow, zone: &time_tz::Tz) -> MessageView {
    MessageView {
        href: urls::email(&row.id),
        created: format::date_time(from_row(row.created_at), zone),
        recipients: row.recipients.clone(),
        subject: row.subject.clone(),
        status: row.status.clone(),
        tag: status_tag(&row.status),
        attempts: row.attempts,
        last_error: row.last_error.clone(),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PageQuery {
    page: i64,
}

pub async fn list_get(me: Signed, query: web::Query<PageQuery>) -> Result<HttpResponse, AppError> {
    // Bounded, so that the offset never overflows.
    let number = query.page.clamp(0, crate::web::form::MAX_PAGE);
    let rows = me
        .read(move |conn, _, actor| service::read_messages(conn, actor, number))
        .await?;
    let link = |n: i64| format!("{}?page={n}", urls::EMAILS);
    render(EmailListPage {
        held_note: me.state.settings.smtp_url.is_none(),
        newer_href: (number > 0).then(|| link(number - 1)),
        older_href: (rows.len() as i64 == PAGE_SIZE).then(|| link(number + 1)),
        messages: rows.iter().map(|r| view(r, me.zone())).collect(),
        page: me.page,
    })
}

pub async fn show_get(me: Signed, id: web::Path<MessageId>) -> Result<HttpResponse, AppError> {
    let id = *id;
    let (row, attempts) = me
        .read(move |conn, _, actor| service::read_message(conn, actor, id))
        .await?;
    let zone = me.zone();
    render(EmailShowPage {
        message: view(&row, zone),
        message_id: row.message_id.clone(),
        // SECURITY: a stored email holds no working link (the sender makes
        // one-time tokens as it sends, and takes out any other once sent);
        // shown here, any left over from before would still be hidden.
        body_text: redact_tokens(&row.body_text),
        attempts: attempts
            .iter()
            .map(|a| AttemptView {
                when: format::date_time(from_row(a.attempted_at), zone),
                outcome: a.error.clone().unwrap_or_else(|| "Delivered".into()),
            })
            .collect(),
        retry_url: (row.status == "failed").then(|| urls::email_retry(&row.id)),
        page: me.page,
    })
}

pub async fn retry_post(
    me: Signed,
    id: web::Path<MessageId>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let id = *id;
    if me.write(move |tx| service::retry(tx, id)).await? {
        FlashMessage::success("The email is queued to be sent again.").send();
    } else {
        FlashMessage::info("Only a failed email can be retried; this one is not failed.").send();
    }
    Ok(see_other(&urls::email(id)))
}
