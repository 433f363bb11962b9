//! The hash chain itself: appending an event, and walking the chain to
//! prove nothing was changed. Every register appends through here (inside
//! its own transaction, by `Tx::record`); nothing here knows who reads.

use crate::audit::domain::{hash_time, HashedFields, NewEvent, GENESIS_HASH};
use crate::audit::store::{self, EventRow};
use crate::clock::Clock;
use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::EventId;

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
