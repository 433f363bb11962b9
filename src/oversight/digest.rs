//! The weekly audit digest: every Monday at 07:00 school time the head is
//! emailed the past week's events, and the chair those that concern the
//! head. One row per recipient and week makes each week's digest go once,
//! even with several instances, and a week missed while the server was
//! down goes when it is back (only the latest week; older ones are in the
//! audit log).
//!
//! SECURITY: declarations and concerns appear only as counts, never names
//! or summaries (DESIGN.md rule 4); the chair's digest is sealed from the
//! head's email log, since it tells of concerns about the head.

use std::collections::HashMap;

use time::{Date, Duration, OffsetDateTime, Time};
use time_tz::Tz;

use super::emails;
use super::store;
use crate::audit::store::{self as audit_store, EventFilter};
use crate::audit::{Action, NewEvent, Subject};
use crate::clock::{local_instant, to_row};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::people::actor::Actor;
use crate::people::domain::{Person, Role};
use crate::people::names;
use crate::people::store as people_store;
use crate::state::Ctx;
use crate::tx;
use crate::web::format;

/// The digest goes at this time on Mondays, school time.
pub const SEND_AT: Time = time::macros::time!(07:00);

/// The Monday of the latest digest due at `now`, and the instant it fell
/// due: the most recent Monday 07:00 at the school at or before `now`.
pub fn latest_due(now: OffsetDateTime, zone: &Tz) -> (Date, OffsetDateTime) {
    let today = format::local_date(now, zone);
    let mut monday = today - Duration::days(today.weekday().number_days_from_monday().into());
    loop {
        let due = local_instant(monday, SEND_AT, zone);
        if due <= now {
            return (monday, due);
        }
        monday -= Duration::days(7);
    }
}

/// Sends the digests now due; returns how many went.
pub fn send_due(conn: &mut DbConnection, ctx: &Ctx) -> Result<usize, AppError> {
    let (week_start, due_at) = latest_due(ctx.clock.now(), ctx.settings.time_zone);
    let recipients = people_store::list_active_with_roles(conn, &[Role::Headteacher, Role::Chair])?;
    if recipients.is_empty() {
        return Ok(0);
    }
    let not_due = store::list_not_due(conn, week_start)?;
    let mut count = 0;
    for person in recipients {
        // Nobody is sent a week that ended before they joined Custodian: on
        // a new install, the first digest is the first whole week.
        if not_due.contains(&person.id.to_string()) || person.created_at > due_at {
            continue;
        }
        if send_one(conn, ctx, &person, week_start, due_at)? {
            count += 1;
        }
    }
    Ok(count)
}

/// Sends one person the week's digest, in its own transaction, unless
/// another instance claimed it first.
fn send_one(
    conn: &mut DbConnection,
    ctx: &Ctx,
    person: &Person,
    week_start: Date,
    due_at: OffsetDateTime,
) -> Result<bool, AppError> {
    tx::write(conn, ctx, &Actor::System, |tx| {
        // Claim the week first: another instance may have sent it.
        if !store::claim_digest(tx.conn, person.id, week_start, tx.now_row())? {
            return Ok(false);
        }
        let from = due_at - Duration::days(7);
        let filter = EventFilter {
            from: Some(to_row(from)),
            until: Some(to_row(due_at)),
            ..audit_store::reader_scope(tx.conn, person.role)?
        };
        let events = audit_store::list_events(tx.conn, &filter, None, 100_000)?;
        let actors: Vec<&str> = events
            .iter()
            .filter_map(|e| e.actor_id.as_deref())
            .collect();
        let names: HashMap<String, String> =
            names::names_of(tx.conn, &actors)?.into_iter().collect();
        tx.send(emails::digest(
            tx.ctx, person, from, due_at, &events, &names,
        ))?;
        tx.record(
            NewEvent::new(
                tx.actor.recorded(),
                Action::DigestSent,
                Subject::person(person.id),
                format!("Weekly digest sent to {}", person.name),
            )
            // SECURITY: no count of events: set against the head's own, the
            // chair's would tell of sealed ones.
            .with_data(serde_json::json!({ "week_start": week_start.to_string() })),
        )?;
        Ok(true)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;
    use time::Weekday;

    #[test]
    fn the_digest_falls_due_on_monday_at_seven_school_time() {
        let london = time_tz::timezones::db::europe::LONDON;
        // Tuesday 24 November 2026: due Monday 23rd at 07:00 GMT.
        let (monday, due) = latest_due(datetime!(2026-11-24 12:00 UTC), london);
        assert_eq!(monday, time::macros::date!(2026 - 11 - 23));
        assert_eq!(due, datetime!(2026-11-23 07:00 UTC));
        // Monday at 06:59: still last week's.
        let (monday, _) = latest_due(datetime!(2026-11-23 06:59 UTC), london);
        assert_eq!(monday, time::macros::date!(2026 - 11 - 16));
        // In summer, 07:00 BST is 06:00 UTC.
        let (_, due) = latest_due(datetime!(2026-07-06 06:30 UTC), london);
        assert_eq!(due, datetime!(2026-07-06 06:00 UTC));
        assert_eq!(due.weekday(), Weekday::Monday);
    }
}
