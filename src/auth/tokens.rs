//! One-time links: setup, invitation, password reset and the successor's
//! acceptance of the chair of governors. The link carries a
//! random token; only its hash is stored; it works once and expires.
//!
//! SECURITY: an emailed link's token is made by the mail sender as it sends
//! (`issue_for_email`), so neither the outbox nor a backup ever holds a
//! link that works.

use diesel::prelude::*;
use rand::distr::{Alphanumeric, SampleString};
use sha2::{Digest, Sha256};
use time::PrimitiveDateTime;

use crate::db::schema::person_tokens;
use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::PersonId;
use crate::web::form::coded;

coded! {
    pub enum Purpose {
        Setup = "setup",
        Invitation = "invitation",
        PasswordReset = "password_reset",
        /// The successor named by the sitting chair accepts the chair of
        /// governors; the handover itself is found by the token's person.
        ChairAccept = "chair_accept",
    }
}

impl Purpose {
    /// The page the link opens.
    pub fn path(self) -> &'static str {
        match self {
            Purpose::Setup => crate::web::urls::SETUP,
            Purpose::Invitation => crate::web::urls::INVITATION,
            Purpose::PasswordReset => crate::web::urls::PASSWORD_RESET_CHOOSE,
            Purpose::ChairAccept => crate::web::urls::CHAIR_ACCEPT,
        }
    }

    /// How long a link works once made. A link to accept the chair also
    /// needs its handover still waiting, which lasts as long from the offer.
    pub const fn lifetime(self) -> time::Duration {
        match self {
            Purpose::Setup => time::Duration::days(7),
            Purpose::Invitation => time::Duration::days(7),
            Purpose::PasswordReset => time::Duration::hours(1),
            Purpose::ChairAccept => time::Duration::days(7),
        }
    }
}

/// The hash kept in place of a one-time link's token.
pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A new random token for a one-time link: only `hash(&token)` is stored.
fn fresh() -> String {
    Alphanumeric.sample_string(&mut rand::rng(), 43)
}

/// Makes a token and returns it; earlier unused tokens for the same person
/// and purpose stop working.
pub fn issue(
    conn: &mut DbConnection,
    purpose: Purpose,
    person: Option<PersonId>,
    now: PrimitiveDateTime,
) -> Result<String, AppError> {
    let person = person.map(|p| p.to_string());
    let earlier = person_tokens::table
        .filter(person_tokens::purpose.eq(purpose.as_str()))
        .filter(person_tokens::used_at.is_null());
    match &person {
        Some(id) => diesel::update(earlier.filter(person_tokens::person_id.eq(id)))
            .set(person_tokens::used_at.eq(Some(now)))
            .execute(conn)?,
        None => diesel::update(earlier.filter(person_tokens::person_id.is_null()))
            .set(person_tokens::used_at.eq(Some(now)))
            .execute(conn)?,
    };
    insert(conn, purpose, person, now)
}

/// Stores a fresh token's hash, valid for the purpose's lifetime from
/// `now`, and returns the token.
fn insert(
    conn: &mut DbConnection,
    purpose: Purpose,
    person: Option<String>,
    now: PrimitiveDateTime,
) -> Result<String, AppError> {
    let token = fresh();
    diesel::insert_into(person_tokens::table)
        .values((
            person_tokens::token_hash.eq(hash(&token)),
            person_tokens::purpose.eq(purpose.as_str()),
            person_tokens::person_id.eq(person),
            person_tokens::created_at.eq(now),
            person_tokens::expires_at.eq(now + purpose.lifetime()),
        ))
        .execute(conn)?;
    Ok(token)
}

/// Ends every unused token of this purpose for this person (a new reset
/// request makes the links of earlier ones stop working).
pub fn revoke_unused(
    conn: &mut DbConnection,
    purpose: Purpose,
    person: PersonId,
    now: PrimitiveDateTime,
) -> Result<(), AppError> {
    diesel::update(
        person_tokens::table
            .filter(person_tokens::purpose.eq(purpose.as_str()))
            .filter(person_tokens::person_id.eq(person.to_string()))
            .filter(person_tokens::used_at.is_null()),
    )
    .set(person_tokens::used_at.eq(Some(now)))
    .execute(conn)?;
    Ok(())
}

/// Makes the token of an email's one-time link as the email is sent: the
/// outbox never holds it. Tokens asked for before this email (`asked_at`)
/// stop working; one made for this email's earlier attempt, or printed with
/// it at the command line, keeps working until used or expired.
pub fn issue_for_email(
    conn: &mut DbConnection,
    purpose: Purpose,
    person: PersonId,
    asked_at: PrimitiveDateTime,
    now: PrimitiveDateTime,
) -> Result<String, AppError> {
    diesel::update(
        person_tokens::table
            .filter(person_tokens::purpose.eq(purpose.as_str()))
            .filter(person_tokens::person_id.eq(person.to_string()))
            .filter(person_tokens::used_at.is_null())
            .filter(person_tokens::created_at.lt(asked_at)),
    )
    .set(person_tokens::used_at.eq(Some(now)))
    .execute(conn)?;
    insert(conn, purpose, Some(person.to_string()), now)
}

/// Whether the token works now, and for whom (`Some(None)` for setup).
pub fn find_valid(
    conn: &mut DbConnection,
    purpose: Purpose,
    token: &str,
    now: PrimitiveDateTime,
) -> Result<Option<Option<PersonId>>, AppError> {
    let found: Option<Option<String>> = person_tokens::table
        .find(hash(token))
        .filter(person_tokens::purpose.eq(purpose.as_str()))
        .filter(person_tokens::used_at.is_null())
        .filter(person_tokens::expires_at.gt(now))
        .select(person_tokens::person_id)
        .first(conn)
        .optional()?;
    Ok(found.map(|p| p.and_then(|p| PersonId::parse(&p))))
}

/// Uses the token up; `None` if it was not valid (used, expired, unknown).
pub fn consume(
    conn: &mut DbConnection,
    purpose: Purpose,
    token: &str,
    now: PrimitiveDateTime,
) -> Result<Option<Option<PersonId>>, AppError> {
    let Some(person) = find_valid(conn, purpose, token, now)? else {
        return Ok(None);
    };
    let used = diesel::update(
        person_tokens::table
            .find(hash(token))
            .filter(person_tokens::used_at.is_null()),
    )
    .set(person_tokens::used_at.eq(Some(now)))
    .execute(conn)?;
    Ok((used == 1).then_some(person))
}
