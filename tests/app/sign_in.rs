//! Signing in and out, and throttling.

use custodian::people::domain::Role;
use reqwest::StatusCode;

use crate::helpers::{TestApp, PASSWORD};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_newcomer_sets_up_the_head_and_signs_in() {
    let app = TestApp::spawn().await;
    // Given an empty database, start-up printed a one-time setup link.
    let link = app
        .setup_link
        .clone()
        .expect("a setup link on an empty database");
    let (status, html) = app.page(&link).await;
    assert_eq!(status, 200);
    assert!(html.contains("Set up Custodian"));
    let token = link.split("token=").nth(1).expect("token");

    // When the head fills it in with a mistake, every error shows beside its field.
    let response = app
        .post_form(
            "/setup",
            &[
                ("token", token),
                ("name", ""),
                ("email", "nope"),
                ("password", "short"),
                ("confirm", "short"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("Enter a full name"));
    assert!(html.contains("correct format"));
    assert!(html.contains("at least 12 characters"));
    assert!(html.contains(r#"value="nope""#), "entries are kept");

    // Then corrects it.
    let response = app
        .post_form(
            "/setup",
            &[
                ("token", token),
                ("name", "Helen Carter"),
                ("email", "head@oakfield.example"),
                ("password", PASSWORD),
                ("confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    // The link works once.
    let (status, html) = app.page(&link).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("This link no longer works"));

    // The head signs in and is greeted by name.
    let response = app.sign_in("head@oakfield.example", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (status, html) = app.page("/").await;
    assert_eq!(status, 200);
    assert!(html.contains("Hello, Helen Carter"));
    assert!(html.contains("Headteacher"));
    assert!(app.audit_actions().contains(&"person.created".to_owned()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer() {
    let app = TestApp::spawn().await;
    let staff = app.add_person("Tom Reed", Role::Staff);
    let wrong = app.sign_in(&staff.email, "not the password at all").await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let wrong = wrong.text().await.unwrap();
    let unknown = app
        .sign_in("nobody@oakfield.example", "not the password at all")
        .await;
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let unknown = unknown.text().await.unwrap();
    let message = "The email address or password is not right";
    assert!(wrong.contains(message) && unknown.contains(message));
    // Not signed in.
    let home = app.get("/").await;
    assert_eq!(home.status(), StatusCode::SEE_OTHER);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_failures_lock_the_account_even_against_the_right_password() {
    let app = TestApp::spawn().await;
    let staff = app.add_person("Tom Reed", Role::Staff);
    for _ in 0..5 {
        app.sign_in(&staff.email, "a wrong guess at it").await;
    }
    // The right password is refused while locked, and the person is told when.
    let response = app.sign_in(&staff.email, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("try again after 24 Nov 2026, 08:01"),
        "{html}"
    );
    // And emailed about it.
    let email = app
        .email_to(&staff.email, "Sign-in to Custodian paused")
        .await;
    assert!(email.text.contains("24 Nov 2026, 08:01"));
    assert!(app.audit_actions().contains(&"sign_in.locked".to_owned()));

    // After a minute the right password works.
    app.clock.advance(time::Duration::seconds(61));
    let response = app.sign_in(&staff.email, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_further_failure_doubles_the_lock() {
    let app = TestApp::spawn().await;
    let staff = app.add_person("Tom Reed", Role::Staff);
    for _ in 0..5 {
        app.sign_in(&staff.email, "a wrong guess at it").await;
    }
    app.clock.advance(time::Duration::seconds(61));
    // A sixth failure locks for two minutes.
    app.sign_in(&staff.email, "another wrong guess").await;
    app.clock.advance(time::Duration::seconds(61));
    let response = app.sign_in(&staff.email, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    app.clock.advance(time::Duration::seconds(60));
    let response = app.sign_in(&staff.email, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    app.mail.wait_for_count(2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_email_is_locked_just_like_a_known_one() {
    let app = TestApp::spawn().await;
    for _ in 0..5 {
        app.sign_in("nobody@oakfield.example", "a wrong guess at it")
            .await;
    }
    let html = app
        .sign_in("nobody@oakfield.example", "a wrong guess at it")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Signing in to this account is paused"));
    app.run_scheduled_work().await;
    assert!(app.mail.received().is_empty(), "nobody to email");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_many_attempts_from_one_address_are_refused() {
    let app = TestApp::spawn().await;
    let mut last = StatusCode::OK;
    for n in 0..12 {
        let email = format!("guess{n}@oakfield.example");
        last = app.sign_in(&email, "a wrong guess at it").await.status();
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_ends_the_session_even_for_a_copied_cookie() {
    let app = TestApp::spawn().await;
    let person = app.add_person("Tom Reed", Role::Staff);
    let response = app.sign_in(&person.email, PASSWORD).await;
    // An attacker copies the session cookie.
    let copied = session_cookie(&response);
    let replay = || async {
        app.new_client()
            .get(app.url("/"))
            .header("cookie", copied.clone())
            .send()
            .await
            .unwrap()
            .status()
    };
    assert_eq!(
        replay().await,
        StatusCode::OK,
        "the copy works while signed in"
    );

    let response = app.post_form("/logout", &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page("/login").await;
    assert!(html.contains("You have signed out"));
    assert_eq!(
        replay().await,
        StatusCode::SEE_OTHER,
        "the session is gone on the server"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_out_role_change_and_deactivation_end_a_busy_session_at_once_on_every_instance() {
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Headteacher).await;
    let second = app.spawn_second_instance().await;
    let staff = app.add_person("Tom Reed", Role::Staff);
    let on_second = |browser: &crate::helpers::Visitor| crate::helpers::Visitor {
        address: second.clone(),
        client: browser.client.clone(),
    };
    // Busy: signed in on one instance, just active on the other.
    let busy = || async {
        let browser = TestApp::spawn_client(&app);
        assert_eq!(
            browser.sign_in(&staff.email, PASSWORD).await.status(),
            StatusCode::SEE_OTHER
        );
        let elsewhere = on_second(&browser);
        app.clock.advance(time::Duration::minutes(6));
        assert_eq!(elsewhere.get("/").await.status(), StatusCode::OK);
        app.clock.advance(time::Duration::minutes(1));
        assert_eq!(elsewhere.get("/").await.status(), StatusCode::OK);
        (browser, elsewhere)
    };

    let (browser, elsewhere) = busy().await;
    let response = browser.post_form("/logout", &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(elsewhere.get("/").await.status(), StatusCode::SEE_OTHER);

    let (_, elsewhere) = busy().await;
    let response = app
        .post_form(&format!("/people/{}/role", staff.id), &[("role", "slt")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(elsewhere.get("/").await.status(), StatusCode::SEE_OTHER);

    let (_, elsewhere) = busy().await;
    let response = app
        .post_form(&format!("/people/{}/deactivate", staff.id), &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(elsewhere.get("/").await.status(), StatusCode::SEE_OTHER);
}

/// The `name=value` of the session cookie a response set.
pub fn session_cookie(response: &reqwest::Response) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("custodian_session="))
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
        .expect("a session cookie")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_session_cookie_is_http_only_and_same_site() {
    let app = TestApp::spawn().await;
    let person = app.add_person("Tom Reed", Role::Staff);
    let response = app.sign_in(&person.email, PASSWORD).await;
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("custodian_session="))
        .expect("a session cookie")
        .to_owned();
    assert!(cookie.contains("HttpOnly"));
    assert!(cookie.contains("SameSite=Lax"));
    assert!(
        !cookie.contains("Secure"),
        "plain http in tests: not Secure"
    );
}
