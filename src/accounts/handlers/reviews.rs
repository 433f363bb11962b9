//! Access reviews of an account: every live grant kept or revoked.

use std::collections::HashMap;

use actix_web::{web, HttpResponse};
use actix_web_flash_messages::FlashMessage;

use super::{account_id, name_of, require_manager};
use crate::accounts::domain::{self};
use crate::accounts::service;
use crate::accounts::views::*;
use crate::auth::csrf::CsrfForm;
use crate::auth::current::CurrentPerson;
use crate::error::{AppError, FormErrors};
use crate::ids::{AccountId, GrantId};
use crate::state::AppState;
use crate::web::layout::PageContext;
use crate::web::{form_status, format, render_with, see_other, urls};

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
        .run(move |conn| service::read_review_page(conn, id))
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
