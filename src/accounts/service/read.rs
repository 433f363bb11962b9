//! What the official accounts pages show, each read in one trip to the
//! pool, with who may see it checked here.

use std::collections::HashMap;

use time::PrimitiveDateTime;

use super::access::{managed, manager, senior_roles, People};
use crate::accounts::domain::{Account, Grant};
use crate::accounts::store;
use crate::audit::store::{self as audit_store, EventFilter, EventRow};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::{AccountId, GrantId, PersonId};
use crate::mail::store::{self as mail_store, OutboxRow};
use crate::moderation::domain::{Access as ModerationAccess, Entry as ModerationEntry};
use crate::moderation::service as moderation;
use crate::people::actor::Actor;
use crate::people::domain::Role;
use crate::people::names::{self, Named};
use crate::state::Ctx;

/// The most history events an account's page shows.
const PAGE_HISTORY: i64 = 500;
/// The most history events an account's history CSV holds.
const CSV_HISTORY: i64 = 100_000;

/// What the register knows about every account, gathered without a query per row.
pub struct Overview {
    pub accounts: Vec<Account>,
    /// The people it names: openers, custodians, who gave and holds access.
    pub people: People,
    pub custodians: HashMap<AccountId, Vec<(PersonId, PrimitiveDateTime)>>,
    pub live: Vec<Grant>,
}

impl Overview {
    /// Whom the register names.
    fn named(&self) -> impl Iterator<Item = PersonId> + '_ {
        let accounts = self
            .accounts
            .iter()
            .flat_map(|a| [a.opened_by, a.entered_by]);
        let custodians = self.custodians.values().flatten().map(|(id, _)| *id);
        accounts.chain(custodians).chain(granted(&self.live))
    }
}

/// Who holds and who gave these grants.
fn granted(grants: &[Grant]) -> impl Iterator<Item = PersonId> + '_ {
    grants.iter().flat_map(|g| [g.grantee_id, g.granted_by])
}

/// Who did these events (those done by a person).
fn actors(events: &[EventRow]) -> impl Iterator<Item = PersonId> + '_ {
    events
        .iter()
        .filter_map(|e| e.actor_id.as_deref().and_then(PersonId::parse))
}

/// The register, for anyone signed in: every account, the people it
/// names, current custodians and live grants.
pub fn read_overview(conn: &mut DbConnection, _: &Ctx, _: &Actor) -> Result<Overview, AppError> {
    let mut overview = gather(conn)?;
    overview.people = names::named(conn, overview.named())?;
    Ok(overview)
}

/// The register with nobody named yet: the caller names whom it shows.
fn gather(conn: &mut DbConnection) -> Result<Overview, AppError> {
    let accounts = store::list_accounts(conn)?;
    let mut custodians: HashMap<AccountId, Vec<_>> = HashMap::new();
    for row in store::list_current_custodians(conn, None)? {
        if let (Some(account), Some(person)) = (
            AccountId::parse(&row.account_id),
            PersonId::parse(&row.person_id),
        ) {
            custodians
                .entry(account)
                .or_default()
                .push((person, row.added_at));
        }
    }
    let live = store::list_live_grants(conn)?;
    Ok(Overview {
        accounts,
        people: People::new(),
        custodians,
        live,
    })
}

/// The register for its CSV: managers only.
pub fn read_export(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
) -> Result<Overview, AppError> {
    manager(actor)?;
    read_overview(conn, ctx, actor)
}

fn account_history(
    conn: &mut DbConnection,
    id: AccountId,
    limit: i64,
) -> Result<Vec<EventRow>, AppError> {
    let filter = EventFilter {
        subject: Some(("account".into(), id.to_string())),
        ..EventFilter::default()
    };
    audit_store::list_events(conn, &filter, None, limit)
}

/// An account's page: the account, the register's overview, the grants
/// the actor may see, its history (newest first) for managers, and the
/// moderation log's latest entries for those who may read it.
pub struct AccountPage {
    pub account: Account,
    /// The register, naming everyone the page shows.
    pub overview: Overview,
    pub grants: Vec<Grant>,
    pub history: Vec<EventRow>,
    /// The actor manages the accounts: they see every grant and may act.
    pub manages: bool,
    /// Who a manager may add as a custodian of an open account: the active
    /// members of SLT and the head, by name (those already custodians too).
    pub seniors: Vec<Named>,
    pub moderation: Option<(ModerationAccess, Vec<ModerationEntry>)>,
}

