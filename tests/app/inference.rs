//! What a reader could work out from what is missing: nothing about a
//! concern sealed from them. Found by trying, as the head and the chair,
//! to learn of concerns they must not know exist.

use custodian::db::schema::{audit_events, outbox};
use custodian::people::domain::Role;
use diesel::prelude::*;
use reqwest::StatusCode;

use crate::helpers::{csv_text, TestApp};
use crate::sealed::{about, raise_as};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_heads_audit_export_carries_no_chain_hash_that_would_show_a_gap() {
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Headteacher).await;
    app.add_person("Margaret Ellis", Role::Chair);
    let (_, tom) = app.person_signed_in("Tom Reed", Role::Staff).await;
    raise_as(&tom, about("head")).await;
    raise_as(&tom, about("community")).await;

    let export = csv_text(app.get("/audit/export.csv").await).await;
    assert!(export.contains("raised concern C-1"), "{export}");
    let hashes: Vec<String> = {
        let mut conn = app.db.conn().unwrap();
        audit_events::table
            .select(audit_events::hash)
            .load(&mut conn)
            .unwrap()
    };
    assert!(hashes.len() > 3);
    for hash in hashes {
        assert!(
            !export.contains(&hash),
            "a chain hash in the head's export lets them count the events left out"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chairs_report_counts_concerns_about_the_head_but_not_those_sent_to_the_lado() {
    let app = TestApp::spawn().await;
    let chair = app.add_person("Margaret Ellis", Role::Chair);
    let chair_browser = TestApp::spawn_client(&app);
    chair_browser
        .sign_in(&chair.email, crate::helpers::PASSWORD)
        .await;
    let (_, tom) = app.person_signed_in("Tom Reed", Role::Staff).await;
    let count = || async {
        let report = csv_text(chair_browser.get("/reports/governors.csv").await).await;
        let line = report
            .lines()
            .find(|l| l.contains("About the headteacher (the chair's copy only)"))
            .unwrap_or_else(|| panic!("the chair's line: {report}"))
            .to_owned();
        line.rsplit(',').next().unwrap().to_owned()
    };
    assert_eq!(count().await, "0");
    raise_as(&tom, about("head and chair")).await;
    assert_eq!(
        count().await,
        "0",
        "a concern that implicates the chair is not the chair's to count"
    );
    raise_as(&tom, about("head")).await;
    assert_eq!(count().await, "1");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_head_cannot_send_again_an_email_sealed_from_them() {
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Headteacher).await;
    let chair = app.add_person("Margaret Ellis", Role::Chair);
    let (_, tom) = app.person_signed_in("Tom Reed", Role::Staff).await;
    raise_as(&tom, about("head")).await;
    app.email_to(&chair.email, "A concern has been raised with you")
        .await;
    let sent_to_chair = || {
        let mut conn = app.db.conn().unwrap();
        outbox::table
            .filter(outbox::kind.like("sealed_concern%"))
            .filter(outbox::recipients.like(format!("%{}%", chair.email)))
            .filter(outbox::status.eq("sent"))
            .select(outbox::id)
            .first::<String>(&mut conn)
            .optional()
            .unwrap()
    };
    let mut id = sent_to_chair();
    for _ in 0..200 {
        if id.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        id = sent_to_chair();
    }
    let sealed: String = {
        let id = id.expect("the chair's email marked sent");
        let mut conn = app.db.conn().unwrap();
        // As if the mail server had refused it for good.
        diesel::update(outbox::table.find(&id))
            .set(outbox::status.eq("failed"))
            .execute(&mut conn)
            .unwrap();
        id
    };
    let response = app.post_form(&format!("/emails/{sealed}/retry"), &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let mut conn = app.db.conn().unwrap();
    let status: String = outbox::table
        .find(&sealed)
        .select(outbox::status)
        .first(&mut conn)
        .unwrap();
    assert_eq!(status, "failed", "the head's retry touched a sealed email");
    // Put back as the mail server left it, for the teardown's unsent check.
    diesel::update(outbox::table.find(&sealed))
        .set(outbox::status.eq("sent"))
        .execute(&mut conn)
        .unwrap();
    let (_, audit) = app.page("/audit").await;
    assert!(!audit.contains("asked for a failed email to be sent again"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_name_or_handle_that_would_show_reversed_is_refused_beside_the_field() {
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Headteacher).await;
    let response = app
        .post_form(
            "/people/new",
            &[
                ("name", "Evil \u{202E}gnp.exe"),
                ("email", "evil@example.org"),
                ("role", "staff"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("Remove the invisible control characters"));
    let response = app
        .post_form(
            "/accounts/new",
            &[
                ("platform", "facebook"),
                ("handle", "@school\u{2066}official"),
                ("profile_url", "https://www.facebook.com/oakfield.example"),
                ("purpose", "News"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_that_is_not_text_is_refused_and_nothing_is_saved_other_than_as_sent() {
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Slt).await;
    let token = app.csrf_token().await;
    let before = app.audit_actions().len();
    // "\xED\xB3\xBF" is half of a surrogate pair: no UTF-8 decoder takes it.
    let body = format!(
        "csrf_token={token}&platform=facebook&handle=a%ED%B3%BFb&\
         profile_url=https%3A%2F%2Fwww.facebook.com%2Fx&purpose=News"
    );
    let response = app
        .client
        .post(format!("{}/accounts/new", app.address))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("not text, so nothing was saved"));
    assert_eq!(app.audit_actions().len(), before, "nothing was recorded");
}
