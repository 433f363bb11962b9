//! Recording moderation actions: one transaction with its audit event. No
//! email (DESIGN.md's table has none for them). SECURITY: the audit event
//! carries the account, the kind and the reason as codes, never the note,
//! which may quote what a member of the public wrote.

use time::Date;

use super::domain::{grant_is_live_on, Access, Entry, Filter, NewAction, Reason};
use super::store::{self, ModerationRow};
use crate::accounts::domain::Account;
use crate::accounts::store as accounts_store;
use crate::audit::{self, Action, Actor, NewEvent, Subject};
use crate::auth::current::CurrentPerson;
use crate::clock::to_row;
use crate::db::{dialect, DbConnection};
use crate::error::AppError;
use crate::ids::{AccountId, ModerationId};
use crate::people::domain::Role;
use crate::state::Ctx;

/// Shown on the 403 page to those who may not read a log.
pub const READERS_ONLY: &str =
    "Only the Senior Leadership Team, the headteacher and staff who hold \
     access to this account see or add to its moderation log.";

/// Shown when someone tries to add to a closed account's log.
pub const CLOSED: &str = "This account is closed: its moderation log can still be read, but \
     nothing new can be recorded on it.";

/// What `me` may do with this account's log today.
pub fn access(
    conn: &mut DbConnection,
    me: &CurrentPerson,
    account: &Account,
    today: Date,
) -> Result<Access, AppError> {
    // Only staff need a grant; SLT and the head moderate any account.
    let holds_live_grant = me.role == Role::Staff
        && accounts_store::list_grants_for_person(conn, me.id)?
            .iter()
            .any(|g| g.account_id == account.id && grant_is_live_on(g, today));
    Ok(Access::of(me.role, holds_live_grant, account.is_open()))
}

/// What `me` may do with the log of the account `id` today.
pub fn read_access(
    conn: &mut DbConnection,
    me: &CurrentPerson,
    id: AccountId,
    today: Date,
) -> Result<Access, AppError> {
    let account = accounts_store::get_account(conn, id)?;
    access(conn, me, &account, today)
}

/// The account `id`, what `me` may do with its log, and the log as `me` may
/// read it (`Forbidden` otherwise), newest first.
pub fn read_log(
    conn: &mut DbConnection,
    me: &CurrentPerson,
    id: AccountId,
    today: Date,
    filter: &Filter,
    limit: i64,
) -> Result<(Account, Access, Vec<Entry>), AppError> {
    let account = accounts_store::get_account(conn, id)?;
    let (access, entries) = read(conn, me, &account, today, filter, limit)?;
    Ok((account, access, entries))
}

/// The account's log as `me` may read it (`Forbidden` otherwise), newest
/// first, with what `me` may do.
pub fn read(
    conn: &mut DbConnection,
    me: &CurrentPerson,
    account: &Account,
    today: Date,
    filter: &Filter,
    limit: i64,
) -> Result<(Access, Vec<Entry>), AppError> {
    let access = access(conn, me, account, today)?;
    if !access.read {
        return Err(AppError::Forbidden(READERS_ONLY));
    }
    let entries = store::list_for_account(conn, account.id, filter, limit)?;
    Ok((access, entries))
}

/// Records a moderation action on an account, with its audit event. Who may
/// is checked here, inside the transaction: SLT and the head on any open
/// account, staff on one they hold a live grant on.
pub fn record(
    conn: &mut DbConnection,
    ctx: &Ctx,
    me: &CurrentPerson,
    account: AccountId,
    new: NewAction,
) -> Result<ModerationId, AppError> {
    dialect::write(conn, |conn| {
        let now = ctx.clock.now();
        let today = crate::web::format::local_date(now, ctx.settings.time_zone);
        let account = accounts_store::get_account(conn, account)?;
        let access = access(conn, me, &account, today)?;
        if !access.read {
            return Err(AppError::Forbidden(READERS_ONLY));
        }
        if !access.record {
            return Err(AppError::Conflict(CLOSED.into()));
        }
        let id = ModerationId::new();
        store::insert_action(
            conn,
            &ModerationRow {
                id: id.to_string(),
                account_id: account.id.to_string(),
                recorded_by: me.id.to_string(),
                recorded_at: to_row(now),
                occurred_on: new.occurred_on(),
                kind: new.kind().as_str().into(),
                reason: new.reason().as_str().into(),
                note: new.note().to_owned(),
            },
        )?;
        audit::append(
            conn,
            ctx.clock.as_ref(),
            NewEvent::new(
                Actor::Person(me.id),
                Action::ModerationRecorded,
                Subject::of("account", account.id),
                format!(
                    "{} recorded a moderation action on {}: {}, for {} ({})",
                    me.name,
                    account.handle,
                    new.kind().label().to_lowercase(),
                    match new.reason() {
                        Reason::Other => "another reason".to_owned(),
                        reason => reason.label().to_lowercase(),
                    },
                    crate::web::format::calendar_date(new.occurred_on())
                ),
            )
            .with_data(serde_json::json!({
                "moderation_id": id.to_string(),
                "kind": new.kind().as_str(),
                "reason": new.reason().as_str(),
                "occurred_on": new.occurred_on().to_string(),
            })),
        )?;
        Ok(id)
    })
}
