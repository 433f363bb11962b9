//! `custodian demo`: a fictional school on a fresh database of its own,
//! for a newcomer's first look. Never touches the real data.
//!
//! The people are added here; `school` plays a term's history of the
//! official accounts, `records` the declarations and concerns, and `policy`
//! the policy and the moderation log.

mod policy;
mod records;
mod school;

use std::process::ExitCode;
use std::sync::Arc;

use crate::auth::password::{Hasher, NewPassword};
use crate::clock::{ManualClock, SystemClock};
use crate::config::Settings;
use crate::db::{DatabaseUrl, Db, DbConnection};
use crate::error::AppError;
use crate::people::actor::Actor;
use crate::people::domain::{NewPerson, Person, Role};
use crate::people::service;
use crate::startup::{Application, Ctx};

/// Every demo person signs in with this.
pub const DEMO_PASSWORD: &str = "oakfield demo password";

const PEOPLE: [(&str, &str, Role); 7] = [
    ("Helen Carter", "head@oakfield.example", Role::Headteacher),
    ("David Okafor", "deputy@oakfield.example", Role::Slt),
    ("Priya Shah", "slt@oakfield.example", Role::Slt),
    ("Tom Reed", "teacher@oakfield.example", Role::Staff),
    ("Amira Hussain", "ta@oakfield.example", Role::Staff),
    ("Sam Fletcher", "volunteer@oakfield.example", Role::Staff),
    ("Margaret Ellis", "chair@oakfield.example", Role::Chair),
];

pub fn run(mut settings: Settings) -> anyhow::Result<ExitCode> {
    let folder = settings.data_dir.join("demo");
    if folder.exists() {
        std::fs::remove_dir_all(&folder)?;
    }
    crate::db::files::create_private_dir(&settings.data_dir)?;
    crate::db::files::create_private_dir(&folder)?;
    settings.database_url = DatabaseUrl::Sqlite(folder.join("custodian-demo.db"));
    if settings.school_name == "Our School" {
        settings.school_name = "Oakfield Primary School (demo)".into();
    }
    seed(&settings)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let app = Application::build(settings, Arc::new(SystemClock)).await?;
        app.announce();
        println!("Demo sign-ins (password for everyone: \"{DEMO_PASSWORD}\"):");
        for (name, email, role) in PEOPLE {
            println!("  {:<20} {:<28} {}", role.label(), email, name);
        }
        println!(
            "The demo database is in {}; it is made afresh each time.",
            folder.display()
        );
        app.run_until_stopped().await?;
        Ok(ExitCode::SUCCESS)
    })
}

/// Fills a fresh database with the fictional school: its people, then a
/// term's history of official accounts, played on a clock that starts three
/// months ago, so the dates read true.
pub fn seed(settings: &Settings) -> anyhow::Result<()> {
    let db = Db::open(&settings.database_url, 2)?;
    let clock = ManualClock::new(time::OffsetDateTime::now_utc() - time::Duration::days(90));
    let ctx = crate::startup::ctx(Arc::new(settings.clone()), Arc::new(clock.clone()));
    let hasher = Hasher::new(settings.password_hashing);
    let hash =
        hasher.hash_blocking(&NewPassword::parse(DEMO_PASSWORD).map_err(anyhow::Error::msg)?);
    let mut conn = db.conn()?;
    let conn = &mut *conn;
    let cli = Actor::CommandLine;
    let mut people = Vec::new();
    for (name, email, role) in PEOPLE {
        people.push(add(
            conn,
            &ctx,
            &cli,
            name,
            email,
            role,
            Some(hash.clone()),
        )?);
    }
    let people: [Person; 7] = people
        .try_into()
        .map_err(|_| anyhow::anyhow!("the demo school has seven people"))?;
    // A newcomer who has not yet accepted their invitation, and a leaver.
    add(
        conn,
        &ctx,
        &cli,
        "Grace Lee",
        "newstarter@oakfield.example",
        Role::Staff,
        None,
    )?;
    let leaver = add(
        conn,
        &ctx,
        &cli,
        "Ben Morris",
        "leaver@oakfield.example",
        Role::Staff,
        Some(hash),
    )?;
    school::seed_accounts(conn, &ctx, &clock, &people, &leaver)?;

    let fail = |e: AppError| anyhow::anyhow!("{e:?}");
    records::seed_declarations(conn, &ctx, &clock, &people).map_err(fail)?;
    records::seed_concerns(conn, &ctx, &clock, &people).map_err(fail)?;
    policy::seed_moderation(conn, &ctx, &clock, &people).map_err(fail)?;
    policy::seed_policy(conn, &ctx, &clock, &people).map_err(fail)
}

fn add(
    conn: &mut DbConnection,
    ctx: &Ctx,
    by: &Actor,
    name: &str,
    email: &str,
    role: Role,
    hash: Option<String>,
) -> anyhow::Result<Person> {
    let new = NewPerson::parse(name, email, role.as_str()).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let added = crate::tx::write(conn, ctx, by, |tx| service::add(tx, Ok(new), hash))
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    Ok(added.person)
}
