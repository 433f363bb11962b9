//! The state every request and service shares: below every register, so
//! that core modules (auth, audit, mail, web) need not reach up to
//! `startup` for it. `startup` builds it; nothing here knows a register.

use std::net::IpAddr;
use std::sync::Arc;

use governor::DefaultKeyedRateLimiter;

use crate::auth::password::Hasher;
use crate::clock::Clock;
use crate::config::Settings;
use crate::db::Db;

/// What every service call needs besides a connection.
#[derive(Clone)]
pub struct Ctx {
    pub settings: Arc<Settings>,
    pub clock: Arc<dyn Clock>,
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
}

impl AppState {
    pub fn ctx(&self) -> Ctx {
        Ctx {
            settings: self.settings.clone(),
            clock: self.clock.clone(),
        }
    }
}
