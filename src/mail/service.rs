//! The email log's reads, and the changes to the outbox made by people:
//! one transaction with its event.

use super::store;
pub use super::store::{AttemptRow, OutboxRow};
use crate::audit::{self, Action, Actor, NewEvent, Subject};
use crate::db::{dialect, DbConnection};
use crate::error::AppError;
use crate::ids::PersonId;
use crate::state::Ctx;

/// Puts a failed message back in the queue; `false` if it was not failed.
pub fn retry(
    conn: &mut DbConnection,
    ctx: &Ctx,
    by: PersonId,
    name: &str,
    id: &str,
) -> Result<bool, AppError> {
    dialect::write(conn, |conn| {
        if store::requeue(conn, id, ctx.clock.now_row())? != 1 {
            return Ok(false);
        }
        audit::append(
            conn,
            ctx.clock.as_ref(),
            NewEvent::new(
                Actor::Person(by),
                Action::EmailRetried,
                Subject::of("email", id),
                format!("{name} asked for a failed email to be sent again"),
            ),
        )?;
        Ok(true)
    })
}

/// A page of the email log, newest first (never the sealed messages).
pub fn read_messages(
    conn: &mut DbConnection,
    limit: i64,
    offset: i64,
) -> Result<Vec<OutboxRow>, AppError> {
    store::list_messages(conn, limit, offset)
}

/// One message of the email log and every attempt to send it.
pub fn read_message(
    conn: &mut DbConnection,
    id: &str,
) -> Result<(OutboxRow, Vec<AttemptRow>), AppError> {
    let row = store::find_message(conn, id)?.ok_or(AppError::NotFound)?;
    let attempts = store::list_attempts(conn, id)?;
    Ok((row, attempts))
}
