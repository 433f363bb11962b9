//! What needs each person, for their home page: counts that link to the
//! queue where each is dealt with. A handful of counting queries, whatever
//! the size of the school; none in a loop.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use time::Duration;

use crate::accounts::domain::Account;
use crate::auth::current::CurrentPerson;
use crate::concerns::domain::Reviewer;
use crate::db::schema::{declarations, grants, people, reconfirmations};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::people::domain::Role;
use crate::state::Ctx;
use crate::web::urls;

/// Grants ending within this are "ending soon".
pub const ENDING_SOON: Duration = Duration::days(14);

/// One thing that needs the person, with how many.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Need {
    pub count: i64,
    /// "2 grants of access to confirm".
    pub text: String,
    pub href: String,
    /// Past a deadline, or a safeguarding clock: shown first, in red.
    pub urgent: bool,
}

fn need(count: i64, one: &str, many: &str, href: impl Into<String>) -> Option<Need> {
    (count > 0).then(|| Need {
        count,
        text: if count == 1 {
            one.to_owned()
        } else {
            many.replace("{n}", &count.to_string())
        },
        href: href.into(),
        urgent: false,
    })
}

fn urgent(need: Option<Need>) -> Option<Need> {
    need.map(|n| Need { urgent: true, ..n })
}

/// Everything that needs this person now, most urgent first.
pub fn needs(
    conn: &mut DbConnection,
    ctx: &Ctx,
    me: &CurrentPerson,
) -> Result<Vec<Need>, AppError> {
    let mut found = Vec::new();
    let now = ctx.clock.now();
    if me.role != Role::Chair {
        found.extend(own_needs(conn, ctx, me)?);
    }
    if matches!(me.role, Role::Slt | Role::Headteacher) {
        found.extend(account_needs(conn, ctx)?);
        let failed = crate::mail::store::count_failed(conn)?;
        let (href, one, many) = if me.role == Role::Headteacher {
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
    let reviewing = match me.role {
        Role::Headteacher => Some((Role::Headteacher, Reviewer::Headteacher)),
        Role::Chair => Some((Role::Chair, Reviewer::Chair)),
        _ => None,
    };
    if let Some((role, reviewer)) = reviewing {
        let awaiting: i64 = declarations::table
            .filter(declarations::reviewer_role.eq(role.as_str()))
            .filter(declarations::state.eq("awaiting_review"))
            .filter(declarations::declarant_id.ne(me.id.to_string()))
            .count()
            .get_result(conn)?;
        found.extend(need(
            awaiting,
            "1 declaration awaits your review",
            "{n} declarations await your review",
            urls::DECLARATIONS_REVIEW,
        ));
        // SECURITY: never counts a concern about the reader themselves.
        use crate::concerns::store::count_open;
        let open = count_open(conn, reviewer, me.id, None)?;
        let overdue = count_open(conn, reviewer, me.id, Some(crate::clock::to_row(now)))?;
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
pub fn no_chair(conn: &mut DbConnection, me: &CurrentPerson) -> Result<bool, AppError> {
    if me.role != Role::Headteacher {
        return Ok(false);
    }
    let chairs: i64 = people::table
        .filter(people::active.eq(true))
        .filter(people::role.eq(Role::Chair.as_str()))
        .count()
        .get_result(conn)?;
    Ok(chairs == 0)
}

/// What a member of staff owes: grants to confirm, this year's answer on
/// declarations, and the current policy.
fn own_needs(
    conn: &mut DbConnection,
    ctx: &Ctx,
    me: &CurrentPerson,
) -> Result<Vec<Need>, AppError> {
    let mut found = Vec::new();
    let to_confirm: i64 = grants::table
        .filter(grants::grantee_id.eq(me.id.to_string()))
        .filter(grants::ended_at.is_null())
        .filter(grants::confirmed_at.is_null())
        .count()
        .get_result(conn)?;
    found.extend(need(
        to_confirm,
        "1 grant of access to confirm: use the link in its email, or open it from Official accounts",
        "{n} grants of access to confirm: use the links in their emails",
        urls::ACCOUNTS,
    ));
    let year = crate::declarations::service::current_school_year(ctx);
    let answered: i64 = reconfirmations::table
        .filter(reconfirmations::person_id.eq(me.id.to_string()))
        .filter(reconfirmations::school_year.eq(year))
        .count()
        .get_result(conn)?;
    if answered == 0 {
        found.extend(need(
            1,
            "Confirm your declarations for this school year, or make a nil return",
            "",
            urls::DECLARATIONS,
        ));
    }
    if let Some((version, number)) = crate::policy::store::find_current_ref(conn)? {
        if !crate::policy::store::has_acknowledged(conn, &version, me.id)? {
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
    let seniors: HashSet<String> = people::table
        .filter(people::active.eq(true))
        .filter(people::role.eq_any([Role::Slt.as_str(), Role::Headteacher.as_str()]))
        .select(people::id)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    let mut held: HashMap<String, bool> = HashMap::new();
    for custodian in crate::accounts::store::list_current_custodians(conn, None)? {
        if seniors.contains(&custodian.person_id) {
            held.insert(custodian.account_id, true);
        }
    }
    let password_due = open.iter().filter(|a| a.password_change_due).count() as i64;
    let review_overdue = open.iter().filter(|a| a.review_overdue(now)).count() as i64;
    let unheld = open
        .iter()
        .filter(|a| !held.contains_key(&a.id.to_string()))
        .count() as i64;
    let ending: i64 = grants::table
        .filter(grants::ended_at.is_null())
        .filter(grants::ends_on.is_not_null())
        .filter(grants::ends_on.le(today + ENDING_SOON))
        .count()
        .get_result(conn)?;
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
