//! What `people` asks of official accounts, through `state::Hooks`: a
//! person's logins for their page, and taking them away when their access
//! changes.

use super::custody::end_custody_of;
use super::grants::end_grants_of;
use crate::accounts::domain::EndKind;
use crate::accounts::store;
use crate::audit;
use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::PersonId;
use crate::people::actor::Actor;
use crate::people::domain::HeldAccess;
use crate::people::store as people_store;
use crate::state::{Ctx, Hooks};
use crate::tx::Tx;

/// The hooks `startup` gives every `Ctx`.
pub const HOOKS: Hooks = Hooks {
    end_grants,
    end_custody,
    held_access,
};

/// Who acts, as the kit's `Actor`: `people` hands the hooks the audit
/// log's actor, and the change is already inside its transaction.
fn acting(conn: &mut DbConnection, actor: audit::Actor) -> Result<Actor, AppError> {
    Ok(match actor {
        audit::Actor::Person(id) => Actor::person(&people_store::get_person(conn, id)?),
        audit::Actor::Cli => Actor::CommandLine,
        audit::Actor::System => Actor::System,
    })
}

fn end_grants(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: audit::Actor,
    person: PersonId,
    leaving: bool,
    why: &str,
) -> Result<usize, AppError> {
    let kind = if leaving {
        EndKind::Deactivated
    } else {
        EndKind::Revoked
    };
    let actor = acting(conn, actor)?;
    end_grants_of(
        &mut Tx {
            conn,
            ctx,
            actor: &actor,
        },
        person,
        kind,
        why,
    )
}

fn end_custody(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: audit::Actor,
    person: PersonId,
    why: &str,
) -> Result<usize, AppError> {
    let actor = acting(conn, actor)?;
    end_custody_of(
        &mut Tx {
            conn,
            ctx,
            actor: &actor,
        },
        person,
        why,
    )
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
