//! A date filter on the audit log as a range of sequence numbers: found by
//! two lookups in the index on time, so that the log's page walks its own
//! primary key backwards from the range's end and stops after one page,
//! instead of sorting every event in a year to show fifty.
//!
//! Events are appended in time order, so the events of a date range are
//! nearly always one run of sequence numbers. Not always: should the
//! server's clock ever step back, an event can carry an earlier time than
//! one appended before it. Those events, and only those, can lie outside
//! the run the index finds, so the timeline remembers them and widens the
//! range to take them in; the page keeps the exact predicates on time, so
//! what it shows is exactly what a scan of the whole log would show.

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

/// What the log's times are known to be, up to one event.
#[derive(Clone, Debug, Default)]
pub struct Timeline {
    /// Every event up to this one has been looked at.
    scanned: i64,
    /// The latest time among them.
    latest: Option<PrimitiveDateTime>,
    /// Among them, those stamped earlier than an event appended before
    /// them (the clock stepped back), by sequence number.
    stepped_back: Vec<(i64, PrimitiveDateTime)>,
}

/// Past this many new events, the timeline is built again from the index on
/// time (which reads only the index) rather than by reading each new row;
/// so is the first one.
const REBUILD_AFTER: i64 = 20_000;

/// How many events' times are asked for at once (bound parameters).
const CHUNK: usize = 500;

impl Timeline {
    /// Looks at the events appended since the last call. The log is
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
        if self.scanned == 0 || newest - self.scanned > REBUILD_AFTER {
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
            match self.latest {
                Some(latest) if at < latest => self.stepped_back.push((seq, at)),
                _ => self.latest = Some(at),
            }
        }
        self.scanned = newest;
        Ok(())
    }

    /// Every event up to `newest`, from the index on time alone, newest
    /// time first: an event was stamped earlier than one appended before
    /// it exactly when some event later in time has a smaller sequence
    /// number.
    fn build(conn: &mut DbConnection, newest: i64) -> Result<Self, AppError> {
        let mut smallest_later = i64::MAX;
        let mut stepped_back = Vec::new();
        // No bound on `seq` here: the walk stays in the index; events
        // appended since `newest` was read are passed over.
        let walk = audit_events::table
            .order((audit_events::occurred_at.desc(), audit_events::seq.desc()))
            .select(audit_events::seq)
            .load_iter::<i64, diesel::connection::DefaultLoadingMode>(conn)?;
        for seq in walk {
            let seq = seq?;
            if seq > newest {
                continue;
            }
            if seq > smallest_later {
                stepped_back.push(seq);
            } else {
                smallest_later = seq;
            }
        }
        stepped_back.sort_unstable();
        let mut timeline = Self {
            scanned: newest,
            latest: audit_events::table
                .filter(audit_events::seq.le(newest))
                .select(max(audit_events::occurred_at))
                .get_result(conn)?,
            stepped_back: Vec::with_capacity(stepped_back.len()),
        };
        for chunk in stepped_back.chunks(CHUNK) {
            let mut times: Vec<(i64, PrimitiveDateTime)> = audit_events::table
                .filter(audit_events::seq.eq_any(chunk))
                .select((audit_events::seq, audit_events::occurred_at))
                .load(conn)?;
            times.sort_unstable_by_key(|(seq, _)| *seq);
            timeline.stepped_back.extend(times);
        }
        Ok(timeline)
    }

    fn stepped_back(&self, seq: i64) -> bool {
        self.stepped_back
            .binary_search_by_key(&seq, |(s, _)| *s)
            .is_ok()
    }

    /// The sequence numbers that hold every event, up to the last one
    /// looked at, stamped at or after `from` and before `until`; `None`
    /// when no event is. The range may hold other events too (stamped
    /// outside the dates after the clock stepped back): the reader keeps
    /// its predicates on time.
    pub fn range(
        &self,
        conn: &mut DbConnection,
        from: Option<PrimitiveDateTime>,
        until: Option<PrimitiveDateTime>,
    ) -> Result<Option<SeqRange>, AppError> {
        let newest = self.scanned;
        let mut last = newest;
        if let Some(until) = until {
            // The last event before `until` in the index's order (time,
            // then sequence number). An event after it in sequence but
            // before `until` in time is stamped earlier than it: a step back.
            let inner = diesel::alias!(audit_events as latest);
            let latest_time = inner
                .filter(inner.field(audit_events::occurred_at).lt(until))
                .filter(inner.field(audit_events::seq).le(newest))
                .select(max(inner.field(audit_events::occurred_at)))
                .single_value();
            let at_latest_time: Option<i64> = audit_events::table
                .filter(audit_events::occurred_at.nullable().eq(latest_time))
                .filter(audit_events::seq.le(newest))
                .select(max(audit_events::seq))
                .get_result(conn)?;
            let stepped_back = self
                .stepped_back
                .iter()
                .filter(|(_, at)| *at < until)
                .map(|(seq, _)| *seq)
                .max();
            match at_latest_time.max(stepped_back) {
                Some(seq) => last = seq,
                None => return Ok(None),
            }
        }
        let mut first = 1;
        if let Some(from) = from {
            // The first event at or after `from` in sequence is never a
            // step back (every event before it is earlier than `from`), and
            // the events that are not steps back run in time order: it is
            // the first of those in the index's order.
            let inner = diesel::alias!(audit_events as earliest);
            let earliest_time = inner
                .filter(inner.field(audit_events::occurred_at).ge(from))
                .filter(inner.field(audit_events::seq).le(newest))
                .select(min(inner.field(audit_events::occurred_at)))
                .single_value();
            let at_earliest_time: Option<i64> = audit_events::table
                .filter(audit_events::occurred_at.nullable().eq(earliest_time))
                .filter(audit_events::seq.le(newest))
                .select(min(audit_events::seq))
                .get_result(conn)?;
            first = match at_earliest_time {
                None => return Ok(None),
                Some(seq) if !self.stepped_back(seq) => seq,
                Some(_) => self.first_in_order_from(conn, from)?,
            };
        }
        Ok((first <= last).then_some(SeqRange { first, last }))
    }

    /// The first event at or after `from`, in the index's order, that is
    /// not a step back: found among as many events as there are steps back
    /// at or after `from`, and one more.
    fn first_in_order_from(
        &self,
        conn: &mut DbConnection,
        from: PrimitiveDateTime,
    ) -> Result<i64, AppError> {
        let steps = self
            .stepped_back
            .iter()
            .filter(|(_, at)| *at >= from)
            .count();
        let seqs: Vec<i64> = audit_events::table
            .filter(audit_events::occurred_at.ge(from))
            .filter(audit_events::seq.le(self.scanned))
            .order((audit_events::occurred_at.asc(), audit_events::seq.asc()))
            .select(audit_events::seq)
            .limit(steps as i64 + 1)
            .load(conn)?;
        // One of them is not a step back; were none, the whole log is safe.
        Ok(seqs
            .into_iter()
            .find(|seq| !self.stepped_back(*seq))
            .unwrap_or(1))
    }
}
