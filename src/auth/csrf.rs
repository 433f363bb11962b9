//! CSRF protection. Signed in, it is the synchronizer-token pattern: the
//! session holds a random token; every form that changes anything carries
//! it; a POST whose token does not match is refused with 403 before
//! anything happens. Signed out (the sign-in, reset and set-password forms),
//! there is no session, and none is made: the token is signed instead.
//!
//! SECURITY: sessions already live on the server (`session_store`), so the
//! signed-in token is bound to the session there rather than in a second
//! cookie (the double-submit pattern, which a sibling subdomain could
//! overwrite).
//!
//! SECURITY: before sign-in nobody gets a session row (a row per cookieless
//! request let anyone fill the database). The signed-out forms still need
//! protection, above all against login CSRF (a hostile page signing the
//! victim in to the attacker's account, so that what they record lands
//! there). A token bound to nothing but its expiry would not stop that: the
//! attacker fetches a valid one and posts it from their page. So the form's
//! token is an HMAC-SHA256, under a key derived from the cookie key (kept in
//! `app_secrets`), over a random nonce and an expiry; the nonce lives in a
//! short-lived cookie that is HttpOnly, SameSite=Strict (a cross-site post
//! does not carry it) and, under https, `__Host-` prefixed (a sibling
//! subdomain cannot plant one). A post is accepted only when the field's
//! MAC matches the cookie's nonce and has not expired: the attacker can
//! neither read the victim's cookie nor make it be sent from their page.

use std::future::Future;
use std::pin::Pin;

use actix_session::{Session, SessionExt};
use actix_web::body::MessageBody;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{dev::Payload, web, FromRequest, HttpMessage, HttpRequest};
use hmac::{Hmac, Mac};
use rand::distr::{Alphanumeric, SampleString};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use sha2::Sha256;
use subtle::ConstantTimeEq;

use super::current::PERSON_KEY;
use crate::error::AppError;
use crate::state::AppState;

const SESSION_KEY: &str = "csrf";
/// The form field every state-changing form carries.
pub const FIELD: &str = "csrf_token";
/// How long a signed-out form stays usable.
const SIGNED_OUT_TTL: time::Duration = time::Duration::hours(2);
const NONCE_COOKIE: &str = "custodian_csrf";
const NONCE_COOKIE_HTTPS: &str = "__Host-custodian_csrf";

/// The key that signs signed-out tokens, derived from the cookie key so that
/// every instance on a shared database agrees.
#[derive(Clone)]
pub struct CsrfKey(Hmac<Sha256>);

impl CsrfKey {
    pub fn derive(cookie_key: &actix_web::cookie::Key) -> anyhow::Result<Self> {
        Self::from_secret(cookie_key.signing())
    }

    fn from_secret(secret: &[u8]) -> anyhow::Result<Self> {
        let mut derive = <Hmac<Sha256> as Mac>::new_from_slice(secret)?;
        derive.update(b"custodian signed-out csrf key v1");
        let key = derive.finalize().into_bytes();
        Ok(Self(<Hmac<Sha256> as Mac>::new_from_slice(&key)?))
    }

    fn mac(&self, nonce: &str, expires: i64) -> String {
        let mut mac = self.0.clone();
        mac.update(nonce.as_bytes());
        mac.update(b"|");
        mac.update(expires.to_string().as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// `expires.mac` for this nonce.
    fn sign(&self, nonce: &str, expires: i64) -> String {
        format!("{expires}.{}", self.mac(nonce, expires))
    }

    /// Whether `token` was signed by us for `nonce` and has not expired.
    fn check(&self, nonce: &str, token: &str, now: i64) -> bool {
        let Some((expires, mac)) = token.split_once('.') else {
            return false;
        };
        let Ok(expires) = expires.parse::<i64>() else {
            return false;
        };
        if nonce.is_empty() || expires <= now {
            return false;
        }
        bool::from(mac.as_bytes().ct_eq(self.mac(nonce, expires).as_bytes()))
    }
}

/// The nonce this request's forms were signed for, for the cookie the
/// response sets.
#[derive(Clone)]
struct NonceInUse(String);

fn signed_in(session: &Session) -> bool {
    session.get::<String>(PERSON_KEY).ok().flatten().is_some()
}

fn nonce_cookie_name(req: &HttpRequest) -> &'static str {
    let https = req
        .app_data::<web::Data<AppState>>()
        .is_some_and(|s| s.settings.served_over_https());
    if https {
        NONCE_COOKIE_HTTPS
    } else {
        NONCE_COOKIE
    }
}

fn parts(req: &HttpRequest) -> Result<(CsrfKey, i64), AppError> {
    let key = req
        .app_data::<web::Data<CsrfKey>>()
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("no CSRF key")))?
        .get_ref()
        .clone();
    let now = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("no app state")))?
        .clock
        .now()
        .unix_timestamp();
    Ok((key, now))
}

