//! A date filter on the audit log as a range of sequence numbers, found by
//! two lookups in the index on time, so that the log's page walks its own
//! primary key backwards from the range's end and stops after one page,
//! instead of sorting every event of a year to show fifty.
//!
//! Events are appended in time order, so the events of some dates are
//! nearly always one run of sequence numbers. Not always: should the
//! server's clock ever step back, or jump ahead for a while, some events
//! carry times out of step with their place in the log. So the timeline
//! knows the line: the longest run of events whose times rise with their
//! sequence numbers. The events on it between two dates are one run, found
//! through the index; the few off it are remembered with their times and
//! looked up by sequence number. Reads keep the exact predicates on time,
//! so a page shows exactly what a scan of the whole log would.

use diesel::dsl::{max, min};
use diesel::prelude::*;
use time::PrimitiveDateTime;

use crate::db::schema::audit_events;
use crate::db::DbConnection;
use crate::error::AppError;

/// Sequence numbers from `first` to `last`, both included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeqRange {
    pub first: i64,
    pub last: i64,
}

/// Where the events stamped within some dates are.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SeqWindow {
    /// Holds every event on the line stamped within the dates (and maybe
    /// others: keep the predicates on time); `None` when none is.
    pub range: Option<SeqRange>,
    /// The events off the line stamped within the dates.
    pub off_line: Vec<i64>,
}

/// What the log's times are known to be, up to one event.
#[derive(Clone, Debug, Default)]
pub struct Timeline {
    /// Every event up to this one has been placed on or off the line.
    scanned: i64,
    /// The time of the line's last event.
    line_end: Option<PrimitiveDateTime>,
    /// The events off the line, by sequence number, with their times.
    off_line: Vec<(i64, PrimitiveDateTime)>,
    /// How many were put off the line one by one since it was last found.
    strays: usize,
}

/// Past this many new events, the line is found again from the index on
/// time (which reads the index alone) rather than by reading each new row;
/// so it is the first time.
const REBUILD_AFTER: i64 = 20_000;

/// Past this many events put off the line one by one, it is found again:
/// after one event stamped far ahead, every later one would fall off it.
const REBUILD_AFTER_STRAYS: usize = 64;

/// How many events' times are asked for at once (bound parameters).
const CHUNK: usize = 500;

/// Past this many events off the line within a filter's dates, they are
/// taken in by widening the range rather than listed one by one.
const MAX_LISTED: usize = 500;

impl Timeline {
    /// Places the events appended since the last call. The log is
    /// append-only, so what was learnt of earlier events stays true; this
    /// costs one indexed lookup when nothing was appended. Appenders
    /// serialise on the chain's head, so every event up to the newest one
    /// visible has committed.
    pub fn refresh(&mut self, conn: &mut DbConnection) -> Result<(), AppError> {
        let newest: i64 = audit_events::table
            .select(max(audit_events::seq))
            .get_result::<Option<i64>>(conn)?
            .unwrap_or(0);
        if newest <= self.scanned {
            return Ok(());
        }
        if self.scanned == 0
            || newest - self.scanned > REBUILD_AFTER
            || self.strays > REBUILD_AFTER_STRAYS
        {
            *self = Self::build(conn, newest)?;
            return Ok(());
        }
        let rows: Vec<(i64, PrimitiveDateTime)> = audit_events::table
            .filter(audit_events::seq.gt(self.scanned))
            .filter(audit_events::seq.le(newest))
            .order(audit_events::seq.asc())
            .select((audit_events::seq, audit_events::occurred_at))
            .load(conn)?;
        for (seq, at) in rows {
            match self.line_end {
                Some(end) if at < end => {
                    self.off_line.push((seq, at));
                    self.strays += 1;
                }
                _ => self.line_end = Some(at),
            }
        }
        self.scanned = newest;
        Ok(())
    }

