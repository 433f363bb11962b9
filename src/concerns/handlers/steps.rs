//! The reviewer's steps on a concern: notes, actions, status,
//! classification, closing, the person informed. One route takes them
//! all; the last part of its path says which form was sent.

use actix_web::{web, HttpResponse};

use super::show::show;
use crate::auth::csrf::CsrfForm;
use crate::concerns::service;
use crate::concerns::steps::{Step, StepForm, StepKind};
use crate::error::AppError;
use crate::ids::ConcernId;
use crate::web::outcome::{saved, Refusal};
use crate::web::signed::Signed;
use crate::web::urls;

/// `/concerns/{id}/{step}`, where `step` is one of the forms' paths
/// (`notes`, `close`, ...): any other is no route.
pub fn steps_path() -> String {
    let steps: Vec<&str> = StepKind::ALL.iter().map(|s| s.as_str()).collect();
    format!("{}/{{id}}/{{step:{}}}", urls::CONCERNS, steps.join("|"))
}

pub async fn step_post(
    me: Signed,
    path: web::Path<(ConcernId, StepKind)>,
    CsrfForm(form): CsrfForm<StepForm>,
) -> Result<HttpResponse, AppError> {
    let (id, kind) = path.into_inner();
    let step = Step::parse(kind, &form, me.today());
    // `read`, not `write`: the service opens its own `Tx` once the look
    // is checked, so that a refused look stays recorded.
    let taken = me
        .read(move |conn, ctx, actor| service::take_step(conn, ctx, actor, id, step))
        .await;
    match taken.refusal()? {
        Ok(()) => saved(kind.label(), &urls::concern(id)),
        Err(errors) => show(me, id, form, errors).await,
    }
}
