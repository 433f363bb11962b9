//! The state every request and service shares: below every register, so
//! that core modules (auth, audit, mail, web) need not reach up to
//! `startup` for it. `startup` builds it; nothing here knows a register.

use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use governor::DefaultKeyedRateLimiter;

use crate::audit::timeline::Timeline;
use crate::audit::Actor;
use crate::auth::password::Hasher;
use crate::clock::Clock;
use crate::config::Settings;
use crate::db::{Db, DbConnection};
use crate::error::AppError;
use crate::ids::PersonId;
use crate::people::domain::HeldAccess;

/// What every service call needs besides a connection.
#[derive(Clone)]
pub struct Ctx {
    pub settings: Arc<Settings>,
    pub clock: Arc<dyn Clock>,
    pub hooks: Hooks,
    pub caches: Arc<Caches>,
}

/// Ends a person's live grants: (who acts, whose, leaving, why) -> how many.
pub type EndGrants =
    fn(&mut DbConnection, &Ctx, Actor, PersonId, bool, &str) -> Result<usize, AppError>;

/// What registers above `people` do when a person's access changes, and
/// what they show on a person's page. `startup` fills it in, so that
/// `people` (a core module) never names a register, and a `Ctx` cannot be
/// made without them: a role change can never skip taking logins away.
#[derive(Clone, Copy)]
pub struct Hooks {
    /// Ends a person's live grants of official accounts' logins; `leaving`
    /// when they left the school, else their role no longer allows them.
    /// Returns how many it ended.
    pub end_grants: EndGrants,
    /// Takes custody of official accounts away from a person; returns how many.
    pub end_custody: fn(&mut DbConnection, &Ctx, Actor, PersonId, &str) -> Result<usize, AppError>,
    /// Every official account's login a person was given, newest first.
    pub held_access: fn(&mut DbConnection, PersonId) -> Result<Vec<HeldAccess>, AppError>,
}

/// Shared by every request.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub clock: Arc<dyn Clock>,
    pub hasher: Hasher,
    pub sign_in_limiter: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    pub reset_limiter: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    pub hooks: Hooks,
    pub caches: Arc<Caches>,
}

impl AppState {
    pub fn ctx(&self) -> Ctx {
        Ctx {
            settings: self.settings.clone(),
            clock: self.clock.clone(),
            hooks: self.hooks,
            caches: self.caches.clone(),
        }
    }
}

/// What the app keeps between requests so that a page loads only what it
/// shows: small, and each entry knows when it may no longer hold.
#[derive(Default)]
pub struct Caches {
    /// Everyone's (id, name), active first, by name: the audit log's
    /// people filter. Loaded again after `people::store::changes()` moves.
    pub people_names: Cached<Vec<(String, String)>>,
    /// What turns the audit log's date filters into ranges of sequence
    /// numbers; brought up to date by the read that uses it.
    pub audit_timeline: Mutex<Timeline>,
}

/// How long a cached value is trusted without a change this process saw:
/// long enough that a busy page does not reload it, short enough that a
/// change made by another instance (PostgreSQL) shows within seconds.
const CACHE_TTL: Duration = Duration::from_secs(10);

/// A value loaded from the database, kept until its generation moves (a
/// change this process made) or `CACHE_TTL` passes (a change made by
/// another instance, or one committed while the value was loading).
pub struct Cached<T> {
    entry: Mutex<Option<Entry<T>>>,
}

struct Entry<T> {
    generation: u64,
    loaded: Instant,
    value: Arc<T>,
}

impl<T> Default for Cached<T> {
    fn default() -> Self {
        Self {
            entry: Mutex::new(None),
        }
    }
}

impl<T> Cached<T> {
    /// The value as of `generation` (read before calling, so that a change
    /// made during `load` leaves the loaded value stale, not trusted).
    pub fn get(
        &self,
        generation: u64,
        load: impl FnOnce() -> Result<T, AppError>,
    ) -> Result<Arc<T>, AppError> {
        if let Some(entry) = self.lock().as_ref() {
            if entry.generation == generation && entry.loaded.elapsed() < CACHE_TTL {
                return Ok(entry.value.clone());
            }
        }
        // Loaded outside the lock: readers of a fresh value never wait for it.
        let value = Arc::new(load()?);
        *self.lock() = Some(Entry {
            generation,
            loaded: Instant::now(),
            value: value.clone(),
        });
        Ok(value)
    }

    fn lock(&self) -> MutexGuard<'_, Option<Entry<T>>> {
        self.entry.lock().unwrap_or_else(|p| p.into_inner())
    }
}
