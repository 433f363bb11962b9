//! Declaring a contact, and updating a declaration: one form for both.

use actix_web::{web, HttpResponse};

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

/// The form as typed; `platforms` repeats, once per box ticked.
#[derive(Clone, Default)]
struct Input {
    pairs: Vec<(String, String)>,
}

impl Input {
    fn get(&self, key: &str) -> &str {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map_or("", |(_, v)| v.as_str())
    }

    fn platforms(&self) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == "platforms")
            .map(|(_, v)| v.clone())
            .collect()
    }

    fn from_details(details: &Details) -> Self {
        let mut pairs = vec![
            ("contact_name", details.contact_name.clone()),
            ("link", details.link.as_str().to_owned()),
            ("class_or_year", details.class_or_year.clone()),
            ("nature", details.nature.as_str().to_owned()),
            (
                "in_person",
                if details.in_person { "yes" } else { "" }.to_owned(),
            ),
            ("since", details.since.clone()),
            ("description", details.description.clone()),
        ];
        pairs.extend(details.platforms.iter().map(|p| ("platforms", p.clone())));
        Self {
            pairs: pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
        }
    }

    fn parse(&self) -> Result<Details, FormErrors> {
        Details::parse(
            self.get("contact_name"),
            self.get("link"),
            self.get("class_or_year"),
            self.get("nature"),
            self.get("in_person") == "yes",
            &self.platforms(),
            self.get("since"),
            self.get("description"),
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
    input: &Input,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let platforms = input.platforms();
    render_with(
        form_status(&errors),
        DeclarationFormPage {
            heading: target.heading,
            action: target.action,
            back: target.back,
            links: Choice::options(Link::ALL, input.get("link")),
            natures: Choice::options(Nature::ALL, input.get("nature")),
            platforms: PLATFORMS
                .iter()
                .map(|p| Choice::of(*p, *p, platforms.iter().any(|c| c == p)))
                .collect(),
            in_person: input.get("in_person") == "yes",
            contact_name: input.get("contact_name").to_owned(),
            class_or_year: input.get("class_or_year").to_owned(),
            since: input.get("since").to_owned(),
            description: input.get("description").to_owned(),
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
        &Input::default(),
        FormErrors::new(),
    )
}

pub async fn new_post(
    me: Signed,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let input = Input { pairs };
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
    let input = Input::from_details(&current.details()?);
    form_page(me, Target::update(id), &input, FormErrors::new())
}

pub async fn edit_post(
    me: Signed,
    id: web::Path<DeclarationId>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let id = *id;
    let input = Input { pairs };
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
