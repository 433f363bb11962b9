//! A concern's page, its evidence, and for the reviewer its timeline and
//! forms.

use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::{web, HttpResponse};

use crate::concerns::domain::{Outcome, Reviewer};
use crate::concerns::service;
use crate::concerns::steps::StepForm;
use crate::concerns::views::*;
use crate::error::{AppError, FormErrors};
use crate::ids::{ConcernId, EvidenceId};
use crate::web::signed::Signed;
use crate::web::{form_status, format, render_with};

pub async fn show_get(me: Signed, id: web::Path<ConcernId>) -> Result<HttpResponse, AppError> {
    show(me, *id, StepForm::default(), FormErrors::new()).await
}

/// The page, with what the reviewer typed into its forms and the errors
/// beside it (422 when there are any).
pub(super) async fn show(
    me: Signed,
    id: ConcernId,
    typed: StepForm,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let page = me
        .read(move |conn, ctx, actor| service::read_concern(conn, ctx, actor, id))
        .await?;
    let (zone, now) = (me.zone(), me.state.clock.now());
    let status = form_status(&errors);
    let review = page
        .reviewing
        .then(|| ReviewView::new(&page, typed, errors, now, zone));
    let c = &page.concern;
    render_with(
        status,
        ConcernShowPage {
            reference: c.reference(),
            raised: format::date_time(c.raised_at, zone),
            raised_by: page.names.person(&c.raised_by.to_string()),
            status: c.status.label(),
            status_tag: c.status.tag(),
            outcome: c.outcome.map(Outcome::label),
            closed: c.closed_at.map(|t| format::date_time(t, zone)),
            about: about_text(c, &page.names),
            about_detail: c.raised.about_detail.clone(),
            happened_on: format::calendar_date(c.raised.happened_on),
            what_happened: c.raised.what_happened.clone(),
            evidence: page
                .evidence
                .iter()
                .map(|e| EvidenceView::new(c, e))
                .collect(),
            lado_contact: (c.reviewer == Reviewer::Lado)
                .then(|| me.state.settings.lado_contact.clone()),
            reviewer_label: c.reviewer.label(),
            review,
            page: me.page,
        },
    )
}

pub async fn evidence_get(
    me: Signed,
    path: web::Path<(ConcernId, EvidenceId)>,
) -> Result<HttpResponse, AppError> {
    let (id, file) = path.into_inner();
    let (info, bytes) = me
        .read(move |conn, ctx, actor| service::read_evidence(conn, ctx, actor, id, file))
        .await?;
    Ok(HttpResponse::Ok()
        .content_type(info.content_type.as_str())
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(info.file_name)],
        })
        .body(bytes))
}
