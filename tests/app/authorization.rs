//! Every route, with every role and signed out: the answer each gets.
//! Later registers add their rows to this table.

use custodian::people::domain::Role;
use reqwest::StatusCode;

use crate::helpers::{TestApp, Visitor};

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

/// The exact answer a request gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Answer {
    /// 200: the page or the download.
    Page,
    /// 303 anywhere but sign-in: a POST done (or turned back with a
    /// message), then post/redirect/get.
    Redirect,
    /// 303 to sign-in: nobody is signed in.
    ToSignIn,
    /// 403: signed in, but not allowed.
    Refused,
    /// 404: nothing there (or, for a link page, no valid token).
    NotFound,
    /// 409: the record's state does not allow it.
    Conflict,
    /// 422: let in, and the input refused beside its fields.
    Invalid,
    /// Anything else, which no row expects.
    Other(u16),
}

use Answer::*;

impl Answer {
    fn of(status: StatusCode, location: &str) -> Self {
        match status.as_u16() {
            200 => Page,
            303 if location.starts_with("/login") => ToSignIn,
            303 => Redirect,
            403 => Refused,
            404 => NotFound,
            409 => Conflict,
            422 => Invalid,
            other => Other(other),
        }
    }
}

/// How a row asks: a page, a URL-encoded form (the CSRF token added), or a
/// multipart form as the concern form sends (the CSRF token added).
enum Ask {
    Get,
    Post(Vec<(String, String)>),
    Multipart(Vec<(String, String)>),
}

/// What the rows act on, made before any visitor comes.
struct Fixture {
    /// A member of staff: given a grant, a declaration and a concern.
    target: String,
    /// A member of staff whom the managers deactivate.
    leaver: String,
    /// An SLT member whom the managers add as a custodian, then remove.
    spare: String,
    email: String,
    account: String,
    grant: String,
    declaration: String,
    concerns: Concerns,
}

