//! Sign-in throttling. Per account: after 5 failures in a row the account is
//! locked for a minute, doubling with each further failure up to an hour,
//! even against the right password. Per client address: a rate limit.
//! Password reset emails: one per person in five minutes, and a rate limit
//! per address.
//!
//! SECURITY: the per-account count is kept by the email typed, known or not,
//! so a locked answer tells nothing about whether an account exists.

use std::net::IpAddr;
use std::num::NonZeroU32;

use diesel::prelude::*;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use time::{Duration, PrimitiveDateTime};

use crate::db::schema::{password_reset_throttle, sign_in_throttle};
use crate::db::{try_insert, DbConnection};
use crate::error::AppError;

pub const FAILURES_BEFORE_LOCK: i32 = 5;

/// How long the account is locked after `failures` failures in a row.
pub fn lock_for(failures: i32) -> Option<Duration> {
    if failures < FAILURES_BEFORE_LOCK {
        return None;
    }
    let doublings = (failures - FAILURES_BEFORE_LOCK).min(10) as u32;
    Some(Duration::seconds((60_i64 << doublings).min(3_600)))
}

/// Sign-in attempts from one address: 30 a minute, in bursts of 10.
pub fn address_limiter() -> DefaultKeyedRateLimiter<IpAddr> {
    RateLimiter::keyed(
        Quota::per_minute(NonZeroU32::new(30).expect("non-zero"))
            .allow_burst(NonZeroU32::new(10).expect("non-zero")),
    )
}

/// Password reset requests from one address: 20 at once, then one a
/// minute. SECURITY: bounds the email a single address can make us send to
/// many people; a school's staff behind one address stay well within it.
pub fn reset_address_limiter() -> DefaultKeyedRateLimiter<IpAddr> {
    RateLimiter::keyed(
        Quota::per_minute(NonZeroU32::new(1).expect("non-zero"))
            .allow_burst(NonZeroU32::new(20).expect("non-zero")),
    )
}

/// The least time between two password reset emails to one person.
pub const RESET_EMAIL_INTERVAL: Duration = Duration::minutes(5);

/// Whether a reset email may go to this person now; if so, counts it.
/// SECURITY: one conditional UPDATE (or the first INSERT), so two requests
/// at once, on any instance, cannot both pass.
pub fn take_reset_email(
    conn: &mut DbConnection,
    person: &str,
    now: PrimitiveDateTime,
) -> Result<bool, AppError> {
    let taken = diesel::update(
        password_reset_throttle::table
            .find(person)
            .filter(password_reset_throttle::last_sent_at.le(now - RESET_EMAIL_INTERVAL)),
    )
    .set(password_reset_throttle::last_sent_at.eq(now))
    .execute(conn)?;
    if taken == 1 {
        return Ok(true);
    }
    Ok(try_insert(conn, |conn| {
        diesel::insert_into(password_reset_throttle::table)
            .values((
                password_reset_throttle::person_id.eq(person),
                password_reset_throttle::last_sent_at.eq(now),
            ))
            .execute(conn)
    })?)
}

/// When the account may next try, if it is locked now.
pub fn find_lock(
    conn: &mut DbConnection,
    email: &str,
    now: PrimitiveDateTime,
) -> Result<Option<PrimitiveDateTime>, AppError> {
    let until: Option<Option<PrimitiveDateTime>> = sign_in_throttle::table
        .find(email)
        .select(sign_in_throttle::locked_until)
        .first(conn)
        .optional()?;
    Ok(until.flatten().filter(|until| *until > now))
}

/// Counts a failure; returns the new lock's end if this failure locks.
pub fn record_failure(
    conn: &mut DbConnection,
    email: &str,
    now: PrimitiveDateTime,
) -> Result<Option<PrimitiveDateTime>, AppError> {
    let failures: Option<i32> = sign_in_throttle::table
        .find(email)
        .select(sign_in_throttle::failures)
        .first(conn)
        .optional()?;
    let failures = failures.unwrap_or(0) + 1;
    let locked_until = lock_for(failures).map(|d| now + d);
    let inserted = try_insert(conn, |conn| {
        diesel::insert_into(sign_in_throttle::table)
            .values((
                sign_in_throttle::email.eq(email),
                sign_in_throttle::failures.eq(failures),
                sign_in_throttle::locked_until.eq(locked_until),
            ))
            .execute(conn)
    })?;
    if !inserted {
        diesel::update(sign_in_throttle::table.find(email))
            .set((
                sign_in_throttle::failures.eq(failures),
                sign_in_throttle::locked_until.eq(locked_until),
            ))
            .execute(conn)?;
    }
    Ok(locked_until)
}

/// A successful sign-in or a password reset clears the count.
pub fn clear(conn: &mut DbConnection, email: &str) -> Result<(), AppError> {
    diesel::delete(sign_in_throttle::table.find(email)).execute(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_start_at_five_failures_and_double_to_an_hour() {
        assert_eq!(lock_for(4), None);
        assert_eq!(lock_for(5), Some(Duration::minutes(1)));
        assert_eq!(lock_for(6), Some(Duration::minutes(2)));
        assert_eq!(lock_for(7), Some(Duration::minutes(4)));
        assert_eq!(lock_for(11), Some(Duration::hours(1)));
        assert_eq!(lock_for(500), Some(Duration::hours(1)));
    }
}
