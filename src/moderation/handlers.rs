//! The moderation log pages: an account's log with its form and filter, its
//! CSV, and the section of the account's page with the latest entries.

use actix_web::{web, HttpResponse};
use actix_web_flash_messages::FlashMessage;
use serde::Deserialize;

use super::domain::{Entry, Filter, Kind, NewAction, Reason, NOTE_MAX};
use super::service;
use super::views::*;
use crate::accounts::domain::Account;
use crate::auth::csrf::CsrfForm;
use crate::auth::current::CurrentPerson;
use crate::error::{AppError, FormErrors};
use crate::ids::AccountId;
use crate::state::AppState;
use crate::web::form::Choice;
use crate::web::layout::PageContext;
use crate::web::{csv, form_status, format, render_with, see_other, urls};

/// The most entries the page shows; the CSV has them all.
const PAGE_LIMIT: i64 = 500;
/// The latest entries shown on the account's own page.
const SECTION_LIMIT: i64 = 5;
/// The most entries a CSV holds (an account's log is small; this bounds memory).
const EXPORT_LIMIT: i64 = 100_000;

fn account_id(raw: &str) -> Result<AccountId, AppError> {
    AccountId::parse(raw).ok_or(AppError::NotFound)
}

fn today(state: &AppState) -> time::Date {
    format::local_date(state.clock.now(), state.settings.time_zone)
}

/// The filter of the log, as the page's GET form sends it.
#[derive(Deserialize, Default, Clone)]
pub struct FilterQuery {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    until: String,
}

impl FilterQuery {
    fn parse(&self) -> (Filter, FormErrors) {
        Filter::parse(&self.kind, &self.reason, &self.from, &self.until)
    }

    /// "?reason=offensive&from=2026-11-01", or "" with no filter.
    fn to_query_string(&self) -> String {
        let fields: Vec<(&str, &str)> = [
            ("kind", self.kind.as_str()),
            ("reason", self.reason.as_str()),
            ("from", self.from.as_str()),
            ("until", self.until.as_str()),
        ]
        .into_iter()
        .filter(|(_, value)| !value.is_empty())
        .collect();
        if fields.is_empty() {
            String::new()
        } else {
            format!(
                "?{}",
                serde_urlencoded::to_string(fields).unwrap_or_default()
            )
        }
    }
}

#[derive(Deserialize, Default)]
pub struct RecordForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    occurred_on: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    note: String,
}

fn entry_view(entry: &Entry, zone: &time_tz::Tz) -> EntryView {
    EntryView {
        occurred_on: format::calendar_date(entry.action.occurred_on),
        kind: entry.action.kind.label(),
        reason: entry.action.reason.label(),
        note: entry.action.note.clone(),
        recorded_by: entry.recorded_by_name.clone(),
        recorded_at: format::date_time(entry.action.recorded_at, zone),
    }
}

/// The page: the form (with `form`'s entries and `errors`) for those who may
/// record, and the log as `query` filters it.
async fn log_page(
    me: CurrentPerson,
    state: &AppState,
    page: PageContext,
    id: AccountId,
    query: FilterQuery,
    form: RecordForm,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let (filter, filter_errors) = query.parse();
    let today = today(state);
    let (account, access, mut entries) = state
        .db
        .run(move |conn| service::read_log(conn, &me, id, today, &filter, PAGE_LIMIT + 1))
        .await?;
    let truncated = entries.len() as i64 > PAGE_LIMIT;
    entries.truncate(PAGE_LIMIT as usize);
    let zone = state.settings.time_zone;
    let filtered = !query.to_query_string().is_empty();
    render_with(
        form_status(&errors),
        ModerationLogPage {
            page,
            account_href: urls::account(id),
            action: urls::account_page(id, "moderation"),
            closed: !account.is_open(),
            may_record: access.record,
            account: account.handle,
            kinds: Choice::options(Kind::ALL, &form.kind),
            reasons: Choice::options(Reason::ALL, &form.reason),
            occurred_on: form.occurred_on,
            today: today.to_string(),
            note: form.note,
            note_max: NOTE_MAX,
            errors,
            filter_kinds: Choice::options(Kind::ALL, &query.kind),
            filter_reasons: Choice::options(Reason::ALL, &query.reason),
            csv_href: format!(
                "{}{}",
                urls::account_page(id, "moderation.csv"),
                query.to_query_string()
            ),
            from: query.from,
            until: query.until,
            filter_errors,
            filtered,
            entries: entries.iter().map(|e| entry_view(e, zone)).collect(),
            truncated,
            shown_limit: PAGE_LIMIT,
        },
    )
}

