//! A large school's data, seeded through the real services: 120 people,
//! 240 declarations, 600 concerns, 12 accounts with grants and moderation.
//! Before the registers, ten years of history bring the audit log to about
//! 200 000 events: appended by the real chain code (`custodian::audit::
//! append`), many to a transaction and each at its own time, so the chain
//! stays whole and its times run in order. The chain is verified at the end.

use std::time::Instant;

use custodian::audit::{Action, Actor as EventActor, NewEvent, Subject};
use custodian::clock::Clock;
use custodian::db::dialect;
use custodian::people::domain::Role;
use time::OffsetDateTime;

use crate::helpers::{TestApp, TestPerson};

const PEOPLE: usize = 120;
const DECLARATIONS_EACH: usize = 2;
const CONCERNS: usize = 600;
const ACCOUNTS: usize = 12;
/// About what the registers below append, so the total lands near the target.
const REGISTER_EVENTS: i64 = 1_300;
const HISTORY_YEARS: i64 = 10;
/// Events appended per transaction by the fast path.
const HISTORY_BATCH: usize = 5_000;

/// The people of the seeded school.
pub struct School {
    pub head: TestPerson,
    pub staff: Vec<TestPerson>,
}

/// Seeds the school with about `events` audit events and checks the chain.
pub fn school(app: &TestApp, events: i64) -> School {
    let started = Instant::now();
    let head = app.add_person("Helen Carter", Role::Headteacher);
    let staff: Vec<TestPerson> = (0..PEOPLE)
        .map(|i| app.add_person(&format!("Staff Member {i}"), Role::Staff))
        .collect();
    let so_far = count_events(app);
    let history_count = (events - so_far - REGISTER_EVENTS).max(0) as usize;
    history(app, &head, &staff, history_count);
    let history_took = started.elapsed();
    registers(app, &head, &staff);
    let total = count_events(app);
    println!(
        "seeded {} people, {} declarations, {CONCERNS} concerns, {ACCOUNTS} accounts and {total} \
         audit events ({history_count} of them ten years of history in {:.1?}) in {:.1?} on {}",
        staff.len() + 1,
        staff.len() * DECLARATIONS_EACH,
        history_took,
        started.elapsed(),
        if app.on_postgres() {
            "PostgreSQL"
        } else {
            "SQLite"
        },
    );
    verify(app);
    School { head, staff }
}

pub fn count_events(app: &TestApp) -> i64 {
    use custodian::db::schema::audit_events;
    use diesel::prelude::*;
    let mut conn = app.db.conn().expect("connection");
    audit_events::table
        .count()
        .get_result(&mut *conn)
        .expect("count")
}

/// `custodian audit verify`, as the command line runs it; panics when the
/// chain is broken, since every figure after it would be meaningless.
pub fn verify(app: &TestApp) {
    let started = Instant::now();
    let mut conn = app.db.conn().expect("connection");
    let found = custodian::audit::chain::verify_chain(&mut conn).expect("verify");
    assert!(found.ok(), "the audit chain is broken: {:?}", found.problem);
    println!(
        "audit verify: the chain is whole, {} events checked in {:.2?}",
        found.events_checked,
        started.elapsed()
    );
}

/// A clock stopped at one time: each history event is appended at its own.
struct At(OffsetDateTime);

impl Clock for At {
    fn now(&self) -> OffsetDateTime {
        self.0
    }
}

/// A small, fixed pseudo-random sequence (xorshift), so every run seeds the
/// same school.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, sides: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % sides as u64) as usize
    }
}

/// Ten years of a school's everyday events, evenly spread up to the day
/// before the test clock starts, appended through the real chain code.
fn history(app: &TestApp, head: &TestPerson, staff: &[TestPerson], count: usize) {
    if count == 0 {
        return;
    }
    let end = crate::helpers::start_time() - time::Duration::days(1);
    let start = end - time::Duration::days(365 * HISTORY_YEARS + HISTORY_YEARS / 4);
    let step = (end - start) / count as u32;
    // Records the events are about: a school has a few thousand, each
    // with a long history.
    let records = |n: usize| -> Vec<String> {
        (0..n)
            .map(|_| custodian::ids::EventId::new().to_string())
            .collect()
    };
    let declarations = records(2_000);
    let concerns = records(3_000);
    let accounts = records(40);
    let policies = records(12);
    let mut dice = Dice(0x2545_f491_4f6c_dd1d);
    let mut conn = app.db.conn().expect("connection");
    let mut at = start;
    let mut appended = 0;
    while appended < count {
        let batch = HISTORY_BATCH.min(count - appended);
        dialect::write(&mut conn, |conn| {
            for _ in 0..batch {
                at += step;
                let person = if dice.roll(10) == 0 {
                    head
                } else {
                    &staff[dice.roll(staff.len())]
                };
                let event = everyday_event(
                    &mut dice,
                    person,
                    [&declarations, &concerns, &accounts, &policies],
                );
                custodian::audit::append(conn, &At(at), event)?;
            }
            Ok(())
        })
        .expect("append history");
        appended += batch;
    }
}

