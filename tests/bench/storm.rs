//! The sign-in storm: how much memory the server holds while 32 addresses
//! hammer `POST /login` with the production argon2 cost, and how much it
//! still holds 10 s after they stop.
//!
//! Use: `mod storm;` in the bench, then `storm::run().await` from its tokio
//! main (any runtime with the time and I/O drivers). It starts the release
//! binary itself (`custodian demo` on a fresh SQLite file in a temporary
//! folder, a free loopback port, OWASP parameters, as in production), so it
//! shares nothing with the bench's in-process app, and prints two lines:
//!
//! ```text
//! sign-in storm: peak 66 MiB, 10 s later 28 MiB (goal <= 250, < 60); idle before 24 MiB; at most 46 threads
//! sign-in storm: 448 sign-ins hashed in 10.4s (96 signed in, 352 refused), 8938 rate-limited, 0 other
//! ```
//!
//! (Before argon2's memory was pooled: peak 748 MiB, 10 s later 502 MiB,
//! idle before 61 MiB.) It takes about 25 s.
//!
//! Each client is bound to its own source address (127.0.0.2 ..= 127.0.0.33),
//! so each has its own per-address allowance (`auth::throttle`). Three
//! attempts in four are a wrong password for an email used once (unknown,
//! so verified against the dummy hash, and never locked, since a lock needs
//! five failures on one email); the fourth is a demo person's right
//! password, after which the client starts afresh, signed out. Every
//! answer but the rate limit's costs the server a full hash.

use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CLIENTS: u8 = 32;
const STORM: Duration = Duration::from_secs(10);
const SETTLE: Duration = Duration::from_secs(10);
const SAMPLE_EVERY: Duration = Duration::from_millis(50);
const GOAL_PEAK_MIB: u64 = 250;
const GOAL_AFTER_MIB: u64 = 60;

/// The demo people who can sign in (`src/demo/mod.rs`), and their password.
const PEOPLE: [&str; 7] = [
    "head@oakfield.example",
    "deputy@oakfield.example",
    "slt@oakfield.example",
    "teacher@oakfield.example",
    "ta@oakfield.example",
    "volunteer@oakfield.example",
    "chair@oakfield.example",
];
const PASSWORD: &str = "oakfield demo password";

/// Runs the storm against a server of its own and prints what it measured.
pub async fn run() {
    let server = Server::start();
    let base = server.base.clone();
    wait_until_ready(&base).await;
    let idle = status(server.pid(), "VmRSS:").unwrap_or(0);

    let peak = Arc::new(AtomicU64::new(idle));
    let threads = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, threads, stop) = (peak.clone(), threads.clone(), stop.clone());
        let pid = server.pid();
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                if let Some(rss) = status(pid, "VmRSS:") {
                    peak.fetch_max(rss, Ordering::Relaxed);
                }
                if let Some(count) = status(pid, "Threads:") {
                    threads.fetch_max(count, Ordering::Relaxed);
                }
                std::thread::sleep(SAMPLE_EVERY);
            }
        })
    };

    let tally = Arc::new(Tally::default());
    let started = Instant::now();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|i| tokio::spawn(client(i, base.clone(), started + STORM, tally.clone())))
        .collect();
    for client in clients {
        client.await.expect("storm client");
    }
    let stormed = started.elapsed();
    // The last answers are in: what the server holds now is what it keeps.
    stop.store(true, Ordering::Relaxed);
    sampler.join().expect("sampler");
    tokio::time::sleep(SETTLE).await;
    let after = status(server.pid(), "VmRSS:").expect("the server is still running");
    let peak = peak.load(Ordering::Relaxed);

    println!(
        "sign-in storm: peak {} MiB, {} s later {} MiB (goal <= {GOAL_PEAK_MIB}, < {GOAL_AFTER_MIB}); \
         idle before {} MiB; at most {} threads",
        peak / 1024,
        SETTLE.as_secs(),
        after / 1024,
        idle / 1024,
        threads.load(Ordering::Relaxed),
    );
    let (signed_in, refused) = (
        tally.signed_in.load(Ordering::Relaxed),
        tally.refused.load(Ordering::Relaxed),
    );
    println!(
        "sign-in storm: {} sign-ins hashed in {stormed:.1?} ({signed_in} signed in, {refused} refused), \
         {} rate-limited, {} other",
        signed_in + refused,
        tally.limited.load(Ordering::Relaxed),
        tally.other.load(Ordering::Relaxed),
    );
}

