//! Queries on declarations and reconfirmations (the asks and reminders
//! are `crate::campaign`'s). No HTTP here.

use diesel::prelude::*;
use time::{Date, PrimitiveDateTime};

use super::domain::{Declaration, Details, Link, Nature, State};
use crate::clock::from_row;
use crate::db::schema::{declaration_versions, declarations, reconfirmations};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::{DeclarationId, PersonId};
use crate::people::domain::Role;

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = declarations)]
pub struct DeclarationRow {
    pub id: String,
    pub declarant_id: String,
    pub reviewer_role: String,
    pub state: String,
    pub current_version: i32,
    pub class_or_year: String,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
    pub review_notes: Option<String>,
    pub conditions: Option<String>,
    pub reviewed_at: Option<PrimitiveDateTime>,
    pub reviewed_by: Option<String>,
    pub ended_on: Option<Date>,
    pub end_reason: Option<String>,
}

impl TryFrom<DeclarationRow> for Declaration {
    type Error = AppError;

    fn try_from(row: DeclarationRow) -> Result<Self, AppError> {
        let bad = || AppError::internal(anyhow::anyhow!("declaration {}: unreadable row", row.id));
        Ok(Declaration {
            id: DeclarationId::parse(&row.id).ok_or_else(bad)?,
            declarant: PersonId::parse(&row.declarant_id).ok_or_else(bad)?,
            reviewer_role: Role::parse(&row.reviewer_role).ok_or_else(bad)?,
            state: State::parse(&row.state).ok_or_else(bad)?,
            version: row.current_version,
            class_or_year: row.class_or_year,
            created_at: from_row(row.created_at),
            updated_at: from_row(row.updated_at),
            review_notes: row.review_notes,
            conditions: row.conditions,
            reviewed_at: row.reviewed_at.map(from_row),
            ended_on: row.ended_on,
            end_reason: row.end_reason,
        })
    }
}

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = declaration_versions)]
pub struct VersionRow {
    pub version: i32,
    pub contact_name: String,
    pub link: String,
    pub class_or_year: String,
    pub nature: String,
    pub in_person: bool,
    pub platforms: String,
    pub since: String,
    pub description: String,
    pub submitted_at: PrimitiveDateTime,
}

impl VersionRow {
    pub fn details(&self) -> Result<Details, AppError> {
        let bad = || AppError::internal(anyhow::anyhow!("declaration version: unreadable row"));
        Ok(Details {
            contact_name: self.contact_name.clone(),
            link: Link::parse(&self.link).ok_or_else(bad)?,
            class_or_year: self.class_or_year.clone(),
            nature: Nature::parse(&self.nature).ok_or_else(bad)?,
            in_person: self.in_person,
            platforms: self
                .platforms
                .split('|')
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect(),
            since: self.since.clone(),
            description: self.description.clone(),
        })
    }
}

fn from_rows(rows: Vec<DeclarationRow>) -> Result<Vec<Declaration>, AppError> {
    rows.into_iter().map(Declaration::try_from).collect()
}

