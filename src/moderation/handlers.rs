//! The moderation log pages: an account's log with its form and filter, and
//! its CSV. The section of the account's page is built by the accounts
//! register from `service::read_section` and `ModerationSection::new`.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::domain::{Filter, Kind, NewAction, Reason, NOTE_MAX};
use super::service;
use super::views::*;
use crate::auth::csrf::CsrfForm;
use crate::error::{AppError, FormErrors};
use crate::ids::AccountId;
use crate::web::form::Choice;
use crate::web::outcome::{saved, Refusal};
use crate::web::signed::Signed;
use crate::web::{csv, form_status, render_with, urls};

/// The most entries the page shows; the CSV has them all.
const PAGE_LIMIT: i64 = 500;
/// The most entries a CSV holds (an account's log is small; this bounds memory).
const EXPORT_LIMIT: i64 = 100_000;

/// The filter of the log, as the page's GET form sends it.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct FilterQuery {
    kind: String,
    reason: String,
    from: String,
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
#[serde(default)]
pub struct RecordForm {
    kind: String,
    occurred_on: String,
    reason: String,
    note: String,
}

/// The page: the form (with `form`'s entries and `errors`) for those who may
/// record, and the log as `query` filters it.
async fn log_page(
    me: Signed,
    id: AccountId,
    query: FilterQuery,
    form: RecordForm,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let (filter, filter_errors) = query.parse();
    let service::Log {
        account,
        access,
        mut entries,
    } = me
        .read(move |conn, ctx, actor| {
            service::read_log(conn, ctx, actor, id, &filter, PAGE_LIMIT + 1)
        })
        .await?;
    let truncated = entries.len() as i64 > PAGE_LIMIT;
    entries.truncate(PAGE_LIMIT as usize);
    let zone = me.zone();
    let filtered = !query.to_query_string().is_empty();
    render_with(
        form_status(&errors),
        ModerationLogPage {
            account_href: urls::account(id),
            action: urls::account_page(id, "moderation"),
            closed: !account.is_open(),
            may_record: access.record,
            account: account.handle,
            record: RecordView {
                kinds: Choice::options(Kind::ALL, &form.kind),
                reasons: Choice::options(Reason::ALL, &form.reason),
                occurred_on: form.occurred_on,
                today: me.today().to_string(),
                note: form.note,
                note_max: NOTE_MAX,
                errors,
            },
            csv_href: format!(
                "{}{}",
                urls::account_page(id, "moderation.csv"),
                query.to_query_string()
            ),
            filter: FilterView {
                kinds: Choice::options(Kind::ALL, &query.kind),
                reasons: Choice::options(Reason::ALL, &query.reason),
                from: query.from,
                until: query.until,
                errors: filter_errors,
                filtered,
            },
            entries: entries.iter().map(|e| EntryView::new(e, zone)).collect(),
            truncated,
            shown_limit: PAGE_LIMIT,
            page: me.page,
        },
    )
}

pub async fn log_get(
    me: Signed,
    id: web::Path<AccountId>,
    query: web::Query<FilterQuery>,
) -> Result<HttpResponse, AppError> {
    let form = RecordForm {
        occurred_on: me.today().to_string(),
        ..RecordForm::default()
    };
    log_page(me, *id, query.into_inner(), form, FormErrors::new()).await
}

pub async fn log_post(
    me: Signed,
    id: web::Path<AccountId>,
    CsrfForm(form): CsrfForm<RecordForm>,
) -> Result<HttpResponse, AppError> {
    let id = *id;
    // Someone who may not record here is told so, not shown their mistakes:
    // the service checks who may before it refuses the form's errors.
    let new = NewAction::parse(
        &form.kind,
        &form.occurred_on,
        &form.reason,
        &form.note,
        me.today(),
    );
    let recorded = me.write(move |tx| service::record(tx, id, new)).await;
    match recorded.refusal()? {
        Ok(_) => saved(
            "The moderation action is recorded in the log.",
            &urls::account_page(id, "moderation"),
        ),
        Err(errors) => log_page(me, id, FilterQuery::default(), form, errors).await,
    }
}

/// The log, as the page's filter shows it, as CSV.
pub async fn csv_get(
    me: Signed,
    id: web::Path<AccountId>,
    query: web::Query<FilterQuery>,
) -> Result<HttpResponse, AppError> {
    let (id, (filter, _)) = (*id, query.parse());
    let service::Log {
        account, entries, ..
    } = me
        .read(move |conn, ctx, actor| {
            service::read_log(conn, ctx, actor, id, &filter, EXPORT_LIMIT)
        })
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
