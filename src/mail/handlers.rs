//! The email log: every message, its status and attempts; retry a failed one.

use actix_web::{web, HttpResponse};
use actix_web_flash_messages::FlashMessage;
use serde::Deserialize;

use super::service::{self, OutboxRow};
use super::views::*;
use crate::auth::csrf::{CsrfForm, NoFields};
use crate::auth::current::CurrentPerson;
use crate::clock::from_row;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::layout::PageContext;
use crate::web::{format, render, see_other, urls};

const PAGE_SIZE: i64 = 50;

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

/// SECURITY: a stored email holds no working link (the sender makes one-time
/// tokens as it sends, and takes out any other once sent); shown here, any
/// left over from before would still be hidden.
fn redact_links(text: &str) -> String {
    super::outbox::redact_tokens(text)
}

#[derive(Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    page: i64,
}

pub async fn list_get(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    me.require_head()?;
    // Bounded, so that the offset never overflows.
    let number = query.page.clamp(0, crate::web::form::MAX_PAGE);
    let rows = state
        .db
        .run(move |conn| service::read_messages(conn, PAGE_SIZE, number * PAGE_SIZE))
        .await?;
    let zone = state.settings.time_zone;
    render(EmailListPage {
        page,
        held_note: state.settings.smtp_url.is_none(),
        newer_href: (number > 0).then(|| format!("{}?page={}", urls::EMAILS, number - 1)),
        older_href: (rows.len() as i64 == PAGE_SIZE)
            .then(|| format!("{}?page={}", urls::EMAILS, number + 1)),
        messages: rows.iter().map(|r| view(r, zone)).collect(),
    })
}

pub async fn show_get(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    me.require_head()?;
    let id = path.into_inner();
    let (row, attempts) = state
        .db
        .run(move |conn| service::read_message(conn, &id))
        .await?;
    let zone = state.settings.time_zone;
    render(EmailShowPage {
        page,
        message: view(&row, zone),
        message_id: row.message_id.clone(),
        body_text: redact_links(&row.body_text),
        attempts: attempts
            .iter()
            .map(|a| AttemptView {
                when: format::date_time(from_row(a.attempted_at), zone),
                outcome: a.error.clone().unwrap_or_else(|| "Delivered".into()),
            })
            .collect(),
        retry_url: (row.status == "failed").then(|| urls::email_retry(&row.id)),
    })
}

pub async fn retry_post(
    me: CurrentPerson,
    state: web::Data<AppState>,
    path: web::Path<String>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    me.require_head()?;
    let id = path.into_inner();
    let ctx = state.ctx();
    let back = urls::email(&id);
    let requeued = state
        .db
        .run(move |conn| service::retry(conn, &ctx, me.id, &me.name, &id))
        .await?;
    if requeued {
        FlashMessage::success("The email is queued to be sent again.").send();
    } else {
        FlashMessage::info("Only a failed email can be retried; this one is not failed.").send();
    }
    Ok(see_other(&back))
}
