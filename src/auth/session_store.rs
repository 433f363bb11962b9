//! Server-side sessions for actix-session, kept in the database so that a
//! person's sessions can be ended at once (deactivation, role or password
//! change) and a copied cookie dies with sign-out.

use std::collections::HashMap;
use std::sync::Arc;

use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration as CookieDuration;
use diesel::prelude::*;
use rand::distr::{Alphanumeric, SampleString};
use sha2::{Digest, Sha256};

use super::current::PERSON_KEY;
use crate::clock::{to_row, Clock};
use crate::db::schema::web_sessions;
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

impl SessionStore for DbSessionStore {
    async fn load(
        &self,
        session_key: &SessionKey,
    ) -> Result<Option<HashMap<String, String>>, LoadError> {
        let hash = key_hash(session_key.as_ref());
        let now = self.clock.now_row();
        let state = self
            .db
            .run(move |conn| {
                Ok(web_sessions::table
                    .find(hash)
                    .filter(web_sessions::expires_at.gt(now))
                    .select(web_sessions::state)
                    .first::<String>(conn)
                    .optional()?)
            })
            .await
            .map_err(|e| LoadError::Other(anyhow::anyhow!("{e:?}")))?;
        state
            .map(|s| serde_json::from_str(&s))
            .transpose()
            .map_err(|e| LoadError::Deserialization(e.into()))
    }

    async fn save(
        &self,
        session_state: HashMap<String, String>,
        ttl: &CookieDuration,
    ) -> Result<SessionKey, SaveError> {
        let key = Alphanumeric.sample_string(&mut rand::rng(), 64);
        let session_key = SessionKey::try_from(key.clone())
            .map_err(|e| SaveError::Other(anyhow::anyhow!("{e}")))?;
        let state = serde_json::to_string(&session_state)
            .map_err(|e| SaveError::Serialization(e.into()))?;
        let person = person_of(&session_state);
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
        let state = serde_json::to_string(&session_state)
            .map_err(|e| UpdateError::Serialization(e.into()))?;
        let person = person_of(&session_state);
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
            // The session was ended meanwhile (signed out elsewhere): never
            // bring it back; start a fresh one instead.
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
