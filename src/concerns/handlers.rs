//! The concerns pages: one's own, raising one, the reviewer's queue, a
//! concern and its evidence, and the reviewer's steps.
//!
//! SECURITY: a concern that does not exist and one this person may not see
//! get the same 403, so the head cannot learn that a concern about them
//! exists by guessing ids.

use std::collections::HashMap;

use actix_multipart::Multipart;
use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use actix_web_flash_messages::FlashMessage;
use serde::Deserialize;

use super::domain::{
    About, ActionKind, Classification, EntryKind, NewConcern, Outcome, RaiseInput, Reviewer,
    Status, MAX_EVIDENCE_FILES, MAX_SHORT_TEXT, MAX_TEXT,
};
use super::service::{self, Look, Step, NOT_REVIEWER};
use super::store::{self, Concern, EntryRow, EvidenceInfo};
use super::upload;
use super::views::*;
use crate::audit::store::{self as audit_store, EventFilter};
use crate::audit::Action;
use crate::auth::csrf::{self, CsrfForm};
use crate::auth::current::CurrentPerson;
use crate::clock::from_row;
use crate::db::DbConnection;
use crate::error::{AppError, FormErrors};
use crate::ids::{ConcernId, EvidenceId};
use crate::people::domain::{Person, Role};
use crate::people::store as people_store;
use crate::state::{AppState, Ctx};
use crate::web::form::{self, TextKind};
use crate::web::layout::PageContext;
use crate::web::{form_status, format, render, render_with, see_other, urls};

fn concern_id(raw: &str) -> Result<ConcernId, AppError> {
    ConcernId::parse(raw).ok_or(AppError::Forbidden(NOT_REVIEWER))
}

/// Who reviews for this person's role, if anyone.
fn reviewing_as(me: &CurrentPerson) -> Option<Reviewer> {
    match me.role {
        Role::Headteacher => Some(Reviewer::Headteacher),
        Role::Chair => Some(Reviewer::Chair),
        _ => None,
    }
}

fn names(people: &[Person]) -> HashMap<String, String> {
    people
        .iter()
        .map(|p| (p.id.to_string(), p.name.clone()))
        .collect()
}

/// What a concern is about, in words, with the person's or account's name.
fn about_text(
    concern: &Concern,
    names: &HashMap<String, String>,
    accounts: &HashMap<String, String>,
) -> String {
    let named = |label: &str, name: Option<&String>| match name {
        Some(name) => format!("{label}: {name}"),
        None => label.to_owned(),
    };
    match concern.about {
        About::Staff => named(
            "A member of staff",
            concern.about_person.and_then(|p| names.get(&p.to_string())),
        ),
        About::Headteacher => named(
            "The headteacher",
            concern.about_person.and_then(|p| names.get(&p.to_string())),
        ),
        About::Account => named(
            "An official account",
            concern.about_account.as_ref().and_then(|a| accounts.get(a)),
        ),
        other => other.label().to_owned(),
    }
}

fn account_names(conn: &mut DbConnection) -> Result<HashMap<String, String>, AppError> {
    Ok(crate::accounts::store::list_accounts(conn)?
        .into_iter()
        .map(|a| {
            (
                a.id.to_string(),
                format!("{} {}", a.platform.label(), a.handle),
            )
        })
        .collect())
}

pub async fn home_get(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
) -> Result<HttpResponse, AppError> {
    let id = me.id;
    let reviewer = reviewing_as(&me);
    let (mine, open) = state
        .db
        .run(move |conn| {
            let open = match reviewer {
                Some(r) => Some(store::count_open(conn, r, id, None)?),
                None => None,
            };
            Ok((store::list_raised_by(conn, id)?, open))
        })
        .await?;
    let zone = state.settings.time_zone;
    render(ConcernsHomePage {
        page,
        concerns: mine
            .iter()
            .map(|c| OwnRowView {
                href: urls::concern(c.id),
                reference: c.reference(),
                raised: format::date(c.raised_at, zone),
                about: c.about.label(),
                status: c.status.label(),
                status_tag: c.status.tag(),
                outcome: c.outcome.map(Outcome::label),
            })
            .collect(),
        new_href: urls::CONCERNS_NEW,
        review: open.map(|n| (urls::CONCERNS_REVIEW, n)),
    })
}

