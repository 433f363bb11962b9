//! Headers, CSRF, timeouts and hostile input.

use custodian::people::domain::Role;
use reqwest::StatusCode;

use crate::helpers::{TestApp, PASSWORD};

fn assert_security_headers(response: &reqwest::Response) {
    let h = response.headers();
    let csp = h
        .get("content-security-policy")
        .expect("CSP")
        .to_str()
        .unwrap();
    assert!(
        csp.contains("default-src 'none'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"));
    assert_eq!(h.get("x-content-type-options").unwrap(), "nosniff");
    assert_eq!(h.get("x-frame-options").unwrap(), "DENY");
    assert!(h.get("referrer-policy").is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_carries_the_security_headers_error_pages_included() {
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Staff).await;
    for path in ["/", "/login", "/no/such/page", "/people", "/healthz"] {
        let response = app.get(path).await;
        assert_security_headers(&response);
    }
    let signed_in = app.get("/").await;
    assert_eq!(
        signed_in.headers().get("cache-control").unwrap(),
        "no-store"
    );
    let refused = app.get("/people").await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let html = refused.text().await.unwrap();
    assert!(html.contains("You cannot do this"));
    assert!(html.contains("quote this reference"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_without_a_valid_csrf_token_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Headteacher).await;
    let fields = [
        ("name", "Eve Intruder"),
        ("email", "eve@oakfield.example"),
        ("role", "staff"),
    ];
    let response = app.post_raw("/people/new", &fields).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let mut forged = fields.to_vec();
    forged.push(("csrf_token", "forged-token"));
    let response = app.post_raw("/people/new", &forged).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let (_, html) = app.page("/people").await;
    assert!(!html.contains("Eve Intruder"));
    // Sign-out needs the token too.
    assert_eq!(
        app.post_raw("/logout", &[]).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.get("/").await.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_ends_after_thirty_idle_minutes() {
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Staff).await;
    app.clock.advance(time::Duration::minutes(29));
    assert_eq!(app.get("/").await.status(), 200);
    app.clock.advance(time::Duration::minutes(29));
    assert_eq!(app.get("/").await.status(), 200, "activity keeps it alive");
    app.clock.advance(time::Duration::minutes(31));
    let response = app.get("/").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(response
        .headers()
        .get("location")
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("/login"));
}

/// The stylesheet and the health checks never touch the session: they do
/// not keep it alive, and set no cookie.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stylesheet_and_health_checks_do_not_keep_a_session_alive() {
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Staff).await;
    // Only the stylesheet and the checks, with the session cookie, for 29
    // minutes after signing in.
    for minutes in [10, 10, 9] {
        app.clock.advance(time::Duration::minutes(minutes));
        for path in ["/static/app.css", "/healthz", "/readyz"] {
            let response = app.get(path).await;
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            assert!(
                response.headers().get("set-cookie").is_none(),
                "{path} sets no cookie"
            );
            assert_eq!(
                response.headers()["x-content-type-options"],
                "nosniff",
                "{path} keeps the security headers"
            );
        }
    }
    // 31 minutes after the last page: signed out.
    app.clock.advance(time::Duration::minutes(2));
    let response = app.get("/").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(response.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("/login"));
}

/// The expiry of this app's only session, as stored.
fn session_expiry(app: &TestApp) -> time::PrimitiveDateTime {
    use custodian::db::schema::web_sessions;
    use diesel::prelude::*;
    web_sessions::table
        .select(web_sessions::expires_at)
        .get_result(&mut *app.db.conn().unwrap())
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn someone_active_every_few_minutes_stays_signed_in_past_thirty_minutes() {
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Staff).await;
    assert_eq!(app.get("/").await.status(), 200);
    for _ in 0..15 {
        app.clock.advance(time::Duration::minutes(4));
        assert_eq!(app.get("/").await.status(), 200, "an hour of work");
    }
    // The expiry is written back at most every five minutes, not on
    // every page.
    app.clock.advance(time::Duration::minutes(6));
    assert_eq!(app.get("/").await.status(), 200);
    let written = session_expiry(&app);
    app.clock.advance(time::Duration::minutes(1));
    assert_eq!(app.get("/").await.status(), 200);
    assert_eq!(
        session_expiry(&app),
        written,
        "a minute later: not rewritten"
    );
    app.clock.advance(time::Duration::minutes(5));
    assert_eq!(app.get("/").await.status(), 200);
    assert_eq!(
        session_expiry(&app),
        written + time::Duration::minutes(6),
        "thirty minutes from the last page"
    );
    // Idle for 31 minutes after the last page: signed out.
    app.clock.advance(time::Duration::minutes(31));
    assert_eq!(app.get("/").await.status(), StatusCode::SEE_OTHER);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_ends_twelve_hours_after_sign_in_however_active() {
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Staff).await;
    for _ in 0..(12 * 3 - 1) {
        app.clock.advance(time::Duration::minutes(20));
        assert_eq!(app.get("/").await.status(), 200);
    }
    app.clock.advance(time::Duration::minutes(21));
    assert_eq!(app.get("/").await.status(), StatusCode::SEE_OTHER);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_session_id_is_renewed_at_sign_in() {
    let app = TestApp::spawn().await;
    let person = app.add_person("Tom Reed", Role::Staff);
    let before = app.get("/login").await;
    assert!(
        before
            .headers()
            .get_all("set-cookie")
            .iter()
            .all(|v| !v.to_str().unwrap().starts_with("custodian_session=")),
        "no session before sign-in, so none to fixate"
    );
    let first = app.sign_in(&person.email, PASSWORD).await;
    let anonymous = crate::sign_in::session_cookie(&first);
    let after = app.sign_in(&person.email, PASSWORD).await;
    let signed_in = crate::sign_in::session_cookie(&after);
    assert_ne!(anonymous, signed_in);
    // The earlier session id does not carry the new sign-in.
    let replay = app
        .new_client()
        .get(app.url("/"))
        .header("cookie", anonymous)
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), StatusCode::SEE_OTHER);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_and_oversized_input_never_produces_a_500() {
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Headteacher).await;
    let token = app.csrf_token().await;
    let huge = "x".repeat(200 * 1024);
    let cases: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("/people/new", vec![("csrf_token", &token), ("name", &huge)]),
        (
            "/people/new",
            vec![
                ("csrf_token", &token),
                ("name", "\u{0}\u{202e}"),
                ("email", "a@b"),
                ("role", "'; DROP TABLE people;--"),
            ],
        ),
        (
            "/people/not-an-id/role",
            vec![("csrf_token", &token), ("role", "staff")],
        ),
        (
            "/login",
            vec![
                ("csrf_token", &token),
                ("email", &huge),
                ("password", &huge),
            ],
        ),
        (
            "/password/reset",
            vec![
                ("csrf_token", &token),
                ("email", "<script>alert(1)</script>"),
            ],
        ),
    ];
    for (path, fields) in cases {
        let status = app.post_raw(path, &fields).await.status();
        assert!(
            status.is_client_error() || status.is_redirection(),
            "{path}: {status}"
        );
    }
    let raw = app
        .client
        .post(app.url("/people/new"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(vec![0xff, 0xfe, b'=', 0x80])
        .send()
        .await
        .unwrap();
    assert!(raw.status().is_client_error());
    for path in [
        "/audit?from=yesterday&before=abc",
        "/audit?action=nonsense",
        "/emails?page=-5",
        "/people/%00",
    ] {
        let status = app.get(path).await.status();
        assert!(status.as_u16() < 500, "{path}: {status}");
    }
    let (_, html) = app.page("/audit?action=nonsense").await;
    assert!(html.contains("Choose an action from the list"));
    let escaped = app
        .post_form("/password/reset", &[("email", "<script>x</script>")])
        .await;
    assert!(!escaped.text().await.unwrap().contains("<script>x"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_https_cookies_are_secure_and_hsts_is_sent() {
    let app = TestApp::spawn_configured(crate::helpers::Smtp::Running, |settings| {
        settings.base_url = url::Url::parse("https://custodian.oakfield.example").unwrap();
        settings.base_url_explicit = true;
    })
    .await;
    let person = app.add_person("Tom Reed", Role::Staff);
    let response = app.get("/login").await;
    let hsts = response
        .headers()
        .get("strict-transport-security")
        .expect("HSTS");
    assert!(hsts.to_str().unwrap().starts_with("max-age="));
    let token = crate::helpers::csrf_in(&response.text().await.unwrap()).unwrap();
    // The test speaks plain http to the app, so the Secure cookie is not sent
    // back; the header is what a browser would get.
    let response = app
        .post_raw(
            "/login",
            &[
                ("csrf_token", &token),
                ("email", &person.email),
                ("password", PASSWORD),
            ],
        )
        .await;
    let cookies: Vec<String> = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    let session = cookies
        .iter()
        .find(|c| c.starts_with("__Host-custodian_session="))
        .expect("a session cookie at sign-in");
    assert!(
        session.contains("Secure") && session.contains("HttpOnly"),
        "{session}"
    );
    let plain = TestApp::spawn().await;
    assert!(plain
        .get("/login")
        .await
        .headers()
        .get("strict-transport-security")
        .is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_address_whose_id_is_not_one_is_not_found_but_a_concerns_is_forbidden() {
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Headteacher).await;
    for path in [
        "/people/not-an-id",
        "/accounts/not-an-id",
        "/accounts/not-an-id/moderation",
        "/grants/not-an-id",
        "/emails/not-an-id",
    ] {
        assert_eq!(app.page(path).await.0, StatusCode::NOT_FOUND, "{path}");
    }
    // SECURITY: a concern that is not one looks like one the head may not see.
    for path in ["/concerns/not-an-id", "/concerns/not-an-id/evidence/x"] {
        assert_eq!(app.page(path).await.0, StatusCode::FORBIDDEN, "{path}");
    }
    let noted = app
        .post_form("/concerns/not-an-id/notes", &[("note_text", "x")])
        .await;
    assert_eq!(noted.status(), StatusCode::FORBIDDEN);
}
