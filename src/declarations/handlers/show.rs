//! A declaration, and what its declarant and its reviewer do on its page.

use actix_web::{web, HttpResponse};
use actix_web_flash_messages::FlashMessage;
use serde::Deserialize;

use super::*;
use crate::auth::csrf::CsrfForm;
use crate::auth::current::CurrentPerson;
use crate::declarations::domain::{self, State};
use crate::declarations::service::{self};
use crate::declarations::views::*;
use crate::error::{AppError, FormErrors};
use crate::ids::DeclarationId;
use crate::state::AppState;
use crate::web::layout::PageContext;
use crate::web::{form_status, format, render_with, see_other, urls};

pub async fn show_get(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = declaration_id(&path)?;
    show(me, state, page, id, ShowInput::default(), FormErrors::new()).await
}

#[derive(Default)]
struct ShowInput {
    notes: String,
    conditions: String,
    ended_on: String,
    end_reason: String,
}

async fn show(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    id: DeclarationId,
    input: ShowInput,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let person = me.id;
    let (declaration, versions, declarant) = state
        .db
        .run(move |conn| service::read_declaration(conn, person, id))
        .await?;
    let zone = state.settings.time_zone;
    let mut views = Vec::new();
    for (n, row) in versions.iter().enumerate() {
        views.push(version_view(
            row,
            n.checked_sub(1).and_then(|b| versions.get(b)),
            zone,
        )?);
    }
    let current = views
        .pop()
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("declaration without versions")))?;
    views.reverse();
    let mine = declaration.declarant == me.id;
    let open = declaration.state != State::Ended;
    let reviewing = declaration.reviewer_role == me.role && !mine;
    render_with(
        form_status(&errors),
        DeclarationShowPage {
            page,
            declarant: declarant.name,
            state: declaration.state.label(),
            state_tag: declaration.state.tag(),
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
            edit_href: (mine && open).then(|| format!("{}/edit", urls::declaration(id))),
            end_action: (mine && open).then(|| format!("{}/end", urls::declaration(id))),
            review_action: (reviewing && open).then(|| format!("{}/review", urls::declaration(id))),
            notes: input.notes,
            conditions_input: input.conditions,
            ended_on: input.ended_on,
            end_reason: input.end_reason,
            errors,
        },
    )
}

#[derive(Deserialize)]
pub struct EndForm {
    #[serde(default)]
    ended_on: String,
    #[serde(default)]
    end_reason: String,
}

pub async fn end_post(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<EndForm>,
) -> Result<HttpResponse, AppError> {
    let id = declaration_id(&path)?;
    require_part(&state, &me, id, true).await?;
    let today = format::local_date(state.clock.now(), state.settings.time_zone);
    let (on, reason) = match domain::parse_end(&form.ended_on, &form.end_reason, today) {
        Ok(parsed) => parsed,
        Err(errors) => {
            let input = ShowInput {
                ended_on: form.ended_on,
                end_reason: form.end_reason,
                ..ShowInput::default()
            };
            return show(me, state, page, id, input, errors).await;
        }
    };
    let ctx = state.ctx();
    let person = me.id;
    state
        .db
        .run(move |conn| {
            let me = service::read_person(conn, person)?;
            service::end(conn, &ctx, &me, id, on, &reason)
        })
        .await?;
    FlashMessage::success("The declaration has ended. It stays on record.").send();
    Ok(see_other(&urls::declaration(id)))
}

#[derive(Deserialize)]
pub struct ReviewForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    conditions: String,
}

pub async fn review_post(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<ReviewForm>,
) -> Result<HttpResponse, AppError> {
    let id = declaration_id(&path)?;
    require_part(&state, &me, id, false).await?;
    let acknowledge = match form.decision.as_str() {
        "acknowledge" => true,
        "return" => false,
        _ => {
            return Err(AppError::BadRequest(
                "Choose to acknowledge it or return it.".into(),
            ))
        }
    };
    let (notes, conditions) = match domain::parse_review(acknowledge, &form.notes, &form.conditions)
    {
        Ok(parsed) => parsed,
        Err(errors) => {
            let input = ShowInput {
                notes: form.notes,
                conditions: form.conditions,
                ..ShowInput::default()
            };
            return show(me, state, page, id, input, errors).await;
        }
    };
    let ctx = state.ctx();
    let person = me.id;
    state
        .db
        .run(move |conn| {
            let me = service::read_person(conn, person)?;
            service::read_visible(conn, &me, id)?;
            service::review(conn, &ctx, &me, id, acknowledge, &notes, &conditions)
        })
        .await?;
    FlashMessage::success(if acknowledge {
        "The declaration is acknowledged, and its declarant emailed."
    } else {
        "The declaration is returned for more detail, and its declarant emailed."
    })
    .send();
    Ok(see_other(urls::DECLARATIONS_REVIEW))
}
