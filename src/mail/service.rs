//! The email log: what the head reads of the outbox, and a failed message
//! put back in the queue. Only the head; every read and change checks it
//! inside.

use super::store;
pub use super::store::{AttemptRow, OutboxRow};
use crate::audit::{Action, NewEvent, Subject};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::MessageId;
use crate::people::actor::Actor;
use crate::people::domain::Role;
use crate::tx::Tx;

/// Messages on a page of the email log.
pub const PAGE_SIZE: i64 = 50;

/// SECURITY: the email log is the head's alone.
fn head_only(actor: &Actor) -> Result<(), AppError> {
    if actor.role() == Some(Role::Headteacher) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "Only the headteacher can see this page.",
        ))
    }
}

/// Puts a failed message back in the queue; `false` if it was not failed.
pub fn retry(tx: &mut Tx, id: MessageId) -> Result<bool, AppError> {
    head_only(tx.actor)?;
    let id = id.to_string();
    if store::requeue(tx.conn, &id, tx.now_row())? != 1 {
        return Ok(false);
    }
    tx.record(NewEvent::new(
        tx.actor.recorded(),
        Action::EmailRetried,
        Subject::of("email", &id),
        format!(
            "{} asked for a failed email to be sent again",
            tx.actor.name()
        ),
    ))?;
    Ok(true)
}

/// Page `number` (from 0) of the email log, newest first (never the
/// sealed messages).
pub fn read_messages(
    conn: &mut DbConnection,
    actor: &Actor,
    number: i64,
) -> Result<Vec<OutboxRow>, AppError> {
    head_only(actor)?;
    store::list_messages(conn, PAGE_SIZE, number * PAGE_SIZE)
}

/// One message of the email log and every attempt to send it.
pub fn read_message(
    conn: &mut DbConnection,
    actor: &Actor,
    id: MessageId,
) -> Result<(OutboxRow, Vec<AttemptRow>), AppError> {
    head_only(actor)?;
    let id = id.to_string();
    let row = store::find_message(conn, &id)?.ok_or(AppError::NotFound)?;
    let attempts = store::list_attempts(conn, &id)?;
    Ok((row, attempts))
}