fn choices<T: Copy>(
    all: &[T],
    value: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> &'static str,
    selected: &str,
) -> Vec<Choice> {
    all.iter()
        .map(|&v| Choice {
            value: value(v).into(),
            label: label(v).into(),
            selected: value(v) == selected,
        })
        .collect()
}

async fn form_page(
    state: &web::Data<AppState>,
    page: PageContext,
    typed: RaiseInput,
    files_to_choose_again: bool,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let (people, accounts) = state
        .db
        .run(|conn| {
            Ok((
                people_store::list_people(conn)?,
                crate::accounts::store::list_accounts(conn)?,
            ))
        })
        .await?;
    let status = form_status(&errors);
    render_with(
        status,
        ConcernFormPage {
            page,
            action: urls::CONCERNS,
            back: urls::CONCERNS,
            abouts: choices(About::ALL, About::as_str, About::label, &typed.about),
            people: people
                .iter()
                .filter(|p| p.active)
                .map(|p| Choice {
                    value: p.id.to_string(),
                    label: format!("{} ({})", p.name, p.role.label()),
                    selected: p.id.to_string() == typed.about_person,
                })
                .collect(),
            accounts: accounts
                .iter()
                .filter(|a| a.closed_at.is_none())
                .map(|a| Choice {
                    value: a.id.to_string(),
                    label: format!("{} {}", a.platform.label(), a.handle),
                    selected: a.id.to_string() == typed.about_account,
                })
                .collect(),
            about_detail: typed.about_detail,
            implicates_chair: typed.implicates_chair,
            happened_on: typed.happened_on,
            what_happened: typed.what_happened,
            max_file_size: "10 MB",
            max_files: MAX_EVIDENCE_FILES,
            files_to_choose_again,
            errors,
        },
    )
}

pub async fn new_get(
    _me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
) -> Result<HttpResponse, AppError> {
    form_page(
        &state,
        page,
        RaiseInput::default(),
        false,
        FormErrors::new(),
    )
    .await
}

pub async fn new_post(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    req: HttpRequest,
    multipart: Multipart,
) -> Result<HttpResponse, AppError> {
    let sent = upload::read(multipart).await?;
    csrf::verify(&req, &sent.field("csrf_token"))?;
    let typed = RaiseInput {
        about: sent.field("about"),
        about_person: sent.field("about_person"),
        about_account: sent.field("about_account"),
        about_detail: sent.field("about_detail"),
        implicates_chair: sent.field("implicates_chair") == "yes",
        happened_on: sent.field("happened_on"),
        what_happened: sent.field("what_happened"),
    };
    let today = format::local_date(state.clock.now(), state.settings.time_zone);
    let parsed = NewConcern::parse(&typed, today);
    let mut errors = match &parsed {
        Ok(_) => FormErrors::new(),
        Err(errors) => errors.clone(),
    };
    if !sent.file_errors.is_empty() {
        errors.add("evidence", sent.file_errors.join(". "));
    }
    let new = match parsed {
        Ok(new) if errors.is_empty() => new,
        _ => return form_page(&state, page, typed, sent.chose_files, errors).await,
    };
    let ctx = state.ctx();
    let files = sent.files;
    let raiser = me.clone();
    let concern = state
        .db
        .run(move |conn| service::raise(conn, &ctx, &raiser, new, files))
        .await?;
    let reviewer = concern.reviewer;
    if reviewer != Reviewer::Lado
        && !state
            .db
            .run(move |conn| service::has_reviewer(conn, reviewer))
            .await?
    {
        FlashMessage::warning(format!(
            "Concern {} is recorded, but nobody holds the role of {} in Custodian at the \
             moment, so nobody has been told. Raise it directly with {}.",
            concern.reference(),
            reviewer.label(),
            state.settings.lado_contact
        ))
        .send();
        return Ok(see_other(&urls::concern(concern.id)));
    }
    let message = match concern.reviewer {
        Reviewer::Lado => format!(
            "Concern {} is recorded. It involves both the headteacher and the chair of \
             governors: refer it directly to the LADO, as below.",
            concern.reference()
        ),
        reviewer => format!(
            "Concern {} has been raised with {}. You have been emailed a receipt.",
            concern.reference(),
            reviewer.label()
        ),
    };
    FlashMessage::success(message).send();
    Ok(see_other(&urls::concern(concern.id)))
}

