//! Queries of the oversight register. No HTTP here. It owns the digest's
//! two tables; the rest are counts over other registers' tables, read
//! only, for the home page's needs and the governors' report: one query a
//! figure, none in a loop.

use std::collections::HashSet;

use diesel::dsl::count_star;
use diesel::prelude::*;
use time::{Date, PrimitiveDateTime};

use crate::concerns::domain::Reviewer;
use crate::db::schema::{
    access_reviews, accounts, concern_cases, concerns, declarations, digest_opt_outs, digests,
    grants, password_changes, people, reconfirmations,
};
use crate::db::{try_insert, DbConnection};
use crate::error::AppError;
use crate::ids::PersonId;
use crate::people::domain::Role;

/// How many rows of `$table` have `$column` in `$window`: from its start,
/// up to but not including its end.
macro_rules! count_within {
    ($conn:expr, $table:ident, $column:ident, $window:expr) => {
        $table::table
            .filter($table::$column.ge($window.start))
            .filter($table::$column.lt($window.end))
            .count()
            .get_result::<i64>($conn)
    };
}

// The home page's needs.

/// Declarations awaiting review by `role`, leaving out the reader's own.
pub fn count_awaiting_review(
    conn: &mut DbConnection,
    role: Role,
    reader: PersonId,
) -> Result<i64, AppError> {
    Ok(declarations::table
        .filter(declarations::reviewer_role.eq(role.as_str()))
        .filter(declarations::state.eq("awaiting_review"))
        .filter(declarations::declarant_id.ne(reader.to_string()))
        .count()
        .get_result(conn)?)
}

pub fn count_active_chairs(conn: &mut DbConnection) -> Result<i64, AppError> {
    Ok(people::table
        .filter(people::active.eq(true))
        .filter(people::role.eq(Role::Chair.as_str()))
        .count()
        .get_result(conn)?)
}

/// Live grants to `person` they have not yet confirmed.
pub fn count_grants_to_confirm(conn: &mut DbConnection, person: PersonId) -> Result<i64, AppError> {
    Ok(grants::table
        .filter(grants::grantee_id.eq(person.to_string()))
        .filter(grants::ended_at.is_null())
        .filter(grants::confirmed_at.is_null())
        .count()
        .get_result(conn)?)
}

/// Whether `person` answered the reconfirmation of `school_year`.
pub fn has_answered(
    conn: &mut DbConnection,
    person: PersonId,
    school_year: i32,
) -> Result<bool, AppError> {
    let answers: i64 = reconfirmations::table
        .filter(reconfirmations::person_id.eq(person.to_string()))
        .filter(reconfirmations::school_year.eq(school_year))
        .count()
        .get_result(conn)?;
    Ok(answers > 0)
}

/// The ids of the active SLT and head: who may hold an account's login.
pub fn list_senior_ids(conn: &mut DbConnection) -> Result<HashSet<String>, AppError> {
    Ok(people::table
        .filter(people::active.eq(true))
        .filter(people::role.eq_any([Role::Slt.as_str(), Role::Headteacher.as_str()]))
        .select(people::id)
        .load::<String>(conn)?
        .into_iter()
        .collect())
}

/// Live grants that end on or before `by`.
pub fn count_grants_ending(conn: &mut DbConnection, by: Date) -> Result<i64, AppError> {
    Ok(grants::table
        .filter(grants::ended_at.is_null())
        .filter(grants::ends_on.is_not_null())
        .filter(grants::ends_on.le(by))
        .count()
        .get_result(conn)?)
}

// The governors' report.

/// The report's span: calendar dates for what is recorded by day, and the
/// instants of their first and last midnights at the school for the rest.
pub struct Window {
    pub from: Date,
    pub until: Date,
    pub start: PrimitiveDateTime,
    pub end: PrimitiveDateTime,
}

/// What the registers recorded in a window, as the report counts it.
pub struct Counts {
    pub accounts_opened: i64,
    pub accounts_closed: i64,
    pub grants_made: i64,
    /// How each grant that ended in the window ended.
    pub grant_end_kinds: Vec<Option<String>>,
    pub access_reviews: i64,
    pub password_changes: i64,
    pub declarations_made: i64,
    /// Every declaration now, by state: (state, how many).
    pub declarations_by_state: Vec<(String, i64)>,
    /// Active staff asked to answer (everyone but the chair).
    pub staff: i64,
    /// Concerns raised with the head in the window: what each was about.
    pub raised_with_head: Vec<String>,
    /// Concerns with the head closed in the window: (outcome, raised, closed).
    pub closed_with_head: Vec<(Option<String>, PrimitiveDateTime, Option<PrimitiveDateTime>)>,
    /// Concerns with the head open now.
    pub open_with_head: i64,
}

