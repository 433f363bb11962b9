//! The people a page or a change names, read narrowly: only the people it
//! shows (`named`, `names_of`, by id), or for a form that chooses someone
//! only those it may offer (`list_active`, `list_with_roles`); and only
//! what it uses of them. Never a password hash: `list_people` tells
//! whether there is one without reading it.
//!
//! A list of ids becomes one `WHERE id IN (...)`, never a query per
//! person; it holds at most the people a page names, far below either
//! backend's limit on bound values.

use std::collections::HashMap;

use diesel::prelude::*;
use time::PrimitiveDateTime;

use super::domain::{Person, Role};
use crate::clock::from_row;
use crate::db::schema::people;
use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::PersonId;

/// A person as a page names them: who, in which role, and whether they
/// are still here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Named {
    pub id: PersonId,
    pub name: String,
    pub role: Role,
    pub active: bool,
}

/// A person as a change tells them: `Named` and where to email them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contact {
    pub id: PersonId,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub active: bool,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = people)]
struct NamedRow {
    id: String,
    name: String,
    role: String,
    active: bool,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = people)]
struct ContactRow {
    id: String,
    name: String,
    email: String,
    role: String,
    active: bool,
}

/// Everything `Person` holds, with whether a password is set read as a
/// flag: the hash itself never leaves the database.
#[derive(Queryable, Selectable)]
#[diesel(table_name = people)]
struct ListedRow {
    id: String,
    name: String,
    email: String,
    role: String,
    active: bool,
    #[diesel(select_expression = people::password_hash.is_not_null())]
    #[diesel(select_expression_type = diesel::dsl::IsNotNull<people::password_hash>)]
    has_password: bool,
    created_at: PrimitiveDateTime,
    deactivated_at: Option<PrimitiveDateTime>,
}

fn bad(id: &str, what: &str) -> AppError {
    AppError::internal(anyhow::anyhow!("person {id}: bad {what}"))
}

fn parse(id: &str, role: &str) -> Result<(PersonId, Role), AppError> {
    Ok((
        PersonId::parse(id).ok_or_else(|| bad(id, "id"))?,
        Role::parse(role).ok_or_else(|| bad(id, "role"))?,
    ))
}

impl TryFrom<NamedRow> for Named {
    type Error = AppError;

    fn try_from(row: NamedRow) -> Result<Self, AppError> {
        let (id, role) = parse(&row.id, &row.role)?;
        Ok(Named {
            id,
            role,
            name: row.name,
            active: row.active,
        })
    }
}

impl TryFrom<ContactRow> for Contact {
    type Error = AppError;

    fn try_from(row: ContactRow) -> Result<Self, AppError> {
        let (id, role) = parse(&row.id, &row.role)?;
        Ok(Contact {
            id,
            role,
            name: row.name,
            email: row.email,
            active: row.active,
        })
    }
}

impl TryFrom<ListedRow> for Person {
    type Error = AppError;

    fn try_from(row: ListedRow) -> Result<Self, AppError> {
        let (id, role) = parse(&row.id, &row.role)?;
        Ok(Person {
            id,
            role,
            name: row.name,
            email: row.email,
            active: row.active,
            has_password: row.has_password,
            created_at: from_row(row.created_at),
            deactivated_at: row.deactivated_at.map(from_row),
        })
    }
}

fn codes(roles: &[Role]) -> Vec<&'static str> {
    roles.iter().map(|r| r.as_str()).collect()
}

/// The people with these ids (those that exist), by id: everyone a page
/// names, in one query.
pub fn named(
    conn: &mut DbConnection,
    ids: impl IntoIterator<Item = PersonId>,
) -> Result<HashMap<PersonId, Named>, AppError> {
    let mut ids: Vec<String> = ids.into_iter().map(|id| id.to_string()).collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    people::table
        .filter(people::id.eq_any(ids))
        .select(NamedRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|row| Named::try_from(row).map(|p| (p.id, p)))
        .collect()
}

/// The (id, name) of each of these people that exists: the people a page
/// names, where it keeps ids as text (an audit event's actor, a timeline
/// entry's author).
pub fn names_of(conn: &mut DbConnection, ids: &[&str]) -> Result<Vec<(String, String)>, AppError> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(people::table
        .filter(people::id.eq_any(ids))
        .select((people::id, people::name))
        .load(conn)?)
}

/// Everyone active in one of `roles`, by name: whom a form may choose.
pub fn list_active(conn: &mut DbConnection, roles: &[Role]) -> Result<Vec<Named>, AppError> {
    people::table
        .filter(people::active.eq(true))
        .filter(people::role.eq_any(codes(roles)))
        .order(people::name.asc())
        .select(NamedRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Named::try_from)
        .collect()
}

/// Everyone in one of `roles`, those who have left too, by name.
pub fn list_with_roles(conn: &mut DbConnection, roles: &[Role]) -> Result<Vec<Named>, AppError> {
    people::table
        .filter(people::role.eq_any(codes(roles)))
        .order(people::name.asc())
        .select(NamedRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Named::try_from)
        .collect()
}

/// Everyone active in one of `roles`, by name, with their addresses: whom
/// a campaign asks.
pub fn list_active_contacts(
    conn: &mut DbConnection,
    roles: &[Role],
) -> Result<Vec<Contact>, AppError> {
    people::table
        .filter(people::active.eq(true))
        .filter(people::role.eq_any(codes(roles)))
        .order(people::name.asc())
        .select(ContactRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Contact::try_from)
        .collect()
}

/// Everyone, by id, with their addresses: whom a change to an official
/// account may name or tell (its custodians, the seniors, the heads).
pub fn contacts_by_id(conn: &mut DbConnection) -> Result<HashMap<PersonId, Contact>, AppError> {
    people::table
        .select(ContactRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|row| Contact::try_from(row).map(|p| (p.id, p)))
        .collect()
}

/// Everyone, active first, by name, as the people page lists them.
pub fn list_people(conn: &mut DbConnection) -> Result<Vec<Person>, AppError> {
    people::table
        .order((people::active.desc(), people::name.asc()))
        .select(ListedRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Person::try_from)
        .collect()
}
