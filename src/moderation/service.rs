//! What the moderation log does and shows: recording an action (one `Tx`
//! with its audit event; no email, DESIGN.md's table has none for them),
//! and the log as its readers see it. Who may is checked inside, for reads
//! and changes alike. SECURITY: the audit event carries the account, the
//! kind and the reason as codes, never the note, which may quote what a
//! member of the public wrote.

use time::Date;

use super::domain::{grant_is_live_on, Access, Entry, Filter, NewAction, Reason};
use super::store::{self, ModerationRow};
use crate::accounts::domain::Account;
use crate::accounts::store as accounts_store;
use crate::audit::{Action, NewEvent, Subject};
use crate::db::DbConnection;
use crate::error::{AppError, FormErrors};
use crate::ids::{AccountId, ModerationId};
use crate::people::actor::Actor;
use crate::people::domain::Role;
use crate::state::Ctx;
use crate::tx::Tx;
use crate::web::format;

/// Shown on the 403 page to those who may not read a log.
pub const READERS_ONLY: &str =
    "Only the Senior Leadership Team, the headteacher and staff who hold \
     access to this account see or add to its moderation log.";

/// Shown when someone tries to add to a closed account's log.
pub const CLOSED: &str = "This account is closed: its moderation log can still be read, but \
     nothing new can be recorded on it.";

/// Today at the school.
fn today(ctx: &Ctx) -> Date {
    format::local_date(ctx.clock.now(), ctx.settings.time_zone)
}

/// What the actor may do with this account's log today.
fn access(
    conn: &mut DbConnection,
    actor: &Actor,
    account: &Account,
    today: Date,
) -> Result<Access, AppError> {
    let (Some(me), Some(role)) = (actor.id(), actor.role()) else {
        return Err(AppError::Forbidden(READERS_ONLY));
    };
    // Only staff need a grant; SLT and the head moderate any account.
    let holds_live_grant = role == Role::Staff
        && accounts_store::list_grants_for_person(conn, me)?
            .iter()
            .any(|g| g.account_id == account.id && grant_is_live_on(g, today));
    Ok(Access::of(role, holds_live_grant, account.is_open()))
}

/// The account's log as the actor may read it (`Forbidden` otherwise),
/// newest first, with what the actor may do.
fn read(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    account: &Account,
    filter: &Filter,
    limit: i64,
) -> Result<(Access, Vec<Entry>), AppError> {
    let access = access(conn, actor, account, today(ctx))?;
    if !access.read {
        return Err(AppError::Forbidden(READERS_ONLY));
    }
    let entries = store::list_for_account(conn, account.id, filter, limit)?;
    Ok((access, entries))
}

/// An account's log, as its page and its CSV show it.
pub struct Log {
    pub account: Account,
    /// What the actor may do with it.
    pub access: Access,
    /// Newest first, at most the limit asked for.
    pub entries: Vec<Entry>,
}

/// The log of the account `id` as `filter` narrows it, at most `limit`
/// entries, if the actor may read it.
pub fn read_log(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    id: AccountId,
    filter: &Filter,
    limit: i64,
) -> Result<Log, AppError> {
    let account = accounts_store::get_account(conn, id)?;
    let (access, entries) = read(conn, ctx, actor, &account, filter, limit)?;
    Ok(Log {
        account,
        access,
        entries,
    })
}

/// The latest entries shown on the account's own page.
const SECTION_LIMIT: i64 = 5;

/// The latest entries of an account's log, for the account's own page,
/// and what the actor may do; `None` for someone who may not read the log.
pub fn read_section(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    account: &Account,
) -> Result<Option<(Access, Vec<Entry>)>, AppError> {
    match read(conn, ctx, actor, account, &Filter::default(), SECTION_LIMIT) {
        Ok(read) => Ok(Some(read)),
        Err(AppError::Forbidden(_)) => Ok(None),
        Err(other) => Err(other),
    }
}

/// Records a moderation action on an account, with its audit event. Who may
/// is checked here, inside the transaction, before `new`'s errors come
/// back: SLT and the head on any open account, staff on one they hold a
/// live grant on.
pub fn record(
    tx: &mut Tx,
    account: AccountId,
    new: Result<NewAction, FormErrors>,
) -> Result<ModerationId, AppError> {
    let account = accounts_store::get_account(tx.conn, account)?;
    let access = access(tx.conn, tx.actor, &account, today(tx.ctx))?;
    if !access.read {
        return Err(AppError::Forbidden(READERS_ONLY));
    }
    if !access.record {
        return Err(AppError::Conflict(CLOSED.into()));
    }
    let new = new.or_else(|errors| tx.refuse(errors))?;
    let me = tx.actor.id().ok_or(AppError::Forbidden(READERS_ONLY))?;
    let id = ModerationId::new();
    store::insert_action(
        tx.conn,
        &ModerationRow {
            id: id.to_string(),
            account_id: account.id.to_string(),
            recorded_by: me.to_string(),
            recorded_at: tx.now_row(),
            occurred_on: new.occurred_on(),
            kind: new.kind().as_str().into(),
            reason: new.reason().as_str().into(),
            note: new.note().to_owned(),
        },
    )?;
    tx.record(
        NewEvent::new(
            tx.actor.recorded(),
            Action::ModerationRecorded,
            Subject::of("account", account.id),
            format!(
                "{} recorded a moderation action on {}: {}, for {} ({})",
                tx.actor.name(),
                account.handle,
                new.kind().label().to_lowercase(),
                match new.reason() {
                    Reason::Other => "another reason".to_owned(),
                    reason => reason.label().to_lowercase(),
                },
                format::calendar_date(new.occurred_on())
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
}
