//! What the people pages show, read in one trip to the database, with the
//! check of who may see it inside.

use super::handover::{pending, Handover};
use super::who::{require_manager, sitting_chair};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::PersonId;
use crate::people::actor::Actor;
use crate::people::domain::{HeldAccess, Person, Role};
use crate::people::names::{self, Contact};
use crate::people::store::{self, Party};
use crate::state::Ctx;

/// Everyone, the active first.
pub fn read_people(conn: &mut DbConnection, actor: &Actor) -> Result<Vec<Person>, AppError> {
    require_manager(actor)?;
    names::list_people(conn)
}

/// A person's page: who they are, and every official account's login
/// they were given.
pub struct PersonPage {
    pub person: Person,
    pub access: Vec<HeldAccess>,
    /// Whether the actor may change their role or deactivate them.
    pub may_change: bool,
}

/// A person and the logins they were given.
pub fn read_person(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    id: PersonId,
) -> Result<PersonPage, AppError> {
    require_manager(actor)?;
    let person = store::get_person(conn, id)?;
    let may_change = person.active
        && !actor.is(person.id)
        && actor
            .role()
            .is_some_and(|giver| person.role.may_be_given_by(giver));
    Ok(PersonPage {
        access: (ctx.hooks.held_access)(conn, id)?,
        person,
        may_change,
    })
}

/// The chair's handover page.
pub struct HandoverPage {
    /// The offer that still waits, if any.
    pub pending: Option<Handover>,
    /// Everyone the chair may hand over to: active, not themselves, never
    /// the head; by name.
    pub successors: Vec<Contact>,
}

/// Whom the chair may hand over to: anyone but the head.
const SUCCESSOR_ROLES: &[Role] = &[Role::Staff, Role::Slt, Role::Chair];

/// The chair's handover page; refused unless the actor is the sitting chair.
pub fn read_handover(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
) -> Result<HandoverPage, AppError> {
    let chair = sitting_chair(conn, actor)?;
    Ok(HandoverPage {
        pending: pending(conn, ctx, Party::From(chair.id))?,
        successors: names::list_active_contacts(conn, SUCCESSOR_ROLES)?
            .into_iter()
            .filter(|p| p.id != chair.id)
            .collect(),
    })
}
