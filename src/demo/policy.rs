//! The demo's policy, published and partly acknowledged, and its
//! moderation log.

use crate::clock::{Clock, ManualClock};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::people::actor::Actor;
use crate::people::domain::Person;
use crate::state::Ctx;
use crate::tx;

/// The school's Social Networking Policy, as the demo's first version.
const POLICY: &str = include_str!("policy.md");

/// The head publishes the policy; everyone is asked, and three confirm.
pub(super) fn seed_policy(
    conn: &mut DbConnection,
    ctx: &Ctx,
    clock: &ManualClock,
    people: &[Person; 7],
) -> Result<(), AppError> {
    use crate::policy::domain::NewVersion;
    use crate::policy::service as policy;
    let [head, _deputy, priya, tom, _amira, _sam, _chair] = people;
    let today = crate::web::format::local_date(clock.now(), ctx.settings.time_zone);
    let new = NewVersion::parse(
        POLICY,
        &today.to_string(),
        "The policy as adopted by the governing body, now kept in Custodian.",
    )
    .map_err(|e| AppError::internal(anyhow::anyhow!("{e:?}")))?;
    let number = tx::write(conn, ctx, &Actor::person(head), |tx| {
        policy::publish(tx, Ok(new))
    })?;
    policy::send_requests(conn, ctx)?;
    clock.advance(time::Duration::days(1));
    for person in [head, priya, tom] {
        tx::write(conn, ctx, &Actor::person(person), |tx| {
            policy::acknowledge(tx, number)
        })?;
    }
    Ok(())
}

/// The moderation log: SLT and two members of staff with live grants keep
/// the accounts to Appendix 2.
pub(super) fn seed_moderation(
    conn: &mut DbConnection,
    ctx: &Ctx,
    clock: &ManualClock,
    people: &[Person; 7],
) -> Result<(), AppError> {
    use crate::accounts::domain::Platform;
    use crate::moderation::domain::NewAction;
    use crate::moderation::service as moderation;
    let [_head, deputy, priya, tom, amira, _sam, _chair] = people;
    let accounts = crate::accounts::store::list_accounts(conn)?;
    let on = |platform: Platform| {
        accounts
            .iter()
            .find(|a| a.platform == platform && a.is_open())
            .map(|a| a.id)
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("no open {platform:?} account")))
    };
    let today = crate::web::format::local_date(clock.now(), ctx.settings.time_zone);
    let entries = [
        (
            priya,
            Platform::Facebook,
            "follower_blocked",
            12,
            "advertising",
            "A page selling tutoring kept posting under our news.",
        ),
        (
            tom,
            Platform::Facebook,
            "comment_removed",
            9,
            "negative_feedback",
            "A complaint about homework; the parent was invited to come in.",
        ),
        (
            amira,
            Platform::Instagram,
            "comment_removed",
            5,
            "identifying_children",
            "A comment gave a child's full name under the art display photo.",
        ),
        (
            deputy,
            Platform::X,
            "post_reported",
            2,
            "offensive",
            "A reply with offensive language, reported to the platform.",
        ),
    ];
    for (who, platform, kind, days_ago, reason, note) in entries {
        let occurred = (today - time::Duration::days(days_ago)).to_string();
        let new = NewAction::parse(kind, &occurred, reason, note, today)
            .map_err(|e| AppError::internal(anyhow::anyhow!("{e:?}")))?;
        let account = on(platform)?;
        tx::write(conn, ctx, &Actor::person(who), |tx| {
            moderation::record(tx, account, Ok(new))
        })?;
    }
    Ok(())
}