pub async fn review_get(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
) -> Result<HttpResponse, AppError> {
    let reviewer = reviewing_as(&me).ok_or(AppError::Forbidden(
        "Only the headteacher, and the chair of governors for concerns about the head, review \
         concerns.",
    ))?;
    let (open, closed, people, accounts) = state
        .db
        .run(move |conn| {
            Ok((
                store::list_for_reviewer(conn, reviewer, false, 500)?,
                store::list_for_reviewer(conn, reviewer, true, 50)?,
                people_store::list_people(conn)?,
                account_names(conn)?,
            ))
        })
        .await?;
    let names = names(&people);
    let zone = state.settings.time_zone;
    let now = state.clock.now();
    let row = |c: &Concern| {
        let due = c.lado_referral_due();
        QueueRowView {
            href: urls::concern(c.id),
            reference: c.reference(),
            raised: format::date(c.raised_at, zone),
            about: about_text(c, &names, &accounts),
            status: c.status.label(),
            status_tag: c.status.tag(),
            classification: c.classification.map(Classification::label),
            waiting: format::waited(c.raised_at, now),
            lado: due.map(|d| {
                if d < now {
                    format!("was due {}", format::date_time(d, zone))
                } else {
                    format!("Due {}", format::date_time(d, zone))
                }
            }),
            lado_overdue: due.is_some_and(|d| d < now),
            outcome: c.outcome.map(Outcome::label),
        }
    };
    // SECURITY: never the concerns about the reviewer themselves.
    let visible = |c: &&Concern| c.about_person != Some(me.id);
    let open: Vec<QueueRowView> = open.iter().filter(visible).map(row).collect();
    render(ConcernsReviewPage {
        page,
        reviewing_as: reviewer.label(),
        overdue: open.iter().filter(|r| r.lado_overdue).count(),
        open,
        closed: closed.iter().filter(visible).map(row).collect(),
    })
}

/// The concern, if this person may see it; else the same 403 as for one
/// that does not exist.
fn visible(
    conn: &mut DbConnection,
    ctx: &Ctx,
    me: &CurrentPerson,
    id: ConcernId,
) -> Result<Concern, AppError> {
    let concern = store::find_concern(conn, id)?.ok_or(AppError::Forbidden(NOT_REVIEWER))?;
    if service::reviews(&concern, me) || service::raised_it(&concern, me) {
        Ok(concern)
    } else {
        service::record_look(conn, ctx, me, &concern, Look::Refused)?;
        Err(AppError::Forbidden(NOT_REVIEWER))
    }
}

/// What the reviewer typed into the forms of a concern's page.
#[derive(Deserialize, Default, Clone)]
pub struct StepForm {
    #[serde(default)]
    note_text: String,
    #[serde(default)]
    action_kind: String,
    #[serde(default)]
    action_on: String,
    #[serde(default)]
    action_reference: String,
    #[serde(default)]
    action_text: String,
    #[serde(default)]
    status_to: String,
    #[serde(default)]
    status_text: String,
    #[serde(default)]
    classification: String,
    #[serde(default)]
    classify_text: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    informed_on: String,
    #[serde(default)]
    informed_text: String,
}

pub async fn show_get(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = concern_id(&path)?;
    show(me, state, page, id, StepForm::default(), FormErrors::new()).await
}

struct Loaded {
    concern: Concern,
    evidence: Vec<EvidenceInfo>,
    entries: Vec<EntryRow>,
    access: Vec<crate::audit::store::EventRow>,
    names: HashMap<String, String>,
    accounts: HashMap<String, String>,
}

