//! What the people pages show, read in one trip to the database.

use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::PersonId;
use crate::people::domain::{HeldAccess, Person};
use crate::people::store;
use crate::state::Ctx;

use super::chair::{pending_handover, Handover};

/// Everyone, the active first.
pub fn read_people(conn: &mut DbConnection) -> Result<Vec<Person>, AppError> {
    store::list_people(conn)
}

/// A person's page: who they are, and every official account's login
/// they were given.
pub struct PersonPage {
    pub person: Person,
    pub access: Vec<HeldAccess>,
}

/// A person and the logins they were given.
pub fn read_person(
    conn: &mut DbConnection,
    ctx: &Ctx,
    id: PersonId,
) -> Result<PersonPage, AppError> {
    Ok(PersonPage {
        person: store::get_person(conn, id)?,
        access: (ctx.hooks.held_access)(conn, id)?,
    })
}

/// The chair's handover page: the offer that still waits, if any, and
/// everyone it could go to. Refused unless `me` is the sitting chair.
pub fn page_handover(
    conn: &mut DbConnection,
    ctx: &Ctx,
    me: PersonId,
) -> Result<(Option<Handover>, Vec<Person>), AppError> {
    Ok((pending_handover(conn, ctx, me)?, store::list_people(conn)?))
}
