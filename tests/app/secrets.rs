//! Secrets stay secret: no working one-time link at rest, private files
//! whatever the umask, a word to the person when their password changes,
//! reset emails that cannot be flooded, `next` kept on this site, and
//! `__Host-` cookies under https.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use custodian::db::schema::outbox;
use custodian::mail::outbox::DEFERRED_TOKEN;
use custodian::people::domain::Role;
use diesel::prelude::*;
use reqwest::StatusCode;

use crate::helpers::{link_in, ReceivedEmail, Smtp, TestApp, Visitor, PASSWORD};

const NEW_PASSWORD: &str = "another long passphrase for tests";

/// One outbox row as it sits in the database (or in any backup of it).
pub(crate) struct Stored {
    pub(crate) id: String,
    pub(crate) status: String,
    columns: Vec<String>,
}

impl Stored {
    pub(crate) fn all_text(&self) -> String {
        self.columns.join("\n")
    }
}

pub(crate) fn stored(app: &TestApp, kind: &str) -> Vec<Stored> {
    type Row = (
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        Option<String>,
    );
    let rows: Vec<Row> = outbox::table
        .filter(outbox::kind.eq(kind))
        .order(outbox::created_at.asc())
        .select((
            outbox::id,
            outbox::status,
            outbox::message_id,
            outbox::recipients,
            outbox::subject,
            outbox::body_text,
            outbox::body_html,
            outbox::last_error,
        ))
        .load(&mut *app.db.conn().unwrap())
        .unwrap();
    rows.into_iter()
        .map(|(id, status, m, r, s, t, h, e)| Stored {
            id,
            status,
            columns: vec![m, r, s, t, h, e.unwrap_or_default()],
        })
        .collect()
}

