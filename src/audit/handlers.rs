//! Browsing, exporting and verifying the audit log.

use actix_web::{web, HttpResponse};
use actix_web_flash_messages::FlashMessage;
use serde::{Deserialize, Serialize};
use time_tz::Tz;

use crate::audit::domain::{self, Action};
use crate::audit::service::{self, EventFilter};
use crate::audit::views::*;
use crate::auth::csrf::{CsrfForm, NoFields};
use crate::clock::{from_row, local_midnight_row, parse_date};
use crate::error::{AppError, FormErrors};
use crate::people::domain::Role;
use crate::web::form::Choice;
use crate::web::signed::Signed;
use crate::web::{csv, format, render, see_other, urls};

const PAGE_SIZE: u16 = 50;
const EXPORT_BATCH: i64 = 1_000;

/// The filter as the page's GET form sends it; the same, but `before`,
/// goes on to the export's link.
#[derive(Deserialize, Serialize, Default, Clone)]
#[serde(default)]
pub struct AuditQuery {
    person: String,
    action: String,
    from: String,
    until: String,
    /// The last event of the page before: its id, not its sequence
    /// number, so that gaps left by sealed events do not show.
    #[serde(skip_serializing)]
    before: Option<String>,
}

impl AuditQuery {
    fn to_query_string(&self) -> String {
        serde_urlencoded::to_string(self).unwrap_or_default()
    }
}

/// The filter the query asks for (the service narrows it further to what
/// the reader may see), and any field it could not read.
fn build_filter(query: &AuditQuery, zone: &Tz) -> (EventFilter, FormErrors) {
    let mut filter = EventFilter::default();
    let mut errors = FormErrors::new();
    if !query.person.is_empty() {
        filter.actor_id = Some(query.person.clone());
    }
    if !query.action.is_empty() {
        if Action::ALL.iter().any(|a| a.as_str() == query.action) {
            filter.action = Some(query.action.clone());
        } else {
            errors.add("action", "Choose an action from the list");
        }
    }
    for (raw, field) in [(&query.from, "from"), (&query.until, "until")] {
        if raw.is_empty() {
            continue;
        }
        match parse_date(raw) {
            Some(date) if field == "from" => filter.from = Some(local_midnight_row(date, zone)),
            Some(date) => {
                filter.until = date.next_day().map(|d| local_midnight_row(d, zone));
            }
            None => errors.add(field, "Enter a date like 2026-11-24"),
        }
    }
    (filter, errors)
}

pub async fn list_get(me: Signed, query: web::Query<AuditQuery>) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let zone = me.zone();
    let (narrow, errors) = build_filter(&query, zone);
    let before = query.before.clone();
    let service::LogPage {
        people,
        names,
        events: rows,
        last_verification: last,
    } = me
        .read(move |conn, ctx, actor| {
            service::read_log(conn, ctx, actor, narrow, before, PAGE_SIZE)
        })
        .await?;
    let older_href = (rows.len() == usize::from(PAGE_SIZE))
        .then(|| {
            rows.last().map(|r| {
                format!(
                    "{}?{}&before={}",
                    urls::AUDIT,
                    query.to_query_string(),
                    r.id
                )
            })
        })
        .flatten();
    let events = rows
        .iter()
        .map(|row| EventView {
            when: format::date_time(from_row(row.occurred_at), zone),
            actor: actor_name(row, &names),
            action: row.action.clone(),
            summary: row.summary.clone(),
            subject_href: subject_link(row),
            subject_label: format!(
                "{} {}",
                row.subject_type,
                &row.subject_id.chars().take(8).collect::<String>()
            ),
        })
        .collect();
    render(AuditListPage {
        events,
        people: Choice::from_pairs(
            people.iter().map(|(id, name)| (id.as_str(), name.as_str())),
            &query.person,
        ),
        // The log names actions by their codes, so the filter does too.
        actions: Choice::options(Action::ALL, &query.action),
        export_href: format!("{}?{}", urls::AUDIT_EXPORT, query.to_query_string()),
        from: query.from,
        until: query.until,
        errors,
        older_href,
        last_verified: last.map(|v| {
            let when = format::date_time(from_row(v.verified_at), zone);
            if v.ok {
                format!("{when}: the whole chain checked and whole")
            } else {
                format!("{when}: PROBLEM FOUND – {}", v.detail)
            }
        }),
        may_verify: me.role == Role::Headteacher,
        scoped_to_head: me.role == Role::Chair,
        page: me.page,
    })
}

/// The filtered log as CSV, streamed batch by batch from the blocking pool
/// through a small channel: memory stays flat however long the log is.
///
/// SECURITY: no `hash` column. Every reader's view leaves events out (the
/// head never sees a concern about the head), and the chain's hashes are
/// unkeyed: from two consecutive visible hashes anyone could tell that, and
/// how many, events were left out between them. The chain is checked by
/// `custodian audit verify` and the head's "Verify" button instead.
pub async fn export_get(
    me: Signed,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    let (narrow, _) = build_filter(&query, me.zone());
    let (scope, names) = me
        .read(move |conn, ctx, actor| service::read_export(conn, ctx, actor, narrow))
        .await?;
    let mut before = None;
    Ok(csv::stream(
        me.state.db.clone(),
        "custodian-audit-log.csv",
        &[
            "event_id",
            "occurred_at_utc",
            "actor",
            "actor_id",
            "action",
            "subject_type",
            "subject_id",
            "summary",
            "data",
        ],
        move |conn| {
            let rows = scope.events(conn, before, EXPORT_BATCH)?;
            let Some(last) = rows.last() else {
                return Ok(None);
            };
            before = Some(last.seq);
            Ok(Some(
                rows.iter()
                    .map(|row| {
                        vec![
                            row.id.clone(),
                            domain::hash_time(row.occurred_at),
                            actor_name(row, &names),
                            row.actor_id.clone().unwrap_or_default(),
                            row.action.clone(),
                            row.subject_type.clone(),
                            row.subject_id.clone(),
                            row.summary.clone(),
                            row.data.clone(),
                        ]
                    })
                    .collect(),
            ))
        },
    ))
}

pub async fn verify_post(me: Signed, _form: CsrfForm<NoFields>) -> Result<HttpResponse, AppError> {
    let result = me.read(service::verify_and_record).await?;
    match result.problem {
        None => FlashMessage::success("The audit log is whole: every event checked.").send(),
        Some(problem) => {
            FlashMessage::error(format!("The audit log has been tampered with: {problem}.")).send()
        }
    }
    Ok(see_other(urls::AUDIT))
}
