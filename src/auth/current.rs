//! The signed-in person, checked on every request that needs one.
//!
//! The person comes with the session: the store's `load` reads the session
//! row joined with its person in one query (`session_store`), and hands the
//! person over under `LOADED_PERSON_KEY`. So a signed-in request costs one
//! trip to the database for both, and none more here.

use std::future::Future;
use std::pin::Pin;

use actix_session::{Session, SessionExt};
use actix_web::{dev::Payload, web, FromRequest, HttpMessage, HttpRequest};

use super::session_store::{self, LoadedPerson};
use crate::error::AppError;
use crate::ids::PersonId;
use crate::people::domain::Role;
use crate::state::AppState;

/// The session key under which the signed-in person's id is kept.
pub const PERSON_KEY: &str = "person_id";
/// Session key: when the person signed in (unix seconds), for the
/// absolute timeout.
pub const SIGNED_IN_AT_KEY: &str = "signed_in_at";
/// Sessions end 12 hours after sign-in, however active.
pub const ABSOLUTE_TIMEOUT: time::Duration = time::Duration::hours(12);
/// Sessions end at most 30 minutes after the last request, and never
/// sooner than `IDLE_TIMEOUT - session_store::REFRESH_EVERY` (25 minutes):
/// the expiry is written back at most every 5 minutes, not on every request.
pub const IDLE_TIMEOUT: time::Duration = time::Duration::minutes(30);
/// Session key under which the store's `load` hands over the session's
/// person, read in the same query as the session. Never stored: the store
/// strips it before saving, and `load` always replaces it.
pub const LOADED_PERSON_KEY: &str = "loaded_person";

#[derive(Clone, Debug)]
pub struct CurrentPerson {
    pub id: PersonId,
    pub name: String,
    pub email: String,
    pub role: Role,
}

impl CurrentPerson {
    /// The person signed in on this request, if any; looked up once per request.
    pub async fn optional(req: &HttpRequest) -> Result<Option<Self>, AppError> {
        if let Some(cached) = req.extensions().get::<Option<CurrentPerson>>() {
            return Ok(cached.clone());
        }
        let state = req
            .app_data::<web::Data<AppState>>()
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("no app state")))?
            .clone();
        let found = Self::load(&req.get_session(), &state).await?;
        req.extensions_mut().insert(found.clone());
        Ok(found)
    }

    async fn load(session: &Session, state: &AppState) -> Result<Option<Self>, AppError> {
        let Some(id) = session
            .get::<String>(PERSON_KEY)
            .ok()
            .flatten()
            .and_then(|raw| PersonId::parse(&raw))
        else {
            return Ok(None);
        };
        let signed_in_at = session.get::<i64>(SIGNED_IN_AT_KEY).ok().flatten();
        let now = state.clock.now().unix_timestamp();
        let fresh = signed_in_at.is_some_and(|at| now - at < ABSOLUTE_TIMEOUT.whole_seconds());
        if !fresh {
            session.purge();
            return Ok(None);
        }
        // The person read with the session; read here only when the session
        // was signed in to someone else during this request (never in
        // practice: the answer is cached before the sign-in handler runs).
        let loaded = session
            .get::<LoadedPerson>(LOADED_PERSON_KEY)
            .ok()
            .flatten()
            .filter(|p| p.id == id.to_string());
        let person = match loaded {
            Some(person) => Some(person),
            None => {
                state
                    .db
                    .run(move |conn| session_store::find_person(conn, id))
                    .await?
            }
        };
        match person {
            Some(person) if person.active => {
                let role = Role::parse(&person.role)
                    .ok_or_else(|| AppError::internal(anyhow::anyhow!("person {id}: bad role")))?;
                Ok(Some(Self {
                    id,
                    name: person.name,
                    email: person.email,
                    role,
                }))
            }
            _ => {
                session.purge();
                Ok(None)
            }
        }
    }
}

impl FromRequest for CurrentPerson {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            Self::optional(&req)
                .await?
                .ok_or_else(|| AppError::Unauthenticated {
                    next: (req.method() == actix_web::http::Method::GET)
                        .then(|| req.uri().path_and_query().map(|p| p.to_string()))
                        .flatten(),
                })
        })
    }
}
