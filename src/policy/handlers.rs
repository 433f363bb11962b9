//! The policy pages: the current version and the earlier ones, confirming
//! it, publishing a new one, and who has confirmed.

use std::collections::HashMap;

use actix_web::{web, HttpResponse};
use actix_web_flash_messages::FlashMessage;
use serde::Deserialize;

use super::domain::{self, NewVersion};
use super::service::{self, VersionListRow, VersionRow};
use super::views::*;
use crate::auth::csrf::{CsrfForm, NoFields};
use crate::auth::current::CurrentPerson;
use crate::clock::from_row;
use crate::error::{AppError, FormErrors};
use crate::people::domain::{Person, Role};
use crate::state::AppState;
use crate::web::layout::PageContext;
use crate::web::{form_status, format, render, render_with, see_other, urls};

const HEAD_ONLY: &str = "Only the headteacher publishes the policy and sees who has confirmed it.";

/// A version number from the path; anything else is a page that does not exist.
fn version_number(raw: &str) -> Result<i32, AppError> {
    raw.parse::<i32>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or(AppError::NotFound)
}

pub async fn current_get(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
) -> Result<HttpResponse, AppError> {
    show(me, state, page, None).await
}

pub async fn show_get(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let number = version_number(&path)?;
    show(me, state, page, Some(number)).await
}

/// A version (the current one when `number` is `None`), with where this
/// person stands with it and the list of every version.
async fn show(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    number: Option<i32>,
) -> Result<HttpResponse, AppError> {
    let person = me.id;
    let service::PolicyPage {
        version,
        versions,
        confirmed_at,
        publisher,
    } = state
        .db
        .run(move |conn| service::read_version(conn, person, number))
        .await?;
    let zone = state.settings.time_zone;
    let is_head = me.role == Role::Headteacher;
    let current = versions.first().map(|v| v.number);
    let standing = version.as_ref().map(|v| {
        if current != Some(v.number) {
            Standing::Superseded {
                current: current.unwrap_or(v.number),
                current_href: urls::POLICY,
            }
        } else if me.role == Role::Chair {
            Standing::Governor
        } else if let Some(at) = confirmed_at {
            Standing::Confirmed {
                on: format::date(from_row(at), zone),
            }
        } else {
            Standing::ToConfirm
        }
    });
    let confirm_action = match (&standing, &version) {
        (Some(Standing::ToConfirm), Some(v)) => {
            Some(format!("{}/acknowledge", urls::policy_version(v.number)))
        }
        _ => None,
    };
    render(PolicyShowPage {
        page,
        acknowledgements_href: version
            .as_ref()
            .filter(|_| is_head)
            .map(|v| format!("{}/acknowledgements", urls::policy_version(v.number))),
        version: version.as_ref().map(|v| version_view(v, publisher, zone)),
        standing,
        confirm_action,
        versions: versions
            .iter()
            .map(|v| version_link(v, current, version.as_ref().map(|v| v.number), zone))
            .collect(),
        publish_href: is_head.then_some(urls::POLICY_NEW),
    })
}

fn version_view(row: &VersionRow, publisher: Option<Person>, zone: &time_tz::Tz) -> VersionView {
    VersionView {
        number: row.number,
        effective_on: format::calendar_date(row.effective_on),
        published: format::date(from_row(row.published_at), zone),
        published_by: publisher.map(|p| p.name).unwrap_or_default(),
        summary: row.summary.clone(),
        body: domain::render_markdown(&row.body),
    }
}

fn version_link(
    row: &VersionListRow,
    current: Option<i32>,
    shown: Option<i32>,
    zone: &time_tz::Tz,
) -> VersionLink {
    VersionLink {
        number: row.number,
        href: urls::policy_version(row.number),
        effective_on: format::calendar_date(row.effective_on),
        published: format::date(from_row(row.published_at), zone),
        current: current == Some(row.number),
        shown: shown == Some(row.number),
    }
}

pub async fn acknowledge_post(
    me: CurrentPerson,
    state: web::Data<AppState>,
    path: web::Path<String>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    me.require(
        me.role != Role::Chair,
        "Governors read the policy here, but are not asked to confirm it.",
    )?;
    let number = version_number(&path)?;
    let ctx = state.ctx();
    let who = me.clone();
    state
        .db
        .run(move |conn| service::acknowledge(conn, &ctx, &who, number))
        .await?;
    FlashMessage::success(format!(
        "Thank you: you have confirmed that you read version {number} of the policy and \
         reviewed your own social networking profiles."
    ))
    .send();
    Ok(see_other(&urls::policy_version(number)))
}

