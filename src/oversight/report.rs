//! The governors' report: what the registers recorded over a term (or any
//! dates), as counts. Never a name or a word of what was declared or
//! raised. One query per figure, none in a loop.
//!
//! SECURITY: concerns about the headteacher are counted only in the chair's
//! copy; the head's and SLT's copy leaves them out altogether, so that the
//! head cannot learn of one from a count.

use crate::clock::local_midnight_row;
use diesel::dsl::count_star;
use diesel::prelude::*;
use time::{Date, Month, PrimitiveDateTime};

use crate::concerns::domain::{About, Outcome, Reviewer};
use crate::db::schema::{
    access_reviews, accounts, concern_cases, concerns, declarations, grants, password_changes,
    people, reconfirmations,
};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::people::domain::Role;
use crate::state::Ctx;
use crate::web::format;

/// A term of the school year.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Term {
    /// The calendar year the term falls in.
    pub year: i32,
    pub season: Season,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Season {
    Autumn,
    Spring,
    Summer,
}

impl Term {
    /// Autumn 1 Sep – 31 Dec, spring 1 Jan – 31 Mar, summer 1 Apr – 31 Aug:
    /// the three terms by calendar, whatever the school's own dates.
    pub fn containing(date: Date) -> Self {
        let season = match date.month() {
            Month::September | Month::October | Month::November | Month::December => Season::Autumn,
            Month::January | Month::February | Month::March => Season::Spring,
            _ => Season::Summer,
        };
        Term {
            year: date.year(),
            season,
        }
    }

    pub fn dates(self) -> (Date, Date) {
        let d = |m, day| Date::from_calendar_date(self.year, m, day).expect("a real date");
        match self.season {
            Season::Autumn => (d(Month::September, 1), d(Month::December, 31)),
            Season::Spring => (d(Month::January, 1), d(Month::March, 31)),
            Season::Summer => (d(Month::April, 1), d(Month::August, 31)),
        }
    }

    pub fn previous(self) -> Self {
        match self.season {
            Season::Autumn => Term {
                year: self.year,
                season: Season::Summer,
            },
            Season::Summer => Term {
                year: self.year,
                season: Season::Spring,
            },
            Season::Spring => Term {
                year: self.year - 1,
                season: Season::Autumn,
            },
        }
    }

    /// "2026-autumn", for the address.
    pub fn code(self) -> String {
        format!("{}-{}", self.year, self.season_code())
    }

    fn season_code(self) -> &'static str {
        match self.season {
            Season::Autumn => "autumn",
            Season::Spring => "spring",
            Season::Summer => "summer",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        let (year, season) = raw.split_once('-')?;
        let year = year.parse().ok().filter(|y| (2000..=2100).contains(y))?;
        let season = match season {
            "autumn" => Season::Autumn,
            "spring" => Season::Spring,
            "summer" => Season::Summer,
            _ => return None,
        };
        Some(Term { year, season })
    }

    /// "Autumn term 2026".
    pub fn label(self) -> String {
        let season = match self.season {
            Season::Autumn => "Autumn",
            Season::Spring => "Spring",
            Season::Summer => "Summer",
        };
        format!("{season} term {}", self.year)
    }
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    pub label: String,
    pub value: String,
}

/// A part of the report: a heading and its figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub title: &'static str,
    pub figures: Vec<Figure>,
}

impl Section {
    fn new(title: &'static str) -> Self {
        Self {
            title,
            figures: Vec::new(),
        }
    }

    fn add(&mut self, label: impl Into<String>, value: impl ToString) {
        self.figures.push(Figure {
            label: label.into(),
            value: value.to_string(),
        });
    }

    /// The value of a figure by its label, for tests.
    pub fn value(&self, label: &str) -> Option<&str> {
        self.figures
            .iter()
            .find(|f| f.label == label)
            .map(|f| f.value.as_str())
    }
}

/// "42% (3 of 7)", rounded down as the policy's own page shows it, so
/// that 100% means everyone.
fn percent(part: i64, whole: i64) -> String {
    match crate::policy::domain::percentage(part, whole) {
        Some(share) => format!("{share}% ({part} of {whole})"),
        None => "—".into(),
    }
}