/// One event of the kinds a school's log fills with: mostly sign-ins, then
/// declarations, concerns, moderation and policy; a few the head may not see.
fn everyday_event(
    dice: &mut Dice,
    person: &TestPerson,
    [declarations, concerns, accounts, policies]: [&Vec<String>; 4],
) -> NewEvent {
    let me = EventActor::Person(person.id);
    let name = &person.name;
    let roll = dice.roll(100);
    let mut pick = |records: &Vec<String>| records[dice.roll(records.len())].clone();
    match roll {
        0..=34 => NewEvent::own(
            person.id,
            Action::SignInSucceeded,
            format!("{name} signed in"),
        ),
        35..=39 => NewEvent::own(person.id, Action::SignedOut, format!("{name} signed out")),
        40..=49 => NewEvent::new(
            me,
            Action::DeclarationSubmitted,
            Subject::of("declaration", pick(declarations)),
            format!("{name} submitted a declaration"),
        )
        .with_data(serde_json::json!({ "state": "awaiting_review" })),
        50..=54 => NewEvent::new(
            me,
            Action::DeclarationAcknowledged,
            Subject::of("declaration", pick(declarations)),
            format!("{name} acknowledged a declaration"),
        )
        .with_data(serde_json::json!({ "state": "acknowledged" })),
        55..=64 => NewEvent::new(
            me,
            Action::ConcernViewed,
            Subject::of("concern", pick(concerns)),
            format!("{name} viewed a concern"),
        ),
        65..=69 => NewEvent::new(
            me,
            Action::ConcernNoteAdded,
            Subject::of("concern", pick(concerns)),
            format!("{name} added a note to a concern"),
        ),
        70..=79 => NewEvent::new(
            me,
            Action::ModerationRecorded,
            Subject::of("account", pick(accounts)),
            format!("{name} recorded a moderation action"),
        )
        .with_data(serde_json::json!({ "kind": "comment_removed", "reason": "offensive" })),
        80..=89 => NewEvent::new(
            me,
            Action::PolicyAcknowledged,
            Subject::of("policy", pick(policies)),
            format!("{name} acknowledged the policy"),
        ),
        90..=93 => NewEvent::new(
            me,
            Action::PasswordChangeRecorded,
            Subject::of("account", pick(accounts)),
            format!("{name} recorded a password change"),
        ),
        94..=96 => NewEvent::new(
            EventActor::System,
            Action::DigestSent,
            Subject::person(person.id),
            format!("Weekly digest sent to {name}"),
        ),
        97 => NewEvent::new(
            me,
            Action::ConcernRaised,
            Subject::of(custodian::audit::HEAD_CONCERN, pick(concerns)),
            format!("{name} raised a concern"),
        ),
        _ => NewEvent::new(
            EventActor::System,
            Action::SignInFailed,
            Subject::person(person.id),
            format!("A sign-in as {name} failed"),
        ),
    }
}

/// The registers' records, through their services, at the test clock's time.
fn registers(app: &TestApp, head: &TestPerson, staff: &[TestPerson]) {
    use custodian::accounts::{domain as accounts_domain, service as accounts};
    use custodian::concerns::domain::{NewConcern, RaiseInput};
    use custodian::concerns::service as concerns;
    use custodian::declarations::{domain::Details, service as declarations};
    use custodian::moderation::{domain::NewAction, service as moderation};
    use custodian::people::actor::Actor;

    let mut conn = app.db.conn().expect("connection");
    let ctx = app.ctx();
    let today = time::macros::date!(2026 - 11 - 24);
    let actor_of = |p: &TestPerson| Actor::Person {
        id: p.id,
        name: p.name.clone(),
        role: p.role,
    };
    for (i, person) in staff.iter().enumerate() {
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
            custodian::tx::write(&mut conn, &ctx, &actor_of(person), |tx| {
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
        custodian::tx::write(&mut conn, &ctx, &actor_of(raiser), |tx| {
            concerns::raise(tx, Ok(new), Vec::new())
        })
        .unwrap();
    }
    let by = actor_of(head);
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
            custodian::tx::write(&mut conn, &ctx, &by, |tx| {
                moderation::record(tx, account.id, Ok(new))
            })
            .unwrap();
        }
    }
}
