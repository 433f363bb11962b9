//! Queries on concerns, their evidence and their timelines. No HTTP here.
//! Evidence content is read only by `evidence_content`: lists never load it.

use diesel::prelude::*;
use time::{Date, PrimitiveDateTime};

use super::domain::{About, Classification, EntryKind, NewConcern, Outcome, Reviewer, Status};
use crate::clock::from_row;
use crate::db::schema::{
    concern_cases, concern_entries, concern_evidence, concern_series, concerns,
};
use crate::db::{try_insert, DbConnection};
use crate::error::AppError;
use crate::ids::{AccountId, ConcernId, EvidenceId, PersonId};

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = concerns)]
pub struct ConcernRow {
    pub id: String,
    /// The order raised across every channel. SECURITY: never shown, since
    /// it would tell of concerns in other channels; `channel_number` is.
    pub number: i64,
    pub raised_by: String,
    pub raised_at: PrimitiveDateTime,
    pub about_kind: String,
    pub about_person_id: Option<String>,
    pub about_account_id: Option<String>,
    pub about_detail: String,
    pub implicates_chair: bool,
    pub happened_on: Date,
    pub what_happened: String,
    pub reviewer_role: String,
    /// Its number in its reviewer's own series ("G-2": the chair's second).
    pub channel_number: i64,
}

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = concern_cases)]
pub struct CaseRow {
    pub concern_id: String,
    pub reviewer_role: String,
    pub status: String,
    pub classification: Option<String>,
    pub lado_due_at: Option<PrimitiveDateTime>,
    pub lado_referred_on: Option<Date>,
    pub outcome: Option<String>,
    pub closing_summary: Option<String>,
    pub closed_at: Option<PrimitiveDateTime>,
    pub person_informed_on: Option<Date>,
    pub raised_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

impl ConcernRow {
    /// The row of a concern raised by `raised_by`: what it is about, as
    /// settled by the service, under its numbers.
    pub fn new(
        id: ConcernId,
        (number, channel_number): (i64, i64),
        raised_by: PersonId,
        raised_at: PrimitiveDateTime,
        raised: &NewConcern,
        reviewer: Reviewer,
    ) -> Self {
        Self {
            id: id.to_string(),
            number,
            raised_by: raised_by.to_string(),
            raised_at,
            about_kind: raised.about.as_str().into(),
            about_person_id: raised.about_person.map(|p| p.to_string()),
            about_account_id: raised.about_account.map(|a| a.to_string()),
            about_detail: raised.about_detail.clone(),
            implicates_chair: raised.implicates_chair,
            happened_on: raised.happened_on,
            what_happened: raised.what_happened.clone(),
            reviewer_role: reviewer.as_str().into(),
            channel_number,
        }
    }

