//! The write path under contention: 16 writers, each a member of staff on
//! their own connection, each declaring 100 contacts through the real
//! service inside `custodian::tx::write` (the declaration and its version,
//! the audit event on the chain, the email to the head in the outbox), set
//! against the same rows inserted raw: plain diesel inserts, one
//! transaction per action, no chain. The raw rows go into a copy of the
//! seeded database (SQLite) or a fresh one (PostgreSQL), so the chain the
//! app keeps is never touched by them; it is verified whole afterwards.
//! One writer alone does the same, for the cost of an action without
//! queueing. The shapes alternate, nine rounds each; medians are reported.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Barrier, Mutex};
use std::time::{Duration, Instant};

use custodian::audit::EventRow;
use custodian::db::schema::{audit_events, audit_head, declaration_versions, declarations, outbox};
use custodian::db::{dialect, DatabaseUrl, Db, DbConnection};
use custodian::declarations::store::DeclarationRow;
use custodian::people::actor::Actor;
use diesel::prelude::*;
use time::PrimitiveDateTime;

use crate::helpers::{TestApp, TestPerson};

pub const WRITERS: usize = 16;
pub const ACTIONS: usize = 100;
/// Each shape runs this many times, alternating; the median is reported.
const ROUNDS: usize = 9;

/// What one round of writers did.
pub struct Round {
    pub actions: usize,
    pub errors: usize,
    pub elapsed: Duration,
    /// CPU time the whole process spent, the writers' and SQLite's.
    pub cpu: Duration,
    pub first_error: Option<String>,
}

impl Round {
    pub fn per_second(&self) -> f64 {
        self.actions as f64 / self.elapsed.as_secs_f64()
    }

    pub fn cpu_per_action(&self) -> Duration {
        self.cpu / self.actions.max(1) as u32
    }
}

/// The median round of each shape, for 16 writers and for one alone.
pub struct Figures {
    pub real: Round,
    pub raw: Round,
    /// One writer, `ALONE` actions: the cost of an action without queueing.
    pub real_alone: Round,
    pub raw_alone: Round,
}

impl Figures {
    pub fn print(&self) {
        let shape = format!("{WRITERS} writers x {ACTIONS} actions");
        for (what, round) in [
            ("through the services (change + audit + outbox)", &self.real),
            ("the same rows inserted raw", &self.raw),
        ] {
            println!(
                "writers, {shape}, {what}: {:.0} actions/s, CPU {:.3} ms an action, {} errors{}",
                round.per_second(),
                round.cpu_per_action().as_secs_f64() * 1000.0,
                round.errors,
                round
                    .first_error
                    .as_ref()
                    .map(|e| format!(" (the first: {e})"))
                    .unwrap_or_default(),
            );
        }
        println!(
            "writers ratio to raw: {:.2}x (goal >= 0.5x, 0 errors, chain whole)",
            self.real.per_second() / self.raw.per_second()
        );
        let (alone, raw) = (&self.real_alone, &self.raw_alone);
        println!(
            "one writer alone: {:.0} actions/s through the services, {:.0} raw ({:.2}x); \
             CPU {:.3} ms an action, {:.3} raw; {} errors",
            alone.per_second(),
            raw.per_second(),
            alone.per_second() / raw.per_second(),
            alone.cpu_per_action().as_secs_f64() * 1000.0,
            raw.cpu_per_action().as_secs_f64() * 1000.0,
            alone.errors + raw.errors,
        );
    }
}

/// Actions of the lone writer: a quarter of what the 16 write together.
const ALONE: usize = WRITERS * ACTIONS / 4;

