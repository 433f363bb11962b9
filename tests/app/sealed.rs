//! Sealed records leave no trace and cannot be quietly altered: every
//! append-only table is guarded by the database itself on both backends.

use custodian::db::{DbConnection, APPEND_ONLY_TABLES};
use diesel::prelude::*;

use crate::helpers::TestApp;

/// The dialect's guard message, whichever backend.
fn refused(conn: &mut DbConnection, sql: &str) -> String {
    match diesel::sql_query(sql).execute(conn) {
        Ok(rows) => panic!("{sql} was allowed ({rows} rows)"),
        Err(error) => error.to_string(),
    }
}

/// SQLite's guards are row triggers: give every append-only table a row,
/// written behind the app's back (no foreign keys, no checks), so that its
/// UPDATE and DELETE have something to refuse.
fn a_row_in_every_append_only_table(app: &TestApp) {
    let path = app.data_dir.path().join("custodian.db");
    let mut raw = SqliteConnection::establish(&path.to_string_lossy()).unwrap();
    for pragma in [
        "PRAGMA busy_timeout = 10000",
        "PRAGMA foreign_keys = OFF",
        "PRAGMA ignore_check_constraints = ON",
    ] {
        diesel::sql_query(pragma).execute(&mut raw).unwrap();
    }
    let mut conn = DbConnection::Sqlite(raw);
    let catalogue = crate::migrations::catalogue(&mut conn);
    for table in APPEND_ONLY_TABLES {
        let columns = &catalogue[*table].columns;
        let names: Vec<&str> = columns.keys().map(String::as_str).collect();
        let values: Vec<&str> = columns
            .values()
            .map(|(ty, _)| match ty.as_str() {
                "bigint" | "integer" => "987654",
                "boolean" => "1",
                "timestamp" => "'2026-11-24 08:00:00'",
                "date" => "'2026-11-24'",
                "binary" => "X'00'",
                _ => "'guard-test'",
            })
            .collect();
        diesel::sql_query(format!(
            "INSERT INTO {table} ({}) VALUES ({})",
            names.join(", "),
            values.join(", ")
        ))
        .execute(&mut conn)
        .unwrap_or_else(|e| panic!("a row in {table}: {e}"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_append_only_table_refuses_update_delete_and_truncate_in_the_database() {
    let app = TestApp::spawn_with(crate::helpers::Smtp::Unset).await;
    if !app.on_postgres() {
        a_row_in_every_append_only_table(&app);
    }
    let mut conn = app.db.conn().unwrap();
    let catalogue = crate::migrations::catalogue(&mut conn);
    for table in APPEND_ONLY_TABLES {
        let guard = format!("{table} is append-only");
        let column = catalogue[*table].columns.keys().next().unwrap();
        let mut statements = vec![
            format!("UPDATE {table} SET {column} = {column}"),
            format!("DELETE FROM {table}"),
        ];
        if app.on_postgres() {
            // CASCADE, so that a table others refer to reaches its guard
            // rather than stopping at the foreign key.
            statements.push(format!("TRUNCATE {table} CASCADE"));
        }
        for sql in statements {
            assert_eq!(refused(&mut conn, &sql), guard, "{sql}");
        }
    }
}
