//! Grants of an account's login: made, confirmed, revoked, expired and ended
//! when the grantee may no longer hold them.

use super::access::{contacts_by_id, manager, valid_custodians, Contacts};
use super::notice::{event, heads, link, recipients};
use crate::accounts::domain::{EndKind, Grant, NewGrant};
use crate::accounts::emails;
use crate::accounts::store::{self, GrantRow};
use crate::audit::Action;
use crate::clock::to_row;
use crate::db::DbConnection;
use crate::error::{AppError, FormErrors};
use crate::ids::{AccountId, GrantId, PersonId};
use crate::people::actor::Actor;
use crate::state::Ctx;
use crate::tx::{self, Tx};
use crate::web::urls;

/// Gives a member of staff the login. The email is clause j's written
/// record: its Message-ID is stored on the grant. `new` is the form as
/// parsed: its errors come back once the actor may act.
pub fn grant(
    tx: &mut Tx,
    account: AccountId,
    new: Result<NewGrant, FormErrors>,
) -> Result<Grant, AppError> {
    let me = manager(tx.actor)?;
    let new = new.or_else(|errors| tx.refuse(errors))?;
    let found = store::get_account(tx.conn, account)?;
    if !found.is_open() {
        return tx.refuse_field(
            "grantee",
            "This account is closed: no one can be given access to it",
        );
    }
    let people = contacts_by_id(tx.conn)?;
    let Some(grantee) = people
        .get(&new.grantee)
        .filter(|p| p.active && p.role.may_hold_grants())
    else {
        return tx.refuse_field(
            "grantee",
            "Choose an active member of staff: never a governor or someone who has left",
        );
    };
    let id = GrantId::new();
    let row = GrantRow {
        id: id.to_string(),
        account_id: account.to_string(),
        grantee_id: grantee.id.to_string(),
        granted_by: me.to_string(),
        granted_at: to_row(tx.now()),
        aim: new.aim.as_str().into(),
        purpose: new.purpose.clone(),
        ends_on: new.ends_on,
        message_id: None,
        confirmed_at: None,
        ended_at: None,
        ended_by: None,
        end_kind: None,
        end_reason: None,
    };
    if !store::insert_grant(tx.conn, &row)? {
        let twice = format!("{} already has live access to this account", grantee.name);
        return tx.refuse_field("grantee", &twice);
    }
    let grant = Grant::try_from(row)?;
    let granter = people.get(&me).cloned().into_iter().collect();
    let custodians = valid_custodians(tx.conn, account, &people)?;
    let email = emails::granted(
        recipients(Some(grantee), [granter, custodians, heads(&people)]),
        &found,
        &grant,
        grantee,
        tx.actor.name(),
        tx.ctx.settings.link(&urls::grant(id)),
    );
    let message_id = tx.send_kept(email)?;
    store::set_grant_message_id(tx.conn, id, &message_id)?;
    let summary = format!(
        "{} gave {} access to {}",
        tx.actor.name(),
        grantee.name,
        found.handle
    );
    let made = event(tx, Action::GrantMade, account, summary).with_data(serde_json::json!({
        "grant_id": id.to_string(),
        "grantee_id": grantee.id.to_string(),
        "aim": new.aim.as_str(),
        "ends_on": new.ends_on.map(|d| d.to_string()),
        "message_id": message_id,
    }));
    tx.record(made)?;
    Ok(Grant {
        message_id: Some(message_id),
        ..grant
    })
}

