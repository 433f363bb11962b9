//! The `custodian` binary itself: user add, audit verify, backup, bad
//! settings, and a process killed mid-send.

use std::io::Write;
use std::net::TcpListener;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use custodian::db::{DatabaseUrl, Db};
use diesel::prelude::*;

use crate::helpers::{MailServer, PASSWORD};

/// A data folder and the binary pointed at it.
pub(crate) struct Cli {
    pub(crate) dir: tempfile::TempDir,
}

impl Cli {
    pub(crate) fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn command(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_custodian"));
        command
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("CUSTODIAN_DATA_DIR", self.dir.path())
            .env("CUSTODIAN_LOG", "warn");
        command
    }

    pub(crate) fn run(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let mut child = self
            .command()
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        if let Some(input) = stdin {
            // A command that refuses its arguments exits before reading.
            let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
        }
        drop(child.stdin.take());
        child.wait_with_output().unwrap()
    }

    fn db(&self) -> Db {
        Db::open(
            &DatabaseUrl::Sqlite(self.dir.path().join("custodian.db")),
            2,
        )
        .unwrap()
    }

    fn add(&self, name: &str, email: &str, role: &str) -> Output {
        self.run(
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
        )
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn user_add_sets_a_password_and_refuses_bad_input_clearly() {
    let cli = Cli::new();
    let added = cli.add("Helen Carter", "head@oakfield.example", "headteacher");
    assert!(added.status.success(), "{}", text(&added.stderr));
    assert!(
        text(&added.stdout).contains("Added Helen Carter <head@oakfield.example> as Headteacher")
    );

    let duplicate = cli.add("Helen Again", "HEAD@oakfield.example", "staff");
    assert!(!duplicate.status.success());
    assert!(text(&duplicate.stderr).contains("already in Custodian"));

    let role = cli.add("Tom Reed", "tom@oakfield.example", "janitor");
    assert!(!role.status.success());
    assert!(text(&role.stderr).contains("unknown role 'janitor'"));

    let weak = cli.run(
        &[
            "user",
            "add",
            "--name",
            "Tom Reed",
            "--email",
            "tom@oakfield.example",
            "--role",
            "staff",
            "--password-stdin",
        ],
        Some("password1234\n"),
    );
    assert!(!weak.status.success());
    assert!(text(&weak.stderr).contains("password refused"));

    // The person is there, with a hash, and the command line is the actor.
    use custodian::db::schema::{audit_events, people};
    let db = cli.db();
    let mut conn = db.conn().unwrap();
    let hash: Option<String> = people::table
        .select(people::password_hash)
        .first(&mut *conn)
        .unwrap();
    assert!(hash.unwrap().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    let actors: Vec<String> = audit_events::table
        .filter(audit_events::action.eq("person.created"))
        .select(audit_events::actor_kind)
        .load(&mut *conn)
        .unwrap();
    assert_eq!(actors, vec!["cli".to_owned()]);
}

#[test]
fn user_add_without_a_password_queues_an_invitation_and_prints_its_link() {
    let cli = Cli::new();
    let output = cli.run(
        &[
            "user",
            "add",
            "--name",
            "Tom Reed",
            "--email",
            "tom@oakfield.example",
            "--role",
            "staff",
        ],
        None,
    );
    assert!(output.status.success());
    assert!(text(&output.stdout).contains("/invitation?token="));
    use custodian::db::schema::outbox;
    let kinds: Vec<(String, String)> = outbox::table
        .select((outbox::kind, outbox::status))
        .load(&mut *cli.db().conn().unwrap())
        .unwrap();
    assert_eq!(kinds, vec![("invitation".to_owned(), "held".to_owned())]);
}

#[test]
fn audit_verify_passes_a_whole_chain_and_names_the_first_bad_event() {
    let cli = Cli::new();
    cli.add("Helen Carter", "head@oakfield.example", "headteacher");
    cli.add("Tom Reed", "tom@oakfield.example", "staff");
    let ok = cli.run(&["audit", "verify"], None);
    assert!(ok.status.success());
    assert!(
        text(&ok.stdout).contains("Audit chain whole: 2 events checked"),
        "{}",
        text(&ok.stdout)
    );

    // Someone edits the file behind the app's back.
    let mut raw =
        SqliteConnection::establish(&cli.dir.path().join("custodian.db").to_string_lossy())
            .unwrap();
    diesel::sql_query("DROP TRIGGER audit_events_no_update")
        .execute(&mut raw)
        .unwrap();
    diesel::sql_query(
        "UPDATE audit_events SET summary = 'An administrator added nobody' WHERE seq = 1",
    )
    .execute(&mut raw)
    .unwrap();
    let broken = cli.run(&["audit", "verify"], None);
    assert_eq!(broken.status.code(), Some(1));
    assert!(text(&broken.stdout).contains("event 1: its content was changed"));
}

#[test]
fn backup_writes_a_consistent_copy_that_opens() {
    let cli = Cli::new();
    cli.add("Helen Carter", "head@oakfield.example", "headteacher");
    let target = cli.dir.path().join("backup.db");
    let output = cli.run(&["backup", "--to", &target.to_string_lossy()], None);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let copy = Db::open(&DatabaseUrl::Sqlite(target.clone()), 1).unwrap();
    let mut conn = copy.conn().unwrap();
    assert!(custodian::audit::service::verify_chain(&mut conn)
        .unwrap()
        .ok());
    use custodian::db::schema::people;
    let names: Vec<String> = people::table.select(people::name).load(&mut *conn).unwrap();
    assert_eq!(names, vec!["Helen Carter".to_owned()]);
    // Never over an existing file.
    let again = cli.run(&["backup", "--to", &target.to_string_lossy()], None);
    assert!(!again.status.success());
}

#[test]
fn a_bad_setting_stops_start_up_with_one_line_naming_it() {
    let cli = Cli::new();
    let output = cli
        .command()
        .env("CUSTODIAN_TIME_ZONE", "Europe/Atlantis")
        .arg("serve")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("custodian: CUSTODIAN_TIME_ZONE: 'Europe/Atlantis' is not a time zone")
    );
}

/// A mail server that accepts connections and never answers: a send stalls.
fn stalling_smtp() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    port
}

fn leased(cli: &Cli) -> usize {
    use custodian::db::schema::outbox;
    outbox::table
        .filter(outbox::lease_owner.is_not_null())
        .count()
        .get_result::<i64>(&mut *cli.db().conn().unwrap())
        .unwrap() as usize
}

fn serve(cli: &Cli, smtp_port: u16) -> Child {
    cli.command()
        .env("CUSTODIAN_BIND", "127.0.0.1:0")
        .env(
            "CUSTODIAN_SMTP_URL",
            format!("smtp://127.0.0.1:{smtp_port}"),
        )
        .arg("serve")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_process_killed_mid_send_delivers_after_restart_and_stops_gracefully_on_sigterm() {
    let cli = Cli::new();
    for (name, email) in [
        ("Ann Able", "ann@oakfield.example"),
        ("Ben Best", "ben@oakfield.example"),
    ] {
        let output = cli.run(
            &[
                "user", "add", "--name", name, "--email", email, "--role", "staff",
            ],
            None,
        );
        assert!(output.status.success());
    }
    // The server takes the mail and stalls mid-conversation; we kill it hard.
    let mut first = serve(&cli, stalling_smtp());
    for _ in 0..200 {
        if leased(&cli) > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(leased(&cli) > 0, "the sender had taken the mail");
    first.kill().unwrap();
    first.wait().unwrap();

    // Restarted against a working mail server, it delivers everything.
    let mail = MailServer::new();
    mail.start();
    let port: u16 = mail.url().rsplit(':').next().unwrap().parse().unwrap();
    let mut second = serve(&cli, port);
    // (They are also asked to reconfirm their declarations: the yearly
    // request is on in a real server; only the invitations matter here.)
    let invitations = |mail: &MailServer| -> Vec<String> {
        let mut to: Vec<String> = mail
            .received()
            .iter()
            .filter(|m| m.subject.contains("invited"))
            .flat_map(|m| m.to.clone())
            .collect();
        to.sort();
        to
    };
    // Once every invitation is marked sent (after the mail server took it),
    // none can go again: what has arrived then is all that ever will.
    let unsent_invitations = || -> i64 {
        use custodian::db::schema::outbox;
        outbox::table
            .filter(outbox::subject.like("%invited%"))
            .filter(outbox::status.ne("sent"))
            .count()
            .get_result(&mut *cli.db().conn().unwrap())
            .unwrap()
    };
    for _ in 0..200 {
        if unsent_invitations() == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(unsent_invitations(), 0, "every invitation was sent");
    let to = invitations(&mail);
    assert_eq!(
        to,
        vec![
            "ann@oakfield.example".to_owned(),
            "ben@oakfield.example".to_owned()
        ]
    );

    // SIGTERM: it stops accepting, finishes, and exits cleanly.
    let status = Command::new("kill")
        .args(["-TERM", &second.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let mut exited = None;
    for _ in 0..200 {
        if let Some(code) = second.try_wait().unwrap() {
            exited = Some(code);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let exited = exited.unwrap_or_else(|| {
        let _ = second.kill();
        panic!("did not stop on SIGTERM")
    });
    assert!(exited.success(), "{exited:?}");
}

#[test]
fn the_demo_school_has_people_in_every_role_and_a_whole_chain() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = custodian::config::Settings::from_vars(&Default::default()).unwrap();
    settings.database_url = DatabaseUrl::Sqlite(dir.path().join("demo.db"));
    settings.password_hashing = custodian::auth::password::HashParams::cheap_for_tests();
    custodian::demo::seed(&settings).unwrap();
    let db = Db::open(&settings.database_url, 1).unwrap();
    let mut conn = db.conn().unwrap();
    use custodian::db::schema::people;
    let roles: Vec<(String, bool)> = people::table
        .select((people::role, people::active))
        .load(&mut *conn)
        .unwrap();
    for role in ["staff", "slt", "headteacher", "chair"] {
        assert!(
            roles.iter().any(|(r, active)| r == role && *active),
            "{role}"
        );
    }
    assert!(roles.iter().any(|(_, active)| !active), "a leaver");
    use custodian::db::schema::{accounts, declarations, grants};
    let states: Vec<String> = declarations::table
        .select(declarations::state)
        .load(&mut *conn)
        .unwrap();
    for state in ["awaiting_review", "returned", "acknowledged", "ended"] {
        assert!(states.iter().any(|s| s == state), "a declaration {state}");
    }
    let ends: Vec<Option<String>> = grants::table
        .select(grants::end_kind)
        .load(&mut *conn)
        .unwrap();
    for kind in [None, Some("expired"), Some("revoked"), Some("deactivated")] {
        assert!(
            ends.iter().any(|k| k.as_deref() == kind),
            "a grant {kind:?}"
        );
    }
    let due: Vec<bool> = accounts::table
        .select(accounts::password_change_due)
        .load(&mut *conn)
        .unwrap();
    assert!(due.contains(&true), "a password change due");
    use custodian::db::schema::concern_cases;
    let cases: Vec<(String, String, Option<String>)> = concern_cases::table
        .select((
            concern_cases::reviewer_role,
            concern_cases::status,
            concern_cases::outcome,
        ))
        .load(&mut *conn)
        .unwrap();
    for status in ["open", "under_review", "closed", "referred_to_lado"] {
        assert!(cases.iter().any(|c| c.1 == status), "a concern {status}");
    }
    assert!(
        cases.iter().any(|c| c.0 == "chair"),
        "a concern about the head"
    );
    assert!(
        cases
            .iter()
            .any(|c| c.2.as_deref() == Some("unsubstantiated")),
        "an allegation closed with a KCSIE outcome"
    );
    let overdue: i64 = concern_cases::table
        .filter(concern_cases::lado_due_at.is_not_null())
        .filter(concern_cases::lado_referred_on.is_null())
        .count()
        .get_result(&mut *conn)
        .unwrap();
    assert_eq!(overdue, 1, "an allegation awaiting its LADO referral");
    assert!(custodian::audit::service::verify_chain(&mut conn)
        .unwrap()
        .ok());
}
