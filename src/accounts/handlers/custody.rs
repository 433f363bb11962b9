//! Custody of an account's login: custodians added and removed, and password
//! changes recorded.

use actix_web::{web, HttpResponse};
use actix_web_flash_messages::FlashMessage;
use serde::Deserialize;

use super::{account_id, require_manager};
use crate::accounts::domain::{self};
use crate::accounts::service;
use crate::accounts::views::*;
use crate::auth::csrf::{CsrfForm, NoFields};
use crate::auth::current::CurrentPerson;
use crate::error::{AppError, FormErrors};
use crate::ids::{AccountId, PersonId};
use crate::state::AppState;
use crate::web::layout::PageContext;
use crate::web::{form_status, format, render_with, see_other, urls};

#[derive(Deserialize)]
pub struct CustodianForm {
    #[serde(default)]
    person_id: String,
}

pub async fn custodian_add_post(
    me: CurrentPerson,
    state: web::Data<AppState>,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<CustodianForm>,
) -> Result<HttpResponse, AppError> {
    let by = require_manager(&me)?;
    let id = account_id(&path)?;
    let Some(person) = PersonId::parse(&form.person_id) else {
        FlashMessage::error("Choose an SLT member to add as a custodian.").send();
        return Ok(see_other(&urls::account(id)));
    };
    let ctx = state.ctx();
    state
        .db
        .run(move |conn| service::add_custodian(conn, &ctx, &by, id, person))
        .await?;
    FlashMessage::success("The custodian has been added.").send();
    Ok(see_other(&urls::account(id)))
}

pub async fn custodian_remove_post(
    me: CurrentPerson,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let by = require_manager(&me)?;
    let (account, person) = path.into_inner();
    let id = account_id(&account)?;
    let person = PersonId::parse(&person).ok_or(AppError::NotFound)?;
    let ctx = state.ctx();
    state
        .db
        .run(move |conn| service::remove_custodian(conn, &ctx, &by, id, person))
        .await?;
    FlashMessage::success("The custodian has been removed.").send();
    Ok(see_other(&urls::account(id)))
}

#[derive(Deserialize, Default)]
pub struct PasswordChangeForm {
    #[serde(default)]
    changed_on: String,
    #[serde(default)]
    note: String,
}

async fn password_page(
    state: &AppState,
    page: PageContext,
    id: AccountId,
    form: PasswordChangeForm,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let account = state
        .db
        .run(move |conn| service::read_account(conn, id))
        .await?;
    render_with(
        form_status(&errors),
        PasswordChangedPage {
            page,
            account: account.handle,
            action: urls::account_page(id, "password-changed"),
            back: urls::account(id),
            changed_on: form.changed_on,
            note: form.note,
            errors,
        },
    )
}

pub async fn password_get(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    require_manager(&me)?;
    let today = format::local_date(state.clock.now(), state.settings.time_zone);
    let form = PasswordChangeForm {
        changed_on: today.to_string(),
        note: String::new(),
    };
    password_page(&state, page, account_id(&path)?, form, FormErrors::new()).await
}

pub async fn password_post(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<PasswordChangeForm>,
) -> Result<HttpResponse, AppError> {
    let by = require_manager(&me)?;
    let id = account_id(&path)?;
    let today = format::local_date(state.clock.now(), state.settings.time_zone);
    let (changed_on, note) =
        match domain::parse_password_change(&form.changed_on, &form.note, today) {
            Ok(parsed) => parsed,
            Err(errors) => return password_page(&state, page, id, form, errors).await,
        };
    let ctx = state.ctx();
    state
        .db
        .run(move |conn| service::record_password_change(conn, &ctx, &by, id, changed_on, &note))
        .await?;
    FlashMessage::success(
        "The password change is recorded; the custodians and the headteacher have been emailed.",
    )
    .send();
    Ok(see_other(&urls::account(id)))
}
