//! The register of official accounts, an account's page, recording a new or
//! existing account, and closing one.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::rows::{grant_view, name_of, row_view, valid_custodian, who_did, ReasonForm};
use crate::accounts::domain::{self, NewAccount, Platform};
use crate::accounts::service;
use crate::accounts::views::*;
use crate::auth::csrf::CsrfForm;
use crate::clock::from_row;
use crate::error::{AppError, FormErrors};
use crate::ids::{AccountId, PersonId};
use crate::moderation::views::ModerationSection;
use crate::people::views::person_choices;
use crate::web::form::Choice;
use crate::web::outcome::{saved, Refusal};
use crate::web::signed::Signed;
use crate::web::{form_status, format, render, render_with, urls};

pub async fn list_get(me: Signed) -> Result<HttpResponse, AppError> {
    let overview = me.read(service::read_overview).await?;
    let now = me.state.clock.now();
    render(AccountsListPage {
        accounts: overview
            .accounts
            .iter()
            .map(|a| row_view(a, &overview, me.id, now, me.zone()))
            .collect(),
        manages: me.role.manages_people(),
        new_href: urls::ACCOUNTS_NEW,
        existing_href: urls::ACCOUNTS_EXISTING,
        export_href: urls::ACCOUNTS_EXPORT,
        page: me.page,
    })
}

/// An account's page, with the moderation log's section for those who may
/// read the log.
pub async fn show_get(me: Signed, id: web::Path<AccountId>) -> Result<HttpResponse, AppError> {
    let id = *id;
    let page = me.read_of(id, service::read_account_page).await?;
    let (account, overview) = (&page.account, &page.overview);
    let zone = me.zone();
    let people = &overview.people;
    let current: &[(PersonId, time::PrimitiveDateTime)] =
        overview.custodians.get(&id).map_or(&[], Vec::as_slice);
    let custodians = current
        .iter()
        .map(|(person, since)| CustodianView {
            name: name_of(people, *person),
            role: people
                .get(person)
                .map(|p| p.role.label().to_owned())
                .unwrap_or_default(),
            valid: valid_custodian(people, *person),
            since: format::date(from_row(*since), zone),
            remove_url: format!("{}/custodians/{person}/remove", urls::account(id)),
        })
        .collect();
    let seniors = page
        .seniors
        .iter()
        .filter(|p| !current.iter().any(|(c, _)| *c == p.id));
    render(AccountShowPage {
        account: row_view(account, overview, me.id, me.state.clock.now(), zone),
        opened: format!(
            "{} by {}{}",
            format::calendar_date(account.opened_on),
            name_of(people, account.opened_by),
            if account.recorded_as_existing {
                " (recorded later)"
            } else {
                ""
            }
        ),
        entered: format!(
            "{} by {}",
            format::date_time(account.entered_at, zone),
            name_of(people, account.entered_by)
        ),
        closed: account.closed_at.map(|t| {
            format!(
                "{}: {}",
                format::date_time(t, zone),
                account.close_reason.clone().unwrap_or_default()
            )
        }),
        manages: page.manages,
        is_open: account.is_open(),
        custodians,
        custodian_choices: person_choices(seniors, ""),
        add_custodian_url: urls::account_page(id, "custodians"),
        grants: page
            .grants
            .iter()
            .map(|g| grant_view(g, people, &account.handle, zone))
            .collect(),
        history: page
            .history
            .iter()
            .map(|e| HistoryEntry {
                when: format::date_time(from_row(e.occurred_at), zone),
                who: who_did(people, e),
                what: e.summary.clone(),
            })
            .collect(),
        grant_url: urls::account_page(id, "grants/new"),
        close_url: urls::account_page(id, "close"),
        password_url: urls::account_page(id, "password-changed"),
        review_url: urls::account_page(id, "review"),
        history_csv_url: urls::account_page(id, "history.csv"),
        moderation: ModerationSection::new(account, page.moderation, zone),
        page: me.page,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AccountForm {
    platform: String,
    handle: String,
    profile_url: String,
    purpose: String,
    opened_on: String,
    opened_by: String,
}

/// The form that records an account: a new one, or one that `existing`
/// already was (with when and by whom it was opened).
async fn account_form(
    me: Signed,
    existing: bool,
    form: AccountForm,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let openers = me.read(service::read_openers).await?;
    render_with(
        form_status(&errors),
        AccountFormPage {
            existing,
            action: if existing {
                urls::ACCOUNTS_EXISTING
            } else {
                urls::ACCOUNTS_NEW
            },
            platforms: Choice::options(Platform::ALL, &form.platform),
            openers: Choice::from_pairs(
                openers.iter().map(|p| {
                    let name = if p.active {
                        p.name.clone()
                    } else {
                        format!("{} (has left)", p.name)
                    };
                    (p.id.to_string(), name)
                }),
                &form.opened_by,
            ),
            handle: form.handle,
            profile_url: form.profile_url,
            purpose: form.purpose,
            opened_on: form.opened_on,
            errors,
            page: me.page,
        },
    )
}

pub async fn new_get(me: Signed) -> Result<HttpResponse, AppError> {
    account_form(me, false, AccountForm::default(), FormErrors::new()).await
}

pub async fn existing_get(me: Signed) -> Result<HttpResponse, AppError> {
    account_form(me, true, AccountForm::default(), FormErrors::new()).await
}

async fn save_account(
    me: Signed,
    form: AccountForm,
    existing: bool,
) -> Result<HttpResponse, AppError> {
    let new = NewAccount::parse(
        &form.platform,
        &form.handle,
        &form.profile_url,
        &form.purpose,
        existing.then_some((form.opened_on.as_str(), form.opened_by.as_str())),
        me.today(),
    );
    let opened = me.write(move |tx| service::open(tx, new)).await;
    match opened.refusal()? {
        Ok(account) => saved(
            format!(
                "{} is recorded. All SLT and the headteacher have been emailed.",
                account.handle
            ),
            &urls::account(account.id),
        ),
        Err(errors) => account_form(me, existing, form, errors).await,
    }
}

pub async fn new_post(
    me: Signed,
    CsrfForm(form): CsrfForm<AccountForm>,
) -> Result<HttpResponse, AppError> {
    save_account(me, form, false).await
}

pub async fn existing_post(
    me: Signed,
    CsrfForm(form): CsrfForm<AccountForm>,
) -> Result<HttpResponse, AppError> {
    save_account(me, form, true).await
}

async fn close_page(
    me: Signed,
    id: AccountId,
    reason: String,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let (account, live) = me.read_of(id, service::read_close_page).await?;
    render_with(
        form_status(&errors),
        AccountClosePage {
            account: ActionOnAccount::new(&account, "close"),
            live_grants: live,
            reason,
            errors,
            page: me.page,
        },
    )
}

pub async fn close_get(me: Signed, id: web::Path<AccountId>) -> Result<HttpResponse, AppError> {
    close_page(me, *id, String::new(), FormErrors::new()).await
}

pub async fn close_post(
    me: Signed,
    id: web::Path<AccountId>,
    CsrfForm(form): CsrfForm<ReasonForm>,
) -> Result<HttpResponse, AppError> {
    let id = *id;
    let reason = domain::parse_reason(&form.reason);
    let closed = me.write(move |tx| service::close(tx, id, reason)).await;
    match closed.refusal()? {
        Ok(()) => saved(
            "The account is closed, and every grant on it has ended.",
            &urls::account(id),
        ),
        Err(errors) => close_page(me, id, form.reason, errors).await,
    }
}
