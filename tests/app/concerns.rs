//! Concerns raised with the headteacher (policy clause i): who sees what,
//! what the emails and the audit log say, evidence, and the reviewer's
//! timeline through to the outcome.

use custodian::people::domain::Role;
use diesel::prelude::*;
use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;

use crate::helpers::{csrf_in, id_from, link_in, TestApp, Visitor, PASSWORD};

const SEEN: &str = "A parent posted a photograph of the Year 2 trip";
const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

/// Raises a concern as the browser's form does, with files.
async fn raise(
    who: &Visitor,
    fields: &[(&str, &str)],
    files: &[(&str, &[u8])],
) -> reqwest::Response {
    let (_, html) = who.page("/concerns/new").await;
    let token = csrf_in(&html).expect("a CSRF token on the form");
    let mut form = Form::new().text("csrf_token", token);
    for (name, value) in fields {
        form = form.text(name.to_string(), value.to_string());
    }
    for (file_name, bytes) in files {
        form = form.part(
            "evidence",
            Part::bytes(bytes.to_vec()).file_name(file_name.to_string()),
        );
    }
    who.client
        .post(format!("{}/concerns", who.address))
        .multipart(form)
        .send()
        .await
        .expect("POST")
}

fn about_other() -> Vec<(&'static str, &'static str)> {
    vec![
        ("about", "community"),
        ("about_detail", "The PTA Facebook group"),
        ("happened_on", "2026-11-20"),
        ("what_happened", SEEN),
    ]
}

fn about_head() -> Vec<(&'static str, &'static str)> {
    vec![
        ("about", "headteacher"),
        ("happened_on", "2026-11-20"),
        ("what_happened", SEEN),
    ]
}

fn count(app: &TestApp, table: &str) -> i64 {
    use custodian::db::schema::{concern_entries, concern_evidence, concerns};
    let mut conn = app.db.conn().unwrap();
    match table {
        "concerns" => concerns::table.count().get_result(&mut *conn).unwrap(),
        "evidence" => concern_evidence::table
            .count()
            .get_result(&mut *conn)
            .unwrap(),
        _ => concern_entries::table
            .count()
            .get_result(&mut *conn)
            .unwrap(),
    }
}

