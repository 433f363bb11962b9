//! Running the policy day to day: each person's home page says what needs
//! them, the weekly digest goes on Mondays at 07:00, and the governors'
//! report counts a term.

use custodian::people::domain::Role;
use reqwest::StatusCode;

use crate::helpers::{csv_text, id_from, ReceivedEmail, Smtp, TestApp, Visitor, PASSWORD};

/// Waits until `n` received emails match, and returns them.
async fn wait_for_matching(
    app: &TestApp,
    pred: impl Fn(&ReceivedEmail) -> bool,
    n: usize,
) -> Vec<ReceivedEmail> {
    for _ in 0..200 {
        let found: Vec<_> = app
            .mail
            .received()
            .into_iter()
            .filter(|m| pred(m))
            .collect();
        if found.len() >= n {
            return found;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let all: Vec<_> = app
        .mail
        .received()
        .into_iter()
        .map(|m| (m.to, m.subject))
        .collect();
    panic!("fewer than {n} matching emails: {all:?}");
}

/// The "What needs you" part of the home page.
fn needs(home: &str) -> String {
    let start = home.find("What needs you").expect("the needs section");
    let end = home[start..]
        .find("</section>")
        .unwrap_or(home.len() - start);
    home[start..start + end].to_owned()
}

async fn declare(who: &Visitor) -> String {
    let response = who
        .post_form(
            "/declarations/new",
            &[
                ("contact_name", "Jordan Whitfield"),
                ("link", "parent_carer"),
                ("class_or_year", "Year 4"),
                ("nature", "neighbour"),
                ("in_person", "yes"),
                ("since", "2021"),
                ("description", "Next door."),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    id_from(&response)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_home_page_lists_what_needs_that_person_and_links_to_it() {
    let app = TestApp::spawn().await;
    let _head = app.sign_in_as(Role::Headteacher).await;
    let (_, tom) = app.person_signed_in("Tom Reed", Role::Staff).await;
    let (_, chair) = app.person_signed_in("Margaret Ellis", Role::Chair).await;

    // A member of staff owes this year's answer on declarations.
    let (_, home) = tom.page("/").await;
    assert!(needs(&home).contains("Confirm your declarations for this school year"));
    let response = tom.post_form("/declarations/nil-return", &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, home) = tom.page("/").await;
    assert!(
        needs(&home).contains("Nothing needs you today"),
        "{}",
        needs(&home)
    );

    // Two declarations await the head; the chair has nothing.
    declare(&tom).await;
    declare(&tom).await;
    let (_, home) = app.page("/").await;
    let head_needs = needs(&home);
    assert!(head_needs.contains("2 declarations await your review"));
    assert!(head_needs.contains(r#"href="/declarations/review""#));
    let (_, home) = chair.page("/").await;
    assert!(needs(&home).contains("Nothing needs you today"));
    assert!(
        !home.contains("Confirm your declarations"),
        "governors do not declare"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slt_see_accounts_that_need_them_and_emails_that_failed() {
    // Mail is held (no server), so nothing but the test changes its status.
    let app = TestApp::spawn_with(Smtp::Unset).await;
    let slt = app.sign_in_as(Role::Slt).await;
    let (_, home) = app.page("/").await;
    assert!(needs(&home).contains("Nothing needs you today") || !needs(&home).contains("account"));

    // An account with no custodian needs someone now.
    {
        use custodian::accounts::{domain, service};
        let mut conn = app.db.conn().unwrap();
        let by = service::By {
            id: slt.id,
            name: slt.name.clone(),
            role: Role::Slt,
        };
        let new = domain::NewAccount::parse(
            "facebook",
            "Oakfield",
            "https://facebook.com/oakfield",
            "News",
            None,
            time::macros::date!(2026 - 11 - 24),
        )
        .unwrap();
        let account = service::open(&mut conn, &app.ctx(), &by, new)
            .unwrap()
            .unwrap();
        let custodians =
            custodian::accounts::store::list_current_custodians(&mut conn, Some(account.id))
                .unwrap();
        assert_eq!(custodians.len(), 1, "the opener holds it");
    }
    // The opener leaves SLT: the account has no active custodian.
    {
        use custodian::db::schema::people;
        use diesel::prelude::*;
        let mut conn = app.db.conn().unwrap();
        diesel::update(people::table.find(slt.id.to_string()))
            .set(people::role.eq("staff"))
            .execute(&mut *conn)
            .unwrap();
    }
    let deputy = app.add_person("Priya Shah", Role::Slt);
    let browser = TestApp::spawn_client(&app);
    browser.sign_in(&deputy.email, PASSWORD).await;
    let (_, home) = browser.page("/").await;
    assert!(
        needs(&home).contains("1 account has no active custodian"),
        "{}",
        needs(&home)
    );

    // Mail that failed 30 times shows, for SLT as for the head.
    {
        use custodian::db::schema::outbox;
        use diesel::prelude::*;
        let mut conn = app.db.conn().unwrap();
        diesel::update(outbox::table)
            .set(outbox::status.eq("failed"))
            .execute(&mut *conn)
            .unwrap();
    }
    let (_, home) = browser.page("/").await;
    assert!(needs(&home).contains("failed to send"), "{}", needs(&home));
}

/// Moves the clock to the next Monday at 07:00 London time (GMT in
/// November) and a little after.
fn to_monday_seven(app: &TestApp) {
    // The test clock starts on Tuesday 24 November 2026 at 08:00 UTC.
    app.clock
        .advance(time::Duration::days(6) - time::Duration::minutes(59));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_head_gets_a_weekly_digest_on_monday_morning_once() {
    let app = TestApp::spawn_configured(Smtp::Running, |s| s.send_digests = true).await;
    let head = app.sign_in_as(Role::Headteacher).await;
    let (_, tom) = app.person_signed_in("Tom Reed", Role::Staff).await;
    let (chair, chair_browser) = app.person_signed_in("Margaret Ellis", Role::Chair).await;
    // Last Monday's digest covered a week before they joined: none goes.
    app.run_scheduled_work().await;
    assert!(
        app.mail.subjects().iter().all(|s| !s.contains("digest")),
        "no digest of a week before they joined"
    );

    // This week: a person added and a declaration.
    app.add_person("Amira Hussain", Role::Staff);
    declare(&tom).await;
    to_monday_seven(&app);
    let digest = wait_for_matching(
        &app,
        |m| m.to.contains(&head.email) && m.subject.contains("weekly Custodian digest"),
        1,
    )
    .await;
    let digest = digest.last().expect("this week's digest");
    assert!(digest.text.contains("Amira Hussain"), "{}", digest.text);
    assert!(digest.text.contains("Declarations: 1 change recorded"));
    assert!(!digest.text.contains("Jordan Whitfield") && !digest.text.contains("Year 4"));
    assert!(digest.text.contains("/me"), "how to switch it off");

    // The chair's is about the head only, and not in the head's email log.
    let chairs = wait_for_matching(
        &app,
        |m| m.to.contains(&chair.email) && m.subject.contains("week of 23 Nov"),
        1,
    )
    .await;
    assert!(!chairs[0].text.contains("Amira Hussain"));
    app.sign_in(&head.email, PASSWORD).await;
    let (_, emails) = app.page("/emails").await;
    assert!(emails.contains(&head.email) && !emails.contains(&chair.email));

    let digests_to = |address: &str| {
        app.mail
            .received()
            .iter()
            .filter(|m| m.to.iter().any(|t| t == address) && m.subject.contains("digest"))
            .count()
    };
    // Time passes without a second digest for the same week.
    app.run_scheduled_work().await;
    assert_eq!(digests_to(&head.email), 1, "once a week");
    let chairs_before = digests_to(&chair.email);

    // The chair switches it off: three weeks later (the server was down),
    // the head gets one digest, the chair none.
    chair_browser.sign_in(&chair.email, PASSWORD).await;
    let response = chair_browser
        .post_form("/me/digest", &[("digest", "off")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, me) = chair_browser.page("/me").await;
    assert!(me.contains("Switch the weekly digest on"));
    app.clock.advance(time::Duration::days(21));
    wait_for_matching(
        &app,
        |m| m.to.contains(&head.email) && m.subject.contains("weekly Custodian digest"),
        2,
    )
    .await;
    app.run_scheduled_work().await;
    assert_eq!(digests_to(&head.email), 2, "only the latest missed week");
    assert_eq!(digests_to(&chair.email), chairs_before, "switched off");
    let actions = app.audit_actions();
    assert!(actions.contains(&"digest.switched_off".to_string()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_is_for_the_head_slt_and_chair_and_downloads_as_csv() {
    let app = TestApp::spawn().await;
    let _head = app.sign_in_as(Role::Headteacher).await;
    let (_, tom) = app.person_signed_in("Tom Reed", Role::Staff).await;
    let (_, chair) = app.person_signed_in("Margaret Ellis", Role::Chair).await;
    declare(&tom).await;

    let (status, html) = app.page("/reports/governors").await;
    assert_eq!(status, 200);
    assert!(html.contains("Autumn term 2026"));
    assert!(html.contains("Declarations made"));
    assert!(!html.contains("Jordan Whitfield"), "never a name");
    assert!(
        !html.contains("About the headteacher"),
        "not in the head's copy"
    );
    let (_, html) = chair.page("/reports/governors").await;
    assert!(html.contains("About the headteacher"));
    assert_eq!(
        tom.page("/reports/governors").await.0,
        StatusCode::FORBIDDEN
    );

    let (status, html) = app
        .page("/reports/governors?from=2026-12-01&until=2026-11-01")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("The last day must be on or after the first"));

    let csv = app
        .get("/reports/governors.csv?from=2026-11-01&until=2026-11-30")
        .await;
    assert_eq!(csv.status(), 200);
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let body = csv_text(csv).await;
    assert!(body.starts_with("period,from,until,section,measure,value"));
    assert!(body.contains(
        "1 Nov 2026 to 30 Nov 2026,2026-11-01,2026-11-30,Declarations of contact with families,Declarations made,1"
    ), "{body}");
}

/// The figures of the report, checked against what the demo school's
/// script records (src/demo/), over the demo's 90 days.
#[test]
fn the_governors_report_counts_what_the_demo_school_recorded() {
    use custodian::db::{DatabaseUrl, Db};
    use custodian::oversight::report;
    use std::sync::Arc;
    let dir = tempfile::tempdir().unwrap();
    let mut settings = custodian::config::Settings::from_vars(&Default::default()).unwrap();
    settings.database_url = DatabaseUrl::Sqlite(dir.path().join("demo.db"));
    settings.password_hashing = custodian::auth::password::HashParams::cheap_for_tests();
    custodian::demo::seed(&settings).unwrap();
    let db = Db::open(&settings.database_url, 1).unwrap();
    let mut conn = db.conn().unwrap();
    let ctx = custodian::startup::ctx(
        Arc::new(settings.clone()),
        Arc::new(custodian::clock::SystemClock),
    );
    let today =
        custodian::web::format::local_date(time::OffsetDateTime::now_utc(), settings.time_zone);
    let from = today - time::Duration::days(100);
    let mut figures = |for_chair| report::figures(&mut conn, &ctx, from, today, for_chair).unwrap();
    let sections = figures(false);
    let value = |title: &str, label: &str| {
        sections
            .iter()
            .find(|s| s.title == title)
            .and_then(|s| s.value(label))
            .unwrap_or_else(|| panic!("no figure '{label}' under '{title}'"))
            .to_owned()
    };
    // The script opens Facebook, records X, Instagram and YouTube as
    // existing (opened long ago), and closes YouTube.
    let accounts = "Official accounts";
    assert_eq!(value(accounts, "Accounts opened"), "1");
    assert_eq!(value(accounts, "Accounts closed"), "1");
    assert_eq!(value(accounts, "Accounts open now"), "3");
    // Six grants: Sam's on X revoked; Sam's on Facebook ended on its date
    // and the leaver's on deactivation.
    assert_eq!(value(accounts, "Grants of access made"), "6");
    assert_eq!(value(accounts, "Grants revoked"), "1");
    assert_eq!(
        value(
            accounts,
            "Grants ended (end date, leaver or account closed)"
        ),
        "2"
    );
    assert_eq!(value(accounts, "Access reviews done"), "1");
    assert_eq!(value(accounts, "Password changes recorded"), "2");
    // Six declarations: the neighbour's updated (awaiting again), one
    // returned, one acknowledged, one ended, and two new, one the head's.
    let declarations = "Declarations of contact with families";
    assert_eq!(value(declarations, "Declarations made"), "6");
    assert_eq!(value(declarations, "Awaiting review now"), "3");
    assert_eq!(value(declarations, "Returned for more detail now"), "1");
    assert_eq!(value(declarations, "Acknowledged and current now"), "1");
    assert_eq!(value(declarations, "Ended"), "1");
    // Tom confirmed and Sam made a nil return, of seven who work there.
    let year = custodian::declarations::domain::school_year_label(
        custodian::declarations::domain::school_year(today, settings.reconfirm_from),
    );
    assert_eq!(
        value(
            declarations,
            &format!("Staff who answered the {year} reconfirmation")
        ),
        "28% (2 of 7)"
    );
    // Five concerns for the head (two more, about the head, are not here).
    let concerns = "Concerns raised with the headteacher";
    assert_eq!(value(concerns, "Concerns raised"), "5");
    assert_eq!(value(concerns, "About: a member of staff"), "3");
    assert_eq!(value(concerns, "Concerns closed"), "3");
    assert_eq!(value(concerns, "Outcome: unsubstantiated"), "1");
    assert_eq!(value(concerns, "Outcome: no further action"), "1");
    assert_eq!(
        value(concerns, "Outcome: recorded as a low-level concern"),
        "1"
    );
    assert_eq!(value(concerns, "Days from raised to closed (longest)"), "7");
    assert_eq!(value(concerns, "Open now"), "2");
    assert!(sections.iter().all(|s| s
        .figures
        .iter()
        .all(|f| !f.label.contains("About the headteacher"))));
    let chairs = figures(true);
    let about_head = chairs
        .iter()
        .find_map(|s| s.value("About the headteacher (the chair's copy only)"))
        .unwrap();
    // The demo's concern about the head; the one that also implicates the
    // chair went to the LADO and is not the chair's to count.
    assert_eq!(about_head, "1");
    // The policy, published once; the head, Priya and Tom confirmed.
    let policy = "The Social Networking Policy";
    assert_eq!(value(policy, "Current version"), "1");
    assert_eq!(
        value(
            policy,
            "Staff who confirmed they read it and reviewed their profiles"
        ),
        "42% (3 of 7)"
    );
    // Four moderation actions, one for each of four reasons.
    let moderation = "Moderation of the official accounts";
    assert_eq!(value(moderation, "Moderation actions"), "4");
    assert_eq!(
        value(moderation, "Reason: advertising products or services"),
        "1"
    );
    assert_eq!(
        value(moderation, "Reason: comments that identify children"),
        "1"
    );
    assert_eq!(value(moderation, "Reason: photographs of children"), "0");
}
