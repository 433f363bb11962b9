//! The Social Networking Policy: the head publishes a version, everyone who
//! works at the school is asked to read it and confirm, and reminded after
//! one and two weeks; the head sees who has confirmed.

use custodian::people::domain::Role;
use reqwest::StatusCode;

use crate::helpers::{link_in, ReceivedEmail, TestApp, TestPerson, Visitor, PASSWORD};

const CONFIRM: &str = "I have read this policy and reviewed my own social networking profiles";
const TEXT: &str = "## Safer Social Networking Practice\n\n\
    Adults should **never** make a 'friend' of a pupil.\n\n\
    - a) All adults must adhere to this document\n";

/// The head (signed in on `app`) publishes a version; its path.
async fn publish(app: &TestApp, summary: &str) -> String {
    publish_text(app, TEXT, summary).await
}

async fn publish_text(app: &TestApp, body: &str, summary: &str) -> String {
    let response = app
        .post_form(
            "/policy/new",
            &[
                ("body", body),
                ("effective_on", "2026-12-01"),
                ("summary", summary),
            ],
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{:?}",
        response.text().await
    );
    response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .expect("a location")
        .to_owned()
}

async fn signed_in(app: &TestApp, person: &TestPerson) -> Visitor {
    let browser = TestApp::spawn_client(app);
    assert_eq!(
        browser.sign_in(&person.email, PASSWORD).await.status(),
        StatusCode::SEE_OTHER,
        "{} signs in",
        person.name
    );
    browser
}

/// The policy emails `who` has received so far.
fn mail_to(app: &TestApp, who: &TestPerson) -> Vec<ReceivedEmail> {
    app.mail
        .received()
        .into_iter()
        .filter(|m| m.to.contains(&who.email))
        .filter(|m| m.subject.contains("Social Networking Policy"))
        .collect()
}

