//! The declarations pages: one's own, a declaration, and the reviewer's.

use std::collections::{BTreeSet, HashMap};

use actix_web::{web, HttpResponse};
use actix_web_flash_messages::FlashMessage;
use serde::Deserialize;

use super::domain::{
    self, reviewer_role_for, Declaration, Details, Link, Nature, State, PLATFORMS,
};
use super::service::{self, Answer};
use super::store::{self, VersionRow};
use super::views::*;
use crate::auth::csrf::{CsrfForm, NoFields};
use crate::auth::current::CurrentPerson;
use crate::clock::from_row;
use crate::db::DbConnection;
use crate::error::{AppError, FormErrors};
use crate::ids::{DeclarationId, PersonId};
use crate::people::domain::{Person, Role};
use crate::people::store as people_store;
use crate::state::AppState;
use crate::web::layout::PageContext;
use crate::web::{form_status, format, render, render_with, see_other, urls};

fn declaration_id(raw: &str) -> Result<DeclarationId, AppError> {
    DeclarationId::parse(raw).ok_or(AppError::NotFound)
}

fn me_person(conn: &mut DbConnection, id: PersonId) -> Result<Person, AppError> {
    people_store::get_person(conn, id)
}

/// The declaration if this person may see it. SECURITY: anyone else gets
/// a 403 that does not say whether it exists beyond the id they typed.
fn visible(
    conn: &mut DbConnection,
    me: &Person,
    id: DeclarationId,
) -> Result<Declaration, AppError> {
    let found = store::find_declaration(conn, id)?.ok_or(AppError::Forbidden(NOT_YOURS))?;
    if service::may_see(&found, me) {
        Ok(found)
    } else {
        Err(AppError::Forbidden(NOT_YOURS))
    }
}

const NOT_YOURS: &str = "A declaration is seen only by the person who made it and their reviewer.";

fn where_text(details: &Details) -> String {
    let mut places = Vec::new();
    if details.in_person {
        places.push("In person".to_owned());
    }
    places.extend(details.platforms.iter().cloned());
    places.join(", ")
}

fn version_view(
    row: &VersionRow,
    before: Option<&VersionRow>,
    zone: &time_tz::Tz,
) -> Result<VersionView, AppError> {
    let details = row.details()?;
    let changed = match before {
        Some(before) => details.changed_from(&before.details()?),
        None => Vec::new(),
    };
    Ok(VersionView {
        number: row.version,
        submitted: format::date_time(from_row(row.submitted_at), zone),
        contact_name: details.contact_name.clone(),
        link: details.link.label(),
        class_or_year: details.class_or_year.clone(),
        nature: details.nature.label(),
        where_: where_text(&details),
        since: details.since.clone(),
        description: details.description.clone(),
        changed,
    })
}

fn row_view(
    d: &Declaration,
    v: &VersionRow,
    declarant: &str,
    now: time::OffsetDateTime,
    zone: &time_tz::Tz,
) -> DeclarationRowView {
    DeclarationRowView {
        href: urls::declaration(d.id),
        declarant: declarant.to_owned(),
        contact_name: v.contact_name.clone(),
        class_or_year: d.class_or_year.clone(),
        nature: Nature::parse(&v.nature)
            .map(|n| n.label())
            .unwrap_or_default(),
        state: d.state.label(),
        state_tag: d.state.tag(),
        updated: format::date(d.updated_at, zone),
        waiting: format::waited(d.updated_at, now),
    }
}

pub async fn home_get(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
) -> Result<HttpResponse, AppError> {
    home(me, state, page, None).await
}

