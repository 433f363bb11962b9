//! `custodian demo`: a fictional school on a fresh database of its own,
//! for a newcomer's first look. Never touches the real data.

use std::process::ExitCode;
use std::sync::Arc;

use crate::audit::Actor;
use crate::auth::password::{Hasher, NewPassword};
use crate::clock::SystemClock;
use crate::config::Settings;
use crate::db::{DatabaseUrl, Db};
use crate::people::domain::{NewPerson, Role};
use crate::people::service::{self, ChangedBy};
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
    std::fs::create_dir_all(&folder)?;
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
        crate::cli::announce(&app);
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

/// Fills a fresh database with the fictional school.
pub fn seed(settings: &Settings) -> anyhow::Result<()> {
    let db = Db::open(&settings.database_url, 2)?;
    let ctx = Ctx {
        settings: Arc::new(settings.clone()),
        clock: Arc::new(SystemClock),
    };
    let hasher = Hasher::new(settings.password_hashing);
    let hash =
        hasher.hash_blocking(&NewPassword::parse(DEMO_PASSWORD).map_err(anyhow::Error::msg)?);
    let mut conn = db.conn()?;
    let by = ChangedBy::cli();
    let mut added = Vec::new();
    for (name, email, role) in PEOPLE {
        let new =
            NewPerson::parse(name, email, role.as_str()).map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let person = service::add(&mut conn, &ctx, &by, new, Some(hash.clone()))
            .map_err(|e| anyhow::anyhow!("{e:?}"))?
            .map_err(|e| anyhow::anyhow!(e.message()))?
            .person;
        added.push(person);
    }
    // A newcomer who has not yet accepted their invitation, and a leaver.
    let invited = NewPerson::parse("Grace Lee", "newstarter@oakfield.example", "staff")
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    service::add(&mut conn, &ctx, &by, invited, None)
        .map_err(|e| anyhow::anyhow!("{e:?}"))?
        .map_err(|e| anyhow::anyhow!(e.message()))?;
    let leaver = NewPerson::parse("Ben Morris", "leaver@oakfield.example", "staff")
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let leaver = service::add(&mut conn, &ctx, &by, leaver, Some(hash))
        .map_err(|e| anyhow::anyhow!("{e:?}"))?
        .map_err(|e| anyhow::anyhow!(e.message()))?
        .person;
    let head = ChangedBy {
        actor: Actor::Person(added[0].id),
        role: Some(Role::Headteacher),
        name: added[0].name.clone(),
    };
    service::deactivate(&mut conn, &ctx, &head, leaver.id).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    Ok(())
}
