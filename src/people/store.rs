//! Queries on people. No HTTP here.

use std::sync::atomic::{AtomicU64, Ordering};

use diesel::prelude::*;
use time::PrimitiveDateTime;

use super::domain::{NewPerson, Person, Role};
use crate::clock::from_row;
use crate::db::schema::{chair_handovers, people};
use crate::db::{try_insert, DbConnection};
use crate::error::AppError;
use crate::ids::PersonId;

#[derive(Queryable, Selectable, Insertable, Debug)]
#[diesel(table_name = people)]
pub struct PersonRow {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: String,
    pub active: bool,
    pub password_hash: Option<String>,
    pub created_at: PrimitiveDateTime,
    pub deactivated_at: Option<PrimitiveDateTime>,
}

impl TryFrom<PersonRow> for Person {
    type Error = AppError;

    fn try_from(row: PersonRow) -> Result<Self, AppError> {
        let bad = |what: &str| AppError::internal(anyhow::anyhow!("person {}: bad {what}", row.id));
        Ok(Person {
            id: PersonId::parse(&row.id).ok_or_else(|| bad("id"))?,
            role: Role::parse(&row.role).ok_or_else(|| bad("role"))?,
            has_password: row.password_hash.is_some(),
            created_at: from_row(row.created_at),
            deactivated_at: row.deactivated_at.map(from_row),
            name: row.name,
            email: row.email,
            active: row.active,
        })
    }
}

/// Counts this process's writes that add a person or change a name, role
/// or whether they are active: what `state::Caches` keeps of people is
/// loaded again when it moves. Bumped by the writes below, whoever calls
/// them (a request, the command line, a test), as the write is made.
static CHANGES: AtomicU64 = AtomicU64::new(0);

/// How many times people were changed by this process, so far.
pub fn changes() -> u64 {
    CHANGES.load(Ordering::Acquire)
}

fn changed<T>(result: QueryResult<T>) -> QueryResult<T> {
    CHANGES.fetch_add(1, Ordering::AcqRel);
    result
}

pub fn insert_person(conn: &mut DbConnection, row: &PersonRow) -> QueryResult<usize> {
    changed(diesel::insert_into(people::table).values(row).execute(conn))
}

/// Adds a new person, active from `at`; `None` when someone already has
/// their email address.
pub fn try_insert_person(
    conn: &mut DbConnection,
    new: &NewPerson,
    password_hash: Option<String>,
    at: PrimitiveDateTime,
) -> Result<Option<Person>, AppError> {
    let row = PersonRow {
        id: PersonId::new().to_string(),
        name: new.name.as_str().to_owned(),
        email: new.email.as_str().to_owned(),
        role: new.role.as_str().to_owned(),
        active: true,
        password_hash,
        created_at: at,
        deactivated_at: None,
    };
    if !try_insert(conn, |conn| insert_person(conn, &row))? {
        return Ok(None);
    }
    Person::try_from(row).map(Some)
}

pub fn find_person(conn: &mut DbConnection, id: PersonId) -> Result<Option<Person>, AppError> {
    people::table
        .find(id.to_string())
        .select(PersonRow::as_select())
        .get_result(conn)
        .optional()?
        .map(Person::try_from)
        .transpose()
}

pub fn get_person(conn: &mut DbConnection, id: PersonId) -> Result<Person, AppError> {
    find_person(conn, id)?.ok_or(AppError::NotFound)
}

/// The person and their password hash, for signing in.
pub fn find_by_email_with_hash(
    conn: &mut DbConnection,
    email: &str,
) -> Result<Option<(Person, Option<String>)>, AppError> {
    let row = people::table
        .filter(people::email.eq(email))
        .select(PersonRow::as_select())
        .get_result(conn)
        .optional()?;
    row.map(|row| {
        let hash = row.password_hash.clone();
        Person::try_from(row).map(|p| (p, hash))
    })
    .transpose()
}

pub fn find_by_email(conn: &mut DbConnection, email: &str) -> Result<Option<Person>, AppError> {
    Ok(find_by_email_with_hash(conn, email)?.map(|(p, _)| p))
}

pub fn get_password_hash(
    conn: &mut DbConnection,
    id: PersonId,
) -> Result<Option<String>, AppError> {
    Ok(people::table
        .find(id.to_string())
        .select(people::password_hash)
        .get_result(conn)?)
}

/// Everyone, active first, by name.
pub fn list_people(conn: &mut DbConnection) -> Result<Vec<Person>, AppError> {
    people::table
        .order((people::active.desc(), people::name.asc()))
        .select(PersonRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Person::try_from)
        .collect()
}

/// Everyone's id and name, active first, by name: a filter's choices.
pub fn list_names(conn: &mut DbConnection) -> Result<Vec<(String, String)>, AppError> {
    Ok(people::table
        .order((people::active.desc(), people::name.asc()))
        .select((people::id, people::name))
        .load(conn)?)
}

