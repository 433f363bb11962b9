//! What SLT and the head change about a person (a role, a leaver), and
//! the command line's any-role change; the rules on who may change whom.

use super::chair::{chair_changed, install_chair};
use super::roles::{deactivate_in_tx, set_role_in_tx};
use super::who::{may_give, CHAIR_NOT_YOURS};
use crate::db::{dialect, DbConnection};
use crate::error::AppError;
use crate::ids::PersonId;
use crate::people::actor::Actor;
use crate::people::domain::{Person, Role};
use crate::people::store;
use crate::state::Ctx;

/// Changes a person's role and ends their sessions, so it applies at once.
/// From the command line, any role for anyone: making someone chair steps
/// the sitting chair down to staff.
pub fn change_role(
    conn: &mut DbConnection,
    ctx: &Ctx,
    by: &Actor,
    id: PersonId,
    role: Role,
) -> Result<Person, AppError> {
    dialect::write(conn, |conn| {
        let before = store::get_person(conn, id)?;
        // SECURITY: the head (or SLT) never gives or takes the chair.
        if *by != Actor::CommandLine && (before.role == Role::Chair || role == Role::Chair) {
            return Err(AppError::Forbidden(CHAIR_NOT_YOURS));
        }
        if !(may_give(by, before.role) && may_give(by, role)) {
            return Err(AppError::Forbidden(
                "Only the headteacher can give or take away the roles of SLT and headteacher.",
            ));
        }
        if by.is(id) {
            return Err(AppError::Conflict(
                "You cannot change your own role; ask another headteacher or use the \
                 command line."
                    .into(),
            ));
        }
        if !before.active {
            return Err(AppError::Conflict(
                "This person has been deactivated; their role cannot change.".into(),
            ));
        }
        if before.role == role {
            return Ok(before);
        }
        if role == Role::Chair {
            return install_chair(conn, ctx, by, &before, false, false);
        }
        let was_chair = before.role == Role::Chair;
        let after = set_role_in_tx(conn, ctx, by, &before, role, !was_chair)?;
        if was_chair {
            chair_changed(conn, ctx, by, std::slice::from_ref(&after), None, true)?;
        }
        Ok(after)
    })
}

/// Deactivates a leaver: they can no longer sign in and their sessions end.
/// People are never deleted.
pub fn deactivate(
    conn: &mut DbConnection,
    ctx: &Ctx,
    by: &Actor,
    id: PersonId,
) -> Result<Person, AppError> {
    dialect::write(conn, |conn| {
        let before = store::get_person(conn, id)?;
        // SECURITY: deactivating the chair would take concerns about the
        // head away from them; the chair leaves by handing over.
        if *by != Actor::CommandLine && before.role == Role::Chair {
            return Err(AppError::Forbidden(CHAIR_NOT_YOURS));
        }
        if !may_give(by, before.role) {
            return Err(AppError::Forbidden(
                "Only the headteacher can deactivate SLT members or the headteacher.",
            ));
        }
        if by.is(id) {
            return Err(AppError::Conflict("You cannot deactivate yourself.".into()));
        }
        if !before.active {
            return Ok(before);
        }
        deactivate_in_tx(conn, ctx, by, &before)
    })
}
