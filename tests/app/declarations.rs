//! Declarations of social contact with pupils' families (policy clause g).

use custodian::people::domain::Role;
use reqwest::StatusCode;

use crate::helpers::{id_from, link_in, Smtp, TestApp, Visitor, PASSWORD};

const FAMILY: &str = "Jordan Whitfield";

async fn declare(who: &Visitor, class: &str) -> String {
    let response = who
        .post_form(
            "/declarations/new",
            &[
                ("contact_name", FAMILY),
                ("link", "parent_carer"),
                ("class_or_year", class),
                ("nature", "club_or_faith"),
                ("in_person", "yes"),
                ("platforms", "WhatsApp"),
                ("platforms", "Facebook"),
                ("since", "September 2021"),
                ("description", "We sing in the same church choir."),
            ],
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{:?}",
        response.text().await
    );
    id_from(&response)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declaration_goes_to_the_head_with_no_details_in_the_email() {
    let app = TestApp::spawn().await;
    let head = app.sign_in_as(Role::Headteacher).await;
    let (_, tom) = app.person_signed_in("Tom Reed", Role::Staff).await;
    let id = declare(&tom, "Year 4").await;

    let email = app
        .email_to(&head.email, "A declaration awaits your review")
        .await;
    assert!(
        !email.text.contains(FAMILY) && !email.html.contains(FAMILY),
        "no family names"
    );
    assert!(
        !email.text.contains("Year 4") && !email.text.contains("choir"),
        "no details"
    );
    assert!(
        !email.text.contains("Tom") && !email.html.contains("Tom"),
        "the declarant is not named: the email only says something awaits"
    );
    assert!(link_in(&email, &app).ends_with(&format!("/declarations/{id}")));

    let (status, html) = app.page("/declarations/review").await;
    assert_eq!(status, 200);
    assert!(html.contains(FAMILY) && html.contains("Awaiting review"));
    let (_, html) = tom.page(&format!("/declarations/{id}")).await;
    assert!(html.contains("We sing in the same church choir."));
    assert!(html.contains("In person, Facebook, WhatsApp"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_field_is_checked_and_entries_are_kept() {
    let app = TestApp::spawn().await;
    let (_, tom) = app.person_signed_in("Tom Reed", Role::Staff).await;
    let response = tom
        .post_form(
            "/declarations/new",
            &[
                ("contact_name", FAMILY),
                ("class_or_year", ""),
                ("link", "stranger"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    for message in [
        "Choose how they are linked",
        "class or year group",
        "Choose the nature",
        "Say where the contact happens",
        "Say since when",
        "Describe the contact",
    ] {
        assert!(html.contains(message), "{message}");
    }
    assert!(html.contains(&format!(r#"value="{FAMILY}""#)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_declarant_and_the_reviewer_see_a_declaration() {
    let app = TestApp::spawn().await;
    app.add_person("Helen Carter", Role::Headteacher);
    let (_, tom) = app.person_signed_in("Tom Reed", Role::Staff).await;
    let id = declare(&tom, "Year 4").await;
    let path = format!("/declarations/{id}");
    for (name, role) in [
        ("David Okafor", Role::Slt),
        ("Amira Hussain", Role::Staff),
        ("Margaret Ellis", Role::Chair),
    ] {
        let (_, other) = app.person_signed_in(name, role).await;
        let response = other.get(&path).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{name}");
        assert!(!response.text().await.unwrap().contains(FAMILY));
    }
    let (_, deputy) = app.person_signed_in("Priya Shah", Role::Slt).await;
    assert_eq!(
        deputy.get("/declarations/review").await.status(),
        StatusCode::FORBIDDEN
    );
    let review = deputy
        .post_form(
            &format!("{path}/review"),
            &[("decision", "acknowledge"), ("notes", "x")],
        )
        .await;
    assert_eq!(review.status(), StatusCode::FORBIDDEN);
    app.mail.wait_for_count(1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_heads_own_declaration_goes_to_the_chair_and_no_one_else() {
    let app = TestApp::spawn().await;
    let (_, head) = app
        .person_signed_in("Helen Carter", Role::Headteacher)
        .await;
    let (chair, chair_browser) = app.person_signed_in("Margaret Ellis", Role::Chair).await;
    let (_, deputy) = app.person_signed_in("David Okafor", Role::Slt).await;
    let id = declare(&head, "Year 2").await;
    app.email_to(&chair.email, "A declaration awaits your review")
        .await;

    let (_, html) = chair_browser.page("/declarations/review").await;
    assert!(html.contains(FAMILY));
    assert_eq!(
        deputy.get(&format!("/declarations/{id}")).await.status(),
        StatusCode::FORBIDDEN
    );
    // The head does not review their own, and their queue does not show it.
    let (_, html) = head.page("/declarations/review").await;
    assert!(!html.contains(FAMILY));

    let response = chair_browser
        .post_form(
            &format!("/declarations/{id}/review"),
            &[
                ("decision", "acknowledge"),
                ("notes", "Noted"),
                ("conditions", "No discussion of school matters online"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, html) = head.page(&format!("/declarations/{id}")).await;
    assert!(html.contains("Acknowledged"));
    assert!(html.contains("No discussion of school matters online"));
    app.mail.wait_for_count(2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn returned_for_detail_updated_and_acknowledged_with_every_version_kept() {
    let app = TestApp::spawn().await;
    let head = app.sign_in_as(Role::Headteacher).await;
    let (tom_person, tom) = app.person_signed_in("Tom Reed", Role::Staff).await;
    let id = declare(&tom, "Year 4").await;
    let path = format!("/declarations/{id}");

    let response = app
        .post_form(
            &format!("{path}/review"),
            &[("decision", "return"), ("notes", "")],
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "returning needs a note"
    );
    let response = app
        .post_form(
            &format!("{path}/review"),
            &[
                ("decision", "return"),
                ("notes", "Which choir, and how often?"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let email = app
        .email_to(&tom_person.email, "More detail is asked for")
        .await;
    assert!(!email.text.contains("choir"));
    let (_, html) = tom.page(&path).await;
    assert!(html.contains("Which choir, and how often?"));

    let response = tom
        .post_form(
            &format!("{path}/edit"),
            &[
                ("contact_name", FAMILY),
                ("link", "parent_carer"),
                ("class_or_year", "Year 5"),
                ("nature", "club_or_faith"),
                ("in_person", "yes"),
                ("since", "September 2021"),
                ("description", "St Mary's church choir, every Thursday."),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    app.mail
        .wait_for(|m| m.to.contains(&head.email) && m.text.contains("has been updated"))
        .await
        .unwrap();
    let (_, html) = app.page(&path).await;
    assert!(html.contains("Version 2"));
    assert!(
        html.contains("Earlier review"),
        "the old review is not mistaken for a new one"
    );
    // What Tom changed, named for the reviewer, and what he entered.
    assert!(
        html.contains(
            "Changed in this version: Class or year group, Where it happens, Description"
        ),
        "{html}"
    );
    assert!(html.contains("<dd>Year 5</dd>") && html.contains("<dd>Year 4</dd>"));
    assert!(html.contains("church choir, every Thursday.</dd>"));
    assert!(
        html.contains("We sing in the same church choir."),
        "the earlier version is kept"
    );

    app.post_form(
        &format!("{path}/review"),
        &[("decision", "acknowledge"), ("notes", "Thank you")],
    )
    .await;
    app.email_to(&tom_person.email, "has been acknowledged")
        .await;
    let (_, html) = app.page("/declarations/review?class=Year+5").await;
    assert!(html.contains(FAMILY));
    let (_, html) = app.page("/declarations/review?class=Year+4").await;
    assert!(!html.contains(&format!(">{FAMILY}<")));
    let actions = app.audit_actions();
    for action in [
        "declaration.submitted",
        "declaration.returned",
        "declaration.updated",
        "declaration.acknowledged",
    ] {
        assert!(actions.contains(&action.to_owned()), "{action}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_log_names_the_declaration_never_its_content() {
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Headteacher).await;
    let (_, tom) = app.person_signed_in("Tom Reed", Role::Staff).await;
    declare(&tom, "Year 4").await;
    let csv = app.get("/audit/export.csv").await.text().await.unwrap();
    assert!(csv.contains("declaration.submitted"));
    for secret in [FAMILY, "Year 4", "choir", "WhatsApp"] {
        assert!(!csv.contains(secret), "{secret} leaked into the audit log");
    }
    app.mail.wait_for_count(1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declaration_that_no_longer_applies_is_ended_with_a_date() {
    let app = TestApp::spawn().await;
    app.add_person("Helen Carter", Role::Headteacher);
    let (_, tom) = app.person_signed_in("Tom Reed", Role::Staff).await;
    let id = declare(&tom, "Year 6").await;
    let path = format!("/declarations/{id}");
    let future = tom
        .post_form(
            &format!("{path}/end"),
            &[("ended_on", "2027-01-01"), ("end_reason", "Left")],
        )
        .await;
    assert_eq!(future.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let response = tom
        .post_form(
            &format!("{path}/end"),
            &[
                ("ended_on", "2026-07-20"),
                ("end_reason", "The pupil has left the school"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, html) = tom.page(&path).await;
    assert!(html.contains("Ended") && html.contains("20 Jul 2026"));
    app.mail.wait_for_count(1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nil_return_and_reconfirmations_are_kept_as_history() {
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Headteacher).await;
    let (_, tom) = app.person_signed_in("Tom Reed", Role::Staff).await;
    let (_, amira) = app.person_signed_in("Amira Hussain", Role::Staff).await;
    app.add_person("Sam Fletcher", Role::Staff);

    let response = tom.post_form("/declarations/nil-return", &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, html) = tom.page("/declarations").await;
    assert!(html.contains("nil return"));

    declare(&amira, "Year 1").await;
    // A nil return is refused while a declaration still applies.
    let refused = amira.post_form("/declarations/nil-return", &[]).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused
        .text()
        .await
        .unwrap()
        .contains("declarations that still apply"));
    assert_eq!(
        amira
            .post_form("/declarations/reconfirm", &[])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );

    let (_, html) = app.page("/declarations/review").await;
    assert!(html.contains("Tom Reed") && html.contains("Confirmed"));
    assert!(html.contains("Sam Fletcher") && html.contains("Never answered"));
    app.mail.wait_for_count(2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_year_everyone_is_asked_to_reconfirm_with_reminders_after_two_and_four_weeks() {
    let app = TestApp::spawn_configured(Smtp::Running, |s| s.send_reconfirmations = true).await;
    let tom = app.add_person("Tom Reed", Role::Staff);
    let amira = app.add_person("Amira Hussain", Role::Staff);
    let chair = app.add_person("Margaret Ellis", Role::Chair);
    let ask = app
        .email_to(&tom.email, "Please reconfirm your declarations for 2026/27")
        .await;
    assert!(link_in(&ask, &app).ends_with("/declarations"));
    app.email_to(&amira.email, "Please reconfirm").await;

    // Amira answers; Tom does not.
    let browser = TestApp::spawn_client(&app);
    browser.sign_in(&amira.email, PASSWORD).await;
    browser.post_form("/declarations/nil-return", &[]).await;

    app.clock.advance(time::Duration::weeks(2));
    app.email_to(&tom.email, "Reminder: please reconfirm").await;
    app.clock.advance(time::Duration::weeks(2));
    app.mail
        .wait_for(|m| {
            m.to.contains(&tom.email)
                && m.subject.contains("Reminder")
                && m.text.contains("2026/27")
        })
        .await
        .unwrap();
    app.run_scheduled_work().await;
    let to = |who: &str| {
        app.mail
            .received()
            .iter()
            .filter(|m| m.to.iter().any(|t| t == who))
            .count()
    };
    assert_eq!(to(&tom.email), 3, "asked once, reminded twice");
    assert_eq!(to(&amira.email), 1, "answered: no reminders");
    assert_eq!(to(&chair.email), 0, "governors are not asked");
}
