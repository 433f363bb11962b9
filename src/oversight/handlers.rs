//! The home page, a person's own page (the weekly digest switch) and the
//! governors' report, on screen, on paper and as CSV. Each handler
//! extracts, calls one service, and renders or redirects.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use super::domain::{period_label, Period, Term};
use super::service;
use super::views::*;
use crate::auth::csrf::CsrfForm;
use crate::error::AppError;
use crate::people::domain::Role;
use crate::web::form::Choice;
use crate::web::outcome::saved;
use crate::web::signed::Signed;
use crate::web::{csv, form_status, format, render, render_with, urls};

/// How many terms, this one and those before, the report offers.
const TERMS_OFFERED: usize = 6;

pub async fn home_get(me: Signed) -> Result<HttpResponse, AppError> {
    let service::Home { needs, no_chair } = me.read(service::read_home).await?;
    render(HomePage {
        needs,
        no_chair,
        tasks: tasks_for(me.role),
        name: me.actor.name().to_owned(),
        role: me.role,
        page: me.page,
    })
}

pub async fn me_get(me: Signed) -> Result<HttpResponse, AppError> {
    let (person, digest) = me
        .read(|conn, _, actor| service::read_me(conn, actor))
        .await?;
    render(MePage {
        name: person.name,
        email: person.email,
        role: person.role.label(),
        digest,
        digest_action: urls::ME_DIGEST,
        password_href: urls::PASSWORD,
        page: me.page,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DigestForm {
    digest: String,
}

pub async fn digest_post(
    me: Signed,
    CsrfForm(form): CsrfForm<DigestForm>,
) -> Result<HttpResponse, AppError> {
    let on = match form.digest.as_str() {
        "on" => Some(true),
        "off" => Some(false),
        _ => None,
    };
    me.write(move |tx| service::switch_digest(tx, on)).await?;
    let message = if on == Some(true) {
        "The weekly digest is on: it comes on Mondays at 07:00."
    } else {
        "The weekly digest is off. You can switch it on again here."
    };
    saved(message, urls::ME)
}

/// The period of the report, as its GET form and its CSV link send it.
#[derive(Deserialize, Serialize, Default, Clone)]
#[serde(default)]
pub struct ReportQuery {
    term: String,
    from: String,
    until: String,
}

impl ReportQuery {
    fn period(&self, me: &Signed) -> (Period, crate::error::FormErrors) {
        Period::parse(&self.term, &self.from, &self.until, me.today())
    }

    fn to_query_string(&self) -> String {
        serde_urlencoded::to_string(self).unwrap_or_default()
    }
}

pub async fn report_get(
    me: Signed,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let (period, errors) = query.period(&me);
    let dates = Ok((period.from, period.until));
    let sections = me
        .read(move |conn, ctx, actor| service::read_report(conn, ctx, actor, dates))
        .await?;
    let mut terms = Vec::new();
    let mut choice = Term::containing(me.today());
    for _ in 0..TERMS_OFFERED {
        terms.push(Choice::of(
            choice.code(),
            choice.label(),
            Some(choice) == period.term,
        ));
        choice = choice.previous();
    }
    // The CSV of a term names only the term; of dates, the dates.
    let csv_query = match period.term {
        Some(term) => ReportQuery {
            term: term.code(),
            ..ReportQuery::default()
        },
        None => query.clone(),
    };
    render_with(
        form_status(&errors),
        ReportPage {
            title: period.title,
            period: period_label(period.from, period.until),
            generated: format::date_time(me.state.clock.now(), me.zone()),
            terms,
            from: query.from,
            until: query.until,
            sections,
            csv_href: format!(
                "{}?{}",
                urls::REPORTS_GOVERNORS_CSV,
                csv_query.to_query_string()
            ),
            for_chair: me.role == Role::Chair,
            errors,
            page: me.page,
        },
    )
}

pub async fn report_csv_get(
    me: Signed,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    let (period, errors) = query.period(&me);
    let dates = match errors.is_empty() {
        true => Ok((period.from, period.until)),
        false => Err(AppError::BadRequest(
            "Choose a term, or a first and last day like 2026-09-01.".into(),
        )),
    };
    let sections = me
        .read(move |conn, ctx, actor| service::read_report(conn, ctx, actor, dates))
        .await?;
    let (from, until) = (period.from.to_string(), period.until.to_string());
    let mut file = csv::Csv::new(&["period", "from", "until", "section", "measure", "value"])?;
    for section in &sections {
        for figure in &section.figures {
            file.row([
                period.title.as_str(),
                &from,
                &until,
                section.title,
                &figure.label,
                &figure.value,
            ])?;
        }
    }
    file.into_response(&format!("governors-report-{from}-to-{until}.csv"))
}
