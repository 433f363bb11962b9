//! Changes to declarations: each one transaction with its audit event and
//! its emails. SECURITY: events name the declaration and its state, never
//! what it says; emails say only that something awaits.

use std::collections::HashSet;

use time::Date;

use super::domain::{self, reviewer_role_for, Declaration, Details, State};
use super::emails;
use super::store::{self, DeclarationRow};
use crate::audit::{self, Action, Actor, NewEvent, Subject};
use crate::db::{dialect, DbConnection};
use crate::error::AppError;
use crate::ids::{DeclarationId, PersonId};
use crate::mail::{self, Recipient};
use crate::people::domain::{Person, Role};
use crate::people::store as people_store;
use crate::state::Ctx;
use crate::web::urls;

mod read;
pub use read::*;

fn event(
    actor: PersonId,
    action: Action,
    id: DeclarationId,
    summary: String,
    state: State,
) -> NewEvent {
    NewEvent::new(
        Actor::Person(actor),
        action,
        Subject::of("declaration", id),
        summary,
    )
    .with_data(serde_json::json!({ "state": state.as_str() }))
}

/// The active reviewers for a role (the head, or the chair).
fn reviewers(conn: &mut DbConnection, role: Role) -> Result<Vec<Recipient>, AppError> {
    Ok(people_store::list_active_with_roles(conn, &[role])?
        .into_iter()
        .map(|p| Recipient::new(p.name, p.email))
        .collect())
}

fn tell_reviewers(
    conn: &mut DbConnection,
    ctx: &Ctx,
    role: Role,
    subject: &str,
    what: &str,
    path: &str,
) -> Result<(), AppError> {
    for reviewer in reviewers(conn, role)? {
        mail::enqueue(
            conn,
            ctx.clock.as_ref(),
            &ctx.settings,
            emails::awaiting_review(reviewer, subject, what, ctx.settings.link(path)),
        )?;
    }
    Ok(())
}

/// The school year today is in.
pub fn current_school_year(ctx: &Ctx) -> i32 {
    let today = crate::web::format::local_date(ctx.clock.now(), ctx.settings.time_zone);
    domain::school_year(today, ctx.settings.reconfirm_from)
}

/// Declares a contact; it goes to the reviewer.
pub fn declare(
    conn: &mut DbConnection,
    ctx: &Ctx,
    me: &Person,
    details: Details,
) -> Result<DeclarationId, AppError> {
    dialect::write(conn, |conn| {
        let now = ctx.clock.now_row();
        let id = DeclarationId::new();
        let reviewer = reviewer_role_for(me.role);
        store::insert_declaration(
            conn,
            &DeclarationRow {
                id: id.to_string(),
                declarant_id: me.id.to_string(),
                reviewer_role: reviewer.as_str().into(),
                state: State::AwaitingReview.as_str().into(),
                current_version: 1,
                class_or_year: details.class_or_year.clone(),
                created_at: now,
                updated_at: now,
                review_notes: None,
                conditions: None,
                reviewed_at: None,
                reviewed_by: None,
                ended_on: None,
                end_reason: None,
            },
        )?;
        store::insert_version(conn, id, 1, &details, now)?;
        audit::append(
            conn,
            ctx.clock.as_ref(),
            event(
                me.id,
                Action::DeclarationSubmitted,
                id,
                format!("{} submitted a declaration", me.name),
                State::AwaitingReview,
            ),
        )?;
        tell_reviewers(
            conn,
            ctx,
            reviewer,
            "A declaration awaits your review",
            "A declaration of a social contact has been submitted.",
            &urls::declaration(id),
        )?;
        Ok(id)
    })
}

/// The declarant's own declaration, or the reviewer's; nobody else's.
pub fn may_see(declaration: &Declaration, me: &Person) -> bool {
    declaration.declarant == me.id || declaration.reviewer_role == me.role
}

/// Updates a declaration as a new version; it goes back to the reviewer.
pub fn update(
    conn: &mut DbConnection,
    ctx: &Ctx,
    me: &Person,
    id: DeclarationId,
    details: Details,
) -> Result<(), AppError> {
    dialect::write(conn, |conn| {
        let found = store::find_declaration(conn, id)?.ok_or(AppError::NotFound)?;
        if found.declarant != me.id {
            return Err(AppError::Forbidden(
                "Only the person who declared it can update a declaration.",
            ));
        }
        if found.state == State::Ended {
            return Err(AppError::Conflict(
                "This declaration has ended; declare the contact again if it has started again."
                    .into(),
            ));
        }
        let now = ctx.clock.now_row();
        let version = found.version + 1;
        store::insert_version(conn, id, version, &details, now)?;
        store::update_details(conn, id, version, &details.class_or_year, now)?;
        audit::append(
            conn,
            ctx.clock.as_ref(),
            event(
                me.id,
                Action::DeclarationUpdated,
                id,
                format!("{} updated a declaration (version {version})", me.name),
                State::AwaitingReview,
            ),
        )?;
        tell_reviewers(
            conn,
            ctx,
            found.reviewer_role,
            "An updated declaration awaits your review",
            "A declaration of a social contact has been updated.",
            &urls::declaration(id),
        )?;
        Ok(())
    })
}