/// Waits up to 10 seconds for `done`.
async fn wait_until(done: impl Fn() -> bool) {
    for _ in 0..200 {
        if done() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

fn count(actions: &[String], action: &str) -> usize {
    actions.iter().filter(|a| *a == action).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publishing_asks_everyone_who_works_here_once_but_not_governors_or_leavers() {
    let app = TestApp::spawn().await;
    let head = app.sign_in_as(Role::Headteacher).await;
    let tom = app.add_person("Tom Reed", Role::Staff);
    let deputy = app.add_person("David Okafor", Role::Slt);
    let chair = app.add_person("Margaret Ellis", Role::Chair);
    let leaver = app.add_person("Ben Morris", Role::Staff);
    {
        let mut conn = app.db.conn().unwrap();
        custodian::tx::write(
            &mut conn,
            &app.ctx(),
            &custodian::people::actor::Actor::CommandLine,
            |tx| custodian::people::service::deactivate(tx, leaver.id),
        )
        .unwrap();
    }

    let path = publish(&app, "The first version in Custodian.").await;
    assert_eq!(path, "/policy/1");

    for person in [&tom, &deputy, &head] {
        let ask = app
            .email_to(
                &person.email,
                "Please read the Social Networking Policy, version 1",
            )
            .await;
        assert!(link_in(&ask, &app).ends_with("/policy/1"), "{}", ask.text);
        assert!(ask.text.contains("review"), "{}", ask.text);
    }
    app.run_scheduled_work().await;
    for person in [&tom, &deputy, &head] {
        assert_eq!(mail_to(&app, person).len(), 1, "{} asked once", person.name);
    }
    assert!(mail_to(&app, &chair).is_empty(), "governors are not asked");
    assert!(mail_to(&app, &leaver).is_empty(), "leavers are not asked");
    let actions = app.audit_actions();
    assert_eq!(count(&actions, "policy.published"), 1);
    assert_eq!(count(&actions, "policy.requested"), 3, "one per email");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reminders_come_after_one_and_two_weeks_only_to_those_who_have_not_confirmed() {
    let app = TestApp::spawn().await;
    let head = app.sign_in_as(Role::Headteacher).await;
    let tom = app.add_person("Tom Reed", Role::Staff);
    let amira = app.add_person("Amira Hussain", Role::Staff);
    publish(&app, "First version.").await;
    app.email_to(&tom.email, "Please read").await;
    app.email_to(&amira.email, "Please read").await;

    // Amira reads it and confirms; Tom does not.
    let browser = signed_in(&app, &amira).await;
    let response = browser.post_form("/policy/1/acknowledge", &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    app.clock.advance(time::Duration::days(6));
    app.run_scheduled_work().await;
    assert_eq!(mail_to(&app, &tom).len(), 1, "no reminder before a week");

    app.clock.advance(time::Duration::days(1));
    let reminder = app
        .email_to(
            &tom.email,
            "Reminder: please read the Social Networking Policy, version 1",
        )
        .await;
    assert!(link_in(&reminder, &app).ends_with("/policy/1"));
    app.clock.advance(time::Duration::days(7));
    wait_until(|| mail_to(&app, &tom).len() == 3 && mail_to(&app, &head).len() == 3).await;
    app.clock.advance(time::Duration::days(30));
    app.run_scheduled_work().await;

    assert_eq!(mail_to(&app, &tom).len(), 3, "asked once, reminded twice");
    assert_eq!(mail_to(&app, &head).len(), 3, "the head is asked too");
    assert_eq!(mail_to(&app, &amira).len(), 1, "confirmed: no reminders");
    assert_eq!(
        count(&app.audit_actions(), "policy.requested"),
        7,
        "3 asks and 4 reminders"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn someone_who_joins_after_publishing_is_asked_too() {
    let app = TestApp::spawn().await;
    let head = app.sign_in_as(Role::Headteacher).await;
    publish(&app, "First version.").await;
    app.email_to(&head.email, "Please read").await;

    app.clock.advance(time::Duration::days(20));
    let newcomer = app.add_person("Priya Shah", Role::Staff);
    let ask = app
        .email_to(
            &newcomer.email,
            "Please read the Social Networking Policy, version 1",
        )
        .await;
    assert!(
        !ask.subject.contains("Reminder"),
        "a first ask, not a reminder"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn confirming_shows_the_date_removes_the_button_and_counts_once() {
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Headteacher).await;
    let tom = app.add_person("Tom Reed", Role::Staff);
    publish(&app, "First version.").await;
    let ask = app.email_to(&tom.email, "Please read").await;
    let browser = signed_in(&app, &tom).await;

    let (status, html) = browser.page(&link_in(&ask, &app)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Social Networking Policy, version 1"));
    assert!(html.contains("1 Dec 2026"), "the effective date");
    assert!(html.contains("First version."), "what changed");
    assert!(html.contains(CONFIRM));
    assert!(html.contains(r#"action="/policy/1/acknowledge""#));

    for _ in 0..2 {
        let response = browser.post_form("/policy/1/acknowledge", &[]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
    let (_, html) = browser.page("/policy").await;
    assert!(html.contains("You confirmed on 24 Nov 2026"), "{html}");
    assert!(!html.contains(CONFIRM), "no button once confirmed");
    assert_eq!(
        count(&app.audit_actions(), "policy.acknowledged"),
        1,
        "confirming twice is recorded once"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_version_asks_everyone_again_and_the_old_one_can_no_longer_be_confirmed() {
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Headteacher).await;
    let tom = app.add_person("Tom Reed", Role::Staff);
    publish(&app, "First version.").await;
    app.email_to(&tom.email, "version 1").await;
    let browser = signed_in(&app, &tom).await;
    browser.post_form("/policy/1/acknowledge", &[]).await;

    assert_eq!(
        publish(&app, "Clause d now covers former pupils.").await,
        "/policy/2"
    );
    let ask = app
        .email_to(
            &tom.email,
            "Please read the Social Networking Policy, version 2",
        )
        .await;
    assert!(link_in(&ask, &app).ends_with("/policy/2"));

    let (_, html) = browser.page("/policy").await;
    assert!(html.contains("Social Networking Policy, version 2"));
    assert!(html.contains("Clause d now covers former pupils."));
    assert!(html.contains(CONFIRM), "version 2 is still to confirm");
    assert!(
        html.contains(r#"href="/policy/1""#),
        "earlier versions listed"
    );

    let (status, html) = browser.page("/policy/1").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("replaced by version 2"), "{html}");
    assert!(!html.contains(CONFIRM));
    let response = browser.post_form("/policy/1/acknowledge", &[]).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("replaced by version 2"));

    for missing in ["/policy/3", "/policy/0", "/policy/first"] {
        assert_eq!(
            browser.get(missing).await.status(),
            StatusCode::NOT_FOUND,
            "{missing}"
        );
    }
    assert_eq!(
        browser
            .post_form("/policy/9/acknowledge", &[])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_head_sees_who_has_confirmed_and_who_has_not() {
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Headteacher).await;
    let tom = app.add_person("Tom Reed", Role::Staff);
    let amira = app.add_person("Amira Hussain", Role::Staff);
    app.add_person("Margaret Ellis", Role::Chair);
    publish(&app, "First version.").await;
    app.email_to(&amira.email, "Please read").await;
    signed_in(&app, &tom)
        .await
        .post_form("/policy/1/acknowledge", &[])
        .await;

    let (status, html) = app.page("/policy/1").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"href="/policy/1/acknowledgements""#));
    let (status, html) = app.page("/policy/1/acknowledgements").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("1 of 3</strong> people who work at the school have confirmed (33%)"),
        "{html}"
    );
    let (_, lists) = html
        .split_once("Not yet confirmed (2)")
        .expect("who has not");
    let (not_yet, confirmed) = lists.split_once("Confirmed (1)").expect("who has");
    assert!(not_yet.contains("Amira Hussain") && not_yet.contains("Helen Carter"));
    assert!(!not_yet.contains("Tom Reed"));
    assert!(confirmed.contains("Tom Reed") && confirmed.contains("24 Nov 2026"));
    assert!(!confirmed.contains("Amira Hussain"));
    assert!(!html.contains("Margaret Ellis"), "governors are not asked");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn someone_who_confirmed_and_then_left_stays_confirmed_and_is_shown_as_having_left() {
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Headteacher).await;
    let tom = app.add_person("Tom Reed", Role::Staff);
    let amira = app.add_person("Amira Hussain", Role::Staff);
    publish(&app, "First version.").await;
    signed_in(&app, &tom)
        .await
        .post_form("/policy/1/acknowledge", &[])
        .await;
    app.post_form(&format!("/people/{}/deactivate", tom.id), &[])
        .await;
    app.post_form(&format!("/people/{}/deactivate", amira.id), &[])
        .await;

    let (status, html) = app.page("/policy/1/acknowledgements").await;
    assert_eq!(status, StatusCode::OK);
    let (_, lists) = html
        .split_once("Not yet confirmed (1)")
        .expect("only the head has not");
    let (not_yet, confirmed) = lists.split_once("Confirmed (1)").expect("who has");
    assert!(
        confirmed.contains("Tom Reed") && confirmed.contains("Has left"),
        "{confirmed}"
    );
    assert!(!not_yet.contains("Tom Reed"));
    assert!(
        !not_yet.contains("Amira Hussain") && !confirmed.contains("Amira Hussain"),
        "a leaver who never confirmed is no longer asked"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn markdown_is_rendered_but_scripts_and_javascript_links_are_not() {
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Headteacher).await;
    publish_text(
        &app,
        "## Rationale\n\nWe **share** news.\n\n<script>alert('x')</script>\n\n\
         [Press here](javascript:alert(1)) or [the DfE](https://www.gov.uk/).\n\n\
         <a href=\"javascript:alert(2)\" onclick=\"alert(3)\">raw</a>\n",
        "First version.",
    )
    .await;
    let (_, html) = app.page("/policy/1").await;
    assert!(html.contains("<h2>Rationale</h2>"), "{html}");
    assert!(html.contains("<strong>share</strong>"));
    assert!(html.contains(r#"<a href="https://www.gov.uk/" rel="noopener noreferrer">the DfE</a>"#));
    assert!(!html.contains("<script"), "no script element");
    assert!(
        html.contains("&lt;script&gt;"),
        "raw HTML is shown as typed"
    );
    assert!(
        !html.contains("<a href=\"javascript"),
        "no javascript: link"
    );
    assert!(!html.contains("<a onclick"), "no handlers");
    assert!(html.contains("Press here</a>"), "the words stay");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_summary_or_a_bad_date_comes_back_with_the_text_kept() {
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Headteacher).await;
    let (_, html) = app.page("/policy").await;
    assert!(html.contains("No version of the policy has been published"));
    assert!(
        html.contains(r#"href="/policy/new""#),
        "the head may publish"
    );

    let response = app
        .post_form(
            "/policy/new",
            &[
                ("body", "Our policy & its <rules>"),
                ("effective_on", "31/12/2026"),
                ("summary", "  "),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(
        html.contains(r##"href="#summary""##),
        "the summary links to it"
    );
    assert!(html.contains(r#"id="summary-error""#));
    assert!(html.contains("Say what changed in this version"));
    assert!(html.contains(r#"id="effective_on-error""#));
    assert!(html.contains("Enter a real date"));
    assert!(
        html.contains("Our policy &#38; its &#60;rules&#62;</textarea>"),
        "the text is kept: {html}"
    );
    assert_eq!(count(&app.audit_actions(), "policy.published"), 0);

    // The form starts from the current version's text.
    publish(&app, "First version.").await;
    let (status, html) = app.page("/policy/new").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Publish version 2"));
    assert!(html.contains("Adults should **never** make a "), "{html}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_head_publishes_and_sees_who_confirmed_and_governors_only_read() {
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Headteacher).await;
    publish(&app, "First version.").await;
    for (name, role) in [
        ("Tom Reed", Role::Staff),
        ("David Okafor", Role::Slt),
        ("Margaret Ellis", Role::Chair),
    ] {
        let person = app.add_person(name, role);
        let browser = signed_in(&app, &person).await;
        for path in ["/policy/new", "/policy/1/acknowledgements"] {
            assert_eq!(
                browser.get(path).await.status(),
                StatusCode::FORBIDDEN,
                "{name} {path}"
            );
        }
        let response = browser
            .post_form(
                "/policy/new",
                &[
                    ("body", "Mine"),
                    ("effective_on", "2026-12-01"),
                    ("summary", "Mine"),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{name}");
        let (status, html) = browser.page("/policy").await;
        assert_eq!(status, StatusCode::OK, "{name} reads the policy");
        assert!(!html.contains("Publish a new version"));
        if role == Role::Chair {
            assert!(html.contains("Governors read the policy here"));
            assert!(!html.contains(CONFIRM));
            assert_eq!(
                browser
                    .post_form("/policy/1/acknowledge", &[])
                    .await
                    .status(),
                StatusCode::FORBIDDEN
            );
        } else {
            assert!(html.contains(CONFIRM), "{name}");
        }
    }
    assert_eq!(
        app.page("/policy/2").await.0,
        StatusCode::NOT_FOUND,
        "nothing published by them"
    );
}
