//! A concern's page, its evidence, and for the reviewer its timeline.

use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};

use super::*;
use crate::auth::current::CurrentPerson;
use crate::clock::from_row;
use crate::concerns::domain::{ActionKind, Classification, EntryKind, Outcome, Reviewer, Status};
use crate::concerns::service::{self, EntryRow};
use crate::concerns::views::*;
use crate::error::{AppError, FormErrors};
use crate::ids::{ConcernId, EvidenceId};
use crate::state::AppState;
use crate::web::form::Choice;
use crate::web::layout::PageContext;
use crate::web::{format, render_with, urls};

pub async fn show_get(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = concern_id(&path)?;
    show(me, state, page, id, StepForm::default(), FormErrors::new()).await
}

pub(super) async fn show(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    id: ConcernId,
    typed: StepForm,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let ctx = state.ctx();
    let viewer = me.clone();
    let loaded = state
        .db
        .run(move |conn| service::read_concern(conn, &ctx, &viewer, id))
        .await?;
    let zone = state.settings.time_zone;
    let now = state.clock.now();
    let service::ConcernPage {
        concern: c,
        evidence,
        entries,
        access,
        names,
        accounts,
    } = loaded;
    let name_of = |id: &str| names.get(id).cloned().unwrap_or_else(|| "A person".into());
    let review = service::reviews(&c, &me).then(|| {
        let due = c.lado_referral_due();
        let classification = c.classification;
        let outcomes = match classification {
            Some(class) => Outcome::allowed_for(class),
            None => Outcome::ALL,
        };
        ReviewView {
            classification: classification.map(Classification::label),
            lado_due: due.map(|d| format::date_time(d, zone)),
            lado_overdue: due.is_some_and(|d| d < now),
            lado_referred: c.lado_referred_on.map(format::calendar_date),
            person_informed: c.person_informed_on.map(format::calendar_date),
            closing_summary: c.closing_summary.clone(),
            timeline: entries
                .iter()
                .map(|e| entry_view(e, &name_of, zone))
                .collect(),
            access: access
                .iter()
                .map(|e| AccessView {
                    when: format::date_time(from_row(e.occurred_at), zone),
                    who: e
                        .actor_id
                        .as_deref()
                        .map(&name_of)
                        .unwrap_or_else(|| "Custodian".into()),
                    what: match e.action.as_str() {
                        "concern.viewed" => "Opened the concern",
                        "concern.evidence_downloaded" => "Downloaded evidence",
                        _ => "Tried to open it and was refused",
                    },
                })
                .collect(),
            is_closed: c.status == Status::Closed,
            note_action: urls::concern_page(c.id, "notes"),
            action_action: urls::concern_page(c.id, "actions"),
            status_action: urls::concern_page(c.id, "status"),
            classify_action: urls::concern_page(c.id, "classification"),
            close_action: urls::concern_page(c.id, "close"),
            informed_action: urls::concern_page(c.id, "informed"),
            action_kinds: Choice::options(ActionKind::ALL, &typed.action_kind),
            statuses: Choice::options(&[Status::Open, Status::UnderReview], &typed.status_to),
            classifications: Choice::options(Classification::ALL, &typed.classification),
            outcomes: Choice::options(outcomes, &typed.outcome),
            note_text: typed.note_text.clone(),
            action_on: typed.action_on.clone(),
            action_reference: typed.action_reference.clone(),
            action_text: typed.action_text.clone(),
            status_text: typed.status_text.clone(),
            classify_text: typed.classify_text.clone(),
            summary: typed.summary.clone(),
            informed_on: typed.informed_on.clone(),
            informed_text: typed.informed_text.clone(),
            errors,
        }
    });
    let status = match &review {
        Some(r) if !r.errors.is_empty() => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::OK,
    };
    render_with(
        status,
        ConcernShowPage {
            page,
            reference: c.reference(),
            raised: format::date_time(c.raised_at, zone),
            raised_by: name_of(&c.raised_by.to_string()),
            status: c.status.label(),
            status_tag: c.status.tag(),
            outcome: c.outcome.map(Outcome::label),
            closed: c.closed_at.map(|t| format::date_time(t, zone)),
            about: about_text(&c, &names, &accounts),
            about_detail: c.about_detail.clone(),
            happened_on: format::calendar_date(c.happened_on),
            what_happened: c.what_happened.clone(),
            evidence: evidence
                .iter()
                .map(|e| EvidenceView {
                    href: urls::concern_evidence(c.id, &e.id),
                    file_name: e.file_name.clone(),
                    kind: match e.content_type.as_str() {
                        "image/png" => "PNG picture",
                        "image/jpeg" => "JPEG picture",
                        _ => "PDF document",
                    },
                    size: file_size(e.size_bytes),
                })
                .collect(),
            lado_contact: (c.reviewer == Reviewer::Lado)
                .then(|| state.settings.lado_contact.clone()),
            reviewer_label: c.reviewer.label(),
            review,
        },
    )
}

fn file_size(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

fn entry_view(e: &EntryRow, name_of: &impl Fn(&str) -> String, zone: &time_tz::Tz) -> EntryView {
    let code = e.code.as_deref().unwrap_or_default();
    let heading = match e.entry_kind() {
        Some(EntryKind::Action) => ActionKind::parse(code)
            .map(ActionKind::label)
            .unwrap_or("Action")
            .to_owned(),
        Some(EntryKind::Status) => format!(
            "Status: {}",
            Status::parse(code).map(Status::label).unwrap_or_default()
        ),
        Some(EntryKind::Classification) => format!(
            "Classified: {}",
            Classification::parse(code)
                .map(Classification::label)
                .unwrap_or_default()
        ),
        Some(EntryKind::Closed) => format!(
            "Closed. Outcome: {}",
            Outcome::parse(code).map(Outcome::label).unwrap_or_default()
        ),
        Some(kind) => kind.label().to_owned(),
        None => "Entry".to_owned(),
    };
    let detail = match (&e.on_date, &e.reference) {
        (Some(on), Some(r)) => Some(format!("On {}, reference {r}", format::calendar_date(*on))),
        (Some(on), None) => Some(format!("On {}", format::calendar_date(*on))),
        (None, Some(r)) => Some(format!("Reference {r}")),
        (None, None) => None,
    };
    EntryView {
        when: format::date_time(from_row(e.recorded_at), zone),
        author: name_of(&e.author_id),
        heading,
        detail,
        body: e.body.clone(),
    }
}

pub async fn evidence_get(
    me: CurrentPerson,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (concern, file) = path.into_inner();
    let id = concern_id(&concern)?;
    let file = EvidenceId::parse(&file).ok_or(AppError::NotFound)?;
    let ctx = state.ctx();
    let (info, bytes) = state
        .db
        .run(move |conn| service::read_evidence(conn, &ctx, &me, id, file))
        .await?;
    Ok(HttpResponse::Ok()
        .content_type(info.content_type.as_str())
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(info.file_name)],
        })
        .body(bytes))
}
