//! Invitations, password resets and password changes.

use custodian::people::domain::Role;
use reqwest::StatusCode;

use crate::helpers::{link_in, TestApp, PASSWORD};

const NEW_PASSWORD: &str = "another long passphrase for tests";

fn token_of(link: &str) -> String {
    link.split("token=").nth(1).expect("a token").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invited_member_of_staff_chooses_a_password_from_the_email() {
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Headteacher).await;
    app.invite_amira().await;

    let email = app
        .email_to("amira@oakfield.example", "You have been invited")
        .await;
    assert!(email.subject.starts_with("Oakfield Primary School:"));
    assert!(email.text.contains("Helen Carter has added you"));
    assert!(!email.html.is_empty(), "an HTML twin");
    let link = link_in(&email, &app);
    assert!(link.contains("/invitation?token="));

    let visitor = TestApp::spawn_client(&app);
    let (status, html) = visitor.page(&link).await;
    assert_eq!(status, 200);
    assert!(html.contains("Choose your password"));
    let response = visitor
        .choose_password("/invitation", &token_of(&link))
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = visitor.sign_in("amira@oakfield.example", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, html) = visitor.page("/").await;
    assert!(html.contains("Hello, Amira Hussain"));

    // The link works once.
    let (status, _) = visitor.page(&link).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forgotten_password_is_reset_through_a_single_use_emailed_link() {
    let app = TestApp::spawn().await;
    let staff = app.add_person("Tom Reed", Role::Staff);
    // Signed in elsewhere, on another device.
    let other_device = TestApp::spawn_client(&app);
    assert_eq!(
        other_device.sign_in(&staff.email, PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );

    let response = app
        .post_form("/password/reset", &[("email", &staff.email)])
        .await;
    assert_eq!(response.status(), 200);
    assert!(response.text().await.unwrap().contains("Check your email"));
    let email = app
        .email_to(&staff.email, "Reset your Custodian password")
        .await;
    assert!(email.text.contains("expires in 1 hour"));
    let link = link_in(&email, &app);

    let response = app
        .post_form(
            "/password/reset/choose",
            &[
                ("token", &token_of(&link)),
                ("password", NEW_PASSWORD),
                ("confirm", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    // The old password no longer works; the new one does.
    assert_eq!(
        app.sign_in(&staff.email, PASSWORD).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        app.sign_in(&staff.email, NEW_PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    // The session on the other device ended.
    assert_eq!(other_device.get("/").await.status(), StatusCode::SEE_OTHER);
    // Used once, the link is dead.
    let response = app
        .choose_password("/password/reset/choose", &token_of(&link))
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_link_expires_after_an_hour() {
    let app = TestApp::spawn().await;
    let staff = app.add_person("Tom Reed", Role::Staff);
    app.post_form("/password/reset", &[("email", &staff.email)])
        .await;
    let link = link_in(&app.email_to(&staff.email, "Reset").await, &app);
    app.clock.advance(time::Duration::minutes(61));
    let (status, html) = app.page(&link).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("This link no longer works"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_for_an_unknown_address_looks_the_same_and_sends_nothing() {
    let app = TestApp::spawn().await;
    let staff = app.add_person("Tom Reed", Role::Staff);
    let known = app
        .post_form("/password/reset", &[("email", &staff.email)])
        .await;
    let unknown = app
        .post_form(
            "/password/reset",
            &[("email", "stranger@elsewhere.example")],
        )
        .await;
    assert_eq!(known.status(), unknown.status());
    let strip = |html: String| {
        regex::Regex::new(r#"value="[^"]*""#)
            .unwrap()
            .replace_all(&html, "")
            .into_owned()
    };
    assert_eq!(
        strip(known.text().await.unwrap()),
        strip(unknown.text().await.unwrap())
    );
    app.email_to(&staff.email, "Reset").await;
    app.run_scheduled_work().await;
    assert_eq!(app.mail.received().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changing_a_password_checks_the_current_one_and_ends_other_sessions() {
    let app = TestApp::spawn().await;
    let me = app.sign_in_as(Role::Staff).await;
    let other_device = TestApp::spawn_client(&app);
    other_device.sign_in(&me.email, PASSWORD).await;

    let response = app
        .post_form(
            "/password",
            &[
                ("current", "not my password at all"),
                ("password", "password1234"),
                ("confirm", "x"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("Your current password is not right"));
    assert!(html.contains("most commonly used passwords"));

    let response = app
        .post_form(
            "/password",
            &[
                ("current", PASSWORD),
                ("password", NEW_PASSWORD),
                ("confirm", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    // This browser stays signed in, under a new session; the other is out.
    assert_eq!(app.get("/").await.status(), 200);
    assert_eq!(other_device.get("/").await.status(), StatusCode::SEE_OTHER);
    assert!(app
        .audit_actions()
        .contains(&"person.password_changed".to_owned()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guessing_the_current_password_locks_the_account_and_signs_everyone_out() {
    let app = TestApp::spawn().await;
    let staff = app.sign_in_as(Role::Staff).await;
    let other_device = TestApp::spawn_client(&app);
    other_device.sign_in(&staff.email, PASSWORD).await;
    for n in 1..5 {
        assert_eq!(
            guess(&app, n).await.status(),
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
    // The fifth wrong guess locks the account, as at sign-in.
    let response = guess(&app, 5).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/login");
    let (_, html) = app.page("/login").await;
    assert!(html.contains("Too many wrong passwords: you have been signed out"));
    for device in [app.get("/").await, other_device.get("/").await] {
        assert_eq!(device.status(), StatusCode::SEE_OTHER);
        assert!(device.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/login"));
    }
    // Locked even with the right password, and the person is told by email.
    let response = app.sign_in(&staff.email, PASSWORD).await;
    assert_ne!(
        response
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap()),
        Some("/")
    );
    app.email_to(&staff.email, "Sign-in to Custodian paused")
        .await;
}

async fn guess(app: &TestApp, n: usize) -> reqwest::Response {
    let current = format!("a wrong guess number {n}");
    app.post_form(
        "/password",
        &[
            ("current", current.as_str()),
            ("password", NEW_PASSWORD),
            ("confirm", NEW_PASSWORD),
        ],
    )
    .await
}
