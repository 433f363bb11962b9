//! The signed-in person, checked on every request that needs one.

use std::future::Future;
use std::pin::Pin;

use actix_session::{Session, SessionExt};
use actix_web::{dev::Payload, web, FromRequest, HttpMessage, HttpRequest};

use crate::error::AppError;
use crate::ids::PersonId;
use crate::people::domain::Role;
use crate::people::store as people_store;
use crate::state::AppState;

/// The session key under which the signed-in person's id is kept.
pub const PERSON_KEY: &str = "person_id";
/// Session key: when the person signed in (unix seconds), for the
/// absolute timeout.
pub const SIGNED_IN_AT_KEY: &str = "signed_in_at";
/// Sessions end 12 hours after sign-in, however active.
pub const ABSOLUTE_TIMEOUT: time::Duration = time::Duration::hours(12);
/// Sessions end after 30 minutes without a request.
pub const IDLE_TIMEOUT: time::Duration = time::Duration::minutes(30);

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
        let person = state
            .db
            .run(move |conn| people_store::find_person(conn, id))
            .await?;
        match person {
            Some(person) if person.active => Ok(Some(Self {
                id: person.id,
                name: person.name,
                email: person.email,
                role: person.role,
            })),
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
