//! What the declarations pages read, each in one trip to the database,
//! with the check of who may see it inside. SECURITY: a declaration is seen
//! only by its declarant and their reviewer.

use std::collections::HashMap;

use super::{answers_of, may_see, reconfirmation_status, Answer};
use crate::db::DbConnection;
use crate::declarations::domain::{Declaration, State};
use crate::declarations::store;
pub use crate::declarations::store::VersionRow;
use crate::error::AppError;
use crate::ids::{DeclarationId, PersonId};
use crate::people::domain::{Person, Role};
use crate::people::store as people_store;
use crate::state::Ctx;

/// Why a declaration is refused to anyone but its declarant and reviewer.
pub const NOT_YOURS: &str =
    "A declaration is seen only by the person who made it and their reviewer.";

/// The signed-in person, as the services act for them.
pub fn read_person(conn: &mut DbConnection, id: PersonId) -> Result<Person, AppError> {
    people_store::get_person(conn, id)
}

/// The declaration if this person may see it. SECURITY: anyone else gets
/// a 403 that does not say whether it exists beyond the id they typed.
pub fn read_visible(
    conn: &mut DbConnection,
    me: &Person,
    id: DeclarationId,
) -> Result<Declaration, AppError> {
    let found = store::find_declaration(conn, id)?.ok_or(AppError::Forbidden(NOT_YOURS))?;
    if may_see(&found, me) {
        Ok(found)
    } else {
        Err(AppError::Forbidden(NOT_YOURS))
    }
}

/// One's own declarations with their current versions, and one's answers
/// to the yearly reconfirmation: (school year, kind, when).
pub type Home = (
    Vec<(Declaration, VersionRow)>,
    Vec<(i32, String, time::PrimitiveDateTime)>,
);

/// The home page: one's own declarations and yearly answers.
pub fn read_home(conn: &mut DbConnection, person: PersonId) -> Result<Home, AppError> {
    Ok((
        store::list_for_declarant_with_current(conn, person)?,
        answers_of(conn, person)?,
    ))
}

/// A declaration this person may see, every version of it, and who made it.
pub fn read_declaration(
    conn: &mut DbConnection,
    person: PersonId,
    id: DeclarationId,
) -> Result<(Declaration, Vec<VersionRow>, Person), AppError> {
    let me = read_person(conn, person)?;
    let declaration = read_visible(conn, &me, id)?;
    let versions = store::list_versions(conn, id)?;
    let declarant = people_store::get_person(conn, declaration.declarant)?;
    Ok((declaration, versions, declarant))
}

/// A declaration this person may see, and its current version.
pub fn read_current(
    conn: &mut DbConnection,
    person: PersonId,
    id: DeclarationId,
) -> Result<(Declaration, VersionRow), AppError> {
    let me = read_person(conn, person)?;
    let declaration = read_visible(conn, &me, id)?;
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
    /// Everyone, by id, to name the declarants.
    pub people: HashMap<PersonId, Person>,
    /// Where each person this reviewer sees stands this school year.
    pub statuses: Vec<(Person, Answer)>,
}

/// The reviewer's page for a role (the head's, or the chair's).
pub fn read_review_list(
    conn: &mut DbConnection,
    ctx: &Ctx,
    role: Role,
) -> Result<ReviewList, AppError> {
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
    let statuses = reconfirmation_status(conn, ctx)?
        .into_iter()
        .filter(|(p, _)| role == Role::Headteacher || p.role == Role::Headteacher)
        .collect::<Vec<_>>();
    Ok(ReviewList {
        all,
        people,
        statuses,
    })
}
