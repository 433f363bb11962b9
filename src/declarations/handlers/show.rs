//! A declaration, and what its declarant and its reviewer do on its page.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::auth::csrf::CsrfForm;
use crate::declarations::domain::State;
use crate::declarations::service;
use crate::declarations::views::*;
use crate::error::{AppError, FormErrors};
use crate::ids::DeclarationId;
use crate::web::outcome::{saved, Refusal};
use crate::web::signed::Signed;
use crate::web::{form_status, format, render_with, urls};

pub async fn show_get(me: Signed, id: web::Path<DeclarationId>) -> Result<HttpResponse, AppError> {
    show(me, *id, Input::default(), FormErrors::new()).await
}

/// What the page's two forms (the review, the end) had typed in them.
#[derive(Default)]
struct Input {
    review: ReviewForm,
    end: EndForm,
}

async fn show(
    me: Signed,
    id: DeclarationId,
    input: Input,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let (declaration, versions, declarant) = me
        .read(move |conn, _, actor| service::read_declaration(conn, actor, id))
        .await?;
    let zone = me.zone();
    let mut views = VersionView::all(&versions, zone)?;
    let current = views
        .pop()
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("declaration without versions")))?;
    views.reverse();
    let mine = declaration.declarant == me.id;
    let open = declaration.state != State::Ended;
    let reviewing = declaration.reviewer_role == me.role && !mine;
    let action = |verb: &str, may: bool| may.then(|| format!("{}/{verb}", urls::declaration(id)));
    render_with(
        form_status(&errors),
        DeclarationShowPage {
            declarant: declarant.name,
            state: state_tag(declaration.state),
            current,
            earlier: views,
            review_notes: declaration.review_notes.clone().filter(|n| !n.is_empty()),
            conditions: declaration.conditions.clone(),
            reviewed: declaration.reviewed_at.map(|t| format::date_time(t, zone)),
            review_is_earlier: declaration.state == State::AwaitingReview
                && declaration.reviewed_at.is_some(),
            ended: declaration.ended_on.map(|d| {
                format!(
                    "{}: {}",
                    format::calendar_date(d),
                    declaration.end_reason.clone().unwrap_or_default()
                )
            }),
            edit_href: action("edit", mine && open),
            end_action: action("end", mine && open),
            review_action: action("review", reviewing && open),
            notes: input.review.notes,
            conditions_input: input.review.conditions,
            ended_on: input.end.ended_on,
            end_reason: input.end.end_reason,
            errors,
            page: me.page,
        },
    )
}

#[derive(Clone, Deserialize, Default)]
#[serde(default)]
pub struct EndForm {
    ended_on: String,
    end_reason: String,
}

pub async fn end_post(
    me: Signed,
    id: web::Path<DeclarationId>,
    CsrfForm(form): CsrfForm<EndForm>,
) -> Result<HttpResponse, AppError> {
    let id = *id;
    let typed = form.clone();
    let ended = me
        .write(move |tx| service::end(tx, id, &typed.ended_on, &typed.end_reason))
        .await;
    match ended.refusal()? {
        Ok(()) => saved(
            "The declaration has ended. It stays on record.",
            &urls::declaration(id),
        ),
        Err(errors) => {
            let input = Input {
                end: form,
                ..Input::default()
            };
            show(me, id, input, errors).await
        }
    }
}

#[derive(Clone, Deserialize, Default)]
#[serde(default)]
pub struct ReviewForm {
    decision: String,
    notes: String,
    conditions: String,
}

pub async fn review_post(
    me: Signed,
    id: web::Path<DeclarationId>,
    CsrfForm(form): CsrfForm<ReviewForm>,
) -> Result<HttpResponse, AppError> {
    let id = *id;
    let typed = form.clone();
    let reviewed = me
        .write(move |tx| service::review(tx, id, &typed.decision, &typed.notes, &typed.conditions))
        .await;
    match reviewed.refusal()? {
        Ok(acknowledged) => saved(
            if acknowledged {
                "The declaration is acknowledged, and its declarant emailed."
            } else {
                "The declaration is returned for more detail, and its declarant emailed."
            },
            urls::DECLARATIONS_REVIEW,
        ),
        Err(errors) => {
            let input = Input {
                review: form,
                ..Input::default()
            };
            show(me, id, input, errors).await
        }
    }
}
