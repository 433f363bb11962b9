//! Appending to the chain, walking it to prove nothing was changed, and
//! reading it for the log page and its export.

use crate::audit::domain::{
    hash_time, Action, Actor, HashedFields, NewEvent, Subject, GENESIS_HASH,
};
pub use crate::audit::store::EventFilter;
use crate::audit::store::{self, EventRow, VerificationRow};
use crate::clock::Clock;
use crate::db::{dialect, DbConnection};
use crate::error::AppError;
use crate::ids::EventId;
use crate::people::domain::{Person, Role};
use crate::people::store as people_store;

/// Appends one event. Call it inside the transaction that makes the change:
/// if the change rolls back, so does its event.
pub fn append(
    conn: &mut DbConnection,
    clock: &dyn Clock,
    event: NewEvent,
) -> Result<i64, AppError> {
    let (seq, prev_hash) = store::claim_next_seq(conn)?;
    let occurred_at = clock.now_row();
    let id = EventId::new().to_string();
    let actor_id = event.actor.person_id().map(|p| p.to_string());
    let data = event.data.to_string();
    let hash = HashedFields {
        seq,
        id: &id,
        occurred_at: &hash_time(occurred_at),
        actor_kind: event.actor.kind(),
        actor_id: actor_id.as_deref(),
        action: event.action.as_str(),
        subject_type: event.subject.kind,
        subject_id: &event.subject.id,
        summary: &event.summary,
        data: &data,
    }
    .chain_hash(&prev_hash);
    store::insert_event(
        conn,
        &EventRow {
            seq,
            id,
            occurred_at,
            actor_kind: event.actor.kind().to_owned(),
            actor_id,
            action: event.action.as_str().to_owned(),
            subject_type: event.subject.kind.to_owned(),
            subject_id: event.subject.id,
            summary: event.summary,
            data,
            prev_hash,
            hash,
        },
    )?;
    Ok(seq)
}

/// What a walk of the chain found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub events_checked: i64,
    /// The first problem, naming the event; `None` when the chain is whole.
    pub problem: Option<String>,
}

impl Verification {
    pub fn ok(&self) -> bool {
        self.problem.is_none()
    }
}

const VERIFY_BATCH: i64 = 2_000;

/// Walks every event in order: each must follow the one before without a
/// gap, link to its hash, and hash to what it stores; the end of the chain
/// must match the head, so a removed last event is found too. The head is
/// read first: events appended during the walk are left for the next one.
pub fn verify_chain(conn: &mut DbConnection) -> Result<Verification, AppError> {
    let (head_seq, head_hash) = store::get_head(conn)?;
    let mut expected_seq = 1;
    let mut prev_hash = GENESIS_HASH.to_owned();
    let mut checked = 0;
    loop {
        let batch = store::list_chain_after(conn, expected_seq - 1, head_seq, VERIFY_BATCH)?;
        if batch.is_empty() {
            break;
        }
        for row in &batch {
            if let Some(problem) = check_event(row, expected_seq, &prev_hash) {
                return Ok(Verification {
                    events_checked: checked,
                    problem: Some(problem),
                });
            }
            prev_hash = row.hash.clone();
            expected_seq += 1;
            checked += 1;
        }
    }
    let problem = if head_seq != checked {
        Some(format!(
            "the chain ends at event {checked} but {head_seq} events were appended: \
             events after {checked} were removed"
        ))
    } else if head_hash != prev_hash {
        Some(format!(
            "event {checked}: the last event does not match the end of the chain"
        ))
    } else {
        None
    };
    Ok(Verification {
        events_checked: checked,
        problem,
    })
}

fn check_event(row: &EventRow, expected_seq: i64, prev_hash: &str) -> Option<String> {
    if row.seq != expected_seq {
        return Some(format!(
            "event {expected_seq}: missing (the next event is {}): events were removed or reordered",
            row.seq
        ));
    }
    if row.prev_hash != prev_hash {
        return Some(format!(
            "event {}: does not link to the event before it (removed, inserted or reordered)",
            row.seq
        ));
    }
    let recomputed = HashedFields {
        seq: row.seq,
        id: &row.id,
        occurred_at: &hash_time(row.occurred_at),
        actor_kind: &row.actor_kind,
        actor_id: row.actor_id.as_deref(),
        action: &row.action,
        subject_type: &row.subject_type,
        subject_id: &row.subject_id,
        summary: &row.summary,
        data: &row.data,
    }
    .chain_hash(prev_hash);
    if recomputed != row.hash {
        return Some(format!("event {}: its content was changed", row.seq));
    }
    None
}

/// Verifies the chain and records that it did (itself an audit event, when
/// the chain is whole; a broken chain is not appended to).
pub fn verify_and_record(
    conn: &mut DbConnection,
    clock: &dyn Clock,
    actor: Actor,
) -> Result<Verification, AppError> {
    let result = verify_chain(conn)?;
    dialect::write(conn, |conn| {
        store::insert_verification(
            conn,
            &VerificationRow {
                id: EventId::new().to_string(),
                verified_at: clock.now_row(),
                events_checked: result.events_checked,
                ok: result.ok(),
                detail: result.problem.clone().unwrap_or_else(|| "whole".into()),
            },
        )?;
        if result.ok() {
            append(
                conn,
                clock,
                NewEvent::new(
                    actor,
                    Action::AuditVerified,
                    Subject::of("audit", "chain"),
                    // SECURITY: no count here: the head could set it against
                    // the events they see and learn that some are sealed.
                    "Audit chain verified: whole".to_owned(),
                ),
            )?;
        }
        Ok(result)
    })
}

/// What a reader may see of the log, narrowed by what they asked for
/// (`narrow`'s person, action and dates), and everyone, to name the actors.
pub fn read_scope(
    conn: &mut DbConnection,
    reader: Role,
    narrow: EventFilter,
) -> Result<(EventFilter, Vec<Person>), AppError> {
    let people = people_store::list_people(conn)?;
    let filter = EventFilter {
        actor_id: narrow.actor_id,
        action: narrow.action,
        from: narrow.from,
        until: narrow.until,
        ..store::reader_scope(conn, reader, &people)?
    };
    Ok((filter, people))
}

/// A page of the log, newest first.
pub struct LogPage {
    pub people: Vec<Person>,
    pub events: Vec<EventRow>,
    pub last_verification: Option<VerificationRow>,
}

/// The log page: `limit` events the reader may see, older than the event
/// `before` (by its id), and when the chain was last verified.
pub fn page_log(
    conn: &mut DbConnection,
    reader: Role,
    narrow: EventFilter,
    before: Option<String>,
    limit: i64,
) -> Result<LogPage, AppError> {
    let (filter, people) = read_scope(conn, reader, narrow)?;
    let before = match before {
        Some(id) => store::seq_of(conn, &id)?,
        None => None,
    };
    let events = store::list_events(conn, &filter, before, limit)?;
    Ok(LogPage {
        people,
        events,
        last_verification: store::find_last_verification(conn)?,
    })
}

/// Newest first, `limit` events with a sequence number below `before_seq`.
pub fn read_events(
    conn: &mut DbConnection,
    filter: &EventFilter,
    before_seq: Option<i64>,
    limit: i64,
) -> Result<Vec<EventRow>, AppError> {
    store::list_events(conn, filter, before_seq, limit)
}
