//! Grants: giving someone an account's login, a grant's page, confirming and
//! revoking it.

use actix_web::{web, HttpResponse};
use actix_web_flash_messages::FlashMessage;
use serde::Deserialize;

use super::{account_id, grant_id, grant_view, require_manager, ReasonForm};
use crate::accounts::domain::{self, Aim, NewGrant, GUIDELINES};
use crate::accounts::service;
use crate::accounts::views::*;
use crate::auth::csrf::{CsrfForm, NoFields};
use crate::auth::current::CurrentPerson;
use crate::clock::from_row;
use crate::error::{AppError, FormErrors};
use crate::ids::{AccountId, GrantId};
use crate::people::domain::{Person, Role};
use crate::people::views::person_choices;
use crate::state::AppState;
use crate::web::form::Choice;
use crate::web::layout::PageContext;
use crate::web::{form_status, format, render_with, see_other, urls};

#[derive(Deserialize, Default)]
pub struct GrantForm {
    #[serde(default)]
    grantee: String,
    #[serde(default)]
    aim: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    ends_on: String,
}

async fn grant_form(
    state: &AppState,
    page: PageContext,
    id: AccountId,
    form: GrantForm,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let (account, people) = state
        .db
        .run(move |conn| service::read_grant_form(conn, id))
        .await?;
    let mut grantees: Vec<&Person> = people
        .values()
        .filter(|p| p.active && p.role != Role::Chair)
        .collect();
    grantees.sort_by(|a, b| a.name.cmp(&b.name));
    render_with(
        form_status(&errors),
        GrantNewPage {
            page,
            account: account.handle,
            action: urls::account_page(id, "grants/new"),
            back: urls::account(id),
            grantees: person_choices(grantees, &form.grantee),
            aims: Choice::options(Aim::ALL, &form.aim),
            purpose: form.purpose,
            ends_on: form.ends_on,
            errors,
        },
    )
}

pub async fn grant_new_get(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    require_manager(&me)?;
    grant_form(
        &state,
        page,
        account_id(&path)?,
        GrantForm::default(),
        FormErrors::new(),
    )
    .await
}

pub async fn grant_new_post(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<GrantForm>,
) -> Result<HttpResponse, AppError> {
    let by = require_manager(&me)?;
    let id = account_id(&path)?;
    let today = format::local_date(state.clock.now(), state.settings.time_zone);
    let new = match NewGrant::parse(
        &form.grantee,
        &form.aim,
        &form.purpose,
        &form.ends_on,
        today,
    ) {
        Ok(new) => new,
        Err(errors) => return grant_form(&state, page, id, form, errors).await,
    };
    let ctx = state.ctx();
    match state
        .db
        .run(move |conn| service::grant(conn, &ctx, &by, id, new))
        .await?
    {
        Ok(grant) => {
            FlashMessage::success(
                "Access is recorded, and the written record has been emailed to them, the custodians and the headteacher.",
            )
            .send();
            Ok(see_other(&urls::grant(grant.id)))
        }
        Err(errors) => grant_form(&state, page, id, form, errors).await,
    }
}

async fn grant_page(
    me: &CurrentPerson,
    state: &AppState,
    page: PageContext,
    id: GrantId,
    reason: String,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let asking = me.clone();
    let service::GrantPage {
        grant,
        account,
        people,
        sent,
    } = state
        .db
        .run(move |conn| service::read_grant_page(conn, &asking, id))
        .await?;
    let manages = me.role.manages_people();
    let zone = state.settings.time_zone;
    let email_sent = match &sent {
        Some(row) => match row.sent_at {
            Some(at) => format!("Sent {}", format::date_time(from_row(at), zone)),
            None => format!("Not sent yet ({})", row.status),
        },
        None => "No record".into(),
    };
    render_with(
        form_status(&errors),
        GrantShowPage {
            page,
            grant: grant_view(&grant, &people, &account.handle, zone),
            account_href: urls::account(account.id),
            email_sent,
            message_id: grant.message_id.clone().unwrap_or_default(),
            ended: grant.ended_at.map(|t| {
                format!(
                    "{}{}",
                    format::date_time(t, zone),
                    grant
                        .end_reason
                        .as_deref()
                        .map(|r| format!(": {r}"))
                        .unwrap_or_default()
                )
            }),
            guidelines: GUIDELINES.to_vec(),
            confirm_url: (grant.is_live()
                && grant.confirmed_at.is_none()
                && grant.grantee_id == me.id)
                .then(|| format!("{}/confirm", urls::grant(id))),
            revoke_url: (grant.is_live() && manages).then(|| format!("{}/revoke", urls::grant(id))),
            reason,
            errors,
        },
    )
}

pub async fn grant_get(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = grant_id(&path)?;
    grant_page(&me, &state, page, id, String::new(), FormErrors::new()).await
}

pub async fn grant_confirm_post(
    me: CurrentPerson,
    state: web::Data<AppState>,
    path: web::Path<String>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let id = grant_id(&path)?;
    let ctx = state.ctx();
    let person = me.id;
    state
        .db
        .run(move |conn| service::confirm(conn, &ctx, person, id))
        .await?;
    FlashMessage::success("Thank you: your confirmation is recorded.").send();
    Ok(see_other(&urls::grant(id)))
}

pub async fn grant_revoke_post(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<ReasonForm>,
) -> Result<HttpResponse, AppError> {
    let by = require_manager(&me)?;
    let id = grant_id(&path)?;
    let reason = match domain::parse_reason(&form.reason) {
        Ok(reason) => reason,
        Err(errors) => return grant_page(&me, &state, page, id, form.reason, errors).await,
    };
    let ctx = state.ctx();
    let grant = state
        .db
        .run(move |conn| service::revoke(conn, &ctx, &by, id, &reason))
        .await?;
    FlashMessage::success(
        "Access is revoked. They, the custodians and the headteacher have been emailed, and the account's password must now be changed.",
    )
    .send();
    Ok(see_other(&urls::account(grant.account_id)))
}
