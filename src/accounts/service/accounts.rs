//! Opening, closing and password changes of official accounts: each one
//! `Tx`, by a manager (checked first, so those who may not act hear 403
//! before anything about their form).

use time::Date;

use super::access::{
    contacts_by_id, is_senior, manager, open_account, seniors, valid_custodians, CLOSED,
};
use super::grants::end_in_tx;
use super::notice::{event, heads, recipients, tell};
use crate::accounts::domain::{Account, EndKind, Grant, NewAccount};
use crate::accounts::emails;
use crate::accounts::store::{self, AccountRow};
use crate::audit::Action;
use crate::clock::to_row;
use crate::error::{AppError, FormErrors};
use crate::ids::AccountId;
use crate::people::domain::Role;
use crate::tx::Tx;
use crate::web::format;

/// Opens an account (or records one that already existed). The opener must
/// be an SLT member or the head: a non-SLT person is never recorded.
/// `new` is the form as parsed: its errors come back once the actor may act.
pub fn open(tx: &mut Tx, new: Result<NewAccount, FormErrors>) -> Result<Account, AppError> {
    let me = manager(tx.actor)?;
    let new = new.or_else(|errors| tx.refuse(errors))?;
    let people = contacts_by_id(tx.conn)?;
    let now = tx.now();
    let (opened_on, opener) = new
        .existing
        .unwrap_or_else(|| (format::local_date(now, tx.ctx.settings.time_zone), me));
    if !people.get(&opener).is_some_and(|p| is_senior(p.role)) {
        return tx.refuse_field(
            "opened_by",
            "Only a member of the Senior Leadership Team can have opened an official account",
        );
    }
    let id = AccountId::new();
    let row = AccountRow {
        id: id.to_string(),
        platform: new.platform.as_str().into(),
        handle: new.handle.clone(),
        profile_url: new.profile_url.clone(),
        purpose: new.purpose.clone(),
        opened_by: opener.to_string(),
        opened_on,
        entered_by: me.to_string(),
        entered_at: to_row(now),
        recorded_as_existing: new.existing.is_some(),
        password_change_due: false,
        last_password_change_on: None,
        last_password_change_by: None,
        last_reviewed_at: None,
        closed_at: None,
        closed_by: None,
        close_reason: None,
    };
    store::insert_account(tx.conn, &row)?;
    // Whoever enters it holds the login first; the opener too, if still here.
    store::insert_custodian(tx.conn, id, me, me, to_row(now))?;
    if opener != me && people.get(&opener).is_some_and(|p| p.active) {
        store::insert_custodian(tx.conn, id, opener, me, to_row(now))?;
    }
    let account = Account::try_from(row)?;
    let opener_name = people
        .get(&opener)
        .map(|p| p.name.clone())
        .unwrap_or_default();
    let by = tx.actor.name();
    let (action, summary) = if new.existing.is_some() {
        (
            Action::AccountRecorded,
            format!(
                "{by} recorded the existing {} account {}, opened by {opener_name} on {opened_on}",
                account.platform.label(),
                account.handle,
            ),
        )
    } else {
        (
            Action::AccountOpened,
            format!(
                "{by} opened the {} account {}",
                account.platform.label(),
                account.handle
            ),
        )
    };
    let opened = event(tx, action, id, summary).with_data(serde_json::json!({
        "platform": account.platform.as_str(),
        "opened_by": opener.to_string(),
        "opened_on": opened_on.to_string(),
    }));
    tx.record(opened)?;
    let to = recipients(None, [seniors(&people)]);
    tell(tx, to, id, |to, by, link| {
        emails::account_opened(to, &account, by, &opener_name, link)
    })?;
    Ok(account)
}

/// Closes an account with a reason; every live grant on it ends.
pub fn close(
    tx: &mut Tx,
    account: AccountId,
    reason: Result<String, FormErrors>,
) -> Result<(), AppError> {
    let me = manager(tx.actor)?;
    let reason = reason.or_else(|errors| tx.refuse(errors))?;
    let found = open_account(tx.conn, account, "This account is already closed.")?;
    store::close_account(tx.conn, account, me, tx.now_row(), &reason)?;
    let people = contacts_by_id(tx.conn)?;
    for grant in store::list_grants_for_account(tx.conn, account)?
        .into_iter()
        .filter(Grant::is_live)
    {
        end_in_tx(tx, &people, &grant, EndKind::AccountClosed, &reason)?;
    }
    let summary = format!("{} closed the account {}", tx.actor.name(), found.handle);
    let closed = event(tx, Action::AccountClosed, account, summary);
    tx.record(closed)?;
    let to = recipients(None, [seniors(&people)]);
    tell(tx, to, account, |to, by, link| {
        emails::account_closed(to, &found, by, &reason, link)
    })
}

/// A custodian (or the head) records that the password was changed;
/// `change` is the form as parsed: (changed on, note).
pub fn record_password_change(
    tx: &mut Tx,
    account: AccountId,
    change: Result<(Date, String), FormErrors>,
) -> Result<(), AppError> {
    let me = manager(tx.actor)?;
    let (changed_on, note) = change.or_else(|errors| tx.refuse(errors))?;
    let found = open_account(tx.conn, account, CLOSED)?;
    let people = contacts_by_id(tx.conn)?;
    let custodians = valid_custodians(tx.conn, account, &people)?;
    if tx.actor.role() != Some(Role::Headteacher) && !custodians.iter().any(|c| c.id == me) {
        return Err(AppError::Forbidden(
            "Only the account's custodians, or the headteacher, record its password changes.",
        ));
    }
    store::insert_password_change(tx.conn, account, changed_on, me, tx.now_row(), &note)?;
    let summary = format!(
        "{} recorded that the password of {} was changed on {changed_on}",
        tx.actor.name(),
        found.handle
    );
    let recorded = event(tx, Action::PasswordChangeRecorded, account, summary)
        .with_data(serde_json::json!({ "changed_on": changed_on.to_string() }));
    tx.record(recorded)?;
    let to = recipients(None, [custodians, heads(&people)]);
    tell(tx, to, account, |to, by, link| {
        emails::password_changed(to, &found, by, changed_on, link)
    })
}
