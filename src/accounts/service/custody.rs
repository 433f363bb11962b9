//! Who holds an official account's login: custodians added, removed, and
//! custody ended when a person leaves SLT.

use super::{account_event, is_senior, people_by_id, valid_custodians, By};
use crate::accounts::store::{self};
use crate::audit::{self, Action, Actor};
use crate::db::{dialect, DbConnection};
use crate::error::AppError;
use crate::ids::{AccountId, PersonId};
use crate::people::store as people_store;
use crate::state::Ctx;

/// Adds an SLT member or the head as a custodian.
pub fn add_custodian(
    conn: &mut DbConnection,
    ctx: &Ctx,
    by: &By,
    account: AccountId,
    person: PersonId,
) -> Result<(), AppError> {
    dialect::write(conn, |conn| {
        let found = store::get_account(conn, account)?;
        if !found.is_open() {
            return Err(AppError::Conflict("This account is closed.".into()));
        }
        let who = people_store::get_person(conn, person)?;
        if !(who.active && is_senior(&who)) {
            return Err(AppError::Conflict(
                "Only active members of the Senior Leadership Team hold an account's login.".into(),
            ));
        }
        if !store::insert_custodian(conn, account, person, by.id, ctx.clock.now_row())? {
            return Ok(());
        }
        audit::append(
            conn,
            ctx.clock.as_ref(),
            account_event(
                Actor::Person(by.id),
                Action::CustodianAdded,
                account,
                format!(
                    "{} made {} a custodian of {}",
                    by.name, who.name, found.handle
                ),
            )
            .with_data(serde_json::json!({ "person_id": person.to_string() })),
        )?;
        Ok(())
    })
}

/// Removes a custodian, never the last one who can still act.
pub fn remove_custodian(
    conn: &mut DbConnection,
    ctx: &Ctx,
    by: &By,
    account: AccountId,
    person: PersonId,
) -> Result<(), AppError> {
    dialect::write(conn, |conn| {
        let found = store::get_account(conn, account)?;
        let people = people_by_id(conn)?;
        let remaining = valid_custodians(conn, account, &people)?
            .into_iter()
            .filter(|p| p.id != person)
            .count();
        if remaining == 0 && found.is_open() {
            return Err(AppError::Conflict(
                "An account must always have at least one custodian who is an active SLT member. \
                 Add another custodian first."
                    .into(),
            ));
        }
        if store::remove_custodian(conn, account, person, Some(by.id), ctx.clock.now_row())? == 0 {
            return Err(AppError::NotFound);
        }
        let name = people
            .get(&person)
            .map(|p| p.name.clone())
            .unwrap_or_default();
        audit::append(
            conn,
            ctx.clock.as_ref(),
            account_event(
                Actor::Person(by.id),
                Action::CustodianRemoved,
                account,
                format!(
                    "{} removed {} as a custodian of {}",
                    by.name, name, found.handle
                ),
            )
            .with_data(serde_json::json!({ "person_id": person.to_string() })),
        )?;
        Ok(())
    })
}

/// Ends a person's custody of every official account they hold the login
/// of, inside the caller's transaction (they are no longer SLT or the head).
/// SECURITY: they still know each login, so each open account is marked
/// "password change due", as for a grant that ends.
pub fn end_custody_of(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: Actor,
    person: PersonId,
    why: &str,
) -> Result<usize, AppError> {
    let name = people_store::get_person(conn, person)?.name;
    let mut ended = 0;
    for raw in store::list_custody_of(conn, person)? {
        let Some(account) = AccountId::parse(&raw) else {
            continue;
        };
        let found = store::get_account(conn, account)?;
        if store::remove_custodian(
            conn,
            account,
            person,
            actor.person_id(),
            ctx.clock.now_row(),
        )? == 0
        {
            continue;
        }
        if found.is_open() {
            store::set_password_change_due(conn, account, true)?;
        }
        audit::append(
            conn,
            ctx.clock.as_ref(),
            account_event(
                actor,
                Action::CustodianRemoved,
                account,
                format!(
                    "{name} no longer holds the login of {}: {why}",
                    found.handle
                ),
            )
            .with_data(serde_json::json!({
                "person_id": person.to_string(),
                "password_change_due": found.is_open(),
            })),
        )?;
        ended += 1;
    }
    Ok(ended)
}