pub fn run(app: &TestApp, staff: &[TestPerson]) -> Figures {
    let writers: Vec<Actor> = staff
        .iter()
        .take(WRITERS)
        .map(|p| Actor::Person {
            id: p.id,
            name: p.name.clone(),
            role: p.role,
        })
        .collect();
    assert_eq!(writers.len(), WRITERS, "enough staff to write");
    let pool_size = WRITERS as u32 + 1;
    let real_db = Db::open(app.db.url(), pool_size).expect("the app's database");
    let template = Template::read(&mut real_db.conn().expect("connection"));
    let raw = RawDatabase::copy(app);
    let raw_db = Db::open(&raw.url, pool_size).expect("the raw database");
    let next_seq = AtomicI64::new(
        audit_head::table
            .select(audit_head::last_seq)
            .first::<i64>(&mut *raw_db.conn().expect("connection"))
            .expect("head")
            + 1,
    );
    let ctx = app.ctx();
    let real = |conn: &mut DbConnection, actor: &Actor, i: usize| {
        let details = custodian::declarations::domain::Details::parse(
            &format!("Parent {i}"),
            "parent_carer",
            "Year 3",
            "neighbour",
            true,
            &[],
            "2021",
            "We live on the same street.",
        );
        custodian::tx::write(conn, &ctx, actor, |tx| {
            custodian::declarations::service::declare(tx, details)
        })
        .map(|_| ())
        .map_err(|e| format!("{e:?}"))
    };
    let raw_action = |conn: &mut DbConnection, actor: &Actor, _: usize| {
        let seq = next_seq.fetch_add(1, Ordering::Relaxed);
        template
            .insert_raw(conn, actor, seq)
            .map_err(|e| format!("{e:?}"))
    };
    let mut rounds: [Vec<Round>; 4] = Default::default();
    for _ in 0..ROUNDS {
        rounds[0].push(round(&real_db, &writers, ACTIONS, real));
        rounds[1].push(round(&raw_db, &writers, ACTIONS, raw_action));
        rounds[2].push(round(&real_db, &writers[..1], ALONE, real));
        rounds[3].push(round(&raw_db, &writers[..1], ALONE, raw_action));
    }
    drop(raw_db);
    raw.remove();
    let [real, raw, real_alone, raw_alone] = rounds.map(median);
    Figures {
        real,
        raw,
        real_alone,
        raw_alone,
    }
}

fn median(mut rounds: Vec<Round>) -> Round {
    rounds.sort_by(|a, b| a.per_second().total_cmp(&b.per_second()));
    let errors: usize = rounds.iter().map(|r| r.errors).sum();
    let first_error = rounds.iter().find_map(|r| r.first_error.clone());
    let mut middle = rounds.swap_remove(rounds.len() / 2);
    middle.errors = errors;
    middle.first_error = first_error;
    middle
}

/// Every writer on its own connection, started together; each does
/// `actions` actions one after another.
fn round(
    db: &Db,
    writers: &[Actor],
    actions: usize,
    action: impl Fn(&mut DbConnection, &Actor, usize) -> Result<(), String> + Sync,
) -> Round {
    let start = Barrier::new(writers.len() + 1);
    let errors = Mutex::new(Vec::new());
    let cpu_before = crate::throughput::process_cpu();
    let elapsed = std::thread::scope(|s| {
        for actor in writers {
            let (start, errors, action) = (&start, &errors, &action);
            let mut conn = db.conn().expect("a writer's connection");
            s.spawn(move || {
                start.wait();
                for i in 0..actions {
                    if let Err(e) = action(&mut conn, actor, i) {
                        errors.lock().expect("errors").push(e);
                    }
                }
            });
        }
        start.wait();
        let started = Instant::now();
        // The scope waits for every writer before returning.
        started
    })
    .elapsed();
    let cpu = crate::throughput::process_cpu().saturating_sub(cpu_before);
    let errors = errors.into_inner().expect("errors");
    Round {
        actions: writers.len() * actions,
        errors: errors.len(),
        elapsed,
        cpu,
        first_error: errors.into_iter().next(),
    }
}

#[derive(Queryable, Selectable, Insertable, Clone)]
#[diesel(table_name = declaration_versions)]
struct VersionRaw {
    declaration_id: String,
    version: i32,
    contact_name: String,
    link: String,
    class_or_year: String,
    nature: String,
    in_person: bool,
    platforms: String,
    since: String,
    description: String,
    submitted_at: PrimitiveDateTime,
}

#[derive(Queryable, Selectable, Insertable, Clone)]
#[diesel(table_name = outbox)]
struct OutboxRaw {
    id: String,
    message_id: String,
    kind: String,
    created_at: PrimitiveDateTime,
    recipients: String,
    subject: String,
    body_text: String,
    body_html: String,
    status: String,
    attempts: i32,
    next_attempt_at: PrimitiveDateTime,
    lease_owner: Option<String>,
    lease_until: Option<PrimitiveDateTime>,
    last_error: Option<String>,
    sent_at: Option<PrimitiveDateTime>,
    link_purpose: Option<String>,
    link_person_id: Option<String>,
}

/// Rows the service wrote for one declaration while seeding, copied with
/// new ids for each raw action.
struct Template {
    declaration: DeclarationRow,
    version: VersionRaw,
    event: EventRow,
    email: OutboxRaw,
}

impl Template {
    fn read(conn: &mut DbConnection) -> Self {
        let declaration: DeclarationRow = declarations::table
            .select(DeclarationRow::as_select())
            .first(conn)
            .expect("a seeded declaration");
        let version = declaration_versions::table
            .filter(declaration_versions::declaration_id.eq(&declaration.id))
            .select(VersionRaw::as_select())
            .first(conn)
            .expect("its version");
        let event = audit_events::table
            .filter(audit_events::subject_id.eq(&declaration.id))
            .select(EventRow::as_select())
            .first(conn)
            .expect("its audit event");
        let email = outbox::table
            .filter(outbox::kind.eq("declaration_awaiting_review"))
            .select(OutboxRaw::as_select())
            .first(conn)
            .expect("its email");
        Template {
            declaration,
            version,
            event,
            email,
        }
    }

