//! Grants of an account's login: made, confirmed, revoked, expired and ended
//! when the grantee may no longer hold them.

use std::collections::HashMap;

use super::{account_event, add_unique, heads, people_by_id, recipient, valid_custodians, By};
use crate::accounts::domain::{EndKind, Grant, NewGrant};
use crate::accounts::emails;
use crate::accounts::store::{self, GrantRow};
use crate::audit::{self, Action, Actor};
use crate::clock::to_row;
use crate::db::{dialect, DbConnection};
use crate::error::{AppError, FormErrors};
use crate::ids::{AccountId, GrantId, PersonId};
use crate::mail::{self, Recipient};
use crate::people::domain::{Person, Role};
use crate::people::store as people_store;
use crate::state::Ctx;
use crate::web::urls;

/// Gives a member of staff the login. The email is clause j's written
/// record: its Message-ID is stored on the grant.
pub fn grant(
    conn: &mut DbConnection,
    ctx: &Ctx,
    by: &By,
    account: AccountId,
    new: NewGrant,
) -> Result<Result<Grant, FormErrors>, AppError> {
    dialect::write(conn, |conn| {
        let found = store::get_account(conn, account)?;
        let mut errors = FormErrors::new();
        if !found.is_open() {
            errors.add(
                "grantee",
                "This account is closed: no one can be given access to it",
            );
            return Ok(Err(errors));
        }
        let people = people_by_id(conn)?;
        let Some(grantee) = people
            .get(&new.grantee)
            .filter(|p| p.active && p.role != Role::Chair)
        else {
            errors.add(
                "grantee",
                "Choose an active member of staff: never a governor or someone who has left",
            );
            return Ok(Err(errors));
        };
        let now = ctx.clock.now();
        let id = GrantId::new();
        let row = GrantRow {
            id: id.to_string(),
            account_id: account.to_string(),
            grantee_id: grantee.id.to_string(),
            granted_by: by.id.to_string(),
            granted_at: to_row(now),
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
        if !store::insert_grant(conn, &row)? {
            errors.add(
                "grantee",
                format!("{} already has live access to this account", grantee.name),
            );
            return Ok(Err(errors));
        }
        let grant = Grant::try_from(row)?;
        let mut to = vec![recipient(grantee)];
        add_unique(&mut to, people.get(&by.id).cloned());
        add_unique(&mut to, valid_custodians(conn, account, &people)?);
        add_unique(&mut to, heads(&people));
        let message_id = mail::enqueue(
            conn,
            ctx.clock.as_ref(),
            &ctx.settings,
            emails::granted(
                to,
                &found,
                &grant,
                grantee,
                &by.name,
                ctx.settings.link(&urls::grant(id)),
            ),
        )?;
        store::set_grant_message_id(conn, id, &message_id)?;
        audit::append(
            conn,
            ctx.clock.as_ref(),
            account_event(
                Actor::Person(by.id),
                Action::GrantMade,
                account,
                format!(
                    "{} gave {} access to {}",
                    by.name, grantee.name, found.handle
                ),
            )
            .with_data(serde_json::json!({
                "grant_id": id.to_string(),
                "grantee_id": grantee.id.to_string(),
                "aim": new.aim.as_str(),
                "ends_on": new.ends_on.map(|d| d.to_string()),
                "message_id": message_id,
            })),
        )?;
        Ok(Ok(Grant {
            message_id: Some(message_id),
            ..grant
        }))
    })
}

/// Ends a live grant inside the caller's transaction: the record, the
/// account marked for a password change, the event and the emails.
pub(super) fn end_in_tx(
    conn: &mut DbConnection,
    ctx: &Ctx,
    people: &HashMap<PersonId, Person>,
    grant: &Grant,
    actor: Actor,
    kind: EndKind,
    reason: &str,
) -> Result<bool, AppError> {
    let by = actor.person_id();
    if !store::end_grant(conn, grant.id, by, ctx.clock.now_row(), kind, reason)? {
        return Ok(false);
    }
    let account = store::get_account(conn, grant.account_id)?;
    if account.is_open() {
        store::set_password_change_due(conn, account.id, true)?;
    }
    let grantee = people.get(&grant.grantee_id);
    let grantee_name = grantee.map(|p| p.name.clone()).unwrap_or_default();
    let by_name = by.and_then(|id| people.get(&id)).map(|p| p.name.clone());
    let action = match kind {
        EndKind::Expired => Action::GrantExpired,
        _ => Action::GrantRevoked,
    };
    audit::append(
        conn,
        ctx.clock.as_ref(),
        account_event(
            actor,
            action,
            account.id,
            format!(
                "{}'s access to {} ended: {}",
                grantee_name,
                account.handle,
                kind.label().to_lowercase()
            ),
        )
        .with_data(serde_json::json!({
            "grant_id": grant.id.to_string(),
            "grantee_id": grant.grantee_id.to_string(),
            "end_kind": kind.as_str(),
            "password_change_due": account.is_open(),
        })),
    )?;
    // The grantee hears of it even as a leaver: it is their access that ended.
    let mut to: Vec<Recipient> = grantee.map(recipient).into_iter().collect();
    add_unique(&mut to, valid_custodians(conn, account.id, people)?);
    add_unique(&mut to, heads(people));
    mail::enqueue(
        conn,
        ctx.clock.as_ref(),
        &ctx.settings,
        emails::access_ended(
            to,
            &account,
            &grantee_name,
            kind,
            reason,
            by_name.as_deref(),
            ctx.settings.link(&urls::account(account.id)),
        ),
    )?;
    Ok(true)
}

/// An SLT member revokes a grant, with a reason.
pub fn revoke(
    conn: &mut DbConnection,
    ctx: &Ctx,
    by: &By,
    grant: GrantId,
    reason: &str,
) -> Result<Grant, AppError> {
    dialect::write(conn, |conn| {
        let found = store::get_grant(conn, grant)?;
        if !found.is_live() {
            return Err(AppError::Conflict("This access has already ended.".into()));
        }
        let people = people_by_id(conn)?;
        end_in_tx(
            conn,
            ctx,
            &people,
            &found,
            Actor::Person(by.id),
            EndKind::Revoked,
            reason,
        )?;
        store::get_grant(conn, grant)
    })
}

/// Ends every grant whose end date has passed; each in its own transaction.
pub fn expire_due(conn: &mut DbConnection, ctx: &Ctx) -> Result<usize, AppError> {
    let today = crate::web::format::local_date(ctx.clock.now(), ctx.settings.time_zone);
    let due = store::list_expired(conn, today)?;
    let mut ended = 0;
    for grant in due {
        let done = dialect::write(conn, |conn| {
            let people = people_by_id(conn)?;
            end_in_tx(
                conn,
                ctx,
                &people,
                &grant,
                Actor::System,
                EndKind::Expired,
                "its end date passed",
            )
        })?;
        ended += usize::from(done);
    }
    Ok(ended)
}

/// Ends every live grant a person holds, each with its event, emails and
/// the account marked "password change due". Call inside the transaction
/// that changed what the person may hold (a leaver, a new role).
pub fn end_grants_of(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: Actor,
    person: PersonId,
    kind: EndKind,
    reason: &str,
) -> Result<usize, AppError> {
    let people = people_by_id(conn)?;
    let mut ended = 0;
    for grant in store::list_grants_for_person(conn, person)?
        .into_iter()
        .filter(Grant::is_live)
    {
        ended += usize::from(end_in_tx(conn, ctx, &people, &grant, actor, kind, reason)?);
    }
    Ok(ended)
}

/// The grantee confirms they received access and will follow the guidelines.
pub fn confirm(
    conn: &mut DbConnection,
    ctx: &Ctx,
    me: PersonId,
    grant: GrantId,
) -> Result<Grant, AppError> {
    dialect::write(conn, |conn| {
        let found = store::get_grant(conn, grant)?;
        if found.grantee_id != me {
            return Err(AppError::Forbidden(
                "Only the person given access can confirm it.",
            ));
        }
        if store::confirm_grant(conn, grant, ctx.clock.now_row())? {
            let account = store::get_account(conn, found.account_id)?;
            let name = people_store::get_person(conn, me)?.name;
            audit::append(
                conn,
                ctx.clock.as_ref(),
                account_event(
                    Actor::Person(me),
                    Action::GrantConfirmed,
                    account.id,
                    format!(
                        "{name} confirmed receiving access to {} and will follow the guidelines",
                        account.handle
                    ),
                )
                .with_data(serde_json::json!({ "grant_id": grant.to_string() })),
            )?;
        }
        store::get_grant(conn, grant)
    })
}
