//! Times as people read them: in the school's time zone.

use time::OffsetDateTime;
use time_tz::{OffsetDateTimeExt, Tz};

/// "24 Nov 2026, 14:05".
pub fn date_time(t: OffsetDateTime, zone: &Tz) -> String {
    let local = t.to_timezone(zone);
    let format = time::macros::format_description!(
        "[day padding:none] [month repr:short] [year], [hour]:[minute]"
    );
    local.format(&format).unwrap_or_default()
}

/// Today's date at the school.
pub fn local_date(t: OffsetDateTime, zone: &Tz) -> time::Date {
    t.to_timezone(zone).date()
}

/// "24 Nov 2026", for a calendar date.
pub fn calendar_date(d: time::Date) -> String {
    let format = time::macros::format_description!("[day padding:none] [month repr:short] [year]");
    d.format(&format).unwrap_or_default()
}

/// "24 Nov 2026".
pub fn date(t: OffsetDateTime, zone: &Tz) -> String {
    let local = t.to_timezone(zone);
    let format = time::macros::format_description!("[day padding:none] [month repr:short] [year]");
    local.format(&format).unwrap_or_default()
}

/// How long something has waited: "Since today", "1 day", "3 days".
pub fn waited(since: OffsetDateTime, now: OffsetDateTime) -> String {
    match (now - since).whole_days() {
        0 => "Since today".into(),
        1 => "1 day".into(),
        n => format!("{n} days"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn summer_and_winter_times_in_london() {
        let london = time_tz::timezones::db::europe::LONDON;
        assert_eq!(
            date_time(datetime!(2026-07-01 12:00 UTC), london),
            "1 Jul 2026, 13:00"
        );
        assert_eq!(
            date_time(datetime!(2026-12-01 12:00 UTC), london),
            "1 Dec 2026, 12:00"
        );
    }
}
