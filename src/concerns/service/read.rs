//! What the concerns pages read, each in one trip to the database, with
//! the check of who may see it inside. SECURITY: every look at a concern
//! or its evidence is recorded, and so is every refused one.

use std::collections::HashMap;

use super::access::{me, record_look, reviewing_as, reviews, visible, Look};
use crate::accounts::domain::{Account, Platform};
use crate::accounts::store as accounts_store;
use crate::audit::store::{self as audit_store, EventFilter, EventRow};
use crate::audit::Action;
use crate::concerns::domain::Reviewer;
use crate::concerns::store::{self, Concern, EntryRow, EvidenceInfo};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::{ConcernId, EvidenceId};
use crate::people::actor::Actor;
use crate::people::domain::Role;
use crate::people::names::{self, Named};
use crate::state::Ctx;

/// Names by id: of the people a page shows (raisers, authors, those
/// concerned), and of the official accounts ("Facebook @oakfield").
pub struct Names {
    pub people: HashMap<String, String>,
    pub accounts: HashMap<String, String>,
}

impl Names {
    /// A person's name by id; "A person" for one no longer found.
    pub fn person(&self, id: &str) -> String {
        self.people
            .get(id)
            .cloned()
            .unwrap_or_else(|| "A person".into())
    }

    /// The names of these people and accounts (those that exist): two
    /// queries, however many they are.
    fn read(
        conn: &mut DbConnection,
        people: &[String],
        accounts: &[String],
    ) -> Result<Self, AppError> {
        let people: Vec<&str> = people.iter().map(String::as_str).collect();
        let accounts: Vec<&str> = accounts.iter().map(String::as_str).collect();
        Ok(Self {
            people: names::names_of(conn, &people)?.into_iter().collect(),
            accounts: accounts_store::list_handles(conn, &accounts)?
                .into_iter()
                .map(|(id, platform, handle)| {
                    let platform = Platform::parse(&platform).ok_or_else(|| {
                        AppError::internal(anyhow::anyhow!("account {id}: unreadable row"))
                    })?;
                    Ok((id, handle_name(platform, &handle)))
                })
                .collect::<Result<_, AppError>>()?,
        })
    }

    /// The names a list of concerns shows: whom and what each is about.
    fn of_concerns<'a>(
        conn: &mut DbConnection,
        concerns: impl IntoIterator<Item = &'a Concern>,
    ) -> Result<Self, AppError> {
        let (mut people, mut accounts) = (Vec::new(), Vec::new());
        for c in concerns {
            people.extend(c.raised.about_person.map(|p| p.to_string()));
            accounts.extend(c.raised.about_account.map(|a| a.to_string()));
        }
        Self::read(conn, &people, &accounts)
    }
}

/// How an official account is named in a form and on a concern.
pub fn account_name(account: &Account) -> String {
    handle_name(account.platform, &account.handle)
}

fn handle_name(platform: Platform, handle: &str) -> String {
    format!("{} {handle}", platform.label())
}

/// One's own concerns, and for a reviewer how many of theirs are open.
pub struct Home {
    pub mine: Vec<Concern>,
    pub open: Option<i64>,
}

/// The home page: the concerns the actor raised, and, for a reviewer, how
/// many are open (never counting those about the reviewer).
pub fn read_home(conn: &mut DbConnection, actor: &Actor) -> Result<Home, AppError> {
    let person = me(actor)?;
    let open = match reviewing_as(actor) {
        Some(r) => Some(store::count_open(conn, r, person, None)?),
        None => None,
    };
    Ok(Home {
        mine: store::list_raised_by(conn, person)?,
        open,
    })
}

/// Who and what a concern can be about: everyone active, and every
/// official account. Anyone signed in may raise one.
pub fn read_raise_form(conn: &mut DbConnection) -> Result<(Vec<Named>, Vec<Account>), AppError> {
    Ok((
        names::list_active(conn, Role::ALL)?,
        accounts_store::list_accounts(conn)?,
    ))
}

