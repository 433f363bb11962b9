//! Queries on the outbox. No HTTP here.

use diesel::prelude::*;
use time::PrimitiveDateTime;

use super::outbox::{redact_tokens, SEALED_EMAIL_PREFIX};
use crate::db::schema::{outbox, outbox_attempts};
use crate::db::{dialect, DbConnection};
use crate::error::AppError;

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = outbox)]
pub struct OutboxRow {
    pub id: String,
    pub message_id: String,
    pub kind: String,
    pub created_at: PrimitiveDateTime,
    pub recipients: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: PrimitiveDateTime,
    pub last_error: Option<String>,
    pub sent_at: Option<PrimitiveDateTime>,
    /// A one-time link the sender makes as it sends: its purpose and person.
    pub link_purpose: Option<String>,
    pub link_person_id: Option<String>,
}

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = outbox_attempts)]
pub struct AttemptRow {
    pub attempted_at: PrimitiveDateTime,
    pub error: Option<String>,
}

const SENDABLE: [&str; 2] = ["queued", "retrying"];

/// A message no sender holds: never leased, or its lease ran out.
#[diesel::dsl::auto_type]
fn lease_free(now: PrimitiveDateTime) -> _ {
    outbox::lease_until
        .is_null()
        .or(outbox::lease_until.lt(now))
}

/// Leases up to `limit` due messages to `owner` until `lease_until`, in one
/// statement: a message leased by another sender (another instance) is not
/// taken until its lease runs out, so one message goes out from one place.
pub fn lease_due(
    conn: &mut DbConnection,
    owner: &str,
    now: PrimitiveDateTime,
    lease_until: PrimitiveDateTime,
    limit: i64,
) -> Result<Vec<OutboxRow>, AppError> {
    let due: Vec<String> = outbox::table
        .select(outbox::id)
        .filter(outbox::status.eq_any(SENDABLE))
        .filter(outbox::next_attempt_at.le(now))
        .filter(lease_free(now))
        .order(outbox::next_attempt_at.asc())
        .limit(limit)
        .load(conn)?;
    if due.is_empty() {
        return Ok(Vec::new());
    }
    // The lease conditions are checked again as the rows are updated: of two
    // senders that saw the same message due, only one takes it.
    diesel::update(
        outbox::table
            .filter(outbox::id.eq_any(due))
            .filter(outbox::status.eq_any(SENDABLE))
            .filter(lease_free(now)),
    )
    .set((
        outbox::lease_owner.eq(owner),
        outbox::lease_until.eq(lease_until),
    ))
    .execute(conn)?;
    Ok(outbox::table
        .filter(outbox::lease_owner.eq(owner))
        .filter(outbox::lease_until.eq(lease_until))
        .filter(outbox::status.eq_any(SENDABLE))
        .order(outbox::next_attempt_at.asc())
        .select(OutboxRow::as_select())
        .load(conn)?)
}

/// Extends this sender's lease on one message just before sending it;
/// `false` when the lease ran out and another sender took the message.
pub fn renew_lease(
    conn: &mut DbConnection,
    id: &str,
    owner: &str,
    lease_until: PrimitiveDateTime,
) -> Result<bool, AppError> {
    let renewed = diesel::update(
        outbox::table
            .find(id)
            .filter(outbox::lease_owner.eq(owner))
            .filter(outbox::status.eq_any(SENDABLE)),
    )
    .set(outbox::lease_until.eq(lease_until))
    .execute(conn)?;
    Ok(renewed == 1)
}

/// A delivery worked. SECURITY: in the same transaction, any token written
/// into the stored body is taken out, so a sent message holds no working link.
pub fn mark_sent(
    conn: &mut DbConnection,
    id: &str,
    attempt_id: &str,
    at: PrimitiveDateTime,
) -> Result<(), AppError> {
    dialect::write(conn, |conn| {
        insert_attempt(conn, attempt_id, id, at, None)?;
        let (text, html): (String, String) = outbox::table
            .find(id)
            .select((outbox::body_text, outbox::body_html))
            .get_result(conn)?;
        diesel::update(outbox::table.find(id))
            .set((
                outbox::status.eq("sent"),
                outbox::sent_at.eq(Some(at)),
                outbox::attempts.eq(outbox::attempts + 1),
                outbox::lease_owner.eq(None::<String>),
                outbox::lease_until.eq(None::<PrimitiveDateTime>),
                outbox::last_error.eq(None::<String>),
                outbox::body_text.eq(redact_tokens(&text)),
                outbox::body_html.eq(redact_tokens(&html)),
            ))
            .execute(conn)?;
        Ok(())
    })
}