    /// What was raised, as the domain knows it; `None` for a row that does
    /// not parse.
    fn raised(&self) -> Option<NewConcern> {
        Some(NewConcern {
            about: About::parse(&self.about_kind)?,
            about_person: match &self.about_person_id {
                Some(id) => Some(PersonId::parse(id)?),
                None => None,
            },
            about_account: match &self.about_account_id {
                Some(id) => Some(AccountId::parse(id)?),
                None => None,
            },
            about_detail: self.about_detail.clone(),
            implicates_chair: self.implicates_chair,
            happened_on: self.happened_on,
            what_happened: self.what_happened.clone(),
        })
    }
}

impl CaseRow {
    /// The case of a concern just raised: nothing done on it yet.
    pub fn new(id: ConcernId, reviewer: Reviewer, status: Status, now: PrimitiveDateTime) -> Self {
        Self {
            concern_id: id.to_string(),
            reviewer_role: reviewer.as_str().into(),
            status: status.as_str().into(),
            classification: None,
            lado_due_at: None,
            lado_referred_on: None,
            outcome: None,
            closing_summary: None,
            closed_at: None,
            person_informed_on: None,
            raised_at: now,
            updated_at: now,
        }
    }
}

/// A concern as raised and where it stands now.
#[derive(Debug, Clone)]
pub struct Concern {
    pub id: ConcernId,
    pub channel_number: i64,
    pub raised_by: PersonId,
    pub raised_at: time::OffsetDateTime,
    /// What it is about and what happened, never changed once raised.
    pub raised: NewConcern,
    pub reviewer: Reviewer,
    pub status: Status,
    pub classification: Option<Classification>,
    pub lado_due_at: Option<time::OffsetDateTime>,
    pub lado_referred_on: Option<Date>,
    pub outcome: Option<Outcome>,
    pub closing_summary: Option<String>,
    pub closed_at: Option<time::OffsetDateTime>,
    pub person_informed_on: Option<Date>,
    pub updated_at: time::OffsetDateTime,
}

impl Concern {
    fn from_pair((row, case): (ConcernRow, CaseRow)) -> Result<Self, AppError> {
        let bad = || AppError::internal(anyhow::anyhow!("concern {}: unreadable row", row.id));
        Ok(Concern {
            id: ConcernId::parse(&row.id).ok_or_else(bad)?,
            channel_number: row.channel_number,
            raised_by: PersonId::parse(&row.raised_by).ok_or_else(bad)?,
            raised_at: from_row(row.raised_at),
            raised: row.raised().ok_or_else(bad)?,
            reviewer: Reviewer::parse(&row.reviewer_role).ok_or_else(bad)?,
            status: Status::parse(&case.status).ok_or_else(bad)?,
            classification: match &case.classification {
                Some(c) => Some(Classification::parse(c).ok_or_else(bad)?),
                None => None,
            },
            lado_due_at: case.lado_due_at.map(from_row),
            lado_referred_on: case.lado_referred_on,
            outcome: match &case.outcome {
                Some(o) => Some(Outcome::parse(o).ok_or_else(bad)?),
                None => None,
            },
            closing_summary: case.closing_summary,
            closed_at: case.closed_at.map(from_row),
            person_informed_on: case.person_informed_on,
            updated_at: from_row(case.updated_at),
        })
    }

    pub fn reference(&self) -> String {
        super::domain::reference(self.reviewer, self.channel_number)
    }

    /// An allegation whose LADO referral is not yet recorded.
    pub fn lado_referral_due(&self) -> Option<time::OffsetDateTime> {
        (self.status != Status::Closed && self.lado_referred_on.is_none())
            .then_some(self.lado_due_at)
            .flatten()
    }
}

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = concern_entries)]
pub struct EntryRow {
    pub id: String,
    pub concern_id: String,
    pub recorded_at: PrimitiveDateTime,
    pub author_id: String,
    pub kind: String,
    pub code: Option<String>,
    pub on_date: Option<Date>,
    pub reference: Option<String>,
    pub body: String,
}

impl EntryRow {
    pub fn entry_kind(&self) -> Option<EntryKind> {
        EntryKind::parse(&self.kind)
    }
}

/// An evidence file, without its content.
#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = concern_evidence)]
pub struct EvidenceInfo {
    pub id: String,
    pub concern_id: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub added_at: PrimitiveDateTime,
}

/// An evidence file with its content, to insert.
#[derive(Insertable)]
#[diesel(table_name = concern_evidence)]
pub struct NewEvidenceRow<'a> {
    #[diesel(embed)]
    pub info: EvidenceInfo,
    pub content: &'a [u8],
}

/// Inserts a concern under the next free number; `Ok(false)` when another
/// writer took that number first (the caller tries the next one).
pub fn insert_concern(conn: &mut DbConnection, row: &ConcernRow) -> Result<bool, AppError> {
    Ok(try_insert(conn, |c| {
        diesel::insert_into(concerns::table).values(row).execute(c)
    })?)
}

pub fn next_number(conn: &mut DbConnection) -> Result<i64, AppError> {
    let max: Option<i64> = concerns::table
        .select(diesel::dsl::max(concerns::number))
        .get_result(conn)?;
    Ok(max.unwrap_or(0) + 1)
}