/// The report for the dates `from` to `until`, both included.
pub fn figures(
    conn: &mut DbConnection,
    ctx: &Ctx,
    from: Date,
    until: Date,
    for_chair: bool,
) -> Result<Vec<Section>, AppError> {
    let zone = ctx.settings.time_zone;
    let start = local_midnight_row(from, zone);
    let end = local_midnight_row(until.next_day().unwrap_or(until), zone);
    let now = ctx.clock.now();

    let mut accounts_section = Section::new("Official accounts");
    let opened: i64 = accounts::table
        .filter(accounts::opened_on.between(from, until))
        .count()
        .get_result(conn)?;
    let closed: i64 = accounts::table
        .filter(accounts::closed_at.ge(start))
        .filter(accounts::closed_at.lt(end))
        .count()
        .get_result(conn)?;
    let all_accounts = crate::accounts::store::list_accounts(conn)?;
    let open_now = all_accounts.iter().filter(|a| a.is_open()).count();
    let overdue_now = all_accounts
        .iter()
        .filter(|a| a.review_overdue(now))
        .count();
    accounts_section.add("Accounts opened", opened);
    accounts_section.add("Accounts closed", closed);
    accounts_section.add("Accounts open now", open_now);
    let made: i64 = grants::table
        .filter(grants::granted_at.ge(start))
        .filter(grants::granted_at.lt(end))
        .count()
        .get_result(conn)?;
    let ended: Vec<Option<String>> = grants::table
        .filter(grants::ended_at.ge(start))
        .filter(grants::ended_at.lt(end))
        .select(grants::end_kind)
        .load(conn)?;
    let revoked = ended
        .iter()
        .filter(|k| matches!(k.as_deref(), Some("revoked" | "review")))
        .count();
    accounts_section.add("Grants of access made", made);
    accounts_section.add("Grants revoked", revoked);
    accounts_section.add(
        "Grants ended (end date, leaver or account closed)",
        ended.len() - revoked,
    );
    let reviews: i64 = access_reviews::table
        .filter(access_reviews::reviewed_at.ge(start))
        .filter(access_reviews::reviewed_at.lt(end))
        .count()
        .get_result(conn)?;
    accounts_section.add("Access reviews done", reviews);
    accounts_section.add("Access reviews overdue now", overdue_now);
    let changes: i64 = password_changes::table
        .filter(password_changes::changed_on.between(from, until))
        .count()
        .get_result(conn)?;
    accounts_section.add("Password changes recorded", changes);
    let moderation =
        crate::moderation::store::counts_by_reason(conn, from, until.next_day().unwrap_or(until))?;

    let mut declarations_section = Section::new("Declarations of contact with families");
    let declared: i64 = declarations::table
        .filter(declarations::created_at.ge(start))
        .filter(declarations::created_at.lt(end))
        .count()
        .get_result(conn)?;
    declarations_section.add("Declarations made", declared);
    let by_state: Vec<(String, i64)> = declarations::table
        .group_by(declarations::state)
        .select((declarations::state, count_star()))
        .load(conn)?;
    for (state, label) in [
        ("awaiting_review", "Awaiting review now"),
        ("returned", "Returned for more detail now"),
        ("acknowledged", "Acknowledged and current now"),
        ("ended", "Ended"),
    ] {
        let n = by_state
            .iter()
            .find(|(s, _)| s == state)
            .map(|(_, n)| *n)
            .unwrap_or(0);
        declarations_section.add(label, n);
    }
    let staff: i64 = people::table
        .filter(people::active.eq(true))
        .filter(people::role.ne(Role::Chair.as_str()))
        .count()
        .get_result(conn)?;
    let year = crate::declarations::domain::school_year(until, ctx.settings.reconfirm_from);
    let answered: i64 = reconfirmations::table
        .inner_join(people::table.on(people::id.eq(reconfirmations::person_id)))
        .filter(reconfirmations::school_year.eq(year))
        .filter(people::active.eq(true))
        .filter(people::role.ne(Role::Chair.as_str()))
        .select(diesel::dsl::count(reconfirmations::person_id).aggregate_distinct())
        .get_result(conn)?;
    declarations_section.add(
        format!(
            "Staff who answered the {} reconfirmation",
            crate::declarations::domain::school_year_label(year)
        ),
        percent(answered, staff),
    );

    let mut concerns_section = Section::new("Concerns raised with the headteacher");
    let raised: Vec<(String, String, PrimitiveDateTime)> = concerns::table
        .filter(concerns::reviewer_role.eq(Reviewer::Headteacher.as_str()))
        .filter(concerns::raised_at.ge(start))
        .filter(concerns::raised_at.lt(end))
        .select((concerns::id, concerns::about_kind, concerns::raised_at))
        .load(conn)?;
    concerns_section.add("Concerns raised", raised.len());
    for about in About::ALL {
        if *about == About::Headteacher {
            continue;
        }
        let n = raised
            .iter()
            .filter(|(_, k, _)| k == about.as_str())
            .count();
        concerns_section.add(format!("About: {}", about.label().to_lowercase()), n);
    }
    let closed_rows: Vec<(Option<String>, PrimitiveDateTime, Option<PrimitiveDateTime>)> =
        concern_cases::table
            .filter(concern_cases::reviewer_role.eq(Reviewer::Headteacher.as_str()))
            .filter(concern_cases::closed_at.ge(start))
            .filter(concern_cases::closed_at.lt(end))
            .select((
                concern_cases::outcome,
                concern_cases::raised_at,
                concern_cases::closed_at,
            ))
            .load(conn)?;
    concerns_section.add("Concerns closed", closed_rows.len());
    for outcome in Outcome::ALL {
        let n = closed_rows
            .iter()
            .filter(|(o, _, _)| o.as_deref() == Some(outcome.as_str()))
            .count();
        if n > 0 {
            concerns_section.add(format!("Outcome: {}", outcome.label().to_lowercase()), n);
        }
    }
    let mut days: Vec<i64> = closed_rows
        .iter()
        .filter_map(|(_, raised, closed)| closed.map(|c| (c - *raised).whole_days()))
        .collect();
    days.sort_unstable();
    if !days.is_empty() {
        concerns_section.add("Days from raised to closed (median)", days[days.len() / 2]);
        concerns_section.add("Days from raised to closed (longest)", days[days.len() - 1]);
    }
    let open: i64 = concern_cases::table
        .filter(concern_cases::reviewer_role.eq(Reviewer::Headteacher.as_str()))
        .filter(concern_cases::status.eq_any(["open", "under_review"]))
        .count()
        .get_result(conn)?;
    concerns_section.add("Open now", open);
    if for_chair {
        let about_head: i64 = concerns::table
            // SECURITY: only the chair's own channel; a concern sent to the
            // LADO implicates the chair, who must not learn it exists.
            .filter(concerns::reviewer_role.eq(Reviewer::Chair.as_str()))
            .filter(concerns::raised_at.ge(start))
            .filter(concerns::raised_at.lt(end))
            .count()
            .get_result(conn)?;
        concerns_section.add("About the headteacher (the chair's copy only)", about_head);
    }

    let mut policy_section = Section::new("The Social Networking Policy");
    match crate::policy::store::find_current_ref(conn)? {
        Some((version, number)) => {
            let (acknowledged, asked) =
                crate::policy::store::acknowledgement_counts(conn, &version)?;
            policy_section.add("Current version", number);
            policy_section.add(
                "Staff who confirmed they read it and reviewed their profiles",
                percent(acknowledged, asked),
            );
        }
        None => policy_section.add("Current version", "None published"),
    }

    let moderation_section = moderation_section(&moderation);
    Ok(vec![
        accounts_section,
        declarations_section,
        concerns_section,
        policy_section,
        moderation_section,
    ])
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

/// "1 Sep 2026 to 31 Dec 2026".
pub fn period_label(from: Date, until: Date) -> String {
    format!(
        "{} to {}",
        format::calendar_date(from),
        format::calendar_date(until)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn terms_follow_the_calendar_and_step_back() {
        let term = Term::containing(date!(2026 - 11 - 24));
        assert_eq!(term.label(), "Autumn term 2026");
        assert_eq!(term.dates(), (date!(2026 - 09 - 01), date!(2026 - 12 - 31)));
        assert_eq!(term.previous().label(), "Summer term 2026");
        assert_eq!(
            term.previous().previous().previous().label(),
            "Autumn term 2025"
        );
        assert_eq!(Term::parse(&term.code()), Some(term));
        assert_eq!(Term::parse("2026-winter"), None);
    }

    #[test]
    fn shares_round_down_as_the_policy_page_does_and_never_divide_by_nothing() {
        assert_eq!(percent(2, 3), "66% (2 of 3)");
        assert_eq!(percent(199, 200), "99% (199 of 200)");
        assert_eq!(percent(0, 0), "—");
    }
}
