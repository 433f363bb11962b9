//! Who may manage people and hand the chair over, who may change whom,
//! and who hears of it.

use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::PersonId;
use crate::mail::Recipient;
use crate::people::actor::Actor;
use crate::people::domain::{Person, Role};
use crate::people::store;

/// Why someone else is refused the people pages.
pub const MANAGERS_ONLY: &str =
    "Only the Senior Leadership Team and the headteacher manage people.";

/// Refuses anyone who does not manage people: the command line may, a
/// person only if their role manages people, Custodian itself never.
pub fn require_manager(by: &Actor) -> Result<(), AppError> {
    let may = match by {
        Actor::CommandLine => true,
        Actor::Person { role, .. } => role.manages_people(),
        Actor::System => false,
    };
    if may {
        Ok(())
    } else {
        Err(AppError::Forbidden(MANAGERS_ONLY))
    }
}

/// The chair's id, or a refusal: only the chair (signed in) hands over.
pub(super) fn require_chair(by: &Actor) -> Result<PersonId, AppError> {
    match by {
        Actor::Person {
            id,
            role: Role::Chair,
            ..
        } => Ok(*id),
        _ => Err(AppError::Forbidden(
            "Only the chair of governors hands the role over.",
        )),
    }
}

/// The sitting chair as the database has them (they may have been
/// replaced since they signed in), or a refusal.
pub(super) fn sitting_chair(conn: &mut DbConnection, by: &Actor) -> Result<Person, AppError> {
    let chair = store::get_person(conn, require_chair(by)?)?;
    if chair.active && chair.role == Role::Chair {
        Ok(chair)
    } else {
        Err(AppError::Forbidden(
            "Only the sitting chair of governors hands the role over.",
        ))
    }
}

/// Whether `by` may give (or take away) `role`: the command line may give
/// any; a person only the roles their own allows; Custodian itself none.
pub(super) fn may_give(by: &Actor, role: Role) -> bool {
    match by {
        Actor::CommandLine => true,
        Actor::Person { role: giver, .. } => role.may_be_given_by(*giver),
        Actor::System => false,
    }
}

/// Why no one signed in gives or takes the chair of governors.
pub(super) const CHAIR_NOT_YOURS: &str =
    "The chair of governors is not given or taken by anyone signed in: \
     the sitting chair hands the role over in Custodian, or whoever runs the server sets it \
     from the command line.";

/// Active people with these roles, as recipients of an email.
fn recipients(conn: &mut DbConnection, roles: &[Role]) -> Result<Vec<Recipient>, AppError> {
    Ok(store::list_active_with_roles(conn, roles)?
        .into_iter()
        .map(|p| Recipient::new(p.name, p.email))
        .collect())
}

/// The head of the school and the SLT, who hear about changes to people.
pub(super) fn heads_and_slt(conn: &mut DbConnection) -> Result<Vec<Recipient>, AppError> {
    recipients(conn, &[Role::Headteacher, Role::Slt])
}

pub(super) fn heads(conn: &mut DbConnection) -> Result<Vec<Recipient>, AppError> {
    recipients(conn, &[Role::Headteacher])
}