    fn insert_raw(&self, conn: &mut DbConnection, actor: &Actor, seq: i64) -> QueryResult<()> {
        let now = custodian::clock::to_row(time::OffsetDateTime::now_utc());
        let id = custodian::ids::DeclarationId::new().to_string();
        let declaration = DeclarationRow {
            id: id.clone(),
            declarant_id: actor.id().expect("a person").to_string(),
            created_at: now,
            updated_at: now,
            ..self.declaration.clone()
        };
        let version = VersionRaw {
            declaration_id: id.clone(),
            submitted_at: now,
            ..self.version.clone()
        };
        let event = EventRow {
            seq,
            id: custodian::ids::EventId::new().to_string(),
            occurred_at: now,
            actor_id: declaration.declarant_id.clone().into(),
            subject_id: id,
            ..self.event.clone()
        };
        let message = custodian::ids::EventId::new().to_string();
        let email = OutboxRaw {
            id: message.clone(),
            message_id: format!("<{message}@127.0.0.1>"),
            created_at: now,
            next_attempt_at: now,
            ..self.email.clone()
        };
        conn.transaction(|conn| {
            diesel::insert_into(declarations::table)
                .values(&declaration)
                .execute(conn)?;
            diesel::insert_into(declaration_versions::table)
                .values(&version)
                .execute(conn)?;
            diesel::insert_into(audit_events::table)
                .values(&event)
                .execute(conn)?;
            diesel::insert_into(outbox::table)
                .values(&email)
                .execute(conn)?;
            Ok(())
        })
    }
}

/// Where the raw rows go: a copy of the seeded SQLite file, or a fresh
/// PostgreSQL database (dropped afterwards).
struct RawDatabase {
    url: DatabaseUrl,
    postgres_admin: Option<(String, String)>,
}

impl RawDatabase {
    fn copy(app: &TestApp) -> Self {
        match app.db.url() {
            DatabaseUrl::Sqlite(_) => {
                let path = app
                    .data_dir
                    .path()
                    .join(format!("raw-{}.db", uuid::Uuid::now_v7().simple()));
                let mut conn = app.db.conn().expect("connection");
                dialect::backup_to(&mut conn, &path.to_string_lossy()).expect("a copy");
                RawDatabase {
                    url: DatabaseUrl::Sqlite(path),
                    postgres_admin: None,
                }
            }
            DatabaseUrl::Postgres(_) => {
                let admin = std::env::var("CUSTODIAN_TEST_POSTGRES_URL").expect("admin URL");
                let name = format!("custodian_bench_raw_{}", uuid::Uuid::now_v7().simple());
                let mut conn = PgConnection::establish(&admin).expect("PostgreSQL");
                diesel::sql_query(format!("CREATE DATABASE {name}"))
                    .execute(&mut conn)
                    .expect("a raw database");
                let mut url = url::Url::parse(&admin).expect("URL");
                url.set_path(&name);
                let db = Db::open(&DatabaseUrl::Postgres(url.to_string()), 1).expect("migrate");
                copy_people(app, &mut db.conn().expect("connection"));
                RawDatabase {
                    url: DatabaseUrl::Postgres(url.to_string()),
                    postgres_admin: Some((admin, name)),
                }
            }
        }
    }

    fn remove(self) {
        match (&self.url, self.postgres_admin) {
            (DatabaseUrl::Sqlite(path), _) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            (_, Some((admin, name))) => {
                if let Ok(mut conn) = PgConnection::establish(&admin) {
                    let _ =
                        diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .execute(&mut conn);
                }
            }
            _ => {}
        }
    }
}

/// The declarations' foreign keys need their declarants.
fn copy_people(app: &TestApp, target: &mut DbConnection) {
    use custodian::db::schema::people;
    let mut source = app.db.conn().expect("connection");
    let rows: Vec<(String, String, String, String, bool, PrimitiveDateTime)> = people::table
        .select((
            people::id,
            people::name,
            people::email,
            people::role,
            people::active,
            people::created_at,
        ))
        .load(&mut *source)
        .expect("people");
    for (id, name, email, role, active, created_at) in rows {
        diesel::insert_into(people::table)
            .values((
                people::id.eq(id),
                people::name.eq(name),
                people::email.eq(email),
                people::role.eq(role),
                people::active.eq(active),
                people::created_at.eq(created_at),
            ))
            .execute(target)
            .expect("a person");
    }
}
