//! The demo's term of official accounts: opened, granted, confirmed,
//! expired, reviewed, revoked and closed, with a leaver on the way.

use std::collections::HashMap;

use crate::accounts::domain::{Account, NewAccount, NewGrant};
use crate::accounts::service::{self as accounts, By};
use crate::clock::{Clock, ManualClock};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::GrantId;
use crate::people::domain::Person;
use crate::people::service;
use crate::state::Ctx;

/// The accounts, their grants and their history, played on the demo's
/// clock; the leaver is deactivated part way through.
pub(super) fn seed_accounts(
    conn: &mut DbConnection,
    ctx: &Ctx,
    clock: &ManualClock,
    people: &[Person],
    leaver: &Person,
) -> anyhow::Result<()> {
    let [head, deputy, priya, tom, amira, sam, _chair] = people else {
        anyhow::bail!("the demo school has seven people");
    };
    let as_by = |p: &Person| By {
        id: p.id,
        name: p.name.clone(),
        role: p.role,
    };
    let today =
        |clock: &ManualClock| crate::web::format::local_date(clock.now(), ctx.settings.time_zone);
    let fail = |e: AppError| anyhow::anyhow!("{e:?}");
    let form = |e: crate::error::FormErrors| anyhow::anyhow!("{e:?}");

    // The accounts: one opened now, two that already existed.
    let facebook = NewAccount::parse(
        "facebook",
        "Oakfield Primary School",
        "https://www.facebook.com/oakfieldprimary.example",
        "News, events and celebrations for families",
        None,
        today(clock),
    )
    .map_err(form)?;
    let facebook = accounts::open(conn, ctx, &as_by(head), facebook)
        .map_err(fail)?
        .map_err(form)?;
    let opened_on = (today(clock) - time::Duration::days(900)).to_string();
    let head_id = head.id.to_string();
    let x = NewAccount::parse(
        "x",
        "@OakfieldPS",
        "https://x.com/OakfieldPS",
        "School announcements, such as closures for snow",
        Some((&opened_on, &head_id)),
        today(clock),
    )
    .map_err(form)?;
    let x = accounts::open(conn, ctx, &as_by(deputy), x)
        .map_err(fail)?
        .map_err(form)?;
    let priya_id = priya.id.to_string();
    let instagram = NewAccount::parse(
        "instagram",
        "@oakfield.primary",
        "https://www.instagram.com/oakfield.primary",
        "Photographs of pupils' work and learning",
        Some((
            &(today(clock) - time::Duration::days(400)).to_string(),
            &priya_id,
        )),
        today(clock),
    )
    .map_err(form)?;
    let instagram = accounts::open(conn, ctx, &as_by(deputy), instagram)
        .map_err(fail)?
        .map_err(form)?;
    accounts::add_custodian(conn, ctx, &as_by(head), facebook.id, priya.id).map_err(fail)?;

    clock.advance(time::Duration::days(3));
    let grant = |conn: &mut DbConnection,
                 account: &Account,
                 to: &Person,
                 aim: &str,
                 purpose: &str,
                 ends: Option<time::Date>| {
        let ends = ends.map(|d| d.to_string()).unwrap_or_default();
        let new =
            NewGrant::parse(&to.id.to_string(), aim, purpose, &ends, today(clock)).map_err(form)?;
        accounts::grant(conn, ctx, &as_by(deputy), account.id, new)
            .map_err(fail)?
            .map_err(form)
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
    accounts::confirm(conn, ctx, amira.id, amira_instagram.id).map_err(fail)?;
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
    accounts::record_password_change(
        conn,
        ctx,
        &as_by(head),
        facebook.id,
        today(clock),
        "Changed in the password manager",
    )
    .map_err(fail)?;

    clock.advance(time::Duration::days(20));
    let head_by = crate::people::actor::Actor::person(head);
    crate::tx::write(conn, ctx, &head_by, |tx| service::deactivate(tx, leaver.id)).map_err(fail)?;
    accounts::record_password_change(conn, ctx, &as_by(priya), instagram.id, today(clock), "")
        .map_err(fail)?;
    let review: HashMap<GrantId, bool> = [(amira_instagram.id, true)].into_iter().collect();
    accounts::review(
        conn,
        ctx,
        &as_by(priya),
        instagram.id,
        &review,
        "Still needed for class posts",
    )
    .map_err(fail)?
    .map_err(form)?;

    clock.advance(time::Duration::days(30));
    // A grant revoked: the password change is still due on the demo's day.
    let sam_x = grant(conn, &x, sam, "announcements", "Sports day results", None)?;
    clock.advance(time::Duration::days(2));
    accounts::revoke(conn, ctx, &as_by(head), sam_x.id, "Sports day is over").map_err(fail)?;

    // And an account the school no longer uses.
    let youtube = NewAccount::parse(
        "youtube",
        "Oakfield Primary Choir",
        "https://www.youtube.com/@oakfieldchoir",
        "Choir performances",
        Some((
            &(today(clock) - time::Duration::days(1500)).to_string(),
            &head_id,
        )),
        today(clock),
    )
    .map_err(form)?;
    let youtube = accounts::open(conn, ctx, &as_by(head), youtube)
        .map_err(fail)?
        .map_err(form)?;
    accounts::close(
        conn,
        ctx,
        &as_by(head),
        youtube.id,
        "Replaced by the school website's video page",
    )
    .map_err(fail)?;
    Ok(())
}