    /// Finds the line among every event up to `newest`, from the index on
    /// time alone.
    fn build(conn: &mut DbConnection, newest: i64) -> Result<Self, AppError> {
        // No bound on `seq` in the query, so that it stays in the index;
        // events appended since `newest` was read are passed over.
        let mut in_time_order = Vec::new();
        for seq in audit_events::table
            .order((audit_events::occurred_at.asc(), audit_events::seq.asc()))
            .select(audit_events::seq)
            .load_iter::<i64, diesel::connection::DefaultLoadingMode>(conn)?
        {
            let seq = seq?;
            if seq <= newest {
                in_time_order.push(seq);
            }
        }
        let on_line = longest_rising(&in_time_order);
        let line_end = in_time_order
            .iter()
            .zip(&on_line)
            .filter(|(_, on)| **on)
            .map(|(seq, _)| *seq)
            .max();
        let mut off: Vec<i64> = in_time_order
            .iter()
            .zip(&on_line)
            .filter(|(_, on)| !**on)
            .map(|(seq, _)| *seq)
            .collect();
        off.sort_unstable();
        let mut off_line = Vec::with_capacity(off.len());
        for chunk in off.chunks(CHUNK) {
            let mut times: Vec<(i64, PrimitiveDateTime)> = audit_events::table
                .filter(audit_events::seq.eq_any(chunk))
                .select((audit_events::seq, audit_events::occurred_at))
                .load(conn)?;
            times.sort_unstable_by_key(|(seq, _)| *seq);
            off_line.extend(times);
        }
        let line_end = match line_end {
            Some(seq) => Some(
                audit_events::table
                    .find(seq)
                    .select(audit_events::occurred_at)
                    .get_result(conn)?,
            ),
            None => None,
        };
        Ok(Self {
            scanned: newest,
            line_end,
            off_line,
            strays: 0,
        })
    }

    fn is_off_line(&self, seq: i64) -> bool {
        self.off_line
            .binary_search_by_key(&seq, |(s, _)| *s)
            .is_ok()
    }

    /// Where the events, up to the last one placed, stamped at or after
    /// `from` and before `until` are.
    pub fn window(
        &self,
        conn: &mut DbConnection,
        from: Option<PrimitiveDateTime>,
        until: Option<PrimitiveDateTime>,
    ) -> Result<SeqWindow, AppError> {
        let within = |at: &PrimitiveDateTime| {
            from.is_none_or(|from| *at >= from) && until.is_none_or(|until| *at < until)
        };
        let mut off_line: Vec<i64> = self
            .off_line
            .iter()
            .filter(|(_, at)| within(at))
            .map(|(seq, _)| *seq)
            .collect();
        let first = match from {
            Some(from) => self.first_on_line_from(conn, from)?,
            None => Some(1),
        };
        let last = match until {
            Some(until) => self.last_on_line_before(conn, until)?,
            None => Some(self.scanned),
        };
        let mut range = match (first, last) {
            (Some(first), Some(last)) if first <= last => Some(SeqRange { first, last }),
            _ => None,
        };
        if off_line.len() > MAX_LISTED {
            // A clock wrong for long: one wider range rather than a long list.
            let (low, high) = (off_line[0], off_line[off_line.len() - 1]);
            range = Some(match range {
                Some(r) => SeqRange {
                    first: r.first.min(low),
                    last: r.last.max(high),
                },
                None => SeqRange {
                    first: low,
                    last: high,
                },
            });
            off_line.clear();
        }
        Ok(SeqWindow { range, off_line })
    }

    /// The first event on the line stamped at or after `from`: the first
    /// in the index's order (time, then sequence number) that is on it.
    /// Events on the line rise in time with their sequence numbers, so
    /// none stamped at or after `from` comes before it.
    fn first_on_line_from(
        &self,
        conn: &mut DbConnection,
        from: PrimitiveDateTime,
    ) -> Result<Option<i64>, AppError> {
        let inner = diesel::alias!(audit_events as earliest);
        let earliest_time = inner
            .filter(inner.field(audit_events::occurred_at).ge(from))
            .filter(inner.field(audit_events::seq).le(self.scanned))
            .select(min(inner.field(audit_events::occurred_at)))
            .single_value();
        let first: Option<i64> = audit_events::table
            .filter(audit_events::occurred_at.nullable().eq(earliest_time))
            .filter(audit_events::seq.le(self.scanned))
            .select(min(audit_events::seq))
            .get_result(conn)?;
        match first {
            Some(seq) if self.is_off_line(seq) => {
                // One of the first events off the line there are at or
                // after `from`, and one more, is on it, if any is.
                let off = self.off_line.iter().filter(|(_, at)| *at >= from).count();
                let seqs: Vec<i64> = audit_events::table
                    .filter(audit_events::occurred_at.ge(from))
                    .filter(audit_events::seq.le(self.scanned))
                    .order((audit_events::occurred_at.asc(), audit_events::seq.asc()))
                    .select(audit_events::seq)
                    .limit(off as i64 + 1)
                    .load(conn)?;
                Ok(seqs.into_iter().find(|seq| !self.is_off_line(*seq)))
            }
            first => Ok(first),
        }
    }

