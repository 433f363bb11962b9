//! Grants: giving someone an account's login, a grant's page, confirming and
//! revoking it.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::rows::{grant_view, ReasonForm};
use crate::accounts::domain::{self, Aim, NewGrant, GUIDELINES};
use crate::accounts::service;
use crate::accounts::views::*;
use crate::auth::csrf::{CsrfForm, NoFields};
use crate::clock::from_row;
use crate::error::{AppError, FormErrors};
use crate::ids::{AccountId, GrantId};
use crate::people::views::person_choices;
use crate::web::form::Choice;
use crate::web::outcome::{saved, Refusal};
use crate::web::signed::Signed;
use crate::web::{form_status, format, render_with, urls};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct GrantForm {
    grantee: String,
    aim: String,
    purpose: String,
    ends_on: String,
}

async fn grant_form(
    me: Signed,
    id: AccountId,
    form: GrantForm,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let (account, grantees) = me.read_of(id, service::read_grant_form).await?;
    render_with(
        form_status(&errors),
        GrantNewPage {
            account: ActionOnAccount::new(&account, "grants/new"),
            grantees: person_choices(&grantees, &form.grantee),
            aims: Choice::options(Aim::ALL, &form.aim),
            purpose: form.purpose,
            ends_on: form.ends_on,
            errors,
            page: me.page,
        },
    )
}

pub async fn grant_new_get(me: Signed, id: web::Path<AccountId>) -> Result<HttpResponse, AppError> {
    grant_form(me, *id, GrantForm::default(), FormErrors::new()).await
}

pub async fn grant_new_post(
    me: Signed,
    id: web::Path<AccountId>,
    CsrfForm(form): CsrfForm<GrantForm>,
) -> Result<HttpResponse, AppError> {
    let id = *id;
    let new = NewGrant::parse(
        &form.grantee,
        &form.aim,
        &form.purpose,
        &form.ends_on,
        me.today(),
    );
    let granted = me.write(move |tx| service::grant(tx, id, new)).await;
    match granted.refusal()? {
        Ok(grant) => saved(
            "Access is recorded, and the written record has been emailed to them, the custodians and the headteacher.",
            &urls::grant(grant.id),
        ),
        Err(errors) => grant_form(me, id, form, errors).await,
    }
}

async fn grant_page(
    me: Signed,
    id: GrantId,
    reason: String,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let service::GrantPage {
        grant,
        account,
        people,
        sent,
        manages,
    } = me.read_of(id, service::read_grant_page).await?;
    let zone = me.zone();
    let email_sent = match &sent {
        Some(row) => match row.sent_at {
            Some(at) => format!("Sent {}", format::date_time(from_row(at), zone)),
            None => format!("Not sent yet ({})", row.status),
        },
        None => "No record".into(),
    };
    let action = |verb: &str, may: bool| {
        (grant.is_live() && may).then(|| format!("{}/{verb}", urls::grant(id)))
    };
    render_with(
        form_status(&errors),
        GrantShowPage {
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
            confirm_url: action(
                "confirm",
                grant.confirmed_at.is_none() && grant.grantee_id == me.id,
            ),
            revoke_url: action("revoke", manages),
            reason,
            errors,
            page: me.page,
        },
    )
}

pub async fn grant_get(me: Signed, id: web::Path<GrantId>) -> Result<HttpResponse, AppError> {
    grant_page(me, *id, String::new(), FormErrors::new()).await
}

pub async fn grant_confirm_post(
    me: Signed,
    id: web::Path<GrantId>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let id = *id;
    me.write(move |tx| service::confirm(tx, id)).await?;
    saved(
        "Thank you: your confirmation is recorded.",
        &urls::grant(id),
    )
}

pub async fn grant_revoke_post(
    me: Signed,
    id: web::Path<GrantId>,
    CsrfForm(form): CsrfForm<ReasonForm>,
) -> Result<HttpResponse, AppError> {
    let id = *id;
    let reason = domain::parse_reason(&form.reason);
    let revoked = me.write(move |tx| service::revoke(tx, id, reason)).await;
    match revoked.refusal()? {
        Ok(grant) => saved(
            "Access is revoked. They, the custodians and the headteacher have been emailed, and the account's password must now be changed.",
            &urls::account(grant.account_id),
        ),
        Err(errors) => grant_page(me, id, form.reason, errors).await,
    }
}
