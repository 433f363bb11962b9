//! Changes to official accounts and grants: each one transaction with its
//! audit event and its emails (the emails are clause j's written record).

use std::collections::HashMap;

use time::Date;

use super::domain::{Account, EndKind, Grant, NewAccount, NewGrant};
use super::store::{self, AccountRow, GrantRow};
use crate::audit::{self, Action, Actor, NewEvent, Subject};
use crate::clock::to_row;
use crate::db::{dialect, DbConnection};
use crate::error::{AppError, FormErrors};
use crate::ids::{AccountId, GrantId, PersonId};
use crate::mail::{self, Recipient};
use crate::people::domain::{Person, Role};
use crate::people::store as people_store;
use crate::state::Ctx;
use crate::web::urls;

use super::emails;

/// Who is acting: an SLT member or the head, checked by the handler.
#[derive(Clone, Debug)]
pub struct By {
    pub id: PersonId,
    pub name: String,
    pub role: Role,
}

fn is_senior(person: &Person) -> bool {
    matches!(person.role, Role::Slt | Role::Headteacher)
}

/// Everyone, by id, to name and address people in one query.
pub fn people_by_id(conn: &mut DbConnection) -> Result<HashMap<PersonId, Person>, AppError> {
    Ok(people_store::list_people(conn)?
        .into_iter()
        .map(|p| (p.id, p))
        .collect())
}

fn recipient(person: &Person) -> Recipient {
    Recipient::new(&person.name, &person.email)
}

/// The account's current custodians who can still act: active SLT or head.
pub fn valid_custodians(
    conn: &mut DbConnection,
    account: AccountId,
    people: &HashMap<PersonId, Person>,
) -> Result<Vec<Person>, AppError> {
    Ok(store::list_current_custodians(conn, Some(account))?
        .into_iter()
        .filter_map(|c| PersonId::parse(&c.person_id).and_then(|id| people.get(&id)))
        .filter(|p| p.active && is_senior(p))
        .cloned()
        .collect())
}

/// Adds people to a recipient list once each.
fn add_unique(to: &mut Vec<Recipient>, people: impl IntoIterator<Item = Person>) {
    for person in people {
        if person.active && !to.iter().any(|r| r.address == person.email) {
            to.push(recipient(&person));
        }
    }
}

fn heads(people: &HashMap<PersonId, Person>) -> Vec<Person> {
    people
        .values()
        .filter(|p| p.active && p.role == Role::Headteacher)
        .cloned()
        .collect()
}

fn seniors(people: &HashMap<PersonId, Person>) -> Vec<Person> {
    let mut all: Vec<Person> = people
        .values()
        .filter(|p| p.active && is_senior(p))
        .cloned()
        .collect();
    all.sort_by(|a, b| a.name.cmp(&b.name));
    all
}

fn account_event(actor: Actor, action: Action, account: AccountId, summary: String) -> NewEvent {
    NewEvent::new(actor, action, Subject::of("account", account), summary)
}

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
fn end_in_tx(
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

/// An access review: every live grant kept or revoked, and the review recorded.
pub fn review(
    conn: &mut DbConnection,
    ctx: &Ctx,
    by: &By,
    account: AccountId,
    decisions: &HashMap<GrantId, bool>,
    notes: &str,
) -> Result<Result<(usize, usize), FormErrors>, AppError> {
    dialect::write(conn, |conn| {
        let found = store::get_account(conn, account)?;
        if !found.is_open() {
            return Err(AppError::Conflict("This account is closed.".into()));
        }
        let live: Vec<Grant> = store::list_grants_for_account(conn, account)?
            .into_iter()
            .filter(Grant::is_live)
            .collect();
        if live.iter().any(|g| !decisions.contains_key(&g.id)) {
            let mut errors = FormErrors::new();
            errors.add(
                "decisions",
                "Choose keep or revoke for every person with access",
            );
            return Ok(Err(errors));
        }
        let chosen: Vec<(GrantId, bool)> = live.iter().map(|g| (g.id, decisions[&g.id])).collect();
        let people = people_by_id(conn)?;
        for grant in live.iter().filter(|g| !decisions[&g.id]) {
            end_in_tx(
                conn,
                ctx,
                &people,
                grant,
                Actor::Person(by.id),
                EndKind::Review,
                "revoked at an access review",
            )?;
        }
        store::insert_review(conn, account, by.id, ctx.clock.now_row(), &chosen, notes)?;
        let revoked = chosen.iter().filter(|(_, keep)| !keep).count();
        let kept = chosen.len() - revoked;
        audit::append(
            conn,
            ctx.clock.as_ref(),
            account_event(
                Actor::Person(by.id),
                Action::AccessReviewed,
                account,
                format!(
                    "{} reviewed access to {}: {kept} kept, {revoked} revoked",
                    by.name, found.handle
                ),
            )
            .with_data(serde_json::json!({ "kept": kept, "revoked": revoked })),
        )?;
        Ok(Ok((kept, revoked)))
    })
}
