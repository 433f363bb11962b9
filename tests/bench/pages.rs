//! How fast the pages people open most answer, on a large school's data:
//! 120 people, 240 declarations, 600 concerns, 12 accounts with grants and
//! moderation, and the audit log all that writes. Run it with
//! `cargo bench --bench pages` (SQLite), or with
//! `CUSTODIAN_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test`
//! for PostgreSQL. It prints each page's median and 95th-percentile time
//! over sequential requests from one signed-in browser.

#[path = "../app/helpers/mod.rs"]
mod helpers;

use std::time::{Duration, Instant};

use custodian::people::domain::Role;
use helpers::{Smtp, TestApp, TestPerson};

const PEOPLE: usize = 120;
const DECLARATIONS_EACH: usize = 2;
const CONCERNS: usize = 600;
const ACCOUNTS: usize = 12;
const REQUESTS: usize = 100;

fn seed(app: &TestApp, head: &TestPerson) -> Vec<TestPerson> {
    use custodian::accounts::{domain as accounts_domain, service as accounts};
    use custodian::concerns::domain::{NewConcern, RaiseInput};
    use custodian::concerns::service as concerns;
    use custodian::declarations::{domain::Details, service as declarations};
    use custodian::moderation::{domain::NewAction, service as moderation};

    let staff: Vec<TestPerson> = (0..PEOPLE)
        .map(|i| app.add_person(&format!("Staff Member {i}"), Role::Staff))
        .collect();
    let mut conn = app.db.conn().expect("connection");
    let ctx = app.ctx();
    let today = time::macros::date!(2026 - 11 - 24);
    for (i, person) in staff.iter().enumerate() {
        let declarant = custodian::people::store::get_person(&mut conn, person.id).unwrap();
        for d in 0..DECLARATIONS_EACH {
            let details = Details::parse(
                &format!("Parent {i}-{d}"),
                "parent_carer",
                &format!("Year {}", i % 6 + 1),
                "neighbour",
                true,
                &[],
                "2021",
                "We live on the same street.",
            );
            let actor = custodian::people::actor::Actor::person(&declarant);
            custodian::tx::write(&mut conn, &ctx, &actor, |tx| {
                declarations::declare(tx, details)
            })
            .unwrap();
        }
    }
    for i in 0..CONCERNS {
        let raiser = &staff[i % staff.len()];
        let new = NewConcern::parse(
            &RaiseInput {
                about: "staff".into(),
                about_person: staff[(i + 1) % staff.len()].id.to_string(),
                happened_on: "2026-11-20".into(),
                what_happened: "Something seen on a parents' group.".into(),
                ..RaiseInput::default()
            },
            today,
        )
        .unwrap();
        let actor = custodian::people::actor::Actor::Person {
            id: raiser.id,
            name: raiser.name.clone(),
            role: raiser.role,
        };
        custodian::tx::write(&mut conn, &ctx, &actor, |tx| {
            concerns::raise(tx, Ok(new), Vec::new())
        })
        .unwrap();
    }
    let head_person = custodian::people::store::get_person(&mut conn, head.id).unwrap();
    let by = custodian::people::actor::Actor::person(&head_person);
    for a in 0..ACCOUNTS {
        let new = accounts_domain::NewAccount::parse(
            "facebook",
            &format!("Oakfield {a}"),
            "https://facebook.com/oakfield",
            "News",
            None,
            today,
        );
        let account =
            custodian::tx::write(&mut conn, &ctx, &by, |tx| accounts::open(tx, new)).unwrap();
        for g in 0..5 {
            let grantee = &staff[(a * 5 + g) % staff.len()];
            let new = accounts_domain::NewGrant::parse(
                &grantee.id.to_string(),
                "events",
                "Trip news",
                "",
                today,
            );
            custodian::tx::write(&mut conn, &ctx, &by, |tx| {
                accounts::grant(tx, account.id, new)
            })
            .unwrap();
        }
        for m in 0..10 {
            let new = NewAction::parse(
                "comment_removed",
                "2026-11-20",
                if m % 2 == 0 {
                    "offensive"
                } else {
                    "advertising"
                },
                "Removed under Appendix 2.",
                today,
            )
            .unwrap();
            let actor = custodian::people::actor::Actor::Person {
                id: head.id,
                name: head.name.clone(),
                role: head.role,
            };
            custodian::tx::write(&mut conn, &ctx, &actor, |tx| {
                moderation::record(tx, account.id, Ok(new))
            })
            .unwrap();
        }
    }
    staff
}

async fn time_page(app: &TestApp, path: &str) -> (Duration, Duration) {
    for _ in 0..5 {
        let (status, _) = app.page(path).await;
        assert!(status.is_success(), "{path}: {status}");
    }
    let mut times = Vec::with_capacity(REQUESTS);
    for _ in 0..REQUESTS {
        let start = Instant::now();
        let response = app.get(path).await;
        let _ = response.bytes().await.expect("body");
        times.push(start.elapsed());
    }
    times.sort();
    (times[times.len() / 2], times[times.len() * 95 / 100])
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let app = TestApp::spawn_with(Smtp::Unset).await;
    let head = app.sign_in_as(Role::Headteacher).await;
    let started = Instant::now();
    let staff = tokio::task::block_in_place(|| seed(&app, &head));
    let events: i64 = {
        use custodian::db::schema::audit_events;
        use diesel::prelude::*;
        let mut conn = app.db.conn().expect("connection");
        audit_events::table.count().get_result(&mut *conn).unwrap()
    };
    println!(
        "seeded {} people, {} declarations, {CONCERNS} concerns, {ACCOUNTS} accounts and {events} \
         audit events in {:.1?} on {}",
        staff.len() + 1,
        staff.len() * DECLARATIONS_EACH,
        started.elapsed(),
        if app.on_postgres() {
            "PostgreSQL"
        } else {
            "SQLite"
        },
    );
    println!("{:<28} {:>10} {:>10}", "page (head)", "median", "p95");
    for path in [
        "/",
        "/concerns/review",
        "/declarations/review",
        "/accounts",
        "/audit",
        "/reports/governors",
    ] {
        let (median, p95) = time_page(&app, path).await;
        println!("{path:<28} {median:>10.2?} {p95:>10.2?}");
    }
}