/// The report's counts over `window`.
pub fn report_counts(conn: &mut DbConnection, window: &Window) -> Result<Counts, AppError> {
    let (from, until) = (window.from, window.until);
    Ok(Counts {
        accounts_opened: accounts::table
            .filter(accounts::opened_on.between(from, until))
            .count()
            .get_result(conn)?,
        accounts_closed: count_within!(conn, accounts, closed_at, window)?,
        grants_made: count_within!(conn, grants, granted_at, window)?,
        grant_end_kinds: grants::table
            .filter(grants::ended_at.ge(window.start))
            .filter(grants::ended_at.lt(window.end))
            .select(grants::end_kind)
            .load(conn)?,
        access_reviews: count_within!(conn, access_reviews, reviewed_at, window)?,
        password_changes: password_changes::table
            .filter(password_changes::changed_on.between(from, until))
            .count()
            .get_result(conn)?,
        declarations_made: count_within!(conn, declarations, created_at, window)?,
        declarations_by_state: declarations::table
            .group_by(declarations::state)
            .select((declarations::state, count_star()))
            .load(conn)?,
        staff: people::table
            .filter(people::active.eq(true))
            .filter(people::role.ne(Role::Chair.as_str()))
            .count()
            .get_result(conn)?,
        raised_with_head: concerns::table
            .filter(concerns::reviewer_role.eq(Reviewer::Headteacher.as_str()))
            .filter(concerns::raised_at.ge(window.start))
            .filter(concerns::raised_at.lt(window.end))
            .select(concerns::about_kind)
            .load(conn)?,
        closed_with_head: concern_cases::table
            .filter(concern_cases::reviewer_role.eq(Reviewer::Headteacher.as_str()))
            .filter(concern_cases::closed_at.ge(window.start))
            .filter(concern_cases::closed_at.lt(window.end))
            .select((
                concern_cases::outcome,
                concern_cases::raised_at,
                concern_cases::closed_at,
            ))
            .load(conn)?,
        open_with_head: concern_cases::table
            .filter(concern_cases::reviewer_role.eq(Reviewer::Headteacher.as_str()))
            .filter(concern_cases::status.eq_any(["open", "under_review"]))
            .count()
            .get_result(conn)?,
    })
}

/// Active staff (not the chair) who answered the reconfirmation of
/// `school_year`, each counted once.
pub fn count_answered(conn: &mut DbConnection, school_year: i32) -> Result<i64, AppError> {
    Ok(reconfirmations::table
        .inner_join(people::table.on(people::id.eq(reconfirmations::person_id)))
        .filter(reconfirmations::school_year.eq(school_year))
        .filter(people::active.eq(true))
        .filter(people::role.ne(Role::Chair.as_str()))
        .select(diesel::dsl::count(reconfirmations::person_id).aggregate_distinct())
        .get_result(conn)?)
}

/// Concerns raised with the chair in `window`. SECURITY: only the chair's
/// own channel; a concern sent to the LADO implicates the chair, who must
/// not learn it exists.
pub fn count_raised_with_chair(conn: &mut DbConnection, window: &Window) -> Result<i64, AppError> {
    Ok(concerns::table
        .filter(concerns::reviewer_role.eq(Reviewer::Chair.as_str()))
        .filter(concerns::raised_at.ge(window.start))
        .filter(concerns::raised_at.lt(window.end))
        .count()
        .get_result(conn)?)
}

// The weekly digest.

/// Whether `person` switched the digest off.
pub fn is_opted_out(conn: &mut DbConnection, person: PersonId) -> Result<bool, AppError> {
    let off: i64 = digest_opt_outs::table
        .filter(digest_opt_outs::person_id.eq(person.to_string()))
        .count()
        .get_result(conn)?;
    Ok(off > 0)
}

/// Switches the digest off for `person` (`off`), or on again; `false` if
/// it was so already.
pub fn set_opted_out(
    conn: &mut DbConnection,
    person: PersonId,
    off: bool,
    at: PrimitiveDateTime,
) -> Result<bool, AppError> {
    if !off {
        let deleted = diesel::delete(
            digest_opt_outs::table.filter(digest_opt_outs::person_id.eq(person.to_string())),
        )
        .execute(conn)?;
        return Ok(deleted > 0);
    }
    Ok(try_insert(conn, |c| {
        diesel::insert_into(digest_opt_outs::table)
            .values((
                digest_opt_outs::person_id.eq(person.to_string()),
                digest_opt_outs::opted_out_at.eq(at),
            ))
            .execute(c)
    })?)
}

/// Who is not to be sent the digest of the week starting `week_start`:
/// whoever was sent it already, and whoever switched it off; by id.
pub fn list_not_due(
    conn: &mut DbConnection,
    week_start: Date,
) -> Result<HashSet<String>, AppError> {
    let mut ids: HashSet<String> = digests::table
        .filter(digests::week_start.eq(week_start))
        .select(digests::recipient_id)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    ids.extend(
        digest_opt_outs::table
            .select(digest_opt_outs::person_id)
            .load::<String>(conn)?,
    );
    Ok(ids)
}

/// Claims the week's digest for `person`; `false` if another instance
/// already sent it.
pub fn claim_digest(
    conn: &mut DbConnection,
    person: PersonId,
    week_start: Date,
    at: PrimitiveDateTime,
) -> Result<bool, AppError> {
    Ok(try_insert(conn, |c| {
        diesel::insert_into(digests::table)
            .values((
                digests::recipient_id.eq(person.to_string()),
                digests::week_start.eq(week_start),
                digests::sent_at.eq(at),
            ))
            .execute(c)
    })?)
}
