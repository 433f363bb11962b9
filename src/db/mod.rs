//! The database: one connection type over SQLite and PostgreSQL, the pool,
//! migrations, and the one place where the two backends differ.

pub mod dialect;
mod pool;
pub mod schema;

pub use pool::{DatabaseUrl, Db, DbConnection};
