//! The only place that knows which backend it is talking to.

use std::cell::Cell;
use std::sync::{Mutex, MutexGuard, PoisonError};

use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::prelude::*;
use diesel::sql_types::Text;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use super::connection::DbConnection;
use crate::error::AppError;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Settings kept in the SQLite file itself, made once before the pool opens:
/// switching to WAL needs the file to itself, so the pool's connections,
/// opening at once, would otherwise race for it ("database is locked").
pub fn prepare_sqlite_file(path: &str) -> anyhow::Result<()> {
    let mut conn = SqliteConnection::establish(path)?;
    diesel::sql_query("PRAGMA busy_timeout = 10000").execute(&mut conn)?;
    diesel::sql_query("PRAGMA journal_mode = WAL").execute(&mut conn)?;
    Ok(())
}

/// Per-connection settings. SQLite needs them on every connection: writers
/// wait for each other (busy_timeout) instead of failing "database is locked".
pub fn prepare_connection(conn: &mut DbConnection) -> QueryResult<()> {
    match conn {
        DbConnection::Sqlite(c) => {
            diesel::sql_query("PRAGMA busy_timeout = 10000").execute(c)?;
            diesel::sql_query("PRAGMA foreign_keys = ON").execute(c)?;
            diesel::sql_query("PRAGMA synchronous = NORMAL").execute(c)?;
            Ok(())
        }
        DbConnection::Postgres(c) => {
            diesel::sql_query("SET TIME ZONE 'UTC'").execute(c)?;
            Ok(())
        }
    }
}

pub fn run_migrations(conn: &mut DbConnection) -> anyhow::Result<()> {
    let result = match conn {
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|_| ()),
        DbConnection::Postgres(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|_| ()),
    };
    result.map_err(|e| anyhow::anyhow!("applying migrations: {e}"))
}

/// Runs every migration down to nothing and up again: used by the test that
/// checks each migration is reversible.
pub fn redo_all_migrations(conn: &mut DbConnection) -> anyhow::Result<()> {
    fn redo<C: MigrationHarness<B>, B: diesel::backend::Backend>(
        c: &mut C,
        migrations: fn() -> EmbeddedMigrations,
    ) -> anyhow::Result<()> {
        c.revert_all_migrations(migrations())
            .map_err(|e| anyhow::anyhow!("reverting migrations: {e}"))?;
        c.run_pending_migrations(migrations())
            .map_err(|e| anyhow::anyhow!("applying migrations again: {e}"))?;
        Ok(())
    }
    match conn {
        DbConnection::Sqlite(c) => redo(c, || SQLITE_MIGRATIONS),
        DbConnection::Postgres(c) => redo(c, || POSTGRES_MIGRATIONS),
    }
}

/// The app's turn to write to SQLite, which lets one writer in at a time.
/// A writer SQLite turns away sleeps in growing steps (1, 2, 5, ... 100 ms)
/// before it asks again, so under many writers the lock stands idle while
/// they sleep, and an unlucky one can sleep past the busy timeout and fail.
/// The app's writers queue here instead, each woken as the one before
/// commits. One process serves one database (tests run several, and share
/// the turn); the command line, and the few writes made outside `write`,
/// still wait through SQLite's busy timeout.
static SQLITE_WRITER: Mutex<()> = Mutex::new(());

thread_local! {
    /// Whether this thread holds the turn: a write begun inside another on
    /// a second connection must fail as it did before, not wait on itself.
    static HOLDS_TURN: Cell<bool> = const { Cell::new(false) };
}

/// This thread's turn to write, given back when dropped.
struct Turn(Option<MutexGuard<'static, ()>>);

impl Turn {
    fn take() -> Self {
        if HOLDS_TURN.with(Cell::get) {
            return Turn(None);
        }
        let guard = SQLITE_WRITER.lock().unwrap_or_else(PoisonError::into_inner);
        HOLDS_TURN.with(|h| h.set(true));
        Turn(Some(guard))
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        if self.0.take().is_some() {
            HOLDS_TURN.with(|h| h.set(false));
        }
    }
}

/// Runs `f` in one write transaction. On SQLite it waits for the app's turn
/// to write, then starts IMMEDIATE, taking the write lock up front: a
/// deferred transaction that reads and then writes can fail with
/// SQLITE_BUSY instead of waiting its turn.
pub fn write<T>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, AppError>,
) -> Result<T, AppError> {
    // Held until the commit or the rollback is done.
    let _turn = match conn {
        DbConnection::Sqlite(c) => {
            let turn = Turn::take();
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?;
            Some(turn)
        }
        DbConnection::Postgres(c) => {
            AnsiTransactionManager::begin_transaction(c)?;
            None
        }
    };
    match f(conn) {
        Ok(value) => {
            <DbConnection as Connection>::TransactionManager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(error) => {
            if let Err(rollback) =
                <DbConnection as Connection>::TransactionManager::rollback_transaction(conn)
            {
                tracing::error!(%rollback, "rolling back a failed transaction");
            }
            Err(error)
        }
    }
}

/// A consistent copy of a live SQLite database (other writers carry on).
pub fn backup_to(conn: &mut DbConnection, target: &str) -> anyhow::Result<()> {
    match conn {
        DbConnection::Sqlite(c) => {
            // SECURITY: a backup is the whole register; it is made 0600 before
            // SQLite writes a byte into it, whatever the umask.
            let path = std::path::Path::new(target);
            super::files::create_new_private_file(path)
                .map_err(|e| anyhow::anyhow!("cannot create {target}: {e}"))?;
            let copied = diesel::sql_query("VACUUM INTO ?")
                .bind::<Text, _>(target)
                .execute(c);
            if let Err(error) = copied {
                let _ = std::fs::remove_file(path);
                return Err(error.into());
            }
            super::files::restrict_sqlite_companions(path)?;
            Ok(())
        }
        DbConnection::Postgres(_) => {
            anyhow::bail!("custodian backup copies SQLite databases; for PostgreSQL use pg_dump")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Turn;

    #[test]
    fn a_thread_holding_the_turn_to_write_is_never_kept_waiting_by_itself() {
        let outer = Turn::take();
        // Were it to wait, this would never return.
        let inner = Turn::take();
        assert!(outer.0.is_some() && inner.0.is_none());
        drop(inner);
        drop(outer);
        assert!(Turn::take().0.is_some(), "given back with the outer write");
    }
}
