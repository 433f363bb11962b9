//! What SLT and the head change about a person (a role, a leaver), and
//! the command line's any-role change; the rules on who may change whom.

use super::chair::{chair_changed, install_chair};
use super::roles::{deactivate_in_tx, set_role_in_tx};
use super::who::{may_give, require_manager, CHAIR_NOT_YOURS};
use crate::error::{AppError, FormErrors};
use crate::ids::PersonId;
use crate::people::actor::Actor;
use crate::people::domain::{Person, Role};
use crate::people::store;
use crate::tx::Tx;

/// The person to change, once the actor is known to manage people; and
/// refused if the change would touch the chair (SECURITY: no one signed in
/// gives or takes it), or a role `by` may not give or take away.
fn changeable(
    tx: &mut Tx,
    id: PersonId,
    role: Option<Role>,
    why: &'static str,
) -> Result<Person, AppError> {
    let before = store::get_person(tx.conn, id)?;
    let roles = [Some(before.role), role];
    let by = tx.actor;
    if *by != Actor::CommandLine && roles.contains(&Some(Role::Chair)) {
        return Err(AppError::Forbidden(CHAIR_NOT_YOURS));
    }
    if !roles.iter().flatten().all(|r| may_give(by, *r)) {
        return Err(AppError::Forbidden(why));
    }
    Ok(before)
}

/// Changes a person's role and ends their sessions, so it applies at once.
/// From the command line, any role for anyone: making someone chair steps
/// the sitting chair down to staff. `role` is the form as parsed: a role
/// not on the list is refused beside it, once the actor may change roles.
pub fn change_role(
    tx: &mut Tx,
    id: PersonId,
    role: Result<Role, FormErrors>,
) -> Result<Person, AppError> {
    require_manager(tx.actor)?;
    let role = role.or_else(|errors| tx.refuse(errors))?;
    let before = changeable(
        tx,
        id,
        Some(role),
        "Only the headteacher can give or take away the roles of SLT and headteacher.",
    )?;
    if tx.actor.is(id) {
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
        return install_chair(tx, &before, false, false);
    }
    let was_chair = before.role == Role::Chair;
    let after = set_role_in_tx(tx, &before, role, !was_chair)?;
    if was_chair {
        chair_changed(tx, std::slice::from_ref(&after), None, true)?;
    }
    Ok(after)
}

/// Deactivates a leaver: they can no longer sign in and their sessions end.
/// People are never deleted.
pub fn deactivate(tx: &mut Tx, id: PersonId) -> Result<Person, AppError> {
    require_manager(tx.actor)?;
    // SECURITY: deactivating the chair would take concerns about the
    // head away from them; the chair leaves by handing over.
    let before = changeable(
        tx,
        id,
        None,
        "Only the headteacher can deactivate SLT members or the headteacher.",
    )?;
    if tx.actor.is(id) {
        return Err(AppError::Conflict("You cannot deactivate yourself.".into()));
    }
    if !before.active {
        return Ok(before);
    }
    deactivate_in_tx(tx, &before)
}
