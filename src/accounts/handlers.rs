//! The official accounts pages: the register, an account, grants, closing,
//! password changes and access reviews.

use std::collections::HashMap;

use actix_web::{web, HttpResponse};
use actix_web_flash_messages::FlashMessage;
use serde::Deserialize;

use super::domain::{self, Account, Aim, Grant, NewAccount, NewGrant, Platform, GUIDELINES};
use super::service::{self, By};
use super::store;
use super::views::*;
use crate::audit::store::{self as audit_store, EventFilter};
use crate::auth::csrf::{CsrfForm, NoFields};
use crate::auth::current::CurrentPerson;
use crate::clock::from_row;
use crate::error::{AppError, FormErrors};
use crate::ids::{AccountId, GrantId, PersonId};
use crate::mail::store as mail_store;
use crate::people::domain::{Person, Role};
use crate::state::AppState;
use crate::web::layout::PageContext;
use crate::web::{csv, form_status, format, render, render_with, see_other, urls};

const MANAGERS_ONLY: &str =
    "Only the Senior Leadership Team and the headteacher manage the school's official accounts.";

fn require_manager(me: &CurrentPerson) -> Result<By, AppError> {
    me.require(me.role.manages_people(), MANAGERS_ONLY)?;
    Ok(By {
        id: me.id,
        name: me.name.clone(),
        role: me.role,
    })
}

fn account_id(raw: &str) -> Result<AccountId, AppError> {
    AccountId::parse(raw).ok_or(AppError::NotFound)
}

fn grant_id(raw: &str) -> Result<GrantId, AppError> {
    GrantId::parse(raw).ok_or(AppError::NotFound)
}

fn name_of(people: &HashMap<PersonId, Person>, id: PersonId) -> String {
    people
        .get(&id)
        .map(|p| p.name.clone())
        .unwrap_or_else(|| "Unknown".into())
}

/// What the register knows about one account, gathered without a query per row.
struct Overview {
    accounts: Vec<Account>,
    people: HashMap<PersonId, Person>,
    custodians: HashMap<AccountId, Vec<(PersonId, time::PrimitiveDateTime)>>,
    live: Vec<Grant>,
}

fn overview(conn: &mut crate::db::DbConnection) -> Result<Overview, AppError> {
    let accounts = store::list_accounts(conn)?;
    let people = service::people_by_id(conn)?;
    let mut custodians: HashMap<AccountId, Vec<_>> = HashMap::new();
    for row in store::list_current_custodians(conn, None)? {
        if let (Some(account), Some(person)) = (
            AccountId::parse(&row.account_id),
            PersonId::parse(&row.person_id),
        ) {
            custodians
                .entry(account)
                .or_default()
                .push((person, row.added_at));
        }
    }
    let live = store::list_live_grants(conn)?;
    Ok(Overview {
        accounts,
        people,
        custodians,
        live,
    })
}

fn valid_custodian(people: &HashMap<PersonId, Person>, id: PersonId) -> bool {
    people
        .get(&id)
        .is_some_and(|p| p.active && matches!(p.role, Role::Slt | Role::Headteacher))
}

fn row_view(
    account: &Account,
    overview: &Overview,
    me: &CurrentPerson,
    now: time::OffsetDateTime,
    zone: &time_tz::Tz,
) -> AccountRowView {
    let custodians = overview
        .custodians
        .get(&account.id)
        .cloned()
        .unwrap_or_default();
    let mut flags = Vec::new();
    if account.is_open() {
        if account.password_change_due {
            flags.push(Flag {
                text: "Password change due",
                tag: "tag--red",
            });
        }
        if !custodians
            .iter()
            .any(|(id, _)| valid_custodian(&overview.people, *id))
        {
            flags.push(Flag {
                text: "No active custodian",
                tag: "tag--red",
            });
        } else if custodians
            .iter()
            .any(|(id, _)| !valid_custodian(&overview.people, *id))
        {
            flags.push(Flag {
                text: "A custodian has left SLT",
                tag: "tag--amber",
            });
        }
        if account.review_overdue(now) {
            flags.push(Flag {
                text: "Access review overdue",
                tag: "tag--amber",
            });
        }
    }
    let my_grants: Vec<&Grant> = overview
        .live
        .iter()
        .filter(|g| g.account_id == account.id && g.grantee_id == me.id)
        .collect();
    AccountRowView {
        href: urls::account(account.id),
        platform: account.platform.label(),
        handle: account.handle.clone(),
        profile_url: account.profile_url.clone(),
        purpose: account.purpose.clone(),
        status: if account.is_open() { "Open" } else { "Closed" },
        status_tag: if account.is_open() {
            "tag--green"
        } else {
            "tag--grey"
        },
        flags,
        custodians: custodians
            .iter()
            .map(|(id, _)| name_of(&overview.people, *id))
            .collect::<Vec<_>>()
            .join(", "),
        last_password_change: account
            .last_password_change_on
            .map(format::calendar_date)
            .unwrap_or_else(|| "Not recorded".into()),
        last_reviewed: account
            .last_reviewed_at
            .map(|t| format::date(t, zone))
            .unwrap_or_else(|| "Never".into()),
        my_access: my_grants.first().map(|g| match g.ends_on {
            Some(date) => format!("You have access until {}", format::calendar_date(date)),
            None => "You have access".into(),
        }),
    }
}

