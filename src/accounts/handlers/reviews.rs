//! Access reviews of an account: every live grant kept or revoked.

use std::collections::HashMap;

use actix_web::{web, HttpResponse};

use super::rows::{ends_on, name_of};
use crate::accounts::domain;
use crate::accounts::service;
use crate::accounts::views::*;
use crate::auth::csrf::CsrfForm;
use crate::error::{AppError, FormErrors};
use crate::ids::{AccountId, GrantId};
use crate::web::outcome::{saved, Refusal};
use crate::web::signed::Signed;
use crate::web::{form_status, format, render_with, urls};

/// The review's form as typed: `decision-<grant>` ("keep" or "revoke")
/// for each live grant, and `notes`.
type Typed = HashMap<String, String>;

async fn review_page(
    me: Signed,
    id: AccountId,
    chosen: Typed,
    notes: String,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let (account, live, people) = me.read_of(id, service::read_review_page).await?;
    let zone = me.zone();
    render_with(
        form_status(&errors),
        AccessReviewPage {
            account: ActionOnAccount::new(&account, "review"),
            items: live
                .iter()
                .map(|g| ReviewItem {
                    grant_id: g.id.to_string(),
                    grantee: name_of(&people, g.grantee_id),
                    granted: format::date(g.granted_at, zone),
                    aim: g.aim.label(),
                    purpose: g.purpose.clone(),
                    ends_on: ends_on(g),
                    decision: chosen
                        .get(&format!("decision-{}", g.id))
                        .cloned()
                        .unwrap_or_default(),
                })
                .collect(),
            notes,
            errors,
            page: me.page,
        },
    )
}

pub async fn review_get(me: Signed, id: web::Path<AccountId>) -> Result<HttpResponse, AppError> {
    review_page(me, *id, Typed::new(), String::new(), FormErrors::new()).await
}

/// Each grant kept (`true`) or revoked, as chosen.
fn decisions(form: &Typed) -> HashMap<GrantId, bool> {
    form.iter()
        .filter_map(|(key, value)| {
            let grant = GrantId::parse(key.strip_prefix("decision-")?)?;
            match value.as_str() {
                "keep" => Some((grant, true)),
                "revoke" => Some((grant, false)),
                _ => None,
            }
        })
        .collect()
}

pub async fn review_post(
    me: Signed,
    id: web::Path<AccountId>,
    CsrfForm(form): CsrfForm<Typed>,
) -> Result<HttpResponse, AppError> {
    let id = *id;
    let decisions = decisions(&form);
    let typed = form.get("notes").cloned().unwrap_or_default();
    let notes = domain::parse_review_notes(&typed);
    // A refusal shows the notes as they would have been kept.
    let shown = notes.clone().unwrap_or(typed);
    let reviewed = me
        .write(move |tx| service::review(tx, id, &decisions, notes))
        .await;
    match reviewed.refusal()? {
        Ok((kept, revoked)) => saved(
            format!("The review is recorded: {kept} kept, {revoked} revoked."),
            &urls::account(id),
        ),
        Err(errors) => review_page(me, id, form, shown, errors).await,
    }
}