pub fn insert_declaration(conn: &mut DbConnection, row: &DeclarationRow) -> Result<(), AppError> {
    diesel::insert_into(declarations::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn insert_version(
    conn: &mut DbConnection,
    id: DeclarationId,
    version: i32,
    details: &Details,
    at: PrimitiveDateTime,
) -> Result<(), AppError> {
    diesel::insert_into(declaration_versions::table)
        .values((
            declaration_versions::declaration_id.eq(id.to_string()),
            declaration_versions::version.eq(version),
            declaration_versions::contact_name.eq(&details.contact_name),
            declaration_versions::link.eq(details.link.as_str()),
            declaration_versions::class_or_year.eq(&details.class_or_year),
            declaration_versions::nature.eq(details.nature.as_str()),
            declaration_versions::in_person.eq(details.in_person),
            declaration_versions::platforms.eq(details.platforms.join("|")),
            declaration_versions::since.eq(&details.since),
            declaration_versions::description.eq(&details.description),
            declaration_versions::submitted_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find_declaration(
    conn: &mut DbConnection,
    id: DeclarationId,
) -> Result<Option<Declaration>, AppError> {
    declarations::table
        .find(id.to_string())
        .select(DeclarationRow::as_select())
        .get_result(conn)
        .optional()?
        .map(Declaration::try_from)
        .transpose()
}

/// Every version, oldest first.
pub fn list_versions(
    conn: &mut DbConnection,
    id: DeclarationId,
) -> Result<Vec<VersionRow>, AppError> {
    Ok(declaration_versions::table
        .filter(declaration_versions::declaration_id.eq(id.to_string()))
        .order(declaration_versions::version.asc())
        .select(VersionRow::as_select())
        .load(conn)?)
}

pub fn list_for_declarant(
    conn: &mut DbConnection,
    person: PersonId,
) -> Result<Vec<Declaration>, AppError> {
    from_rows(
        declarations::table
            .filter(declarations::declarant_id.eq(person.to_string()))
            .order(declarations::updated_at.desc())
            .select(DeclarationRow::as_select())
            .load(conn)?,
    )
}

/// Everything a reviewer reviews, with the current version's details, in
/// one query: newest first; `states` narrows it.
pub fn list_for_reviewer(
    conn: &mut DbConnection,
    reviewer: Role,
    states: &[State],
) -> Result<Vec<(Declaration, VersionRow)>, AppError> {
    list_with_current(conn, Scope::Reviewer(reviewer, states))
}

/// A person's own declarations with their current versions, newest first.
pub fn list_for_declarant_with_current(
    conn: &mut DbConnection,
    person: PersonId,
) -> Result<Vec<(Declaration, VersionRow)>, AppError> {
    list_with_current(conn, Scope::Declarant(person))
}

/// Whose declarations a list holds.
enum Scope<'a> {
    Reviewer(Role, &'a [State]),
    Declarant(PersonId),
}

/// Declarations with their current versions, in one query.
fn list_with_current(
    conn: &mut DbConnection,
    scope: Scope,
) -> Result<Vec<(Declaration, VersionRow)>, AppError> {
    let mut query = declarations::table
        .inner_join(
            declaration_versions::table.on(declaration_versions::declaration_id
                .eq(declarations::id)
                .and(declaration_versions::version.eq(declarations::current_version))),
        )
        .select((DeclarationRow::as_select(), VersionRow::as_select()))
        .into_boxed();
    query = match scope {
        Scope::Reviewer(reviewer, states) => {
            let states: Vec<&str> = states.iter().map(|s| s.as_str()).collect();
            query
                .filter(declarations::reviewer_role.eq(reviewer.as_str()))
                .filter(declarations::state.eq_any(states))
                .order(declarations::updated_at.asc())
        }
        Scope::Declarant(person) => query
            .filter(declarations::declarant_id.eq(person.to_string()))
            .order(declarations::updated_at.desc()),
    };
    let rows: Vec<(DeclarationRow, VersionRow)> = query.load(conn)?;
    rows.into_iter()
        .map(|(d, v)| Ok((Declaration::try_from(d)?, v)))
        .collect()
}

pub fn update_details(
    conn: &mut DbConnection,
    id: DeclarationId,
    version: i32,
    class_or_year: &str,
    at: PrimitiveDateTime,
) -> Result<(), AppError> {
    diesel::update(declarations::table.find(id.to_string()))
        .set((
            declarations::current_version.eq(version),
            declarations::class_or_year.eq(class_or_year),
            declarations::state.eq(State::AwaitingReview.as_str()),
            declarations::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn set_reviewed(
    conn: &mut DbConnection,
    id: DeclarationId,
    state: State,
    by: PersonId,
    at: PrimitiveDateTime,
    notes: &str,
    conditions: Option<&str>,
) -> Result<(), AppError> {
    diesel::update(declarations::table.find(id.to_string()))
        .set((
            declarations::state.eq(state.as_str()),
            declarations::reviewed_by.eq(Some(by.to_string())),
            declarations::reviewed_at.eq(Some(at)),
            declarations::review_notes.eq(Some(notes)),
            declarations::conditions.eq(conditions),
            declarations::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn set_ended(
    conn: &mut DbConnection,
    id: DeclarationId,
    on: Date,
    reason: &str,
    at: PrimitiveDateTime,
) -> Result<(), AppError> {
    diesel::update(declarations::table.find(id.to_string()))
        .set((
            declarations::state.eq(State::Ended.as_str()),
            declarations::ended_on.eq(Some(on)),
            declarations::end_reason.eq(Some(reason)),
            declarations::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn insert_reconfirmation(
    conn: &mut DbConnection,
    person: PersonId,
    year: i32,
    kind: &str,
    at: PrimitiveDateTime,
) -> Result<(), AppError> {
    diesel::insert_into(reconfirmations::table)
        .values((
            reconfirmations::id.eq(DeclarationId::new().to_string()),
            reconfirmations::person_id.eq(person.to_string()),
            reconfirmations::school_year.eq(year),
            reconfirmations::kind.eq(kind),
            reconfirmations::confirmed_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Who has answered in a school year.
pub fn list_answered(conn: &mut DbConnection, year: i32) -> Result<Vec<String>, AppError> {
    Ok(reconfirmations::table
        .filter(reconfirmations::school_year.eq(year))
        .select(reconfirmations::person_id)
        .load(conn)?)
}

/// One person's answers: (school year, kind, when), newest first.
pub fn list_answers_of(
    conn: &mut DbConnection,
    person: PersonId,
) -> Result<Vec<(i32, String, PrimitiveDateTime)>, AppError> {
    Ok(reconfirmations::table
        .filter(reconfirmations::person_id.eq(person.to_string()))
        .order(reconfirmations::confirmed_at.desc())
        .select((
            reconfirmations::school_year,
            reconfirmations::kind,
            reconfirmations::confirmed_at,
        ))
        .load(conn)?)
}

/// Who has ever answered, in any school year.
pub fn list_ever_answered(conn: &mut DbConnection) -> Result<Vec<String>, AppError> {
    Ok(reconfirmations::table
        .select(reconfirmations::person_id)
        .distinct()
        .load(conn)?)
}

/// Who has declared anything, ever (they have answered at least once).
pub fn list_declarants(conn: &mut DbConnection) -> Result<Vec<String>, AppError> {
    Ok(declarations::table
        .select(declarations::declarant_id)
        .distinct()
        .load(conn)?)
}
