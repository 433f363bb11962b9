//! Server-side sessions for actix-session, kept in the database so that a
//! person's sessions can be ended at once (deactivation, role or password
//! change) and a copied cookie dies with sign-out.
//!
//! A request's session costs one trip to the blocking pool: `load` reads
//! the session row and its person in one query and passes the person on to
//! `CurrentPerson` (under `LOADED_PERSON_KEY`). The expiry is written back
//! by that same trip only when it was last written `REFRESH_EVERY` ago or
//! more, so a busy person's requests are reads, and the writes that would
//! empty every pooled SQLite connection's page cache are rare.
//!
//! SECURITY: ending sessions stays immediate on every instance: sign-out,
//! deactivation and role or password changes delete the rows, and every
//! request reads its row. The idle bound stays 30 minutes at most: an
//! expiry is always `IDLE_TIMEOUT` after a request that was seen, so a
//! session ends between 25 and 30 minutes after its last request.

use std::collections::HashMap;
use std::sync::Arc;

use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration as CookieDuration;
use diesel::prelude::*;
use rand::distr::{Alphanumeric, SampleString};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::current::{IDLE_TIMEOUT, LOADED_PERSON_KEY, PERSON_KEY, SIGNED_IN_AT_KEY};
use crate::clock::{to_row, Clock};
use crate::db::schema::{people, web_sessions};
use crate::db::{Db, DbConnection};
use crate::error::AppError;
use crate::ids::PersonId;

#[derive(Clone)]
pub struct DbSessionStore {
    db: Db,
    clock: Arc<dyn Clock>,
}

impl DbSessionStore {
    pub fn new(db: Db, clock: Arc<dyn Clock>) -> Self {
        Self { db, clock }
    }

    fn expiry(&self, ttl: &CookieDuration) -> time::PrimitiveDateTime {
        to_row(self.clock.now() + time::Duration::seconds(ttl.whole_seconds()))
    }
}

/// The expiry is written back when it is older than this (and on any change
/// of the session's state).
pub const REFRESH_EVERY: time::Duration = time::Duration::minutes(5);