/// An account's page, for anyone signed in: managers see every grant and
/// the history; others only their own grants.
pub fn read_account_page(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    id: AccountId,
) -> Result<AccountPage, AppError> {
    let manages = manager(actor).is_ok();
    let mut overview = gather(conn)?;
    let account = overview
        .accounts
        .iter()
        .find(|a| a.id == id)
        .cloned()
        .ok_or(AppError::NotFound)?;
    let grants: Vec<Grant> = store::list_grants_for_account(conn, id)?
        .into_iter()
        .filter(|g| manages || actor.is(g.grantee_id))
        .collect();
    let history = if manages {
        account_history(conn, id, PAGE_HISTORY)?
    } else {
        Vec::new()
    };
    let moderation = moderation::read_section(conn, ctx, actor, &account)?;
    let shown: Vec<PersonId> = overview
        .named()
        .chain(granted(&grants))
        .chain(actors(&history))
        .collect();
    overview.people = names::named(conn, shown)?;
    let seniors = if manages && account.is_open() {
        by_name(names::list_active(conn, &senior_roles())?)
    } else {
        Vec::new()
    };
    Ok(AccountPage {
        account,
        overview,
        grants,
        history,
        manages,
        seniors,
        moderation,
    })
}

/// Sorts people by name.
fn by_name(mut people: Vec<Named>) -> Vec<Named> {
    people.sort_by(|a, b| a.name.cmp(&b.name));
    people
}

/// Who may have opened an account, for the form that records one: SLT
/// and the head, those who have left included. Managers only.
pub fn read_openers(
    conn: &mut DbConnection,
    _: &Ctx,
    actor: &Actor,
) -> Result<Vec<Named>, AppError> {
    manager(actor)?;
    Ok(by_name(names::list_with_roles(conn, &senior_roles())?))
}

/// The account and who may be given its login, for the form that gives
/// someone access. Managers only.
pub fn read_grant_form(
    conn: &mut DbConnection,
    _: &Ctx,
    actor: &Actor,
    id: AccountId,
) -> Result<(Account, Vec<Named>), AppError> {
    let account = managed(conn, actor, id)?;
    let roles: Vec<Role> = Role::ALL
        .iter()
        .copied()
        .filter(|r| r.may_hold_grants())
        .collect();
    Ok((account, by_name(names::list_active(conn, &roles)?)))
}

/// A grant's page: the grant, its account, who holds and who gave it, and
/// the outbox row of its written record.
pub struct GrantPage {
    pub grant: Grant,
    pub account: Account,
    pub people: People,
    pub sent: Option<OutboxRow>,
    /// The actor manages the accounts: they may revoke it.
    pub manages: bool,
}

/// A grant's page: only the grantee, SLT and the head see it.
pub fn read_grant_page(
    conn: &mut DbConnection,
    _: &Ctx,
    actor: &Actor,
    id: GrantId,
) -> Result<GrantPage, AppError> {
    let grant = store::get_grant(conn, id)?;
    let manages = manager(actor).is_ok();
    if !(manages || actor.is(grant.grantee_id)) {
        return Err(AppError::Forbidden(
            "Only the person given access, the Senior Leadership Team and the headteacher see a grant.",
        ));
    }
    let account = store::get_account(conn, grant.account_id)?;
    let people = names::named(conn, granted(std::slice::from_ref(&grant)))?;
    let sent = match &grant.message_id {
        Some(message_id) => mail_store::find_by_message_id(conn, message_id)?,
        None => None,
    };
    Ok(GrantPage {
        grant,
        account,
        people,
        sent,
        manages,
    })
}

/// The account, for the page that records a password change. Managers only.
pub fn read_account(
    conn: &mut DbConnection,
    _: &Ctx,
    actor: &Actor,
    id: AccountId,
) -> Result<Account, AppError> {
    managed(conn, actor, id)
}

/// The account and how many live grants closing it would end. Managers only.
pub fn read_close_page(
    conn: &mut DbConnection,
    _: &Ctx,
    actor: &Actor,
    id: AccountId,
) -> Result<(Account, usize), AppError> {
    let account = managed(conn, actor, id)?;
    let live = store::list_grants_for_account(conn, id)?
        .iter()
        .filter(|g| g.is_live())
        .count();
    Ok((account, live))
}

/// The account, its live grants and who holds and gave them, for an
/// access review. Managers only.
pub fn read_review_page(
    conn: &mut DbConnection,
    _: &Ctx,
    actor: &Actor,
    id: AccountId,
) -> Result<(Account, Vec<Grant>, People), AppError> {
    let account = managed(conn, actor, id)?;
    let live: Vec<Grant> = store::list_grants_for_account(conn, id)?
        .into_iter()
        .filter(Grant::is_live)
        .collect();
    let people = names::named(conn, granted(&live))?;
    Ok((account, live, people))
}

/// The account, its whole history (newest first) and who did it, for
/// its CSV. Managers only.
pub fn read_history(
    conn: &mut DbConnection,
    _: &Ctx,
    actor: &Actor,
    id: AccountId,
) -> Result<(Account, Vec<EventRow>, People), AppError> {
    let account = managed(conn, actor, id)?;
    let history = account_history(conn, id, CSV_HISTORY)?;
    let people = names::named(conn, actors(&history))?;
    Ok((account, history, people))
}