/// The next number in a reviewer's series, taken inside the raising
/// transaction: bumping the series row holds it until the transaction ends
/// (a row lock on PostgreSQL, the write lock on SQLite), so two concerns
/// raised at once in one channel never share a number, and a number is
/// never skipped by a raise that fails.
pub fn next_in_series(conn: &mut DbConnection, reviewer: Reviewer) -> Result<i64, AppError> {
    if reviewer.is_sealed_from_head() {
        return opaque_number(conn, reviewer);
    }
    let series = concern_series::table.find(reviewer.as_str());
    loop {
        let bumped = diesel::update(series)
            .set(concern_series::last_number.eq(concern_series::last_number + 1))
            .execute(conn)?;
        if bumped == 1 {
            return Ok(series
                .select(concern_series::last_number)
                .get_result(conn)?);
        }
        // No series row (the migration makes one per channel): start it from
        // the channel's highest number; a concurrent start wins harmlessly.
        let highest: Option<i64> = concerns::table
            .filter(concerns::reviewer_role.eq(reviewer.as_str()))
            .select(diesel::dsl::max(concerns::channel_number))
            .get_result(conn)?;
        try_insert(conn, |c| {
            diesel::insert_into(concern_series::table)
                .values((
                    concern_series::channel.eq(reviewer.as_str()),
                    concern_series::last_number.eq(highest.unwrap_or(0)),
                ))
                .execute(c)
        })?;
    }
}

/// SECURITY: a concern sealed from the head (about the head, or sent to the
/// LADO) takes a random six-digit number, not the next in a series: the
/// head, or anyone, raising one would otherwise learn from "G-3" that two
/// others exist. Unused in its channel; the unique index settles a race.
fn opaque_number(conn: &mut DbConnection, reviewer: Reviewer) -> Result<i64, AppError> {
    use rand::Rng;
    loop {
        let candidate: i64 = rand::rng().random_range(100_000..1_000_000);
        let taken: i64 = concerns::table
            .filter(concerns::reviewer_role.eq(reviewer.as_str()))
            .filter(concerns::channel_number.eq(candidate))
            .count()
            .get_result(conn)?;
        if taken == 0 {
            return Ok(candidate);
        }
    }
}

