//! Spawning the real app for a test: a fresh SQLite file (or a fresh
//! PostgreSQL database when `CUSTODIAN_TEST_POSTGRES_URL` is set), an
//! in-process SMTP server, cheap argon2, a clock that moves only when told.

#![allow(dead_code)]

pub mod smtp;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use custodian::clock::{Clock, ManualClock};
use custodian::config::Settings;
use custodian::db::{DatabaseUrl, Db};
use custodian::people::domain::{NewPerson, Role};
use custodian::people::{actor::Actor, service};
use custodian::startup::{Application, Ctx};
use diesel::prelude::*;
use reqwest::StatusCode;

pub use smtp::{MailServer, ReceivedEmail};

/// The password every test person signs in with.
pub const PASSWORD: &str = "a test passphrase long enough";

/// Where the test clock starts: a Tuesday morning in term.
pub fn start_time() -> time::OffsetDateTime {
    time::macros::datetime!(2026-11-24 08:00 UTC)
}

/// How the test's mail server behaves at start.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Smtp {
    /// Running and accepting.
    Running,
    /// Configured, but nothing listens until `start_mail_server`.
    NotStarted,
    /// No CUSTODIAN_SMTP_URL: mail is held.
    Unset,
}

pub struct TestApp {
    pub address: String,
    pub port: u16,
    pub client: reqwest::Client,
    pub clock: ManualClock,
    pub mail: MailServer,
    pub settings: Settings,
    pub db: Db,
    pub setup_link: Option<String>,
    pub data_dir: tempfile::TempDir,
    stoppers: std::sync::Mutex<Vec<custodian::startup::Stopper>>,
    postgres: Option<TestPostgres>,
}

