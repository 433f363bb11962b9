//! Queries on the audit log. No HTTP here.

use diesel::prelude::*;
use time::PrimitiveDateTime;

use super::domain::{Action, HEAD_CONCERN, HIDDEN_FROM_HEAD, LADO_CONCERN};
use crate::db::schema::{audit_events, audit_head, audit_verifications};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::people::domain::{Person, Role};

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
        .first(conn)?)
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
}

/// The sequence number of the event with this id, for paging.
pub fn seq_of(conn: &mut DbConnection, id: &str) -> Result<Option<i64>, AppError> {
    Ok(audit_events::table
        .filter(audit_events::id.eq(id))
        .select(audit_events::seq)
        .first(conn)
        .optional()?)
}

/// What `role` may see of the log: `EventFilter::for_reader`, with the
/// chair's view reaching everyone who was ever headteacher, not only who is
/// now. SECURITY: otherwise a head who made a successor and stepped down
/// would take their whole record out of the chair's sight.
pub fn reader_scope(
    conn: &mut DbConnection,
    role: Role,
    people: &[Person],
) -> Result<EventFilter, AppError> {
    let mut filter = EventFilter::for_reader(role, people);
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
    pub fn for_reader(role: Role, people: &[Person]) -> Self {
        match role {
            Role::Headteacher => EventFilter {
                hidden_subject_types: HIDDEN_FROM_HEAD.iter().map(|t| (*t).into()).collect(),
                ..EventFilter::default()
            },
            Role::Chair => EventFilter {
                subject_ids: Some(
                    people
                        .iter()
                        .filter(|p| p.role == Role::Headteacher)
                        .map(|p| p.id.to_string())
                        .collect(),
                ),
                also_subject_type: Some(HEAD_CONCERN.into()),
                hidden_subject_types: vec![LADO_CONCERN.into()],
                ..EventFilter::default()
            },
            _ => EventFilter::default(),
        }
    }
}

/// Newest first, `limit` events with a sequence number below `before_seq`.
pub fn list_events(
    conn: &mut DbConnection,
    filter: &EventFilter,
    before_seq: Option<i64>,
    limit: i64,
) -> Result<Vec<EventRow>, AppError> {
    let mut query = audit_events::table
        .select(EventRow::as_select())
        .order(audit_events::seq.desc())
        .limit(limit)
        .into_boxed();
    if let Some(actor) = &filter.actor_id {
        query = query.filter(audit_events::actor_id.eq(actor.clone()));
    }
    if let Some(action) = &filter.action {
        query = query.filter(audit_events::action.eq(action.clone()));
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_events::occurred_at.ge(from));
    }
    if let Some(until) = filter.until {
        query = query.filter(audit_events::occurred_at.lt(until));
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
    if !filter.hidden_subject_types.is_empty() {
        query =
            query.filter(audit_events::subject_type.ne_all(filter.hidden_subject_types.clone()));
    }
    if let Some((kind, id)) = &filter.subject {
        query = query
            .filter(audit_events::subject_type.eq(kind.clone()))
            .filter(audit_events::subject_id.eq(id.clone()));
    }
    if let Some(before) = before_seq {
        query = query.filter(audit_events::seq.lt(before));
    }
    Ok(query.load(conn)?)
}

pub fn insert_verification(conn: &mut DbConnection, row: &VerificationRow) -> Result<(), AppError> {
    diesel::insert_into(audit_verifications::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn find_last_verification(
    conn: &mut DbConnection,
) -> Result<Option<VerificationRow>, AppError> {
    Ok(audit_verifications::table
        .order(audit_verifications::verified_at.desc())
        .select(VerificationRow::as_select())
        .first(conn)
        .optional()?)
}