/// Every summary and data field of the audit log, as one text.
fn audit_text(app: &TestApp) -> String {
    use custodian::db::schema::audit_events;
    let mut conn = app.db.conn().unwrap();
    audit_events::table
        .select((audit_events::summary, audit_events::data))
        .load::<(String, String)>(&mut *conn)
        .unwrap()
        .into_iter()
        .map(|(s, d)| format!("{s} {d}\n"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_concern_reaches_the_head_and_the_raiser_with_no_details_in_any_email() {
    let app = TestApp::spawn().await;
    let head = app.sign_in_as(Role::Headteacher).await;
    let (tom, tom_browser) = app.person_signed_in("Tom Reed", Role::Staff).await;
    let response = raise(&tom_browser, &about_other(), &[("trip.png", PNG)]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let id = id_from(&response);

    let to_head = app.email_to(&head.email, "A concern has been raised").await;
    assert!(to_head.subject.contains("C-1"));
    let receipt = app
        .email_to(&tom.email, "Your concern has been received")
        .await;
    for email in [&to_head, &receipt] {
        for secret in [SEEN, "PTA", "trip.png"] {
            assert!(
                !email.text.contains(secret) && !email.html.contains(secret),
                "no details in '{}'",
                email.subject
            );
        }
        assert!(link_in(email, &app).ends_with(&format!("/concerns/{id}")));
    }
    assert!(receipt.text.contains("Designated Safeguarding Lead"));

    let (status, html) = app.page(&format!("/concerns/{id}")).await;
    assert_eq!(status, 200);
    assert!(html.contains(SEEN) && html.contains("trip.png"));
    let (_, queue) = app.page("/concerns/review").await;
    assert!(queue.contains("C-1") && queue.contains("Since today"));

    let audit = audit_text(&app);
    assert!(!audit.contains(SEEN) && !audit.contains("PTA") && !audit.contains("trip.png"));
    assert!(app.audit_actions().contains(&"concern.raised".to_string()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_reviewer_and_the_raiser_see_a_concern_and_every_look_is_listed() {
    let app = TestApp::spawn().await;
    let _head = app.sign_in_as(Role::Headteacher).await;
    let (_, tom) = app.person_signed_in("Tom Reed", Role::Staff).await;
    let (sam, sam_browser) = app.person_signed_in("Sam Jones", Role::Slt).await;
    let (_, chair) = app.person_signed_in("Margaret Ellis", Role::Chair).await;
    let (_, other) = app.person_signed_in("Ann Other", Role::Staff).await;
    let sam_id = sam.id.to_string();
    let fields = vec![
        ("about", "staff"),
        ("about_person", sam_id.as_str()),
        ("happened_on", "2026-11-20"),
        ("what_happened", SEEN),
    ];
    let response = raise(&tom, &fields, &[("letter.pdf", PDF)]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let id = id_from(&response);
    let page = format!("/concerns/{id}");
    let (_, html) = app.page(&page).await;
    let evidence = regex::Regex::new(r#"href="(/concerns/[^"]+/evidence/[^"]+)""#)
        .unwrap()
        .captures(&html)
        .expect("an evidence link")[1]
        .to_owned();

    // The person it is about (SLT), the chair, and another member of staff
    // get the same refusal as for a concern that does not exist.
    let reference = regex::Regex::new(r#"class="mono">[^<]*<"#).unwrap();
    for (who, browser) in [("sam", &sam_browser), ("chair", &chair), ("other", &other)] {
        let (status, html) = browser.page(&page).await;
        let (_, missing) = browser
            .page("/concerns/0193a0b0-0000-7000-8000-000000000000")
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
        assert!(!html.contains(SEEN), "{who}");
        assert_eq!(browser.get(&evidence).await.status(), 403, "{who}");
        // The same page but for the request's reference.
        let strip = |h: &str| {
            let main = &h[h.find("<h1>").unwrap()..h.find("</main>").unwrap()];
            reference.replace_all(main, "").into_owned()
        };
        assert_eq!(
            strip(&html),
            strip(&missing),
            "{who}: same as a missing concern"
        );
        let (_, queue) = browser.page("/concerns").await;
        assert!(!queue.contains("C-1"), "{who}");
    }
    let (status, _) = sam_browser.page("/concerns/review").await;
    assert_eq!(status, 403);

    // The raiser sees what they raised, the status, and their file.
    let (status, html) = tom.page(&page).await;
    assert_eq!(status, 200);
    assert!(html.contains(SEEN) && html.contains("Open"));
    assert!(!html.contains("Who has opened this concern"));
    let download = tom.get(&evidence).await;
    assert_eq!(download.status(), 200);
    assert_eq!(download.headers()["content-type"], "application/pdf");
    assert!(download.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    assert_eq!(download.bytes().await.unwrap().as_ref(), PDF);

    // The reviewer sees every look, with who and what.
    let (_, html) = app.page(&page).await;
    assert!(html.contains("Who has opened this concern"));
    assert!(html.contains("Tom Reed") && html.contains("Downloaded evidence"));
    let looks = app
        .audit_actions()
        .iter()
        .filter(|a| a.as_str() == "concern.viewed" || a.as_str() == "concern.evidence_downloaded")
        .count();
    assert_eq!(looks, 4, "head twice, raiser's page and download");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_concern_about_the_head_goes_to_the_chair_and_the_head_sees_no_trace() {
    let app = TestApp::spawn().await;
    let head = app.sign_in_as(Role::Headteacher).await;
    let (chair, chair_browser) = app.person_signed_in("Margaret Ellis", Role::Chair).await;
    let (tom, tom_browser) = app.person_signed_in("Tom Reed", Role::Staff).await;
    let response = raise(&tom_browser, &about_head(), &[("shot.png", PNG)]).await;
    let id = id_from(&response);

    let email = app
        .email_to(&chair.email, "A concern has been raised")
        .await;
    assert!(link_in(&email, &app).ends_with(&format!("/concerns/{id}")));
    app.email_to(&tom.email, "Your concern has been received")
        .await;
    let (status, html) = chair_browser.page(&format!("/concerns/{id}")).await;
    assert_eq!(status, 200);
    assert!(html.contains(SEEN) && html.contains(&head.name));
    let reference = reference_in(&html);
    assert!(reference.starts_with("G-"), "{reference}");
    let response = chair_browser
        .post_form(
            &format!("/concerns/{id}/notes"),
            &[("note_text", "Spoke to the LADO for advice")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    // The head: not in the queue, the page is refused, nothing in the
    // audit log or the email log, not even on the raiser's filter.
    let (_, queue) = app.page("/concerns/review").await;
    assert!(!queue.contains(&reference));
    let (status, html) = app.page(&format!("/concerns/{id}")).await;
    assert_eq!(status, 403);
    assert!(!html.contains(SEEN));
    let (_, audit) = app.page("/audit").await;
    assert!(
        !audit.contains(&reference) && !audit.contains("head_concern"),
        "the head's audit log"
    );
    let (_, audit) = app.page(&format!("/audit?person={}", tom.id)).await;
    assert!(!audit.contains(&reference) && audit.contains("Tom Reed"));
    let export = app.get("/audit/export.csv").await.text().await.unwrap();
    assert!(!export.contains("concern"));
    let (_, emails) = app.page("/emails").await;
    assert!(
        !emails.contains(&reference) && !emails.contains("has been received"),
        "the head's email log"
    );
    let (_, home) = app.page("/").await;
    assert!(!home.contains(&reference));

    // The chair sees that the head tried.
    let (_, html) = chair_browser.page(&format!("/concerns/{id}")).await;
    assert!(html.contains("Tried to open it and was refused"));

    // The chair's audit log shows it.
    let (_, audit) = chair_browser.page("/audit").await;
    assert!(
        audit.contains(&format!("raised concern {reference}"))
            && audit.contains(&format!("added a note to concern {reference}"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_concern_about_the_head_and_the_chair_points_to_the_lado_and_says_so() {
    let app = TestApp::spawn_configured(crate::helpers::Smtp::Running, |s| {
        s.lado_contact = "the Oakshire LADO, 01632 960000".into();
    })
    .await;
    let _head = app.sign_in_as(Role::Headteacher).await;
    let (chair, chair_browser) = app.person_signed_in("Margaret Ellis", Role::Chair).await;
    let (tom, tom_browser) = app.person_signed_in("Tom Reed", Role::Staff).await;
    let mut fields = about_head();
    fields.push(("implicates_chair", "yes"));
    let response = raise(&tom_browser, &fields, &[]).await;
    let id = id_from(&response);
    let (status, html) = tom_browser.page(&format!("/concerns/{id}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("the Oakshire LADO, 01632 960000"));
    let reference = reference_in(&html);
    assert!(reference.starts_with("L-"), "{reference}");
    assert!(html.contains("both the headteacher and the chair"));
    let receipt = app
        .email_to(&tom.email, "Your concern has been received")
        .await;
    assert!(receipt.text.contains("the Oakshire LADO"));
    assert!(app
        .audit_actions()
        .contains(&"concern.sent_to_lado".to_string()));

    // Neither the chair nor the head is told, or can see it.
    app.run_scheduled_work().await;
    assert!(app
        .mail
        .subjects()
        .iter()
        .all(|s| !s.contains("raised with you")));
    let (status, _) = chair_browser.page(&format!("/concerns/{id}")).await;
    assert_eq!(status, 403, "{}", chair.name);
    let (_, audit) = chair_browser.page("/audit").await;
    assert!(!audit.contains(&reference) && !audit.contains("lado_concern"));
    assert_eq!(app.page(&format!("/concerns/{id}")).await.0, 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_evidence_is_refused_beside_the_field_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let _head = app.sign_in_as(Role::Headteacher).await;
    let (_, tom) = app.person_signed_in("Tom Reed", Role::Staff).await;

    let too_large = vec![0x89u8; 10 * 1024 * 1024 + 1];
    let html_as_png: &[u8] = b"<html><script>alert(1)</script></html>";
    for (name, bytes, message) in [
        ("big.png", &too_large[..], "big.png is larger than 10 MB"),
        (
            "shot.png",
            html_as_png,
            "shot.png is not a PNG or JPEG picture or a PDF document",
        ),
    ] {
        let response = raise(&tom, &about_other(), &[(name, bytes)]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        assert!(html.contains(message), "{message}");
        assert!(html.contains(SEEN), "what was typed is kept");
        assert!(html.contains("Choose your evidence files again"));
    }
    assert_eq!(count(&app, "concerns"), 0);
    assert_eq!(count(&app, "evidence"), 0);

    // Missing fields are named, with the files refused alongside.
    let response = raise(&tom, &[("about", "staff")], &[]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    for message in [
        "Choose the member of staff",
        "Enter the date it happened",
        "Describe what you saw or heard",
    ] {
        assert!(html.contains(message), "{message}");
    }
    // Without a CSRF token, nothing.
    let form = Form::new().text("what_happened", SEEN);
    let response = tom
        .client
        .post(format!("{}/concerns", tom.address))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert_eq!(count(&app, "concerns"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_allegation_runs_to_a_kcsie_outcome_and_the_raiser_hears_only_that() {
    let app = TestApp::spawn().await;
    let head = app.sign_in_as(Role::Headteacher).await;
    let (tom, tom_browser) = app.person_signed_in("Tom Reed", Role::Staff).await;
    let id = id_from(&raise(&tom_browser, &about_other(), &[]).await);
    let page = format!("/concerns/{id}");
    let post = |path: &'static str, fields: Vec<(&'static str, &'static str)>| {
        let url = format!("/concerns/{id}/{path}");
        let app = &app;
        async move { app.post_form(&url, &fields).await }
    };

    // Closing before classifying is refused beside the field.
    let response = post(
        "close",
        vec![
            ("outcome", "no_further_action"),
            ("summary", "Nothing in it"),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("Classify the concern before closing it"));

    let response = post(
        "classification",
        vec![
            ("classification", "allegation"),
            ("classify_text", "Harm threshold"),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, queue) = app.page("/concerns/review").await;
    assert!(queue.contains("Due ") && !queue.contains("Overdue"));

    // Two days later (whatever the weekday) it is overdue.
    app.clock.advance(time::Duration::days(4));
    app.sign_in(&head.email, PASSWORD).await;
    tom_browser.sign_in(&tom.email, PASSWORD).await;
    let (_, queue) = app.page("/concerns/review").await;
    assert!(queue.contains("Overdue"), "{queue}");
    let (_, home) = app.page("/").await;
    assert!(home.contains("1 allegation is overdue for referral to the LADO"));
    assert!(home.contains("1 open concern"));

    // A non-KCSIE outcome and an unreferred allegation cannot close.
    let response = post(
        "close",
        vec![("outcome", "unfounded"), ("summary", "No evidence")],
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("Record the referral to the LADO before closing an allegation"));
    // The LADO referral needs its reference.
    let response = post(
        "actions",
        vec![
            ("action_kind", "lado_referral"),
            ("action_on", "2026-11-25"),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let response = post(
        "actions",
        vec![
            ("action_kind", "lado_referral"),
            ("action_on", "2026-11-25"),
            ("action_reference", "LADO/2026/417"),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, queue) = app.page("/concerns/review").await;
    assert!(!queue.contains("Overdue"));
    let (_, home) = app.page("/").await;
    assert!(!home.contains("overdue for referral"));
    let response = post(
        "close",
        vec![("outcome", "advice_given"), ("summary", "No evidence")],
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("not one for a concern"));
    post("notes", vec![("note_text", "Private reviewer note")]).await;
    post("informed", vec![("informed_on", "2026-11-26")]).await;
    let response = post(
        "close",
        vec![("outcome", "unfounded"), ("summary", "The closing summary")],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    let (_, html) = app.page(&page).await;
    for text in [
        "Referred to the LADO",
        "LADO/2026/417",
        "Private reviewer note",
        "Closed. Outcome: Unfounded",
        "The closing summary",
    ] {
        assert!(html.contains(text), "{text}");
    }
    let outcome = app
        .email_to(&tom.email, "Your concern has been closed")
        .await;
    assert!(outcome.text.contains("unfounded"));
    assert!(!outcome.text.contains("closing summary") && !outcome.text.contains(SEEN));
    let (_, html) = tom_browser.page(&page).await;
    assert!(html.contains("Unfounded") && html.contains("Closed"));
    assert!(!html.contains("Private reviewer note") && !html.contains("The closing summary"));
    assert!(!html.contains("LADO/2026/417"));
    let (_, mine) = tom_browser.page("/concerns").await;
    assert!(mine.contains("C-1") && mine.contains("Unfounded"));
    assert!(!audit_text(&app).contains("Private reviewer note"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_was_raised_and_the_timeline_cannot_be_changed_even_behind_the_app() {
    let app = TestApp::spawn().await;
    let _head = app.sign_in_as(Role::Headteacher).await;
    let (_, tom) = app.person_signed_in("Tom Reed", Role::Staff).await;
    let id = id_from(&raise(&tom, &about_other(), &[("a.png", PNG)]).await);
    app.post_form(
        &format!("/concerns/{id}/notes"),
        &[("note_text", "First note")],
    )
    .await;
    assert_eq!(count(&app, "entries"), 2, "the note, and now under review");
    let mut conn = app.db.conn().unwrap();
    for statement in [
        "UPDATE concerns SET what_happened = 'changed'",
        "DELETE FROM concerns",
        "UPDATE concern_entries SET body = 'changed'",
        "DELETE FROM concern_entries",
        "UPDATE concern_evidence SET file_name = 'x.png'",
        "DELETE FROM concern_evidence",
    ] {
        assert!(
            diesel::sql_query(statement).execute(&mut *conn).is_err(),
            "{statement} was allowed"
        );
    }
    drop(conn);
    let (_, html) = app.page(&format!("/concerns/{id}")).await;
    assert!(html.contains(SEEN) && html.contains("First note"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_no_chair_a_concern_about_the_head_says_nobody_was_told_and_where_to_go() {
    let app = TestApp::spawn_configured(crate::helpers::Smtp::Running, |s| {
        s.lado_contact = "the Oakshire LADO, 01632 960000".into();
    })
    .await;
    let _head = app.sign_in_as(Role::Headteacher).await;
    let (tom, tom_browser) = app.person_signed_in("Tom Reed", Role::Staff).await;
    let response = raise(&tom_browser, &about_head(), &[]).await;
    let id = id_from(&response);
    let (_, html) = tom_browser.page(&format!("/concerns/{id}")).await;
    assert!(html.contains("nobody holds the role of the chair of governors"));
    assert!(html.contains("the Oakshire LADO, 01632 960000"));
    let receipt = app
        .email_to(&tom.email, "Your concern has been received")
        .await;
    assert!(receipt
        .text
        .contains("Nobody holds the role of the chair of governors"));
}

/// The reference a concern's page gives in its heading ("C-1", "G-482913").
fn reference_in(html: &str) -> String {
    regex::Regex::new(r"<h1>Concern ([A-Z]-\d+)</h1>")
        .unwrap()
        .captures(html)
        .unwrap_or_else(|| panic!("a concern's heading: {html}"))[1]
        .to_owned()
}
