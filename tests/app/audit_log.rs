//! The audit log: appended with every change, append-only, hash-chained.

use custodian::audit::service::verify_chain;
use custodian::db::DbConnection;
use custodian::people::domain::Role;
use diesel::prelude::*;
use reqwest::StatusCode;

use crate::helpers::{csv_text, Smtp, TestApp};

fn verify(app: &TestApp) -> custodian::audit::service::Verification {
    let mut conn = app.db.conn().unwrap();
    verify_chain(&mut conn).unwrap()
}

/// Runs SQL as someone with the database file would, behind the app's back.
pub fn tamper(app: &TestApp, statements: &[&str]) {
    let mut conn = app.db.conn().unwrap();
    let drop_guards: &[&str] = match &mut *conn {
        DbConnection::Sqlite(_) => &[
            "DROP TRIGGER audit_events_no_update",
            "DROP TRIGGER audit_events_no_delete",
        ],
        DbConnection::Postgres(_) => &["ALTER TABLE audit_events DISABLE TRIGGER USER"],
    };
    for sql in drop_guards.iter().chain(statements) {
        diesel::sql_query(*sql).execute(&mut *conn).unwrap();
    }
}

async fn app_with_events() -> TestApp {
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Headteacher).await;
    for name in ["Ann Able", "Ben Best", "Cat Cole"] {
        app.add_person(name, Role::Staff);
    }
    app
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_change_appends_an_event_and_the_chain_verifies() {
    let app = app_with_events().await;
    let actions = app.audit_actions();
    assert!(actions.iter().filter(|a| *a == "person.created").count() >= 4);
    assert!(actions.contains(&"sign_in.succeeded".to_owned()));
    let result = verify(&app);
    assert!(result.ok(), "{result:?}");
    assert_eq!(result.events_checked as usize, actions.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_refuses_to_change_or_delete_an_event() {
    let app = app_with_events().await;
    let mut conn = app.db.conn().unwrap();
    // The guard's own words (a trigger's RAISE on both backends), not any
    // error: a locked database or a typo would fail here too.
    for sql in [
        "UPDATE audit_events SET summary = 'nothing happened'",
        "DELETE FROM audit_events",
    ] {
        let refusal = diesel::sql_query(sql)
            .execute(&mut *conn)
            .expect_err(sql)
            .to_string();
        assert_eq!(refusal, "audit_events is append-only", "{sql}");
    }
    drop(conn);
    assert!(verify(&app).ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_is_found() {
    let app = app_with_events().await;
    tamper(
        &app,
        &["UPDATE audit_events SET summary = 'Nothing to see' WHERE seq = 2"],
    );
    let result = verify(&app);
    assert_eq!(
        result.problem.as_deref(),
        Some("event 2: its content was changed")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deletion_in_the_middle_is_found() {
    let app = app_with_events().await;
    tamper(&app, &["DELETE FROM audit_events WHERE seq = 3"]);
    let problem = verify(&app).problem.expect("found");
    assert!(problem.starts_with("event 3: missing"), "{problem}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deletion_at_the_end_is_found() {
    let app = app_with_events().await;
    let last = app.audit_actions().len();
    tamper(
        &app,
        &[&format!("DELETE FROM audit_events WHERE seq = {last}")],
    );
    let problem = verify(&app).problem.expect("found");
    assert!(problem.contains("were removed"), "{problem}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reordering_is_found() {
    let app = app_with_events().await;
    tamper(
        &app,
        &[
            "UPDATE audit_events SET seq = -1 WHERE seq = 2",
            "UPDATE audit_events SET seq = 2 WHERE seq = 3",
            "UPDATE audit_events SET seq = 3 WHERE seq = -1",
        ],
    );
    let problem = verify(&app).problem.expect("found");
    assert!(problem.starts_with("event 2:"), "{problem}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_insertion_is_found() {
    let app = app_with_events().await;
    tamper(
        &app,
        &[
            "UPDATE audit_events SET seq = seq + 1000 WHERE seq >= 3",
            "UPDATE audit_events SET seq = seq - 999 WHERE seq >= 1003",
            "INSERT INTO audit_events (seq, id, occurred_at, actor_kind, actor_id, action, subject_type, subject_id, summary, data, prev_hash, hash) \
             SELECT 3, 'forged', occurred_at, actor_kind, actor_id, action, subject_type, subject_id, 'Forged', data, hash, hash FROM audit_events WHERE seq = 2",
        ],
    );
    let problem = verify(&app).problem.expect("found");
    assert!(problem.starts_with("event 3:"), "{problem}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_never_fork_the_chain() {
    let app = TestApp::spawn().await;
    let people: Vec<_> = (0..16)
        .map(|n| app.add_person(&format!("Staff Member {n}"), Role::Staff))
        .collect();
    let token = app.csrf_token().await;
    let requests = people.iter().map(|p| {
        let client = app.client.clone();
        let url = app.url("/password/reset");
        let fields = vec![
            ("csrf_token".to_owned(), token.clone()),
            ("email".to_owned(), p.email.clone()),
        ];
        async move {
            client
                .post(url)
                .form(&fields)
                .send()
                .await
                .unwrap()
                .status()
        }
    });
    let statuses = futures_util::future::join_all(requests).await;
    assert!(
        statuses.iter().all(|s| *s == StatusCode::OK),
        "{statuses:?}"
    );
    let result = verify(&app);
    assert!(result.ok(), "{result:?}");
    let resets = app
        .audit_actions()
        .iter()
        .filter(|a| *a == "person.password_reset_requested")
        .count();
    assert_eq!(resets, 16);
    app.mail.wait_for_count(32).await;
}

/// Sixteen members of staff declaring at the same moment, each from a
/// connection of their own (more than the app's pool): every declaration is
/// kept, none refused because the database was busy, on a whole chain.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixteen_people_declaring_at_once_are_all_kept_on_a_whole_chain() {
    use custodian::declarations::{domain::Details, service::declare};
    use custodian::people::actor::Actor;

    let app = TestApp::spawn_with(Smtp::Unset).await;
    app.add_person("Helen Carter", Role::Headteacher);
    let staff: Vec<_> = (0..16)
        .map(|n| app.add_person(&format!("Staff Member {n}"), Role::Staff))
        .collect();
    let db = custodian::db::Db::open(app.db.url(), 16).unwrap();
    let ctx = app.ctx();
    let results: Vec<_> = tokio::task::block_in_place(|| {
        std::thread::scope(|s| {
            let writers: Vec<_> = staff
                .iter()
                .map(|p| {
                    let (mut conn, ctx) = (db.conn().unwrap(), &ctx);
                    let me = Actor::Person {
                        id: p.id,
                        name: p.name.clone(),
                        role: p.role,
                    };
                    s.spawn(move || {
                        (0..5)
                            .map(|i| {
                                let details = Details::parse(
                                    &format!("Parent {i}"),
                                    "parent_carer",
                                    "Year 3",
                                    "neighbour",
                                    true,
                                    &[],
                                    "2021",
                                    "We live on the same street.",
                                );
                                custodian::tx::write(&mut conn, ctx, &me, |tx| declare(tx, details))
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            writers
                .into_iter()
                .flat_map(|w| w.join().unwrap())
                .collect()
        })
    });
    let failed: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert!(failed.is_empty(), "{failed:?}");
    let submitted = app
        .audit_actions()
        .iter()
        .filter(|a| *a == "declaration.submitted")
        .count();
    assert_eq!(submitted, 80);
    let result = verify(&app);
    assert!(result.ok(), "{result:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_head_browses_filters_exports_and_verifies_the_log() {
    let app = app_with_events().await;
    let (status, html) = app.page("/audit").await;
    assert_eq!(status, 200);
    assert!(html.contains("added Ann Able as Staff"));
    assert!(html.contains("The chain has not been verified yet"));

    let (_, html) = app.page("/audit?action=sign_in.succeeded").await;
    assert!(html.contains("Helen Carter signed in"));
    assert!(!html.contains("added Ann Able"));

    let csv = app.get("/audit/export.csv?action=person.created").await;
    assert_eq!(
        csv.headers().get("content-type").unwrap(),
        "text/csv; charset=utf-8"
    );
    let body = csv_text(csv).await;
    let mut lines = body.lines();
    assert!(lines
        .next()
        .unwrap()
        .starts_with("event_id,occurred_at_utc,actor"));
    let rows: Vec<_> = lines.collect();
    assert_eq!(rows.len(), 4, "{body}");
    assert!(rows.iter().all(|r| r.contains("person.created")));

    let response = app.post_form("/audit/verify", &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page("/audit").await;
    assert!(html.contains("The audit log is whole"));
    assert!(html.contains("Last verified 24 Nov 2026"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_head_is_told_when_verification_finds_tampering() {
    let app = app_with_events().await;
    tamper(
        &app,
        &["UPDATE audit_events SET summary = 'Nothing to see' WHERE seq = 2"],
    );
    app.post_form("/audit/verify", &[]).await;
    let (_, html) = app.page("/audit").await;
    assert!(html.contains("tampered with: event 2: its content was changed"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chair_sees_only_what_concerns_the_head() {
    let app = TestApp::spawn().await;
    let head = app.add_person("Helen Carter", Role::Headteacher);
    app.add_person("Tom Reed", Role::Staff);
    let head_browser = TestApp::spawn_client(&app);
    head_browser
        .sign_in(&head.email, crate::helpers::PASSWORD)
        .await;
    app.sign_in_as(Role::Chair).await;
    let (status, html) = app.page("/audit").await;
    assert_eq!(status, 200);
    assert!(html.contains("Helen Carter signed in"));
    assert!(!html.contains("added Tom Reed"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_that_fails_leaves_no_event() {
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Headteacher).await;
    let staff = app.add_person("Tom Reed", Role::Staff);
    let before = app.audit_actions();
    // The database refuses a role it does not know, mid-transaction.
    let mut conn = app.db.conn().unwrap();
    let result = custodian::db::dialect::write(&mut conn, |conn| {
        custodian::audit::append(
            conn,
            &app.clock,
            custodian::audit::NewEvent::new(
                custodian::audit::Actor::Cli,
                custodian::audit::Action::PersonRoleChanged,
                custodian::audit::Subject::person(staff.id),
                "about to fail",
            ),
        )?;
        diesel::sql_query(format!(
            "UPDATE people SET role = 'janitor' WHERE id = '{}'",
            staff.id
        ))
        .execute(conn)?;
        Ok(())
    });
    assert!(result.is_err());
    drop(conn);
    assert_eq!(app.audit_actions(), before);
    assert!(verify(&app).ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chair_keeps_sight_of_a_head_who_made_a_successor_and_stepped_down() {
    let app = TestApp::spawn().await;
    let (helen, helen_browser) = app
        .person_signed_in("Helen Carter", Role::Headteacher)
        .await;
    let (david, david_browser) = app.person_signed_in("David Osei", Role::Slt).await;
    let tom = app.add_person("Tom Reed", Role::Staff);
    // Helen makes David head; David makes Helen SLT.
    let made_head = helen_browser
        .post_form(
            &format!("/people/{}/role", david.id),
            &[("role", "headteacher")],
        )
        .await;
    assert_eq!(made_head.status(), StatusCode::SEE_OTHER);
    let david_again = TestApp::spawn_client(&app);
    david_again
        .sign_in(&david.email, crate::helpers::PASSWORD)
        .await;
    drop(david_browser);
    let stepped_down = david_again
        .post_form(&format!("/people/{}/role", helen.id), &[("role", "slt")])
        .await;
    assert_eq!(stepped_down.status(), StatusCode::SEE_OTHER);
    // What Helen did as head stays in the chair's log.
    let (_, chair) = app.person_signed_in("Margaret Ellis", Role::Chair).await;
    let (status, html) = chair.page("/audit").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Helen Carter signed in"),
        "the former head's record left the chair's log"
    );
    assert!(html.contains("role from Senior Leadership Team to Headteacher"));
    assert!(!html.contains(&format!("added {}", tom.name)));
}

/// Appends an event stamped `at`, as the app would had its clock read `at`.
fn event_at(app: &TestApp, at: time::OffsetDateTime, summary: &str) {
    app.clock
        .advance(at - custodian::clock::Clock::now(&app.clock));
    let mut conn = app.db.conn().unwrap();
    custodian::db::dialect::write(&mut conn, |conn| {
        custodian::audit::append(
            conn,
            &app.clock,
            custodian::audit::NewEvent::new(
                custodian::audit::Actor::Cli,
                custodian::audit::Action::AuditVerified,
                custodian::audit::Subject::of("audit", "chain"),
                summary,
            ),
        )
    })
    .unwrap();
}

/// Every event summary on every page of the log from `path` on, newest
/// first, following "Older events".
async fn summaries_on_every_page(app: &TestApp, path: &str) -> Vec<String> {
    let mut summaries = Vec::new();
    let mut next = Some(path.to_owned());
    while let Some(path) = next.take() {
        assert!(summaries.len() < 1_000, "paging does not end: {path}");
        let (status, html) = app.page(&path).await;
        assert_eq!(status, 200, "{path}");
        for cell in html.split("<td>").skip(1) {
            if let Some((summary, _)) = cell.split_once("<br>") {
                summaries.push(summary.to_owned());
            }
        }
        next = html
            .split_once("<p class=\"pagination no-print\"><a href=\"")
            .and_then(|(_, rest)| rest.split_once('"'))
            .map(|(href, _)| href.replace("&#38;", "&").replace("&amp;", "&"));
    }
    summaries
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_date_filter_shows_exactly_the_events_of_those_days_even_after_the_clock_stepped_back() {
    use time::macros::datetime;
    let app = TestApp::spawn().await;
    let head = app.sign_in_as(Role::Headteacher).await;
    // The clock moves days at a time: the head signs in again after it has.
    let sign_in_again = || async {
        let response = app.sign_in(&head.email, crate::helpers::PASSWORD).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    };
    let marker = |day: &str, i: usize| format!("Marker {day}-{i:02}");
    // The clock jumps ahead for one event, early in the log.
    event_at(&app, datetime!(2027-06-01 09:00 UTC), "Marker Future");
    // Tuesday the 24th, then Wednesday the 25th: more than a page each.
    for i in 0..60 {
        let at = datetime!(2026-11-24 09:00 UTC) + time::Duration::minutes(i as i64);
        event_at(&app, at, &marker("Tue", i));
    }
    for i in 0..60 {
        let at = datetime!(2026-11-25 00:00 UTC) + time::Duration::minutes(i as i64);
        event_at(&app, at, &marker("Wed", i));
    }
    // The clock steps back over midnight: an event stamped on Tuesday
    // morning, amid Tuesday's, appended after Wednesday's.
    event_at(&app, datetime!(2026-11-24 09:30:30 UTC), "Marker Tue-late");
    event_at(&app, datetime!(2026-11-25 10:00 UTC), &marker("Wed", 60));
    sign_in_again().await;

    let tuesday: Vec<String> = (0..60).rev().map(|i| marker("Tue", i)).collect();
    let wednesday: Vec<String> = (0..61).rev().map(|i| marker("Wed", i)).collect();
    let markers_only = |all: Vec<String>| -> Vec<String> {
        all.into_iter()
            .filter(|s| s.starts_with("Marker "))
            .collect()
    };

    // Tuesday alone: the late event first (it was appended last), then the
    // day's own, newest first, over two pages; nothing of Wednesday's.
    let shown = summaries_on_every_page(&app, "/audit?from=2026-11-24&until=2026-11-24").await;
    let mut expected = vec!["Marker Tue-late".to_owned()];
    expected.extend(tuesday.iter().cloned());
    assert_eq!(markers_only(shown.clone()), expected);
    assert!(shown.iter().any(|s| s.contains("signed in")), "{shown:?}");
    // Up to Tuesday, with no start: the same markers.
    let shown = summaries_on_every_page(&app, "/audit?until=2026-11-24").await;
    assert_eq!(markers_only(shown), expected);
    // From Wednesday: all of Wednesday's, not the late Tuesday one, and the
    // one stamped ahead, oldest in the log.
    let shown = summaries_on_every_page(&app, "/audit?from=2026-11-25").await;
    let mut expected = wednesday.clone();
    expected.push("Marker Future".to_owned());
    assert_eq!(markers_only(shown), expected);

    // Later the clock jumps ahead to Friday, then back to Thursday: the
    // first event stamped on Thursday or after was appended after Friday's.
    event_at(&app, datetime!(2026-11-27 09:00 UTC), "Marker Fri-00");
    event_at(&app, datetime!(2026-11-26 08:00 UTC), "Marker Thu-back");
    sign_in_again().await;
    let shown = summaries_on_every_page(&app, "/audit?from=2026-11-26").await;
    assert_eq!(
        markers_only(shown),
        ["Marker Thu-back", "Marker Fri-00", "Marker Future"]
    );
    let shown = summaries_on_every_page(&app, "/audit?from=2026-11-26&until=2026-11-26").await;
    assert_eq!(markers_only(shown), ["Marker Thu-back"]);
    let shown = summaries_on_every_page(&app, "/audit?from=2026-11-25&until=2026-11-25").await;
    assert_eq!(markers_only(shown), wednesday);
    let shown = summaries_on_every_page(&app, "/audit?from=2027-06-01").await;
    assert_eq!(markers_only(shown), ["Marker Future"]);
    // Days with no event, on either side, and dates given the wrong way round.
    for path in [
        "/audit?from=2026-11-28&until=2027-05-31",
        "/audit?until=2026-11-23",
        "/audit?from=2026-11-25&until=2026-11-24",
    ] {
        assert!(
            markers_only(summaries_on_every_page(&app, path).await).is_empty(),
            "{path}"
        );
    }
    // The whole log, unfiltered, still pages through every marker.
    let shown = summaries_on_every_page(&app, "/audit").await;
    assert_eq!(markers_only(shown).len(), 1 + 60 + 61 + 1 + 2);
    assert!(verify(&app).ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_people_filter_lists_someone_added_after_the_log_was_first_seen() {
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Headteacher).await;
    let (_, html) = app.page("/audit").await;
    assert!(!html.contains(">Zara Quinn<"));
    let zara = app.add_person("Zara Quinn", Role::Staff);
    let (_, html) = app.page("/audit").await;
    assert!(
        html.contains(&format!(
            "<option value=\"{}\">Zara Quinn</option>",
            zara.id
        )),
        "{html}"
    );
}
