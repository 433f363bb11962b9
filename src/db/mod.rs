//! The database: one connection type over SQLite and PostgreSQL, the pool,
//! migrations, and the one place where the two backends differ.

pub mod dialect;
pub mod files;
mod pool;
pub mod schema;

pub use pool::{DatabaseUrl, Db, DbConnection};

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