    /// The last event on the line stamped before `until`, the same way.
    fn last_on_line_before(
        &self,
        conn: &mut DbConnection,
        until: PrimitiveDateTime,
    ) -> Result<Option<i64>, AppError> {
        let inner = diesel::alias!(audit_events as latest);
        let latest_time = inner
            .filter(inner.field(audit_events::occurred_at).lt(until))
            .filter(inner.field(audit_events::seq).le(self.scanned))
            .select(max(inner.field(audit_events::occurred_at)))
            .single_value();
        let last: Option<i64> = audit_events::table
            .filter(audit_events::occurred_at.nullable().eq(latest_time))
            .filter(audit_events::seq.le(self.scanned))
            .select(max(audit_events::seq))
            .get_result(conn)?;
        match last {
            Some(seq) if self.is_off_line(seq) => {
                let off = self.off_line.iter().filter(|(_, at)| *at < until).count();
                let seqs: Vec<i64> = audit_events::table
                    .filter(audit_events::occurred_at.lt(until))
                    .filter(audit_events::seq.le(self.scanned))
                    .order((audit_events::occurred_at.desc(), audit_events::seq.desc()))
                    .select(audit_events::seq)
                    .limit(off as i64 + 1)
                    .load(conn)?;
                Ok(seqs.into_iter().find(|seq| !self.is_off_line(*seq)))
            }
            last => Ok(last),
        }
    }
}

/// Which of `seqs` (sequence numbers in time order) make up a longest run
/// that rises: the events whose order in time and in the log agree. Patience
/// sorting, remembering each event's predecessor.
fn longest_rising(seqs: &[i64]) -> Vec<bool> {
    // `tails[n]`: where the run of length n + 1 with the lowest last
    // sequence number so far ends.
    let mut tails: Vec<usize> = Vec::new();
    let mut before: Vec<Option<usize>> = vec![None; seqs.len()];
    for (at, seq) in seqs.iter().enumerate() {
        let len = tails.partition_point(|&t| seqs[t] < *seq);
        before[at] = len.checked_sub(1).map(|n| tails[n]);
        match tails.get_mut(len) {
            Some(tail) => *tail = at,
            None => tails.push(at),
        }
    }
    let mut on = vec![false; seqs.len()];
    let mut at = tails.last().copied();
    while let Some(i) = at {
        on[i] = true;
        at = before[i];
    }
    on
}

#[cfg(test)]
mod tests {
    use super::longest_rising;

    fn off(seqs: &[i64]) -> Vec<i64> {
        seqs.iter()
            .zip(longest_rising(seqs))
            .filter(|(_, on)| !on)
            .map(|(seq, _)| *seq)
            .collect()
    }

    #[test]
    fn in_order_every_event_is_on_the_line() {
        assert!(off(&[1, 2, 3, 4]).is_empty());
        assert!(off(&[]).is_empty());
    }

    #[test]
    fn one_event_stamped_far_ahead_is_the_only_one_off_it() {
        // Event 1 stamped in the future: last in time order.
        assert_eq!(off(&[2, 3, 4, 5, 1]), [1]);
    }

    #[test]
    fn a_clock_that_stepped_back_puts_only_the_events_stamped_back_off_it() {
        // Events 4 and 5 were stamped before 3.
        assert_eq!(off(&[1, 2, 4, 5, 3, 6]), [3]);
        // Two steps back: two events off it, whichever two.
        assert_eq!(off(&[1, 4, 2, 5, 3, 6]).len(), 2);
    }
}
