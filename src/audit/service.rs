//! What the audit log's readers see and do: a page of the log, its export,
//! and a verification of the chain, each checking inside who may.
//! SECURITY: a reader sees only their scope (`store::reader_scope`): the
//! head never what concerns a concern about the head, the chair only what
//! concerns the head.

use std::collections::HashMap;
use std::sync::Arc;

use crate::audit::domain::{Action, NewEvent, Subject};
use crate::audit::store::{self, EventLine, EventRow, VerificationRow};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::EventId;
use crate::people::actor::Actor;
use crate::people::domain::Role;
use crate::people::store as people_store;
use crate::state::Ctx;
use crate::tx;

pub use crate::audit::chain::{verify_chain, Verification};
pub use crate::audit::store::EventFilter;

/// Why a page of the log is refused.
const READERS_ONLY: &str =
    "Only the headteacher, and the chair of governors for what concerns the \
                            head, read the audit log.";

/// Why a verification is refused.
const HEAD_ONLY: &str = "Only the headteacher can see this page.";

/// The reader's role: the head reads everything, the chair what concerns
/// the head.
fn reader(actor: &Actor) -> Result<Role, AppError> {
    actor
        .role()
        .filter(|role| role.reads_audit())
        .ok_or(AppError::Forbidden(READERS_ONLY))
}

/// Verifies the chain and records that it did (itself an audit event, when
/// the chain is whole; a broken chain is not appended to). The head, or the
/// command line.
pub fn verify_and_record(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
) -> Result<Verification, AppError> {
    if !(*actor == Actor::CommandLine || actor.role() == Some(Role::Headteacher)) {
        return Err(AppError::Forbidden(HEAD_ONLY));
    }
    // The walk reads outside the write, so appends wait only for the record.
    let result = verify_chain(conn)?;
    tx::write(conn, ctx, actor, |tx| {
        store::insert_verification(
            tx.conn,
            &VerificationRow {
                id: EventId::new().to_string(),
                verified_at: tx.now_row(),
                events_checked: result.events_checked,
                ok: result.ok(),
                detail: result.problem.clone().unwrap_or_else(|| "whole".into()),
            },
        )?;
        if result.ok() {
            tx.record(NewEvent::new(
                tx.actor.recorded(),
                Action::AuditVerified,
                Subject::of("audit", "chain"),
                // SECURITY: no count here: the head could set it against
                // the events they see and learn that some are sealed.
                "Audit chain verified: whole".to_owned(),
            ))?;
        }
        Ok(result)
    })
}

/// What one reader may see of the log, narrowed by what they asked for;
/// made only by [`read_scope`], so that no read skips the check.
pub struct Scope {
    filter: EventFilter,
}

impl Scope {
    /// Newest first, `limit` events in scope with a sequence number below
    /// `before_seq`.
    pub fn events(
        &self,
        conn: &mut DbConnection,
        before_seq: Option<i64>,
        limit: i64,
    ) -> Result<Vec<EventRow>, AppError> {
        store::list_events(conn, &self.filter, before_seq, limit)
    }

    /// Newest first, one page of events in scope with a sequence number
    /// below `before_seq`, without their data and hashes.
    pub fn lines(
        &self,
        conn: &mut DbConnection,
        before_seq: Option<i64>,
        page_size: u16,
    ) -> Result<Vec<EventLine>, AppError> {
        store::list_lines(conn, &self.filter, before_seq, page_size)
    }
}

/// What the actor may see of the log, narrowed by `narrow`'s person,
/// action and dates. Dates narrow to a range of sequence numbers too, found
/// through the index on time (`audit::timeline`).
pub fn read_scope(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    narrow: EventFilter,
) -> Result<Scope, AppError> {
    let role = reader(actor)?;
    let seqs = if narrow.from.is_some() || narrow.until.is_some() {
        let timeline = {
            let mut timeline = ctx
                .caches
                .audit_timeline
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            timeline.refresh(conn)?;
            timeline.clone()
        };
        Some(timeline.window(conn, narrow.from, narrow.until)?)
    } else {
        None
    };
    let filter = EventFilter {
        actor_id: narrow.actor_id,
        action: narrow.action,
        from: narrow.from,
        until: narrow.until,
        seqs,
        ..store::reader_scope(conn, role)?
    };
    Ok(Scope { filter })
}

/// The export's scope, and everyone's names for the actors in it (read
/// once: the export streams in batches).
pub fn read_export(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    narrow: EventFilter,
) -> Result<(Scope, HashMap<String, String>), AppError> {
    let scope = read_scope(conn, ctx, actor, narrow)?;
    let names = people_store::list_names(conn)?.into_iter().collect();
    Ok((scope, names))
}

/// A page of the log, newest first.
pub struct LogPage {
    /// Everyone's (id, name), for the people filter.
    pub people: Arc<Vec<(String, String)>>,
    /// The names of the people who acted in `events`, by id.
    pub names: HashMap<String, String>,
    pub events: Vec<EventLine>,
    pub last_verification: Option<VerificationRow>,
}

/// The log page: `page_size` events the actor may see, older than the
/// event `before` (by its id), who acted in them, and when the chain was
/// last verified.
pub fn read_log(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    narrow: EventFilter,
    before: Option<String>,
    page_size: u16,
) -> Result<LogPage, AppError> {
    let scope = read_scope(conn, ctx, actor, narrow)?;
    let before = match before {
        Some(id) => store::seq_of(conn, &id)?,
        None => None,
    };
    let events = scope.lines(conn, before, page_size)?;
    let mut actors: Vec<&str> = events
        .iter()
        .filter_map(|e| e.actor_id.as_deref())
        .collect();
    actors.sort_unstable();
    actors.dedup();
    let people = ctx
        .caches
        .people_names
        .get(people_store::changes(), || people_store::list_names(conn))?;
    // The filter's cached list already names nearly everyone; only someone
    // added on another instance since it was read costs a query.
    let mut names: HashMap<String, String> = people
        .iter()
        .filter(|(id, _)| actors.binary_search(&id.as_str()).is_ok())
        .cloned()
        .collect();
    let missing: Vec<&str> = actors
        .into_iter()
        .filter(|id| !names.contains_key(*id))
        .collect();
    names.extend(crate::people::names::names_of(conn, &missing)?);
    Ok(LogPage {
        people,
        names,
        events,
        last_verification: store::find_last_verification(conn)?,
    })
}
