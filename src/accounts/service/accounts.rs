//! Opening, closing and password changes of official accounts.

use time::Date;

use super::grants::end_in_tx;
use super::{
    account_event, add_unique, heads, is_senior, people_by_id, seniors, valid_custodians, By,
};
use crate::accounts::domain::{Account, EndKind, Grant, NewAccount};
use crate::accounts::emails;
use crate::accounts::store::{self, AccountRow};
use crate::audit::{self, Action, Actor};
use crate::clock::to_row;
use crate::db::{dialect, DbConnection};
use crate::error::{AppError, FormErrors};
use crate::ids::AccountId;
use crate::mail::{self};
use crate::people::domain::Role;
use crate::state::Ctx;
use crate::web::urls;

/// Opens an account (or records one that already existed). The opener must
/// be an SLT member or the head: a non-SLT person is never recorded.
pub fn open(
    conn: &mut DbConnection,
    ctx: &Ctx,
    by: &By,
    new: NewAccount,
) -> Result<Result<Account, FormErrors>, AppError> {
    dialect::write(conn, |conn| {
        let people = people_by_id(conn)?;
        let now = ctx.clock.now();
        let (opened_on, opener) = match new.existing {
            Some((date, opener)) => (date, opener),
            None => (
                crate::web::format::local_date(now, ctx.settings.time_zone),
                by.id,
            ),
        };
        if !people.get(&opener).is_some_and(is_senior) {
            let mut errors = FormErrors::new();
            errors.add(
                "opened_by",
                "Only a member of the Senior Leadership Team can have opened an official account",
            );
            return Ok(Err(errors));
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
            entered_by: by.id.to_string(),
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
        store::insert_account(conn, &row)?;
        // Whoever enters it holds the login first; the opener too, if still here.
        store::insert_custodian(conn, id, by.id, by.id, to_row(now))?;
        if opener != by.id && people.get(&opener).is_some_and(|p| p.active) {
            store::insert_custodian(conn, id, opener, by.id, to_row(now))?;
        }
        let account = Account::try_from(row)?;
        let opener_name = people
            .get(&opener)
            .map(|p| p.name.clone())
            .unwrap_or_default();
        let (action, summary) = if new.existing.is_some() {
            (
                Action::AccountRecorded,
                format!(
                    "{} recorded the existing {} account {}, opened by {} on {}",
                    by.name,
                    account.platform.label(),
                    account.handle,
                    opener_name,
                    opened_on
                ),
            )
        } else {
            (
                Action::AccountOpened,
                format!(
                    "{} opened the {} account {}",
                    by.name,
                    account.platform.label(),
                    account.handle
                ),
            )
        };
        audit::append(
            conn,
            ctx.clock.as_ref(),
            account_event(Actor::Person(by.id), action, id, summary).with_data(serde_json::json!({
                "platform": account.platform.as_str(),
                "opened_by": opener.to_string(),
                "opened_on": opened_on.to_string(),
            })),
        )?;
        let mut to = Vec::new();
        add_unique(&mut to, seniors(&people));
        mail::enqueue(
            conn,
            ctx.clock.as_ref(),
            &ctx.settings,
            emails::account_opened(
                to,
                &account,
                &by.name,
                &opener_name,
                ctx.settings.link(&urls::account(id)),
            ),
        )?;
        Ok(Ok(account))
    })
}

/// Closes an account with a reason; every live grant on it ends.
pub fn close(
    conn: &mut DbConnection,
    ctx: &Ctx,
    by: &By,
    account: AccountId,
    reason: &str,
) -> Result<(), AppError> {
    dialect::write(conn, |conn| {
        let found = store::get_account(conn, account)?;
        if !found.is_open() {
            return Err(AppError::Conflict("This account is already closed.".into()));
        }
        store::close_account(conn, account, by.id, ctx.clock.now_row(), reason)?;
        let people = people_by_id(conn)?;
        for grant in store::list_grants_for_account(conn, account)?
            .into_iter()
            .filter(Grant::is_live)
        {
            end_in_tx(
                conn,
                ctx,
                &people,
                &grant,
                Actor::Person(by.id),
                EndKind::AccountClosed,
                reason,
            )?;
        }
        audit::append(
            conn,
            ctx.clock.as_ref(),
            account_event(
                Actor::Person(by.id),
                Action::AccountClosed,
                account,
                format!("{} closed the account {}", by.name, found.handle),
            ),
        )?;
        let mut to = Vec::new();
        add_unique(&mut to, seniors(&people));
        mail::enqueue(
            conn,
            ctx.clock.as_ref(),
            &ctx.settings,
            emails::account_closed(
                to,
                &found,
                &by.name,
                reason,
                ctx.settings.link(&urls::account(account)),
            ),
        )?;
        Ok(())
    })
}

/// A custodian (or the head) records that the password was changed.
pub fn record_password_change(
    conn: &mut DbConnection,
    ctx: &Ctx,
    by: &By,
    account: AccountId,
    changed_on: Date,
    note: &str,
) -> Result<(), AppError> {
    dialect::write(conn, |conn| {
        let found = store::get_account(conn, account)?;
        if !found.is_open() {
            return Err(AppError::Conflict("This account is closed.".into()));
        }
        let people = people_by_id(conn)?;
        let custodians = valid_custodians(conn, account, &people)?;
        if by.role != Role::Headteacher && !custodians.iter().any(|c| c.id == by.id) {
            return Err(AppError::Forbidden(
                "Only the account's custodians, or the headteacher, record its password changes.",
            ));
        }
        store::insert_password_change(conn, account, changed_on, by.id, ctx.clock.now_row(), note)?;
        audit::append(
            conn,
            ctx.clock.as_ref(),
            account_event(
                Actor::Person(by.id),
                Action::PasswordChangeRecorded,
                account,
                format!(
                    "{} recorded that the password of {} was changed on {}",
                    by.name, found.handle, changed_on
                ),
            )
            .with_data(serde_json::json!({ "changed_on": changed_on.to_string() })),
        )?;
        let mut to = Vec::new();
        add_unique(&mut to, custodians);
        add_unique(&mut to, heads(&people));
        mail::enqueue(
            conn,
            ctx.clock.as_ref(),
            &ctx.settings,
            emails::password_changed(
                to,
                &found,
                &by.name,
                changed_on,
                ctx.settings.link(&urls::account(account)),
            ),
        )?;
        Ok(())
    })
}