/// The ids of everyone with this role now, whether active or not.
pub fn list_ids_with_role(conn: &mut DbConnection, role: Role) -> Result<Vec<String>, AppError> {
    Ok(people::table
        .filter(people::role.eq(role.as_str()))
        .select(people::id)
        .load(conn)?)
}

pub fn count_people(conn: &mut DbConnection) -> Result<i64, AppError> {
    Ok(people::table.count().get_result(conn)?)
}

/// Active people with a role, for emails to "all SLT and the head".
pub fn list_active_with_roles(
    conn: &mut DbConnection,
    roles: &[Role],
) -> Result<Vec<Person>, AppError> {
    let roles: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    people::table
        .filter(people::active.eq(true))
        .filter(people::role.eq_any(roles))
        .order(people::name.asc())
        .select(PersonRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Person::try_from)
        .collect()
}

pub fn update_role(conn: &mut DbConnection, id: PersonId, role: Role) -> QueryResult<usize> {
    changed(
        diesel::update(people::table.find(id.to_string()))
            .set(people::role.eq(role.as_str()))
            .execute(conn),
    )
}

pub fn update_password_hash(
    conn: &mut DbConnection,
    id: PersonId,
    hash: &str,
) -> QueryResult<usize> {
    diesel::update(people::table.find(id.to_string()))
        .set(people::password_hash.eq(Some(hash)))
        .execute(conn)
}

pub fn deactivate(
    conn: &mut DbConnection,
    id: PersonId,
    at: PrimitiveDateTime,
) -> QueryResult<usize> {
    changed(
        diesel::update(people::table.find(id.to_string()))
            .set((
                people::active.eq(false),
                people::deactivated_at.eq(Some(at)),
            ))
            .execute(conn),
    )
}

/// A handover of the chair of governors, offered by the sitting chair.
#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = chair_handovers)]
pub struct HandoverRow {
    pub id: String,
    pub from_person_id: String,
    pub to_person_id: String,
    pub outgoing_leaves: bool,
    pub created_at: PrimitiveDateTime,
    pub expires_at: PrimitiveDateTime,
    pub ended_at: Option<PrimitiveDateTime>,
    pub outcome: Option<String>,
}

pub fn insert_handover(conn: &mut DbConnection, row: &HandoverRow) -> QueryResult<usize> {
    diesel::insert_into(chair_handovers::table)
        .values(row)
        .execute(conn)
}

/// Which side of a handover a person is on.
#[derive(Clone, Copy, Debug)]
pub enum Party {
    /// The chair who offered it.
    From(PersonId),
    /// The successor it was offered to.
    To(PersonId),
}

/// The waiting, unexpired handover offered by (or to) this person, if any
/// (the newest, should there be more than one).
pub fn find_pending_handover(
    conn: &mut DbConnection,
    party: Party,
    now: PrimitiveDateTime,
) -> Result<Option<HandoverRow>, AppError> {
    let query = chair_handovers::table
        .filter(chair_handovers::ended_at.is_null())
        .filter(chair_handovers::expires_at.gt(now))
        .order(chair_handovers::created_at.desc())
        .select(HandoverRow::as_select())
        .into_boxed();
    let query = match party {
        Party::From(id) => query.filter(chair_handovers::from_person_id.eq(id.to_string())),
        Party::To(id) => query.filter(chair_handovers::to_person_id.eq(id.to_string())),
    };
    Ok(query.first(conn).optional()?)
}

/// Who the waiting handovers offered by this person are to.
pub fn list_waiting_successors_of(
    conn: &mut DbConnection,
    from: PersonId,
) -> Result<Vec<PersonId>, AppError> {
    let ids: Vec<String> = chair_handovers::table
        .filter(chair_handovers::from_person_id.eq(from.to_string()))
        .filter(chair_handovers::ended_at.is_null())
        .select(chair_handovers::to_person_id)
        .load(conn)?;
    Ok(ids.iter().filter_map(|id| PersonId::parse(id)).collect())
}

/// Ends a waiting handover; 0 when it had already ended.
pub fn end_handover(
    conn: &mut DbConnection,
    id: &str,
    at: PrimitiveDateTime,
    outcome: &str,
) -> QueryResult<usize> {
    diesel::update(
        chair_handovers::table
            .find(id)
            .filter(chair_handovers::ended_at.is_null()),
    )
    .set((
        chair_handovers::ended_at.eq(Some(at)),
        chair_handovers::outcome.eq(Some(outcome)),
    ))
    .execute(conn)
}

/// Ends every waiting handover offered by this person (their link stops
/// working): a new offer, a cancellation, or the chair passing otherwise.
pub fn end_handovers_from(
    conn: &mut DbConnection,
    from: PersonId,
    at: PrimitiveDateTime,
    outcome: &str,
) -> QueryResult<usize> {
    diesel::update(
        chair_handovers::table
            .filter(chair_handovers::from_person_id.eq(from.to_string()))
            .filter(chair_handovers::ended_at.is_null()),
    )
    .set((
        chair_handovers::ended_at.eq(Some(at)),
        chair_handovers::outcome.eq(Some(outcome)),
    ))
    .execute(conn)
}
