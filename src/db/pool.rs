//! The pooled connection, and running diesel off the async workers.

use std::path::PathBuf;
use std::time::Duration;

use diesel::r2d2::{self, ManageConnection};
use diesel::{Connection, PgConnection, SqliteConnection};

use super::connection::DbConnection;
use super::files;
use crate::error::AppError;

/// Where the data lives, parsed from `CUSTODIAN_DATABASE_URL`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DatabaseUrl {
    /// `postgres://` or `postgresql://` selects PostgreSQL; `sqlite://PATH`
    /// or a bare path selects SQLite.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err("is empty".into());
        }
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            return Ok(Self::Postgres(raw.to_owned()));
        }
        if let Some(path) = raw.strip_prefix("sqlite://") {
            return Ok(Self::Sqlite(PathBuf::from(path)));
        }
        if raw.contains("://") {
            return Err("must be a postgres:// URL or the path of a SQLite file".into());
        }
        Ok(Self::Sqlite(PathBuf::from(raw)))
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, Self::Postgres(_))
    }
}

/// Opens connections for the pool, with each backend set up as we need it.
pub struct Manager {
    url: DatabaseUrl,
}

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        let mut conn = match &self.url {
            DatabaseUrl::Sqlite(path) => DbConnection::Sqlite(
                SqliteConnection::establish(&path.to_string_lossy())
                    .map_err(r2d2::Error::ConnectionError)?,
            ),
            DatabaseUrl::Postgres(url) => DbConnection::Postgres(
                PgConnection::establish(url).map_err(r2d2::Error::ConnectionError)?,
            ),
        };
        super::dialect::prepare_connection(&mut conn).map_err(r2d2::Error::QueryError)?;
        Ok(conn)
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        use diesel::r2d2::R2D2Connection;
        conn.ping().map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        use diesel::r2d2::R2D2Connection;
        conn.is_broken()
    }
}

pub type Pool = r2d2::Pool<Manager>;

/// The shared handle to the database.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    url: DatabaseUrl,
}

impl Db {
    /// Opens the pool and applies any pending migrations.
    pub fn open(url: &DatabaseUrl, max_size: u32) -> anyhow::Result<Self> {
        if let DatabaseUrl::Sqlite(path) = url {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                files::create_private_dir(dir)?;
            }
            files::create_private_file(path)?;
            super::dialect::prepare_sqlite_file(&path.to_string_lossy())?;
        }
        let pool = r2d2::Pool::builder()
            .max_size(max_size)
            .connection_timeout(Duration::from_secs(10))
            .build(Manager { url: url.clone() })?;
        let db = Self {
            pool,
            url: url.clone(),
        };
        let mut conn = db.conn()?;
        super::dialect::run_migrations(&mut conn)?;
        if let DatabaseUrl::Sqlite(path) = url {
            // SQLite makes the -wal and -shm files as the pool opens; it
            // copies the database's mode, but say so ourselves.
            files::restrict_sqlite_companions(path)?;
        }
        Ok(db)
    }

    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// A connection for synchronous callers (the command line, the blocking pool).
    pub fn conn(&self) -> anyhow::Result<r2d2::PooledConnection<Manager>> {
        Ok(self.pool.get()?)
    }

    /// Runs `f` with a connection on the blocking pool, never on an async
    /// worker, and gives the connection back before returning.
    pub async fn run<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
    {
        let pool = self.pool.clone();
        actix_web::web::block(move || {
            let mut conn = pool.get().map_err(AppError::internal)?;
            f(&mut conn)
        })
        .await
        .map_err(AppError::internal)?
    }
}
