//! Sealed concerns leave no trace: each reviewing channel quotes its own
//! series of references, so the head's queue has no gaps where concerns
//! about the head were; and every append-only table is guarded by the
//! database itself on both backends.

use std::collections::BTreeSet;

use custodian::db::{DbConnection, APPEND_ONLY_TABLES};
use custodian::people::domain::Role;
use diesel::prelude::*;
use reqwest::multipart::Form;
use reqwest::StatusCode;

use crate::helpers::{csrf_in, TestApp, Visitor};

/// Raises a concern as the browser's form does; returns its reference as
/// the heading of the raiser's page gives it.
async fn raise(who: &Visitor, fields: &[(&str, &str)]) -> String {
    let (_, html) = who.page("/concerns/new").await;
    let token = csrf_in(&html).expect("a CSRF token on the form");
    let mut form = Form::new().text("csrf_token", token);
    for (name, value) in fields {
        form = form.text(name.to_string(), value.to_string());
    }
    let response = who
        .client
        .post(format!("{}/concerns", who.address))
        .multipart(form)
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let (_, page) = who.page(&location).await;
    let title = regex::Regex::new(r"<h1>Concern ([A-Z]-\d+)</h1>").unwrap();
    title.captures(&page).expect("the concern's page")[1].to_owned()
}

pub(crate) fn about(kind: &str) -> Vec<(&'static str, String)> {
    let mut fields = vec![
        ("happened_on", "2026-11-20".to_owned()),
        ("what_happened", "Something was posted".to_owned()),
    ];
    match kind {
        "head and chair" => {
            fields.push(("about", "headteacher".into()));
            fields.push(("implicates_chair", "yes".into()));
        }
        "head" => fields.push(("about", "headteacher".into())),
        _ => {
            fields.push(("about", "community".into()));
            fields.push(("about_detail", "The PTA Facebook group".into()));
        }
    }
    fields
}

fn about_staff(id: &str) -> Vec<(&'static str, String)> {
    vec![
        ("about", "staff".into()),
        ("about_person", id.to_owned()),
        ("happened_on", "2026-11-20".into()),
        ("what_happened", "Something was posted".into()),
    ]
}

