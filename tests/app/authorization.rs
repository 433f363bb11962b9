//! Every route, with every role and signed out: the answer each gets.
//! Later registers add their rows to this table.

use custodian::people::domain::Role;
use reqwest::StatusCode;

use crate::helpers::TestApp;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    SignedOut,
    As(Role),
}

const EVERYONE: [Who; 5] = [
    Who::SignedOut,
    Who::As(Role::Staff),
    Who::As(Role::Slt),
    Who::As(Role::Headteacher),
    Who::As(Role::Chair),
];

/// What a request may get: let in (not refused), refused (403), or sent to sign in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Answer {
    Allowed,
    Refused,
    ToSignIn,
}

use Answer::*;

/// (method, path, [signed out, staff, slt, head, chair])
fn table(
    target: &str,
    email: &str,
    account: &str,
    grant: &str,
    declaration: &str,
    concerns: &Concerns,
) -> Vec<(&'static str, String, [Answer; 5])> {
    let public = [Allowed; 5];
    let signed_in = [ToSignIn, Allowed, Allowed, Allowed, Allowed];
    let managers = [ToSignIn, Refused, Allowed, Allowed, Refused];
    let head_only = [ToSignIn, Refused, Refused, Allowed, Refused];
    let audit_readers = [ToSignIn, Refused, Refused, Allowed, Allowed];
    let chair_only = [ToSignIn, Refused, Refused, Refused, Allowed];
    let nobody = [ToSignIn, Refused, Refused, Refused, Refused];
    vec![
        ("GET", "/healthz".into(), public),
        ("GET", "/readyz".into(), public),
        ("GET", "/accessibility".into(), public),
        ("GET", "/static/app.css".into(), public),
        ("GET", "/password/reset".into(), public),
        ("GET", "/".into(), signed_in),
        ("GET", "/password".into(), signed_in),
        ("GET", "/people".into(), managers),
        ("GET", "/people/new".into(), managers),
        ("GET", format!("/people/{target}"), managers),
        ("POST", "/people/new".into(), managers),
        ("POST", format!("/people/{target}/role"), managers),
        ("POST", format!("/people/{target}/deactivate"), managers),
        // The chair hands over; the successor's link page is public (it
        // answers "this link no longer works" without a valid token).
        ("GET", "/chair/handover".into(), chair_only),
        ("POST", "/chair/handover".into(), chair_only),
        ("POST", "/chair/handover/cancel".into(), chair_only),
        ("GET", "/chair/accept".into(), public),
        ("POST", "/chair/accept".into(), public),
        ("GET", "/audit".into(), audit_readers),
        ("GET", "/audit/export.csv".into(), audit_readers),
        ("POST", "/audit/verify".into(), head_only),
        ("GET", "/emails".into(), head_only),
        ("GET", format!("/emails/{email}"), head_only),
        ("POST", format!("/emails/{email}/retry"), head_only),
        (
            "GET",
            "/declarations".into(),
            [ToSignIn, Allowed, Allowed, Allowed, Refused],
        ),
        (
            "GET",
            "/declarations/new".into(),
            [ToSignIn, Allowed, Allowed, Allowed, Refused],
        ),
        (
            "POST",
            "/declarations/nil-return".into(),
            [ToSignIn, Allowed, Allowed, Allowed, Refused],
        ),
        (
            "GET",
            "/declarations/review".into(),
            [ToSignIn, Refused, Refused, Allowed, Allowed],
        ),
        ("GET", format!("/declarations/{declaration}"), head_only),
        (
            "GET",
            format!("/declarations/{declaration}/edit"),
            [ToSignIn, Refused, Refused, Refused, Refused],
        ),
        (
            "POST",
            format!("/declarations/{declaration}/review"),
            head_only,
        ),
        (
            "POST",
            format!("/declarations/{declaration}/end"),
            [ToSignIn, Refused, Refused, Refused, Refused],
        ),
        ("GET", "/concerns".into(), signed_in),
        ("GET", "/concerns/new".into(), signed_in),
        ("POST", "/concerns".into(), signed_in),
        ("GET", "/concerns/review".into(), audit_readers),
        ("GET", format!("/concerns/{}", concerns.for_head), head_only),
        (
            "GET",
            format!(
                "/concerns/{}/evidence/{}",
                concerns.for_head, concerns.evidence
            ),
            head_only,
        ),
        (
            "GET",
            format!("/concerns/{}", concerns.about_head),
            chair_only,
        ),
        ("GET", format!("/concerns/{}", concerns.to_lado), nobody),
        (
            "POST",
            format!("/concerns/{}/notes", concerns.for_head),
            head_only,
        ),
        (
            "POST",
            format!("/concerns/{}/actions", concerns.for_head),
            head_only,
        ),
        (
            "POST",
            format!("/concerns/{}/status", concerns.for_head),
            head_only,
        ),
        (
            "POST",
            format!("/concerns/{}/classification", concerns.for_head),
            head_only,
        ),
        (
            "POST",
            format!("/concerns/{}/close", concerns.for_head),
            head_only,
        ),
        (
            "POST",
            format!("/concerns/{}/informed", concerns.for_head),
            head_only,
        ),
        (
            "POST",
            format!("/concerns/{}/notes", concerns.about_head),
            chair_only,
        ),
        ("GET", "/accounts".into(), signed_in),
        ("GET", format!("/accounts/{account}"), signed_in),
        ("GET", "/accounts/new".into(), managers),
        ("POST", "/accounts/new".into(), managers),
        ("GET", "/accounts/existing".into(), managers),
        ("POST", "/accounts/existing".into(), managers),
        ("GET", "/accounts/export.csv".into(), managers),
        ("GET", format!("/accounts/{account}/history.csv"), managers),
        ("POST", format!("/accounts/{account}/custodians"), managers),
        (
            "POST",
            format!("/accounts/{account}/custodians/{target}/remove"),
            managers,
        ),
        ("GET", format!("/accounts/{account}/grants/new"), managers),
        ("POST", format!("/accounts/{account}/grants/new"), managers),
        (
            "GET",
            format!("/accounts/{account}/password-changed"),
            managers,
        ),
        (
            "POST",
            format!("/accounts/{account}/password-changed"),
            managers,
        ),
        ("GET", format!("/accounts/{account}/review"), managers),
        ("POST", format!("/accounts/{account}/review"), managers),
        ("GET", format!("/grants/{grant}"), managers),
        ("POST", format!("/grants/{grant}/revoke"), managers),
        ("GET", format!("/accounts/{account}/close"), managers),
        ("POST", format!("/accounts/{account}/close"), managers),
        // The moderation log: staff only on an account they hold a live
        // grant on (the visitors hold none), the chair never.
        ("GET", format!("/accounts/{account}/moderation"), managers),
        ("POST", format!("/accounts/{account}/moderation"), managers),
        (
            "GET",
            format!("/accounts/{account}/moderation.csv"),
            managers,
        ),
        // The policy: version 1 is published by the fixture. Everyone reads
        // it; everyone but the chair confirms it; the head publishes and
        // sees who confirmed.
        ("GET", "/policy".into(), signed_in),
        ("GET", "/policy/1".into(), signed_in),
        ("GET", "/policy/new".into(), head_only),
        ("POST", "/policy/new".into(), head_only),
        (
            "POST",
            "/policy/1/acknowledge".into(),
            [ToSignIn, Allowed, Allowed, Allowed, Refused],
        ),
        ("GET", "/policy/1/acknowledgements".into(), head_only),
        // One's own page; the weekly digest is the head's and the chair's.
        ("GET", "/me".into(), signed_in),
        (
            "POST",
            "/me/digest".into(),
            [ToSignIn, Refused, Refused, Allowed, Allowed],
        ),
        // The governors' report: the head, SLT and the chair.
        (
            "GET",
            "/reports/governors".into(),
            [ToSignIn, Refused, Allowed, Allowed, Allowed],
        ),
        (
            "GET",
            "/reports/governors.csv".into(),
            [ToSignIn, Refused, Allowed, Allowed, Allowed],
        ),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_answers_each_role_as_the_table_says() {
    let app = TestApp::spawn().await;
    // Someone to act on, and an email to look at.
    let target = app.add_person("Target Person", Role::Staff);
    app.post_form("/password/reset", &[("email", &target.email)])
        .await;
    app.email_to(&target.email, "Reset").await;
    let email_id: String = {
        use custodian::db::schema::outbox;
        use diesel::prelude::*;
        let mut conn = app.db.conn().unwrap();
        outbox::table.select(outbox::id).first(&mut *conn).unwrap()
    };
    // An official account with a grant to the target.
    let (account, grant) = {
        use custodian::accounts::{domain, service};
        let mut conn = app.db.conn().unwrap();
        let opener = app.add_person("Account Opener", Role::Slt);
        let by = service::By {
            id: opener.id,
            name: opener.name.clone(),
            role: Role::Slt,
        };
        let today = time::macros::date!(2026 - 11 - 24);
        let new = domain::NewAccount::parse(
            "facebook",
            "Oakfield",
            "https://facebook.com/oakfield",
            "News",
            None,
            today,
        )
        .unwrap();
        let account = service::open(&mut conn, &app.ctx(), &by, new)
            .unwrap()
            .unwrap();
        let new =
            domain::NewGrant::parse(&target.id.to_string(), "events", "Trip", "", today).unwrap();
        let grant = service::grant(&mut conn, &app.ctx(), &by, account.id, new)
            .unwrap()
            .unwrap();
        (account.id.to_string(), grant.id.to_string())
    };
    // A declaration by a member of staff who is not among the visitors.
    let declaration = {
        use custodian::declarations::{domain::Details, service};
        let mut conn = app.db.conn().unwrap();
        let declarant = custodian::people::store::get_person(&mut conn, target.id).unwrap();
        let details = Details::parse(
            "A Parent",
            "parent_carer",
            "Year 4",
            "neighbour",
            true,
            &[],
            "2020",
            "Next door",
        );
        let actor = custodian::people::actor::Actor::person(&declarant);
        custodian::tx::write(&mut conn, &app.ctx(), &actor, |tx| {
            service::declare(tx, details)
        })
        .unwrap()
        .to_string()
    };
    let concerns = raise_concerns(&app, &target);
    // Version 1 of the policy, published by a head who is not a visitor.
    {
        use custodian::policy::{domain::NewVersion, service};
        let author = app.add_person("Policy Author", Role::Headteacher);
        let me = custodian::people::actor::Actor::Person {
            id: author.id,
            name: author.name.clone(),
            role: author.role,
        };
        let new = NewVersion::parse("## Policy", "2026-12-01", "The first version");
        let mut conn = app.db.conn().unwrap();
        assert_eq!(
            custodian::tx::write(&mut conn, &app.ctx(), &me, |tx| service::publish(tx, new))
                .unwrap(),
            1
        );
    }
    let mut failures = Vec::new();
    for (index, who) in EVERYONE.iter().enumerate() {
        let visitor = TestApp::spawn_client(&app);
        if let Who::As(role) = who {
            let person = app.add_person(&format!("Person {index}"), *role);
            let status = visitor
                .sign_in(&person.email, crate::helpers::PASSWORD)
                .await
                .status();
            assert_eq!(status, StatusCode::SEE_OTHER);
        }
        for (method, path, answers) in table(
            &target.id.to_string(),
            &email_id,
            &account,
            &grant,
            &declaration,
            &concerns,
        ) {
            let expected = answers[index];
            let response = match method {
                "GET" => visitor.get(&path).await,
                _ => {
                    visitor
                        .post_form(
                            &path,
                            &[("role", "staff"), ("name", "N"), ("email", "n@x.example")],
                        )
                        .await
                }
            };
            let status = response.status();
            let location = response
                .headers()
                .get("location")
                .and_then(|l| l.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            let got = if status == StatusCode::FORBIDDEN {
                Refused
            } else if status == StatusCode::SEE_OTHER && location.starts_with("/login") {
                ToSignIn
            } else {
                Allowed
            };
            if got != expected || status.is_server_error() {
                failures.push(format!(
                    "{who:?} {method} {path}: expected {expected:?}, got {status}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Concerns raised by someone who is not among the visitors: one for the
/// head (with evidence), one about the head, one that went to the LADO.
struct Concerns {
    for_head: String,
    evidence: String,
    about_head: String,
    to_lado: String,
}

fn raise_concerns(app: &TestApp, raiser: &crate::helpers::TestPerson) -> Concerns {
    use custodian::concerns::domain::{NewConcern, RaiseInput};
    use custodian::concerns::{service, store};
    let mut conn = app.db.conn().unwrap();
    let me = custodian::auth::current::CurrentPerson {
        id: raiser.id,
        name: raiser.name.clone(),
        email: raiser.email.clone(),
        role: raiser.role,
    };
    let today = time::macros::date!(2026 - 11 - 24);
    let mut raise = |about: &str, implicates_chair: bool, files| {
        let new = NewConcern::parse(
            &RaiseInput {
                about: about.into(),
                about_detail: "A post".into(),
                implicates_chair,
                happened_on: "2026-11-20".into(),
                what_happened: "What was seen".into(),
                ..RaiseInput::default()
            },
            today,
        )
        .unwrap();
        service::raise(&mut conn, &app.ctx(), &me, new, files).unwrap()
    };
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    let for_head = raise(
        "community",
        false,
        vec![service::Upload {
            file_name: "shot.png".into(),
            content_type: "image/png",
            bytes: png,
        }],
    );
    let about_head = raise("headteacher", false, vec![]);
    let to_lado = raise("headteacher", true, vec![]);
    let evidence = store::list_evidence(&mut conn, for_head.id).unwrap()[0]
        .id
        .clone();
    Concerns {
        for_head: for_head.id.to_string(),
        evidence,
        about_head: about_head.id.to_string(),
        to_lado: to_lado.id.to_string(),
    }
}
