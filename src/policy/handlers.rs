//! The policy pages: the current version and the earlier ones, confirming
//! it, publishing a new one, and who has confirmed. Each handler extracts,
//! calls one service, and renders or redirects.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::domain::{self, NewVersion, MAX_BODY_CHARS, MAX_SUMMARY_CHARS};
use super::service;
use super::views::*;
use crate::auth::csrf::{CsrfForm, NoFields};
use crate::clock::from_row;
use crate::error::{AppError, FormErrors};
use crate::people::domain::Role;
use crate::web::form::encoded_len;
use crate::web::outcome::{saved, Refusal};
use crate::web::signed::Signed;
use crate::web::{form_status, format, render, render_with, urls};

/// A policy's text can be long, and a pasted one is full of characters
/// that URL encoding triples: the form's limit holds the longest text and
/// summary in any script; the rest of the app keeps the forms' limit.
pub const MAX_POLICY_BODY: usize =
    encoded_len(MAX_BODY_CHARS) + encoded_len(MAX_SUMMARY_CHARS) + 1024;

pub async fn current_get(me: Signed) -> Result<HttpResponse, AppError> {
    show(me, None).await
}

/// A version by its number; a number with no version is a 404.
pub async fn show_get(me: Signed, number: web::Path<i32>) -> Result<HttpResponse, AppError> {
    show(me, Some(*number)).await
}

/// A version (the current one when `number` is `None`), with where this
/// person stands with it and the list of every version.
async fn show(me: Signed, number: Option<i32>) -> Result<HttpResponse, AppError> {
    let service::PolicyPage {
        version,
        versions,
        confirmed_at,
        publisher,
    } = me
        .read(move |conn, _, actor| service::read_version(conn, actor, number))
        .await?;
    let zone = me.zone();
    let is_head = me.role == Role::Headteacher;
    let current = versions.first().map(|v| v.number);
    let shown = version.as_ref().map(|v| v.number);
    let standing = shown.map(|number| {
        if current != Some(number) {
            Standing::Superseded {
                current: current.unwrap_or(number),
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
    let page_of = |verb: &str| shown.map(|n| format!("{}/{verb}", urls::policy_version(n)));
    render(PolicyShowPage {
        acknowledgements_href: page_of("acknowledgements").filter(|_| is_head),
        confirm_action: page_of("acknowledge")
            .filter(|_| matches!(standing, Some(Standing::ToConfirm))),
        version: version
            .as_ref()
            .map(|v| VersionView::new(v, publisher, zone)),
        standing,
        versions: versions
            .iter()
            .map(|v| VersionLink::new(v, current, shown, zone))
            .collect(),
        publish_href: is_head.then_some(urls::POLICY_NEW),
        page: me.page,
    })
}

pub async fn acknowledge_post(
    me: Signed,
    number: web::Path<i32>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let number = *number;
    me.write(move |tx| service::acknowledge(tx, number)).await?;
    saved(
        format!(
            "Thank you: you have confirmed that you read version {number} of the policy and \
             reviewed your own social networking profiles."
        ),
        &urls::policy_version(number),
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct VersionForm {
    body: String,
    effective_on: String,
    summary: String,
}

fn form_page(
    me: Signed,
    number: i32,
    form: VersionForm,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    render_with(
        form_status(&errors),
        PolicyFormPage {
            number,
            body: form.body,
            effective_on: form.effective_on,
            summary: form.summary,
            back: urls::POLICY,
            errors,
            page: me.page,
        },
    )
}

pub async fn new_get(me: Signed) -> Result<HttpResponse, AppError> {
    let (number, current) = me
        .read(|conn, _, actor| service::read_new_version(conn, actor))
        .await?;
    // A new version usually edits the one before: start from its text.
    let form = VersionForm {
        body: current.map(|v| v.body).unwrap_or_default(),
        ..VersionForm::default()
    };
    form_page(me, number, form, FormErrors::new())
}

pub async fn new_post(
    me: Signed,
    CsrfForm(form): CsrfForm<VersionForm>,
) -> Result<HttpResponse, AppError> {
    let new = NewVersion::parse(&form.body, &form.effective_on, &form.summary);
    let published = me.write(move |tx| service::publish(tx, new)).await;
    match published.refusal()? {
        Ok(number) => saved(
            format!(
                "Version {number} is published. Everyone who works at the school will be \
                 emailed and asked to confirm they have read it."
            ),
            &urls::policy_version(number),
        ),
        Err(errors) => {
            let (number, _) = me
                .read(|conn, _, actor| service::read_new_version(conn, actor))
                .await?;
            form_page(me, number, form, errors)
        }
    }
}

pub async fn acknowledgements_get(
    me: Signed,
    number: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let number = *number;
    let found = me
        .read(move |conn, _, actor| service::read_acknowledgements(conn, actor, number))
        .await?;
    let (confirmed, not_confirmed) = PersonStanding::lists(&found, me.zone());
    let (acknowledged, asked) = found.counts;
    render(PolicyAcknowledgementsPage {
        number,
        version_href: urls::policy_version(found.version.number),
        is_current: found.current == Some(number),
        acknowledged,
        asked,
        percentage: domain::percentage(acknowledged, asked)
            .map(|p| format!("{p}%"))
            .unwrap_or_else(|| "–".into()),
        confirmed,
        not_confirmed,
        page: me.page,
    })
}
