//! Who may see a declaration, and who may act on it. SECURITY: only its
//! declarant and their reviewer; anyone else is refused without learning
//! whether it exists beyond the id they typed.

use crate::db::DbConnection;
use crate::declarations::domain::Declaration;
use crate::declarations::store;
use crate::error::AppError;
use crate::ids::{DeclarationId, PersonId};
use crate::people::actor::Actor;
use crate::people::domain::Role;

/// Why a declaration is refused to anyone but its declarant and reviewer.
pub const NOT_YOURS: &str =
    "A declaration is seen only by the person who made it and their reviewer.";

/// The acting person's id and role: declarations are made and reviewed by
/// people, never at the command line.
pub(super) fn me(actor: &Actor) -> Result<(PersonId, Role), AppError> {
    actor
        .id()
        .zip(actor.role())
        .ok_or(AppError::Forbidden(NOT_YOURS))
}

/// The declaration, if the actor may see it.
pub(super) fn visible(
    conn: &mut DbConnection,
    actor: &Actor,
    id: DeclarationId,
) -> Result<Declaration, AppError> {
    let (me, role) = me(actor)?;
    let found = store::find_declaration(conn, id)?.ok_or(AppError::Forbidden(NOT_YOURS))?;
    if found.declarant == me || found.reviewer_role == role {
        Ok(found)
    } else {
        Err(AppError::Forbidden(NOT_YOURS))
    }
}

/// The declaration, if the actor may see it and `may` do what they ask
/// with it; refused with `why` otherwise.
fn visible_if(
    conn: &mut DbConnection,
    actor: &Actor,
    id: DeclarationId,
    may: impl FnOnce(&Declaration) -> bool,
    why: &'static str,
) -> Result<Declaration, AppError> {
    let found = visible(conn, actor, id)?;
    if may(&found) {
        Ok(found)
    } else {
        Err(AppError::Forbidden(why))
    }
}

/// The declaration, if the actor declared it.
pub(super) fn as_declarant(
    conn: &mut DbConnection,
    actor: &Actor,
    id: DeclarationId,
) -> Result<Declaration, AppError> {
    let why = "Only the person who declared it can change a declaration.";
    visible_if(conn, actor, id, |found| actor.is(found.declarant), why)
}

/// The declaration, if the actor reviews it. SECURITY: nobody reviews
/// their own, even the head whose role reviews everyone else's.
pub(super) fn as_reviewer(
    conn: &mut DbConnection,
    actor: &Actor,
    id: DeclarationId,
) -> Result<Declaration, AppError> {
    let reviews = |found: &Declaration| {
        actor.role() == Some(found.reviewer_role) && !actor.is(found.declarant)
    };
    let why = "Only the declaration's reviewer can review it.";
    visible_if(conn, actor, id, reviews, why)
}

/// Refuses the chair, who makes no declarations of their own here.
pub(super) fn declarant_role(actor: &Actor) -> Result<(PersonId, Role), AppError> {
    let (me, role) = me(actor)?;
    if role == Role::Chair {
        return Err(AppError::Forbidden(
            "Governors do not make declarations here.",
        ));
    }
    Ok((me, role))
}
