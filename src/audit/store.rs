//! Queries on the audit log. No HTTP here.

use diesel::dsl::max;
use diesel::expression::{AppearsOnTable, Expression};
use diesel::prelude::*;
use diesel::query_builder::{AstPass, QueryFragment};
use time::PrimitiveDateTime;

use super::domain::{Action, HEAD_CONCERN, HIDDEN_FROM_HEAD, LADO_CONCERN};
use super::timeline::{SeqRange, SeqWindow};
use crate::db::schema::{audit_events, audit_head, audit_verifications};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::people::domain::Role;
use crate::people::store as people_store;

type Db = <DbConnection as Connection>::Backend;

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = audit_events)]
pub struct EventRow {
    pub seq: i64,
    pub id: String,
    pub occurred_at: PrimitiveDateTime,
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub action: String,
    pub subject_type: String,
    pub subject_id: String,
    pub summary: String,
    pub data: String,
    pub prev_hash: String,
    pub hash: String,
}

/// An event as the log's page shows it: what the full row has but its
/// data and the chain's hashes.
#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = audit_events)]
pub struct EventLine {
    pub seq: i64,
    pub id: String,
    pub occurred_at: PrimitiveDateTime,
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub action: String,
    pub subject_type: String,
    pub subject_id: String,
    pub summary: String,
}

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = audit_verifications)]
pub struct VerificationRow {
    pub id: String,
    pub verified_at: PrimitiveDateTime,
    pub events_checked: i64,
    pub ok: bool,
    pub detail: String,
}

/// Takes the next sequence number and the hash it follows, in one
/// statement. The UPDATE takes the row lock: a concurrent appender (another
/// request, another instance on PostgreSQL) waits here until this
/// transaction ends.
pub fn claim_next_seq(conn: &mut DbConnection) -> Result<(i64, String), AppError> {
    Ok(diesel::update(audit_head::table.find(1))
        .set(audit_head::last_seq.eq(audit_head::last_seq + 1))
        .returning((audit_head::last_seq, audit_head::last_hash))
        .get_result(conn)?)
}

/// Writes the event and moves the head to its hash. The columns are listed
/// rather than taken from `EventRow`'s derive: there the optional actor
/// would make the statement one diesel may not keep prepared.
pub fn insert_event(conn: &mut DbConnection, row: &EventRow) -> Result<(), AppError> {
    diesel::insert_into(audit_events::table)
        .values((
            audit_events::seq.eq(row.seq),
            audit_events::id.eq(&row.id),
            audit_events::occurred_at.eq(row.occurred_at),
            audit_events::actor_kind.eq(&row.actor_kind),
            audit_events::actor_id.eq(row.actor_id.as_deref()),
            audit_events::action.eq(&row.action),
            audit_events::subject_type.eq(&row.subject_type),
            audit_events::subject_id.eq(&row.subject_id),
            audit_events::summary.eq(&row.summary),
            audit_events::data.eq(&row.data),
            audit_events::prev_hash.eq(&row.prev_hash),
            audit_events::hash.eq(&row.hash),
        ))
        .execute(conn)?;
    diesel::update(audit_head::table.find(1))
        .set(audit_head::last_hash.eq(&row.hash))
        .execute(conn)?;
    Ok(())
}

pub fn get_head(conn: &mut DbConnection) -> Result<(i64, String), AppError> {
    Ok(audit_head::table
        .find(1)
        .select((audit_head::last_seq, audit_head::last_hash))
        .get_result(conn)?)
}

/// A page of the chain in order, from just after `after_seq` up to `last_seq`.
pub fn list_chain_after(
    conn: &mut DbConnection,
    after_seq: i64,
    last_seq: i64,
    limit: i64,
) -> Result<Vec<EventRow>, AppError> {
    Ok(audit_events::table
        .filter(audit_events::seq.gt(after_seq))
        .filter(audit_events::seq.le(last_seq))
        .order(audit_events::seq.asc())
        .limit(limit)
        .select(EventRow::as_select())
        .load(conn)?)
}

/// What the log page and its export filter on.
#[derive(Clone, Debug, Default)]
pub struct EventFilter {
    pub actor_id: Option<String>,
    pub action: Option<String>,
    pub from: Option<PrimitiveDateTime>,
    pub until: Option<PrimitiveDateTime>,
    /// Only events about these subjects (the chair sees what concerns the head).
    pub subject_ids: Option<Vec<String>>,
    /// Only events about this one record: (type, id).
    pub subject: Option<(String, String)>,
    /// With `subject_ids`: events about records of this type count too.
    pub also_subject_type: Option<String>,
    /// Never events about records of these types.
    pub hidden_subject_types: Vec<String>,
    /// Only events with these sequence numbers: where a date filter's
    /// events are (`from` and `until` still apply within it).
    pub seqs: Option<SeqWindow>,
}

