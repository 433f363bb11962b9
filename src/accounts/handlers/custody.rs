//! Custody of an account's login: custodians added and removed, and password
//! changes recorded.

use actix_web::{web, HttpResponse};
use actix_web_flash_messages::FlashMessage;
use serde::Deserialize;

use crate::accounts::domain;
use crate::accounts::service;
use crate::accounts::views::*;
use crate::auth::csrf::{CsrfForm, NoFields};
use crate::error::{AppError, FormErrors};
use crate::ids::{AccountId, PersonId};
use crate::web::outcome::{saved, Refusal};
use crate::web::signed::Signed;
use crate::web::{form_status, render_with, see_other, urls};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CustodianForm {
    person_id: String,
}

/// Back to the account's page, with what happened.
fn to_account(id: AccountId, flash: FlashMessage) -> HttpResponse {
    flash.send();
    see_other(&urls::account(id))
}

pub async fn custodian_add_post(
    me: Signed,
    id: web::Path<AccountId>,
    CsrfForm(form): CsrfForm<CustodianForm>,
) -> Result<HttpResponse, AppError> {
    let id = *id;
    let person = PersonId::parse(&form.person_id);
    let added = me
        .write(move |tx| service::add_custodian(tx, id, person))
        .await;
    match added.refusal()? {
        Ok(()) => Ok(to_account(
            id,
            FlashMessage::success("The custodian has been added."),
        )),
        // The page's small form has no errors beside it: say it above.
        Err(errors) => {
            let why = errors.get("person_id").unwrap_or_default();
            Ok(to_account(id, FlashMessage::error(why)))
        }
    }
}

pub async fn custodian_remove_post(
    me: Signed,
    ids: web::Path<(AccountId, PersonId)>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let (id, person) = *ids;
    me.write(move |tx| service::remove_custodian(tx, id, person))
        .await?;
    Ok(to_account(
        id,
        FlashMessage::success("The custodian has been removed."),
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordChangeForm {
    changed_on: String,
    note: String,
}

async fn password_page(
    me: Signed,
    id: AccountId,
    form: PasswordChangeForm,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let account = me.read_of(id, service::read_account).await?;
    render_with(
        form_status(&errors),
        PasswordChangedPage {
            account: ActionOnAccount::new(&account, "password-changed"),
            changed_on: form.changed_on,
            note: form.note,
            errors,
            page: me.page,
        },
    )
}

pub async fn password_get(me: Signed, id: web::Path<AccountId>) -> Result<HttpResponse, AppError> {
    let form = PasswordChangeForm {
        changed_on: me.today().to_string(),
        note: String::new(),
    };
    password_page(me, *id, form, FormErrors::new()).await
}

pub async fn password_post(
    me: Signed,
    id: web::Path<AccountId>,
    CsrfForm(form): CsrfForm<PasswordChangeForm>,
) -> Result<HttpResponse, AppError> {
    let id = *id;
    let change = domain::parse_password_change(&form.changed_on, &form.note, me.today());
    let recorded = me
        .write(move |tx| service::record_password_change(tx, id, change))
        .await;
    match recorded.refusal()? {
        Ok(()) => saved(
            "The password change is recorded; the custodians and the headteacher have been emailed.",
            &urls::account(id),
        ),
        Err(errors) => password_page(me, id, form, errors).await,
    }
}
