//! The governors' report: what the registers recorded over a term (or any
//! dates), as counts. Never a name or a word of what was declared or
//! raised. One query per figure, none in a loop.
//!
//! SECURITY: concerns about the headteacher are counted only in the chair's
//! copy; the head's and SLT's copy leaves them out altogether, so that the
//! head cannot learn of one from a count.

use time::Date;

use super::domain::{percent, Section};
use super::store::{self, Counts, Window};
use crate::clock::local_midnight_row;
use crate::concerns::domain::{About, Outcome};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::state::Ctx;

/// The report for the dates `from` to `until`, both included; the chair's
/// copy (`for_chair`) also counts the concerns about the head.
pub fn figures(
    conn: &mut DbConnection,
    ctx: &Ctx,
    from: Date,
    until: Date,
    for_chair: bool,
) -> Result<Vec<Section>, AppError> {
    let zone = ctx.settings.time_zone;
    let window = Window {
        from,
        until,
        start: local_midnight_row(from, zone),
        end: local_midnight_row(until.next_day().unwrap_or(until), zone),
    };
    let counts = store::report_counts(conn, &window)?;
    let accounts = accounts_section(conn, ctx, &counts)?;
    let moderation =
        crate::moderation::store::counts_by_reason(conn, from, until.next_day().unwrap_or(until))?;
    let year = crate::declarations::domain::school_year(until, ctx.settings.reconfirm_from);
    let answered = store::count_answered(conn, year)?;
    let declarations = declarations_section(&counts, year, answered);
    let mut concerns = concerns_section(&counts);
    if for_chair {
        let about_head = store::count_raised_with_chair(conn, &window)?;
        concerns.add("About the headteacher (the chair's copy only)", about_head);
    }
    let policy = policy_section(conn)?;
    Ok(vec![
        accounts,
        declarations,
        concerns,
        policy,
        moderation_section(&moderation),
    ])
}

fn accounts_section(
    conn: &mut DbConnection,
    ctx: &Ctx,
    counts: &Counts,
) -> Result<Section, AppError> {
    let now = ctx.clock.now();
    let all_accounts = crate::accounts::store::list_accounts(conn)?;
    let open_now = all_accounts.iter().filter(|a| a.is_open()).count();
    let overdue_now = all_accounts
        .iter()
        .filter(|a| a.review_overdue(now))
        .count();
    let ended = &counts.grant_end_kinds;
    let revoked = ended
        .iter()
        .filter(|k| matches!(k.as_deref(), Some("revoked" | "review")))
        .count();
    let mut section = Section::new("Official accounts");
    section.add("Accounts opened", counts.accounts_opened);
    section.add("Accounts closed", counts.accounts_closed);
    section.add("Accounts open now", open_now);
    section.add("Grants of access made", counts.grants_made);
    section.add("Grants revoked", revoked);
    section.add(
        "Grants ended (end date, leaver or account closed)",
        ended.len() - revoked,
    );
    section.add("Access reviews done", counts.access_reviews);
    section.add("Access reviews overdue now", overdue_now);
    section.add("Password changes recorded", counts.password_changes);
    Ok(section)
}

fn declarations_section(counts: &Counts, year: i32, answered: i64) -> Section {
    let mut section = Section::new("Declarations of contact with families");
    section.add("Declarations made", counts.declarations_made);
    for (state, label) in [
        ("awaiting_review", "Awaiting review now"),
        ("returned", "Returned for more detail now"),
        ("acknowledged", "Acknowledged and current now"),
        ("ended", "Ended"),
    ] {
        let n = counts
            .declarations_by_state
            .iter()
            .find(|(s, _)| s == state)
            .map(|(_, n)| *n)
            .unwrap_or(0);
        section.add(label, n);
    }
    section.add(
        format!(
            "Staff who answered the {} reconfirmation",
            crate::declarations::domain::school_year_label(year)
        ),
        percent(answered, counts.staff),
    );
    section
}

/// The concerns raised with the head; never those about the head.
fn concerns_section(counts: &Counts) -> Section {
    let mut section = Section::new("Concerns raised with the headteacher");
    let raised = &counts.raised_with_head;
    section.add("Concerns raised", raised.len());
    for about in About::ALL {
        if *about == About::Headteacher {
            continue;
        }
        let n = raised.iter().filter(|k| *k == about.as_str()).count();
        section.add(format!("About: {}", about.label().to_lowercase()), n);
    }
    let closed = &counts.closed_with_head;
    section.add("Concerns closed", closed.len());
    for outcome in Outcome::ALL {
        let n = closed
            .iter()
            .filter(|(o, _, _)| o.as_deref() == Some(outcome.as_str()))
            .count();
        if n > 0 {
            section.add(format!("Outcome: {}", outcome.label().to_lowercase()), n);
        }
    }
    let mut days: Vec<i64> = closed
        .iter()
        .filter_map(|(_, raised, closed)| closed.map(|c| (c - *raised).whole_days()))
        .collect();
    days.sort_unstable();
    if !days.is_empty() {
        section.add("Days from raised to closed (median)", days[days.len() / 2]);
        section.add("Days from raised to closed (longest)", days[days.len() - 1]);
    }
    section.add("Open now", counts.open_with_head);
    section
}

fn policy_section(conn: &mut DbConnection) -> Result<Section, AppError> {
    let mut section = Section::new("The Social Networking Policy");
    match crate::policy::store::find_current_ref(conn)? {
        Some((version, number)) => {
            let (acknowledged, asked) =
                crate::policy::store::acknowledgement_counts(conn, &version)?;
            section.add("Current version", number);
            section.add(
                "Staff who confirmed they read it and reviewed their profiles",
                percent(acknowledged, asked),
            );
        }
        None => section.add("Current version", "None published"),
    }
    Ok(section)
}

fn moderation_section(moderation: &[(String, i64)]) -> Section {
    let mut section = Section::new("Moderation of the official accounts");
    let total: i64 = moderation.iter().map(|(_, n)| n).sum();
    section.add("Moderation actions", total);
    for reason in crate::moderation::domain::Reason::ALL {
        let n = moderation
            .iter()
            .find(|(r, _)| r == reason.as_str())
            .map(|(_, n)| *n)
            .unwrap_or(0);
        section.add(format!("Reason: {}", reason.label().to_lowercase()), n);
    }
    section
}