#[derive(Default)]
struct Tally {
    /// 303: the right password, hashed and matched.
    signed_in: AtomicU64,
    /// 422: hashed and refused.
    refused: AtomicU64,
    /// 429: refused by the per-address limit before any hashing.
    limited: AtomicU64,
    other: AtomicU64,
}

async fn client(i: u8, base: String, until: Instant, tally: Arc<Tally>) {
    let source = std::net::IpAddr::from([127, 0, 0, 2 + i]);
    let fresh = || {
        reqwest::Client::builder()
            .local_address(source)
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
    };
    let mut http = fresh();
    let mut token: Option<String> = None;
    let login = format!("{base}/login");
    let mut attempt = 0usize;
    while Instant::now() < until {
        let csrf = match token.take() {
            Some(token) => token,
            None => {
                let Ok(page) = http.get(&login).send().await else {
                    tally.other.fetch_add(1, Ordering::Relaxed);
                    continue;
                };
                match page.text().await.ok().as_deref().and_then(csrf_in) {
                    Some(token) => token,
                    None => {
                        tally.other.fetch_add(1, Ordering::Relaxed);
                        continue;
                    }
                }
            }
        };
        attempt += 1;
        let (email, password) = if attempt.is_multiple_of(4) {
            (
                PEOPLE[(usize::from(i) + attempt) % PEOPLE.len()].to_owned(),
                PASSWORD,
            )
        } else {
            (
                format!("storm-{i}-{attempt}@oakfield.example"),
                "not the password",
            )
        };
        let answer = http
            .post(&login)
            .form(&[
                ("csrf_token", csrf.as_str()),
                ("email", email.as_str()),
                ("password", password),
                ("next", ""),
            ])
            .send()
            .await;
        let Ok(answer) = answer else {
            tally.other.fetch_add(1, Ordering::Relaxed);
            continue;
        };
        match answer.status().as_u16() {
            303 => {
                tally.signed_in.fetch_add(1, Ordering::Relaxed);
                // Signed in: start again as someone signed out.
                http = fresh();
            }
            422 => {
                tally.refused.fetch_add(1, Ordering::Relaxed);
                token = answer.text().await.ok().as_deref().and_then(csrf_in);
            }
            429 => {
                tally.limited.fetch_add(1, Ordering::Relaxed);
                let _ = answer.bytes().await;
                token = Some(csrf);
            }
            _ => {
                tally.other.fetch_add(1, Ordering::Relaxed);
                let _ = answer.bytes().await;
            }
        }
    }
}

fn csrf_in(html: &str) -> Option<String> {
    let start = html.find(r#"name="csrf_token" value=""#)? + r#"name="csrf_token" value=""#.len();
    let len = html[start..].find('"')?;
    Some(html[start..start + len].to_owned())
}

/// A figure from the server's `/proc/<pid>/status`: `VmRSS:` in KiB, or
/// `Threads:`.
fn status(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

async fn wait_until_ready(base: &str) {
    let http = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(answer) = http.get(format!("{base}/healthz")).send().await {
            if answer.status().is_success() {
                return;
            }
        }
        assert!(
            Instant::now() < deadline,
            "the server did not answer /healthz"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The release binary serving the demo school; stopped when dropped.
struct Server {
    child: Child,
    base: String,
    _data: tempfile::TempDir,
}

impl Server {
    fn start() -> Self {
        use std::io::BufRead;

        let data = tempfile::tempdir().expect("a temporary folder");
        let mut command = Command::new(env!("CARGO_BIN_EXE_custodian"));
        // Only what this run sets: a developer's own CUSTODIAN_* must not
        // point the storm at their database or make hashing cheap.
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("CUSTODIAN_") {
                command.env_remove(name);
            }
        }
        let mut child = command
            .arg("demo")
            .env("CUSTODIAN_DATA_DIR", data.path())
            .env("CUSTODIAN_BIND", "127.0.0.1:0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the custodian binary starts");
        let mut lines = std::io::BufReader::new(child.stdout.take().expect("stdout")).lines();
        let base = lines
            .by_ref()
            .map_while(Result::ok)
            .find_map(|line| {
                line.split_once(" is serving at ")
                    .map(|(_, url)| url.trim_end_matches('/').to_owned())
            })
            .expect("the server announces its address");
        // Keep reading, so the server never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Self {
            child,
            base,
            _data: data,
        }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
