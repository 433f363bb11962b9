//! A new role, or a leaver; and the re-check of what they may still hold.

use super::who::{heads, heads_and_slt};
use crate::audit::{self, Action, NewEvent, Subject};
use crate::auth::session_store;
use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::PersonId;
use crate::mail::{templates, Recipient};
use crate::people::domain::{Person, Role};
use crate::people::store;
use crate::state::Ctx;
use crate::tx::Tx;
use crate::web::urls;

/// What a re-check of a person's access took away.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AccessEnded {
    /// Live grants of an official account's login, each now revoked.
    pub grants: usize,
    /// Official accounts they were a custodian of.
    pub custody: usize,
}

/// Re-checks everything a person may hold after their role or standing
/// changed, inside the transaction that changed it. The one place this
/// rule lives: a role change on the web or the command line, the chair's
/// handover and a leaver all come through here.
/// SECURITY: their sessions end (the change applies at once); anyone who
/// may no longer be given a login (a leaver, a governor) loses every live
/// grant, each revoked with the account marked "password change due"; anyone
/// no longer SLT or the head stops being a custodian, likewise.
pub fn recheck_access(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: audit::Actor,
    person: &Person,
) -> Result<AccessEnded, AppError> {
    session_store::end_sessions_of(conn, person.id)?;
    let why = if person.active {
        format!("their role changed to {}", person.role.label())
    } else {
        "they left the school".to_owned()
    };
    let mut ended = AccessEnded::default();
    if !person.active || !person.role.may_hold_grants() {
        ended.grants = (ctx.hooks.end_grants)(conn, ctx, actor, person.id, !person.active, &why)?;
    }
    if !person.active || !person.role.may_be_custodian() {
        ended.custody = (ctx.hooks.end_custody)(conn, ctx, actor, person.id, &why)?;
    }
    Ok(ended)
}

/// After a change to a person: records `action` with what the re-check of
/// their access took away (and `data`), and returns them as they are now.
fn recheck_and_record(
    tx: &mut Tx,
    id: PersonId,
    action: Action,
    summary: impl FnOnce(&Person) -> String,
    mut data: serde_json::Value,
) -> Result<(Person, AccessEnded), AppError> {
    let after = store::get_person(tx.conn, id)?;
    let ended = recheck_access(tx.conn, tx.ctx, tx.actor.recorded(), &after)?;
    data["grants_ended"] = ended.grants.into();
    data["custody_ended"] = ended.custody.into();
    let event = NewEvent::new(
        tx.actor.recorded(),
        action,
        Subject::person(id),
        summary(&after),
    );
    tx.record(event.with_data(data))?;
    Ok((after, ended))
}

/// Gives a person a new role inside the caller's transaction: the change,
/// the re-check of their access, the event, and (when `notify`) the email
/// to them and the head.
pub(super) fn set_role_in_tx(
    tx: &mut Tx,
    before: &Person,
    role: Role,
    notify: bool,
) -> Result<Person, AppError> {
    let id = before.id;
    store::update_role(tx.conn, id, role)?;
    let by = tx.actor.name().to_owned();
    let (after, _) = recheck_and_record(
        tx,
        id,
        Action::PersonRoleChanged,
        |after| {
            format!(
                "{by} changed {}'s role from {} to {}",
                after.name,
                before.role.label(),
                role.label()
            )
        },
        serde_json::json!({ "from": before.role.as_str(), "to": role.as_str() }),
    )?;
    if notify {
        let mut to = vec![Recipient::new(&after.name, &after.email)];
        to.extend(
            heads(tx.conn)?
                .into_iter()
                .filter(|r| r.address != after.email),
        );
        let link = tx.ctx.settings.link(&urls::person(id));
        tx.send(templates::role_changed(to, &after, before.role, &by, link))?;
    }
    Ok(after)
}

/// Deactivates a leaver inside the caller's transaction.
pub(super) fn deactivate_in_tx(tx: &mut Tx, before: &Person) -> Result<Person, AppError> {
    let id = before.id;
    store::deactivate(tx.conn, id, tx.now_row())?;
    let by = tx.actor.name().to_owned();
    let (after, ended) = recheck_and_record(
        tx,
        id,
        Action::PersonDeactivated,
        |after| format!("{by} deactivated {}", after.name),
        serde_json::json!({}),
    )?;
    let to = heads_and_slt(tx.conn)?;
    // A chair who leaves on handover may leave a school with no head or
    // SLT in Custodian yet: an email to no one would never send.
    if !to.is_empty() {
        let link = tx.ctx.settings.link(&urls::person(id));
        tx.send(templates::deactivated(to, &after, ended.grants, &by, link))?;
    }
    Ok(after)
}