pub(crate) async fn raise_as(who: &Visitor, fields: Vec<(&'static str, String)>) -> String {
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    raise(who, &borrowed).await
}

/// Every concern reference in a text: "C-1", "G-2", "L-1".
fn references(text: &str) -> BTreeSet<String> {
    regex::Regex::new(r"\b[A-Z]-\d+\b")
        .unwrap()
        .find_iter(text)
        .map(|m| m.as_str().to_owned())
        .filter(|r| r.starts_with(['C', 'G', 'L']))
        .collect()
}

/// Each concern's link and the reference it shows, as the raiser's list has them.
fn linked_references(html: &str) -> std::collections::BTreeMap<String, String> {
    regex::Regex::new(r#"<a href="(/concerns/[0-9a-f-]+)">([A-Z]-\d+)</a>"#)
        .unwrap()
        .captures_iter(html)
        .map(|c| (c[1].to_owned(), c[2].to_owned()))
        .collect()
}

fn set<S: AsRef<str>>(items: &[S]) -> BTreeSet<String> {
    items.iter().map(|s| s.as_ref().to_owned()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_heads_queue_runs_c1_c2_with_no_gap_where_concerns_about_the_head_are() {
    let app = TestApp::spawn().await;
    let head = app.sign_in_as(Role::Headteacher).await;
    let (chair, chair_browser) = app.person_signed_in("Margaret Ellis", Role::Chair).await;
    let (tom, tom_browser) = app.person_signed_in("Tom Reed", Role::Staff).await;
    let (sam, _) = app.person_signed_in("Sam Jones", Role::Staff).await;

    // Tom raises five concerns: about Sam, about the head, about the head and
    // the chair, about the PTA group, and about the head again.
    let raised = [
        raise_as(&tom_browser, about_staff(&sam.id.to_string())).await,
        raise_as(&tom_browser, about("head")).await,
        raise_as(&tom_browser, about("head and chair")).await,
        raise_as(&tom_browser, about("community")).await,
        raise_as(&tom_browser, about("head")).await,
    ];
    let [c1, g1, l1, c2, g2] = raised.clone();
    assert_eq!((c1.as_str(), c2.as_str()), ("C-1", "C-2"));
    // A sealed channel's references count nothing: random, never in order.
    let opaque = regex::Regex::new(r"^[GL]-[1-9]\d{5}$").unwrap();
    for sealed in [&g1, &l1, &g2] {
        assert!(opaque.is_match(sealed), "{sealed}");
    }
    assert!(g1.starts_with('G') && g2.starts_with('G') && l1.starts_with('L'));
    assert_ne!(g1, g2);

    // The head's queue: C-1 then C-2, and nothing to say others exist.
    let (_, queue) = app.page("/concerns/review").await;
    assert_eq!(references(&queue), set(&["C-1", "C-2"]), "{queue}");
    // The chair's queue: the chair's own series.
    let (_, chair_queue) = chair_browser.page("/concerns/review").await;
    assert_eq!(references(&chair_queue), set(&[&g1, &g2]));
    // Tom's list: each as it was given to him.
    let (_, mine) = tom_browser.page("/concerns").await;
    assert_eq!(references(&mine), set(&[&c1, &c2, &g1, &g2, &l1]));

    // The emails carry the channel's reference.
    app.email_to(&head.email, "A concern has been raised with you (C-2)")
        .await;
    app.email_to(
        &chair.email,
        &format!("A concern has been raised with you ({g2})"),
    )
    .await;
    for reference in &raised {
        app.email_to(
            &tom.email,
            &format!("Your concern has been received ({reference})"),
        )
        .await;
    }

    // And so does the audit log, for whoever may read it.
    let (_, audit) = app.page("/audit").await;
    assert!(audit.contains("Tom Reed raised concern C-2"), "{audit}");
    let (_, chair_audit) = chair_browser.page("/audit").await;
    assert!(chair_audit.contains(&format!("Tom Reed raised concern {g2}")));
    let summaries: Vec<String> = {
        use custodian::db::schema::audit_events;
        let mut conn = app.db.conn().unwrap();
        audit_events::table
            .select(audit_events::summary)
            .load(&mut *conn)
            .unwrap()
    };
    assert!(summaries
        .iter()
        .any(|s| *s == format!("Tom Reed raised concern {l1}")));

    // Nothing the head can see counts the sealed concerns.
    let (_, home) = app.page("/").await;
    let (_, emails) = app.page("/emails").await;
    let (_, own) = app.page("/concerns").await;
    let export = app.get("/audit/export.csv").await.text().await.unwrap();
    for (what, text) in [
        ("home", &home),
        ("audit log", &audit),
        ("email log", &emails),
        ("own concerns", &own),
        ("audit export", &export),
    ] {
        assert!(
            references(text).is_subset(&set(&["C-1", "C-2"])),
            "the head's {what} names {:?}",
            references(text)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_migration_numbers_earlier_concerns_in_each_channel_as_they_were_raised() {
    let app = TestApp::spawn_with(crate::helpers::Smtp::Unset).await;
    app.sign_in_as(Role::Headteacher).await;
    app.add_person("Margaret Ellis", Role::Chair);
    let (_, tom) = app.person_signed_in("Tom Reed", Role::Staff).await;
    let mut raised = Vec::new();
    for kind in ["community", "head", "head and chair", "community", "head"] {
        raised.push(raise_as(&tom, about(kind)).await);
    }
    assert_eq!((raised[0].as_str(), raised[3].as_str()), ("C-1", "C-2"));
    let before = linked_references(&tom.page("/concerns").await.1);
    assert_eq!(before.len(), 5);

    // As a database from before the series: the series and the numbers
    // gone, then the migration run again over the concerns already there.
    let (down, up) = if app.on_postgres() {
        (
            include_str!(
                "../../migrations/postgres/2026-12-01-000003_concern_channel_refs/down.sql"
            ),
            include_str!("../../migrations/postgres/2026-12-01-000003_concern_channel_refs/up.sql"),
        )
    } else {
        (
            include_str!("../../migrations/sqlite/2026-12-01-000003_concern_channel_refs/down.sql"),
            include_str!("../../migrations/sqlite/2026-12-01-000003_concern_channel_refs/up.sql"),
        )
    };
    {
        use diesel::connection::SimpleConnection;
        let mut conn = app.db.conn().unwrap();
        conn.batch_execute(down).unwrap();
        conn.batch_execute(up).unwrap();
    }

    // The head's concerns keep the references they were given; those
    // from before the series, in a sealed channel, are numbered in order
    // once (a database from before had one series for all).
    let after = linked_references(&tom.page("/concerns").await.1);
    let given: Vec<&String> = before.keys().map(|link| &after[link]).collect();
    for (link, reference) in &before {
        if reference.starts_with('C') {
            assert_eq!(&after[link], reference);
        }
    }
    let mut sealed: Vec<&str> = given
        .iter()
        .map(|r| r.as_str())
        .filter(|r| !r.starts_with('C'))
        .collect();
    sealed.sort();
    assert_eq!(sealed, ["G-1", "G-2", "L-1"]);
    // The head's series carries on from where it was.
    assert_eq!(raise_as(&tom, about("community")).await, "C-3");
    let next = raise_as(&tom, about("head")).await;
    assert!(next.starts_with("G-") && next.len() == 8, "{next}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concerns_raised_at_the_same_moment_take_consecutive_numbers() {
    let app = TestApp::spawn_with(crate::helpers::Smtp::Unset).await;
    app.sign_in_as(Role::Headteacher).await;
    let mut raisers = Vec::new();
    for name in [
        "Ann Able", "Ben Best", "Cat Cole", "Dan Dale", "Eve East", "Fay Fox",
    ] {
        raisers.push(app.person_signed_in(name, Role::Staff).await.1);
    }
    let all =
        futures_util::future::join_all(raisers.iter().map(|who| raise_as(who, about("community"))))
            .await;
    let given: BTreeSet<String> = all.into_iter().collect();
    assert_eq!(given, set(&["C-1", "C-2", "C-3", "C-4", "C-5", "C-6"]));
}

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
