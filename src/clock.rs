//! The time, passed in so that tests can move it.

use std::sync::{Arc, Mutex};

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};
use time_tz::{PrimitiveDateTimeExt, Tz};

/// Tells the time in UTC, to the microsecond (what both databases keep, so a
/// stored time reads back exactly as it was hashed).
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> OffsetDateTime;

    /// The time as stored in a row.
    fn now_row(&self) -> PrimitiveDateTime {
        to_row(self.now())
    }
}

pub fn to_row(t: OffsetDateTime) -> PrimitiveDateTime {
    let t = t.to_offset(time::UtcOffset::UTC);
    PrimitiveDateTime::new(t.date(), t.time())
}

pub fn from_row(t: PrimitiveDateTime) -> OffsetDateTime {
    t.assume_utc()
}

/// A date as a date field sends it: "2026-11-24".
pub fn parse_date(raw: &str) -> Option<Date> {
    Date::parse(
        raw.trim(),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()
}

/// When a local date and time at the school happen: the earlier of an hour
/// the clocks go back through, and UTC for one they skip.
pub fn local_instant(date: Date, at: Time, zone: &Tz) -> OffsetDateTime {
    let local = date.with_time(at);
    local
        .assume_timezone(zone)
        .take_first()
        .unwrap_or_else(|| local.assume_utc())
}

/// Midnight at the start of a local date, as rows store it: the start of a
/// filter's "from" day.
pub fn local_midnight_row(date: Date, zone: &Tz) -> PrimitiveDateTime {
    to_row(local_instant(date, Time::MIDNIGHT, zone))
}

fn truncate_to_micros(t: OffsetDateTime) -> OffsetDateTime {
    let nanos = t.nanosecond();
    t.replace_nanosecond(nanos - nanos % 1_000)
        .expect("a nanosecond rounded down stays in range")
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        truncate_to_micros(OffsetDateTime::now_utc())
    }
}

/// A clock that stands still until told to move; for tests.
#[derive(Clone)]
pub struct ManualClock {
    now: Arc<Mutex<OffsetDateTime>>,
}

impl ManualClock {
    pub fn new(start: OffsetDateTime) -> Self {
        Self {
            now: Arc::new(Mutex::new(truncate_to_micros(start))),
        }
    }

    pub fn advance(&self, by: time::Duration) {
        let mut now = self.now.lock().unwrap_or_else(|p| p.into_inner());
        *now += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> OffsetDateTime {
        *self.now.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Reads a `MM-DD` setting, like `09-01`.
pub fn parse_month_day(raw: &str) -> Option<(Month, u8)> {
    let (month, day) = raw.trim().split_once('-')?;
    let month = Month::try_from(month.parse::<u8>().ok()?).ok()?;
    let day: u8 = day.parse().ok()?;
    // Checked against a leap year, so 29 February is allowed.
    Date::from_calendar_date(2024, month, day).ok()?;
    Some((month, day))
}