/// A person made for a test.
#[derive(Clone, Debug)]
pub struct TestPerson {
    pub id: custodian::ids::PersonId,
    pub name: String,
    pub email: String,
    pub role: Role,
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(Smtp::Running).await
    }

    pub async fn spawn_with(smtp: Smtp) -> Self {
        Self::spawn_configured(smtp, |_| {}).await
    }

    /// Spawns with settings adjusted by `adjust` (an https base URL, say).
    pub async fn spawn_configured(smtp: Smtp, adjust: impl FnOnce(&mut Settings)) -> Self {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let postgres = TestPostgres::create();
        let mail = MailServer::new();
        if smtp == Smtp::Running {
            mail.start();
        }
        let mut settings = Settings::from_vars(&HashMap::new()).expect("default settings");
        settings.data_dir = data_dir.path().to_owned();
        settings.database_url = match &postgres {
            Some(pg) => DatabaseUrl::Postgres(pg.url.clone()),
            None => DatabaseUrl::Sqlite(data_dir.path().join("custodian.db")),
        };
        settings.bind = "127.0.0.1:0".parse().expect("address");
        settings.smtp_url = (smtp != Smtp::Unset).then(|| mail.url());
        settings.school_name = "Oakfield Primary School".into();
        settings.password_hashing = custodian::auth::password::HashParams::cheap_for_tests();
        settings.sender_poll = Duration::from_millis(50);
        settings.job_interval = Duration::from_millis(100);
        settings.send_reconfirmations = false;
        settings.send_digests = false;
        settings.db_pool_size = 8;
        adjust(&mut settings);

        let clock = ManualClock::new(start_time());
        let app = Application::build(settings, Arc::new(clock.clone()))
            .await
            .expect("the app builds");
        let port = app.port();
        let setup_link = app.setup_link().map(str::to_owned);
        let settings = (*app.state().settings).clone();
        let db = app.state().db.clone();
        let stoppers = std::sync::Mutex::new(vec![app.stopper()]);
        tokio::spawn(app.run_until_stopped());

        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .build()
            .expect("client");
        Self {
            address: format!("http://127.0.0.1:{port}"),
            port,
            client,
            clock,
            mail,
            settings,
            db,
            setup_link,
            data_dir,
            stoppers,
            postgres,
        }
    }

    /// Another browser on the same app: its own cookies, nobody signed in.
    pub fn spawn_client(app: &TestApp) -> Visitor {
        Visitor {
            address: app.address.clone(),
            client: app.new_client(),
        }
    }

    /// A second instance of the app on the same database (PostgreSQL: how a
    /// school runs several behind a load balancer), sharing the clock.
    pub async fn spawn_second_instance(&self) -> String {
        self.spawn_second_instance_configured(|_| {}).await
    }

    /// A second instance with its settings adjusted (a mail server
    /// configured at last, say).
    pub async fn spawn_second_instance_configured(
        &self,
        adjust: impl FnOnce(&mut Settings),
    ) -> String {
        let mut settings = self.settings.clone();
        settings.bind = "127.0.0.1:0".parse().expect("address");
        settings.base_url_explicit = false;
        adjust(&mut settings);
        let app = Application::build(settings, Arc::new(self.clock.clone()))
            .await
            .expect("the second instance builds");
        let address = format!("http://127.0.0.1:{}", app.port());
        self.stoppers.lock().expect("lock").push(app.stopper());
        tokio::spawn(app.run_until_stopped());
        address
    }

    pub fn on_postgres(&self) -> bool {
        self.postgres.is_some()
    }

    pub fn ctx(&self) -> Ctx {
        custodian::startup::ctx(
            Arc::new(self.settings.clone()),
            Arc::new(self.clock.clone()),
        )
    }

    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{}", self.address, path)
        }
    }

    /// A new browser: no cookies.
    pub fn new_client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .build()
            .expect("client")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    /// GETs a CSV download and returns its text after the byte-order mark
    /// that every export starts with.
    pub async fn csv(&self, path: &str) -> String {
        csv_text(self.get(path).await).await
    }

    /// GETs a page and returns its status and HTML.
    pub async fn page(&self, path: &str) -> (StatusCode, String) {
        let response = self.get(path).await;
        let status = response.status();
        (status, response.text().await.expect("body"))
    }

    /// The CSRF token of this client's session.
    pub async fn csrf_token(&self) -> String {
        let (_, html) = self.page("/password/reset").await;
        csrf_in(&html).expect("a CSRF token on the page")
    }

    /// Posts a form as a browser would, with the session's CSRF token.
    /// The head (signed in) invites Amira Hussain, a member of staff.
    pub async fn invite_amira(&self) {
        let fields = [
            ("name", "Amira Hussain"),
            ("email", "amira@oakfield.example"),
            ("role", "staff"),
        ];
        let response = self.post_form("/people/new", &fields).await;
        assert_eq!(response.status(), reqwest::StatusCode::SEE_OTHER);
    }

    /// Chooses the test password from an emailed link's token: an
    /// invitation, a reset, the chair's acceptance.
    pub async fn choose_password(&self, path: &str, token: &str) -> reqwest::Response {
        self.post_form(path, &password_fields(token)).await
    }

    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let token = self.csrf_token().await;
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    /// Posts exactly these fields (no CSRF token unless given).
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .form(fields)
            .send()
            .await
            .expect("POST")
    }

    /// Adds a person directly (as the command line would), with `PASSWORD`.
    pub fn add_person(&self, name: &str, role: Role) -> TestPerson {
        let email = format!("{}@oakfield.example", name.to_lowercase().replace(' ', "."));
        let hasher = custodian::auth::password::Hasher::new(self.settings.password_hashing);
        let hash = hasher.hash_blocking(
            &custodian::auth::password::NewPassword::parse(PASSWORD).expect("password"),
        );
        let new = NewPerson::parse(name, &email, role.as_str()).expect("valid person");
        let mut conn = self.db.conn().expect("connection");
        let added = custodian::tx::write(&mut conn, &self.ctx(), &Actor::CommandLine, |tx| {
            service::add(tx, Ok(new), Some(hash))
        })
        .expect("add person");
        TestPerson {
            id: added.person.id,
            name: added.person.name,
            email: added.person.email,
            role,
        }
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> reqwest::Response {
        self.post_form("/login", &[("email", email), ("password", password)])
            .await
    }

    /// Adds a person with this role and signs this client in as them.
    pub async fn sign_in_as(&self, role: Role) -> TestPerson {
        let name = match role {
            Role::Headteacher => "Helen Carter",
            Role::Slt => "David Okafor",
            Role::Staff => "Tom Reed",
            Role::Chair => "Margaret Ellis",
        };
        let person = self.add_person(name, role);
        let response = self.sign_in(&person.email, PASSWORD).await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "sign-in as {role:?}"
        );
        person
    }

    /// Adds a person with this role and a new browser signed in as them.
    pub async fn person_signed_in(&self, name: &str, role: Role) -> (TestPerson, Visitor) {
        let person = self.add_person(name, role);
        let browser = Self::spawn_client(self);
        assert_eq!(
            browser.sign_in(&person.email, PASSWORD).await.status(),
            StatusCode::SEE_OTHER,
            "sign-in as {name}"
        );
        (person, browser)
    }

    /// Opens a Facebook account through the form, as this client (SLT or
    /// the head); returns its id.
    pub async fn open_account(&self, handle: &str) -> String {
        let response = self
            .post_form(
                "/accounts/new",
                &[
                    ("platform", "facebook"),
                    ("handle", handle),
                    ("profile_url", "https://www.facebook.com/oakfield.example"),
                    ("purpose", "News and events for families"),
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

    /// Waits for an email to `address` matching `subject_part`.
    pub async fn email_to(&self, address: &str, subject_part: &str) -> ReceivedEmail {
        self.mail
            .wait_for(|m| m.to.iter().any(|t| t == address) && m.subject.contains(subject_part))
            .await
            .unwrap_or_else(|| {
                panic!(
                    "no email to {address} about '{subject_part}'; received: {:?}",
                    self.mail.subjects()
                )
            })
    }

    /// Runs every scheduled job once, to completion, at the test clock's
    /// time, then waits until the outbox has nothing left to send now: after
    /// it, whatever the app would do by itself at this time has been done,
    /// and mail it did not send was not going to be sent. Use it before a
    /// "nothing arrived" or "nothing happened" check, never a sleep.
    pub async fn run_scheduled_work(&self) {
        let jobs = custodian::startup::scheduled_jobs(&self.settings);
        let outcomes = custodian::jobs::run_once(&self.db, &self.ctx(), &jobs).await;
        let failed: Vec<_> = outcomes.iter().filter(|o| o.result.is_err()).collect();
        assert!(failed.is_empty(), "scheduled jobs failed: {failed:?}");
        self.deliver_mail().await;
    }

    /// Waits (up to 10 seconds) until the app's sender has attempted every
    /// message due by the test clock: each is sent, or waits for a retry
    /// later, or is held (no mail server).
    pub async fn deliver_mail(&self) {
        use custodian::db::schema::outbox;
        let due = || -> i64 {
            let now = custodian::clock::to_row(self.clock.now());
            outbox::table
                .filter(outbox::status.eq_any(["queued", "retrying"]))
                .filter(outbox::next_attempt_at.le(now))
                .count()
                .get_result(&mut *self.db.conn().expect("connection"))
                .expect("outbox")
        };
        for _ in 0..200 {
            if due() == 0 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "the outbox still has mail due after 10 seconds: {:?}",
            self.outbox_statuses()
        );
    }

    /// Rows of the outbox by status.
    pub fn outbox_statuses(&self) -> Vec<(String, String)> {
        use custodian::db::schema::outbox;
        let mut conn = self.db.conn().expect("connection");
        outbox::table
            .select((outbox::message_id, outbox::status))
            .order(outbox::created_at.asc())
            .load(&mut *conn)
            .expect("outbox")
    }

    /// The audit actions in order.
    pub fn audit_actions(&self) -> Vec<String> {
        use custodian::db::schema::audit_events;
        let mut conn = self.db.conn().expect("connection");
        audit_events::table
            .select(audit_events::action)
            .order(audit_events::seq.asc())
            .load(&mut *conn)
            .expect("audit")
    }
}

/// A second browser, for stories with two people or two devices.
pub struct Visitor {
    pub address: String,
    pub client: reqwest::Client,
}

impl Visitor {
    fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{}", self.address, path)
        }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    pub async fn page(&self, path: &str) -> (StatusCode, String) {
        let response = self.get(path).await;
        let status = response.status();
        (status, response.text().await.expect("body"))
    }

    /// As `TestApp::choose_password`, from this visitor's browser.
    pub async fn choose_password(&self, path: &str, token: &str) -> reqwest::Response {
        self.post_form(path, &password_fields(token)).await
    }

    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let (_, html) = self.page("/password/reset").await;
        let token = csrf_in(&html).expect("a CSRF token");
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.client
            .post(self.url(path))
            .form(&all)
            .send()
            .await
            .expect("POST")
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> reqwest::Response {
        self.post_form("/login", &[("email", email), ("password", password)])
            .await
    }
}

/// The id at the end of a redirect's Location (the record just made).
pub fn id_from(response: &reqwest::Response) -> String {
    let location = response
        .headers()
        .get("location")
        .expect("a redirect")
        .to_str()
        .expect("a location")
        .to_owned();
    location.rsplit('/').next().unwrap_or_default().to_owned()
}

/// The CSRF token in a page's HTML.
pub fn csrf_in(html: &str) -> Option<String> {
    let re = regex::Regex::new(r#"name="csrf_token" value="([^"]+)""#).expect("regex");
    re.captures(html).map(|c| c[1].to_owned())
}

/// The first link in an email's text that starts with the app's address.
pub fn link_in(email: &ReceivedEmail, app: &TestApp) -> String {
    let re = regex::Regex::new(r"https?://[^\s<>]+").expect("regex");
    let found = re
        .find_iter(&email.text)
        .map(|m| m.as_str().to_owned())
        .find(|l| l.starts_with(&app.address));
    found.unwrap_or_else(|| panic!("no link in: {}", email.text))
}

impl Drop for TestApp {
    /// SECURITY of the test suite: mail a test caused but never delivered is
    /// a failure (tests of an outage end with the mail delivered).
    fn drop(&mut self) {
        self.check_mail_was_sent();
        // Stop the app before its database goes, or its background work
        // waits on connections to a database that no longer exists.
        let stoppers =
            std::mem::take(&mut *self.stoppers.lock().unwrap_or_else(|p| p.into_inner()));
        if let Ok(handle) = tokio::runtime::Handle::try_current() {
            if handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread {
                for stopper in stoppers {
                    tokio::task::block_in_place(|| handle.block_on(stopper.stop()));
                }
            }
        }
    }
}

impl TestApp {
    fn check_mail_was_sent(&self) {
        if std::thread::panicking() || self.settings.smtp_url.is_none() {
            return;
        }
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            let unsent: Vec<_> = self
                .outbox_statuses()
                .into_iter()
                .filter(|(_, status)| status != "sent")
                .collect();
            if unsent.is_empty() {
                return;
            }
            if std::time::Instant::now() > deadline {
                panic!("mail left unsent at the end of the test: {unsent:?}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// A fresh PostgreSQL database for one test, dropped afterwards.
struct TestPostgres {
    admin_url: String,
    name: String,
    url: String,
}

impl TestPostgres {
    fn create() -> Option<Self> {
        let admin_url = std::env::var("CUSTODIAN_TEST_POSTGRES_URL").ok()?;
        let name = format!("custodian_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin =
            PgConnection::establish(&admin_url).expect("connect to the test PostgreSQL");
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .expect("create the test database");
        let mut url = url::Url::parse(&admin_url).expect("postgres URL");
        url.set_path(&name);
        Some(Self {
            admin_url,
            name,
            url: url.to_string(),
        })
    }
}

impl Drop for TestPostgres {
    fn drop(&mut self) {
        if let Ok(mut admin) = PgConnection::establish(&self.admin_url) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .execute(&mut admin);
        }
    }
}

/// A CSV download's text, checked to start with the byte-order mark that
/// lets Excel show names as written.
pub async fn csv_text(response: reqwest::Response) -> String {
    let body = response.text().await.expect("body");
    body.strip_prefix('\u{feff}')
        .unwrap_or_else(|| panic!("a CSV export starts with a byte-order mark: {body:.80}"))
        .to_owned()
}

/// The fields of a choose-a-password form, with the test password twice.
fn password_fields(token: &str) -> [(&str, &str); 3] {
    [
        ("token", token),
        ("password", PASSWORD),
        ("confirm", PASSWORD),
    ]
}