pub async fn list_get(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
) -> Result<HttpResponse, AppError> {
    let overview = state.db.run(overview).await?;
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

fn grant_view(
    grant: &Grant,
    people: &HashMap<PersonId, Person>,
    account: &str,
    zone: &time_tz::Tz,
) -> GrantRowView {
    let (status, status_tag) = match (grant.is_live(), grant.confirmed_at, grant.end_kind) {
        (true, Some(_), _) => ("Live".to_owned(), "tag--green"),
        (true, None, _) => ("Live, not yet confirmed".to_owned(), "tag--amber"),
        (false, _, Some(kind)) => (kind.label().to_owned(), "tag--grey"),
        (false, _, None) => ("Ended".to_owned(), "tag--grey"),
    };
    GrantRowView {
        href: urls::grant(grant.id),
        grantee: name_of(people, grant.grantee_id),
        granted_by: name_of(people, grant.granted_by),
        granted_at: format::date_time(grant.granted_at, zone),
        aim: grant.aim.label(),
        purpose: grant.purpose.clone(),
        ends_on: grant
            .ends_on
            .map(format::calendar_date)
            .unwrap_or_else(|| "No end date".into()),
        status,
        status_tag,
        confirmed: grant
            .confirmed_at
            .map(|t| format::date_time(t, zone))
            .unwrap_or_else(|| "Not yet".into()),
        account: account.to_owned(),
    }
}

pub async fn show_get(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = account_id(&path)?;
    let manages = me.role.manages_people();
    let (overview, grants, history) = state
        .db
        .run(move |conn| {
            let overview = overview(conn)?;
            let grants = store::list_grants_for_account(conn, id)?;
            let history = if manages {
                let filter = EventFilter {
                    subject: Some(("account".into(), id.to_string())),
                    ..EventFilter::default()
                };
                audit_store::list_events(conn, &filter, None, 500)?
            } else {
                Vec::new()
            };
            Ok((overview, grants, history))
        })
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
        custodian_choices: seniors
            .iter()
            .map(|p| Choice {
                value: p.id.to_string(),
                label: format!("{} ({})", p.name, p.role.label()),
                selected: false,
            })
            .collect(),
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
            platforms: Platform::ALL
                .iter()
                .map(|p| Choice {
                    value: p.as_str().into(),
                    label: p.label().into(),
                    selected: p.as_str() == form.platform,
                })
                .collect(),
            openers: openers
                .iter()
                .map(|p| Choice {
                    value: p.id.to_string(),
                    label: if p.active {
                        p.name.clone()
                    } else {
                        format!("{} (has left)", p.name)
                    },
                    selected: p.id.to_string() == form.opened_by,
                })
                .collect(),
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
        .run(move |conn| Ok((store::get_account(conn, id)?, service::people_by_id(conn)?)))
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
            grantees: grantees
                .iter()
                .map(|p| Choice {
                    value: p.id.to_string(),
                    label: format!("{} ({})", p.name, p.role.label()),
                    selected: p.id.to_string() == form.grantee,
                })
                .collect(),
            aims: Aim::ALL
                .iter()
                .map(|a| Choice {
                    value: a.as_str().into(),
                    label: a.label().into(),
                    selected: a.as_str() == form.aim,
                })
                .collect(),
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
    let (grant, account, people, sent) = state
        .db
        .run(move |conn| {
            let grant = store::get_grant(conn, id)?;
            let account = store::get_account(conn, grant.account_id)?;
            let people = service::people_by_id(conn)?;
            let sent = match &grant.message_id {
                Some(message_id) => mail_store::find_by_message_id(conn, message_id)?,
                None => None,
            };
            Ok((grant, account, people, sent))
        })
        .await?;
    let manages = me.role.manages_people();
    me.require(
        manages || grant.grantee_id == me.id,
        "Only the person given access, the Senior Leadership Team and the headteacher see a grant.",
    )?;
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

#[derive(Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    reason: String,
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

async fn close_page(
    state: &AppState,
    page: PageContext,
    id: AccountId,
    reason: String,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let (account, live) = state
        .db
        .run(move |conn| {
            let account = store::get_account(conn, id)?;
            let live = store::list_grants_for_account(conn, id)?
                .iter()
                .filter(|g| g.is_live())
                .count();
            Ok((account, live))
        })
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
        .run(move |conn| store::get_account(conn, id))
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

async fn review_page(
    state: &AppState,
    page: PageContext,
    id: AccountId,
    chosen: HashMap<String, String>,
    notes: String,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let (account, grants, people) = state
        .db
        .run(move |conn| {
            Ok((
                store::get_account(conn, id)?,
                store::list_grants_for_account(conn, id)?,
                service::people_by_id(conn)?,
            ))
        })
        .await?;
    let zone = state.settings.time_zone;
    render_with(
        form_status(&errors),
        AccessReviewPage {
            page,
            account: account.handle,
            action: urls::account_page(id, "review"),
            back: urls::account(id),
            items: grants
                .iter()
                .filter(|g| g.is_live())
                .map(|g| ReviewItem {
                    grant_id: g.id.to_string(),
                    grantee: name_of(&people, g.grantee_id),
                    granted: format::date(g.granted_at, zone),
                    aim: g.aim.label(),
                    purpose: g.purpose.clone(),
                    ends_on: g
                        .ends_on
                        .map(format::calendar_date)
                        .unwrap_or_else(|| "No end date".into()),
                    decision: chosen
                        .get(&format!("decision-{}", g.id))
                        .cloned()
                        .unwrap_or_default(),
                })
                .collect(),
            notes,
            errors,
        },
    )
}

pub async fn review_get(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    require_manager(&me)?;
    review_page(
        &state,
        page,
        account_id(&path)?,
        HashMap::new(),
        String::new(),
        FormErrors::new(),
    )
    .await
}

pub async fn review_post(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let by = require_manager(&me)?;
    let id = account_id(&path)?;
    let decisions: HashMap<GrantId, bool> = form
        .iter()
        .filter_map(|(key, value)| {
            let grant = GrantId::parse(key.strip_prefix("decision-")?)?;
            match value.as_str() {
                "keep" => Some((grant, true)),
                "revoke" => Some((grant, false)),
                _ => None,
            }
        })
        .collect();
    let raw_notes = form.get("notes").cloned().unwrap_or_default();
    let notes = match domain::parse_review_notes(&raw_notes) {
        Ok(notes) => notes,
        Err(errors) => return review_page(&state, page, id, form, raw_notes, errors).await,
    };
    let ctx = state.ctx();
    let saved_notes: String = notes;
    let for_service = saved_notes.clone();
    match state
        .db
        .run(move |conn| service::review(conn, &ctx, &by, id, &decisions, &for_service))
        .await?
    {
        Ok((kept, revoked)) => {
            FlashMessage::success(format!(
                "The review is recorded: {kept} kept, {revoked} revoked."
            ))
            .send();
            Ok(see_other(&urls::account(id)))
        }
        Err(errors) => review_page(&state, page, id, form, saved_notes, errors).await,
    }
}

pub async fn export_get(
    me: CurrentPerson,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    require_manager(&me)?;
    let overview = state.db.run(overview).await?;
    let zone = state.settings.time_zone;
    let mut file = csv::Csv::new(&[
        "platform",
        "handle",
        "profile_url",
        "purpose",
        "status",
        "opened_on",
        "opened_by",
        "custodians",
        "password_change_due",
        "last_password_change_on",
        "last_reviewed",
        "people_with_access",
    ])?;
    for account in &overview.accounts {
        let row = row_view(account, &overview, &me, state.clock.now(), zone);
        let access: Vec<String> = overview
            .live
            .iter()
            .filter(|g| g.account_id == account.id)
            .map(|g| name_of(&overview.people, g.grantee_id))
            .collect();
        file.row([
            account.platform.label().to_owned(),
            account.handle.clone(),
            account.profile_url.clone(),
            account.purpose.clone(),
            row.status.to_owned(),
            account.opened_on.to_string(),
            name_of(&overview.people, account.opened_by),
            row.custodians,
            account.password_change_due.to_string(),
            account
                .last_password_change_on
                .map(|d| d.to_string())
                .unwrap_or_default(),
            account
                .last_reviewed_at
                .map(|t| format::date(t, zone))
                .unwrap_or_default(),
            access.join("; "),
        ])?;
    }
    file.into_response("official-accounts.csv")
}

pub async fn history_csv_get(
    me: CurrentPerson,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    require_manager(&me)?;
    let id = account_id(&path)?;
    let (account, events, people) = state
        .db
        .run(move |conn| {
            let account = store::get_account(conn, id)?;
            let filter = EventFilter {
                subject: Some(("account".into(), id.to_string())),
                ..EventFilter::default()
            };
            Ok((
                account,
                audit_store::list_events(conn, &filter, None, 100_000)?,
                service::people_by_id(conn)?,
            ))
        })
        .await?;
    let mut file = csv::Csv::new(&["occurred_at_utc", "who", "action", "what"])?;
    for event in events.iter().rev() {
        file.row([
            crate::audit::domain::hash_time(event.occurred_at),
            event
                .actor_id
                .as_deref()
                .and_then(PersonId::parse)
                .map(|p| name_of(&people, p))
                .unwrap_or_else(|| "Custodian".into()),
            event.action.clone(),
            event.summary.clone(),
        ])?;
    }
    file.into_response(&format!(
        "{}-history.csv",
        csv::file_name_part(&account.handle)
    ))
}
