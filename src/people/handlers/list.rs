//! The people pages of SLT and the head: everyone, adding a person, a
//! person's record, a new role and a leaver.

use actix_web::{web, HttpResponse};
use actix_web_flash_messages::FlashMessage;
use serde::Deserialize;

use crate::auth::csrf::{CsrfForm, NoFields};
use crate::error::{AppError, FormErrors};
use crate::ids::PersonId;
use crate::people::domain::{NewPerson, Role};
use crate::people::service;
use crate::people::views::*;
use crate::web::outcome::{saved, Refusal};
use crate::web::signed::Signed;
use crate::web::{form_status, render, render_with, see_other, urls};

pub async fn list_get(me: Signed) -> Result<HttpResponse, AppError> {
    let people = me
        .read(|conn, _, actor| service::read_people(conn, actor))
        .await?;
    let zone = me.zone();
    render(PeopleListPage {
        people: people.iter().map(|p| PersonView::new(p, zone)).collect(),
        page: me.page,
    })
}

/// The form to add a person, as typed.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewPersonForm {
    name: String,
    email: String,
    role: String,
}

fn new_page(me: Signed, form: NewPersonForm, errors: FormErrors) -> Result<HttpResponse, AppError> {
    render_with(
        form_status(&errors),
        PeopleNewPage {
            roles: role_choices(me.role, Role::parse(&form.role)),
            name: form.name,
            email: form.email,
            errors,
            page: me.page,
        },
    )
}

pub async fn new_get(me: Signed) -> Result<HttpResponse, AppError> {
    service::require_manager(&me.actor)?;
    let form = NewPersonForm {
        role: Role::Staff.as_str().into(),
        ..NewPersonForm::default()
    };
    new_page(me, form, FormErrors::new())
}

pub async fn new_post(
    me: Signed,
    CsrfForm(form): CsrfForm<NewPersonForm>,
) -> Result<HttpResponse, AppError> {
    let new = NewPerson::parse(&form.name, &form.email, &form.role);
    let added = me.write(move |tx| service::add(tx, new, None)).await;
    match added.refusal()? {
        Ok(added) => saved(
            format!(
                "{} has been added and emailed an invitation to choose a password.",
                added.person.name
            ),
            &urls::person(added.person.id),
        ),
        Err(errors) => new_page(me, form, errors),
    }
}

pub async fn show_get(me: Signed, id: web::Path<PersonId>) -> Result<HttpResponse, AppError> {
    let id = *id;
    let service::PersonPage {
        person,
        access,
        may_change,
    } = me
        .read(move |conn, ctx, actor| service::read_person(conn, ctx, actor, id))
        .await?;
    let zone = me.zone();
    render(PeopleShowPage {
        access: access
            .into_iter()
            .map(|a| AccessView::new(a, zone))
            .collect(),
        role_url: urls::person_role(id),
        deactivate_url: urls::person_deactivate(id),
        roles: role_choices(me.role, Some(person.role)),
        person: PersonView::new(&person, zone),
        may_change,
        page: me.page,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RoleForm {
    role: String,
}

pub async fn role_post(
    me: Signed,
    id: web::Path<PersonId>,
    CsrfForm(form): CsrfForm<RoleForm>,
) -> Result<HttpResponse, AppError> {
    let id = *id;
    let role = Role::parse(&form.role).ok_or_else(|| {
        let mut errors = FormErrors::new();
        errors.add("role", "Choose a role from the list.");
        errors
    });
    let changed = me.write(move |tx| service::change_role(tx, id, role)).await;
    match changed.refusal()? {
        Ok(person) => FlashMessage::success(format!(
            "{} is now {}. They have been signed out everywhere and emailed.",
            person.name,
            person.role.label()
        ))
        .send(),
        // The record's page has no field for it: the refusal is a message.
        Err(errors) => FlashMessage::error(errors.get("role").unwrap_or_default()).send(),
    }
    Ok(see_other(&urls::person(id)))
}

pub async fn deactivate_post(
    me: Signed,
    id: web::Path<PersonId>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let id = *id;
    let person = me.write(move |tx| service::deactivate(tx, id)).await?;
    saved(
        format!(
            "{} has been deactivated and can no longer sign in.",
            person.name
        ),
        &urls::person(id),
    )
}
