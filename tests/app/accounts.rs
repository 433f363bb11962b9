//! Official accounts and credential custody (policy clause j).

use custodian::people::domain::Role;
use reqwest::StatusCode;

use crate::helpers::{csv_text, id_from, link_in, TestApp, TestPerson, PASSWORD};

async fn give_access(
    app: &TestApp,
    account: &str,
    to: &TestPerson,
    ends_on: &str,
) -> reqwest::Response {
    app.post_form(
        &format!("/accounts/{account}/grants/new"),
        &[
            ("grantee", &to.id.to_string()),
            ("aim", "events"),
            ("purpose", "Posting from the Year 6 trip"),
            ("ends_on", ends_on),
        ],
    )
    .await
}

fn stored_message_id(app: &TestApp, grant: &str) -> Option<String> {
    use custodian::db::schema::grants;
    use diesel::prelude::*;
    grants::table
        .find(grant)
        .select(grants::message_id)
        .first(&mut *app.db.conn().unwrap())
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slt_open_an_account_and_everyone_senior_is_emailed() {
    let app = TestApp::spawn().await;
    let slt = app.sign_in_as(Role::Slt).await;
    let head = app.add_person("Helen Carter", Role::Headteacher);
    let id = app.open_account("Oakfield Primary").await;

    let (status, html) = app.page(&format!("/accounts/{id}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Oakfield Primary"));
    assert!(
        html.contains(&slt.name),
        "the opener is the first custodian"
    );
    assert!(
        html.contains("password manager"),
        "the page says where the password lives"
    );
    assert!(
        !html.to_lowercase().contains(r#"type="password""#),
        "no field ever takes a password"
    );

    let email = app.email_to(&head.email, "Official account recorded").await;
    assert!(email.to.contains(&slt.email));
    assert!(app.audit_actions().contains(&"account.opened".to_owned()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_existing_account_records_its_historical_opener_who_must_be_slt() {
    let app = TestApp::spawn().await;
    let slt = app.sign_in_as(Role::Slt).await;
    let head = app.add_person("Helen Carter", Role::Headteacher);
    let staff = app.add_person("Tom Reed", Role::Staff);
    let fields = |opener: &TestPerson, date: &'static str| {
        vec![
            ("platform".to_owned(), "x".to_owned()),
            ("handle".to_owned(), "@OakfieldPS".to_owned()),
            (
                "profile_url".to_owned(),
                "https://x.com/OakfieldPS".to_owned(),
            ),
            ("purpose".to_owned(), "Announcements".to_owned()),
            ("opened_on".to_owned(), date.to_owned()),
            ("opened_by".to_owned(), opener.id.to_string()),
        ]
    };
    let app = &app;
    let post = |fields: Vec<(String, String)>| async move {
        let pairs: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        app.post_form("/accounts/existing", &pairs).await
    };
    // A member of staff can never be recorded as the opener.
    let response = post(fields(&staff, "2021-09-06")).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("Only a member of the Senior Leadership Team can have opened"));
    assert!(html.contains("@OakfieldPS"), "entries kept");

    let response = post(fields(&head, "2021-09-06")).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page(&format!("/accounts/{}", id_from(&response))).await;
    assert!(html.contains("6 Sep 2021 by Helen Carter (recorded later)"));
    assert!(
        html.contains(&format!("24 Nov 2026, 08:00 by {}", slt.name)),
        "who entered it, and when"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grant_emails_its_written_record_and_stores_its_message_id() {
    let app = TestApp::spawn().await;
    let slt = app.sign_in_as(Role::Slt).await;
    let head = app.add_person("Helen Carter", Role::Headteacher);
    let staff = app.add_person("Tom Reed", Role::Staff);
    let account = app.open_account("Oakfield Primary").await;
    let response = give_access(&app, &account, &staff, "2026-12-19").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let grant = id_from(&response);

    let email = app
        .email_to(&staff.email, "Record of access to Oakfield Primary")
        .await;
    for copied in [&slt.email, &head.email] {
        assert!(email.to.contains(copied), "{copied} is copied");
    }
    assert!(email.text.contains("written record"));
    assert!(
        email.text.contains("Never identify a child"),
        "the guidelines in short"
    );
    assert!(email.text.contains("ends at the end of 19 Dec 2026"));
    let stored = stored_message_id(&app, &grant).expect("the Message-ID is stored");
    assert_eq!(stored, format!("<{}>", email.message_id));

    // The grant shows when its record was sent.
    for _ in 0..40 {
        let (_, html) = app.page(&format!("/grants/{grant}")).await;
        if html.contains("Sent 24 Nov 2026") {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the grant never showed its email as sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_grantee_confirms_from_the_email_link() {
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Slt).await;
    let staff = app.add_person("Tom Reed", Role::Staff);
    let account = app.open_account("Oakfield Primary").await;
    let grant = id_from(&give_access(&app, &account, &staff, "").await);
    let email = app.email_to(&staff.email, "Record of access").await;
    let link = link_in(&email, &app);
    assert!(link.ends_with(&format!("/grants/{grant}")));

    let tom = TestApp::spawn_client(&app);
    tom.sign_in(&staff.email, PASSWORD).await;
    let (status, html) = tom.page(&link).await;
    assert_eq!(status, 200);
    assert!(html.contains("I have received access and will follow these guidelines"));
    let response = tom
        .post_form(&format!("/grants/{grant}/confirm"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, html) = tom.page(&link).await;
    assert!(html.contains("Your confirmation is recorded") || html.contains("24 Nov 2026, 08:00"));
    assert!(app.audit_actions().contains(&"grant.confirmed".to_owned()));

    // Another member of staff may not see or confirm it.
    let other = app.add_person("Amira Hussain", Role::Staff);
    let amira = TestApp::spawn_client(&app);
    amira.sign_in(&other.email, PASSWORD).await;
    assert_eq!(amira.get(&link).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        amira
            .post_form(&format!("/grants/{grant}/confirm"), &[])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn who_may_be_given_access_is_enforced() {
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Slt).await;
    let staff = app.add_person("Tom Reed", Role::Staff);
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
    let account = app.open_account("Oakfield Primary").await;

    for refused in [&chair, &leaver] {
        let response = give_access(&app, &account, refused, "").await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            refused.name
        );
        assert!(response
            .text()
            .await
            .unwrap()
            .contains("never a governor or someone who has left"));
    }
    let past = give_access(&app, &account, &staff, "2026-11-23").await;
    assert_eq!(past.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(past
        .text()
        .await
        .unwrap()
        .contains("The end date is in the past"));

    assert_eq!(
        give_access(&app, &account, &staff, "").await.status(),
        StatusCode::SEE_OTHER
    );
    let twice = give_access(&app, &account, &staff, "").await;
    assert_eq!(twice.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(twice
        .text()
        .await
        .unwrap()
        .contains("already has live access"));
    app.mail.wait_for_count(3).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoking_emails_everyone_concerned_and_puts_the_account_into_password_change_due() {
    let app = TestApp::spawn().await;
    let slt = app.sign_in_as(Role::Slt).await;
    let head = app.add_person("Helen Carter", Role::Headteacher);
    let staff = app.add_person("Tom Reed", Role::Staff);
    let account = app.open_account("Oakfield Primary").await;
    let grant = id_from(&give_access(&app, &account, &staff, "").await);

    let no_reason = app
        .post_form(&format!("/grants/{grant}/revoke"), &[("reason", " ")])
        .await;
    assert_eq!(no_reason.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_reason.text().await.unwrap().contains("Give the reason"));

    let response = app
        .post_form(
            &format!("/grants/{grant}/revoke"),
            &[("reason", "The trip is over")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let email = app.email_to(&staff.email, "password change due").await;
    assert!(email.to.contains(&slt.email) && email.to.contains(&head.email));
    let (_, html) = app.page(&format!("/accounts/{account}")).await;
    assert!(html.contains("Password change due"));
    assert!(html.contains("Revoked"));

    // A custodian records the change; that clears it.
    let response = app
        .post_form(
            &format!("/accounts/{account}/password-changed"),
            &[("changed_on", "2026-11-24"), ("note", "")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page(&format!("/accounts/{account}")).await;
    assert!(!html.contains("Password change due"));
    assert!(html.contains("24 Nov 2026"));
    app.email_to(&head.email, "Password change recorded").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_change_cannot_be_recorded_in_the_future_or_by_a_non_custodian() {
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Slt).await;
    let account = app.open_account("Oakfield Primary").await;
    let future = app
        .post_form(
            &format!("/accounts/{account}/password-changed"),
            &[("changed_on", "2026-12-25")],
        )
        .await;
    assert_eq!(future.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(future
        .text()
        .await
        .unwrap()
        .contains("cannot be in the future"));

    let other_slt = app.add_person("Priya Shah", Role::Slt);
    let priya = TestApp::spawn_client(&app);
    priya.sign_in(&other_slt.email, PASSWORD).await;
    let response = priya
        .post_form(
            &format!("/accounts/{account}/password-changed"),
            &[("changed_on", "2026-11-24")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    app.mail.wait_for_count(1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grant_ends_by_itself_after_its_end_date() {
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Slt).await;
    let staff = app.add_person("Tom Reed", Role::Staff);
    let account = app.open_account("Oakfield Primary").await;
    give_access(&app, &account, &staff, "2026-11-25").await;
    app.email_to(&staff.email, "Record of access").await;

    // Still live through the end date.
    app.clock.advance(time::Duration::hours(30));
    app.run_scheduled_work().await;
    assert!(!app.audit_actions().contains(&"grant.expired".to_owned()));
    // The day after, the background job ends it.
    app.clock.advance(time::Duration::hours(20));
    let email = app.email_to(&staff.email, "password change due").await;
    assert!(email.text.contains("Ended on its end date"));
    assert!(app.audit_actions().contains(&"grant.expired".to_owned()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leaver_loses_access_and_the_account_needs_a_new_password() {
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Headteacher).await;
    let staff = app.add_person("Tom Reed", Role::Staff);
    let account = app.open_account("Oakfield Primary").await;
    give_access(&app, &account, &staff, "").await;
    app.post_form(&format!("/people/{}/deactivate", staff.id), &[])
        .await;
    let email = app.email_to(&staff.email, "password change due").await;
    assert!(email.text.contains("the person left"));
    let deactivated = app
        .mail
        .wait_for(|m| m.subject.contains("has been deactivated"))
        .await
        .unwrap();
    assert!(deactivated.text.contains("access to 1 official account"));
    let (_, html) = app.page(&format!("/people/{}", staff.id)).await;
    assert!(html.contains("Ended: the person left"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_an_account_ends_every_grant_on_it() {
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Slt).await;
    let tom = app.add_person("Tom Reed", Role::Staff);
    let amira = app.add_person("Amira Hussain", Role::Staff);
    let account = app.open_account("Oakfield Primary").await;
    give_access(&app, &account, &tom, "").await;
    give_access(&app, &account, &amira, "").await;
    let response = app
        .post_form(
            &format!("/accounts/{account}/close"),
            &[("reason", "Moving to the website")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page(&format!("/accounts/{account}")).await;
    assert!(html.contains("Closed"));
    assert_eq!(html.matches("Ended: the account was closed").count(), 2);
    assert_eq!(
        give_access(&app, &account, &tom, "").await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    app.email_to(&amira.email, "Access to Oakfield Primary ended")
        .await;
    app.mail
        .wait_for(|m| m.subject.contains("Official account closed"))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_last_active_custodian_cannot_be_removed_and_a_leaving_one_flags_the_account() {
    let app = TestApp::spawn().await;
    let slt = app.sign_in_as(Role::Headteacher).await;
    let account = app.open_account("Oakfield Primary").await;
    let response = app
        .post_form(
            &format!("/accounts/{account}/custodians/{}/remove", slt.id),
            &[],
        )
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);

    let priya = app.add_person("Priya Shah", Role::Slt);
    app.post_form(
        &format!("/accounts/{account}/custodians"),
        &[("person_id", &priya.id.to_string())],
    )
    .await;
    let response = app
        .post_form(
            &format!("/accounts/{account}/custodians/{}/remove", slt.id),
            &[],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    // Priya stops being SLT: the account has no active custodian, and says so.
    app.post_form(&format!("/people/{}/role", priya.id), &[("role", "staff")])
        .await;
    let (_, html) = app.page("/accounts").await;
    assert!(html.contains("No active custodian"));
    let actions = app.audit_actions();
    assert!(actions.contains(&"account.custodian_added".to_owned()));
    assert!(actions.contains(&"account.custodian_removed".to_owned()));
    app.mail.wait_for_count(2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_access_review_keeps_or_revokes_each_live_grant() {
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Slt).await;
    let tom = app.add_person("Tom Reed", Role::Staff);
    let amira = app.add_person("Amira Hussain", Role::Staff);
    let account = app.open_account("Oakfield Primary").await;
    let keep = id_from(&give_access(&app, &account, &tom, "").await);
    let drop = id_from(&give_access(&app, &account, &amira, "").await);

    // Every grant needs a decision.
    let partial = app
        .post_form(
            &format!("/accounts/{account}/review"),
            &[(&format!("decision-{keep}"), "keep")],
        )
        .await;
    assert_eq!(partial.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(partial
        .text()
        .await
        .unwrap()
        .contains("Choose keep or revoke for every person"));

    let response = app
        .post_form(
            &format!("/accounts/{account}/review"),
            &[
                (&format!("decision-{keep}"), "keep"),
                (&format!("decision-{drop}"), "revoke"),
                ("notes", "Autumn term review"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page(&format!("/accounts/{account}")).await;
    assert!(html.contains("Revoked at an access review"));
    assert!(html.contains("1 kept, 1 revoked"));
    assert!(!html.contains("Never"), "the last review date is shown");
    app.email_to(&amira.email, "password change due").await;

    // Four months on, the review is overdue.
    app.clock.advance(time::Duration::days(125));
    let again = TestApp::spawn_client(&app);
    let slt = app.add_person("Priya Shah", Role::Slt);
    again.sign_in(&slt.email, PASSWORD).await;
    let (_, html) = again.page("/accounts").await;
    assert!(html.contains("Access review overdue"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_see_the_register_and_their_own_access_but_nothing_more() {
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Slt).await;
    let tom = app.add_person("Tom Reed", Role::Staff);
    let amira = app.add_person("Amira Hussain", Role::Staff);
    let account = app.open_account("Oakfield Primary").await;
    give_access(&app, &account, &tom, "2026-12-19").await;
    give_access(&app, &account, &amira, "").await;

    let browser = TestApp::spawn_client(&app);
    browser.sign_in(&tom.email, PASSWORD).await;
    let (status, html) = browser.page("/accounts").await;
    assert_eq!(status, 200);
    assert!(html.contains("Oakfield Primary"));
    assert!(html.contains("You have access until 19 Dec 2026"));
    let (_, html) = browser.page(&format!("/accounts/{account}")).await;
    assert!(html.contains("Tom Reed"));
    assert!(!html.contains("Amira Hussain"), "not other people's grants");
    assert!(!html.contains("History"));
    for path in [
        "/accounts/new".to_owned(),
        "/accounts/export.csv".to_owned(),
        format!("/accounts/{account}/review"),
        format!("/accounts/{account}/close"),
        format!("/accounts/{account}/history.csv"),
    ] {
        assert_eq!(
            browser.get(&path).await.status(),
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    app.mail.wait_for_count(2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_register_and_an_accounts_history_export_as_csv() {
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Slt).await;
    let tom = app.add_person("Tom Reed", Role::Staff);
    let account = app.open_account("Oakfield Primary").await;
    give_access(&app, &account, &tom, "").await;
    let csv = app.get("/accounts/export.csv").await;
    assert_eq!(
        csv.headers().get("content-type").unwrap(),
        "text/csv; charset=utf-8"
    );
    let body = csv_text(csv).await;
    assert!(body.starts_with("platform,handle,profile_url"));
    assert!(body.contains("Oakfield Primary") && body.contains("Tom Reed"));
    let history = app
        .get(&format!("/accounts/{account}/history.csv"))
        .await
        .text()
        .await
        .unwrap();
    assert!(history.contains("account.opened") && history.contains("grant.made"));
    app.mail.wait_for_count(2).await;
}