#[derive(Deserialize, Default)]
pub struct VersionForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    effective_on: String,
    #[serde(default)]
    summary: String,
}

fn form_page(
    page: PageContext,
    number: i32,
    form: VersionForm,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    render_with(
        form_status(&errors),
        PolicyFormPage {
            page,
            number,
            body: form.body,
            effective_on: form.effective_on,
            summary: form.summary,
            back: urls::POLICY,
            errors,
        },
    )
}

pub async fn new_get(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
) -> Result<HttpResponse, AppError> {
    me.require(me.role == Role::Headteacher, HEAD_ONLY)?;
    let (number, current) = state.db.run(service::read_new_version).await?;
    // A new version usually edits the one before: start from its text.
    let form = VersionForm {
        body: current.map(|v| v.body).unwrap_or_default(),
        ..VersionForm::default()
    };
    form_page(page, number, form, FormErrors::new())
}

pub async fn new_post(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    CsrfForm(form): CsrfForm<VersionForm>,
) -> Result<HttpResponse, AppError> {
    me.require(me.role == Role::Headteacher, HEAD_ONLY)?;
    let new = match NewVersion::parse(&form.body, &form.effective_on, &form.summary) {
        Ok(new) => new,
        Err(errors) => {
            let number = state.db.run(service::read_next_number).await?;
            return form_page(page, number, form, errors);
        }
    };
    let ctx = state.ctx();
    let who = me.clone();
    let number = state
        .db
        .run(move |conn| service::publish(conn, &ctx, &who, new))
        .await?;
    FlashMessage::success(format!(
        "Version {number} is published. Everyone who works at the school will be emailed and \
         asked to confirm they have read it."
    ))
    .send();
    Ok(see_other(&urls::policy_version(number)))
}

pub async fn acknowledgements_get(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    me.require(me.role == Role::Headteacher, HEAD_ONLY)?;
    let number = version_number(&path)?;
    let service::Acknowledgements {
        version,
        current,
        acknowledgements,
        requests,
        counts,
        people,
    } = state
        .db
        .run(move |conn| service::read_acknowledgements(conn, number))
        .await?;
    let zone = state.settings.time_zone;
    let by_id: HashMap<String, &Person> = people.iter().map(|p| (p.id.to_string(), p)).collect();
    let confirmed_ids: HashMap<&str, _> = acknowledgements
        .iter()
        .map(|(id, at)| (id.as_str(), *at))
        .collect();
    let mut confirmed: Vec<PersonStanding> = acknowledgements
        .iter()
        .filter_map(|(id, at)| by_id.get(id).map(|p| (p, at)))
        .map(|(p, at)| PersonStanding {
            name: p.name.clone(),
            role: p.role.label(),
            when: format::date_time(from_row(*at), zone),
            reminders: "",
            left: !p.active,
        })
        .collect();
    confirmed.sort_by(|a, b| a.name.cmp(&b.name));
    let asked_at: HashMap<&str, &service::RequestRow> =
        requests.iter().map(|r| (r.person_id.as_str(), r)).collect();
    let not_confirmed = people
        .iter()
        .filter(|p| domain::is_asked(p) && !confirmed_ids.contains_key(p.id.to_string().as_str()))
        .map(|p| {
            let request = asked_at.get(p.id.to_string().as_str());
            PersonStanding {
                name: p.name.clone(),
                role: p.role.label(),
                when: request
                    .map(|r| format::date(from_row(r.asked_at), zone))
                    .unwrap_or_else(|| "Not yet".into()),
                reminders: match request {
                    Some(r) if r.second_reminder_at.is_some() => "2",
                    Some(r) if r.first_reminder_at.is_some() => "1",
                    Some(_) => "0",
                    None => "–",
                },
                left: false,
            }
        })
        .collect();
    let (acknowledged, asked) = counts;
    render(PolicyAcknowledgementsPage {
        page,
        number,
        version_href: urls::policy_version(version.number),
        is_current: current == Some(number),
        acknowledged,
        asked,
        percentage: domain::percentage(acknowledged, asked)
            .map(|p| format!("{p}%"))
            .unwrap_or_else(|| "–".into()),
        confirmed,
        not_confirmed,
    })
}