async fn home(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    error: Option<String>,
) -> Result<HttpResponse, AppError> {
    me.require(
        me.role != Role::Chair,
        "Governors do not make declarations here; the chair reviews the headteacher's.",
    )?;
    let ctx = state.ctx();
    let id = me.id;
    let (mine, answers) = state
        .db
        .run(move |conn| {
            Ok((
                store::list_for_declarant_with_current(conn, id)?,
                service::answers_of(conn, id)?,
            ))
        })
        .await?;
    let zone = state.settings.time_zone;
    let now = state.clock.now();
    let year = service::current_school_year(&ctx);
    let this_year = answers
        .iter()
        .find(|(y, _, _)| *y == year)
        .map(|(_, kind, at)| {
            let when = format::date(from_row(*at), zone);
            if kind == "nil_return" {
                format!("You made a nil return on {when}: no contacts to declare this school year.")
            } else {
                format!("You confirmed your declarations on {when}.")
            }
        });
    let status = if error.is_some() {
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        actix_web::http::StatusCode::OK
    };
    render_with(
        status,
        DeclarationsHomePage {
            page,
            has_live: mine.iter().any(|(d, _)| d.state != State::Ended),
            declarations: mine
                .iter()
                .map(|(d, v)| row_view(d, v, &me.name, now, zone))
                .collect(),
            school_year: domain::school_year_label(year),
            this_year,
            answers: answers
                .iter()
                .filter(|(y, _, _)| *y != year)
                .map(|(y, kind, at)| AnswerView {
                    year: domain::school_year_label(*y),
                    kind: if kind == "nil_return" {
                        "No contacts to declare"
                    } else {
                        "Declarations confirmed"
                    },
                    when: format::date(from_row(*at), zone),
                })
                .collect(),
            new_href: urls::DECLARATIONS_NEW,
            nil_action: urls::DECLARATIONS_NIL,
            reconfirm_action: urls::DECLARATIONS_RECONFIRM,
            review_href: (me.role == Role::Headteacher).then_some(urls::DECLARATIONS_REVIEW),
            error,
        },
    )
}

#[derive(Deserialize, Default)]
pub struct DeclarationForm {
    #[serde(default)]
    contact_name: String,
    #[serde(default)]
    link: String,
    #[serde(default)]
    class_or_year: String,
    #[serde(default)]
    nature: String,
    #[serde(default)]
    in_person: String,
    #[serde(default)]
    since: String,
    #[serde(default)]
    description: String,
}

/// The form, with its repeated `platforms` fields read from the raw body.
/// The form from its fields in order; `platforms` repeats, once per box ticked.
fn read_form(pairs: &[(String, String)]) -> (DeclarationForm, Vec<String>) {
    let get = |key: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let form = DeclarationForm {
        contact_name: get("contact_name"),
        link: get("link"),
        class_or_year: get("class_or_year"),
        nature: get("nature"),
        in_person: get("in_person"),
        since: get("since"),
        description: get("description"),
    };
    let platforms = pairs
        .iter()
        .filter(|(k, _)| k == "platforms")
        .map(|(_, v)| v.clone())
        .collect();
    (form, platforms)
}

fn parse_details(form: &DeclarationForm, platforms: &[String]) -> Result<Details, FormErrors> {
    Details::parse(
        &form.contact_name,
        &form.link,
        &form.class_or_year,
        &form.nature,
        form.in_person == "yes",
        platforms,
        &form.since,
        &form.description,
    )
}

/// Where the form is: its heading, where it posts, where Cancel goes.
struct FormTarget {
    heading: &'static str,
    action: String,
    back: String,
}

impl FormTarget {
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
    page: PageContext,
    me: &CurrentPerson,
    target: FormTarget,
    form: DeclarationForm,
    platforms: &[String],
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    render_with(
        form_status(&errors),
        DeclarationFormPage {
            page,
            heading: target.heading,
            action: target.action,
            back: target.back,
            links: Link::ALL
                .iter()
                .map(|l| Choice {
                    value: l.as_str().into(),
                    label: l.label().into(),
                    selected: l.as_str() == form.link,
                })
                .collect(),
            natures: Nature::ALL
                .iter()
                .map(|n| Choice {
                    value: n.as_str().into(),
                    label: n.label().into(),
                    selected: n.as_str() == form.nature,
                })
                .collect(),
            platforms: PLATFORMS
                .iter()
                .map(|p| Choice {
                    value: (*p).into(),
                    label: (*p).into(),
                    selected: platforms.iter().any(|c| c == p),
                })
                .collect(),
            in_person: form.in_person == "yes",
            contact_name: form.contact_name,
            class_or_year: form.class_or_year,
            since: form.since,
            description: form.description,
            reviewer: match reviewer_role_for(me.role) {
                Role::Chair => "the chair of governors",
                _ => "the headteacher",
            },
            errors,
        },
    )
}