/// The reviewer acknowledges a declaration, or returns it for more detail.
pub fn review(
    conn: &mut DbConnection,
    ctx: &Ctx,
    me: &Person,
    id: DeclarationId,
    acknowledge: bool,
    notes: &str,
    conditions: &str,
) -> Result<(), AppError> {
    dialect::write(conn, |conn| {
        let found = store::find_declaration(conn, id)?.ok_or(AppError::NotFound)?;
        if found.reviewer_role != me.role {
            return Err(AppError::NotFound);
        }
        if found.declarant == me.id {
            return Err(AppError::Forbidden("Nobody reviews their own declaration."));
        }
        if matches!(found.state, State::Ended) {
            return Err(AppError::Conflict("This declaration has ended.".into()));
        }
        let state = if acknowledge {
            State::Acknowledged
        } else {
            State::Returned
        };
        let conditions = conditions.trim();
        store::set_reviewed(
            conn,
            id,
            state,
            me.id,
            ctx.clock.now_row(),
            notes.trim(),
            (acknowledge && !conditions.is_empty()).then_some(conditions),
        )?;
        let (action, verb) = if acknowledge {
            (Action::DeclarationAcknowledged, "acknowledged")
        } else {
            (Action::DeclarationReturned, "asked for more detail on")
        };
        audit::append(
            conn,
            ctx.clock.as_ref(),
            event(
                me.id,
                action,
                id,
                format!("{} {verb} a declaration", me.name),
                state,
            ),
        )?;
        let declarant = people_store::get_person(conn, found.declarant)?;
        mail::enqueue(
            conn,
            ctx.clock.as_ref(),
            &ctx.settings,
            emails::reviewed(
                Recipient::new(&declarant.name, &declarant.email),
                acknowledge,
                ctx.settings.link(&urls::declaration(id)),
            ),
        )?;
        Ok(())
    })
}

/// The declarant ends a declaration that no longer applies.
pub fn end(
    conn: &mut DbConnection,
    ctx: &Ctx,
    me: &Person,
    id: DeclarationId,
    on: Date,
    reason: &str,
) -> Result<(), AppError> {
    dialect::write(conn, |conn| {
        let found = store::find_declaration(conn, id)?.ok_or(AppError::NotFound)?;
        if found.declarant != me.id {
            return Err(AppError::Forbidden(
                "Only the person who declared it can end a declaration.",
            ));
        }
        if found.state == State::Ended {
            return Ok(());
        }
        store::set_ended(conn, id, on, reason, ctx.clock.now_row())?;
        audit::append(
            conn,
            ctx.clock.as_ref(),
            event(
                me.id,
                Action::DeclarationEnded,
                id,
                format!("{} ended a declaration", me.name),
                State::Ended,
            ),
        )?;
        Ok(())
    })
}

/// This school year's answer: a nil return, or "my declarations stand".
pub fn reconfirm(
    conn: &mut DbConnection,
    ctx: &Ctx,
    me: &Person,
    nil_return: bool,
) -> Result<Result<(), &'static str>, AppError> {
    dialect::write(conn, |conn| {
        let live = store::list_for_declarant(conn, me.id)?
            .into_iter()
            .filter(|d| d.state != State::Ended)
            .count();
        if nil_return && live > 0 {
            return Ok(Err("You have declarations that still apply: end them first, or reconfirm them instead."));
        }
        let year = current_school_year(ctx);
        let (kind, action, summary) = if nil_return {
            (
                "nil_return",
                Action::DeclarationNilReturn,
                format!(
                    "{} made a nil return for {}",
                    me.name,
                    domain::school_year_label(year)
                ),
            )
        } else {
            (
                "declarations",
                Action::DeclarationsReconfirmed,
                format!(
                    "{} reconfirmed their declarations for {}",
                    me.name,
                    domain::school_year_label(year)
                ),
            )
        };
        store::insert_reconfirmation(conn, me.id, year, kind, ctx.clock.now_row())?;
        audit::append(
            conn,
            ctx.clock.as_ref(),
            NewEvent::new(
                Actor::Person(me.id),
                action,
                Subject::person(me.id),
                summary,
            )
            .with_data(serde_json::json!({ "school_year": year, "declarations": live })),
        )?;
        if !nil_return && live > 0 {
            tell_reviewers(
                conn,
                ctx,
                reviewer_role_for(me.role),
                "Declarations reconfirmed",
                &format!(
                    "Declarations have been reconfirmed for {}.",
                    domain::school_year_label(year)
                ),
                urls::DECLARATIONS_REVIEW,
            )?;
        }
        Ok(Ok(()))
    })
}