/// A delivery failed: try again at `next`, or give up (`failed`).
pub fn mark_failed_attempt(
    conn: &mut DbConnection,
    id: &str,
    attempt_id: &str,
    at: PrimitiveDateTime,
    error: &str,
    next: Option<PrimitiveDateTime>,
) -> Result<(), AppError> {
    insert_attempt(conn, attempt_id, id, at, Some(error))?;
    diesel::update(outbox::table.find(id))
        .set((
            outbox::status.eq(if next.is_some() { "retrying" } else { "failed" }),
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::next_attempt_at.eq(next.unwrap_or(at)),
            outbox::lease_owner.eq(None::<String>),
            outbox::lease_until.eq(None::<PrimitiveDateTime>),
            outbox::last_error.eq(Some(error)),
        ))
        .execute(conn)?;
    Ok(())
}

fn insert_attempt(
    conn: &mut DbConnection,
    attempt_id: &str,
    outbox_id: &str,
    at: PrimitiveDateTime,
    error: Option<&str>,
) -> Result<(), AppError> {
    diesel::insert_into(outbox_attempts::table)
        .values((
            outbox_attempts::id.eq(attempt_id),
            outbox_attempts::outbox_id.eq(outbox_id),
            outbox_attempts::attempted_at.eq(at),
            outbox_attempts::error.eq(error),
        ))
        .execute(conn)?;
    Ok(())
}

/// Held mail (no mail server was configured) becomes due now that one is.
pub fn release_held(conn: &mut DbConnection, now: PrimitiveDateTime) -> Result<usize, AppError> {
    Ok(
        diesel::update(outbox::table.filter(outbox::status.eq("held")))
            .set((outbox::status.eq("queued"), outbox::next_attempt_at.eq(now)))
            .execute(conn)?,
    )
}

/// Ends every lease. Only for SQLite at start-up: one process serves a
/// SQLite file, so any lease left is from a process that died mid-send.
pub fn release_all_leases(conn: &mut DbConnection) -> Result<usize, AppError> {
    Ok(
        diesel::update(outbox::table.filter(outbox::lease_owner.is_not_null()))
            .set((
                outbox::lease_owner.eq(None::<String>),
                outbox::lease_until.eq(None::<PrimitiveDateTime>),
            ))
            .execute(conn)?,
    )
}

/// A failed message goes back in the queue (the head asked). SECURITY: as
/// in the email log, a sealed message is not the head's to touch, so it is
/// left as if it did not exist.
pub fn requeue(
    conn: &mut DbConnection,
    id: &str,
    now: PrimitiveDateTime,
) -> Result<usize, AppError> {
    Ok(diesel::update(
        outbox::table
            .find(id)
            .filter(outbox::status.eq("failed"))
            .filter(outbox::kind.not_like(sealed())),
    )
    .set((
        outbox::status.eq("queued"),
        outbox::attempts.eq(0),
        outbox::next_attempt_at.eq(now),
    ))
    .execute(conn)?)
}

/// Emails about a concern the head must not know of.
fn sealed() -> String {
    format!("{SEALED_EMAIL_PREFIX}%")
}

/// Newest first. SECURITY: the email log is the head's, so it leaves out
/// the sealed emails of concerns about the head.
pub fn list_messages(
    conn: &mut DbConnection,
    limit: i64,
    offset: i64,
) -> Result<Vec<OutboxRow>, AppError> {
    Ok(outbox::table
        .filter(outbox::kind.not_like(sealed()))
        .select(OutboxRow::as_select())
        .order(outbox::created_at.desc())
        .limit(limit)
        .offset(offset)
        .load(conn)?)
}

/// Messages that gave up after every attempt, as the email log lists them.
pub fn count_failed(conn: &mut DbConnection) -> Result<i64, AppError> {
    Ok(outbox::table
        .filter(outbox::status.eq("failed"))
        .filter(outbox::kind.not_like(sealed()))
        .count()
        .get_result(conn)?)
}

/// One message of the email log; never a sealed one.
pub fn find_message(conn: &mut DbConnection, id: &str) -> Result<Option<OutboxRow>, AppError> {
    Ok(outbox::table
        .find(id)
        .filter(outbox::kind.not_like(sealed()))
        .select(OutboxRow::as_select())
        .get_result(conn)
        .optional()?)
}

pub fn find_by_message_id(
    conn: &mut DbConnection,
    message_id: &str,
) -> Result<Option<OutboxRow>, AppError> {
    Ok(outbox::table
        .filter(outbox::message_id.eq(message_id))
        .select(OutboxRow::as_select())
        .get_result(conn)
        .optional()?)
}

pub fn list_attempts(conn: &mut DbConnection, id: &str) -> Result<Vec<AttemptRow>, AppError> {
    Ok(outbox_attempts::table
        .filter(outbox_attempts::outbox_id.eq(id))
        .order(outbox_attempts::attempted_at.asc())
        .select(AttemptRow::as_select())
        .load(conn)?)
}
