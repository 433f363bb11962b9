//! The demo's term of official accounts: opened, granted, confirmed,
//! expired, reviewed, revoked and closed, with a leaver on the way.

use std::collections::HashMap;

use crate::accounts::domain::{Account, NewAccount, NewGrant};
use crate::accounts::service as accounts;
use crate::clock::{Clock, ManualClock};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::GrantId;
use crate::people::actor::Actor;
use crate::people::domain::Person;
use crate::people::service;
use crate::state::Ctx;
use crate::tx::{self, Tx};

/// Runs one change as `by`, as their request on the web would.
fn act<T>(
    conn: &mut DbConnection,
    ctx: &Ctx,
    by: &Person,
    work: impl FnOnce(&mut Tx) -> Result<T, AppError>,
) -> anyhow::Result<T> {
    tx::write(conn, ctx, &Actor::person(by), work).map_err(|e| anyhow::anyhow!("{e:?}"))
}

/// The accounts, their grants and their history, played on the demo's
/// clock; the leaver is deactivated part way through.
pub(super) fn seed_accounts(
    conn: &mut DbConnection,
    ctx: &Ctx,
    clock: &ManualClock,
    people: &[Person; 7],
    leaver: &Person,
) -> anyhow::Result<()> {
    let [head, deputy, priya, tom, amira, sam, _chair] = people;
    let today =
        |clock: &ManualClock| crate::web::format::local_date(clock.now(), ctx.settings.time_zone);
    let fail = |e: AppError| anyhow::anyhow!("{e:?}");

    // Records an account as `by`: a new one, or one that `opener` opened
    // `days` ago.
    let open = |conn: &mut DbConnection,
                by: &Person,
                platform: &str,
                handle: &str,
                profile_url: &str,
                purpose: &str,
                existing: Option<(&Person, i64)>| {
        let existing = existing.map(|(opener, days)| {
            let on = today(clock) - time::Duration::days(days);
            (on.to_string(), opener.id.to_string())
        });
        let opened = existing.as_ref().map(|(on, by)| (on.as_str(), by.as_str()));
        let new = NewAccount::parse(platform, handle, profile_url, purpose, opened, today(clock));
        act(conn, ctx, by, |tx| accounts::open(tx, new))
    };

    // The accounts: one opened now, two that already existed.
    let facebook = open(
        conn,
        head,
        "facebook",
        "Oakfield Primary School",
        "https://www.facebook.com/oakfieldprimary.example",
        "News, events and celebrations for families",
        None,
    )?;
    let x = open(
        conn,
        deputy,
        "x",
        "@OakfieldPS",
        "https://x.com/OakfieldPS",
        "School announcements, such as closures for snow",
        Some((head, 900)),
    )?;
    let instagram = open(
        conn,
        deputy,
        "instagram",
        "@oakfield.primary",
        "https://www.instagram.com/oakfield.primary",
        "Photographs of pupils' work and learning",
        Some((priya, 400)),
    )?;
    act(conn, ctx, head, |tx| {
        accounts::add_custodian(tx, facebook.id, Some(priya.id))
    })?;

    clock.advance(time::Duration::days(3));
    let grant = |conn: &mut DbConnection,
                 account: &Account,
                 to: &Person,
                 aim: &str,
                 purpose: &str,
                 ends: Option<time::Date>| {
        let ends = ends.map(|d| d.to_string()).unwrap_or_default();
        let new = NewGrant::parse(&to.id.to_string(), aim, purpose, &ends, today(clock));
        act(conn, ctx, deputy, |tx| accounts::grant(tx, account.id, new))
    };
    // Live, confirmed.
    let amira_instagram = grant(
        conn,
        &instagram,
        amira,
        "achievements",
        "Posting photographs of class work",
        None,
    )?;
    act(conn, ctx, amira, |tx| {
        accounts::confirm(tx, amira_instagram.id)
    })?;
    // Live, with an end date ahead: the residential trip.
    grant(
        conn,
        &facebook,
        tom,
        "events",
        "News from the Year 6 residential trip",
        Some(today(clock) + time::Duration::days(120)),
    )?;
    // Live, not yet confirmed.
    grant(
        conn,
        &x,
        amira,
        "announcements",
        "Cover for snow-day announcements",
        None,
    )?;
    // Ends on its date, a week later.
    grant(
        conn,
        &facebook,
        sam,
        "events",
        "Photographs of the harvest festival",
        Some(today(clock) + time::Duration::days(7)),
    )?;
    // The leaver held access.
    grant(
        conn,
        &instagram,
        leaver,
        "community",
        "Posting PTA fair notices",
        None,
    )?;

    clock.advance(time::Duration::days(14));
    accounts::expire_due(conn, ctx).map_err(fail)?;
    let changed = (today(clock), "Changed in the password manager".to_owned());
    act(conn, ctx, head, |tx| {
        accounts::record_password_change(tx, facebook.id, Ok(changed))
    })?;

    clock.advance(time::Duration::days(20));
    act(conn, ctx, head, |tx| service::deactivate(tx, leaver.id))?;
    let changed = (today(clock), String::new());
    act(conn, ctx, priya, |tx| {
        accounts::record_password_change(tx, instagram.id, Ok(changed))
    })?;
    let review: HashMap<GrantId, bool> = [(amira_instagram.id, true)].into_iter().collect();
    let notes = Ok("Still needed for class posts".to_owned());
    act(conn, ctx, priya, |tx| {
        accounts::review(tx, instagram.id, &review, notes)
    })?;

    clock.advance(time::Duration::days(30));
    // A grant revoked: the password change is still due on the demo's day.
    let sam_x = grant(conn, &x, sam, "announcements", "Sports day results", None)?;
    clock.advance(time::Duration::days(2));
    let why = Ok("Sports day is over".to_owned());
    act(conn, ctx, head, |tx| accounts::revoke(tx, sam_x.id, why))?;

    // And an account the school no longer uses.
    let youtube = open(
        conn,
        head,
        "youtube",
        "Oakfield Primary Choir",
        "https://www.youtube.com/@oakfieldchoir",
        "Choir performances",
        Some((head, 1500)),
    )?;
    let why = Ok("Replaced by the school website's video page".to_owned());
    act(conn, ctx, head, |tx| accounts::close(tx, youtube.id, why))?;
    Ok(())
}
