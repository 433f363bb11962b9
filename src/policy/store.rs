//! Queries on policy versions and acknowledgements (the asks and
//! reminders are `crate::campaign`'s). No HTTP here.

use diesel::prelude::*;
use time::{Date, PrimitiveDateTime};

use crate::db::schema::{people, policy_acknowledgements, policy_versions};
use crate::db::{try_insert, DbConnection};
use crate::error::AppError;
use crate::ids::PersonId;
use crate::people::domain::Role;

/// A published version, as stored (never changed once written).
#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = policy_versions)]
pub struct VersionRow {
    pub id: String,
    pub number: i32,
    /// The text, in Markdown.
    pub body: String,
    pub effective_on: Date,
    /// What changed from the version before.
    pub summary: String,
    pub published_at: PrimitiveDateTime,
    /// The id of the person who published it.
    pub published_by: String,
}

/// A version without its text, for lists.
#[derive(Queryable, Debug, Clone)]
pub struct VersionListRow {
    pub number: i32,
    pub effective_on: Date,
    pub published_at: PrimitiveDateTime,
}

/// The current version: the highest-numbered one.
pub fn current_version(conn: &mut DbConnection) -> Result<Option<VersionRow>, AppError> {
    Ok(policy_versions::table
        .order(policy_versions::number.desc())
        .select(VersionRow::as_select())
        .first(conn)
        .optional()?)
}

/// The current version's id and number, without its text.
pub fn find_current_ref(conn: &mut DbConnection) -> Result<Option<(String, i32)>, AppError> {
    Ok(policy_versions::table
        .order(policy_versions::number.desc())
        .select((policy_versions::id, policy_versions::number))
        .first(conn)
        .optional()?)
}

pub fn find_version(conn: &mut DbConnection, number: i32) -> Result<Option<VersionRow>, AppError> {
    Ok(policy_versions::table
        .filter(policy_versions::number.eq(number))
        .select(VersionRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// Every version, newest first, without their text.
pub fn list_versions(conn: &mut DbConnection) -> Result<Vec<VersionListRow>, AppError> {
    Ok(policy_versions::table
        .order(policy_versions::number.desc())
        .select((
            policy_versions::number,
            policy_versions::effective_on,
            policy_versions::published_at,
        ))
        .load(conn)?)
}

/// The number the next version takes.
pub fn next_number(conn: &mut DbConnection) -> Result<i32, AppError> {
    let highest: Option<i32> = policy_versions::table
        .select(diesel::dsl::max(policy_versions::number))
        .get_result(conn)?;
    Ok(highest.unwrap_or(0) + 1)
}

/// Inserts a version; `false` if its number was taken meanwhile.
pub fn insert_version(conn: &mut DbConnection, row: &VersionRow) -> Result<bool, AppError> {
    Ok(try_insert(conn, |conn| {
        diesel::insert_into(policy_versions::table)
            .values(row)
            .execute(conn)
    })?)
}

/// Records an acknowledgement; `false` if this person already made it.
pub fn insert_acknowledgement(
    conn: &mut DbConnection,
    version_id: &str,
    person: PersonId,
    at: PrimitiveDateTime,
) -> Result<bool, AppError> {
    Ok(try_insert(conn, |conn| {
        diesel::insert_into(policy_acknowledgements::table)
            .values((
                policy_acknowledgements::version_id.eq(version_id),
                policy_acknowledgements::person_id.eq(person.to_string()),
                policy_acknowledgements::acknowledged_at.eq(at),
            ))
            .execute(conn)
    })?)
}

/// When this person acknowledged this version, if they have.
pub fn find_acknowledgement(
    conn: &mut DbConnection,
    version_id: &str,
    person: PersonId,
) -> Result<Option<PrimitiveDateTime>, AppError> {
    Ok(policy_acknowledgements::table
        .filter(policy_acknowledgements::version_id.eq(version_id))
        .filter(policy_acknowledgements::person_id.eq(person.to_string()))
        .select(policy_acknowledgements::acknowledged_at)
        .get_result(conn)
        .optional()?)
}

pub fn has_acknowledged(
    conn: &mut DbConnection,
    version_id: &str,
    person: PersonId,
) -> Result<bool, AppError> {
    Ok(find_acknowledgement(conn, version_id, person)?.is_some())
}

/// Everyone who acknowledged a version: (person id, when), oldest first.
pub fn list_acknowledgements(
    conn: &mut DbConnection,
    version_id: &str,
) -> Result<Vec<(String, PrimitiveDateTime)>, AppError> {
    Ok(policy_acknowledgements::table
        .filter(policy_acknowledgements::version_id.eq(version_id))
        .order(policy_acknowledgements::acknowledged_at.asc())
        .select((
            policy_acknowledgements::person_id,
            policy_acknowledgements::acknowledged_at,
        ))
        .load(conn)?)
}

/// For a version: how many of the people asked now (active, not the chair)
/// have acknowledged it, and how many are asked. Two counting queries.
pub fn acknowledgement_counts(
    conn: &mut DbConnection,
    version_id: &str,
) -> Result<(i64, i64), AppError> {
    let acknowledged: i64 = policy_acknowledgements::table
        .inner_join(people::table.on(people::id.eq(policy_acknowledgements::person_id)))
        .filter(policy_acknowledgements::version_id.eq(version_id))
        .filter(people::active.eq(true))
        .filter(people::role.ne(Role::Chair.as_str()))
        .count()
        .get_result(conn)?;
    let asked: i64 = people::table
        .filter(people::active.eq(true))
        .filter(people::role.ne(Role::Chair.as_str()))
        .count()
        .get_result(conn)?;
    Ok((acknowledged, asked))
}