pub async fn new_get(me: CurrentPerson, page: PageContext) -> Result<HttpResponse, AppError> {
    me.require(
        me.role != Role::Chair,
        "Governors do not make declarations here.",
    )?;
    form_page(
        page,
        &me,
        FormTarget::new_declaration(),
        DeclarationForm::default(),
        &[],
        FormErrors::new(),
    )
}

pub async fn new_post(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    me.require(
        me.role != Role::Chair,
        "Governors do not make declarations here.",
    )?;
    let (form, platforms) = read_form(&pairs);
    let details = match parse_details(&form, &platforms) {
        Ok(details) => details,
        Err(errors) => {
            return form_page(
                page,
                &me,
                FormTarget::new_declaration(),
                form,
                &platforms,
                errors,
            )
        }
    };
    let ctx = state.ctx();
    let person = me.id;
    let id = state
        .db
        .run(move |conn| {
            let me = me_person(conn, person)?;
            service::declare(conn, &ctx, &me, details)
        })
        .await?;
    FlashMessage::success(
        "Your declaration has been sent to your reviewer. Only you and they can see it.",
    )
    .send();
    Ok(see_other(&urls::declaration(id)))
}

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
        .run(move |conn| {
            let me = me_person(conn, person)?;
            let declaration = visible(conn, &me, id)?;
            let versions = store::list_versions(conn, id)?;
            let declarant = people_store::get_person(conn, declaration.declarant)?;
            Ok((declaration, versions, declarant))
        })
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

pub async fn edit_get(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = declaration_id(&path)?;
    let person = me.id;
    let (declaration, current) = state
        .db
        .run(move |conn| {
            let me = me_person(conn, person)?;
            let declaration = visible(conn, &me, id)?;
            let current = store::list_versions(conn, id)?
                .into_iter()
                .last()
                .ok_or(AppError::NotFound)?;
            Ok((declaration, current))
        })
        .await?;
    me.require(
        declaration.declarant == me.id,
        "Only the person who declared it can update a declaration.",
    )?;
    let details = current.details()?;
    let form = DeclarationForm {
        contact_name: details.contact_name.clone(),
        link: details.link.as_str().into(),
        class_or_year: details.class_or_year.clone(),
        nature: details.nature.as_str().into(),
        in_person: if details.in_person {
            "yes".into()
        } else {
            String::new()
        },
        since: details.since.clone(),
        description: details.description.clone(),
    };
    form_page(
        page,
        &me,
        FormTarget::update(id),
        form,
        &details.platforms,
        FormErrors::new(),
    )
}

pub async fn edit_post(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    path: web::Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let id = declaration_id(&path)?;
    require_part(&state, &me, id, true).await?;
    let (form, platforms) = read_form(&pairs);
    let details = match parse_details(&form, &platforms) {
        Ok(details) => details,
        Err(errors) => {
            return form_page(page, &me, FormTarget::update(id), form, &platforms, errors);
        }
    };
    let ctx = state.ctx();
    let person = me.id;
    state
        .db
        .run(move |conn| {
            let me = me_person(conn, person)?;
            service::update(conn, &ctx, &me, id, details)
        })
        .await?;
    FlashMessage::success(
        "Your update has been sent to your reviewer; the earlier version is kept.",
    )
    .send();
    Ok(see_other(&urls::declaration(id)))
}

#[derive(Deserialize)]
pub struct EndForm {
    #[serde(default)]
    ended_on: String,
    #[serde(default)]
    end_reason: String,
}