pub fn insert_case(conn: &mut DbConnection, row: &CaseRow) -> Result<(), AppError> {
    diesel::insert_into(concern_cases::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn insert_evidence(conn: &mut DbConnection, row: &NewEvidenceRow) -> Result<(), AppError> {
    diesel::insert_into(concern_evidence::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn insert_entry(conn: &mut DbConnection, row: &EntryRow) -> Result<(), AppError> {
    diesel::insert_into(concern_entries::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn find_concern(conn: &mut DbConnection, id: ConcernId) -> Result<Option<Concern>, AppError> {
    let found = concerns::table
        .inner_join(concern_cases::table)
        .filter(concerns::id.eq(id.to_string()))
        .select((ConcernRow::as_select(), CaseRow::as_select()))
        .get_result(conn)
        .optional()?;
    found.map(Concern::from_pair).transpose()
}

/// The concerns one person raised, newest first.
pub fn list_raised_by(conn: &mut DbConnection, person: PersonId) -> Result<Vec<Concern>, AppError> {
    let rows = concerns::table
        .inner_join(concern_cases::table)
        .filter(concerns::raised_by.eq(person.to_string()))
        .order(concerns::raised_at.desc())
        .select((ConcernRow::as_select(), CaseRow::as_select()))
        .load(conn)?;
    rows.into_iter().map(Concern::from_pair).collect()
}

/// A reviewer's concerns, oldest first: the open ones, or the closed ones.
pub fn list_for_reviewer(
    conn: &mut DbConnection,
    reviewer: Reviewer,
    closed: bool,
    limit: i64,
) -> Result<Vec<Concern>, AppError> {
    let mut query = concern_cases::table
        .inner_join(concerns::table)
        .filter(concern_cases::reviewer_role.eq(reviewer.as_str()))
        .select((ConcernRow::as_select(), CaseRow::as_select()))
        .limit(limit)
        .into_boxed();
    query = if closed {
        query
            .filter(concern_cases::status.eq(Status::Closed.as_str()))
            .order(concern_cases::raised_at.desc())
    } else {
        query
            .filter(
                concern_cases::status.eq_any([Status::Open.as_str(), Status::UnderReview.as_str()]),
            )
            .order(concern_cases::raised_at.asc())
    };
    let rows = query.load(conn)?;
    rows.into_iter().map(Concern::from_pair).collect()
}

/// How many concerns are open for a reviewer, never counting those about
/// the reader; with `overdue_at`, only allegations whose LADO referral was
/// due before then and is not recorded. For home-page counts.
pub fn count_open(
    conn: &mut DbConnection,
    reviewer: Reviewer,
    reader: PersonId,
    overdue_at: Option<PrimitiveDateTime>,
) -> Result<i64, AppError> {
    let mut query = concern_cases::table
        .inner_join(concerns::table)
        .filter(concern_cases::reviewer_role.eq(reviewer.as_str()))
        .filter(concern_cases::status.eq_any([Status::Open.as_str(), Status::UnderReview.as_str()]))
        .filter(
            concerns::about_person_id
                .is_null()
                .or(concerns::about_person_id.ne(reader.to_string())),
        )
        .into_boxed();
    if let Some(at) = overdue_at {
        query = query
            .filter(concern_cases::lado_due_at.lt(at))
            .filter(concern_cases::lado_referred_on.is_null());
    }
    Ok(query.count().get_result(conn)?)
}

pub fn list_entries(conn: &mut DbConnection, id: ConcernId) -> Result<Vec<EntryRow>, AppError> {
    Ok(concern_entries::table
        .filter(concern_entries::concern_id.eq(id.to_string()))
        .order((
            concern_entries::recorded_at.asc(),
            concern_entries::id.asc(),
        ))
        .select(EntryRow::as_select())
        .load(conn)?)
}

pub fn list_evidence(
    conn: &mut DbConnection,
    id: ConcernId,
) -> Result<Vec<EvidenceInfo>, AppError> {
    Ok(concern_evidence::table
        .filter(concern_evidence::concern_id.eq(id.to_string()))
        .order((concern_evidence::added_at.asc(), concern_evidence::id.asc()))
        .select(EvidenceInfo::as_select())
        .load(conn)?)
}

pub fn evidence_content(
    conn: &mut DbConnection,
    concern: ConcernId,
    id: EvidenceId,
) -> Result<Option<(EvidenceInfo, Vec<u8>)>, AppError> {
    Ok(concern_evidence::table
        .filter(concern_evidence::id.eq(id.to_string()))
        .filter(concern_evidence::concern_id.eq(concern.to_string()))
        .select((EvidenceInfo::as_select(), concern_evidence::content))
        .get_result(conn)
        .optional()?)
}

/// Where the concern stands, as one update of its case row.
#[derive(AsChangeset, Default)]
#[diesel(table_name = concern_cases)]
pub struct CaseChange {
    pub status: Option<String>,
    pub classification: Option<Option<String>>,
    pub lado_due_at: Option<Option<PrimitiveDateTime>>,
    pub lado_referred_on: Option<Option<Date>>,
    pub outcome: Option<Option<String>>,
    pub closing_summary: Option<Option<String>>,
    pub closed_at: Option<Option<PrimitiveDateTime>>,
    pub person_informed_on: Option<Option<Date>>,
    pub updated_at: Option<PrimitiveDateTime>,
}

pub fn update_case(
    conn: &mut DbConnection,
    id: ConcernId,
    change: &CaseChange,
) -> Result<(), AppError> {
    diesel::update(concern_cases::table.find(id.to_string()))
        .set(change)
        .execute(conn)?;
    Ok(())
}
