//! Who may change whom, and who hears of it.

use crate::db::DbConnection;
use crate::error::AppError;
use crate::mail::Recipient;
use crate::people::actor::Actor;
use crate::people::domain::Role;
use crate::people::store;

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

/// The head of the school and the SLT, who hear about changes to people.
pub(super) fn heads_and_slt(conn: &mut DbConnection) -> Result<Vec<Recipient>, AppError> {
    Ok(
        store::list_active_with_roles(conn, &[Role::Headteacher, Role::Slt])?
            .into_iter()
            .map(|p| Recipient::new(p.name, p.email))
            .collect(),
    )
}

pub(super) fn heads(conn: &mut DbConnection) -> Result<Vec<Recipient>, AppError> {
    Ok(store::list_active_with_roles(conn, &[Role::Headteacher])?
        .into_iter()
        .map(|p| Recipient::new(p.name, p.email))
        .collect())
}
