//! Both migration trees match, and every migration goes up, down and up.

use std::collections::BTreeSet;

use custodian::db::{dialect, DatabaseUrl, Db};

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
    dialect::redo_all_migrations(&mut conn).unwrap();
    drop(conn);
    // And the app's database still works afterwards.
    let fresh = tempfile::tempdir().unwrap();
    let db = Db::open(&DatabaseUrl::Sqlite(fresh.path().join("x.db")), 1).unwrap();
    dialect::redo_all_migrations(&mut db.conn().unwrap()).unwrap();
}
