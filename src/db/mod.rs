//! The database: one connection type over SQLite and PostgreSQL, the pool,
//! migrations, and the one place where the two backends differ.

mod connection;
pub mod dialect;
pub mod files;
mod pool;
pub mod schema;

pub use connection::DbConnection;
pub use pool::{DatabaseUrl, Db};

/// SECURITY: the tables that record what happened. The database itself
/// refuses to change or remove their rows (and, on PostgreSQL, to empty them
/// with TRUNCATE), whoever asks: guard triggers in the migrations of both
/// backends, one message for all, `<table> is append-only`. A test asks each
/// backend's catalogue which tables are guarded and holds it to this list.
pub const APPEND_ONLY_TABLES: &[&str] = &[
    "audit_events",
    "audit_verifications",
    "outbox_attempts",
    "password_changes",
    "access_reviews",
    "access_review_decisions",
    "declaration_versions",
    "reconfirmations",
    "concerns",
    "concern_evidence",
    "concern_entries",
    "policy_versions",
    "policy_acknowledgements",
    "moderation_actions",
    "digests",
];

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::{Connection, QueryResult};

/// Runs an insert that may meet a unique constraint; `Ok(false)` when it
/// did. Under a savepoint, so that on PostgreSQL the violation does not
/// abort the transaction around it. (No upserts: they do not compile
/// through `MultiConnection`.)
pub fn try_insert(
    conn: &mut DbConnection,
    insert: impl FnOnce(&mut DbConnection) -> QueryResult<usize>,
) -> QueryResult<bool> {
    match conn.transaction(insert) {
        Ok(_) => Ok(true),
        Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => Ok(false),
        Err(other) => Err(other),
    }
}
