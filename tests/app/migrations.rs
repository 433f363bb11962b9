//! Both migration trees match (folder names, and what each builds as its
//! catalogue tells it), and every migration goes up, down and up.

use std::collections::{BTreeMap, BTreeSet};

use custodian::db::{dialect, DatabaseUrl, Db, DbConnection, APPEND_ONLY_TABLES};

fn versions(backend: &str) -> BTreeSet<String> {
    std::fs::read_dir(format!(
        "{}/migrations/{backend}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
    .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
    .collect()
}

#[test]
fn both_backends_have_the_same_migration_versions() {
    let sqlite = versions("sqlite");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, versions("postgres"));
    for version in &sqlite {
        for backend in ["sqlite", "postgres"] {
            for file in ["up.sql", "down.sql"] {
                let path = format!(
                    "{}/migrations/{backend}/{version}/{file}",
                    env!("CARGO_MANIFEST_DIR")
                );
                assert!(std::path::Path::new(&path).exists(), "{path}");
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_migration_runs_up_down_and_up_again() {
    let app = crate::helpers::TestApp::spawn_with(crate::helpers::Smtp::Unset).await;
    let mut conn = app.db.conn().unwrap();
    let before = catalogue(&mut conn);
    dialect::redo_all_migrations(&mut conn).unwrap();
    // Down and up again builds the same tables, columns and guards.
    assert_eq!(catalogue(&mut conn), before);
    drop(conn);
    // And the app's database still works afterwards.
    let fresh = tempfile::tempdir().unwrap();
    let db = Db::open(&DatabaseUrl::Sqlite(fresh.path().join("x.db")), 1).unwrap();
    dialect::redo_all_migrations(&mut db.conn().unwrap()).unwrap();
}

/// One table as a backend's catalogue describes it: each column's
/// normalised type and whether it may be null, and which statements its
/// guard triggers refuse.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Table {
    pub columns: BTreeMap<String, (String, bool)>,
    pub guards: BTreeSet<&'static str>,
    /// SQLite: the column that is the rowid (a lone INTEGER primary key),
    /// 64 bits whichever integer width diesel and PostgreSQL are told.
    pub rowid: Option<String>,
}

/// Every table of a database, by name.
pub type Catalogue = BTreeMap<String, Table>;

/// One spelling per type, whichever backend (or diesel) named it.
fn normalise(raw: &str) -> String {
    let lower = raw.trim().to_lowercase();
    match lower.as_str() {
        "text" | "varchar" | "character varying" => "text",
        "bigint" | "int8" => "bigint",
        "integer" | "int" | "int4" => "integer",
        "boolean" | "bool" => "boolean",
        "timestamp" | "timestamp without time zone" => "timestamp",
        "date" => "date",
        "blob" | "bytea" | "binary" => "binary",
        _ => return lower,
    }
    .to_owned()
}

#[derive(diesel::QueryableByName)]
struct NameRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
}

#[derive(diesel::QueryableByName)]
struct SqliteColumn {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    ty: String,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    notnull: i32,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pk: i32,
}

#[derive(diesel::QueryableByName)]
struct SqliteTrigger {
    #[diesel(sql_type = diesel::sql_types::Text)]
    tbl_name: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    sql: String,
}

#[derive(diesel::QueryableByName)]
struct PgColumn {
    #[diesel(sql_type = diesel::sql_types::Text)]
    table_name: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    column_name: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    data_type: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    is_nullable: String,
}

#[derive(diesel::QueryableByName)]
struct PgTrigger {
    #[diesel(sql_type = diesel::sql_types::Text)]
    table_name: String,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    tgtype: i32,
}

/// Asks the database's own catalogue: SQLite's `sqlite_master` and
/// `pragma_table_info`, PostgreSQL's `information_schema` and `pg_trigger`.
/// A guard is a BEFORE trigger that raises (SQLite's `RAISE(ABORT, ...)`,
/// a PL/pgSQL function that raises an exception).
pub fn catalogue(conn: &mut DbConnection) -> Catalogue {
    use diesel::prelude::*;
    let mut tables = Catalogue::new();
    match conn {
        DbConnection::Sqlite(c) => {
            let names: Vec<NameRow> = diesel::sql_query(
                "SELECT name FROM sqlite_master WHERE type = 'table' \
                 AND name NOT LIKE 'sqlite_%' AND name <> '__diesel_schema_migrations'",
            )
            .load(c)
            .unwrap();
            for NameRow { name } in names {
                let columns: Vec<SqliteColumn> = diesel::sql_query(
                    "SELECT name, type AS ty, \"notnull\", pk FROM pragma_table_info(?)",
                )
                .bind::<diesel::sql_types::Text, _>(&name)
                .load(c)
                .unwrap();
                let keys: Vec<&SqliteColumn> = columns.iter().filter(|col| col.pk > 0).collect();
                let table = tables.entry(name).or_default();
                if let [key] = keys[..] {
                    if normalise(&key.ty) == "integer" {
                        table.rowid = Some(key.name.clone());
                    }
                }
                table.columns = columns
                    .into_iter()
                    .map(|col| (col.name, (normalise(&col.ty), col.notnull == 0)))
                    .collect();
            }
            let triggers: Vec<SqliteTrigger> =
                diesel::sql_query("SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
                    .load(c)
                    .unwrap();
            for trigger in triggers {
                let sql = trigger
                    .sql
                    .to_uppercase()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ");
                if !sql.contains("RAISE(ABORT") {
                    continue;
                }
                let table = tables.entry(trigger.tbl_name).or_default();
                for event in ["UPDATE", "DELETE"] {
                    if sql.contains(&format!("BEFORE {event} ON")) {
                        table.guards.insert(event);
                    }
                }
            }
        }
        DbConnection::Postgres(c) => {
            let columns: Vec<PgColumn> = diesel::sql_query(
                "SELECT table_name::text AS table_name, column_name::text AS column_name, \
                 data_type::text AS data_type, is_nullable::text AS is_nullable \
                 FROM information_schema.columns \
                 WHERE table_schema = current_schema() \
                 AND table_name <> '__diesel_schema_migrations'",
            )
            .load(c)
            .unwrap();
            for col in columns {
                tables.entry(col.table_name).or_default().columns.insert(
                    col.column_name,
                    (normalise(&col.data_type), col.is_nullable == "YES"),
                );
            }
            // tgtype: 2 BEFORE, 8 DELETE, 16 UPDATE, 32 TRUNCATE.
            let triggers: Vec<PgTrigger> = diesel::sql_query(
                "SELECT c.relname::text AS table_name, t.tgtype::int4 AS tgtype \
                 FROM pg_trigger t \
                 JOIN pg_class c ON c.oid = t.tgrelid \
                 JOIN pg_proc p ON p.oid = t.tgfoid \
                 WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' \
                 AND c.relnamespace = current_schema()::regnamespace \
                 AND p.prosrc ILIKE '%raise exception%'",
            )
            .load(c)
            .unwrap();
            for trigger in triggers {
                if trigger.tgtype & 2 == 0 {
                    continue;
                }
                let table = tables.entry(trigger.table_name).or_default();
                for (bit, event) in [(16, "UPDATE"), (8, "DELETE"), (32, "TRUNCATE")] {
                    if trigger.tgtype & bit != 0 {
                        table.guards.insert(event);
                    }
                }
            }
        }
    }
    tables
}

/// The tables and columns `src/db/schema.rs` tells diesel about.
fn schema_rs() -> Catalogue {
    let text = std::fs::read_to_string(format!("{}/src/db/schema.rs", env!("CARGO_MANIFEST_DIR")))
        .unwrap();
    let table =
        regex::Regex::new(r"diesel::table!\s*\{\s*(\w+)\s*\([^)]*\)\s*\{([^}]*)\}").unwrap();
    let column = regex::Regex::new(r"(\w+)\s*->\s*([\w<>]+)\s*,").unwrap();
    let mut tables = Catalogue::new();
    for found in table.captures_iter(&text) {
        let columns = column
            .captures_iter(&found[2])
            .map(|col| {
                let ty = &col[2];
                let (inner, nullable) = match ty.strip_prefix("Nullable<") {
                    Some(rest) => (rest.trim_end_matches('>'), true),
                    None => (ty, false),
                };
                let ty = match inner {
                    "Bool" => "boolean",
                    "BigInt" => "bigint",
                    other => other,
                };
                (col[1].to_owned(), (normalise(ty), nullable))
            })
            .collect();
        tables.insert(
            found[1].to_owned(),
            Table {
                columns,
                guards: BTreeSet::new(),
                rowid: None,
            },
        );
    }
    assert!(tables.len() > 10, "src/db/schema.rs was not understood");
    tables
}

/// Every difference between two catalogues, one line each; `guards` says
/// whether to compare the guards on UPDATE and DELETE.
fn differences(
    a_name: &str,
    a: &Catalogue,
    b_name: &str,
    b: &Catalogue,
    guards: bool,
) -> Vec<String> {
    let describe = |(ty, nullable): &(String, bool)| {
        format!("{ty} {}", if *nullable { "null" } else { "not null" })
    };
    let mut lines = Vec::new();
    let names: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    for name in names {
        let (Some(ta), Some(tb)) = (a.get(name), b.get(name)) else {
            let (has, lacks) = if a.contains_key(name) {
                (a_name, b_name)
            } else {
                (b_name, a_name)
            };
            lines.push(format!("table {name}: in {has}, not in {lacks}"));
            continue;
        };
        let columns: BTreeSet<&String> = ta.columns.keys().chain(tb.columns.keys()).collect();
        for column in columns {
            let rowid = |t: &Table| t.rowid.as_ref() == Some(column);
            let integer = |(ty, _): &(String, bool)| ty == "integer" || ty == "bigint";
            match (ta.columns.get(column), tb.columns.get(column)) {
                (Some(ca), Some(cb)) if ca == cb => {}
                (Some(ca), Some(cb))
                    if (rowid(ta) || rowid(tb)) && ca.1 == cb.1 && integer(ca) && integer(cb) => {}
                (Some(ca), Some(cb)) => lines.push(format!(
                    "{name}.{column}: {a_name} {}, {b_name} {}",
                    describe(ca),
                    describe(cb)
                )),
                (Some(_), None) => {
                    lines.push(format!("{name}.{column}: in {a_name}, not in {b_name}"))
                }
                (None, _) => lines.push(format!("{name}.{column}: in {b_name}, not in {a_name}")),
            }
        }
        if guards {
            let rows = |t: &Table| -> BTreeSet<&str> {
                t.guards
                    .iter()
                    .copied()
                    .filter(|g| *g != "TRUNCATE")
                    .collect()
            };
            if rows(ta) != rows(tb) {
                lines.push(format!(
                    "{name}: {a_name} refuses {:?}, {b_name} refuses {:?}",
                    rows(ta),
                    rows(tb)
                ));
            }
        }
    }
    lines
}

fn assert_same(a_name: &str, a: &Catalogue, b_name: &str, b: &Catalogue, guards: bool) {
    let lines = differences(a_name, a, b_name, b, guards);
    assert!(
        lines.is_empty(),
        "{a_name} and {b_name} differ:\n  {}",
        lines.join("\n  ")
    );
}

/// The tables whose guards refuse every one of `events`.
fn guarded(catalogue: &Catalogue, events: &[&str]) -> BTreeSet<String> {
    catalogue
        .iter()
        .filter(|(_, t)| events.iter().all(|e| t.guards.contains(e)))
        .map(|(name, _)| name.clone())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_backends_build_the_same_tables_columns_types_and_guards() {
    // A fresh SQLite database, migrated as `custodian serve` migrates it.
    let fresh = tempfile::tempdir().unwrap();
    let db = Db::open(&DatabaseUrl::Sqlite(fresh.path().join("x.db")), 1).unwrap();
    let sqlite = catalogue(&mut db.conn().unwrap());
    let append_only: BTreeSet<String> = APPEND_ONLY_TABLES.iter().map(|t| t.to_string()).collect();

    // What diesel is told (src/db/schema.rs) is what SQLite built.
    assert_same(
        "migrations/sqlite",
        &sqlite,
        "src/db/schema.rs",
        &schema_rs(),
        false,
    );
    assert_eq!(
        guarded(&sqlite, &["UPDATE", "DELETE"]),
        append_only,
        "SQLite guards exactly the append-only tables"
    );

    // A fresh PostgreSQL database, when the suite has one.
    let app = crate::helpers::TestApp::spawn_with(crate::helpers::Smtp::Unset).await;
    if !app.on_postgres() {
        eprintln!(
            "CUSTODIAN_TEST_POSTGRES_URL is not set: the SQLite catalogue was compared with \
             src/db/schema.rs only, not with PostgreSQL's"
        );
        return;
    }
    let postgres = catalogue(&mut app.db.conn().unwrap());
    assert_same(
        "migrations/sqlite",
        &sqlite,
        "migrations/postgres",
        &postgres,
        true,
    );
    assert_eq!(
        guarded(&postgres, &["UPDATE", "DELETE", "TRUNCATE"]),
        append_only,
        "PostgreSQL guards exactly the append-only tables, TRUNCATE included"
    );
}

#[test]
fn the_comparison_finds_a_changed_type_a_lost_column_and_a_lost_guard() {
    let mut a = Catalogue::new();
    let mut table = Table::default();
    table
        .columns
        .insert("size".into(), ("bigint".into(), false));
    table.columns.insert("note".into(), ("text".into(), true));
    table.guards.extend(["UPDATE", "DELETE"]);
    a.insert("evidence".into(), table);
    let mut b = a.clone();
    let t = b.get_mut("evidence").unwrap();
    t.columns.insert("size".into(), ("integer".into(), false));
    t.columns.remove("note");
    t.guards.remove("DELETE");
    let lines = differences("one", &a, "two", &b, true);
    assert_eq!(
        lines,
        [
            "evidence.note: in one, not in two",
            "evidence.size: one bigint not null, two integer not null",
            "evidence: one refuses {\"DELETE\", \"UPDATE\"}, two refuses {\"UPDATE\"}",
        ]
    );
}