fn sent_nonce(req: &HttpRequest) -> Option<String> {
    req.cookie(nonce_cookie_name(req))
        .map(|c| c.value().to_owned())
        .filter(|v| v.len() == 43 && v.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// The token for this request's forms. Signed in: the session's, made on
/// first use. Signed out: a signed token, and never a session.
pub fn token(req: &HttpRequest) -> Result<String, AppError> {
    let session = req.get_session();
    if let Some(token) = session
        .get::<String>(SESSION_KEY)
        .map_err(AppError::internal)?
    {
        return Ok(token);
    }
    if signed_in(&session) {
        let token = Alphanumeric.sample_string(&mut rand::rng(), 43);
        session
            .insert(SESSION_KEY, &token)
            .map_err(AppError::internal)?;
        return Ok(token);
    }
    let (key, now) = parts(req)?;
    let in_use = req.extensions().get::<NonceInUse>().cloned();
    let nonce = in_use
        .map(|n| n.0)
        .or_else(|| sent_nonce(req))
        .unwrap_or_else(|| Alphanumeric.sample_string(&mut rand::rng(), 43));
    // The cookie is set again with the page, so it lives as long as the
    // token in the page's forms.
    req.extensions_mut().insert(NonceInUse(nonce.clone()));
    Ok(key.sign(&nonce, now + SIGNED_OUT_TTL.whole_seconds()))
}

/// Sets the signed-out nonce cookie when a page signed a token for it. Wraps the
/// session middleware, so it sees error pages too.
pub async fn nonce_cookie(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let mut response = next.call(req).await?;
    let in_use = response.request().extensions().get::<NonceInUse>().cloned();
    if let Some(NonceInUse(nonce)) = in_use {
        let name = nonce_cookie_name(response.request());
        let https = name == NONCE_COOKIE_HTTPS;
        let cookie = Cookie::build(name, nonce)
            .path("/")
            .http_only(true)
            .secure(https)
            .same_site(SameSite::Strict)
            .max_age(actix_web::cookie::time::Duration::seconds(
                SIGNED_OUT_TTL.whole_seconds(),
            ))
            .finish();
        response.response_mut().add_cookie(&cookie)?;
    }
    Ok(response)
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

fn refused() -> AppError {
    AppError::Forbidden(
        "This form has expired or did not come from Custodian, so nothing was changed. Go \
         back, reload the page and try again.",
    )
}

/// Checks a token sent with a form, in constant time: against the session's
/// when signed in, else as a signed-out token paired with its cookie. For
/// forms read by hand (file uploads); others use `CsrfForm`.
pub fn verify(req: &HttpRequest, sent: &str) -> Result<(), AppError> {
    let session = req.get_session();
    let expected = session
        .get::<String>(SESSION_KEY)
        .ok()
        .flatten()
        .unwrap_or_default();
    if !expected.is_empty() || signed_in(&session) {
        let matches =
            !expected.is_empty() && bool::from(sent.as_bytes().ct_eq(expected.as_bytes()));
        return if matches { Ok(()) } else { Err(refused()) };
    }
    let (key, now) = parts(req)?;
    match sent_nonce(req) {
        Some(nonce) if key.check(&nonce, sent, now) => Ok(()),
        _ => Err(refused()),
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
            let body = body.await.map_err(|e| crate::web::form::body_error(&e))?;
            let sent = serde_urlencoded::from_bytes::<TokenField>(&body)
                .map(|f| f.csrf_token)
                .unwrap_or_default();
            verify(&req, &sent)?;
            if !crate::web::form::is_text(&body) {
                return Err(AppError::BadRequest(
                    "The form held something that is not text, so nothing was saved. Go back and \
                     type it again."
                        .into(),
                ));
            }
            // serde_html_form: a field that repeats (ticked boxes) reads as a list.
            serde_html_form::from_bytes::<T>(&body)
                .map(CsrfForm)
                .map_err(|_| AppError::BadRequest("The form could not be read.".into()))
        })
    }
}

/// For forms with nothing but the token (sign-out, a retry button).
#[derive(Deserialize)]
pub struct NoFields {}

#[cfg(test)]
mod tests {
    use super::CsrfKey;

    #[test]
    fn a_signed_out_token_holds_only_for_its_nonce_and_until_it_expires() {
        let key = CsrfKey::from_secret(&[7; 32]).unwrap();
        let token = key.sign("nonce-a", 1_000);
        assert!(key.check("nonce-a", &token, 999));
        assert!(!key.check("nonce-a", &token, 1_000), "expired");
        assert!(
            !key.check("nonce-b", &token, 999),
            "another browser's nonce"
        );
        assert!(!key.check("", &token, 999));
        let other = CsrfKey::from_secret(&[8; 32]).unwrap();
        assert!(!other.check("nonce-a", &token, 999), "another key");
        let stretched = token.replacen("1000", "9000", 1);
        assert!(!key.check("nonce-a", &stretched, 999), "expiry is signed");
        assert!(!key.check("nonce-a", "garbage", 999));
    }
}
