//! What the pages cost on a large school's data, set against the floor: a
//! bare actix-web + askama + diesel page rendering the same 50 audit events
//! from the same database (`floor.rs`). Run it with
//! `cargo bench --bench pages` (SQLite), or with
//! `CUSTODIAN_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test`
//! for PostgreSQL; name sections to run only those:
//! `cargo bench --bench pages -- throughput year`.
//!
//! - `pages`: each page's median and p95 over sequential requests from one
//!   signed-in browser (the head);
//! - `throughput`: `/audit` signed in as the head and the floor under 64
//!   connections for 10 s (`throughput.rs`);
//! - `year`: `/audit` filtered to one year, one user;
//! - `writers`: 16 writers x 100 declarations through the services against
//!   the same rows inserted raw (`writers.rs`);
//! - `storm`: 32 addresses signing in to the release binary, its peak and
//!   settled memory (`storm.rs`), last, with the school's app gone.
//!
//! The school (`seed.rs`) has about 200 000 audit events, or
//! `CUSTODIAN_BENCH_EVENTS`. Figures are printed, never asserted.

#[path = "../app/helpers/mod.rs"]
mod helpers;

mod floor;
mod latency;
mod seed;
mod storm;
mod throughput;
mod writers;

use std::sync::Arc;

use helpers::{Smtp, TestApp, Visitor, PASSWORD};
use latency::ms;

const SECTIONS: [&str; 5] = ["pages", "throughput", "year", "writers", "storm"];
const EVENTS: i64 = 200_000;
/// A year in the middle of the seeded ten.
const YEAR: &str = "from=2021-01-01&until=2021-12-31";

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    // `cargo bench` passes `--bench`; every other word names a section.
    let chosen: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    if let Some(unknown) = chosen.iter().find(|c| !SECTIONS.contains(&c.as_str())) {
        eprintln!(
            "no section '{unknown}'; the sections are: {}",
            SECTIONS.join(" ")
        );
        std::process::exit(2);
    }
    let runs = |section: &str| chosen.is_empty() || chosen.iter().any(|c| c == section);
    if SECTIONS[..4].iter().any(|s| runs(s)) {
        on_the_school(&runs).await;
    }
    if runs("storm") {
        // The storm starts a server of its own, once the school's is gone.
        println!();
        storm::run().await;
    }
}

/// The sections that need the seeded school, its app and the floor.
async fn on_the_school(runs: &dyn Fn(&str) -> bool) {
    let events = std::env::var("CUSTODIAN_BENCH_EVENTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(EVENTS);
    let app = TestApp::spawn_with(Smtp::Unset).await;
    let school = tokio::task::block_in_place(|| seed::school(&app, events));
    let signed_in = app.sign_in(&school.head.email, PASSWORD).await;
    assert_eq!(signed_in.status(), reqwest::StatusCode::SEE_OTHER);
    let floor = floor::start(app.db.url(), app.settings.db_pool_size);
    if runs("pages") {
        pages(&app, &floor).await;
    }
    if runs("throughput") {
        throughput(&app, &school, &floor).await;
    }
    if runs("year") {
        year(&app, &floor).await;
    }
    if runs("writers") {
        println!();
        let figures = tokio::task::block_in_place(|| writers::run(&app, &school.staff));
        figures.print();
        tokio::task::block_in_place(|| seed::verify(&app));
    }
    floor.stop().await;
}

async fn pages(app: &TestApp, floor: &floor::Floor) {
    println!();
    let bare = reqwest::Client::new();
    let (floor_median, floor_p95) = latency::time(&bare, &floor.url("/audit")).await;
    println!(
        "{:<28} {:>10} {:>10} {:>10}",
        "page (head)", "median", "p95", "to floor"
    );
    for path in [
        "/",
        "/concerns/review",
        "/declarations/review",
        "/accounts",
        "/audit",
        "/reports/governors",
    ] {
        let (median, p95) = latency::time(&app.client, &app.url(path)).await;
        let times = median.as_secs_f64() / floor_median.as_secs_f64();
        println!(
            "{path:<28} {:>10} {:>10} {:>9.1}x",
            ms(median),
            ms(p95),
            times
        );
    }
    println!(
        "{:<28} {:>10} {:>10}",
        "the floor's /audit",
        ms(floor_median),
        ms(floor_p95)
    );
}

async fn throughput(app: &TestApp, school: &seed::School, floor: &floor::Floor) {
    println!();
    let cookie = head_cookie(app, &school.head).await;
    let url = app.url("/audit");
    let ours = tokio::task::block_in_place(|| throughput::run(&url, Some(&cookie)));
    let url = floor.url("/audit");
    let bare_page = tokio::task::block_in_place(|| throughput::run(&url, None));
    println!("throughput, /audit as the head: {}", ours.describe());
    println!("throughput, the floor:          {}", bare_page.describe());
    println!(
        "throughput ratio to the floor: {:.2}x (goal >= 0.4x; the product's 0.8x); \
         CPU a request {:.1}x the floor's",
        ours.per_second() / bare_page.per_second(),
        ours.cpu_per_request().as_secs_f64() / bare_page.cpu_per_request().as_secs_f64(),
    );
}

async fn year(app: &TestApp, floor: &floor::Floor) {
    println!();
    let path = format!("/audit?{YEAR}");
    let (median, p95) = latency::time(&app.client, &app.url(&path)).await;
    let bare = reqwest::Client::new();
    let (floor_median, floor_p95) = latency::time(&bare, &floor.url(&path)).await;
    println!(
        "year filter, {path} as the head: median {}, p95 {} (goal p95 <= 20 ms)",
        ms(median),
        ms(p95)
    );
    println!(
        "year filter, the floor: median {}, p95 {}; ours {:.1}x the floor's median",
        ms(floor_median),
        ms(floor_p95),
        median.as_secs_f64() / floor_median.as_secs_f64(),
    );
}

/// The head signed in on a browser of our own, whose cookies the load
/// generator sends with every request.
async fn head_cookie(app: &TestApp, head: &helpers::TestPerson) -> String {
    let jar = Arc::new(reqwest::cookie::Jar::default());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_provider(jar.clone())
        .build()
        .expect("client");
    let browser = Visitor {
        address: app.address.clone(),
        client,
    };
    let signed_in = browser.sign_in(&head.email, PASSWORD).await;
    assert_eq!(signed_in.status(), reqwest::StatusCode::SEE_OTHER);
    let (status, _) = browser.page("/audit").await;
    assert!(status.is_success(), "/audit: {status}");
    use reqwest::cookie::CookieStore;
    let url = app.address.parse().expect("URL");
    jar.cookies(&url)
        .expect("the session's cookies")
        .to_str()
        .expect("ASCII")
        .to_owned()
}
