//! The people pages: list, add, change role, deactivate; the chair's
//! handover and its acceptance.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use actix_web_flash_messages::FlashMessage;
use serde::Deserialize;

use super::domain::{NewPerson, Role};
use super::service;
use super::views::*;
use crate::auth::csrf::{CsrfForm, NoFields};
use crate::auth::current::CurrentPerson;
use crate::error::{AppError, FormErrors};
use crate::ids::PersonId;
use crate::people::actor::Actor;
use crate::state::AppState;
use crate::web::form::Choice;
use crate::web::layout::PageContext;
use crate::web::{render, render_with, see_other, urls};

fn changed_by(me: &CurrentPerson) -> Actor {
    Actor::Person {
        id: me.id,
        name: me.name.clone(),
        role: me.role,
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
    let people = state.db.run(service::read_people).await?;
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
                service::AddRefused::RoleNotAllowed | service::AddRefused::ChairNotYours => "role",
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
    let ctx = state.ctx();
    let service::PersonPage { person, access } = state
        .db
        .run(move |conn| service::read_person(conn, &ctx, id))
        .await?;
    let zone = state.settings.time_zone;
    let access = access
        .into_iter()
        .map(|held| AccessView {
            account: held.handle,
            account_href: urls::account(held.account),
            grant_href: urls::grant(held.grant),
            granted: crate::web::format::date(held.granted_at, zone),
            status: match held.ended {
                None => "Has access now".to_owned(),
                Some((at, Some(kind))) => {
                    format!("{} on {}", kind, crate::web::format::date(at, zone))
                }
                Some((at, None)) => format!("Ended on {}", crate::web::format::date(at, zone)),
            },
            live: held.live,
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

/// The chair's handover page.
pub async fn handover_get(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
) -> Result<HttpResponse, AppError> {
    me.require(
        me.role == Role::Chair,
        "Only the chair of governors hands the role over.",
    )?;
    let ctx = state.ctx();
    let my_id = me.id;
    let (pending, people) = state
        .db
        .run(move |conn| service::page_handover(conn, &ctx, my_id))
        .await?;
    let zone = state.settings.time_zone;
    render(ChairHandoverPage {
        page,
        pending: pending.map(|h| {
            (
                h.to.name.clone(),
                crate::web::format::date_time(h.expires_at, zone),
            )
        }),
        choices: successor_choices(&people, me.id, None),
        new_selected: true,
        name: String::new(),
        email: String::new(),
        leaving: false,
        errors: FormErrors::new(),
    })
}

/// Everyone the chair may hand over to: active, not themselves, never the head.
fn successor_choices(
    people: &[super::domain::Person],
    me: PersonId,
    selected: Option<PersonId>,
) -> Vec<Choice> {
    people
        .iter()
        .filter(|p| p.active && p.id != me && p.role != Role::Headteacher)
        .map(|p| {
            let label = format!("{} ({})", p.name, p.email);
            Choice::of(p.id.to_string(), label, Some(p.id) == selected)
        })
        .collect()
}

#[derive(Deserialize)]
pub struct HandoverForm {
    #[serde(default)]
    successor: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    leaving: String,
}

pub async fn handover_post(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    CsrfForm(form): CsrfForm<HandoverForm>,
) -> Result<HttpResponse, AppError> {
    me.require(
        me.role == Role::Chair,
        "Only the chair of governors hands the role over.",
    )?;
    let leaving = form.leaving == "yes";
    let chosen = (form.successor != "new")
        .then(|| PersonId::parse(&form.successor))
        .flatten();
    let parsed = if form.successor == "new" {
        NewPerson::parse(&form.name, &form.email, Role::Staff.as_str()).map(service::Successor::New)
    } else if let Some(id) = chosen {
        Ok(service::Successor::Existing(id))
    } else {
        let mut errors = FormErrors::new();
        errors.add("successor", "Choose who will be chair");
        Err(errors)
    };
    let ctx = state.ctx();
    let my_id = me.id;
    let offered = match parsed {
        Ok(successor) => {
            state
                .db
                .run(move |conn| service::offer_handover(conn, &ctx, my_id, successor, leaving))
                .await?
        }
        Err(errors) => Err(errors),
    };
    match offered {
        Ok(handover) => {
            FlashMessage::success(format!(
                "{} has been emailed a link to accept the chair. You remain the chair until \
                 they do.",
                handover.to.name
            ))
            .send();
            Ok(see_other(urls::CHAIR_HANDOVER))
        }
        Err(errors) => {
            let people = state.db.run(service::read_people).await?;
            render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                ChairHandoverPage {
                    page,
                    pending: None,
                    choices: successor_choices(&people, me.id, chosen),
                    new_selected: chosen.is_none(),
                    name: form.name.clone(),
                    email: form.email.clone(),
                    leaving,
                    errors,
                },
            )
        }
    }
}

pub async fn handover_cancel_post(
    me: CurrentPerson,
    state: web::Data<AppState>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    me.require(
        me.role == Role::Chair,
        "Only the chair of governors hands the role over.",
    )?;
    let ctx = state.ctx();
    let my_id = me.id;
    let cancelled = state
        .db
        .run(move |conn| service::cancel_handover(conn, &ctx, my_id))
        .await?;
    match cancelled {
        Some(handover) => FlashMessage::success(format!(
            "The offer to {} is withdrawn: their link no longer works.",
            handover.to.name
        ))
        .send(),
        None => FlashMessage::info("There was no offer waiting.").send(),
    }
    Ok(see_other(urls::CHAIR_HANDOVER))
}

#[derive(Deserialize)]
pub struct AcceptQuery {
    #[serde(default)]
    token: String,
}

fn accept_page(
    page: PageContext,
    token: String,
    handover: &service::Handover,
    errors: FormErrors,
) -> ChairAcceptPage {
    ChairAcceptPage {
        page,
        token,
        from_name: handover.from.name.clone(),
        to_name: handover.to.name.clone(),
        outgoing_leaves: handover.outgoing_leaves,
        needs_password: !handover.to.has_password,
        errors,
    }
}

fn link_invalid(page: PageContext) -> Result<HttpResponse, AppError> {
    render_with(
        StatusCode::NOT_FOUND,
        crate::auth::views::LinkInvalidPage { page },
    )
}

/// The successor opens the emailed link. Someone who already has a
/// password accepts signed in as themselves; someone new chooses one.
pub async fn accept_get(
    req: HttpRequest,
    state: web::Data<AppState>,
    page: PageContext,
    query: web::Query<AcceptQuery>,
) -> Result<HttpResponse, AppError> {
    let token = query.into_inner().token;
    let ctx = state.ctx();
    let check = token.clone();
    let found = state
        .db
        .run(move |conn| service::handover_for_link(conn, &ctx, &check))
        .await?;
    let Some(handover) = found else {
        return link_invalid(page);
    };
    if handover.to.has_password {
        let me = CurrentPerson::optional(&req).await?;
        match me {
            None => {
                return Err(AppError::Unauthenticated {
                    next: req.uri().path_and_query().map(|p| p.to_string()),
                })
            }
            Some(me) => me.require(
                me.id == handover.to.id,
                "This link is for someone else. Sign out, and sign in as the person it was \
                 sent to.",
            )?,
        }
    }
    render(accept_page(page, token, &handover, FormErrors::new()))
}

#[derive(Deserialize)]
pub struct AcceptForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

pub async fn accept_post(
    req: HttpRequest,
    session: Session,
    state: web::Data<AppState>,
    page: PageContext,
    CsrfForm(form): CsrfForm<AcceptForm>,
) -> Result<HttpResponse, AppError> {
    let ctx = state.ctx();
    let check = form.token.clone();
    let found = state
        .db
        .run(move |conn| service::handover_for_link(conn, &ctx, &check))
        .await?;
    let Some(handover) = found else {
        return link_invalid(page);
    };
    let how = if handover.to.has_password {
        let me = CurrentPerson::optional(&req)
            .await?
            .ok_or(AppError::Unauthenticated { next: None })?;
        service::Acceptance::SignedIn(me.id)
    } else {
        let mut errors = FormErrors::new();
        let Some(password) =
            crate::auth::handlers::parse_new_password(&form.password, &form.confirm, &mut errors)
        else {
            return render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                accept_page(page, form.token.clone(), &handover, errors),
            );
        };
        service::Acceptance::NewPassword(state.hasher.hash(password).await?)
    };
    let ctx = state.ctx();
    let token = form.token.clone();
    let accepted = state
        .db
        .run(move |conn| service::accept_handover(conn, &ctx, &token, how))
        .await?;
    match accepted {
        Some(person) => {
            // Every session of both chairs has ended; this one goes too.
            session.purge();
            FlashMessage::success(format!(
                "You are now the chair of governors, {}. Sign in to carry on.",
                person.name
            ))
            .send();
            Ok(see_other(urls::LOGIN))
        }
        None => link_invalid(page),
    }
}
