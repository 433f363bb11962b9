//! The school year's reconfirmation: everyone answers once a year (a nil
//! return, or "my declarations stand"), asked and reminded by a job.

use std::collections::HashSet;

use super::access::declarant_role;
use super::changes::tell_reviewers;
use crate::audit::{Action, NewEvent, Subject};
use crate::campaign::{self, Campaign};
use crate::db::DbConnection;
use crate::declarations::domain::{self, reviewer_role_for, State};
use crate::declarations::emails;
use crate::declarations::store;
use crate::error::AppError;
use crate::people::domain::Role;
use crate::people::names::{self, Named};
use crate::state::Ctx;
use crate::tx::Tx;
use crate::web::urls;

/// The school year today is in.
pub fn current_school_year(ctx: &Ctx) -> i32 {
    let today = crate::web::format::local_date(ctx.clock.now(), ctx.settings.time_zone);
    domain::school_year(today, ctx.settings.reconfirm_from)
}

/// This school year's answer: a nil return, or "my declarations stand".
/// A nil return with declarations that still apply is refused, beside
/// the field `answer`.
pub fn reconfirm(tx: &mut Tx, nil_return: bool) -> Result<(), AppError> {
    let (me, role) = declarant_role(tx.actor)?;
    let live = store::list_for_declarant(tx.conn, me)?
        .into_iter()
        .filter(|d| d.state != State::Ended)
        .count();
    if nil_return && live > 0 {
        return tx.refuse_field(
            "answer",
            "You have declarations that still apply: end them first, or reconfirm them instead.",
        );
    }
    let year = current_school_year(tx.ctx);
    let label = domain::school_year_label(year);
    let (kind, action, summary) = if nil_return {
        (
            "nil_return",
            Action::DeclarationNilReturn,
            format!("{} made a nil return for {label}", tx.actor.name()),
        )
    } else {
        (
            "declarations",
            Action::DeclarationsReconfirmed,
            format!(
                "{} reconfirmed their declarations for {label}",
                tx.actor.name()
            ),
        )
    };
    store::insert_reconfirmation(tx.conn, me, year, kind, tx.now_row())?;
    tx.record(
        NewEvent::new(tx.actor.recorded(), action, Subject::person(me), summary)
            .with_data(serde_json::json!({ "school_year": year, "declarations": live })),
    )?;
    if !nil_return && live > 0 {
        tell_reviewers(
            tx,
            reviewer_role_for(role),
            "Declarations reconfirmed",
            &format!("Declarations have been reconfirmed for {label}."),
            urls::DECLARATIONS_REVIEW,
        )?;
    }
    Ok(())
}

/// Whom the yearly reconfirmation is for: every active member of staff
/// (the roles here; the queries take the active).
const ASKED: [Role; 3] = [Role::Staff, Role::Slt, Role::Headteacher];

/// Sends this year's asks and the 2- and 4-week reminders that are due;
/// each person in their own transaction. Safe on several instances.
pub fn send_reconfirmation_requests(conn: &mut DbConnection, ctx: &Ctx) -> Result<usize, AppError> {
    let year = current_school_year(ctx);
    let label = domain::school_year_label(year);
    let link = ctx.settings.link(urls::DECLARATIONS);
    let people = names::list_active_contacts(conn, &ASKED)?;
    let campaign = Campaign {
        key: format!("reconfirm:{year}"),
        reminders: [time::Duration::weeks(2), time::Duration::weeks(4)],
        answered: &|conn| store::list_answered(conn, year),
        email: &|to, reminder| emails::reconfirm(to, &label, reminder, link.clone()),
        action: Action::ReconfirmationRequested,
        task: format!("reconfirm their declarations for {label}"),
        data: serde_json::json!({ "school_year": year }),
    };
    campaign::run(conn, ctx, &people, &campaign)
}

/// The reconfirmation status of one person this year.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    Confirmed,
    Due,
    NeverAnswered,
}

/// Everyone asked, by name, and where they stand this school year.
pub fn reconfirmation_status(
    conn: &mut DbConnection,
    ctx: &Ctx,
) -> Result<Vec<(Named, Answer)>, AppError> {
    let year = current_school_year(ctx);
    let this_year: HashSet<String> = store::list_answered(conn, year)?.into_iter().collect();
    let mut known: HashSet<String> = store::list_ever_answered(conn)?.into_iter().collect();
    known.extend(store::list_declarants(conn)?);
    let mut people: Vec<(Named, Answer)> = names::list_active(conn, &ASKED)?
        .into_iter()
        .map(|p| {
            let id = p.id.to_string();
            let answer = if this_year.contains(&id) {
                Answer::Confirmed
            } else if known.contains(&id) {
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