/// Checks, before reading a form, that this person may act on it as its
/// declarant (`true`) or its reviewer (`false`).
async fn require_part(
    state: &AppState,
    me: &CurrentPerson,
    id: DeclarationId,
    declarant: bool,
) -> Result<(), AppError> {
    let person = me.id;
    let found = state
        .db
        .run(move |conn| {
            let me = me_person(conn, person)?;
            visible(conn, &me, id)
        })
        .await?;
    if declarant {
        me.require(
            found.declarant == me.id,
            "Only the person who declared it can change a declaration.",
        )
    } else {
        me.require(
            found.reviewer_role == me.role && found.declarant != me.id,
            "Only the declaration's reviewer can review it.",
        )
    }
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
            let me = me_person(conn, person)?;
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
            let me = me_person(conn, person)?;
            visible(conn, &me, id)?;
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

async fn answer(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    nil: bool,
) -> Result<HttpResponse, AppError> {
    me.require(
        me.role != Role::Chair,
        "Governors do not make declarations here.",
    )?;
    let ctx = state.ctx();
    let person = me.id;
    let done = state
        .db
        .run(move |conn| {
            let me = me_person(conn, person)?;
            service::reconfirm(conn, &ctx, &me, nil)
        })
        .await?;
    match done {
        Ok(()) => {
            FlashMessage::success("Thank you: your answer for this school year is recorded.")
                .send();
            Ok(see_other(urls::DECLARATIONS))
        }
        Err(why) => home(me, state, page, Some(why.to_owned())).await,
    }
}

pub async fn nil_post(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    answer(me, state, page, true).await
}

pub async fn reconfirm_post(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    answer(me, state, page, false).await
}

#[derive(Deserialize)]
pub struct ReviewQuery {
    #[serde(default)]
    class: String,
    #[serde(default)]
    person: String,
}

pub async fn review_list_get(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    query: web::Query<ReviewQuery>,
) -> Result<HttpResponse, AppError> {
    me.require(
        matches!(me.role, Role::Headteacher | Role::Chair),
        "Only the headteacher, or the chair for the head's own, reviews declarations.",
    )?;
    let role = me.role;
    let ctx = state.ctx();
    let (all, people, statuses) = state
        .db
        .run(move |conn| {
            let all = store::list_for_reviewer(
                conn,
                role,
                &[State::AwaitingReview, State::Returned, State::Acknowledged],
            )?;
            let people: HashMap<PersonId, Person> = people_store::list_people(conn)?
                .into_iter()
                .map(|p| (p.id, p))
                .collect();
            // The head sees everyone's answers; the chair only the head's.
            let statuses = service::reconfirmation_status(conn, &ctx)?
                .into_iter()
                .filter(|(p, _)| role == Role::Headteacher || p.role == Role::Headteacher)
                .collect::<Vec<_>>();
            Ok((all, people, statuses))
        })
        .await?;
    let zone = state.settings.time_zone;
    let now = state.clock.now();
    let name = |id: PersonId| people.get(&id).map(|p| p.name.clone()).unwrap_or_default();
    let queue = all
        .iter()
        .filter(|(d, _)| d.state == State::AwaitingReview)
        .map(|(d, v)| row_view(d, v, &name(d.declarant), now, zone))
        .collect();
    let classes: BTreeSet<String> = all.iter().map(|(d, _)| d.class_or_year.clone()).collect();
    let declarants: BTreeSet<(String, String)> = all
        .iter()
        .map(|(d, _)| (name(d.declarant), d.declarant.to_string()))
        .collect();
    let current = all
        .iter()
        .filter(|(d, _)| query.class.is_empty() || d.class_or_year == query.class)
        .filter(|(d, _)| query.person.is_empty() || d.declarant.to_string() == query.person)
        .map(|(d, v)| row_view(d, v, &name(d.declarant), now, zone))
        .collect();
    let count = |a: Answer| statuses.iter().filter(|(_, s)| *s == a).count();
    render(DeclarationsReviewPage {
        page,
        reviewing_for: if role == Role::Chair {
            "chair of governors, for the headteacher's own declarations"
        } else {
            "headteacher"
        },
        queue,
        current,
        classes: classes
            .into_iter()
            .map(|c| Choice {
                selected: c == query.class,
                label: c.clone(),
                value: c,
            })
            .collect(),
        people: declarants
            .into_iter()
            .map(|(n, id)| Choice {
                selected: id == query.person,
                label: n,
                value: id,
            })
            .collect(),
        school_year: domain::school_year_label(service::current_school_year(&state.ctx())),
        confirmed: count(Answer::Confirmed),
        due: count(Answer::Due),
        never: count(Answer::NeverAnswered),
        statuses: statuses
            .iter()
            .map(|(p, a)| StatusView {
                name: p.name.clone(),
                status: match a {
                    Answer::Confirmed => "Confirmed",
                    Answer::Due => "Due",
                    Answer::NeverAnswered => "Never answered",
                },
                tag: match a {
                    Answer::Confirmed => "tag--green",
                    Answer::Due => "tag--amber",
                    Answer::NeverAnswered => "tag--red",
                },
            })
            .collect(),
    })
}
