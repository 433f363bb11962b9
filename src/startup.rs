//! Building the application: used by `main` and by the tests alike. It
//! wires the registers together; nothing below it imports it.

use std::net::TcpListener;
use std::sync::Arc;

use actix_session::config::{BrowserSession, TtlExtensionPolicy};
use actix_session::SessionMiddleware;
use actix_web::cookie::{Key, SameSite};
use actix_web::middleware::from_fn;
use actix_web::{dev::Server, web, App, HttpServer};
use actix_web_flash_messages::{FlashMessagesFramework, Level};
use diesel::prelude::*;
use tokio::sync::watch;
use tracing_actix_web::TracingLogger;

use crate::auth::cookies;
use crate::auth::csrf::{self, CsrfKey};
use crate::auth::current::IDLE_TIMEOUT;
use crate::auth::password::Hasher;
use crate::auth::session_store::{self, DbSessionStore};
use crate::auth::throttle;
use crate::clock::Clock;
use crate::config::Settings;
use crate::db::schema::app_secrets;
use crate::db::{Db, DbConnection};
use crate::error::AppError;
use crate::jobs::{self, Job};
use crate::mail::sender::Sender;
pub use crate::state::{AppState, Ctx};
use crate::web::{
    errors, headers, health, limits, pages, static_files, telemetry::RequestSpan, urls,
};

/// The server, the mail sender, and what start-up found.
/// The context for work outside a request (the command line, the demo,
/// the tests), wired like the app's: the registers' hooks included.
pub fn ctx(settings: Arc<Settings>, clock: Arc<dyn Clock>) -> Ctx {
    Ctx {
        settings,
        clock,
        hooks: crate::accounts::service::HOOKS,
        caches: Arc::default(),
    }
}

pub struct Application {
    port: u16,
    server: Server,
    sender: Sender,
    state: AppState,
    setup_link: Option<String>,
    stop: watch::Sender<bool>,
}

/// Stops a running application from outside, as SIGTERM does.
#[derive(Clone)]
pub struct Stopper {
    server: actix_web::dev::ServerHandle,
    stop: watch::Sender<bool>,
}

impl Stopper {
    /// Stops accepting, lets requests finish, then stops the background work.
    pub async fn stop(self) {
        self.server.stop(true).await;
        let _ = self.stop.send(true);
    }
}

/// Largest URL-encoded body we accept: what the largest form allows
/// (`web::form::MAX_FORM_BODY`); the policy and evidence uploads have their own.
const MAX_BODY: usize = crate::web::form::MAX_FORM_BODY;

impl Application {
    /// Start-up lines for the person at the console.
    pub fn announce(&self) {
        let settings = &self.state().settings;
        println!(
            "Custodian for {} is serving at {}",
            settings.school_name,
            settings.link("/")
        );
        if settings.smtp_url.is_none() {
            println!("No CUSTODIAN_SMTP_URL is set: emails are held in the outbox (see /emails).");
        }
        if let Some(link) = self.setup_link() {
            println!();
            println!("No one has an account yet. Open this one-time link to create the headteacher's account:");
            println!("  {link}");
            println!();
        }
    }

    /// Opens the database (applying migrations), binds the address and
    /// builds the server; nothing is served until `run_until_stopped`.
    pub async fn build(mut settings: Settings, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(settings.bind)
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", settings.bind))?;
        let local = listener.local_addr()?;
        if !settings.base_url_explicit {
            settings.base_url = url::Url::parse(&format!("http://{local}"))?;
        }
        let settings = Arc::new(settings);
        let (db, key, hasher) = {
            let settings = settings.clone();
            tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
                let db = Db::open(&settings.database_url, settings.db_pool_size)?;
                let key = cookie_key(&mut *db.conn()?)?;
                let hasher = Hasher::new(settings.password_hashing);
                Ok((db, key, hasher))
            })
            .await??
        };
        let state = AppState {
            db: db.clone(),
            settings: settings.clone(),
            clock: clock.clone(),
            hasher,
            sign_in_limiter: Arc::new(throttle::address_limiter()),
            reset_limiter: Arc::new(throttle::reset_address_limiter()),
            hooks: crate::accounts::service::HOOKS,
            caches: Arc::default(),
        };
        let ctx = state.ctx();
        let setup_link = db
            .run(move |conn| crate::auth::service::issue_setup_link(conn, &ctx))
            .await
            .map_err(|e| anyhow::anyhow!("issuing the setup link: {e:?}"))?;

        let port = local.port();
        let server = server(state.clone(), key, listener)?;
        let sender = Sender::new(db, clock, settings)?;
        Ok(Self {
            port,
            server,
            sender,
            state,
            setup_link,
            stop: watch::channel(false).0,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    pub fn stopper(&self) -> Stopper {
        Stopper {
            server: self.server.handle(),
            stop: self.stop.clone(),
        }
    }

    /// The one-time link for the head's account, on an empty database.
    pub fn setup_link(&self) -> Option<&str> {
        self.setup_link.as_deref()
    }

    /// Serves until SIGTERM or SIGINT: stops accepting, lets requests
    /// finish, then lets the sender finish the message in hand.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let stop = self.stop;
        let stopped = stop.subscribe();
        let sender = tokio::spawn(self.sender.run(stopped.clone()));
        let scheduled = tokio::spawn(jobs::run_until_stopped(
            self.state.db.clone(),
            self.state.ctx(),
            scheduled_jobs(&self.state.settings),
            self.state.settings.job_interval,
            stopped,
        ));
        let served = self.server.await;
        let _ = stop.send(true);
        let _ = sender.await;
        let _ = scheduled.await;
        served.map_err(Into::into)
    }
}

