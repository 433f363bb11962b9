//! What `people` asks of official accounts, through `state::Hooks`: a
//! person's logins for their page, and taking them away when their access
//! changes.

use super::{end_grants_of, store};
use crate::accounts::domain::EndKind;
use crate::audit::Actor;
use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::PersonId;
use crate::people::domain::HeldAccess;
use crate::state::{Ctx, Hooks};

/// The hooks `startup` gives every `Ctx`.
pub const HOOKS: Hooks = Hooks {
    end_grants,
    end_custody: super::end_custody_of,
    held_access,
};

fn end_grants(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: Actor,
    person: PersonId,
    leaving: bool,
    why: &str,
) -> Result<usize, AppError> {
    let kind = if leaving {
        EndKind::Deactivated
    } else {
        EndKind::Revoked
    };
    end_grants_of(conn, ctx, actor, person, kind, why)
}

/// Every login a person was given, with the account's handle, in one
/// query for the grants and one for the accounts.
fn held_access(conn: &mut DbConnection, person: PersonId) -> Result<Vec<HeldAccess>, AppError> {
    let grants = store::list_grants_for_person(conn, person)?;
    let accounts = store::list_accounts(conn)?;
    Ok(grants
        .iter()
        .map(|g| HeldAccess {
            account: g.account_id,
            handle: accounts
                .iter()
                .find(|a| a.id == g.account_id)
                .map(|a| a.handle.clone())
                .unwrap_or_default(),
            grant: g.id,
            granted_at: g.granted_at,
            ended: g.ended_at.map(|at| (at, g.end_kind.map(|k| k.label()))),
            live: g.is_live(),
        })
        .collect())
}