/// The sequence number of the event with this id, for paging.
pub fn seq_of(conn: &mut DbConnection, id: &str) -> Result<Option<i64>, AppError> {
    Ok(audit_events::table
        .filter(audit_events::id.eq(id))
        .select(audit_events::seq)
        .get_result(conn)
        .optional()?)
}

/// What `role` may see of the log: `EventFilter::for_reader`, with the
/// chair's view reaching everyone who was ever headteacher, not only who is
/// now. SECURITY: otherwise a head who made a successor and stepped down
/// would take their whole record out of the chair's sight.
pub fn reader_scope(conn: &mut DbConnection, role: Role) -> Result<EventFilter, AppError> {
    let heads = match role {
        Role::Chair => people_store::list_ids_with_role(conn, Role::Headteacher)?,
        _ => Vec::new(),
    };
    let mut filter = EventFilter::for_reader(role, heads);
    if let Some(ids) = filter.subject_ids.as_mut() {
        let former: Vec<String> = audit_events::table
            .filter(audit_events::action.eq(Action::PersonRoleChanged.as_str()))
            .filter(audit_events::data.like("%\"from\":\"headteacher\"%"))
            .select(audit_events::subject_id)
            .distinct()
            .load(conn)?;
        for id in former {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    Ok(filter)
}

impl EventFilter {
    /// What a reader of the log may see. The chair sees what concerns the
    /// head: events by or about anyone who is or was headteacher, and the
    /// concerns about the head they review.
    ///
    /// SECURITY: the head never sees events about a concern about the head,
    /// nor about one sent straight to the LADO; the chair not the latter.
    /// `heads`: who is headteacher now (the chair's view).
    pub fn for_reader(role: Role, heads: Vec<String>) -> Self {
        match role {
            Role::Headteacher => EventFilter {
                hidden_subject_types: HIDDEN_FROM_HEAD.iter().map(|t| (*t).into()).collect(),
                ..EventFilter::default()
            },
            Role::Chair => EventFilter {
                subject_ids: Some(heads),
                also_subject_type: Some(HEAD_CONCERN.into()),
                hidden_subject_types: vec![LADO_CONCERN.into()],
                ..EventFilter::default()
            },
            _ => EventFilter::default(),
        }
    }
}

diesel::define_sql_function! {
    /// `COALESCE(t, t)`: the time as it is, in a form no index answers.
    #[sql_name = "COALESCE"]
    fn as_is(x: diesel::sql_types::Timestamp, y: diesel::sql_types::Timestamp) -> diesel::sql_types::Timestamp;
}

/// A part of the log a filter looks in.
#[derive(Clone, Copy)]
enum Part<'f> {
    All,
    Range(SeqRange),
    Listed(&'f [i64]),
}

/// Where `filter` looks: the whole log, or a date filter's range and the
/// events off the line in its dates.
fn parts(filter: &EventFilter) -> Vec<Part<'_>> {
    match &filter.seqs {
        None => vec![Part::All],
        Some(window) => window
            .range
            .map(Part::Range)
            .into_iter()
            .chain((!window.off_line.is_empty()).then_some(Part::Listed(&window.off_line)))
            .collect(),
    }
}

/// Newest first, the first `limit` events `filter` lets through below
/// `before_seq`: one query a part of the filter (`load` gives it its
/// columns and order), the parts' rows merged.
fn newest<T>(
    filter: &EventFilter,
    before_seq: Option<i64>,
    limit: usize,
    seq: impl Fn(&T) -> i64,
    mut load: impl FnMut(audit_events::BoxedQuery<'_, Db>) -> QueryResult<Vec<T>>,
) -> Result<Vec<T>, AppError> {
    let parts = parts(filter);
    let mut rows = Vec::new();
    for part in &parts {
        rows.extend(load(narrowed(filter, *part, before_seq))?);
    }
    if parts.len() > 1 {
        rows.sort_unstable_by_key(|row| std::cmp::Reverse(seq(row)));
        rows.dedup_by_key(|row| seq(row));
        rows.truncate(limit);
    }
    Ok(rows)
}

/// The events `filter` lets through in `part` with a sequence number
/// below `before_seq`, in no order yet, every column.
fn narrowed<'a>(
    filter: &EventFilter,
    part: Part<'_>,
    before_seq: Option<i64>,
) -> audit_events::BoxedQuery<'a, Db> {
    let mut query = audit_events::table.into_boxed();
    match part {
        Part::All => {}
        Part::Range(range) => {
            query = query
                .filter(audit_events::seq.ge(range.first))
                .filter(audit_events::seq.le(range.last));
        }
        Part::Listed(seqs) => query = query.filter(audit_events::seq.eq_any(seqs.to_vec())),
    }
    if let Some(actor) = &filter.actor_id {
        query = query.filter(audit_events::actor_id.eq(actor.clone()));
    }
    if let Some(action) = &filter.action {
        query = query.filter(audit_events::action.eq(action.clone()));
    }
    // Within a range of sequence numbers, the time is checked on each row
    // the range walk meets, never looked up: PostgreSQL plans a kept
    // statement once for all values, and would otherwise reach for the
    // index on time, read a whole year of it and sort it (11 ms at 200 000
    // events) instead of walking back fifty rows. Checked all the same, so
    // that nothing outside the dates is ever shown.
    let walked = matches!(part, Part::Range(_));
    if let Some(from) = filter.from {
        query = match walked {
            true => {
                query.filter(as_is(audit_events::occurred_at, audit_events::occurred_at).ge(from))
            }
            false => query.filter(audit_events::occurred_at.ge(from)),
        };
    }
    if let Some(until) = filter.until {
        query = match walked {
            true => {
                query.filter(as_is(audit_events::occurred_at, audit_events::occurred_at).lt(until))
            }
            false => query.filter(audit_events::occurred_at.lt(until)),
        };
    }
    if let Some(ids) = &filter.subject_ids {
        let scope = audit_events::subject_id
            .eq_any(ids.clone())
            .or(audit_events::actor_id.eq_any(ids.clone()));
        query = match &filter.also_subject_type {
            Some(kind) => query.filter(scope.or(audit_events::subject_type.eq(kind.clone()))),
            None => query.filter(scope),
        };
    }
    // One `<>` each rather than `NOT IN (...)`: diesel does not keep a
    // statement with a list of values prepared, and the head reads this
    // one on every visit to the log.
    for kind in &filter.hidden_subject_types {
        query = query.filter(audit_events::subject_type.ne(kind.clone()));
    }
    if let Some((kind, id)) = &filter.subject {
        query = query
            .filter(audit_events::subject_type.eq(kind.clone()))
            .filter(audit_events::subject_id.eq(id.clone()));
    }
    if let Some(before) = before_seq {
        query = query.filter(audit_events::seq.lt(before));
    }
    query
}

