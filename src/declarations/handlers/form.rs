//! Declaring a contact, and updating a declaration: one form for both.

use actix_web::{web, HttpResponse};
use actix_web_flash_messages::FlashMessage;
use serde::Deserialize;

use super::*;
use crate::auth::csrf::CsrfForm;
use crate::auth::current::CurrentPerson;
use crate::declarations::domain::{reviewer_role_for, Link, Nature, PLATFORMS};
use crate::declarations::service::{self};
use crate::declarations::views::*;
use crate::error::{AppError, FormErrors};
use crate::ids::DeclarationId;
use crate::people::domain::Role;
use crate::state::AppState;
use crate::web::layout::PageContext;
use crate::web::{form_status, render_with, see_other, urls};

#[derive(Deserialize, Default)]
pub struct DeclarationForm {
    #[serde(default)]
    contact_name: String,
    #[serde(default)]
    link: String,
    #[serde(default)]
    class_or_year: String,
    #[serde(default)]
    nature: String,
    #[serde(default)]
    in_person: String,
    #[serde(default)]
    since: String,
    #[serde(default)]
    description: String,
}

/// The form, with its repeated `platforms` fields read from the raw body.
/// The form from its fields in order; `platforms` repeats, once per box ticked.
fn read_form(pairs: &[(String, String)]) -> (DeclarationForm, Vec<String>) {
    let get = |key: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let form = DeclarationForm {
        contact_name: get("contact_name"),
        link: get("link"),
        class_or_year: get("class_or_year"),
        nature: get("nature"),
        in_person: get("in_person"),
        since: get("since"),
        description: get("description"),
    };
    let platforms = pairs
        .iter()
        .filter(|(k, _)| k == "platforms")
        .map(|(_, v)| v.clone())
        .collect();
    (form, platforms)
}

fn parse_details(form: &DeclarationForm, platforms: &[String]) -> Result<Details, FormErrors> {
    Details::parse(
        &form.contact_name,
        &form.link,
        &form.class_or_year,
        &form.nature,
        form.in_person == "yes",
        platforms,
        &form.since,
        &form.description,
    )
}

/// Where the form is: its heading, where it posts, where Cancel goes.
struct FormTarget {
    heading: &'static str,
    action: String,
    back: String,
}

impl FormTarget {
    fn new_declaration() -> Self {
        Self {
            heading: "Declare a social contact",
            action: urls::DECLARATIONS_NEW.into(),
            back: urls::DECLARATIONS.into(),
        }
    }

    fn update(id: DeclarationId) -> Self {
        Self {
            heading: "Update your declaration",
            action: format!("{}/edit", urls::declaration(id)),
            back: urls::declaration(id),
        }
    }
}

fn form_page(
    page: PageContext,
    me: &CurrentPerson,
    target: FormTarget,
    form: DeclarationForm,
    platforms: &[String],
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    render_with(
        form_status(&errors),
        DeclarationFormPage {
            page,
            heading: target.heading,
            action: target.action,
            back: target.back,
            links: Link::ALL
                .iter()
                .map(|l| Choice {
                    value: l.as_str().into(),
                    label: l.label().into(),
                    selected: l.as_str() == form.link,
                })
                .collect(),
            natures: Nature::ALL
                .iter()
                .map(|n| Choice {
                    value: n.as_str().into(),
                    label: n.label().into(),
                    selected: n.as_str() == form.nature,
                })
                .collect(),
            platforms: PLATFORMS
                .iter()
                .map(|p| Choice {
                    value: (*p).into(),
                    label: (*p).into(),
                    selected: platforms.iter().any(|c| c == p),
                })
                .collect(),
            in_person: form.in_person == "yes",
            contact_name: form.contact_name,
            class_or_year: form.class_or_year,
            since: form.since,
            description: form.description,
            reviewer: match reviewer_role_for(me.role) {
                Role::Chair => "the chair of governors",
                _ => "the headteacher",
            },
            errors,
        },
    )
}

pub async fn new_get(me: CurrentPerson, page: PageContext) -> Result<HttpResponse, AppError> {
    me.require(
        me.role != Role::Chair,
        "Governors do not make declarations here.",
    )?;
    form_page(
        page,
        &me,
        FormTarget::new_declaration(),
        DeclarationForm::default(),
        &[],
        FormErrors::new(),
    )
}

pub async fn new_post(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    me.require(
        me.role != Role::Chair,
        "Governors do not make declarations here.",
    )?;
    let (form, platforms) = read_form(&pairs);
    let details = match parse_details(&form, &platforms) {
        Ok(details) => details,
        Err(errors) => {
            return form_page(
                page,
                &me,
                FormTarget::new_declaration(),
                form,
                &platforms,
                errors,
            )
        }
    };
    let ctx = state.ctx();
    let person = me.id;
    let id = state
        .db
        .run(move |conn| {
            let me = service::read_person(conn, person)?;
            service::declare(conn, &ctx, &me, details)
        })
        .await?;
    FlashMessage::success(
        "Your declaration has been sent to your reviewer. Only you and they can see it.",
    )
    .send();
    Ok(see_other(&urls::declaration(id)))
}

pub async fn edit_get(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = declaration_id(&path)?;
    let person = me.id;
    let (declaration, current) = state
        .db
        .run(move |conn| service::read_current(conn, person, id))
        .await?;
    me.require(
        declaration.declarant == me.id,
        "Only the person who declared it can update a declaration.",
    )?;
    let details = current.details()?;
    let form = DeclarationForm {
        contact_name: details.contact_name.clone(),
        link: details.link.as_str().into(),
        class_or_year: details.class_or_year.clone(),
        nature: details.nature.as_str().into(),
        in_person: if details.in_person {
            "yes".into()
        } else {
            String::new()
        },
        since: details.since.clone(),
        description: details.description.clone(),
    };
    form_page(
        page,
        &me,
        FormTarget::update(id),
        form,
        &details.platforms,
        FormErrors::new(),
    )
}

pub async fn edit_post(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    path: web::Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let id = declaration_id(&path)?;
    require_part(&state, &me, id, true).await?;
    let (form, platforms) = read_form(&pairs);
    let details = match parse_details(&form, &platforms) {
        Ok(details) => details,
        Err(errors) => {
            return form_page(page, &me, FormTarget::update(id), form, &platforms, errors);
        }
    };
    let ctx = state.ctx();
    let person = me.id;
    state
        .db
        .run(move |conn| {
            let me = service::read_person(conn, person)?;
            service::update(conn, &ctx, &me, id, details)
        })
        .await?;
    FlashMessage::success(
        "Your update has been sent to your reviewer; the earlier version is kept.",
    )
    .send();
    Ok(see_other(&urls::declaration(id)))
}
