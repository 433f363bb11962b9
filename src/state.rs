//! The state every request and service shares: below every register, so
//! that core modules (auth, audit, mail, web) need not reach up to
//! `startup` for it. `startup` builds it; nothing here knows a register.

use std::net::IpAddr;
use std::sync::Arc;

use governor::DefaultKeyedRateLimiter;

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
}

impl AppState {
    pub fn ctx(&self) -> Ctx {
        Ctx {
            settings: self.settings.clone(),
            clock: self.clock.clone(),
            hooks: self.hooks,
        }
    }
}
