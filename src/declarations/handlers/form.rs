//! Declaring a contact, and updating a declaration: one form for both.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::auth::csrf::CsrfForm;
use crate::declarations::domain::{reviewer_role_for, Details, Link, Nature, PLATFORMS};
use crate::declarations::service;
use crate::declarations::views::*;
use crate::error::{AppError, FormErrors};
use crate::ids::DeclarationId;
use crate::people::domain::Role;
use crate::web::outcome::{saved, Refusal};
use crate::web::signed::Signed;
use crate::web::{form_status, render_with, urls};

/// The form as typed; `platforms` repeats, once per box ticked
/// (`serde_html_form`, under `CsrfForm`, reads it as a list).
#[derive(Clone, Default, Deserialize)]
#[serde(default)]
pub struct DeclarationForm {
    contact_name: String,
    link: String,
    class_or_year: String,
    nature: String,
    in_person: String,
    platforms: Vec<String>,
    since: String,
    description: String,
}

impl DeclarationForm {
    fn from_details(details: &Details) -> Self {
        Self {
            contact_name: details.contact_name.clone(),
            link: details.link.as_str().to_owned(),
            class_or_year: details.class_or_year.clone(),
            nature: details.nature.as_str().to_owned(),
            in_person: if details.in_person { "yes" } else { "" }.to_owned(),
            platforms: details.platforms.clone(),
            since: details.since.clone(),
            description: details.description.clone(),
        }
    }

    fn parse(&self) -> Result<Details, FormErrors> {
        Details::parse(
            &self.contact_name,
            &self.link,
            &self.class_or_year,
            &self.nature,
            self.in_person == "yes",
            &self.platforms,
            &self.since,
            &self.description,
        )
    }
}

/// Where the form is: its heading, where it posts, where Cancel goes.
struct Target {
    heading: &'static str,
    action: String,
    back: String,
}

impl Target {
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
    me: Signed,
    target: Target,
    input: &DeclarationForm,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    render_with(
        form_status(&errors),
        DeclarationFormPage {
            heading: target.heading,
            action: target.action,
            back: target.back,
            links: Choice::options(Link::ALL, &input.link),
            natures: Choice::options(Nature::ALL, &input.nature),
            platforms: PLATFORMS
                .iter()
                .map(|p| Choice::of(*p, *p, input.platforms.iter().any(|c| c == p)))
                .collect(),
            in_person: input.in_person == "yes",
            contact_name: input.contact_name.clone(),
            class_or_year: input.class_or_year.clone(),
            since: input.since.clone(),
            description: input.description.clone(),
            reviewer: match reviewer_role_for(me.role) {
                Role::Chair => "the chair of governors",
                _ => "the headteacher",
            },
            errors,
            page: me.page,
        },
    )
}

pub async fn new_get(me: Signed) -> Result<HttpResponse, AppError> {
    me.require(
        me.role != Role::Chair,
        "Governors do not make declarations here.",
    )?;
    form_page(
        me,
        Target::new_declaration(),
        &DeclarationForm::default(),
        FormErrors::new(),
    )
}

pub async fn new_post(
    me: Signed,
    CsrfForm(input): CsrfForm<DeclarationForm>,
) -> Result<HttpResponse, AppError> {
    let details = input.parse();
    let declared = me.write(move |tx| service::declare(tx, details)).await;
    match declared.refusal()? {
        Ok(id) => saved(
            "Your declaration has been sent to your reviewer. Only you and they can see it.",
            &urls::declaration(id),
        ),
        Err(errors) => form_page(me, Target::new_declaration(), &input, errors),
    }
}

pub async fn edit_get(me: Signed, id: web::Path<DeclarationId>) -> Result<HttpResponse, AppError> {
    let id = *id;
    let (_, current) = me
        .read(move |conn, _, actor| service::read_current(conn, actor, id))
        .await?;
    let input = DeclarationForm::from_details(&current.details()?);
    form_page(me, Target::update(id), &input, FormErrors::new())
}

pub async fn edit_post(
    me: Signed,
    id: web::Path<DeclarationId>,
    CsrfForm(input): CsrfForm<DeclarationForm>,
) -> Result<HttpResponse, AppError> {
    let id = *id;
    let details = input.parse();
    let updated = me.write(move |tx| service::update(tx, id, details)).await;
    match updated.refusal()? {
        Ok(()) => saved(
            "Your update has been sent to your reviewer; the earlier version is kept.",
            &urls::declaration(id),
        ),
        Err(errors) => form_page(me, Target::update(id), &input, errors),
    }
}
