//! The command line: serve (the default), demo, user add, user role, audit
//! verify, backup.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};

use crate::auth::password::{Hasher, NewPassword};
use crate::clock::SystemClock;
use crate::config::Settings;
use crate::db::{dialect, Db};
use crate::error::AppError;
use crate::people::actor::Actor;
use crate::people::domain::{EmailAddress, NewPerson, Role};
use crate::people::service;
use crate::startup::Application;
use crate::tx;

#[derive(Parser, Debug)]
#[command(
    name = "custodian",
    version,
    about = "The school's register for its Social Networking Policy"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the app (the default).
    Serve,
    /// Serve a fictional school on a fresh demo database, for a first look.
    Demo,
    /// Manage people.
    #[command(subcommand)]
    User(UserCommand),
    /// Check the audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Copy the running SQLite database to a file, consistently.
    Backup {
        /// Where to write the copy; must not exist yet.
        #[arg(long)]
        to: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
enum UserCommand {
    /// Add a person. Without --password-stdin they are emailed an invitation.
    Add {
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: String,
        /// staff, slt, headteacher or chair
        #[arg(long)]
        role: String,
        /// Read the person's password from standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Change a person's role, any role for anyone. Making someone chair of
    /// governors makes the sitting chair staff; both are emailed.
    Role {
        #[arg(long)]
        email: String,
        /// staff, slt, headteacher or chair
        #[arg(long)]
        role: String,
    },
}

#[derive(Subcommand, Debug)]
enum AuditCommand {
    /// Walk the hash chain; exit 0 when whole, 1 naming the first bad event.
    Verify,
}

pub fn run(cli: Cli) -> ExitCode {
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("custodian: {error}");
            return ExitCode::from(2);
        }
    };
    let outcome = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(settings),
        Command::Demo => crate::demo::run(settings),
        Command::User(UserCommand::Add {
            name,
            email,
            role,
            password_stdin,
        }) => user_add(settings, &name, &email, &role, password_stdin),
        Command::User(UserCommand::Role { email, role }) => user_role(settings, &email, &role),
        Command::Audit(AuditCommand::Verify) => audit_verify(settings),
        Command::Backup { to } => backup(settings, to),
    };
    match outcome {
        Ok(code) => code,
        Err(error) => {
            eprintln!("custodian: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

fn serve(settings: Settings) -> anyhow::Result<ExitCode> {
    runtime()?.block_on(async move {
        let app = Application::build(settings, Arc::new(SystemClock)).await?;
        app.announce();
        app.run_until_stopped().await?;
        Ok(ExitCode::SUCCESS)
    })
}

fn open(settings: &Settings) -> anyhow::Result<Db> {
    Db::open(&settings.database_url, 2)
}

fn user_add(
    settings: Settings,
    name: &str,
    email: &str,
    role: &str,
    password_stdin: bool,
) -> anyhow::Result<ExitCode> {
    let new = match NewPerson::parse(name, email, role) {
        Ok(new) => new,
        Err(errors) => {
            for (field, message) in errors.all() {
                let message = if *field == "role" {
                    format!("unknown role '{role}': use staff, slt, headteacher or chair")
                } else {
                    message.clone()
                };
                eprintln!("custodian: --{field}: {message}");
            }
            return Ok(ExitCode::from(2));
        }
    };
    let hash = if password_stdin {
        let mut raw = String::new();
        std::io::stdin().read_to_string(&mut raw)?;
        let raw = raw.strip_suffix('\n').unwrap_or(&raw);
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        match NewPassword::parse(raw) {
            Ok(password) => Some(Hasher::new(settings.password_hashing).hash_blocking(&password)),
            Err(message) => {
                eprintln!("custodian: password refused: {message}");
                return Ok(ExitCode::from(2));
            }
        }
    } else {
        None
    };
    let db = open(&settings)?;
    let ctx = crate::startup::ctx(Arc::new(settings), Arc::new(SystemClock));
    let added = tx::write(&mut *db.conn()?, &ctx, &Actor::CommandLine, |tx| {
        service::add(tx, Ok(new), hash)
    });
    match added {
        Ok(added) => {
            println!(
                "Added {} <{}> as {}.",
                added.person.name,
                added.person.email,
                added.person.role.label()
            );
            if let Some(link) = added.invitation_link {
                println!("An invitation email is in the outbox. Its one-time link is:\n  {link}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(AppError::Refused(refused)) => {
            for (_, message) in refused.all() {
                eprintln!("custodian: {message}");
            }
            Ok(ExitCode::FAILURE)
        }
        Err(error) => Err(anyhow::anyhow!("{error:?}")),
    }
}

/// The operator changes a person's role: the one way, besides the sitting
/// chair's handover, that the chair of governors changes hands.
fn user_role(settings: Settings, email: &str, role: &str) -> anyhow::Result<ExitCode> {
    let Some(role) = Role::parse(role) else {
        eprintln!("custodian: --role: unknown role '{role}': use staff, slt, headteacher or chair");
        return Ok(ExitCode::from(2));
    };
    let email = match EmailAddress::parse(email) {
        Ok(email) => email,
        Err(message) => {
            eprintln!("custodian: --email: {message}");
            return Ok(ExitCode::from(2));
        }
    };
    let db = open(&settings)?;
    let ctx = crate::startup::ctx(Arc::new(settings), Arc::new(SystemClock));
    let mut conn = db.conn()?;
    let Some(person) = crate::people::store::find_by_email(&mut conn, email.as_str())
        .map_err(|e| anyhow::anyhow!("{e:?}"))?
    else {
        eprintln!(
            "custodian: no one in Custodian has the email address {}",
            email.as_str()
        );
        return Ok(ExitCode::FAILURE);
    };
    let sitting = crate::people::store::list_active_with_roles(&mut conn, &[Role::Chair])
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let before = person.role;
    let changed = tx::write(&mut conn, &ctx, &Actor::CommandLine, |tx| {
        service::change_role(tx, person.id, Ok(role))
    });
    match changed {
        Ok(after) if after.role == before => {
            println!(
                "{} <{}> is already {}.",
                after.name,
                after.email,
                after.role.label()
            );
            Ok(ExitCode::SUCCESS)
        }
        Ok(after) => {
            println!(
                "{} <{}> is now {} (was {}). They have been signed out everywhere and emailed.",
                after.name,
                after.email,
                after.role.label(),
                before.label()
            );
            if role == Role::Chair {
                for chair in sitting.iter().filter(|c| c.id != after.id) {
                    println!("{}, the chair until now, is now Staff.", chair.name);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(AppError::Conflict(why)) => {
            eprintln!("custodian: {why}");
            Ok(ExitCode::FAILURE)
        }
        Err(error) => Err(anyhow::anyhow!("{error:?}")),
    }
}

fn audit_verify(settings: Settings) -> anyhow::Result<ExitCode> {
    let db = open(&settings)?;
    let ctx = crate::startup::ctx(Arc::new(settings), Arc::new(SystemClock));
    let result =
        crate::audit::service::verify_and_record(&mut *db.conn()?, &ctx, &Actor::CommandLine)
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    match result.problem {
        None => {
            println!(
                "Audit chain whole: {} events checked.",
                result.events_checked
            );
            Ok(ExitCode::SUCCESS)
        }
        Some(problem) => {
            println!(
                "Audit chain BROKEN at {problem} ({} events before it are whole).",
                result.events_checked
            );
            Ok(ExitCode::FAILURE)
        }
    }
}

fn backup(settings: Settings, to: PathBuf) -> anyhow::Result<ExitCode> {
    if to.exists() {
        anyhow::bail!("{} already exists; choose a new file", to.display());
    }
    let db = open(&settings)?;
    dialect::backup_to(&mut *db.conn()?, &to.to_string_lossy())?;
    println!("Backed up to {}.", to.display());
    Ok(ExitCode::SUCCESS)
}
