//! The oversight register's values, without I/O: the governors' report's
//! terms, periods and figures, and what needs a person on their home page.

use time::{Date, Duration, Month};

use crate::error::FormErrors;
use crate::web::format;

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

/// A need of `count` things: `one`, or `many` with `{n}` for the count;
/// none when there are none.
pub fn need(count: i64, one: &str, many: &str, href: impl Into<String>) -> Option<Need> {
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

/// The need made urgent.
pub fn urgent(need: Option<Need>) -> Option<Need> {
    need.map(|n| Need { urgent: true, ..n })
}

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
    pub fn new(title: &'static str) -> Self {
        Self {
            title,
            figures: Vec::new(),
        }
    }

    pub fn add(&mut self, label: impl Into<String>, value: impl ToString) {
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

/// The period a report covers, as asked: a term, or any dates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Period {
    /// "Autumn term 2026" or "1 Oct 2026 to 31 Oct 2026".
    pub title: String,
    pub from: Date,
    pub until: Date,
    /// The term, when the period is one.
    pub term: Option<Term>,
}

impl Period {
    /// The period asked for: dates if both are given and valid, else a
    /// term (the one containing `today` by default), with any errors in
    /// the dates.
    pub fn parse(term: &str, from: &str, until: &str, today: Date) -> (Self, FormErrors) {
        let mut errors = FormErrors::new();
        if !from.is_empty() || !until.is_empty() {
            let from = crate::clock::parse_date(from);
            let until = crate::clock::parse_date(until);
            if from.is_none() {
                errors.add("from", "Enter the first day, like 2026-09-01");
            }
            if until.is_none() {
                errors.add("until", "Enter the last day, like 2026-12-31");
            }
            if let (Some(from), Some(until)) = (from, until) {
                if until < from {
                    errors.add("until", "The last day must be on or after the first");
                } else {
                    let title = period_label(from, until);
                    return (
                        Self {
                            title,
                            from,
                            until,
                            term: None,
                        },
                        errors,
                    );
                }
            }
        }
        let term = Term::parse(term).unwrap_or_else(|| Term::containing(today));
        let (from, until) = term.dates();
        let period = Self {
            title: term.label(),
            from,
            until,
            term: Some(term),
        };
        (period, errors)
    }
}

/// "1 Sep 2026 to 31 Dec 2026".
pub fn period_label(from: Date, until: Date) -> String {
    format!(
        "{} to {}",
        format::calendar_date(from),
        format::calendar_date(until)
    )
}

/// "42% (3 of 7)", rounded down as the policy's own page shows it, so
/// that 100% means everyone.
pub fn percent(part: i64, whole: i64) -> String {
    match crate::policy::domain::percentage(part, whole) {
        Some(share) => format!("{share}% ({part} of {whole})"),
        None => "—".into(),
    }
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
