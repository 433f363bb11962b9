//! The people pages: list, add, change role, deactivate.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::FlashMessage;
use serde::Deserialize;

use super::domain::{NewPerson, Role};
use super::service::{self, ChangedBy};
use super::store;
use super::views::*;
use crate::audit::Actor;
use crate::auth::csrf::{CsrfForm, NoFields};
use crate::auth::current::CurrentPerson;
use crate::error::{AppError, FormErrors};
use crate::ids::PersonId;
use crate::startup::AppState;
use crate::web::layout::PageContext;
use crate::web::{render, render_with, see_other, urls};

fn changed_by(me: &CurrentPerson) -> ChangedBy {
    ChangedBy {
        actor: Actor::Person(me.id),
        role: Some(me.role),
        name: me.name.clone(),
    }
}

fn parse_id(raw: &str) -> Result<PersonId, AppError> {
    PersonId::parse(raw).ok_or(AppError::NotFound)
}

pub async fn list_get(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
) -> Result<HttpResponse, AppError> {
    me.require_manages_people()?;
    let people = state.db.run(store::list_people).await?;
    let zone = state.settings.time_zone;
    render(PeopleListPage {
        page,
        people: people.iter().map(|p| PersonView::new(p, zone)).collect(),
    })
}

pub async fn new_get(me: CurrentPerson, page: PageContext) -> Result<HttpResponse, AppError> {
    me.require_manages_people()?;
    render(PeopleNewPage {
        page,
        name: String::new(),
        email: String::new(),
        roles: role_choices(me.role, Some(Role::Staff)),
        errors: FormErrors::new(),
    })
}

#[derive(Deserialize)]
pub struct NewPersonForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

pub async fn new_post(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    CsrfForm(form): CsrfForm<NewPersonForm>,
) -> Result<HttpResponse, AppError> {
    me.require_manages_people()?;
    let again = |page, errors| {
        render_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            PeopleNewPage {
                page,
                name: form.name.clone(),
                email: form.email.clone(),
                roles: role_choices(me.role, Role::parse(&form.role)),
                errors,
            },
        )
    };
    let new = match NewPerson::parse(&form.name, &form.email, &form.role) {
        Ok(new) => new,
        Err(errors) => return again(page, errors),
    };
    let ctx = state.ctx();
    let by = changed_by(&me);
    let added = state
        .db
        .run(move |conn| service::add(conn, &ctx, &by, new, None))
        .await?;
    match added {
        Ok(added) => {
            FlashMessage::success(format!(
                "{} has been added and emailed an invitation to choose a password.",
                added.person.name
            ))
            .send();
            Ok(see_other(&urls::person(added.person.id)))
        }
        Err(refused) => {
            let mut errors = FormErrors::new();
            let field = match refused {
                service::AddRefused::DuplicateEmail => "email",
                service::AddRefused::RoleNotAllowed => "role",
            };
            errors.add(field, refused.message());
            again(page, errors)
        }
    }
}

pub async fn show_get(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    me.require_manages_people()?;
    let id = parse_id(&path)?;
    let (person, grants, accounts) = state
        .db
        .run(move |conn| {
            Ok((
                store::get_person(conn, id)?,
                crate::accounts::store::list_grants_for_person(conn, id)?,
                crate::accounts::store::list_accounts(conn)?,
            ))
        })
        .await?;
    let zone = state.settings.time_zone;
    let access = grants
        .iter()
        .map(|g| {
            let account = accounts.iter().find(|a| a.id == g.account_id);
            AccessView {
                account: account.map(|a| a.handle.clone()).unwrap_or_default(),
                account_href: urls::account(g.account_id),
                grant_href: urls::grant(g.id),
                granted: crate::web::format::date(g.granted_at, zone),
                status: match (g.ended_at, g.end_kind) {
                    (None, _) => "Has access now".to_owned(),
                    (Some(at), Some(kind)) => {
                        format!("{} on {}", kind.label(), crate::web::format::date(at, zone))
                    }
                    (Some(at), None) => format!("Ended on {}", crate::web::format::date(at, zone)),
                },
                live: g.is_live(),
            }
        })
        .collect();
    let may_change = person.active && person.id != me.id && person.role.may_be_given_by(me.role);
    render(PeopleShowPage {
        page,
        access,
        role_url: urls::person_role(id),
        deactivate_url: urls::person_deactivate(id),
        roles: role_choices(me.role, Some(person.role)),
        person: PersonView::new(&person, state.settings.time_zone),
        may_change,
    })
}

#[derive(Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
}

pub async fn role_post(
    me: CurrentPerson,
    state: web::Data<AppState>,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<RoleForm>,
) -> Result<HttpResponse, AppError> {
    me.require_manages_people()?;
    let id = parse_id(&path)?;
    let Some(role) = Role::parse(&form.role) else {
        FlashMessage::error("Choose a role from the list.").send();
        return Ok(see_other(&urls::person(id)));
    };
    let ctx = state.ctx();
    let by = changed_by(&me);
    let person = state
        .db
        .run(move |conn| service::change_role(conn, &ctx, &by, id, role))
        .await?;
    FlashMessage::success(format!(
        "{} is now {}. They have been signed out everywhere and emailed.",
        person.name,
        person.role.label()
    ))
    .send();
    Ok(see_other(&urls::person(id)))
}

pub async fn deactivate_post(
    me: CurrentPerson,
    state: web::Data<AppState>,
    path: web::Path<String>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    me.require_manages_people()?;
    let id = parse_id(&path)?;
    let ctx = state.ctx();
    let by = changed_by(&me);
    let person = state
        .db
        .run(move |conn| service::deactivate(conn, &ctx, &by, id))
        .await?;
    FlashMessage::success(format!(
        "{} has been deactivated and can no longer sign in.",
        person.name
    ))
    .send();
    Ok(see_other(&urls::person(id)))
}
