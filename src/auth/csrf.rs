//! CSRF protection: the synchronizer-token pattern. Each session holds a
//! random token; every form that changes anything carries it; a POST whose
//! token does not match is refused with 403 before anything happens.
//!
//! SECURITY: sessions already live on the server (`session_store`), so the
//! token is bound to the session there rather than in a second cookie (the
//! double-submit pattern, which a sibling subdomain could overwrite).

use std::future::Future;
use std::pin::Pin;

use actix_session::{Session, SessionExt};
use actix_web::{dev::Payload, web, FromRequest, HttpRequest};
use rand::distr::{Alphanumeric, SampleString};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use subtle::ConstantTimeEq;

use crate::error::AppError;

const SESSION_KEY: &str = "csrf";
/// The form field every state-changing form carries.
pub const FIELD: &str = "csrf_token";

/// The session's token, made on first use.
pub fn token(session: &Session) -> Result<String, AppError> {
    if let Some(token) = session
        .get::<String>(SESSION_KEY)
        .map_err(AppError::internal)?
    {
        return Ok(token);
    }
    let token = Alphanumeric.sample_string(&mut rand::rng(), 43);
    session
        .insert(SESSION_KEY, &token)
        .map_err(AppError::internal)?;
    Ok(token)
}

/// A new token, at sign-in and sign-out.
pub fn rotate(session: &Session) {
    session.remove(SESSION_KEY);
}

#[derive(Deserialize)]
struct TokenField {
    #[serde(default)]
    csrf_token: String,
}

/// Checks a token sent with a form against the session's, in constant
/// time. For forms read by hand (file uploads); others use `CsrfForm`.
pub fn verify(session: &Session, sent: &str) -> Result<(), AppError> {
    let expected = session
        .get::<String>(SESSION_KEY)
        .ok()
        .flatten()
        .unwrap_or_default();
    let matches = !expected.is_empty() && bool::from(sent.as_bytes().ct_eq(expected.as_bytes()));
    if matches {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "This form has expired or did not come from Custodian, so nothing was changed. Go \
             back, reload the page and try again.",
        ))
    }
}

/// A URL-encoded form whose CSRF token has been checked.
pub struct CsrfForm<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for CsrfForm<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let body = web::Bytes::from_request(&req, payload);
        Box::pin(async move {
            let body = body.await.map_err(|e| {
                if e.as_response_error().status_code()
                    == actix_web::http::StatusCode::PAYLOAD_TOO_LARGE
                {
                    AppError::BadRequest("What you sent was too large. Nothing was saved.".into())
                } else {
                    AppError::BadRequest("The form could not be read.".into())
                }
            })?;
            let sent = serde_urlencoded::from_bytes::<TokenField>(&body)
                .map(|f| f.csrf_token)
                .unwrap_or_default();
            verify(&req.get_session(), &sent)?;
            serde_urlencoded::from_bytes::<T>(&body)
                .map(CsrfForm)
                .map_err(|_| AppError::BadRequest("The form could not be read.".into()))
        })
    }
}

/// For forms with nothing but the token (sign-out, a retry button).
#[derive(Deserialize)]
pub struct NoFields {}