/// The key that signs session and flash cookies. Kept in the database so
/// that restarts, and several instances on PostgreSQL, share it.
fn cookie_key(conn: &mut DbConnection) -> anyhow::Result<Key> {
    let find = |conn: &mut DbConnection| {
        app_secrets::table
            .find("cookie_key")
            .select(app_secrets::value)
            .first::<String>(conn)
            .optional()
    };
    if find(conn)?.is_none() {
        let fresh = hex::encode(Key::generate().master());
        let inserted = diesel::insert_into(app_secrets::table)
            .values((
                app_secrets::name.eq("cookie_key"),
                app_secrets::value.eq(fresh),
            ))
            .execute(conn);
        match inserted {
            // Another instance made it first: use theirs.
            Ok(_)
            | Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) => {}
            Err(other) => return Err(other.into()),
        }
    }
    let stored = find(conn)?.ok_or_else(|| anyhow::anyhow!("cookie key missing"))?;
    Ok(Key::from(&hex::decode(stored)?))
}

fn server(state: AppState, key: Key, listener: TcpListener) -> anyhow::Result<Server> {
    let https = state.settings.served_over_https();
    let store = DbSessionStore::new(state.db.clone(), state.clock.clone());
    let csrf_key = web::Data::new(CsrfKey::derive(&key)?);
    let data = web::Data::new(state);
    let server = HttpServer::new(move || {
        let sessions = SessionMiddleware::builder(store.clone(), key.clone())
            .cookie_name(cookies::session_cookie_name(https).into())
            .cookie_http_only(true)
            .cookie_secure(https)
            .cookie_same_site(SameSite::Lax)
            .session_lifecycle(
                BrowserSession::default()
                    .state_ttl(actix_web::cookie::time::Duration::seconds(
                        IDLE_TIMEOUT.whole_seconds(),
                    ))
                    // The store refreshes the expiry itself, at most every
                    // few minutes (`session_store::REFRESH_EVERY`).
                    .state_ttl_extension_policy(TtlExtensionPolicy::OnStateChanges),
            )
            .build();
        let flash =
            FlashMessagesFramework::builder(cookies::FlashCookieStore::new(key.clone(), https))
                .minimum_level(Level::Info)
                .build();
        App::new()
            .app_data(data.clone())
            .app_data(csrf_key.clone())
            .app_data(web::PayloadConfig::new(MAX_BODY))
            .app_data(web::FormConfig::default().limit(MAX_BODY))
            .app_data(web::QueryConfig::default().error_handler(|_, _| {
                AppError::BadRequest(
                    "The address has something this page does not understand.".into(),
                )
                .into()
            }))
            .app_data(web::PathConfig::default().error_handler(|_, _| AppError::NotFound.into()))
            // Innermost first. HEAD is routed as GET for every route. The
            // last resort answers whatever the layers inside raise; the
            // headers, outermost, go on every answer.
            .wrap(from_fn(errors::head_as_get))
            .wrap(from_fn(errors::last_resort))
            .wrap(TracingLogger::<RequestSpan>::new())
            .wrap(headers::security_headers(https))
            // The stylesheet and the health checks never touch the session:
            // no session read, no write, no cookie. They read neither a
            // body nor the query, so the address and body limits are not
            // theirs either.
            .route(
                urls::STYLESHEET,
                web::get().to(static_files::stylesheet_get),
            )
            .route(urls::HEALTHZ, web::get().to(health::healthz_get))
            .route(urls::READYZ, web::get().to(health::readyz_get))
            .service(
                // Every page. Innermost first: the error pages see the
                // session (for the layout); the nonce cookie goes on error
                // pages too.
                web::scope("")
                    .wrap(from_fn(limits::body_deadline_layer))
                    .wrap(from_fn(limits::refuse_control_in_address))
                    .wrap(from_fn(errors::error_pages))
                    .wrap(flash)
                    .wrap(sessions)
                    .wrap(from_fn(csrf::nonce_cookie))
                    .route(urls::ACCESSIBILITY, web::get().to(pages::accessibility_get))
                    .configure(crate::auth::routes)
                    .configure(crate::people::routes)
                    .configure(crate::audit::routes)
                    .configure(crate::mail::routes)
                    .configure(crate::accounts::routes)
                    .configure(crate::declarations::routes)
                    .configure(crate::concerns::routes)
                    .configure(crate::policy::routes)
                    .configure(crate::moderation::routes)
                    .configure(crate::oversight::routes)
                    .default_service(web::to(errors::not_found)),
            )
    })
    .shutdown_timeout(30)
    .listen(listener)?
    .run();
    Ok(server)
}

/// Every scheduled job, in the order they run: the registers' and the
/// core's, wired here because only `startup` may know the registers. Jobs
/// the settings switch off are left out. The tests run this same list.
pub fn scheduled_jobs(settings: &Settings) -> Vec<Job> {
    let mut jobs = vec![Job {
        name: "accounts.end_grants_past_their_end_date",
        run: crate::accounts::service::expire_due,
    }];
    if settings.send_reconfirmations {
        jobs.push(Job {
            name: "declarations.ask_to_reconfirm",
            run: crate::declarations::service::send_reconfirmation_requests,
        });
    }
    jobs.push(Job {
        name: "policy.ask_to_acknowledge",
        run: crate::policy::service::send_requests,
    });
    if settings.send_digests {
        jobs.push(Job {
            name: "oversight.send_weekly_digests",
            run: crate::oversight::digest::send_due,
        });
    }
    jobs.push(Job {
        name: "auth.remove_expired_sessions",
        run: |conn, ctx| session_store::delete_expired(conn, ctx.clock.now_row()),
    });
    jobs
}