/// Newest first, `limit` events with a sequence number below `before_seq`.
pub fn list_events(
    conn: &mut DbConnection,
    filter: &EventFilter,
    before_seq: Option<i64>,
    limit: i64,
) -> Result<Vec<EventRow>, AppError> {
    let limit = u32::try_from(limit).unwrap_or(0);
    newest(
        filter,
        before_seq,
        limit as usize,
        |row: &EventRow| row.seq,
        |query| {
            query
                .select(EventRow::as_select())
                .order(NewestFirst(limit))
                .load(conn)
        },
    )
}

/// Newest first, one page of events (without their data and hashes)
/// with a sequence number below `before_seq`.
pub fn list_lines(
    conn: &mut DbConnection,
    filter: &EventFilter,
    before_seq: Option<i64>,
    page_size: u16,
) -> Result<Vec<EventLine>, AppError> {
    let limit = u32::from(page_size);
    newest(
        filter,
        before_seq,
        limit as usize,
        |row: &EventLine| row.seq,
        |query| {
            query
                .select(EventLine::as_select())
                .order(NewestFirst(limit))
                .load(conn)
        },
    )
}

/// `ORDER BY seq DESC LIMIT <n>`, the limit written into the statement.
/// Diesel binds a `LIMIT`, and SQLite plans with a bound limit's value, so
/// it throws the prepared statement away whenever the limit is bound again
/// (every time, even to the same value): the log's page would be compiled
/// afresh on every visit.
#[derive(Debug, Clone, Copy)]
struct NewestFirst(u32);

impl Expression for NewestFirst {
    type SqlType = diesel::sql_types::BigInt;
}

impl<QS> AppearsOnTable<QS> for NewestFirst {}

impl QueryFragment<Db> for NewestFirst {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Db>) -> QueryResult<()> {
        audit_events::seq.walk_ast(out.reborrow())?;
        out.push_sql(&format!(" DESC LIMIT {}", self.0));
        Ok(())
    }
}

pub fn insert_verification(conn: &mut DbConnection, row: &VerificationRow) -> Result<(), AppError> {
    diesel::insert_into(audit_verifications::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// The latest verification: the index on time's last entry, looked up
/// by `max` rather than `ORDER BY ... LIMIT 1` (a bound limit, which SQLite
/// prepares again every time).
pub fn find_last_verification(
    conn: &mut DbConnection,
) -> Result<Option<VerificationRow>, AppError> {
    let inner = diesel::alias!(audit_verifications as latest);
    let latest = inner
        .select(max(inner.field(audit_verifications::verified_at)))
        .single_value();
    Ok(audit_verifications::table
        .filter(audit_verifications::verified_at.nullable().eq(latest))
        .select(VerificationRow::as_select())
        .get_result(conn)
        .optional()?)
}
