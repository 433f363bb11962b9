//! The chair of governors is not the head's to appoint: it passes only by
//! the sitting chair's handover (accepted from an emailed link) or from the
//! command line, and every change of chair is recorded and emailed.

use custodian::people::domain::Role;
use custodian::people::{actor::Actor, service};
use diesel::prelude::*;
use reqwest::StatusCode;

use crate::helpers::{link_in, Smtp, TestApp, TestPerson, Visitor, PASSWORD};
use crate::secrets::{
    assert_stored_links_open_nothing, emails_about, stored, token_of, tokens_in, wait_for_status,
};

/// A concern about the head, raised by a member of staff: only the chair
/// may open it.
fn concern_about_the_head(app: &TestApp) -> String {
    use custodian::concerns::domain::{NewConcern, RaiseInput};
    use custodian::concerns::service as concerns;
    let raiser = app.add_person("Sam Jones", Role::Staff);
    let me = Actor::Person {
        id: raiser.id,
        name: raiser.name.clone(),
        role: raiser.role,
    };
    let new = NewConcern::parse(
        &RaiseInput {
            about: "headteacher".into(),
            about_detail: "A post".into(),
            happened_on: "2026-11-20".into(),
            what_happened: "What was seen".into(),
            ..RaiseInput::default()
        },
        time::macros::date!(2026 - 11 - 24),
    )
    .unwrap();
    let mut conn = app.db.conn().unwrap();
    custodian::tx::write(&mut conn, &app.ctx(), &me, |tx| {
        concerns::raise(tx, Ok(new), vec![])
    })
    .unwrap()
    .concern
    .id
    .to_string()
}