/// Each row's answer for [signed out, staff, SLT, head, chair], asked in
/// this order by each visitor in turn (signed out first, the chair last):
/// where an earlier row or visitor changed what a row finds, it says so.
/// `visitor` makes what each one adds their own.
fn table(f: &Fixture, visitor: usize) -> Vec<(Ask, String, [Answer; 5])> {
    let (target, account, grant, declaration) = (&f.target, &f.account, &f.grant, &f.declaration);
    let signed_in = |a| [ToSignIn, a, a, a, a];
    let managers = |a| [ToSignIn, Refused, a, a, Refused];
    let head_only = |a| [ToSignIn, Refused, Refused, a, Refused];
    let audit_readers = |a| [ToSignIn, Refused, Refused, a, a];
    let chair_only = |a| [ToSignIn, Refused, Refused, Refused, a];
    let declarants = |a| [ToSignIn, a, a, a, Refused];
    let nobody = [ToSignIn, Refused, Refused, Refused, Refused];
    let owned = |fields: &[(&str, &str)]| -> Vec<(String, String)> {
        fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    let form = |fields: &[(&str, &str)]| Ask::Post(owned(fields));
    // A form that is none of the route's own: the answer is 422 beside the
    // fields it lacks, which shows the request was let past the role check.
    let none_of_its_fields = || form(&[("unrelated", "field")]);
    let concern = &f.concerns;
    vec![
        (Ask::Get, "/healthz".into(), [Page; 5]),
        (Ask::Get, "/readyz".into(), [Page; 5]),
        (Ask::Get, "/accessibility".into(), [Page; 5]),
        (Ask::Get, "/static/app.css".into(), [Page; 5]),
        (Ask::Get, "/password/reset".into(), [Page; 5]),
        (Ask::Get, "/".into(), signed_in(Page)),
        (Ask::Get, "/password".into(), signed_in(Page)),
        (Ask::Get, "/people".into(), managers(Page)),
        (Ask::Get, "/people/new".into(), managers(Page)),
        (Ask::Get, format!("/people/{target}"), managers(Page)),
        (
            form(&[
                ("name", &format!("New Person {visitor}")),
                ("email", &format!("new.person.{visitor}@oakfield.example")),
                ("role", "staff"),
            ]),
            "/people/new".into(),
            managers(Redirect),
        ),
        // The target is staff already: nothing changes, and back to them.
        (
            form(&[("role", "staff")]),
            format!("/people/{target}/role"),
            managers(Redirect),
        ),
        // The head finds the leaver already deactivated by the SLT visitor:
        // nothing to do, and back to their page all the same.
        (
            form(&[]),
            format!("/people/{}/deactivate", f.leaver),
            managers(Redirect),
        ),
        // The chair hands over; the successor's link page is public (it
        // answers "this link no longer works" without a valid token).
        (Ask::Get, "/chair/handover".into(), chair_only(Page)),
        // No successor named: refused beside the field.
        (form(&[]), "/chair/handover".into(), chair_only(Invalid)),
        // Nothing offered to cancel: back to the handover page.
        (
            form(&[]),
            "/chair/handover/cancel".into(),
            chair_only(Redirect),
        ),
        (Ask::Get, "/chair/accept".into(), [NotFound; 5]),
        (form(&[]), "/chair/accept".into(), [NotFound; 5]),
        (Ask::Get, "/audit".into(), audit_readers(Page)),
        (Ask::Get, "/audit/export.csv".into(), audit_readers(Page)),
        (form(&[]), "/audit/verify".into(), head_only(Redirect)),
        (Ask::Get, "/emails".into(), head_only(Page)),
        (Ask::Get, format!("/emails/{}", f.email), head_only(Page)),
        // The email was sent: "only a failed email can be retried", and
        // back to it.
        (
            form(&[]),
            format!("/emails/{}/retry", f.email),
            head_only(Redirect),
        ),
        (Ask::Get, "/declarations".into(), declarants(Page)),
        (Ask::Get, "/declarations/new".into(), declarants(Page)),
        (
            form(&[]),
            "/declarations/nil-return".into(),
            declarants(Redirect),
        ),
        (Ask::Get, "/declarations/review".into(), audit_readers(Page)),
        (
            Ask::Get,
            format!("/declarations/{declaration}"),
            head_only(Page),
        ),
        (
            Ask::Get,
            format!("/declarations/{declaration}/edit"),
            nobody,
        ),
        (
            form(&[("decision", "acknowledge"), ("notes", "Seen")]),
            format!("/declarations/{declaration}/review"),
            head_only(Redirect),
        ),
        (
            form(&[("ended_on", "2026-11-24"), ("end_reason", "Left")]),
            format!("/declarations/{declaration}/end"),
            nobody,
        ),
        (Ask::Get, "/concerns".into(), signed_in(Page)),
        (Ask::Get, "/concerns/new".into(), signed_in(Page)),
        (
            Ask::Multipart(owned(&[
                ("about", "community"),
                ("about_detail", "The PTA Facebook group"),
                ("happened_on", "2026-11-20"),
                ("what_happened", &format!("Seen by visitor {visitor}")),
            ])),
            "/concerns".into(),
            signed_in(Redirect),
        ),
        (Ask::Get, "/concerns/review".into(), audit_readers(Page)),
        (
            Ask::Get,
            format!("/concerns/{}", concern.for_head),
            head_only(Page),
        ),
        (
            Ask::Get,
            format!(
                "/concerns/{}/evidence/{}",
                concern.for_head, concern.evidence
            ),
            head_only(Page),
        ),
        (
            Ask::Get,
            format!("/concerns/{}", concern.about_head),
            chair_only(Page),
        ),
        (Ask::Get, format!("/concerns/{}", concern.to_lado), nobody),
        (
            none_of_its_fields(),
            format!("/concerns/{}/notes", concern.for_head),
            head_only(Invalid),
        ),
        (
            none_of_its_fields(),
            format!("/concerns/{}/actions", concern.for_head),
            head_only(Invalid),
        ),
        (
            none_of_its_fields(),
            format!("/concerns/{}/status", concern.for_head),
            head_only(Invalid),
        ),
        (
            none_of_its_fields(),
            format!("/concerns/{}/classification", concern.for_head),
            head_only(Invalid),
        ),
        (
            none_of_its_fields(),
            format!("/concerns/{}/close", concern.for_head),
            head_only(Invalid),
        ),
        (
            none_of_its_fields(),
            format!("/concerns/{}/informed", concern.for_head),
            head_only(Invalid),
        ),
        (
            none_of_its_fields(),
            format!("/concerns/{}/notes", concern.about_head),
            chair_only(Invalid),
        ),
        (Ask::Get, "/accounts".into(), signed_in(Page)),
        (Ask::Get, format!("/accounts/{account}"), signed_in(Page)),
        (Ask::Get, "/accounts/new".into(), managers(Page)),
        (
            none_of_its_fields(),
            "/accounts/new".into(),
            managers(Invalid),
        ),
        (Ask::Get, "/accounts/existing".into(), managers(Page)),
        (
            none_of_its_fields(),
            "/accounts/existing".into(),
            managers(Invalid),
        ),
        (Ask::Get, "/accounts/export.csv".into(), managers(Page)),
        (
            Ask::Get,
            format!("/accounts/{account}/history.csv"),
            managers(Page),
        ),
        // Each manager adds the spare SLT member, then removes them.
        (
            form(&[("person_id", &f.spare)]),
            format!("/accounts/{account}/custodians"),
            managers(Redirect),
        ),
        (
            form(&[]),
            format!("/accounts/{account}/custodians/{}/remove", f.spare),
            managers(Redirect),
        ),
        // The target was never a custodian: nothing to remove.
        (
            form(&[]),
            format!("/accounts/{account}/custodians/{target}/remove"),
            managers(NotFound),
        ),
        (
            Ask::Get,
            format!("/accounts/{account}/grants/new"),
            managers(Page),
        ),
        (
            none_of_its_fields(),
            format!("/accounts/{account}/grants/new"),
            managers(Invalid),
        ),
        (
            Ask::Get,
            format!("/accounts/{account}/password-changed"),
            managers(Page),
        ),
        (
            none_of_its_fields(),
            format!("/accounts/{account}/password-changed"),
            managers(Invalid),
        ),
        (
            Ask::Get,
            format!("/accounts/{account}/review"),
            managers(Page),
        ),
        // A review that keeps every grant as it is.
        (
            form(&[(&format!("decision-{grant}"), "keep")]),
            format!("/accounts/{account}/review"),
            managers(Redirect),
        ),
        (Ask::Get, format!("/grants/{grant}"), managers(Page)),
        (
            none_of_its_fields(),
            format!("/grants/{grant}/revoke"),
            managers(Invalid),
        ),
        (
            Ask::Get,
            format!("/accounts/{account}/close"),
            managers(Page),
        ),
        (
            none_of_its_fields(),
            format!("/accounts/{account}/close"),
            managers(Invalid),
        ),
        // The moderation log: staff only on an account they hold a live
        // grant on (the visitors hold none), the chair never.
        (
            Ask::Get,
            format!("/accounts/{account}/moderation"),
            managers(Page),
        ),
        (
            none_of_its_fields(),
            format!("/accounts/{account}/moderation"),
            managers(Invalid),
        ),
        (
            Ask::Get,
            format!("/accounts/{account}/moderation.csv"),
            managers(Page),
        ),
        // The policy: version 1 is published by the fixture. Everyone reads
        // it; everyone but the chair confirms it; the head publishes and
        // sees who confirmed.
        (Ask::Get, "/policy".into(), signed_in(Page)),
        (Ask::Get, "/policy/1".into(), signed_in(Page)),
        (Ask::Get, "/policy/new".into(), head_only(Page)),
        (
            none_of_its_fields(),
            "/policy/new".into(),
            head_only(Invalid),
        ),
        (
            form(&[]),
            "/policy/1/acknowledge".into(),
            declarants(Redirect),
        ),
        (
            Ask::Get,
            "/policy/1/acknowledgements".into(),
            head_only(Page),
        ),
        // One's own page; the weekly digest is the head's and the chair's.
        (Ask::Get, "/me".into(), signed_in(Page)),
        (
            form(&[("digest", "off")]),
            "/me/digest".into(),
            audit_readers(Redirect),
        ),
        // The governors' report: the head, SLT and the chair.
        (
            Ask::Get,
            "/reports/governors".into(),
            [ToSignIn, Refused, Page, Page, Page],
        ),
        (
            Ask::Get,
            "/reports/governors.csv".into(),
            [ToSignIn, Refused, Page, Page, Page],
        ),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_answers_each_role_as_the_table_says() {
    let app = TestApp::spawn().await;
    // Someone to act on, and an email to look at.
    let target = app.add_person("Target Person", Role::Staff);
    let leaver = app.add_person("Leaving Person", Role::Staff);
    let spare = app.add_person("Spare Custodian", Role::Slt);
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
        let opener = custodian::people::store::get_person(&mut conn, opener.id).unwrap();
        let by = custodian::people::actor::Actor::person(&opener);
        let today = time::macros::date!(2026 - 11 - 24);
        let new = domain::NewAccount::parse(
            "facebook",
            "Oakfield",
            "https://facebook.com/oakfield",
            "News",
            None,
            today,
        );
        let account =
            custodian::tx::write(&mut conn, &app.ctx(), &by, |tx| service::open(tx, new)).unwrap();
        let new = domain::NewGrant::parse(&target.id.to_string(), "events", "Trip", "", today);
        let grant = custodian::tx::write(&mut conn, &app.ctx(), &by, |tx| {
            service::grant(tx, account.id, new)
        })
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
    let fixture = Fixture {
        target: target.id.to_string(),
        leaver: leaver.id.to_string(),
        spare: spare.id.to_string(),
        email: email_id,
        account,
        grant,
        declaration,
        concerns,
    };
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
        for (ask, path, answers) in table(&fixture, index) {
            let expected = answers[index];
            let (method, response) = match ask {
                Ask::Get => ("GET", visitor.get(&path).await),
                Ask::Post(fields) => {
                    let fields: Vec<(&str, &str)> = fields
                        .iter()
                        .map(|(k, v)| (k.as_str(), v.as_str()))
                        .collect();
                    ("POST", visitor.post_form(&path, &fields).await)
                }
                Ask::Multipart(fields) => ("POST", post_multipart(&visitor, &path, fields).await),
            };
            let location = response
                .headers()
                .get("location")
                .and_then(|l| l.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            let got = Answer::of(response.status(), &location);
            if got != expected {
                failures.push(format!(
                    "{who:?} {method} {path}: expected {expected:?}, got {got:?} ({})",
                    response.status()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Posts a multipart form, as the concern form sends (it carries files),
/// with the session's CSRF token.
async fn post_multipart(
    visitor: &Visitor,
    path: &str,
    fields: Vec<(String, String)>,
) -> reqwest::Response {
    let (_, html) = visitor.page("/password/reset").await;
    let token = crate::helpers::csrf_in(&html).expect("a CSRF token");
    let mut form = reqwest::multipart::Form::new().text("csrf_token", token);
    for (name, value) in fields {
        form = form.text(name, value);
    }
    visitor
        .client
        .post(format!("{}{path}", visitor.address))
        .multipart(form)
        .send()
        .await
        .expect("POST")
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
    use custodian::concerns::domain::{NewConcern, RaiseInput, Upload};
    use custodian::concerns::{service, store};
    let mut conn = app.db.conn().unwrap();
    let me = custodian::people::actor::Actor::Person {
        id: raiser.id,
        name: raiser.name.clone(),
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
        custodian::tx::write(&mut conn, &app.ctx(), &me, |tx| {
            service::raise(tx, Ok(new), files)
        })
        .unwrap()
        .concern
    };
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    let for_head = raise(
        "community",
        false,
        vec![Upload {
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
