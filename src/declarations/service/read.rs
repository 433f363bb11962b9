//! What the declarations pages read, each in one trip to the database,
//! with the check of who may see it inside.

use std::collections::HashMap;

use super::access::{me, visible};
use super::yearly::{reconfirmation_status, Answer};
use crate::db::DbConnection;
use crate::declarations::domain::{Declaration, State};
use crate::declarations::store::{self, VersionRow};
use crate::error::AppError;
use crate::ids::{DeclarationId, PersonId};
use crate::people::actor::Actor;
use crate::people::domain::{Person, Role};
use crate::people::names::{self, Named};
use crate::people::store as people_store;
use crate::state::Ctx;

/// One's own declarations with their current versions, and one's answers
/// to the yearly reconfirmation: (school year, kind, when).
pub struct Home {
    pub mine: Vec<(Declaration, VersionRow)>,
    pub answers: Vec<(i32, String, time::PrimitiveDateTime)>,
}

/// The home page: one's own declarations and yearly answers. The chair
/// has none: they review the head's.
pub fn read_home(conn: &mut DbConnection, actor: &Actor) -> Result<Home, AppError> {
    let (me, role) = me(actor)?;
    if role == Role::Chair {
        return Err(AppError::Forbidden(
            "Governors do not make declarations here; the chair reviews the headteacher's.",
        ));
    }
    Ok(Home {
        mine: store::list_for_declarant_with_current(conn, me)?,
        answers: store::list_answers_of(conn, me)?,
    })
}

/// A declaration the actor may see, every version of it, and who made it.
pub fn read_declaration(
    conn: &mut DbConnection,
    actor: &Actor,
    id: DeclarationId,
) -> Result<(Declaration, Vec<VersionRow>, Person), AppError> {
    let declaration = visible(conn, actor, id)?;
    let versions = store::list_versions(conn, id)?;
    let declarant = people_store::get_person(conn, declaration.declarant)?;
    Ok((declaration, versions, declarant))
}

/// A declaration the actor declared, and its current version, to edit.
pub fn read_current(
    conn: &mut DbConnection,
    actor: &Actor,
    id: DeclarationId,
) -> Result<(Declaration, VersionRow), AppError> {
    let declaration = visible(conn, actor, id)?;
    if !actor.is(declaration.declarant) {
        return Err(AppError::Forbidden(
            "Only the person who declared it can update a declaration.",
        ));
    }
    let current = store::list_versions(conn, id)?
        .into_iter()
        .last()
        .ok_or(AppError::NotFound)?;
    Ok((declaration, current))
}

/// What the reviewer's page shows.
pub struct ReviewList {
    /// The declarations this role reviews that have not ended.
    pub all: Vec<(Declaration, VersionRow)>,
    /// The declarants, by id, to name them.
    pub people: HashMap<PersonId, Named>,
    /// Where each person this reviewer sees stands this school year.
    pub statuses: Vec<(Named, Answer)>,
    /// The role reviewing: the head, or the chair for the head's own.
    pub role: Role,
}

/// The reviewer's page: the head's, or the chair's for the head's own.
pub fn read_review_list(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
) -> Result<ReviewList, AppError> {
    let (_, role) = me(actor)?;
    if !matches!(role, Role::Headteacher | Role::Chair) {
        return Err(AppError::Forbidden(
            "Only the headteacher, or the chair for the head's own, reviews declarations.",
        ));
    }
    let all = store::list_for_reviewer(
        conn,
        role,
        &[State::AwaitingReview, State::Returned, State::Acknowledged],
    )?;
    let people = names::named(conn, all.iter().map(|(d, _)| d.declarant))?;
    // The head sees everyone's answers; the chair only the head's.
    let statuses = reconfirmation_status(conn, ctx)?
        .into_iter()
        .filter(|(p, _)| role == Role::Headteacher || p.role == Role::Headteacher)
        .collect::<Vec<_>>();
    Ok(ReviewList {
        all,
        people,
        statuses,
        role,
    })
}