pub async fn log_get(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    path: web::Path<String>,
    query: web::Query<FilterQuery>,
) -> Result<HttpResponse, AppError> {
    let id = account_id(&path)?;
    let form = RecordForm {
        occurred_on: today(&state).to_string(),
        ..RecordForm::default()
    };
    log_page(
        me,
        &state,
        page,
        id,
        query.into_inner(),
        form,
        FormErrors::new(),
    )
    .await
}

pub async fn log_post(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<RecordForm>,
) -> Result<HttpResponse, AppError> {
    let id = account_id(&path)?;
    let today = today(&state);
    // Refuse before reading the form: someone who may not record here is
    // told so, not shown their mistakes.
    let asking = me.clone();
    let access = state
        .db
        .run(move |conn| service::read_access(conn, &asking, id, today))
        .await?;
    if !access.read {
        return Err(AppError::Forbidden(service::READERS_ONLY));
    }
    if !access.record {
        return Err(AppError::Conflict(service::CLOSED.into()));
    }
    let new = match NewAction::parse(
        &form.kind,
        &form.occurred_on,
        &form.reason,
        &form.note,
        today,
    ) {
        Ok(new) => new,
        Err(errors) => {
            return log_page(me, &state, page, id, FilterQuery::default(), form, errors).await
        }
    };
    let ctx = state.ctx();
    state
        .db
        .run(move |conn| service::record(conn, &ctx, &me, id, new))
        .await?;
    FlashMessage::success("The moderation action is recorded in the log.").send();
    Ok(see_other(&urls::account_page(id, "moderation")))
}

/// The log, as the page's filter shows it, as CSV.
pub async fn csv_get(
    me: CurrentPerson,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<FilterQuery>,
) -> Result<HttpResponse, AppError> {
    let id = account_id(&path)?;
    let (filter, _) = query.parse();
    let today = today(&state);
    let (account, _, entries) = state
        .db
        .run(move |conn| service::read_log(conn, &me, id, today, &filter, EXPORT_LIMIT))
        .await?;
    let mut file = csv::Csv::new(&[
        "occurred_on",
        "kind",
        "reason",
        "note",
        "recorded_by",
        "recorded_at_utc",
    ])?;
    for entry in &entries {
        let action = &entry.action;
        file.row([
            action.occurred_on.to_string(),
            action.kind.label().to_owned(),
            action.reason.label().to_owned(),
            action.note.clone(),
            entry.recorded_by_name.clone(),
            crate::audit::domain::hash_time(crate::clock::to_row(action.recorded_at)),
        ])?;
    }
    file.into_response(&format!(
        "moderation-{}.csv",
        csv::file_name_part(&account.handle)
    ))
}

/// The "Moderation" section of an account's page: the latest entries and
/// the links, or `None` for someone who may not read the log.
pub async fn account_section(
    state: &AppState,
    me: &CurrentPerson,
    account: &Account,
) -> Result<Option<ModerationSection>, AppError> {
    let today = today(state);
    let (me, account) = (me.clone(), account.clone());
    let (id, open) = (account.id, account.is_open());
    let read = state
        .db
        .run(move |conn| {
            match service::read(
                conn,
                &me,
                &account,
                today,
                &Filter::default(),
                SECTION_LIMIT,
            ) {
                Ok(read) => Ok(Some(read)),
                Err(AppError::Forbidden(_)) => Ok(None),
                Err(other) => Err(other),
            }
        })
        .await?;
    let zone = state.settings.time_zone;
    Ok(read.map(|(access, entries)| ModerationSection {
        entries: entries.iter().map(|e| entry_view(e, zone)).collect(),
        log_url: urls::account_page(id, "moderation"),
        record_url: access
            .record
            .then(|| format!("{}#record", urls::account_page(id, "moderation"))),
        closed: !open,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_csv_link_carries_only_the_parts_of_the_filter_in_use() {
        let query = FilterQuery {
            reason: "offensive".into(),
            from: "2026-11-01".into(),
            ..FilterQuery::default()
        };
        assert_eq!(query.to_query_string(), "?reason=offensive&from=2026-11-01");
        assert_eq!(FilterQuery::default().to_query_string(), "");
    }
}