async fn show(
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
        .run(move |conn| {
            let concern = visible(conn, &ctx, &viewer, id)?;
            service::record_look(conn, &ctx, &viewer, &concern, Look::Page)?;
            let reviewer = service::reviews(&concern, &viewer);
            let (entries, access) = if reviewer {
                let filter = EventFilter {
                    subject: Some((concern.reviewer.subject_kind().into(), id.to_string())),
                    ..EventFilter::default()
                };
                let looks = [
                    Action::ConcernViewed.as_str(),
                    Action::ConcernEvidenceDownloaded.as_str(),
                    Action::ConcernAccessRefused.as_str(),
                ];
                let access = audit_store::list_events(conn, &filter, None, 1_000)?
                    .into_iter()
                    .filter(|e| looks.contains(&e.action.as_str()))
                    .collect();
                (store::list_entries(conn, id)?, access)
            } else {
                (Vec::new(), Vec::new())
            };
            Ok(Loaded {
                evidence: store::list_evidence(conn, id)?,
                entries,
                access,
                names: names(&people_store::list_people(conn)?),
                accounts: account_names(conn)?,
                concern,
            })
        })
        .await?;
    let zone = state.settings.time_zone;
    let now = state.clock.now();
    let Loaded {
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
            action_kinds: choices(
                ActionKind::ALL,
                ActionKind::as_str,
                ActionKind::label,
                &typed.action_kind,
            ),
            statuses: choices(
                &[Status::Open, Status::UnderReview],
                Status::as_str,
                Status::label,
                &typed.status_to,
            ),
            classifications: choices(
                Classification::ALL,
                Classification::as_str,
                Classification::label,
                &typed.classification,
            ),
            outcomes: choices(outcomes, Outcome::as_str, Outcome::label, &typed.outcome),
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
        .run(move |conn| {
            let concern = visible(conn, &ctx, &me, id)?;
            let found = store::evidence_content(conn, id, file)?.ok_or(AppError::NotFound)?;
            service::record_look(conn, &ctx, &me, &concern, Look::Evidence(file))?;
            Ok(found)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type(info.content_type.as_str())
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(info.file_name)],
        })
        .body(bytes))
}

/// Which of the reviewer's forms was sent.
#[derive(Clone, Copy)]
enum StepKind {
    Note,
    Action,
    Status,
    Classify,
    Close,
    Informed,
}

fn optional_text(errors: &mut FormErrors, field: &'static str, raw: &str) -> String {
    form::text(errors, field, raw, MAX_TEXT, TextKind::Long)
}

fn required_text(errors: &mut FormErrors, field: &'static str, raw: &str, missing: &str) -> String {
    form::required_text(errors, field, raw, MAX_TEXT, TextKind::Long, missing)
}

fn past_date(
    errors: &mut FormErrors,
    field: &'static str,
    raw: &str,
    today: time::Date,
) -> Option<time::Date> {
    match crate::clock::parse_date(raw) {
        Some(d) if d <= today => Some(d),
        Some(_) => {
            errors.add(field, "The date must be today or earlier");
            None
        }
        None if raw.trim().is_empty() => {
            errors.add(field, "Enter the date");
            None
        }
        None => {
            errors.add(field, "Enter a date like 2026-11-24");
            None
        }
    }
}

