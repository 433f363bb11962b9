//! The register of official accounts, an account's page, recording a new or
//! existing account, and closing one.

use actix_web::{web, HttpResponse};
use actix_web_flash_messages::FlashMessage;
use serde::Deserialize;

use super::{
    account_id, grant_view, name_of, require_manager, row_view, valid_custodian, ReasonForm,
};
use crate::accounts::domain::{self, Grant, NewAccount, Platform};
use crate::accounts::service;
use crate::accounts::views::*;
use crate::auth::csrf::CsrfForm;
use crate::auth::current::CurrentPerson;
use crate::clock::from_row;
use crate::error::{AppError, FormErrors};
use crate::ids::{AccountId, PersonId};
use crate::people::domain::{Person, Role};
use crate::people::views::person_choices;
use crate::state::AppState;
use crate::web::form::Choice;
use crate::web::layout::PageContext;
use crate::web::{form_status, format, render, render_with, see_other, urls};

pub async fn list_get(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
) -> Result<HttpResponse, AppError> {
    let overview = state.db.run(service::read_overview).await?;
    let now = state.clock.now();
    let zone = state.settings.time_zone;
    render(AccountsListPage {
        page,
        accounts: overview
            .accounts
            .iter()
            .map(|a| row_view(a, &overview, &me, now, zone))
            .collect(),
        manages: me.role.manages_people(),
        new_href: urls::ACCOUNTS_NEW,
        existing_href: urls::ACCOUNTS_EXISTING,
        export_href: urls::ACCOUNTS_EXPORT,
    })
}

pub async fn show_get(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = account_id(&path)?;
    let manages = me.role.manages_people();
    let asking = me.clone();
    let service::AccountPage {
        overview,
        grants,
        history,
    } = state
        .db
        .run(move |conn| service::read_account_page(conn, &asking, id))
        .await?;
    let account = overview
        .accounts
        .iter()
        .find(|a| a.id == id)
        .ok_or(AppError::NotFound)?;
    let zone = state.settings.time_zone;
    let people = &overview.people;
    let current: Vec<(PersonId, time::PrimitiveDateTime)> =
        overview.custodians.get(&id).cloned().unwrap_or_default();
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
    let mut seniors: Vec<&Person> = people
        .values()
        .filter(|p| valid_custodian(people, p.id) && !current.iter().any(|(c, _)| *c == p.id))
        .collect();
    seniors.sort_by(|a, b| a.name.cmp(&b.name));
    let visible: Vec<&Grant> = grants
        .iter()
        .filter(|g| manages || g.grantee_id == me.id)
        .collect();
    let moderation = crate::moderation::handlers::account_section(&state, &me, account).await?;
    render(AccountShowPage {
        account: row_view(account, &overview, &me, state.clock.now(), zone),
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
        manages,
        is_open: account.is_open(),
        custodians,
        custodian_choices: person_choices(seniors, ""),
        add_custodian_url: urls::account_page(id, "custodians"),
        grants: visible
            .iter()
            .map(|g| grant_view(g, people, &account.handle, zone))
            .collect(),
        history: history
            .iter()
            .map(|e| HistoryEntry {
                when: format::date_time(from_row(e.occurred_at), zone),
                who: e
                    .actor_id
                    .as_deref()
                    .and_then(PersonId::parse)
                    .map(|p| name_of(people, p))
                    .unwrap_or_else(|| "Custodian".into()),
                what: e.summary.clone(),
            })
            .collect(),
        grant_url: urls::account_page(id, "grants/new"),
        close_url: urls::account_page(id, "close"),
        password_url: urls::account_page(id, "password-changed"),
        review_url: urls::account_page(id, "review"),
        history_csv_url: urls::account_page(id, "history.csv"),
        moderation,
        page,
    })
}

#[derive(Deserialize, Default)]
pub struct AccountForm {
    #[serde(default)]
    platform: String,
    #[serde(default)]
    handle: String,
    #[serde(default)]
    profile_url: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    opened_on: String,
    #[serde(default)]
    opened_by: String,
}

async fn account_form(
    state: &AppState,
    page: PageContext,
    existing: bool,
    form: AccountForm,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let people = state.db.run(service::people_by_id).await?;
    let mut openers: Vec<&Person> = people
        .values()
        .filter(|p| matches!(p.role, Role::Slt | Role::Headteacher))
        .collect();
    openers.sort_by(|a, b| a.name.cmp(&b.name));
    render_with(
        form_status(&errors),
        AccountFormPage {
            page,
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
        },
    )
}

pub async fn new_get(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
) -> Result<HttpResponse, AppError> {
    require_manager(&me)?;
    account_form(
        &state,
        page,
        false,
        AccountForm::default(),
        FormErrors::new(),
    )
    .await
}

pub async fn existing_get(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
) -> Result<HttpResponse, AppError> {
    require_manager(&me)?;
    account_form(
        &state,
        page,
        true,
        AccountForm::default(),
        FormErrors::new(),
    )
    .await
}

async fn save_account(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    form: AccountForm,
    existing: bool,
) -> Result<HttpResponse, AppError> {
    let by = require_manager(&me)?;
    let today = format::local_date(state.clock.now(), state.settings.time_zone);
    let parsed = NewAccount::parse(
        &form.platform,
        &form.handle,
        &form.profile_url,
        &form.purpose,
        existing.then_some((form.opened_on.as_str(), form.opened_by.as_str())),
        today,
    );
    let new = match parsed {
        Ok(new) => new,
        Err(errors) => return account_form(&state, page, existing, form, errors).await,
    };
    let ctx = state.ctx();
    match state
        .db
        .run(move |conn| service::open(conn, &ctx, &by, new))
        .await?
    {
        Ok(account) => {
            FlashMessage::success(format!(
                "{} is recorded. All SLT and the headteacher have been emailed.",
                account.handle
            ))
            .send();
            Ok(see_other(&urls::account(account.id)))
        }
        Err(errors) => account_form(&state, page, existing, form, errors).await,
    }
}

pub async fn new_post(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    CsrfForm(form): CsrfForm<AccountForm>,
) -> Result<HttpResponse, AppError> {
    save_account(me, state, page, form, false).await
}

pub async fn existing_post(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    CsrfForm(form): CsrfForm<AccountForm>,
) -> Result<HttpResponse, AppError> {
    save_account(me, state, page, form, true).await
}

async fn close_page(
    state: &AppState,
    page: PageContext,
    id: AccountId,
    reason: String,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let (account, live) = state
        .db
        .run(move |conn| service::read_close_page(conn, id))
        .await?;
    render_with(
        form_status(&errors),
        AccountClosePage {
            page,
            account: account.handle,
            action: urls::account_page(id, "close"),
            back: urls::account(id),
            live_grants: live,
            reason,
            errors,
        },
    )
}

pub async fn close_get(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    require_manager(&me)?;
    close_page(
        &state,
        page,
        account_id(&path)?,
        String::new(),
        FormErrors::new(),
    )
    .await
}

pub async fn close_post(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<ReasonForm>,
) -> Result<HttpResponse, AppError> {
    let by = require_manager(&me)?;
    let id = account_id(&path)?;
    let reason = match domain::parse_reason(&form.reason) {
        Ok(reason) => reason,
        Err(errors) => return close_page(&state, page, id, form.reason, errors).await,
    };
    let ctx = state.ctx();
    state
        .db
        .run(move |conn| service::close(conn, &ctx, &by, id, &reason))
        .await?;
    FlashMessage::success("The account is closed, and every grant on it has ended.").send();
    Ok(see_other(&urls::account(id)))
}