/// Whom the yearly reconfirmation is for: every active member of staff.
fn asked(person: &Person) -> bool {
    person.active && person.role != Role::Chair
}

/// Sends this year's asks and the 2- and 4-week reminders that are due;
/// each person in their own transaction. Safe on several instances.
pub fn send_reconfirmation_requests(conn: &mut DbConnection, ctx: &Ctx) -> Result<usize, AppError> {
    let year = current_school_year(ctx);
    let label = domain::school_year_label(year);
    let now = ctx.clock.now();
    let answered: HashSet<String> = store::list_answered(conn, year)?.into_iter().collect();
    let requests = store::list_requests(conn, year)?;
    let people = people_store::list_people(conn)?;
    let mut sent = 0;
    for person in people
        .iter()
        .filter(|p| asked(p) && !answered.contains(&p.id.to_string()))
    {
        let request = requests
            .iter()
            .find(|r| r.person_id == person.id.to_string());
        let asked = request.map(|r| {
            (
                crate::clock::from_row(r.asked_at),
                r.first_reminder_at.is_some(),
                r.second_reminder_at.is_some(),
            )
        });
        let reminders = [time::Duration::weeks(2), time::Duration::weeks(4)];
        let Some(reminder) = crate::mail::reminders::due(asked, now, reminders) else {
            continue;
        };
        let done = dialect::write(conn, |conn| {
            let at = ctx.clock.now_row();
            let fresh = match reminder {
                0 => store::insert_request(conn, person.id, year, at)?,
                n => store::mark_reminder(conn, person.id, year, n == 2, at)?,
            };
            if !fresh {
                return Ok(false);
            }
            mail::enqueue(
                conn,
                ctx.clock.as_ref(),
                &ctx.settings,
                emails::reconfirm(
                    Recipient::new(&person.name, &person.email),
                    &label,
                    reminder,
                    ctx.settings.link(urls::DECLARATIONS),
                ),
            )?;
            audit::append(
                conn,
                ctx.clock.as_ref(),
                NewEvent::new(
                    Actor::System,
                    Action::ReconfirmationRequested,
                    Subject::person(person.id),
                    match reminder {
                        0 => format!(
                            "{} was asked to reconfirm their declarations for {label}",
                            person.name
                        ),
                        _ => format!(
                            "{} was reminded to reconfirm their declarations for {label}",
                            person.name
                        ),
                    },
                )
                .with_data(serde_json::json!({ "school_year": year, "reminder": reminder })),
            )?;
            Ok(true)
        })?;
        sent += usize::from(done);
    }
    Ok(sent)
}

/// The reconfirmation status of one person this year.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    Confirmed,
    Due,
    NeverAnswered,
}

/// Everyone asked, and where they stand this school year.
pub fn reconfirmation_status(
    conn: &mut DbConnection,
    ctx: &Ctx,
) -> Result<Vec<(Person, Answer)>, AppError> {
    let year = current_school_year(ctx);
    let answers = store::list_reconfirmations(conn)?;
    let declarants: HashSet<String> = store::list_declarants(conn)?.into_iter().collect();
    let mut people: Vec<(Person, Answer)> = people_store::list_people(conn)?
        .into_iter()
        .filter(asked)
        .map(|p| {
            let id = p.id.to_string();
            let answer = if answers
                .iter()
                .any(|(who, y, _, _)| *who == id && *y == year)
            {
                Answer::Confirmed
            } else if declarants.contains(&id) || answers.iter().any(|(who, _, _, _)| *who == id) {
                Answer::Due
            } else {
                Answer::NeverAnswered
            };
            (p, answer)
        })
        .collect();
    people.sort_by(|a, b| a.0.name.cmp(&b.0.name));
    Ok(people)
}

/// The person's answers, newest first: (school year, kind, when).
pub fn answers_of(
    conn: &mut DbConnection,
    person: PersonId,
) -> Result<Vec<(i32, String, time::PrimitiveDateTime)>, AppError> {
    store::list_answers_of(conn, person)
}

pub use crate::config::DEFAULT_RECONFIRM_FROM;
