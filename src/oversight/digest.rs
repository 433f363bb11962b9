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

use crate::clock::local_instant;
use std::collections::HashMap;

use diesel::prelude::*;
use time::{Date, Duration, OffsetDateTime, Time};
use time_tz::Tz;

use crate::audit::store::{self as audit_store, EventFilter, EventRow};
use crate::audit::views::{actor_name, subject_link};
use crate::audit::{self, Action, Actor, NewEvent, Subject};
use crate::clock::{from_row, to_row};
use crate::db::schema::{digest_opt_outs, digests};
use crate::db::{dialect, try_insert, DbConnection};
use crate::error::AppError;
use crate::ids::PersonId;
use crate::mail::{self, Email, Recipient};
use crate::people::domain::{Person, Role};
use crate::people::store as people_store;
use crate::state::Ctx;
use crate::web::{format, urls};

/// The digest goes at this time on Mondays, school time.
pub const SEND_AT: Time = time::macros::time!(07:00);
/// At most this many events are listed; the rest are counted.
const MAX_LINES: usize = 200;

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

/// Whether this person gets the digest (the head and the chair do, until
/// they switch it off).
pub fn is_on(conn: &mut DbConnection, person: PersonId) -> Result<bool, AppError> {
    let off: i64 = digest_opt_outs::table
        .filter(digest_opt_outs::person_id.eq(person.to_string()))
        .count()
        .get_result(conn)?;
    Ok(off == 0)
}

/// Switches the digest on or off for this person.
pub fn switch(
    conn: &mut DbConnection,
    ctx: &Ctx,
    person: &crate::auth::current::CurrentPerson,
    on: bool,
) -> Result<(), AppError> {
    dialect::write(conn, |conn| {
        let changed = if on {
            diesel::delete(
                digest_opt_outs::table.filter(digest_opt_outs::person_id.eq(person.id.to_string())),
            )
            .execute(conn)?
                > 0
        } else {
            try_insert(conn, |c| {
                diesel::insert_into(digest_opt_outs::table)
                    .values((
                        digest_opt_outs::person_id.eq(person.id.to_string()),
                        digest_opt_outs::opted_out_at.eq(ctx.clock.now_row()),
                    ))
                    .execute(c)
            })?
        };
        if changed {
            audit::append(
                conn,
                ctx.clock.as_ref(),
                NewEvent::new(
                    Actor::Person(person.id),
                    if on {
                        Action::DigestSwitchedOn
                    } else {
                        Action::DigestSwitchedOff
                    },
                    Subject::person(person.id),
                    format!(
                        "{} switched the weekly digest {}",
                        person.name,
                        if on { "on" } else { "off" }
                    ),
                ),
            )?;
        }
        Ok(())
    })
}

/// Sends the digests now due; returns how many went.
pub fn send_due(conn: &mut DbConnection, ctx: &Ctx) -> Result<usize, AppError> {
    let (week_start, due_at) = latest_due(ctx.clock.now(), ctx.settings.time_zone);
    let recipients = people_store::list_active_with_roles(conn, &[Role::Headteacher, Role::Chair])?;
    if recipients.is_empty() {
        return Ok(0);
    }
    let sent: Vec<String> = digests::table
        .filter(digests::week_start.eq(week_start))
        .select(digests::recipient_id)
        .load(conn)?;
    let off: Vec<String> = digest_opt_outs::table
        .select(digest_opt_outs::person_id)
        .load(conn)?;
    let mut count = 0;
    for person in recipients {
        let id = person.id.to_string();
        // Nobody is sent a week that ended before they joined Custodian: on
        // a new install, the first digest is the first whole week.
        if sent.contains(&id) || off.contains(&id) || person.created_at > due_at {
            continue;
        }
        if send_one(conn, ctx, &person, week_start, due_at)? {
            count += 1;
        }
    }
    Ok(count)
}

