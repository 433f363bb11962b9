//! The email outbox: a down or refusing mail server delays mail, never
//! loses it; each message arrives once with its stable Message-ID.

use std::collections::HashSet;

use custodian::people::domain::Role;
use reqwest::StatusCode;

use crate::helpers::{Smtp, TestApp};

async fn invite(app: &TestApp, names: &[&str]) {
    for name in names {
        let email = format!("{}@oakfield.example", name.to_lowercase().replace(' ', "."));
        let response = app
            .post_form(
                "/people/new",
                &[("name", name), ("email", &email), ("role", "staff")],
            )
            .await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "pages never wait for SMTP"
        );
    }
}

async fn wait_until(app: &TestApp, pred: impl Fn(&[(String, String)]) -> bool) {
    for _ in 0..200 {
        if pred(&app.outbox_statuses()) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!(
        "outbox never reached the state: {:?}",
        app.outbox_statuses()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_no_mail_server_configured_mail_is_held_and_shown() {
    let app = TestApp::spawn_with(Smtp::Unset).await;
    app.sign_in_as(Role::Headteacher).await;
    invite(&app, &["Ann Able"]).await;
    assert_eq!(app.outbox_statuses()[0].1, "held");
    let (_, html) = app.page("/emails").await;
    assert!(html.contains("No mail server is configured"));
    assert!(html.contains("You have been invited to Custodian"));
    assert!(html.contains("held"));

    // The head reads the email, but never its live one-time link.
    let id: String = {
        use custodian::db::schema::outbox;
        use diesel::prelude::*;
        outbox::table
            .select(outbox::id)
            .first(&mut *app.db.conn().unwrap())
            .unwrap()
    };
    let (_, html) = app.page(&format!("/emails/{id}")).await;
    assert!(html.contains("Choose your password"));
    assert!(html.contains("token=[made when sent, never stored]"));
    assert!(!regex::Regex::new("token=[A-Za-z0-9]{20,}")
        .unwrap()
        .is_match(&html));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_waits_out_a_down_server_and_arrives_once_when_it_is_back() {
    let app = TestApp::spawn_with(Smtp::NotStarted).await;
    app.sign_in_as(Role::Headteacher).await;
    invite(&app, &["Ann Able", "Ben Best", "Cat Cole"]).await;
    wait_until(&app, |rows| rows.iter().all(|(_, s)| s == "retrying")).await;

    let (_, html) = app.page("/emails").await;
    assert!(html.contains("retrying"));
    assert!(
        html.contains("Connection refused") || html.contains("connection"),
        "the error is recorded"
    );

    // The server comes back; the retry falls due.
    app.mail.start();
    app.clock.advance(time::Duration::minutes(2));
    let received = app.mail.wait_for_count(3).await;
    assert_eq!(received.len(), 3);
    wait_until(&app, |rows| rows.iter().all(|(_, s)| s == "sent")).await;
    let stored: HashSet<String> = app
        .outbox_statuses()
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let arrived: HashSet<String> = received
        .iter()
        .map(|m| format!("<{}>", m.message_id))
        .collect();
    assert_eq!(
        stored, arrived,
        "the stored Message-IDs are the ones that arrived"
    );
    // Nothing more arrives later: each message once.
    app.clock.advance(time::Duration::hours(2));
    app.run_scheduled_work().await;
    assert_eq!(app.mail.received().len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusing_server_delays_mail_with_the_reason_recorded() {
    let app = TestApp::spawn().await;
    app.mail.refuse(true);
    app.sign_in_as(Role::Headteacher).await;
    invite(&app, &["Ann Able"]).await;
    wait_until(&app, |rows| rows.iter().all(|(_, s)| s == "retrying")).await;
    let (_, list) = app.page("/emails").await;
    assert!(list.contains("421"), "the server's refusal is shown");

    app.mail.refuse(false);
    app.clock.advance(time::Duration::seconds(20));
    app.email_to("ann.able@oakfield.example", "invited").await;
    app.run_scheduled_work().await;
    assert_eq!(app.mail.received().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_that_keeps_failing_is_marked_failed_and_the_head_can_retry_it() {
    let app = TestApp::spawn_with(Smtp::NotStarted).await;
    let head = app.sign_in_as(Role::Headteacher).await;
    invite(&app, &["Ann Able"]).await;
    for _ in 0..40 {
        app.clock.advance(time::Duration::hours(1));
        tokio::time::sleep(std::time::Duration::from_millis(80)).await;
        if app.outbox_statuses()[0].1 == "failed" {
            break;
        }
    }
    assert_eq!(app.outbox_statuses()[0].1, "failed");
    // A day has passed: the head signs in again.
    app.sign_in(&head.email, crate::helpers::PASSWORD).await;
    let id: String = {
        use custodian::db::schema::outbox;
        use diesel::prelude::*;
        outbox::table
            .select(outbox::id)
            .first(&mut *app.db.conn().unwrap())
            .unwrap()
    };
    let (_, html) = app.page(&format!("/emails/{id}")).await;
    assert!(html.contains("Try sending again"));
    assert!(
        html.matches("<li>").count() >= 30,
        "every attempt is listed"
    );

    app.mail.start();
    let response = app.post_form(&format!("/emails/{id}/retry"), &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    app.email_to("ann.able@oakfield.example", "invited").await;
    assert!(app.audit_actions().contains(&"email.retried".to_owned()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_postgres_send_each_message_once_and_keep_one_chain() {
    let app = TestApp::spawn_with(Smtp::NotStarted).await;
    if !app.on_postgres() {
        eprintln!("skipped: several instances share a database only on PostgreSQL (set CUSTODIAN_TEST_POSTGRES_URL)");
        app.mail.start();
        return;
    }
    let second = app.spawn_second_instance().await;
    let people: Vec<_> = (0..12)
        .map(|n| app.add_person(&format!("Staff Member {n}"), Role::Staff))
        .collect();
    // Requests spread over both instances, each appending to the one chain
    // and queueing an email.
    let requests = people.iter().enumerate().map(|(n, person)| {
        let base = if n % 2 == 0 {
            app.address.clone()
        } else {
            second.clone()
        };
        let email = person.email.clone();
        async move {
            let client = reqwest::Client::builder()
                .cookie_store(true)
                .build()
                .unwrap();
            let page = client
                .get(format!("{base}/password/reset"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            let token = crate::helpers::csrf_in(&page).unwrap();
            client
                .post(format!("{base}/password/reset"))
                .form(&[("csrf_token", token), ("email", email)])
                .send()
                .await
                .unwrap()
                .status()
        }
    });
    let statuses = futures_util::future::join_all(requests).await;
    assert!(statuses.iter().all(|s| s.is_success()), "{statuses:?}");
    // Both senders now compete for the same queue.
    app.mail.start();
    // Time moves on until every retry has fallen due.
    for _ in 0..100 {
        if app.mail.received().len() >= 12 {
            break;
        }
        app.clock.advance(time::Duration::seconds(20));
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let received = app.mail.received();
    // Both senders have attempted everything due: anything sent twice has
    // arrived twice by now.
    app.run_scheduled_work().await;
    let ids: Vec<String> = app
        .mail
        .received()
        .iter()
        .map(|m| m.message_id.clone())
        .collect();
    let unique: HashSet<&String> = ids.iter().collect();
    assert_eq!(received.len(), 12);
    assert_eq!(unique.len(), ids.len(), "no message was sent twice");
    let mut conn = app.db.conn().unwrap();
    assert!(custodian::audit::service::verify_chain(&mut conn)
        .unwrap()
        .ok());
}
