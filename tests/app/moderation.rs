//! The moderation log of the official accounts (Appendix 1 item 1,
//! Appendix 2): who records and reads it, its filter and CSV, bad input,
//! closed accounts, and what the audit log keeps of it.

use custodian::people::domain::Role;
use diesel::prelude::*;
use reqwest::StatusCode;

use crate::helpers::{csv_text, id_from, TestApp, TestPerson};

const NOTE: &str = "Swearing under the photo of the Christmas fair";

fn log(account: &str) -> String {
    format!("/accounts/{account}/moderation")
}

fn action<'a>(
    kind: &'a str,
    occurred_on: &'a str,
    reason: &'a str,
    note: &'a str,
) -> [(&'a str, &'a str); 4] {
    [
        ("kind", kind),
        ("occurred_on", occurred_on),
        ("reason", reason),
        ("note", note),
    ]
}

fn stored(app: &TestApp) -> i64 {
    use custodian::db::schema::moderation_actions;
    moderation_actions::table
        .count()
        .get_result(&mut *app.db.conn().unwrap())
        .unwrap()
}

/// Every summary and data field of the audit log, as one text.
fn audit_text(app: &TestApp) -> String {
    use custodian::db::schema::audit_events;
    audit_events::table
        .select((audit_events::summary, audit_events::data))
        .load::<(String, String)>(&mut *app.db.conn().unwrap())
        .unwrap()
        .into_iter()
        .map(|(s, d)| format!("{s} {d}\n"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slt_record_an_action_and_see_it_in_the_log_and_on_the_account_page() {
    let app = TestApp::spawn().await;
    let slt = app.sign_in_as(Role::Slt).await;
    let account = app.open_account("Oakfield Primary").await;

    let (status, html) = app.page(&log(&account)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Record a moderation action"));
    assert!(html.contains("<legend>What was done?</legend>"));
    assert!(html.contains("Negative feedback that should come to the school directly"));
    assert!(html.contains("Nothing has been recorded on this account yet."));

    let response = app
        .post_form(
            &log(&account),
            &action("comment_removed", "2026-11-23", "offensive", NOTE),
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()["location"].to_str().unwrap(),
        log(&account)
    );

    let (_, html) = app.page(&log(&account)).await;
    assert!(html.contains("The moderation action is recorded in the log."));
    for shown in [
        NOTE,
        "A comment removed",
        "Offensive content",
        "23 Nov 2026",
        &slt.name,
    ] {
        assert!(html.contains(shown), "the log shows {shown}");
    }

    let (_, html) = app.page(&format!("/accounts/{account}")).await;
    assert!(html.contains(r#"<h2 id="moderation">Moderation</h2>"#));
    assert!(html.contains(NOTE));
    assert!(html.contains("See the whole moderation log"));
    assert!(html.contains("Record a moderation action"));

    // The audit log says what was done and why, in codes; never the note,
    // which may quote a member of the public.
    assert!(app
        .audit_actions()
        .contains(&"moderation.recorded".to_owned()));
    let audit = audit_text(&app);
    assert!(audit.contains(r#""kind":"comment_removed""#), "{audit}");
    assert!(audit.contains(r#""reason":"offensive""#));
    assert!(!audit.contains("Swearing"), "{audit}");
    assert_eq!(stored(&app), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_record_only_on_an_account_they_hold_a_live_grant_on() {
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Slt).await;
    let ours = app.open_account("Oakfield Primary").await;
    let other = app.open_account("Oakfield PTA").await;
    let (staff, browser) = app.person_signed_in("Tom Reed", Role::Staff).await;
    let response = app
        .post_form(
            &format!("/accounts/{ours}/grants/new"),
            &[
                ("grantee", &staff.id.to_string()),
                ("aim", "events"),
                ("purpose", "Posting from the Year 6 trip"),
                ("ends_on", ""),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let grant = id_from(&response);

    let (status, html) = browser.page(&log(&ours)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Record a moderation action"));
    let response = browser
        .post_form(
            &log(&ours),
            &action("follower_blocked", "2026-11-24", "friend_requests", NOTE),
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, html) = browser.page(&format!("/accounts/{ours}")).await;
    assert!(html.contains("See the whole moderation log"));
    assert!(html.contains(NOTE));

    // Not on an account they were never given.
    assert_eq!(browser.get(&log(&other)).await.status(), 403);
    assert_eq!(
        browser.get(&format!("{}.csv", log(&other))).await.status(),
        403
    );
    let refused = browser
        .post_form(
            &log(&other),
            &action("follower_blocked", "2026-11-24", "offensive", "Rude"),
        )
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let (_, html) = browser.page(&format!("/accounts/{other}")).await;
    assert!(!html.contains("See the whole moderation log"));

    // Nor on theirs once the grant is revoked.
    let response = app
        .post_form(
            &format!("/grants/{grant}/revoke"),
            &[("reason", "The trip is over")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(browser.get(&log(&ours)).await.status(), 403);
    let refused = browser
        .post_form(
            &log(&ours),
            &action("follower_blocked", "2026-11-24", "offensive", "Rude"),
        )
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let (_, html) = browser.page(&format!("/accounts/{ours}")).await;
    assert!(!html.contains(NOTE), "the log is out of their sight");
    assert_eq!(stored(&app), 1);
    app.email_to(&staff.email, "password change due").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chair_and_staff_without_a_grant_are_refused_and_the_head_is_not() {
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Slt).await;
    let account = app.open_account("Oakfield Primary").await;
    let response = app
        .post_form(
            &log(&account),
            &action(
                "post_reported",
                "2026-11-20",
                "photographs_of_children",
                NOTE,
            ),
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    for (name, role) in [("Margaret Ellis", Role::Chair), ("Tom Reed", Role::Staff)] {
        let (_, browser) = app.person_signed_in(name, role).await;
        assert_eq!(browser.get(&log(&account)).await.status(), 403, "{role:?}");
        assert_eq!(
            browser
                .get(&format!("{}.csv", log(&account)))
                .await
                .status(),
            403,
            "{role:?}"
        );
        let refused = browser
            .post_form(
                &log(&account),
                &action("post_reported", "2026-11-20", "offensive", "Mine"),
            )
            .await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{role:?}");
        let (status, html) = browser.page(&format!("/accounts/{account}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!html.contains("See the whole moderation log"), "{role:?}");
        assert!(!html.contains(NOTE), "{role:?}");
    }

    let (_, head) = app
        .person_signed_in("Helen Carter", Role::Headteacher)
        .await;
    let (status, html) = head.page(&log(&account)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(NOTE) && html.contains("Photographs of children"));
    let response = head
        .post_form(
            &log(&account),
            &action(
                "comment_removed",
                "2026-11-24",
                "identifying_children",
                "A surname",
            ),
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(stored(&app), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_filters_by_what_why_and_when_and_the_csv_has_the_same_rows() {
    let app = TestApp::spawn().await;
    let slt = app.sign_in_as(Role::Slt).await;
    let account = app.open_account("@Oakfield Primary").await;
    let advert = "Selling sunglasses in the replies";
    let swearing = "Swearing under the fair photo";
    let formula = "=HYPERLINK(1) in a reply";
    for (kind, on, reason, note) in [
        ("follower_blocked", "2026-11-02", "advertising", advert),
        ("comment_removed", "2026-11-16", "offensive", swearing),
        ("post_reported", "2026-11-20", "offensive", formula),
    ] {
        let response = app
            .post_form(&log(&account), &action(kind, on, reason, note))
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{note}");
    }

    // Newest first.
    let (_, html) = app.page(&log(&account)).await;
    let at = |text: &str| html.find(text).unwrap_or_else(|| panic!("{text}"));
    assert!(at(formula) < at(swearing) && at(swearing) < at(advert));

    let (status, html) = app
        .page(&format!("{}?reason=offensive", log(&account)))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(swearing) && html.contains(formula));
    assert!(!html.contains(advert));
    assert!(html.contains(r#"<option value="offensive" selected>"#));
    assert!(html.contains(&format!(
        "/accounts/{account}/moderation.csv?reason=offensive"
    )));

    let (_, html) = app
        .page(&format!(
            "{}?from=2026-11-10&until=2026-11-17",
            log(&account)
        ))
        .await;
    assert!(html.contains(swearing));
    assert!(!html.contains(formula) && !html.contains(advert));

    let (_, html) = app
        .page(&format!("{}?kind=follower_blocked", log(&account)))
        .await;
    assert!(html.contains(advert) && !html.contains(swearing));

    let (_, html) = app
        .page(&format!("{}?reason=photographs_of_children", log(&account)))
        .await;
    assert!(html.contains("No entries match the filter."));

    let (status, html) = app.page(&format!("{}?from=soon", log(&account))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Enter a date like 2026-11-24"));
    assert!(html.contains(advert), "a filter it cannot read is left out");

    // The CSV of a filter has its rows, and a formula is made plain text.
    let response = app
        .get(&format!(
            "/accounts/{account}/moderation.csv?reason=offensive"
        ))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "text/csv; charset=utf-8"
    );
    assert_eq!(
        response.headers()["content-disposition"].to_str().unwrap(),
        r#"attachment; filename="moderation-Oakfield-Primary.csv""#
    );
    let csv = csv_text(response).await;
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "occurred_on,kind,reason,note,recorded_by,recorded_at_utc"
    );
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(lines[1].starts_with(
        "2026-11-20,A post reported to the platform,Offensive content,'=HYPERLINK(1) in a reply,"
    ));
    assert!(lines[2].contains(swearing));
    assert!(lines[2].ends_with(&format!("{},2026-11-24T08:00:00.000000Z", slt.name)));

    let csv = app
        .get(&format!(
            "/accounts/{account}/moderation.csv?from=2026-11-10&until=2026-11-17"
        ))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(csv.lines().count(), 2, "{csv}");
    assert!(csv.contains(swearing));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_named_beside_each_field_with_the_entries_kept_and_nothing_stored() {
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Slt).await;
    let account = app.open_account("Oakfield Primary").await;

    let response = app
        .post_form(
            &log(&account),
            &action("deleted", "2026-11-25", "", "A note that is kept"),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    for message in [
        "Choose what was done",
        "The date cannot be in the future",
        "Choose the reason, from the community guidelines",
    ] {
        assert!(html.contains(message), "{message}");
    }
    assert!(
        html.contains(r##"<a href="#kind">"##),
        "the summary links to the field"
    );
    assert!(html.contains(r##"<a href="#occurred_on">"##));
    assert!(html.contains(r##"<a href="#reason">"##));
    assert!(html.contains(r#"value="2026-11-25""#), "the date is kept");
    assert!(
        html.contains(">A note that is kept</textarea>"),
        "the note is kept"
    );
    assert!(html.contains("<title>Error: "));

    let response = app
        .post_form(
            &log(&account),
            &action("comment_removed", "2026-11-24", "offensive", "  "),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("Say briefly what it was and what was done"));
    assert!(html.contains(r#"value="comment_removed" checked"#));
    assert!(html.contains(r#"value="offensive" checked"#));

    let response = app
        .post_form(
            &log(&account),
            &action("comment_removed", "2026-11-24", "other", ""),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("You chose “Other”: say in the note what the reason was"));

    let long = "a".repeat(501);
    let response = app
        .post_form(
            &log(&account),
            &action("comment_removed", "2026-11-24", "offensive", &long),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("Use 500 characters or fewer"));

    assert_eq!(stored(&app), 0);
    assert!(!app
        .audit_actions()
        .contains(&"moderation.recorded".to_owned()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_account_keeps_its_log_readable_but_takes_no_new_entries() {
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Slt).await;
    let account = app.open_account("Oakfield Primary").await;
    app.post_form(
        &log(&account),
        &action("follower_blocked", "2026-11-20", "advertising", NOTE),
    )
    .await;
    let response = app
        .post_form(
            &format!("/accounts/{account}/close"),
            &[("reason", "The school left Facebook")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    let (status, html) = app.page(&log(&account)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(NOTE));
    assert!(html.contains("This account is closed."));
    assert!(!html.contains(r#"name="note""#), "no form");

    let refused = app
        .post_form(
            &log(&account),
            &action("follower_blocked", "2026-11-24", "advertising", "Late"),
        )
        .await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert!(refused
        .text()
        .await
        .unwrap()
        .contains("nothing new can be recorded on it"));
    assert_eq!(stored(&app), 1);

    let (_, html) = app.page(&format!("/accounts/{account}")).await;
    assert!(html.contains("See the whole moderation log"));
    assert!(!html.contains("Record a moderation action"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_service_checks_who_records_and_counts_actions_by_reason_for_a_period() {
    use custodian::moderation::domain::NewAction;
    use custodian::moderation::{service, store};
    use time::macros::date;

    let app = TestApp::spawn().await;
    let slt = app.add_person("David Okafor", Role::Slt);
    let chair = app.add_person("Margaret Ellis", Role::Chair);
    let staff = app.add_person("Tom Reed", Role::Staff);
    let person = |p: &TestPerson| custodian::people::actor::Actor::Person {
        id: p.id,
        name: p.name.clone(),
        role: p.role,
    };
    let today = date!(2026 - 11 - 24);
    let mut conn = app.db.conn().unwrap();
    let account = {
        use custodian::accounts::{domain, service};
        let opener = custodian::people::store::get_person(&mut conn, slt.id).unwrap();
        let by = custodian::people::actor::Actor::person(&opener);
        let new = domain::NewAccount::parse(
            "x",
            "@OakfieldPS",
            "https://x.com/OakfieldPS",
            "News",
            None,
            today,
        );
        custodian::tx::write(&mut conn, &app.ctx(), &by, |tx| service::open(tx, new))
            .unwrap()
            .id
    };
    let new = |on: &str, reason: &str| {
        NewAction::parse("comment_removed", on, reason, "A note", today).unwrap()
    };
    for (on, reason) in [
        ("2026-10-31", "offensive"),
        ("2026-11-01", "offensive"),
        ("2026-11-02", "offensive"),
        ("2026-11-10", "advertising"),
        ("2026-11-24", "advertising"),
    ] {
        custodian::tx::write(&mut conn, &app.ctx(), &person(&slt), |tx| {
            service::record(tx, account, Ok(new(on, reason)))
        })
        .unwrap();
    }
    for refused in [&chair, &staff] {
        let result = custodian::tx::write(&mut conn, &app.ctx(), &person(refused), |tx| {
            service::record(tx, account, Ok(new("2026-11-03", "other")))
        });
        assert!(
            matches!(result, Err(custodian::error::AppError::Forbidden(_))),
            "{:?}",
            refused.role
        );
    }

    let counts =
        store::counts_by_reason(&mut conn, date!(2026 - 11 - 01), date!(2026 - 11 - 24)).unwrap();
    assert_eq!(
        counts,
        vec![("advertising".to_owned(), 1), ("offensive".to_owned(), 2)]
    );
    let none =
        store::counts_by_reason(&mut conn, date!(2026 - 12 - 01), date!(2027 - 01 - 01)).unwrap();
    assert!(none.is_empty());
}
