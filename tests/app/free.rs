//! Nothing for free, and every answer a proper answer: no session for
//! anyone not signed in, slow bodies cut off, control characters refused
//! beside the field on every form, bounded paging, body limits that hold
//! every form, and error pages with their reference and headers whatever
//! raised them.

use std::time::Duration;

use custodian::people::domain::Role;
use diesel::prelude::*;
use reqwest::multipart::Form;
use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{csrf_in, id_from, Smtp, TestApp, Visitor, PASSWORD};

/// The words beside a field with control characters.
const CONTROL: &str = "Remove the invisible control characters from this field";

fn sessions(app: &TestApp) -> i64 {
    use custodian::db::schema::web_sessions;
    web_sessions::table
        .count()
        .get_result(&mut *app.db.conn().unwrap())
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nobody_signed_out_leaves_a_session_row_behind() {
    let app = TestApp::spawn().await;
    let person = app.add_person("Tom Reed", Role::Staff);
    let visitor = TestApp::spawn_client(&app);
    let stranger = app.new_client();

    for round in 0..40 {
        assert_eq!(visitor.get("/login").await.status(), StatusCode::OK);
        assert_eq!(
            visitor.get("/no/such/page").await.status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(visitor.get("/healthz").await.status(), StatusCode::OK);
        assert_eq!(visitor.get("/people").await.status(), StatusCode::SEE_OTHER);
        // A cookieless client each time, as a flood would be.
        let refused = stranger
            .post(app.url("/login"))
            .form(&[("email", "x@oakfield.example"), ("password", "wrong")])
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "no token");
        if round < 3 {
            let failed = visitor
                .post_form(
                    "/login",
                    &[
                        ("email", "nobody@oakfield.example"),
                        ("password", "wrong one"),
                    ],
                )
                .await;
            assert_eq!(failed.status(), StatusCode::UNPROCESSABLE_ENTITY);
        }
    }
    assert_eq!(sessions(&app), 0, "no session before sign-in");

    let signed_in = visitor.sign_in(&person.email, PASSWORD).await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    assert_eq!(sessions(&app), 1, "the session begins at sign-in");
    let (status, html) = visitor.page("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Tom Reed"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_in_without_its_forms_token_is_refused() {
    let app = TestApp::spawn().await;
    let person = app.add_person("Tom Reed", Role::Staff);
    let visitor = TestApp::spawn_client(&app);
    let other = TestApp::spawn_client(&app);
    let (_, html) = other.page("/login").await;
    let others_token = csrf_in(&html).unwrap();
    let (_, html) = visitor.page("/login").await;
    let token = csrf_in(&html).unwrap();

    let post = |fields: Vec<(&'static str, String)>| {
        let client = visitor.client.clone();
        let url = app.url("/login");
        async move { client.post(url).form(&fields).send().await.unwrap() }
    };
    let email = || ("email", person.email.clone());
    let password = || ("password", PASSWORD.to_owned());

    let none = post(vec![email(), password()]).await;
    assert_eq!(none.status(), StatusCode::FORBIDDEN);
    let wrong = post(vec![
        ("csrf_token", "1999999999.00ff".into()),
        email(),
        password(),
    ])
    .await;
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    let anothers = post(vec![("csrf_token", others_token), email(), password()]).await;
    assert_eq!(
        anothers.status(),
        StatusCode::FORBIDDEN,
        "a token is good only with its own browser's cookie"
    );
    // Where the forged posts came from no browser cookie, so from another
    // site: no cookie, no sign-in.
    let cookieless = app
        .new_client()
        .post(app.url("/login"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("email", person.email.as_str()),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(cookieless.status(), StatusCode::FORBIDDEN);
    assert_eq!(sessions(&app), 0);

    let good = post(vec![("csrf_token", token), email(), password()]).await;
    assert_eq!(good.status(), StatusCode::SEE_OTHER);
    assert_eq!(visitor.get("/").await.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_trickled_a_byte_a_second_is_cut_off() {
    let app = TestApp::spawn_configured(Smtp::Running, |s| {
        s.body_timeout = Duration::from_secs(2);
    })
    .await;
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", app.port))
        .await
        .unwrap();
    let head = format!(
        "POST /login HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: \
         application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n",
        app.port
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    let trickle = tokio::spawn(async move {
        for _ in 0..30 {
            if writer.write_all(b"a").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    });
    let started = std::time::Instant::now();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), reader.read_to_end(&mut answer)).await;
    trickle.abort();
    assert!(read.is_ok(), "the server cut the trickle off");
    assert!(started.elapsed() < Duration::from_secs(10));
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("That took too long"), "{answer}");
    assert!(answer.to_lowercase().contains("content-security-policy"));
}

/// Asserts a 422 with the control-character message beside `field`.
async fn refused_beside(response: reqwest::Response, field: &str, what: &str) {
    let status = response.status();
    let html = response.text().await.unwrap();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {html}");
    let beside = format!(r#"id="{field}-error""#);
    let at = html
        .find(&beside)
        .unwrap_or_else(|| panic!("{what}: no error beside {field}: {html}"));
    assert!(
        html[at..]
            .chars()
            .take(400)
            .collect::<String>()
            .contains(CONTROL),
        "{what}: the message beside {field}"
    );
}

const BAD: [&str; 5] = ["a\0b", "a\u{1b}[31mb", "a\u{7}b", "a\u{7f}b", "a\u{8}b"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn control_characters_are_refused_beside_the_field_on_every_form() {
    let app = TestApp::spawn().await;
    let head = app.sign_in_as(Role::Headteacher).await;
    let (tom, tom_browser) = app.person_signed_in("Tom Reed", Role::Staff).await;
    let account = app.open_account("Oakfield Primary").await;
    app.email_to(&head.email, "Official account recorded").await;
    let audit_before = app.audit_actions().len();

    for (i, bad) in BAD.iter().enumerate() {
        let what = format!("control #{i}");
        // People.
        for (field, fields) in [
            ("name", [("name", *bad), ("email", "jo@oakfield.example")]),
            ("email", [("name", "Jo Bloggs"), ("email", *bad)]),
        ] {
            let mut all = fields.to_vec();
            all.push(("role", "staff"));
            refused_beside(app.post_form("/people/new", &all).await, field, &what).await;
        }
        // Official accounts.
        for field in ["handle", "profile_url", "purpose"] {
            let mut fields = vec![
                ("platform", "facebook"),
                ("handle", "Oakfield PTA"),
                ("profile_url", "https://www.facebook.com/oakfield.pta"),
                ("purpose", "News for families"),
            ];
            for f in fields.iter_mut() {
                if f.0 == field {
                    f.1 = bad;
                }
            }
            refused_beside(app.post_form("/accounts/new", &fields).await, field, &what).await;
        }
        // A grant.
        let tom_id = tom.id.to_string();
        let grant = app
            .post_form(
                &format!("/accounts/{account}/grants/new"),
                &[
                    ("grantee", tom_id.as_str()),
                    ("aim", "events"),
                    ("purpose", bad),
                    ("ends_on", ""),
                ],
            )
            .await;
        refused_beside(grant, "purpose", &what).await;
        // Recording a password change, and an access review.
        let changed = app
            .post_form(
                &format!("/accounts/{account}/password-changed"),
                &[("changed_on", "2026-11-24"), ("note", bad)],
            )
            .await;
        refused_beside(changed, "note", &what).await;
        let review = app
            .post_form(&format!("/accounts/{account}/review"), &[("notes", bad)])
            .await;
        refused_beside(review, "notes", &what).await;
        // Moderation.
        let moderation = app
            .post_form(
                &format!("/accounts/{account}/moderation"),
                &[
                    ("kind", "comment_removed"),
                    ("occurred_on", "2026-11-23"),
                    ("reason", "offensive"),
                    ("note", bad),
                ],
            )
            .await;
        refused_beside(moderation, "note", &what).await;
        // Policy.
        for field in ["body", "summary"] {
            let mut fields = vec![
                ("body", "# Social networking\n\nBe kind."),
                ("effective_on", "2026-12-01"),
                ("summary", "The first version"),
            ];
            for f in fields.iter_mut() {
                if f.0 == field {
                    f.1 = bad;
                }
            }
            refused_beside(app.post_form("/policy/new", &fields).await, field, &what).await;
        }
        // Declarations, by a member of staff.
        for field in ["contact_name", "class_or_year", "since", "description"] {
            let mut fields = vec![
                ("contact_name", "Jordan Whitfield"),
                ("link", "parent_carer"),
                ("class_or_year", "Year 4"),
                ("nature", "club_or_faith"),
                ("in_person", "yes"),
                ("since", "September 2021"),
                ("description", "We sing in the same choir."),
            ];
            for f in fields.iter_mut() {
                if f.0 == field {
                    f.1 = bad;
                }
            }
            let response = tom_browser.post_form("/declarations/new", &fields).await;
            refused_beside(response, field, &what).await;
        }
        // Concerns, raised with files (multipart).
        for field in ["about_detail", "what_happened"] {
            let mut fields = vec![
                ("about", "community"),
                ("about_detail", "The PTA Facebook group"),
                ("happened_on", "2026-11-20"),
                ("what_happened", "A parent posted a photograph"),
            ];
            for f in fields.iter_mut() {
                if f.0 == field {
                    f.1 = bad;
                }
            }
            refused_beside(raise(&tom_browser, &fields).await, field, &what).await;
        }
        // Signing in, and changing one's own password.
        let visitor = TestApp::spawn_client(&app);
        let sign_in = visitor.sign_in(&tom.email, bad).await;
        refused_beside(sign_in, "password", &what).await;
        let sign_in = visitor.sign_in(bad, PASSWORD).await;
        refused_beside(sign_in, "email", &what).await;
        let new_password = format!("{bad} and a long passphrase");
        let change = app
            .post_form(
                "/password",
                &[
                    ("current", PASSWORD),
                    ("password", new_password.as_str()),
                    ("confirm", new_password.as_str()),
                ],
            )
            .await;
        refused_beside(change, "password", &what).await;
    }
    assert_eq!(
        app.audit_actions().len(),
        audit_before,
        "nothing was saved: {:?}",
        &app.audit_actions()[audit_before..]
    );

    // The reviewer's forms: a declaration's review, a concern's timeline,
    // a revocation.
    let declared = tom_browser
        .post_form(
            "/declarations/new",
            &[
                ("contact_name", "Jordan Whitfield"),
                ("link", "parent_carer"),
                ("class_or_year", "Year 4"),
                ("nature", "club_or_faith"),
                ("in_person", "yes"),
                ("since", "September 2021"),
                ("description", "We sing in the same choir."),
            ],
        )
        .await;
    assert_eq!(declared.status(), StatusCode::SEE_OTHER);
    let declaration = id_from(&declared);
    let raised = raise(
        &tom_browser,
        &[
            ("about", "community"),
            ("about_detail", "The PTA Facebook group"),
            ("happened_on", "2026-11-20"),
            ("what_happened", "A parent posted a photograph"),
        ],
    )
    .await;
    assert_eq!(raised.status(), StatusCode::SEE_OTHER);
    let concern = id_from(&raised);
    let tom_id = tom.id.to_string();
    let granted = app
        .post_form(
            &format!("/accounts/{account}/grants/new"),
            &[
                ("grantee", tom_id.as_str()),
                ("aim", "events"),
                ("purpose", "The Year 6 trip"),
                ("ends_on", ""),
            ],
        )
        .await;
    assert_eq!(granted.status(), StatusCode::SEE_OTHER);
    let grant = id_from(&granted);
    // Reading a concern is itself recorded; changes are what must not be.
    let changes = || {
        app.audit_actions()
            .into_iter()
            .filter(|a| !a.ends_with(".viewed"))
            .collect::<Vec<_>>()
    };
    let audit_before = changes().len();
    for bad in BAD {
        for (decision, field) in [("acknowledge", "notes"), ("acknowledge", "conditions")] {
            let mut fields = vec![
                ("decision", decision),
                ("notes", "Fine"),
                ("conditions", ""),
            ];
            for f in fields.iter_mut() {
                if f.0 == field {
                    f.1 = bad;
                }
            }
            let response = app
                .post_form(&format!("/declarations/{declaration}/review"), &fields)
                .await;
            refused_beside(response, field, "declaration review").await;
        }
        let note = app
            .post_form(&format!("/concerns/{concern}/notes"), &[("note_text", bad)])
            .await;
        refused_beside(note, "note_text", "concern note").await;
        let revoke = app
            .post_form(&format!("/grants/{grant}/revoke"), &[("reason", bad)])
            .await;
        refused_beside(revoke, "reason", "revocation").await;
    }
    assert_eq!(
        changes().len(),
        audit_before,
        "nothing was saved: {:?}",
        &changes()[audit_before..]
    );
}

/// Raises a concern as the browser's form does.
async fn raise(who: &Visitor, fields: &[(&str, &str)]) -> reqwest::Response {
    let (_, html) = who.page("/concerns/new").await;
    let token = csrf_in(&html).expect("a CSRF token on the form");
    let mut form = Form::new().text("csrf_token", token);
    for (name, value) in fields {
        form = form.text(name.to_string(), value.to_string());
    }
    who.client
        .post(format!("{}/concerns", who.address))
        .multipart(form)
        .send()
        .await
        .expect("POST")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_text_in_any_script_is_saved_whole_or_refused_beside_the_field() {
    let app = TestApp::spawn().await;
    let head = app.sign_in_as(Role::Headteacher).await;
    let (_, tom_browser) = app.person_signed_in("Tom Reed", Role::Staff).await;
    let raised = raise(
        &tom_browser,
        &[
            ("about", "community"),
            ("about_detail", "The PTA Facebook group"),
            ("happened_on", "2026-11-20"),
            ("what_happened", &"ф".repeat(10_000)),
        ],
    )
    .await;
    assert_eq!(raised.status(), StatusCode::SEE_OTHER);
    let concern = id_from(&raised);
    app.email_to(&head.email, "A concern has been raised").await;

    // The longest field of a URL-encoded form: a note of 10 000 characters
    // that take four bytes each.
    let longest = "𝄞".repeat(10_000);
    let saved = app
        .post_form(
            &format!("/concerns/{concern}/notes"),
            &[("note_text", longest.as_str())],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page(&format!("/concerns/{concern}")).await;
    assert!(html.contains(&longest), "saved whole");

    let over = format!("{longest}ф");
    let refused = app
        .post_form(
            &format!("/concerns/{concern}/notes"),
            &[("note_text", over.as_str())],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text().await.unwrap();
    assert!(html.contains(r#"id="note_text-error""#));
    assert!(html.contains("10000 characters or fewer"));
    assert!(html.contains(&over), "what was typed is kept");

    // Notes once cut short silently are now refused beside the field.
    let account = app.open_account("Oakfield Primary").await;
    let note = "ф".repeat(501);
    let changed = app
        .post_form(
            &format!("/accounts/{account}/password-changed"),
            &[("changed_on", "2026-11-24"), ("note", note.as_str())],
        )
        .await;
    assert_eq!(changed.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(changed.text().await.unwrap().contains(r#"id="note-error""#));
    let notes = "ф".repeat(1_001);
    let review = app
        .post_form(
            &format!("/accounts/{account}/review"),
            &[("notes", notes.as_str())],
        )
        .await;
    assert_eq!(review.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(review.text().await.unwrap().contains(r#"id="notes-error""#));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_paged_list_takes_any_page_number_without_failing() {
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Headteacher).await;
    for path in [
        "/emails?page=9223372036854775807",
        "/emails?page=-9223372036854775808",
        "/emails?page=4611686018427387904",
        "/audit?before=no-such-event",
    ] {
        let (status, _) = app.page(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
    }
    for path in [
        "/emails?page=99999999999999999999999",
        "/audit?before=%00",
        "/audit?person=a%00b",
        "/declarations/review?class=%00",
    ] {
        let (status, html) = app.page(path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        assert!(html.contains("quote this reference"), "{path}");
    }
    let (status, _) = app.page("/people/%00").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_session_store_still_gets_the_error_page_with_its_reference_and_headers() {
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Staff).await;
    let rename = |from: &str, to: &str| {
        diesel::sql_query(format!("ALTER TABLE {from} RENAME TO {to}"))
            .execute(&mut *app.db.conn().unwrap())
            .unwrap();
    };
    rename("web_sessions", "web_sessions_away");
    let response = app.get("/").await;
    rename("web_sessions_away", "web_sessions");

    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers().clone();
    assert!(headers
        .get("content-security-policy")
        .is_some_and(|v| v.to_str().unwrap().contains("default-src 'none'")));
    assert_eq!(headers.get("x-frame-options").unwrap(), "DENY");
    assert!(headers
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let html = response.text().await.unwrap();
    assert!(html.contains("Sorry, something went wrong"));
    let reference = regex::Regex::new(r#"<strong class="mono">([0-9a-f-]{36})</strong>"#)
        .unwrap()
        .captures(&html)
        .map(|c| c[1].to_owned());
    assert!(reference.is_some(), "a reference to quote: {html}");

    let health = app.get("/healthz").await;
    assert!(health.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let ready = app.get("/readyz").await;
    assert!(ready.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_method_is_told_what_is_allowed_and_head_works_wherever_get_does() {
    let app = TestApp::spawn().await;
    let client = app.new_client();
    let send = |method: reqwest::Method, path: &str| client.request(method, app.url(path)).send();

    for (method, path, allow) in [
        (reqwest::Method::POST, "/healthz", "GET"),
        (reqwest::Method::POST, "/accessibility", "GET"),
        (reqwest::Method::GET, "/logout", "POST"),
        (reqwest::Method::DELETE, "/login", "POST"),
        (reqwest::Method::PUT, "/people/new", "GET"),
    ] {
        let response = send(method.clone(), path).await.unwrap();
        assert_eq!(
            response.status(),
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}"
        );
        let allowed = response.headers()["allow"].to_str().unwrap().to_owned();
        assert!(allowed.contains(allow), "{method} {path}: {allowed}");
        assert!(response.headers().get("content-security-policy").is_some());
        assert!(response
            .text()
            .await
            .unwrap()
            .contains("quote this reference"));
    }
    let missing = send(reqwest::Method::POST, "/no/such/page").await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);

    for (path, status) in [
        ("/login", StatusCode::OK),
        ("/healthz", StatusCode::OK),
        ("/accessibility", StatusCode::OK),
        ("/static/app.css", StatusCode::OK),
        ("/", StatusCode::SEE_OTHER),
        ("/no/such/page", StatusCode::NOT_FOUND),
    ] {
        let got = send(reqwest::Method::GET, path).await.unwrap();
        let head = send(reqwest::Method::HEAD, path).await.unwrap();
        assert_eq!(head.status(), status, "HEAD {path}");
        assert_eq!(got.status(), status, "GET {path}");
        assert_eq!(
            head.headers().get("content-type"),
            got.headers().get("content-type"),
            "HEAD {path}"
        );
        assert!(head.bytes().await.unwrap().is_empty(), "HEAD {path}");
    }
    assert_eq!(sessions(&app), 0);
}
