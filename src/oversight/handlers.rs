//! A person's own page (the weekly digest switch) and the governors'
//! report, on screen, on paper and as CSV.

use actix_web::{web, HttpResponse};
use actix_web_flash_messages::FlashMessage;
use serde::Deserialize;
use time::Date;

use super::digest;
use super::report::{self, Term};
use super::views::*;
use crate::auth::csrf::CsrfForm;
use crate::auth::current::CurrentPerson;
use crate::error::{AppError, FormErrors};
use crate::people::domain::Role;
use crate::state::AppState;
use crate::web::form::Choice;
use crate::web::layout::PageContext;
use crate::web::{csv, form_status, format, render, render_with, see_other, urls};

fn gets_digest(role: Role) -> bool {
    matches!(role, Role::Headteacher | Role::Chair)
}

pub async fn me_get(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
) -> Result<HttpResponse, AppError> {
    let digest = if gets_digest(me.role) {
        let id = me.id;
        Some(state.db.run(move |conn| digest::is_on(conn, id)).await?)
    } else {
        None
    };
    render(MePage {
        page,
        name: me.name.clone(),
        email: me.email.clone(),
        role: me.role.label(),
        digest,
        digest_action: urls::ME_DIGEST,
        password_href: urls::PASSWORD,
    })
}

#[derive(Deserialize)]
pub struct DigestForm {
    #[serde(default)]
    digest: String,
}

pub async fn digest_post(
    me: CurrentPerson,
    state: web::Data<AppState>,
    form: CsrfForm<DigestForm>,
) -> Result<HttpResponse, AppError> {
    me.require(
        gets_digest(me.role),
        "The weekly digest goes to the headteacher and the chair of governors.",
    )?;
    let on = match form.0.digest.as_str() {
        "on" => true,
        "off" => false,
        _ => return Err(AppError::BadRequest("Choose on or off.".into())),
    };
    let ctx = state.ctx();
    let person = me.clone();
    state
        .db
        .run(move |conn| digest::switch(conn, &ctx, &person, on))
        .await?;
    FlashMessage::success(if on {
        "The weekly digest is on: it comes on Mondays at 07:00."
    } else {
        "The weekly digest is off. You can switch it on again here."
    })
    .send();
    Ok(see_other(urls::ME))
}

#[derive(Deserialize, Default, Clone)]
pub struct ReportQuery {
    #[serde(default)]
    term: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    until: String,
}

impl ReportQuery {
    fn to_query_string(&self) -> String {
        serde_urlencoded::to_string([
            ("term", &self.term),
            ("from", &self.from),
            ("until", &self.until),
        ])
        .unwrap_or_default()
    }
}

fn require_reader(me: &CurrentPerson) -> Result<(), AppError> {
    me.require(
        me.role != Role::Staff,
        "The governors' report is for the headteacher, the Senior Leadership Team and the chair \
         of governors.",
    )
}

/// The period asked for: dates if both are given and valid, else a term
/// (this term by default).
fn period(query: &ReportQuery, today: Date) -> (String, Date, Date, Option<Term>, FormErrors) {
    let mut errors = FormErrors::new();
    if !query.from.is_empty() || !query.until.is_empty() {
        let from = crate::clock::parse_date(&query.from);
        let until = crate::clock::parse_date(&query.until);
        if from.is_none() {
            errors.add("from", "Enter the first day, like 2026-09-01");
        }
        if until.is_none() {
            errors.add("until", "Enter the last day, like 2026-12-31");
        }
        if let (Some(from), Some(until)) = (from, until) {
            if until < from {
                errors.add("until", "The last day must be on or after the first");
            } else {
                return (report::period_label(from, until), from, until, None, errors);
            }
        }
    }
    let term = Term::parse(&query.term).unwrap_or_else(|| Term::containing(today));
    let (from, until) = term.dates();
    (term.label(), from, until, Some(term), errors)
}

pub async fn report_get(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    require_reader(&me)?;
    let query = query.into_inner();
    let zone = state.settings.time_zone;
    let now = state.clock.now();
    let today = format::local_date(now, zone);
    let (title, from, until, term, errors) = period(&query, today);
    let ctx = state.ctx();
    let for_chair = me.role == Role::Chair;
    let sections = state
        .db
        .run(move |conn| report::figures(conn, &ctx, from, until, for_chair))
        .await?;
    let mut terms = Vec::new();
    let mut choice = Term::containing(today);
    for _ in 0..6 {
        terms.push(Choice::of(
            choice.code(),
            choice.label(),
            Some(choice) == term,
        ));
        choice = choice.previous();
    }
    let csv_query = if term.is_some() {
        ReportQuery {
            term: term.map(Term::code).unwrap_or_default(),
            ..ReportQuery::default()
        }
    } else {
        query.clone()
    };
    let status = form_status(&errors);
    render_with(
        status,
        ReportPage {
            page,
            title,
            period: report::period_label(from, until),
            generated: format::date_time(now, zone),
            terms,
            from: query.from,
            until: query.until,
            sections,
            csv_href: format!(
                "{}?{}",
                urls::REPORTS_GOVERNORS_CSV,
                csv_query.to_query_string()
            ),
            for_chair,
            errors,
        },
    )
}

pub async fn report_csv_get(
    me: CurrentPerson,
    state: web::Data<AppState>,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    require_reader(&me)?;
    let query = query.into_inner();
    let today = format::local_date(state.clock.now(), state.settings.time_zone);
    let (title, from, until, _, errors) = period(&query, today);
    if !errors.is_empty() {
        return Err(AppError::BadRequest(
            "Choose a term, or a first and last day like 2026-09-01.".into(),
        ));
    }
    let ctx = state.ctx();
    let for_chair = me.role == Role::Chair;
    let sections = state
        .db
        .run(move |conn| report::figures(conn, &ctx, from, until, for_chair))
        .await?;
    let mut file = csv::Csv::new(&["period", "from", "until", "section", "measure", "value"])?;
    for section in &sections {
        for figure in &section.figures {
            file.row([
                title.as_str(),
                &from.to_string(),
                &until.to_string(),
                section.title,
                &figure.label,
                &figure.value,
            ])?;
        }
    }
    file.into_response(&format!("governors-report-{from}-to-{until}.csv"))
}
