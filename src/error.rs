//! How things go wrong, and what the person sees when they do.
//!
//! A guide to choosing:
//! - a record that does not exist, or that the person may not know exists: `NotFound`;
//! - nobody signed in, or the session ended: `Unauthenticated` (a redirect to sign-in);
//! - signed in, but the role or ownership does not allow it: `Forbidden`;
//! - the request clashes with the current state (a duplicate, a used link): `Conflict`;
//! - too many attempts: `RateLimited`;
//! - a malformed request that no form of ours would send: `BadRequest`;
//! - everything else, which is our fault: `Internal`. Only this one is logged
//!   at error level, with its cause chain; its text never reaches the page.
//!
//! Invalid form input is not an error at all: it is a `FormErrors` value that
//! the handler renders beside the fields, with status 422.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};

#[derive(thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("sign-in required")]
    Unauthenticated { next: Option<String> },
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("rate limited: {0}")]
    RateLimited(String),
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The path is ours, the method is not: the methods it takes.
    #[error("method not allowed")]
    MethodNotAllowed(&'static str),
    /// The body came too slowly (a client trickling it, or a dead link).
    #[error("request body timed out")]
    Timeout,
    /// The body was larger than any form of ours sends.
    #[error("request body too large")]
    TooLarge,
    /// A change the service refused after looking at the database (a
    /// duplicate, a rule on the record's state): the form comes back with
    /// these beside its fields. Handlers catch it; one that escapes shows
    /// the messages on a 422 page.
    #[error("refused")]
    Refused(FormErrors),
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

/// SECURITY: logs show errors by their Debug form; the page a signed-out
/// person asked for may carry a one-time token in its query string, so only
/// its path is ever shown.
impl std::fmt::Debug for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotFound => f.write_str("NotFound"),
            Self::Unauthenticated { next } => f
                .debug_struct("Unauthenticated")
                .field("path", &next.as_deref().map(path_only))
                .finish(),
            Self::Forbidden(why) => f.debug_tuple("Forbidden").field(why).finish(),
            Self::Conflict(why) => f.debug_tuple("Conflict").field(why).finish(),
            Self::RateLimited(why) => f.debug_tuple("RateLimited").field(why).finish(),
            Self::BadRequest(why) => f.debug_tuple("BadRequest").field(why).finish(),
            Self::MethodNotAllowed(allow) => {
                f.debug_tuple("MethodNotAllowed").field(allow).finish()
            }
            Self::Timeout => f.write_str("Timeout"),
            Self::TooLarge => f.write_str("TooLarge"),
            Self::Refused(errors) => f.debug_tuple("Refused").field(errors).finish(),
            Self::Internal(cause) => f.debug_tuple("Internal").field(cause).finish(),
        }
    }
}

/// A path and query without its query.
pub fn path_only(path_and_query: &str) -> &str {
    path_and_query
        .split_once('?')
        .map_or(path_and_query, |(path, _)| path)
}

impl AppError {
    pub fn internal(error: impl Into<anyhow::Error>) -> Self {
        Self::Internal(error.into())
    }

    /// The heading and message of the error page; never the internal cause.
    pub fn page_text(&self) -> (&'static str, String) {
        match self {
            Self::NotFound => (
                "Page not found",
                "There is nothing at this address, or it is not yours to see.".into(),
            ),
            Self::Unauthenticated { .. } => ("Sign in", "Please sign in to continue.".into()),
            Self::Forbidden(why) => ("You cannot do this", (*why).to_owned()),
            Self::Conflict(why) => ("This cannot be done now", why.clone()),
            Self::RateLimited(why) => ("Too many attempts", why.clone()),
            Self::BadRequest(why) => ("Something was wrong with that request", why.clone()),
            Self::MethodNotAllowed(_) => (
                "That cannot be done here",
                "This address does not accept that request.".into(),
            ),
            Self::Timeout => (
                "That took too long",
                "What you sent arrived too slowly, so nothing was saved. Please try again.".into(),
            ),
            Self::TooLarge => (
                "That was too large",
                "What you sent was larger than this page accepts. Nothing was saved.".into(),
            ),
            Self::Refused(errors) => (
                "Please check what you entered",
                errors
                    .all()
                    .iter()
                    .map(|(_, message)| message.as_str())
                    .collect::<Vec<_>>()
                    .join(". "),
            ),
            Self::Internal(_) => (
                "Sorry, something went wrong",
                "Nothing was lost or half-saved. Please try again; if it happens again, \
                 tell the headteacher and quote the reference below."
                    .into(),
            ),
        }
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(error: diesel::result::Error) -> Self {
        match error {
            diesel::result::Error::NotFound => Self::NotFound,
            other => Self::Internal(other.into()),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(error: askama::Error) -> Self {
        Self::Internal(error.into())
    }
}

/// Marks a response as one of our error pages; `web::errors` renders it in
/// full, where the request id and the signed-in person are known.
#[derive(Clone, Debug)]
pub struct ErrorPage {
    pub title: &'static str,
    pub message: String,
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Unauthenticated { .. } => StatusCode::SEE_OTHER,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Self::Timeout => StatusCode::REQUEST_TIMEOUT,
            Self::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Refused(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let Self::Unauthenticated { next } = self {
            let location = match next {
                Some(next) => format!(
                    "{}?next={}",
                    crate::web::urls::LOGIN,
                    url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
                ),
                None => crate::web::urls::LOGIN.to_owned(),
            };
            return HttpResponse::SeeOther()
                .insert_header((header::LOCATION, location))
                .finish();
        }
        let (title, message) = self.page_text();
        let mut builder = HttpResponse::build(self.status_code());
        if matches!(self, Self::Timeout | Self::TooLarge) {
            // The rest of the body is not worth waiting for.
            builder.force_close();
        }
        if let Self::MethodNotAllowed(allow) = self {
            builder.insert_header((header::ALLOW, *allow));
        }
        let mut response = builder.finish();
        response
            .extensions_mut()
            .insert(ErrorPage { title, message });
        response
    }
}

/// Every problem with a submitted form, by field, in the order found.
#[derive(Debug, Default, Clone)]
pub struct FormErrors {
    errors: Vec<(&'static str, String)>,
}

impl FormErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.errors.push((field, message.into()));
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// The first message for `field`, shown beside it.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    /// Every error, for the summary at the top of the page.
    pub fn all(&self) -> &[(&'static str, String)] {
        &self.errors
    }

    /// `Ok(value)` when nothing was wrong.
    pub fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, FormErrors> {
        if self.is_empty() {
            Ok(value())
        } else {
            Err(self)
        }
    }
}
