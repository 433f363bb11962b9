//! An email that asks someone to do something, then reminds them twice:
//! which of the three is due now. Shared by the yearly reconfirmation of
//! declarations and the acknowledgement of the policy.

use time::{Duration, OffsetDateTime};

/// The ask (0), the first reminder (1) or the second (2), if one is due.
/// `asked` is when they were asked and whether each reminder went, or
/// `None` when they have not been asked; `after` is how long after the ask
/// each reminder goes.
pub fn due(
    asked: Option<(OffsetDateTime, bool, bool)>,
    now: OffsetDateTime,
    after: [Duration; 2],
) -> Option<u8> {
    match asked {
        None => Some(0),
        Some((at, false, _)) if now - at >= after[0] => Some(1),
        Some((at, true, false)) if now - at >= after[1] => Some(2),
        _ => None,
    }
}