/// The reviewer's queue.
pub struct ReviewQueue {
    pub reviewer: Reviewer,
    /// Open concerns for this reviewer, the oldest first.
    pub open: Vec<Concern>,
    /// The latest closed ones.
    pub closed: Vec<Concern>,
    pub names: Names,
}

/// The queue of the actor's channel: the head's, or the chair's.
/// SECURITY: never the concerns about the reviewer themselves.
pub fn read_review_queue(conn: &mut DbConnection, actor: &Actor) -> Result<ReviewQueue, AppError> {
    let reviewer = reviewing_as(actor).ok_or(AppError::Forbidden(
        "Only the headteacher, and the chair of governors for concerns about the head, review \
         concerns.",
    ))?;
    let mut list = |closed, limit| -> Result<Vec<Concern>, AppError> {
        Ok(store::list_for_reviewer(conn, reviewer, closed, limit)?
            .into_iter()
            .filter(|c| c.raised.about_person != actor.id())
            .collect())
    };
    let (open, closed) = (list(false, 500)?, list(true, 50)?);
    Ok(ReviewQueue {
        names: Names::of_concerns(conn, open.iter().chain(&closed))?,
        reviewer,
        open,
        closed,
    })
}

/// A concern's page: what the raiser sees, and for the reviewer its
/// timeline and who has looked at it.
pub struct ConcernPage {
    pub concern: Concern,
    /// Whether the reader reviews it (else they raised it).
    pub reviewing: bool,
    pub evidence: Vec<EvidenceInfo>,
    /// The timeline; empty unless the reader reviews it.
    pub entries: Vec<EntryRow>,
    /// Who has looked at it; empty unless the reader reviews it.
    pub access: Vec<EventRow>,
    pub names: Names,
}

/// A concern the actor may see, recording that they looked.
pub fn read_concern(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    id: ConcernId,
) -> Result<ConcernPage, AppError> {
    let concern = visible(conn, ctx, actor, id)?;
    record_look(conn, ctx, actor, &concern, Look::Page)?;
    let reviewing = reviews(&concern, actor);
    let (entries, access) = if reviewing {
        (store::list_entries(conn, id)?, looks_at(conn, &concern)?)
    } else {
        (Vec::new(), Vec::new())
    };
    let mut people = vec![concern.raised_by.to_string()];
    people.extend(concern.raised.about_person.map(|p| p.to_string()));
    people.extend(entries.iter().map(|e| e.author_id.clone()));
    people.extend(access.iter().filter_map(|e| e.actor_id.clone()));
    let accounts: Vec<String> = concern
        .raised
        .about_account
        .map(|a| a.to_string())
        .into_iter()
        .collect();
    Ok(ConcernPage {
        evidence: store::list_evidence(conn, id)?,
        names: Names::read(conn, &people, &accounts)?,
        reviewing,
        entries,
        access,
        concern,
    })
}

/// Every look at a concern, and every refused one, from the audit log.
fn looks_at(conn: &mut DbConnection, concern: &Concern) -> Result<Vec<EventRow>, AppError> {
    let filter = EventFilter {
        subject: Some((
            concern.reviewer.subject_kind().into(),
            concern.id.to_string(),
        )),
        ..EventFilter::default()
    };
    let looks = [
        Action::ConcernViewed.as_str(),
        Action::ConcernEvidenceDownloaded.as_str(),
        Action::ConcernAccessRefused.as_str(),
    ];
    Ok(audit_store::list_events(conn, &filter, None, 1_000)?
        .into_iter()
        .filter(|e| looks.contains(&e.action.as_str()))
        .collect())
}

/// One file of a concern's evidence, recording that the actor downloaded it.
pub fn read_evidence(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    id: ConcernId,
    file: EvidenceId,
) -> Result<(EvidenceInfo, Vec<u8>), AppError> {
    let concern = visible(conn, ctx, actor, id)?;
    let found = store::evidence_content(conn, id, file)?.ok_or(AppError::NotFound)?;
    record_look(conn, ctx, actor, &concern, Look::Evidence(file))?;
    Ok(found)
}
