//! What the concerns pages read, each in one trip to the database.
//!
//! SECURITY: a concern that does not exist and one this person may not see
//! get the same 403, and the refused look is itself an audit event the
//! reviewer reads; every look at a concern or its evidence is recorded.

use std::collections::HashMap;

use super::{raised_it, record_look, reviews, Look, NOT_REVIEWER};
use crate::accounts::domain::Account;
use crate::accounts::store as accounts_store;
use crate::audit::store::{self as audit_store, EventFilter, EventRow};
use crate::audit::Action;
use crate::auth::current::CurrentPerson;
use crate::concerns::domain::Reviewer;
use crate::concerns::store::{self, Concern, EntryRow, EvidenceInfo};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::{ConcernId, EvidenceId, PersonId};
use crate::people::domain::Person;
use crate::people::store as people_store;
use crate::state::Ctx;

/// Everyone's name by id, to name raisers, authors and those concerned.
fn names(people: &[Person]) -> HashMap<String, String> {
    people
        .iter()
        .map(|p| (p.id.to_string(), p.name.clone()))
        .collect()
}

/// Every official account's platform and handle by id.
fn account_names(conn: &mut DbConnection) -> Result<HashMap<String, String>, AppError> {
    Ok(accounts_store::list_accounts(conn)?
        .into_iter()
        .map(|a| {
            (
                a.id.to_string(),
                format!("{} {}", a.platform.label(), a.handle),
            )
        })
        .collect())
}

/// The concerns this person raised, and, for a reviewer, how many of theirs
/// are open.
pub fn read_home(
    conn: &mut DbConnection,
    person: PersonId,
    reviewer: Option<Reviewer>,
) -> Result<(Vec<Concern>, Option<i64>), AppError> {
    let open = match reviewer {
        Some(r) => Some(store::count_open(conn, r, person, None)?),
        None => None,
    };
    Ok((store::list_raised_by(conn, person)?, open))
}

/// Who and what a concern can be about: everyone, and every official account.
pub fn read_raise_form(conn: &mut DbConnection) -> Result<(Vec<Person>, Vec<Account>), AppError> {
    Ok((
        people_store::list_people(conn)?,
        accounts_store::list_accounts(conn)?,
    ))
}

/// The reviewer's queue.
pub struct ReviewQueue {
    /// Open concerns for this reviewer, the oldest first.
    pub open: Vec<Concern>,
    /// The latest closed ones.
    pub closed: Vec<Concern>,
    /// Everyone's name by id.
    pub names: HashMap<String, String>,
    /// Every official account's name by id.
    pub accounts: HashMap<String, String>,
}

/// The queue of a reviewer; the handler leaves out those about the reviewer.
pub fn read_review_queue(
    conn: &mut DbConnection,
    reviewer: Reviewer,
) -> Result<ReviewQueue, AppError> {
    Ok(ReviewQueue {
        open: store::list_for_reviewer(conn, reviewer, false, 500)?,
        closed: store::list_for_reviewer(conn, reviewer, true, 50)?,
        names: names(&people_store::list_people(conn)?),
        accounts: account_names(conn)?,
    })
}

/// The concern, if this person may see it; else the same 403 as for one
/// that does not exist, and the refusal is recorded.
pub fn read_visible(
    conn: &mut DbConnection,
    ctx: &Ctx,
    me: &CurrentPerson,
    id: ConcernId,
) -> Result<Concern, AppError> {
    let concern = store::find_concern(conn, id)?.ok_or(AppError::Forbidden(NOT_REVIEWER))?;
    if reviews(&concern, me) || raised_it(&concern, me) {
        Ok(concern)
    } else {
        record_look(conn, ctx, me, &concern, Look::Refused)?;
        Err(AppError::Forbidden(NOT_REVIEWER))
    }
}

/// A concern's page: what the raiser sees, and for the reviewer its
/// timeline and who has looked at it.
pub struct ConcernPage {
    pub concern: Concern,
    pub evidence: Vec<EvidenceInfo>,
    /// The timeline; empty unless the reader reviews it.
    pub entries: Vec<EntryRow>,
    /// Who has looked at it; empty unless the reader reviews it.
    pub access: Vec<EventRow>,
    pub names: HashMap<String, String>,
    pub accounts: HashMap<String, String>,
}

/// A concern this person may see, recording that they looked.
pub fn read_concern(
    conn: &mut DbConnection,
    ctx: &Ctx,
    me: &CurrentPerson,
    id: ConcernId,
) -> Result<ConcernPage, AppError> {
    let concern = read_visible(conn, ctx, me, id)?;
    record_look(conn, ctx, me, &concern, Look::Page)?;
    let reviewer = reviews(&concern, me);
    let (entries, access) = if reviewer {
        let filter = EventFilter {
            subject: Some((concern.reviewer.subject_kind().into(), id.to_string())),
            ..EventFilter::default()
        };
        let looks = [
            Action::ConcernViewed.as_str(),
            Action::ConcernEvidenceDownloaded.as_str(),
            Action::ConcernAccessRefused.as_str(),
        ];
        let access = audit_store::list_events(conn, &filter, None, 1_000)?
            .into_iter()
            .filter(|e| looks.contains(&e.action.as_str()))
            .collect();
        (store::list_entries(conn, id)?, access)
    } else {
        (Vec::new(), Vec::new())
    };
    Ok(ConcernPage {
        evidence: store::list_evidence(conn, id)?,
        entries,
        access,
        names: names(&people_store::list_people(conn)?),
        accounts: account_names(conn)?,
        concern,
    })
}

/// One file of a concern's evidence, recording that this person downloaded it.
pub fn read_evidence(
    conn: &mut DbConnection,
    ctx: &Ctx,
    me: &CurrentPerson,
    id: ConcernId,
    file: EvidenceId,
) -> Result<(EvidenceInfo, Vec<u8>), AppError> {
    let concern = read_visible(conn, ctx, me, id)?;
    let found = store::evidence_content(conn, id, file)?.ok_or(AppError::NotFound)?;
    record_look(conn, ctx, me, &concern, Look::Evidence(file))?;
    Ok(found)
}
