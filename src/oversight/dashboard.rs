//! What needs each person, for their home page: counts that link to the
//! queue where each is dealt with. A handful of counting queries, whatever
//! the size of the school; none in a loop.

use std::collections::HashSet;

use super::domain::{need, urgent, Need, ENDING_SOON};
use super::store;
use crate::accounts::domain::Account;
use crate::concerns::domain::Reviewer;
use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::PersonId;
use crate::people::domain::Role;
use crate::state::Ctx;
use crate::web::urls;

/// Everything that needs the person `me`, in `role`, now, most urgent
/// first.
pub fn needs(
    conn: &mut DbConnection,
    ctx: &Ctx,
    me: PersonId,
    role: Role,
) -> Result<Vec<Need>, AppError> {
    let mut found = Vec::new();
    let now = ctx.clock.now();
    if role != Role::Chair {
        found.extend(own_needs(conn, ctx, me)?);
    }
    if matches!(role, Role::Slt | Role::Headteacher) {
        found.extend(account_needs(conn, ctx)?);
        let failed = crate::mail::store::count_failed(conn)?;
        let (href, one, many) = if role == Role::Headteacher {
            (
                urls::EMAILS,
                "1 email failed to send: retry it",
                "{n} emails failed to send: retry them",
            )
        } else {
            (
                urls::HOME,
                "1 email failed to send; the headteacher can retry it",
                "{n} emails failed to send; the headteacher can retry them",
            )
        };
        found.extend(urgent(need(failed, one, many, href)));
    }
    let reviewer = match role {
        Role::Headteacher => Some(Reviewer::Headteacher),
        Role::Chair => Some(Reviewer::Chair),
        _ => None,
    };
    if let Some(reviewer) = reviewer {
        let awaiting = store::count_awaiting_review(conn, role, me)?;
        found.extend(need(
            awaiting,
            "1 declaration awaits your review",
            "{n} declarations await your review",
            urls::DECLARATIONS_REVIEW,
        ));
        // SECURITY: never counts a concern about the reader themselves.
        use crate::concerns::store::count_open;
        let open = count_open(conn, reviewer, me, None)?;
        let overdue = count_open(conn, reviewer, me, Some(crate::clock::to_row(now)))?;
        found.extend(urgent(need(
            overdue,
            "1 allegation is overdue for referral to the LADO",
            "{n} allegations are overdue for referral to the LADO",
            urls::CONCERNS_REVIEW,
        )));
        let (one, many) = if role == Role::Chair {
            (
                "1 open concern about the headteacher",
                "{n} open concerns about the headteacher",
            )
        } else {
            ("1 open concern", "{n} open concerns")
        };
        found.extend(need(open, one, many, urls::CONCERNS_REVIEW));
    }
    found.sort_by_key(|n| !n.urgent);
    Ok(found)
}

/// Whether the school has no active chair of governors, for the head's home
/// page: concerns about the head then have no reviewer, and only the
/// command line can make one (never the head).
pub fn no_chair(conn: &mut DbConnection, role: Role) -> Result<bool, AppError> {
    if role != Role::Headteacher {
        return Ok(false);
    }
    Ok(store::count_active_chairs(conn)? == 0)
}

/// What a member of staff owes: grants to confirm, this year's answer on
/// declarations, and the current policy.
fn own_needs(conn: &mut DbConnection, ctx: &Ctx, me: PersonId) -> Result<Vec<Need>, AppError> {
    let mut found = Vec::new();
    let to_confirm = store::count_grants_to_confirm(conn, me)?;
    found.extend(need(
        to_confirm,
        "1 grant of access to confirm: use the link in its email, or open it from Official accounts",
        "{n} grants of access to confirm: use the links in their emails",
        urls::ACCOUNTS,
    ));
    let year = crate::declarations::service::current_school_year(ctx);
    if !store::has_answered(conn, me, year)? {
        found.extend(need(
            1,
            "Confirm your declarations for this school year, or make a nil return",
            "",
            urls::DECLARATIONS,
        ));
    }
    if let Some((version, number)) = crate::policy::store::find_current_ref(conn)? {
        if !crate::policy::store::has_acknowledged(conn, &version, me)? {
            found.extend(need(
                1,
                &format!(
                    "Read version {number} of the Social Networking Policy and confirm you have \
                     reviewed your own profiles"
                ),
                "",
                urls::policy_version(number),
            ));
        }
    }
    Ok(found)
}

/// What the official accounts need from SLT.
fn account_needs(conn: &mut DbConnection, ctx: &Ctx) -> Result<Vec<Need>, AppError> {
    let now = ctx.clock.now();
    let today = crate::web::format::local_date(now, ctx.settings.time_zone);
    let open: Vec<Account> = crate::accounts::store::list_accounts(conn)?
        .into_iter()
        .filter(Account::is_open)
        .collect();
    let seniors = store::list_senior_ids(conn)?;
    let held: HashSet<String> = crate::accounts::store::list_current_custodians(conn, None)?
        .into_iter()
        .filter(|c| seniors.contains(&c.person_id))
        .map(|c| c.account_id)
        .collect();
    let password_due = open.iter().filter(|a| a.password_change_due).count() as i64;
    let review_overdue = open.iter().filter(|a| a.review_overdue(now)).count() as i64;
    let unheld = open
        .iter()
        .filter(|a| !held.contains(&a.id.to_string()))
        .count() as i64;
    let ending = store::count_grants_ending(conn, today + ENDING_SOON)?;
    let mut found = Vec::new();
    found.extend(urgent(need(
        unheld,
        "1 account has no active custodian",
        "{n} accounts have no active custodian",
        urls::ACCOUNTS,
    )));
    found.extend(urgent(need(
        password_due,
        "1 account's password must be changed",
        "{n} accounts' passwords must be changed",
        urls::ACCOUNTS,
    )));
    found.extend(need(
        review_overdue,
        "1 account's access review is overdue",
        "{n} accounts' access reviews are overdue",
        urls::ACCOUNTS,
    ));
    found.extend(need(
        ending,
        "1 grant of access ends within two weeks",
        "{n} grants of access end within two weeks",
        urls::ACCOUNTS,
    ));
    Ok(found)
}