/// SECURITY: only a hash of the cookie's key is stored, so a copy of the
/// database does not hand out live sessions.
fn key_hash(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

fn person_of(state: &HashMap<String, String>) -> Option<String> {
    state
        .get(PERSON_KEY)
        .and_then(|v| serde_json::from_str::<String>(v).ok())
}

/// The state as stored: without the person `load` handed over.
fn stored(mut state: HashMap<String, String>) -> Result<String, serde_json::Error> {
    state.remove(LOADED_PERSON_KEY);
    serde_json::to_string(&state)
}

/// The session's person, read with it: only what `CurrentPerson` needs.
#[derive(Queryable, Serialize, Deserialize, Debug)]
pub struct LoadedPerson {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: String,
    pub active: bool,
}

const PERSON_COLUMNS: (
    people::id,
    people::name,
    people::email,
    people::role,
    people::active,
) = (
    people::id,
    people::name,
    people::email,
    people::role,
    people::active,
);

/// What `CurrentPerson` needs of a person, by their id (a unique key: no
/// `LIMIT`, so the statement stays prepared).
pub fn find_person(
    conn: &mut DbConnection,
    id: PersonId,
) -> Result<Option<LoadedPerson>, AppError> {
    Ok(people::table
        .find(id.to_string())
        .select(PERSON_COLUMNS)
        .get_result(conn)
        .optional()?)
}

impl SessionStore for DbSessionStore {
    async fn load(
        &self,
        session_key: &SessionKey,
    ) -> Result<Option<HashMap<String, String>>, LoadError> {
        let hash = key_hash(session_key.as_ref());
        let now = self.clock.now();
        let (now_row, due, fresh) = (
            to_row(now),
            to_row(now + IDLE_TIMEOUT - REFRESH_EVERY),
            to_row(now + IDLE_TIMEOUT),
        );
        let found = self
            .db
            .run(move |conn| {
                let found = web_sessions::table
                    .left_join(people::table.on(people::id.nullable().eq(web_sessions::person_id)))
                    .filter(web_sessions::key_hash.eq(&hash))
                    .filter(web_sessions::expires_at.gt(now_row))
                    .select((
                        web_sessions::state,
                        web_sessions::expires_at,
                        PERSON_COLUMNS.nullable(),
                    ))
                    .get_result::<(String, time::PrimitiveDateTime, Option<LoadedPerson>)>(conn)
                    .optional()?;
                if let Some((_, expires_at, _)) = &found {
                    if *expires_at <= due {
                        // A row ended meanwhile is not brought back: the
                        // update finds nothing.
                        diesel::update(web_sessions::table.find(hash))
                            .set(web_sessions::expires_at.eq(fresh))
                            .execute(conn)?;
                    }
                }
                Ok(found)
            })
            .await
            .map_err(|e| LoadError::Other(anyhow::anyhow!("{e:?}")))?;
        let Some((state, _, person)) = found else {
            return Ok(None);
        };
        let mut state: HashMap<String, String> =
            serde_json::from_str(&state).map_err(|e| LoadError::Deserialization(e.into()))?;
        state.remove(LOADED_PERSON_KEY);
        if let Some(person) = person {
            let person = serde_json::to_string(&person).map_err(|e| LoadError::Other(e.into()))?;
            state.insert(LOADED_PERSON_KEY.to_owned(), person);
        }
        Ok(Some(state))
    }

    async fn save(
        &self,
        session_state: HashMap<String, String>,
        ttl: &CookieDuration,
    ) -> Result<SessionKey, SaveError> {
        let key = Alphanumeric.sample_string(&mut rand::rng(), 64);
        let session_key = SessionKey::try_from(key.clone())
            .map_err(|e| SaveError::Other(anyhow::anyhow!("{e}")))?;
        let person = person_of(&session_state);
        let state = stored(session_state).map_err(|e| SaveError::Serialization(e.into()))?;
        let expires_at = self.expiry(ttl);
        let hash = key_hash(&key);
        self.db
            .run(move |conn| {
                diesel::insert_into(web_sessions::table)
                    .values((
                        web_sessions::key_hash.eq(hash),
                        web_sessions::person_id.eq(person),
                        web_sessions::state.eq(state),
                        web_sessions::expires_at.eq(expires_at),
                    ))
                    .execute(conn)?;
                Ok(())
            })
            .await
            .map_err(|e| SaveError::Other(anyhow::anyhow!("{e:?}")))?;
        Ok(session_key)
    }

    async fn update(
        &self,
        session_key: SessionKey,
        session_state: HashMap<String, String>,
        ttl: &CookieDuration,
    ) -> Result<SessionKey, UpdateError> {
        let person = person_of(&session_state);
        let state =
            stored(session_state.clone()).map_err(|e| UpdateError::Serialization(e.into()))?;
        let expires_at = self.expiry(ttl);
        let hash = key_hash(session_key.as_ref());
        let updated = self
            .db
            .run(move |conn| {
                Ok(diesel::update(web_sessions::table.find(hash))
                    .set((
                        web_sessions::person_id.eq(person),
                        web_sessions::state.eq(state),
                        web_sessions::expires_at.eq(expires_at),
                    ))
                    .execute(conn)?)
            })
            .await
            .map_err(|e| UpdateError::Other(anyhow::anyhow!("{e:?}")))?;
        if updated == 0 {
            // The session was ended meanwhile (sign-out, deactivation, a
            // role or password change): never bring it back. SECURITY: the
            // fresh one keeps no sign-in, or a request racing the ending
            // would carry the person on under a new key.
            let mut session_state = session_state;
            session_state.remove(PERSON_KEY);
            session_state.remove(SIGNED_IN_AT_KEY);
            return self
                .save(session_state, ttl)
                .await
                .map_err(|e| UpdateError::Other(anyhow::anyhow!("{e}")));
        }
        Ok(session_key)
    }

    async fn update_ttl(
        &self,
        session_key: &SessionKey,
        ttl: &CookieDuration,
    ) -> Result<(), anyhow::Error> {
        let expires_at = self.expiry(ttl);
        let hash = key_hash(session_key.as_ref());
        self.db
            .run(move |conn| {
                diesel::update(web_sessions::table.find(hash))
                    .set(web_sessions::expires_at.eq(expires_at))
                    .execute(conn)?;
                Ok(())
            })
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))
    }

    async fn delete(&self, session_key: &SessionKey) -> Result<(), anyhow::Error> {
        let hash = key_hash(session_key.as_ref());
        self.db
            .run(move |conn| {
                diesel::delete(web_sessions::table.find(hash)).execute(conn)?;
                Ok(())
            })
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))
    }
}

/// Ends every session of a person. Call it inside the transaction that
/// deactivates them or changes their role or password.
pub fn end_sessions_of(conn: &mut DbConnection, person: PersonId) -> Result<usize, AppError> {
    Ok(
        diesel::delete(web_sessions::table.filter(web_sessions::person_id.eq(person.to_string())))
            .execute(conn)?,
    )
}

/// Removes expired sessions, so the table does not grow without end.
pub fn delete_expired(
    conn: &mut DbConnection,
    now: time::PrimitiveDateTime,
) -> Result<usize, AppError> {
    Ok(
        diesel::delete(web_sessions::table.filter(web_sessions::expires_at.le(now)))
            .execute(conn)?,
    )
}