fn send_one(
    conn: &mut DbConnection,
    ctx: &Ctx,
    person: &Person,
    week_start: Date,
    due_at: OffsetDateTime,
) -> Result<bool, AppError> {
    dialect::write(conn, |conn| {
        // Claim the week first: another instance may have sent it.
        let claimed = try_insert(conn, |c| {
            diesel::insert_into(digests::table)
                .values((
                    digests::recipient_id.eq(person.id.to_string()),
                    digests::week_start.eq(week_start),
                    digests::sent_at.eq(ctx.clock.now_row()),
                ))
                .execute(c)
        })?;
        if !claimed {
            return Ok(false);
        }
        let from = due_at - Duration::days(7);
        let people = people_store::list_people(conn)?;
        let filter = EventFilter {
            from: Some(to_row(from)),
            until: Some(to_row(due_at)),
            ..audit_store::reader_scope(conn, person.role, &people)?
        };
        let events = audit_store::list_events(conn, &filter, None, 100_000)?;
        let names: HashMap<String, String> = people
            .iter()
            .map(|p| (p.id.to_string(), p.name.clone()))
            .collect();
        let email = digest_email(ctx, person, from, due_at, &events, &names);
        mail::enqueue(conn, ctx.clock.as_ref(), &ctx.settings, email)?;
        audit::append(
            conn,
            ctx.clock.as_ref(),
            NewEvent::new(
                Actor::System,
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

/// What a week's events say, as lines of an email.
pub struct DigestBody {
    pub lines: Vec<String>,
    pub declarations: usize,
    pub concerns: usize,
    pub sign_ins: usize,
    pub more: usize,
}

pub fn body(ctx: &Ctx, events: &[EventRow], names: &HashMap<String, String>) -> DigestBody {
    let zone = ctx.settings.time_zone;
    let mut body = DigestBody {
        lines: Vec::new(),
        declarations: 0,
        concerns: 0,
        sign_ins: 0,
        more: 0,
    };
    // Oldest first, as a week is read.
    for row in events.iter().rev() {
        match row.subject_type.as_str() {
            "declaration" => body.declarations += 1,
            "concern" | "head_concern" | "lado_concern" => body.concerns += 1,
            _ if row.action == Action::SignInSucceeded.as_str()
                || row.action == Action::SignedOut.as_str() =>
            {
                body.sign_ins += 1
            }
            _ if body.lines.len() == MAX_LINES => body.more += 1,
            _ => {
                let mut line = format!(
                    "{} · {} · {}",
                    format::date_time(from_row(row.occurred_at), zone),
                    actor_name(row, names),
                    row.summary
                );
                if let Some(path) = subject_link(row) {
                    line.push_str(" · ");
                    line.push_str(&ctx.settings.link(&path));
                }
                body.lines.push(line);
            }
        }
    }
    body
}

fn digest_email(
    ctx: &Ctx,
    to: &Person,
    from: OffsetDateTime,
    until: OffsetDateTime,
    events: &[EventRow],
    names: &HashMap<String, String>,
) -> Email {
    let zone = ctx.settings.time_zone;
    let body = body(ctx, events, names);
    let mut paragraphs = vec![format!(
        "What was recorded in Custodian from {} to {}{}.",
        format::date_time(from, zone),
        format::date_time(until, zone),
        if to.role == Role::Chair {
            ", for what concerns the headteacher"
        } else {
            ""
        }
    )];
    if body.lines.is_empty() && body.declarations + body.concerns + body.sign_ins == 0 {
        paragraphs.push("Nothing was recorded this week.".into());
    }
    paragraphs.extend(body.lines);
    if body.more > 0 {
        paragraphs.push(format!(
            "…and {} more events: see the audit log.",
            body.more
        ));
    }
    if body.declarations > 0 {
        paragraphs.push(format!(
            "Declarations: {} {} recorded; for privacy, see them in Custodian.",
            body.declarations,
            if body.declarations == 1 {
                "change"
            } else {
                "changes"
            }
        ));
    }
    if body.concerns > 0 {
        paragraphs.push(format!(
            "Concerns: {} {} recorded; for confidentiality, see them in Custodian.",
            body.concerns,
            if body.concerns == 1 {
                "event"
            } else {
                "events"
            }
        ));
    }
    if body.sign_ins > 0 {
        paragraphs.push(format!("Sign-ins and sign-outs: {}.", body.sign_ins));
    }
    Email {
        // SECURITY: the chair's digest is sealed from the head's email log.
        kind: if to.role == Role::Chair {
            "sealed_concern_digest"
        } else {
            "weekly_digest"
        },
        subject: format!(
            "Your weekly Custodian digest, week of {}",
            format::date(from, zone)
        ),
        greeting: format!("Dear {},", to.name),
        paragraphs,
        action: Some(("Open the audit log".into(), ctx.settings.link(urls::AUDIT))),
        after: vec![format!(
            "You can switch this weekly email off on your page in Custodian: {}",
            ctx.settings.link(urls::ME)
        )],
        to: vec![Recipient::new(&to.name, &to.email)],
    }
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
