//! Browsing, exporting and verifying the audit log.

use std::collections::HashMap;

use actix_web::{web, HttpResponse};
use actix_web_flash_messages::FlashMessage;
use serde::Deserialize;
use time_tz::Tz;

use super::domain::{Action, Actor};
use super::service::{self, EventFilter};
use super::views::*;
use crate::auth::csrf::{CsrfForm, NoFields};
use crate::auth::current::CurrentPerson;
use crate::clock::{from_row, local_midnight_row, parse_date};
use crate::error::{AppError, FormErrors};
use crate::people::domain::Role;
use crate::state::AppState;
use crate::web::form::Choice;
use crate::web::layout::PageContext;
use crate::web::{csv, format, render, see_other, urls};

const PAGE_SIZE: i64 = 50;
const EXPORT_BATCH: i64 = 1_000;

#[derive(Deserialize, Default, Clone)]
pub struct AuditQuery {
    #[serde(default)]
    person: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    until: String,
    /// The last event of the page before: its id, not its sequence
    /// number, so that gaps left by sealed events do not show.
    #[serde(default)]
    before: Option<String>,
}

impl AuditQuery {
    fn to_query_string(&self) -> String {
        serde_urlencoded::to_string([
            ("person", &self.person),
            ("action", &self.action),
            ("from", &self.from),
            ("until", &self.until),
        ])
        .unwrap_or_default()
    }
}

/// The head reads everything; the chair reads what concerns the head.
fn require_reader(me: &CurrentPerson) -> Result<(), AppError> {
    me.require(
        me.role.reads_audit(),
        "Only the headteacher, and the chair of governors for what concerns the head, \
         read the audit log.",
    )
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

pub async fn list_get(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    require_reader(&me)?;
    let query = query.into_inner();
    let zone = state.settings.time_zone;
    let (narrow, errors) = build_filter(&query, zone);
    let before = query.before.clone();
    let reader = me.role;
    let service::LogPage {
        people,
        events: rows,
        last_verification: last,
    } = state
        .db
        .run(move |conn| service::page_log(conn, reader, narrow, before, PAGE_SIZE))
        .await?;
    let names: HashMap<String, String> = people
        .iter()
        .map(|p| (p.id.to_string(), p.name.clone()))
        .collect();
    let older_href = (rows.len() as i64 == PAGE_SIZE)
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
        page,
        events,
        people: Choice::from_pairs(
            people.iter().map(|p| (p.id.to_string(), p.name.as_str())),
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
    me: CurrentPerson,
    state: web::Data<AppState>,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    require_reader(&me)?;
    let zone = state.settings.time_zone;
    let (narrow, _) = build_filter(&query, zone);
    let reader = me.role;
    let (filter, people) = state
        .db
        .run(move |conn| service::read_scope(conn, reader, narrow))
        .await?;
    let names: HashMap<String, String> = people
        .iter()
        .map(|p| (p.id.to_string(), p.name.clone()))
        .collect();
    let mut before = None;
    Ok(csv::stream(
        state.db.clone(),
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
            let rows = service::read_events(conn, &filter, before, EXPORT_BATCH)?;
            let Some(last) = rows.last() else {
                return Ok(None);
            };
            before = Some(last.seq);
            Ok(Some(
                rows.iter()
                    .map(|row| {
                        vec![
                            row.id.clone(),
                            super::domain::hash_time(row.occurred_at),
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

pub async fn verify_post(
    me: CurrentPerson,
    state: web::Data<AppState>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    me.require_head()?;
    let ctx = state.ctx();
    let result = state
        .db
        .run(move |conn| service::verify_and_record(conn, ctx.clock.as_ref(), Actor::Person(me.id)))
        .await?;
    match result.problem {
        None => FlashMessage::success("The audit log is whole: every event checked.").send(),
        Some(problem) => {
            FlashMessage::error(format!("The audit log has been tampered with: {problem}.")).send()
        }
    }
    Ok(see_other(urls::AUDIT))
}