pub(crate) async fn wait_for_status(app: &TestApp, kind: &str, status: &str) -> Stored {
    for _ in 0..200 {
        if let Some(row) = stored(app, kind).into_iter().find(|r| r.status == status) {
            return row;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no {kind} email became {status}");
}

pub(crate) fn token_of(link: &str) -> String {
    link.split("token=").nth(1).expect("a token").to_owned()
}

/// Whatever stands for the token after each `token=` in a stored email.
pub(crate) fn tokens_in(text: &str) -> Vec<String> {
    regex::Regex::new(r"token=(\[[^\]]*\]|[A-Za-z0-9]+)")
        .unwrap()
        .captures_iter(text)
        .map(|c| c[1].to_owned())
        .collect()
}

/// Every link value kept in a stored email (`at_rest`), tried at `path`,
/// opens nothing: what a copy of the database holds takes over no account.
pub(crate) async fn assert_stored_links_open_nothing(visitor: &Visitor, path: &str, at_rest: &str) {
    let found = tokens_in(at_rest);
    assert!(!found.is_empty(), "the stored email keeps its link's place");
    for stored_token in found {
        let response = visitor
            .client
            .get(visitor.address.clone() + path)
            .query(&[("token", &stored_token)])
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::NOT_FOUND,
            "the stored '{stored_token}' opens nothing"
        );
    }
}

/// Waits (up to 10 seconds) for `count` emails whose subject has `part`.
pub(crate) async fn emails_about(app: &TestApp, part: &str, count: usize) -> Vec<ReceivedEmail> {
    for _ in 0..200 {
        let found: Vec<_> = app
            .mail
            .received()
            .into_iter()
            .filter(|m| m.subject.contains(part))
            .collect();
        if found.len() >= count {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "fewer than {count} emails about '{part}': {:?}",
        app.mail.subjects()
    );
}

/// The one-time link in an email, whichever instance's address it carries.
fn one_time_link(email: &ReceivedEmail) -> String {
    regex::Regex::new(r"https?://\S+\?token=[A-Za-z0-9]+")
        .unwrap()
        .find(&email.text)
        .unwrap_or_else(|| panic!("no one-time link in: {}", email.text))
        .as_str()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sent_invitation_leaves_no_working_link_in_the_database_or_the_email_log() {
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Headteacher).await;
    app.invite_amira().await;
    let email = app
        .email_to("amira@oakfield.example", "You have been invited")
        .await;
    let link = link_in(&email, &app);
    let token = token_of(&link);
    assert!(
        email.html.contains(&token),
        "the HTML twin has the link too"
    );

    // Someone with a copy of the database reads the sent message.
    let row = wait_for_status(&app, "invitation", "sent").await;
    let at_rest = row.all_text();
    assert!(!at_rest.contains(&token), "the sent token is not stored");
    assert!(at_rest.contains(DEFERRED_TOKEN));
    let visitor = TestApp::spawn_client(&app);
    assert_stored_links_open_nothing(&visitor, "/invitation", &at_rest).await;
    // The head's email log shows the message, never a working link.
    let (status, html) = app.page(&format!("/emails/{}", row.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Choose your password"));
    assert!(!html.contains(&token));

    // The link Amira received works, once.
    let (status, _) = visitor.page(&link).await;
    assert_eq!(status, StatusCode::OK);
    let response = visitor.choose_password("/invitation", &token).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        visitor
            .sign_in("amira@oakfield.example", PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_email_that_first_failed_still_arrives_with_a_working_link_that_is_not_stored() {
    let app = TestApp::spawn_with(Smtp::NotStarted).await;
    let staff = app.add_person("Tom Reed", Role::Staff);
    let response = app
        .post_form("/password/reset", &[("email", &staff.email)])
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let failed = wait_for_status(&app, "password_reset", "retrying").await;
    assert!(tokens_in(&failed.all_text())
        .iter()
        .all(|t| t == DEFERRED_TOKEN));

    // The mail server comes back; the retry falls due.
    app.mail.start();
    app.clock.advance(time::Duration::minutes(2));
    let email = app
        .email_to(&staff.email, "Reset your Custodian password")
        .await;
    let link = link_in(&email, &app);
    let token = token_of(&link);
    let sent = wait_for_status(&app, "password_reset", "sent").await;
    assert!(!sent.all_text().contains(&token));

    let response = app
        .post_form(
            "/password/reset/choose",
            &[
                ("token", &token),
                ("password", NEW_PASSWORD),
                ("confirm", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.sign_in(&staff.email, NEW_PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_held_invitation_holds_no_link_and_arrives_working_once_a_mail_server_is_configured() {
    let app = TestApp::spawn_with(Smtp::Unset).await;
    app.sign_in_as(Role::Headteacher).await;
    app.invite_amira().await;
    let held = stored(&app, "invitation");
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].status, "held");
    assert_eq!(tokens_in(&held[0].all_text()), vec![DEFERRED_TOKEN; 3]);

    // The school configures its mail server and restarts.
    app.mail.start();
    let smtp = app.mail.url();
    app.spawn_second_instance_configured(|settings| settings.smtp_url = Some(smtp))
        .await;
    let email = app
        .mail
        .wait_for(|m| m.to.iter().any(|t| t == "amira@oakfield.example"))
        .await
        .expect("the held invitation is delivered");
    let link = one_time_link(&email);
    let visitor = TestApp::spawn_client(&app);
    let (status, html) = visitor.page(&link).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Choose your password"));
    let sent = wait_for_status(&app, "invitation", "sent").await;
    assert!(!sent.all_text().contains(&token_of(&link)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invitation_that_arrives_after_the_printed_link_was_used_opens_nothing() {
    use custodian::people::domain::NewPerson;
    use custodian::people::{actor::Actor, service};
    let app = TestApp::spawn_with(Smtp::Unset).await;
    // Added at the command line: the link is printed there, and Amira uses it.
    let new = NewPerson::parse("Amira Hussain", "amira@oakfield.example", "staff").unwrap();
    let printed = custodian::tx::write(
        &mut app.db.conn().unwrap(),
        &app.ctx(),
        &Actor::CommandLine,
        |tx| service::add(tx, Ok(new), None),
    )
    .unwrap()
    .invitation_link
    .expect("a printed link");
    let visitor = TestApp::spawn_client(&app);
    let response = visitor
        .choose_password("/invitation", &token_of(&printed))
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    // Days later the mail server is configured and the held email goes.
    app.mail.start();
    let smtp = app.mail.url();
    app.spawn_second_instance_configured(|settings| settings.smtp_url = Some(smtp))
        .await;
    let email = app
        .mail
        .wait_for(|m| m.to.iter().any(|t| t == "amira@oakfield.example"))
        .await
        .expect("the held invitation is delivered");
    let (status, html) = visitor.page(&one_time_link(&email)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("This link no longer works"));
    assert_eq!(
        visitor
            .sign_in("amira@oakfield.example", PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER,
        "her own password still stands"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reset_emails_go_at_most_once_in_five_minutes_and_the_answer_never_changes() {
    let app = TestApp::spawn().await;
    let staff = app.add_person("Tom Reed", Role::Staff);
    let ask = |email: String| {
        let app = &app;
        async move {
            let response = app.post_form("/password/reset", &[("email", &email)]).await;
            let status = response.status();
            // The CSRF token differs from page to page; nothing else may.
            let html = regex::Regex::new(r#"value="[^"]*""#)
                .unwrap()
                .replace_all(&response.text().await.unwrap(), "")
                .into_owned();
            (status, html)
        }
    };
    let first = ask(staff.email.clone()).await;
    let second = ask(staff.email.clone()).await;
    let stranger = ask("stranger@elsewhere.example".into()).await;
    assert_eq!(first.0, StatusCode::OK);
    assert!(first.1.contains("Check your email"));
    assert_eq!(first, second, "a throttled request looks the same");
    assert_eq!(first, stranger, "an unknown address looks the same");
    assert_eq!(stored(&app, "password_reset").len(), 1, "one email queued");
    let first_link = link_in(&app.email_to(&staff.email, "Reset").await, &app);

    // Five minutes on, Tom may ask again; the earlier link stops working.
    app.clock.advance(time::Duration::minutes(5));
    assert_eq!(ask(staff.email.clone()).await, first);
    assert_eq!(stored(&app, "password_reset").len(), 2);
    let resets = emails_about(&app, "Reset", 2).await;
    let second_link = link_in(&resets[1], &app);
    assert_ne!(first_link, second_link);
    assert_eq!(app.page(&first_link).await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.page(&second_link).await.0, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_asking_resets_for_everyone_gets_a_burst_and_no_more() {
    let app = TestApp::spawn().await;
    let people: Vec<_> = (0..25)
        .map(|n| app.add_person(&format!("Staff Member {n}"), Role::Staff))
        .collect();
    let mut answers = Vec::new();
    for person in &people {
        let response = app
            .post_form("/password/reset", &[("email", &person.email)])
            .await;
        answers.push(response.status());
    }
    assert!(answers.iter().all(|s| *s == StatusCode::OK), "{answers:?}");
    // (The burst refills at one a minute: a slow machine may earn one more.)
    let queued = stored(&app, "password_reset").len();
    assert!((20..=21).contains(&queued), "{queued} reset emails");
    emails_about(&app, "Reset", queued).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_password_is_told_to_its_owner_without_a_link_that_acts() {
    let app = TestApp::spawn().await;
    let me = app.sign_in_as(Role::Staff).await;
    let response = app
        .post_form(
            "/password",
            &[
                ("current", PASSWORD),
                ("password", NEW_PASSWORD),
                ("confirm", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let email = app.email_to(&me.email, "password was changed").await;
    assert!(
        email
            .text
            .contains("Your Custodian password was changed at 24 Nov 2026, 08:00."),
        "{}",
        email.text
    );
    assert!(email.text.contains(&format!(
        "If this was not you, tell the headteacher now and reset it at {}/password/reset",
        app.address
    )));
    assert!(email
        .html
        .contains("Your Custodian password was changed at"));
    assert!(!email.text.contains("token=") && !email.html.contains("token="));

    // A reset tells the owner too.
    app.clock.advance(time::Duration::minutes(1));
    app.post_form("/password/reset", &[("email", &me.email)])
        .await;
    let link = link_in(&app.email_to(&me.email, "Reset").await, &app);
    let response = app
        .choose_password("/password/reset/choose", &token_of(&link))
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let told = emails_about(&app, "password was changed", 2).await;
    assert_eq!(told.len(), 2);
}

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .expect("a redirect")
        .to_str()
        .unwrap()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_sign_in_next_goes_only_to_a_page_of_this_site() {
    let app = TestApp::spawn().await;
    let person = app.add_person("Tom Reed", Role::Staff);
    // The crafted link: a tab the browser would drop makes `//evil.example/`.
    let (status, _) = app.page("/login?next=/%09/evil.example/").await;
    assert_eq!(status, StatusCode::OK);
    let response = app
        .post_form(
            "/login",
            &[
                ("email", &person.email),
                ("password", PASSWORD),
                ("next", "/\t/evil.example/"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/");

    // Signed in, /login passes straight on to `next`.
    for (query, expected) in [
        ("/%09/evil.example/", "/"),
        ("/%0Ax", "/"),
        ("/%0D%0ASet-Cookie:%20x=1", "/"),
        ("//evil.example", "/"),
        ("/%5Cevil.example", "/"),
        ("https://evil.example", "/"),
        ("/%2F%2Fevil.example", "/"),
        ("/%252F%252Fevil.example", "/%2F%2Fevil.example"),
        ("%2Faccounts%3Fx%3D1", "/accounts?x=1"),
    ] {
        let response = app.get(&format!("/login?next={query}")).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{query}");
        assert_eq!(location(&response), expected, "{query}");
    }
}

fn set_cookies(response: &reqwest::Response) -> Vec<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

fn cookie<'a>(cookies: &'a [String], name: &str) -> &'a str {
    cookies
        .iter()
        .find(|c| c.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name} cookie in {cookies:?}"))
}

/// `name=value` of the cookie, as a browser sends it back.
fn pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap_or_default().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_https_both_cookies_are_host_cookies_and_over_http_neither_is_secure() {
    let app = TestApp::spawn_configured(Smtp::Running, |settings| {
        settings.base_url = url::Url::parse("https://custodian.oakfield.example").unwrap();
        settings.base_url_explicit = true;
    })
    .await;
    let person = app.add_person("Tom Reed", Role::Staff);
    // The test speaks plain http, so it sends the Secure cookies back by
    // hand, as a browser on https would.
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = browser.get(app.url("/login")).send().await.unwrap();
    // (Whatever cookie the sign-in form set, if any, goes back with it.)
    let session = set_cookies(&response)
        .iter()
        .map(|c| pair(c))
        .collect::<Vec<_>>()
        .join("; ");
    let token = crate::helpers::csrf_in(&response.text().await.unwrap()).unwrap();
    let response = browser
        .post(app.url("/login"))
        .header("cookie", &session)
        .form(&[
            ("csrf_token", token.as_str()),
            ("email", &person.email),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let cookies = set_cookies(&response);
    for name in ["__Host-custodian_session", "__Host-custodian_flash"] {
        let set = cookie(&cookies, name);
        assert!(set.contains("; Secure"), "{set}");
        assert!(set.contains("; Path=/"), "{set}");
        assert!(!set.to_lowercase().contains("domain="), "{set}");
    }
    assert!(
        cookies.iter().all(|c| c.starts_with("__Host-")),
        "{cookies:?}"
    );
    // The welcome shows once; the cookie that clears it is a __Host- one too.
    let back = format!(
        "{}; {}",
        pair(cookie(&cookies, "__Host-custodian_session")),
        pair(cookie(&cookies, "__Host-custodian_flash"))
    );
    let response = browser
        .get(app.url("/"))
        .header("cookie", &back)
        .send()
        .await
        .unwrap();
    let cleared = set_cookies(&response);
    let cleared = cookie(&cleared, "__Host-custodian_flash").to_owned();
    assert!(response.text().await.unwrap().contains("Welcome, Tom Reed"));
    assert!(
        cleared.contains("; Secure") && cleared.contains("; Path=/"),
        "{cleared}"
    );

    let plain = TestApp::spawn().await;
    let person = plain.add_person("Tom Reed", Role::Staff);
    let response = plain.sign_in(&person.email, PASSWORD).await;
    let cookies = set_cookies(&response);
    for name in ["custodian_session", "custodian_flash"] {
        let set = cookie(&cookies, name);
        assert!(!set.contains("Secure"), "{set}");
    }
    // The flash message arrives over plain http, once.
    let (_, html) = plain.page("/").await;
    assert!(html.contains("Welcome, Tom Reed"));
    let (_, html) = plain.page("/").await;
    assert!(!html.contains("Welcome, Tom Reed"));
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

/// The binary, run from a shell whose umask lets anyone read anything.
fn custodian_with_open_umask(data: &Path, args: &[&str]) -> Command {
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg("umask 000; exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_custodian"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("CUSTODIAN_DATA_DIR", data)
        .env("CUSTODIAN_LOG", "warn");
    command
}

#[test]
fn the_data_folder_database_and_backups_are_private_whatever_the_umask() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let added = custodian_with_open_umask(
        &data,
        &[
            "user",
            "add",
            "--name",
            "Helen Carter",
            "--email",
            "head@oakfield.example",
            "--role",
            "headteacher",
        ],
    )
    .output()
    .unwrap();
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let database = data.join("custodian.db");
    assert_eq!(mode(&data), 0o700, "the data folder");
    assert_eq!(mode(&database), 0o600, "the database");

    let backup = root.path().join("backup.db");
    let output = custodian_with_open_umask(&data, &["backup", "--to", &backup.to_string_lossy()])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(mode(&backup), 0o600, "the backup");

    // While serving, the write-ahead log and shared memory are private too.
    let mut server = custodian_with_open_umask(&data, &["serve"])
        .env("CUSTODIAN_BIND", "127.0.0.1:0")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let wal = data.join("custodian.db-wal");
    let shm = data.join("custodian.db-shm");
    for _ in 0..200 {
        if wal.exists() && shm.exists() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let modes = (wal.exists() && shm.exists()).then(|| (mode(&wal), mode(&shm), mode(&database)));
    server.kill().unwrap();
    server.wait().unwrap();
    assert_eq!(modes, Some((0o600, 0o600, 0o600)), "-wal, -shm, database");
}