/// Ends a live grant inside the caller's transaction: the record, the
/// account marked for a password change, the event and the emails.
pub(super) fn end_in_tx(
    tx: &mut Tx,
    people: &Contacts,
    grant: &Grant,
    kind: EndKind,
    reason: &str,
) -> Result<bool, AppError> {
    let by = tx.actor.id();
    if !store::end_grant(tx.conn, grant.id, by, tx.now_row(), kind, reason)? {
        return Ok(false);
    }
    let account = store::get_account(tx.conn, grant.account_id)?;
    if account.is_open() {
        store::set_password_change_due(tx.conn, account.id, true)?;
    }
    let grantee = people.get(&grant.grantee_id);
    let grantee_name = grantee.map(|p| p.name.clone()).unwrap_or_default();
    let by_name = by.and_then(|id| people.get(&id)).map(|p| p.name.clone());
    let action = match kind {
        EndKind::Expired => Action::GrantExpired,
        _ => Action::GrantRevoked,
    };
    let summary = format!(
        "{grantee_name}'s access to {} ended: {}",
        account.handle,
        kind.label().to_lowercase()
    );
    let ended = event(tx, action, account.id, summary).with_data(serde_json::json!({
        "grant_id": grant.id.to_string(),
        "grantee_id": grant.grantee_id.to_string(),
        "end_kind": kind.as_str(),
        "password_change_due": account.is_open(),
    }));
    tx.record(ended)?;
    // The grantee hears of it even as a leaver: it is their access that ended.
    let custodians = valid_custodians(tx.conn, account.id, people)?;
    let email = emails::access_ended(
        recipients(grantee, [custodians, heads(people)]),
        &account,
        &grantee_name,
        kind,
        reason,
        by_name.as_deref(),
        link(tx, account.id),
    );
    tx.send(email)?;
    Ok(true)
}

/// A manager revokes a grant, with a reason (the form as parsed).
pub fn revoke(
    tx: &mut Tx,
    grant: GrantId,
    reason: Result<String, FormErrors>,
) -> Result<Grant, AppError> {
    manager(tx.actor)?;
    let reason = reason.or_else(|errors| tx.refuse(errors))?;
    let found = store::get_grant(tx.conn, grant)?;
    if !found.is_live() {
        return Err(AppError::Conflict("This access has already ended.".into()));
    }
    let people = contacts_by_id(tx.conn)?;
    end_in_tx(tx, &people, &found, EndKind::Revoked, &reason)?;
    store::get_grant(tx.conn, grant)
}

/// Ends every grant whose end date has passed; each in its own transaction.
pub fn expire_due(conn: &mut DbConnection, ctx: &Ctx) -> Result<usize, AppError> {
    let today = crate::web::format::local_date(ctx.clock.now(), ctx.settings.time_zone);
    let due = store::list_expired(conn, today)?;
    let mut ended = 0;
    for grant in due {
        let done = tx::write(conn, ctx, &Actor::System, |tx| {
            let people = contacts_by_id(tx.conn)?;
            end_in_tx(tx, &people, &grant, EndKind::Expired, "its end date passed")
        })?;
        ended += usize::from(done);
    }
    Ok(ended)
}

/// Ends every live grant a person holds, each with its event, emails and
/// the account marked "password change due". Call inside the transaction
/// that changed what the person may hold (a leaver, a new role).
pub fn end_grants_of(
    tx: &mut Tx,
    person: PersonId,
    kind: EndKind,
    reason: &str,
) -> Result<usize, AppError> {
    let people = contacts_by_id(tx.conn)?;
    let mut ended = 0;
    for grant in store::list_grants_for_person(tx.conn, person)?
        .into_iter()
        .filter(Grant::is_live)
    {
        ended += usize::from(end_in_tx(tx, &people, &grant, kind, reason)?);
    }
    Ok(ended)
}

/// The grantee confirms they received access and will follow the guidelines.
pub fn confirm(tx: &mut Tx, grant: GrantId) -> Result<Grant, AppError> {
    let found = store::get_grant(tx.conn, grant)?;
    if !tx.actor.is(found.grantee_id) {
        return Err(AppError::Forbidden(
            "Only the person given access can confirm it.",
        ));
    }
    if store::confirm_grant(tx.conn, grant, tx.now_row())? {
        let account = store::get_account(tx.conn, found.account_id)?;
        let summary = format!(
            "{} confirmed receiving access to {} and will follow the guidelines",
            tx.actor.name(),
            account.handle
        );
        let confirmed = event(tx, Action::GrantConfirmed, account.id, summary)
            .with_data(serde_json::json!({ "grant_id": grant.to_string() }));
        tx.record(confirmed)?;
    }
    store::get_grant(tx.conn, grant)
}