fn parse_step(kind: StepKind, f: &StepForm, today: time::Date) -> Result<Step, FormErrors> {
    let mut errors = FormErrors::new();
    let step = match kind {
        StepKind::Note => Step::Note {
            text: required_text(&mut errors, "note_text", &f.note_text, "Write the note"),
        },
        StepKind::Action => {
            let kind = ActionKind::parse(&f.action_kind);
            if kind.is_none() {
                errors.add("action_kind", "Choose what was done");
            }
            let on = past_date(&mut errors, "action_on", &f.action_on, today);
            let reference = form::text(
                &mut errors,
                "action_reference",
                &f.action_reference,
                MAX_SHORT_TEXT,
                TextKind::Line,
            );
            if kind == Some(ActionKind::LadoReferral) && reference.is_empty() {
                errors.add(
                    "action_reference",
                    "Enter the LADO's reference for the referral",
                );
            }
            let text = optional_text(&mut errors, "action_text", &f.action_text);
            match (kind, on) {
                (Some(kind), Some(on)) => Step::Action {
                    kind,
                    on,
                    reference,
                    text,
                },
                _ => return Err(errors),
            }
        }
        StepKind::Status => {
            let to = Status::parse(&f.status_to)
                .filter(|s| matches!(s, Status::Open | Status::UnderReview));
            if to.is_none() {
                errors.add("status_to", "Choose open or under review");
            }
            let text = optional_text(&mut errors, "status_text", &f.status_text);
            match to {
                Some(to) => Step::Status { to, text },
                None => return Err(errors),
            }
        }
        StepKind::Classify => {
            let as_ = Classification::parse(&f.classification);
            if as_.is_none() {
                errors.add("classification", "Choose how you classify the concern");
            }
            let text = optional_text(&mut errors, "classify_text", &f.classify_text);
            match as_ {
                Some(as_) => Step::Classify { as_, text },
                None => return Err(errors),
            }
        }
        StepKind::Close => {
            let outcome = Outcome::parse(&f.outcome);
            if outcome.is_none() {
                errors.add("outcome", "Choose the outcome");
            }
            let summary = required_text(
                &mut errors,
                "summary",
                &f.summary,
                "Write the closing summary",
            );
            match outcome {
                Some(outcome) => Step::Close { outcome, summary },
                None => return Err(errors),
            }
        }
        StepKind::Informed => {
            let on = past_date(&mut errors, "informed_on", &f.informed_on, today);
            let text = optional_text(&mut errors, "informed_text", &f.informed_text);
            match on {
                Some(on) => Step::Informed { on, text },
                None => return Err(errors),
            }
        }
    };
    errors.finish(|| step)
}

/// The field a refusal belongs beside.
fn field_of(kind: StepKind) -> &'static str {
    match kind {
        StepKind::Note => "note_text",
        StepKind::Action => "action_kind",
        StepKind::Status => "status_to",
        StepKind::Classify => "classification",
        StepKind::Close => "outcome",
        StepKind::Informed => "informed_on",
    }
}

async fn step(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    path: web::Path<String>,
    form: StepForm,
    kind: StepKind,
) -> Result<HttpResponse, AppError> {
    let id = concern_id(&path)?;
    let viewer = me.clone();
    let ctx = state.ctx();
    let concern = state
        .db
        .run(move |conn| visible(conn, &ctx, &viewer, id))
        .await?;
    if !service::reviews(&concern, &me) {
        return Err(AppError::Forbidden(NOT_REVIEWER));
    }
    let today = format::local_date(state.clock.now(), state.settings.time_zone);
    let step = match parse_step(kind, &form, today) {
        Ok(step) => step,
        Err(errors) => return show(me, state, page, id, form, errors).await,
    };
    if let Err(refusal) = service::check_step(&concern, &step) {
        let mut errors = FormErrors::new();
        errors.add(field_of(kind), refusal);
        return show(me, state, page, id, form, errors).await;
    }
    let ctx = state.ctx();
    let reviewer = me.clone();
    state
        .db
        .run(move |conn| service::add_step(conn, &ctx, &reviewer, id, step))
        .await?;
    FlashMessage::success(match kind {
        StepKind::Note => "The note is added to the timeline.",
        StepKind::Action => "The action is recorded.",
        StepKind::Status => "The status is changed.",
        StepKind::Classify => "The classification is recorded.",
        StepKind::Close => {
            "The concern is closed. The person who raised it is emailed the outcome."
        }
        StepKind::Informed => "It is recorded that the person concerned was informed.",
    })
    .send();
    Ok(see_other(&urls::concern(id)))
}

macro_rules! step_handler {
    ($name:ident, $kind:expr) => {
        pub async fn $name(
            me: CurrentPerson,
            state: web::Data<AppState>,
            page: PageContext,
            path: web::Path<String>,
            form: CsrfForm<StepForm>,
        ) -> Result<HttpResponse, AppError> {
            step(me, state, page, path, form.0, $kind).await
        }
    };
}

step_handler!(note_post, StepKind::Note);
step_handler!(action_post, StepKind::Action);
step_handler!(status_post, StepKind::Status);
step_handler!(classify_post, StepKind::Classify);
step_handler!(close_post, StepKind::Close);
step_handler!(informed_post, StepKind::Informed);