fn role_of(app: &TestApp, person: &TestPerson) -> (Role, bool) {
    let mut conn = app.db.conn().unwrap();
    let found = custodian::people::store::get_person(&mut conn, person.id).unwrap();
    (found.role, found.active)
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_head_cannot_give_or_take_the_chair() {
    let app = TestApp::spawn().await;
    let head = app.sign_in_as(Role::Headteacher).await;
    let chair = app.add_person("Margaret Ellis", Role::Chair);
    let friend = app.add_person("Pat Friend", Role::Staff);
    let about_head = concern_about_the_head(&app);

    // The pages offer no chair to give and no action on the chair.
    let (_, form) = app.page("/people/new").await;
    assert!(
        !form.contains(r#"value="chair""#),
        "no chair on the add form"
    );
    let (_, friends) = app.page(&format!("/people/{}", friend.id)).await;
    assert!(friends.contains("Change role"));
    assert!(
        !friends.contains(r#"value="chair""#),
        "no chair in the role list"
    );
    let (_, chairs) = app.page(&format!("/people/{}", chair.id)).await;
    assert!(!chairs.contains(&format!("/people/{}/deactivate", chair.id)));
    assert!(!chairs.contains(&format!("/people/{}/role", chair.id)));

    // A crafted form to add a new chair is refused beside the role.
    let response = app
        .post_form(
            "/people/new",
            &[
                ("name", "Chris Crony"),
                ("email", "chris@oakfield.example"),
                ("role", "chair"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("handed over by the sitting chair"));

    // Making a friend chair, demoting or deactivating the chair: 403.
    let make_friend_chair = app
        .post_form(&format!("/people/{}/role", friend.id), &[("role", "chair")])
        .await;
    assert_eq!(make_friend_chair.status(), StatusCode::FORBIDDEN);
    let demote = app
        .post_form(&format!("/people/{}/role", chair.id), &[("role", "staff")])
        .await;
    assert_eq!(demote.status(), StatusCode::FORBIDDEN);
    let deactivate = app
        .post_form(&format!("/people/{}/deactivate", chair.id), &[])
        .await;
    assert_eq!(deactivate.status(), StatusCode::FORBIDDEN);
    // There is no way to change anyone's email address on the web.
    let email = app
        .post_form(
            &format!("/people/{}/email", chair.id),
            &[("email", &head.email)],
        )
        .await;
    assert!(!email.status().is_success() && !email.status().is_redirection());

    // Nothing changed: the chair is still the chair, the friend still staff,
    // and the friend cannot open the concern about the head.
    assert_eq!(role_of(&app, &chair), (Role::Chair, true));
    assert_eq!(role_of(&app, &friend), (Role::Staff, true));
    {
        use custodian::db::schema::people;
        let mut conn = app.db.conn().unwrap();
        let added: i64 = people::table
            .filter(people::email.eq("chris@oakfield.example"))
            .count()
            .get_result(&mut *conn)
            .unwrap();
        assert_eq!(added, 0);
        let address: String = people::table
            .find(chair.id.to_string())
            .select(people::email)
            .first(&mut *conn)
            .unwrap();
        assert_eq!(address, chair.email);
    }
    let friend_browser = signed_in(&app, &friend).await;
    let (status, _) = friend_browser
        .page(&format!("/concerns/{about_head}"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // SLT cannot either.
    let (_, slt) = app.person_signed_in("David Okafor", Role::Slt).await;
    let response = slt
        .post_form(&format!("/people/{}/role", friend.id), &[("role", "chair")])
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(role_of(&app, &friend), (Role::Staff, true));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chair_hands_over_and_the_successor_accepts_from_the_emailed_link() {
    let app = TestApp::spawn().await;
    let head = app.add_person("Helen Carter", Role::Headteacher);
    let (chair, chair_browser) = app.person_signed_in("Margaret Ellis", Role::Chair).await;
    let (nia, nia_browser) = app.person_signed_in("Nia Evans", Role::Staff).await;
    let about_head = concern_about_the_head(&app);

    // The chair names Nia; nothing changes until Nia accepts.
    let (status, page) = chair_browser.page("/chair/handover").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Nia Evans"));
    assert!(!page.contains("Helen Carter"), "never the head");
    let response = chair_browser
        .post_form("/chair/handover", &[("successor", &nia.id.to_string())])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let offer = app.email_to(&nia.email, "chair of governors").await;
    let link = link_in(&offer, &app);
    assert_eq!(role_of(&app, &nia), (Role::Staff, true));
    let (status, _) = nia_browser.page(&format!("/concerns/{about_head}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "not before accepting");

    // Signed out, the link asks for sign-in first: the link alone is not enough.
    let response = app.new_client().get(&link).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("/login"), "{location}");

    // Someone else signed in cannot use Nia's link.
    let (_, other) = app.person_signed_in("Tom Reed", Role::Staff).await;
    let (status, _) = other.page(&link).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Nia accepts, signed in as herself.
    let (status, page) = nia_browser.page(&link).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Accept the chair"));
    let token = link.split("token=").nth(1).unwrap().to_owned();
    let response = nia_browser
        .post_form("/chair/accept", &[("token", &token)])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(role_of(&app, &nia), (Role::Chair, true));
    assert_eq!(role_of(&app, &chair), (Role::Staff, true));

    // The link works once.
    let (status, _) = nia_browser.page(&link).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Nia now reviews the concern about the head; Margaret no longer can.
    let nia_again = signed_in(&app, &nia).await;
    let (status, _) = nia_again.page(&format!("/concerns/{about_head}")).await;
    assert_eq!(status, StatusCode::OK);
    let margaret_again = signed_in(&app, &chair).await;
    let (status, _) = margaret_again
        .page(&format!("/concerns/{about_head}"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Both chairs (and the head) are emailed; the log has the change.
    for address in [&nia.email, &chair.email, &head.email] {
        let email = app
            .email_to(address, "chair of governors in Custodian has changed")
            .await;
        assert!(email
            .text
            .contains("Nia Evans is now the chair of governors"));
    }
    let actions = app.audit_actions();
    assert!(actions.contains(&"chair.handover_offered".to_owned()));
    assert!(actions.contains(&"chair.changed".to_owned()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn someone_new_accepts_the_chair_by_choosing_a_password_and_the_outgoing_chair_leaves() {
    let app = TestApp::spawn().await;
    let (chair, chair_browser) = app.person_signed_in("Margaret Ellis", Role::Chair).await;
    let about_head = concern_about_the_head(&app);

    // A first offer, withdrawn: its link stops working.
    chair_browser
        .post_form(
            "/chair/handover",
            &[
                ("successor", "new"),
                ("name", "Olu Adebayo"),
                ("email", "olu@governors.example"),
            ],
        )
        .await;
    let first = link_in(
        &app.email_to("olu@governors.example", "chair of governors")
            .await,
        &app,
    );
    let response = chair_browser.post_form("/chair/handover/cancel", &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let status = app.new_client().get(&first).send().await.unwrap().status();
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Offered again, to the same new person, and the chair is leaving.
    let olu: String = {
        use custodian::db::schema::people;
        let mut conn = app.db.conn().unwrap();
        people::table
            .filter(people::email.eq("olu@governors.example"))
            .select(people::id)
            .first(&mut *conn)
            .unwrap()
    };
    let response = chair_browser
        .post_form(
            "/chair/handover",
            &[("successor", &olu), ("leaving", "yes")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let second = app
        .mail
        .wait_for(|m| {
            m.to.iter().any(|t| t == "olu@governors.example")
                && m.subject.contains("take over")
                && !m.text.contains(&first)
        })
        .await
        .expect("a second offer");
    let link = link_in(&second, &app);

    // Olu, signed out and with no password yet, chooses one to accept.
    let olu_browser = TestApp::spawn_client(&app);
    let (status, page) = olu_browser.page(&link).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("New password"));
    let token = link.split("token=").nth(1).unwrap().to_owned();
    let response = olu_browser.choose_password("/chair/accept", &token).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let olu_person = TestPerson {
        id: custodian::ids::PersonId::parse(&olu).unwrap(),
        name: "Olu Adebayo".into(),
        email: "olu@governors.example".into(),
        role: Role::Chair,
    };
    assert_eq!(role_of(&app, &olu_person), (Role::Chair, true));
    assert_eq!(role_of(&app, &chair), (Role::Chair, false), "left");
    let olu_browser = signed_in(&app, &olu_person).await;
    let (status, _) = olu_browser.page(&format!("/concerns/{about_head}")).await;
    assert_eq!(status, StatusCode::OK);
    let gone = TestApp::spawn_client(&app);
    let response = gone.sign_in(&chair.email, PASSWORD).await;
    assert_ne!(
        response
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok()),
        Some("/"),
        "the outgoing chair can no longer sign in"
    );
    app.email_to(&chair.email, "chair of governors in Custodian has changed")
        .await;
    app.email_to(
        "olu@governors.example",
        "chair of governors in Custodian has changed",
    )
    .await;
}

/// The school's mail server is configured and a second instance starts:
/// the held emails go.
async fn configure_mail(app: &TestApp) {
    app.mail.start();
    let smtp = app.mail.url();
    app.spawn_second_instance_configured(|settings| settings.smtp_url = Some(smtp))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_link_to_accept_the_chair_is_never_stored_and_works_once() {
    use custodian::mail::outbox::DEFERRED_TOKEN;
    let app = TestApp::spawn_with(Smtp::Unset).await;
    let (chair, chair_browser) = app.person_signed_in("Margaret Ellis", Role::Chair).await;
    let (nia, nia_browser) = app.person_signed_in("Nia Evans", Role::Staff).await;

    // The chair names Nia before the school's mail server is set up: the
    // email waits in the outbox, and a copy of the database shows no link.
    let response = chair_browser
        .post_form("/chair/handover", &[("successor", &nia.id.to_string())])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let held = stored(&app, "chair_handover");
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].status, "held");
    let at_rest = tokens_in(&held[0].all_text());
    assert!(!at_rest.is_empty(), "the email has its link");
    assert!(
        at_rest.iter().all(|t| t == DEFERRED_TOKEN),
        "no token at rest: {at_rest:?}"
    );

    // The mail server is configured; the email arrives with a working link.
    configure_mail(&app).await;
    let offer = app.email_to(&nia.email, "take over as chair").await;
    let link = link_in(&offer, &app);
    let token = token_of(&link);
    assert!(
        offer.html.contains(&token),
        "the HTML twin has the link too"
    );

    // Once sent, the stored message still holds no link that works.
    let sent = wait_for_status(&app, "chair_handover", "sent").await;
    let at_rest = sent.all_text();
    assert!(!at_rest.contains(&token), "the sent token is not stored");
    assert_stored_links_open_nothing(&nia_browser, "/chair/accept", &at_rest).await;
    assert_eq!(role_of(&app, &nia), (Role::Staff, true));

    // The link Nia received works, once.
    let (status, page) = nia_browser.page(&link).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Accept the chair"));
    let response = nia_browser
        .post_form("/chair/accept", &[("token", &token)])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(role_of(&app, &nia), (Role::Chair, true));
    assert_eq!(role_of(&app, &chair), (Role::Staff, true));
    let nia_again = signed_in(&app, &nia).await;
    let (status, _) = nia_again.page(&link).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let response = nia_again
        .post_form("/chair/accept", &[("token", &token)])
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_offer_withdrawn_before_its_email_went_leaves_that_email_no_working_link() {
    let app = TestApp::spawn_with(Smtp::Unset).await;
    let (_, chair_browser) = app.person_signed_in("Margaret Ellis", Role::Chair).await;
    let (nia, nia_browser) = app.person_signed_in("Nia Evans", Role::Staff).await;

    // Before the mail server is set up, the chair offers the chair to Nia,
    // withdraws the offer, and offers it again.
    let nia_id = nia.id.to_string();
    let offer = [("successor", nia_id.as_str())];
    let response = chair_browser.post_form("/chair/handover", &offer).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = chair_browser.post_form("/chair/handover/cancel", &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = chair_browser.post_form("/chair/handover", &offer).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    // Both emails go; only the second offer's carries a link that works.
    configure_mail(&app).await;
    let emails = emails_about(&app, "take over as chair", 2).await;
    let working = regex::Regex::new(r"https?://\S+/chair/accept\?token=[A-Za-z0-9]+").unwrap();
    let links: Vec<String> = emails
        .iter()
        .filter_map(|email| working.find(&email.text).map(|m| m.as_str().to_owned()))
        .collect();
    assert_eq!(links.len(), 1, "one working link in: {emails:?}");
    let withdrawn = emails
        .iter()
        .find(|email| !working.is_match(&email.text))
        .expect("the first offer's email");
    assert!(withdrawn.text.contains("withdrawn"), "{}", withdrawn.text);

    let (status, page) = nia_browser.page(&links[0]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Accept the chair"));
    let response = nia_browser
        .post_form("/chair/accept", &[("token", &token_of(&links[0]))])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(role_of(&app, &nia), (Role::Chair, true));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_heads_home_page_says_when_there_is_no_chair_and_how_one_is_made() {
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Headteacher).await;
    let (_, home) = app.page("/").await;
    assert!(home.contains("There is no chair of governors in Custodian"));
    assert!(home.contains("custodian user role --email EMAIL --role chair"));

    app.add_person("Margaret Ellis", Role::Chair);
    let (_, home) = app.page("/").await;
    assert!(!home.contains("There is no chair of governors"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_of_staff_made_chair_loses_their_access_and_a_custodian_made_staff_their_custody()
{
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Headteacher).await;
    let account = app.open_account("@OakfieldPrimary").await;
    let nia = app.add_person("Nia Evans", Role::Staff);
    let sam = app.add_person("Sam Patel", Role::Slt);
    let response = app
        .post_form(
            &format!("/accounts/{account}/grants/new"),
            &[
                ("grantee", &nia.id.to_string()),
                ("aim", "events"),
                ("purpose", "Posting from the Year 6 trip"),
                ("ends_on", ""),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = app
        .post_form(
            &format!("/accounts/{account}/custodians"),
            &[("person_id", &sam.id.to_string())],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.page(&format!("/accounts/{account}")).await;
    assert!(!page.contains("Password change due"));
    assert!(page.contains("Sam Patel"));

    // The operator makes Nia chair from the command line.
    {
        let mut conn = app.db.conn().unwrap();
        custodian::tx::write(&mut conn, &app.ctx(), &Actor::CommandLine, |tx| {
            service::change_role(tx, nia.id, Ok(Role::Chair))
        })
        .unwrap();
    }
    let (_, record) = app.page(&format!("/people/{}", nia.id)).await;
    assert!(!record.contains("Has access now"), "{record}");
    let (_, page) = app.page(&format!("/accounts/{account}")).await;
    assert!(page.contains("Password change due"));
    app.email_to(&nia.email, "password change due").await;

    // The head makes Sam staff: he no longer holds the login.
    app.post_form(&format!("/people/{}/role", sam.id), &[("role", "staff")])
        .await;
    {
        let mut conn = app.db.conn().unwrap();
        let held = custodian::accounts::store::list_custody_of(&mut conn, sam.id).unwrap();
        assert!(held.is_empty(), "{held:?}");
    }
}

#[test]
fn the_operator_changes_the_chair_from_the_command_line_and_both_chairs_are_emailed() {
    let cli = crate::cli::Cli::new();
    let add = |name: &str, email: &str, role: &str| {
        let output = cli.run(
            &[
                "user",
                "add",
                "--name",
                name,
                "--email",
                email,
                "--role",
                role,
                "--password-stdin",
            ],
            Some(&format!("{PASSWORD}\n")),
        );
        assert!(output.status.success(), "{output:?}");
    };
    add("Helen Carter", "head@oakfield.example", "headteacher");
    add("Margaret Ellis", "margaret@oakfield.example", "chair");
    add("Nia Evans", "nia@oakfield.example", "staff");

    let output = cli.run(
        &[
            "user",
            "role",
            "--email",
            "NIA@oakfield.example",
            "--role",
            "chair",
        ],
        None,
    );
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "{output:?}");
    assert!(stdout.contains("Nia Evans <nia@oakfield.example> is now Chair of governors"));
    assert!(stdout.contains("Margaret Ellis, the chair until now, is now Staff"));

    let unknown = cli.run(
        &[
            "user",
            "role",
            "--email",
            "nobody@oakfield.example",
            "--role",
            "staff",
        ],
        None,
    );
    assert!(!unknown.status.success());
    let bad = cli.run(
        &[
            "user",
            "role",
            "--email",
            "nia@oakfield.example",
            "--role",
            "governor",
        ],
        None,
    );
    assert_eq!(bad.status.code(), Some(2));

    use custodian::db::schema::{audit_events, outbox, people};
    use custodian::db::{DatabaseUrl, Db};
    let db = Db::open(&DatabaseUrl::Sqlite(cli.dir.path().join("custodian.db")), 1).unwrap();
    let mut conn = db.conn().unwrap();
    let roles: Vec<(String, String)> = people::table
        .select((people::email, people::role))
        .order(people::email.asc())
        .load(&mut *conn)
        .unwrap();
    assert_eq!(
        roles,
        vec![
            ("head@oakfield.example".to_owned(), "headteacher".to_owned()),
            ("margaret@oakfield.example".to_owned(), "staff".to_owned()),
            ("nia@oakfield.example".to_owned(), "chair".to_owned()),
        ]
    );
    let changed: Vec<String> = outbox::table
        .filter(outbox::kind.eq("chair_changed"))
        .select(outbox::recipients)
        .load(&mut *conn)
        .unwrap();
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert!(changed[0].contains("margaret@oakfield.example"));
    assert!(changed[0].contains("nia@oakfield.example"));
    let actors: Vec<String> = audit_events::table
        .filter(audit_events::action.eq("chair.changed"))
        .select(audit_events::actor_kind)
        .load(&mut *conn)
        .unwrap();
    // Margaret's appointment, then Nia's: both the operator's acts.
    assert_eq!(actors, vec!["cli".to_owned(), "cli".to_owned()]);
}
