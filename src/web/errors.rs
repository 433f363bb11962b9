//! Error pages: every refused or failed request gets a plain page in the
//! site's layout, with a reference (the request id) that is also logged.
//! Panics are caught here too, so the process keeps serving.

use std::panic::AssertUnwindSafe;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;
use futures_util::FutureExt;

use crate::error::AppError;
use crate::web::layout::PageContext;

#[derive(Template)]
#[template(path = "errors/error.html")]
pub struct ErrorPageView {
    pub page: PageContext,
    pub status: u16,
    pub title: String,
    pub message: String,
}

pub async fn error_pages(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    // Taken before the call: a panic takes the request down with it, and
    // the request must not be cloned before routing (actix needs it unique).
    let fallback = Fallback::of(&req);
    let outcome = AssertUnwindSafe(next.call(req)).catch_unwind().await;
    let response = match outcome {
        Ok(Ok(response)) => response.map_into_boxed_body(),
        Ok(Err(error)) => {
            tracing::error!(error = ?error, request_id = %fallback.request_id, "request failed");
            return Ok(fallback.respond(StatusCode::INTERNAL_SERVER_ERROR));
        }
        Err(_panic) => {
            tracing::error!(request_id = %fallback.request_id, "a handler panicked");
            return Ok(fallback.respond(StatusCode::INTERNAL_SERVER_ERROR));
        }
    };
    let status = response.status();
    if let Some(app_error @ AppError::Unauthenticated { .. }) = response
        .response()
        .error()
        .and_then(|e| e.as_error::<AppError>())
    {
        log(response.request(), status, app_error);
    }
    if status.as_u16() < 400 || is_html(response.response()) {
        return Ok(response);
    }

    let (title, message) = match response
        .response()
        .error()
        .and_then(|e| e.as_error::<AppError>())
    {
        Some(app_error) => {
            log(response.request(), status, app_error);
            let (title, message) = app_error.page_text();
            (title.to_owned(), message)
        }
        None => {
            if status.is_server_error() {
                tracing::error!(
                    error = ?response.response().error(),
                    "request failed"
                );
            }
            generic_text(status)
        }
    };
    let (http_req, original) = response.into_parts();
    let mut page = render_error_page(&http_req, status, title, message).await;
    keep_headers(&original, &mut page);
    Ok(ServiceResponse::new(http_req, page))
}

/// What the error's own response said besides its body (`Allow` on a 405,
/// closing the connection after a body that came too slowly).
fn keep_headers<B>(original: &HttpResponse<B>, page: &mut HttpResponse) {
    for (name, value) in original.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            page.headers_mut().append(name.clone(), value.clone());
        }
    }
    if original.head().connection_type() == actix_web::http::ConnectionType::Close {
        page.head_mut()
            .set_connection_type(actix_web::http::ConnectionType::Close);
    }
}

/// The last resort, outside the session and flash middleware: whatever they
/// or anything inside raise (an error, a panic, a bare error response) is
/// answered with the error page and its reference; the security headers,
/// outside this, are added to it like to any page.
pub async fn last_resort(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let fallback = Fallback::of(&req);
    let outcome = AssertUnwindSafe(next.call(req)).catch_unwind().await;
    match outcome {
        Ok(Ok(response)) => {
            let status = response.status();
            if status.as_u16() < 400 || is_html(response.response()) {
                return Ok(response.map_into_boxed_body());
            }
            if status.is_server_error() {
                tracing::error!(
                    error = ?response.response().error(),
                    request_id = %fallback.request_id,
                    "request failed"
                );
            }
            let (http_req, original) = response.into_parts();
            let mut page = fallback.page(status);
            keep_headers(&original, &mut page);
            Ok(ServiceResponse::new(http_req, page))
        }
        Ok(Err(error)) => {
            let status = error.as_response_error().status_code();
            if status.as_u16() < 400 {
                // Not a failure (a redirect to sign-in): its own answer.
                return Ok(Fallback::carry(error.error_response()));
            }
            if status.is_server_error() {
                tracing::error!(error = ?error, request_id = %fallback.request_id, "request failed");
            }
            Ok(fallback.respond(status))
        }
        Err(_panic) => {
            tracing::error!(request_id = %fallback.request_id, "a handler panicked");
            Ok(fallback.respond(StatusCode::INTERNAL_SERVER_ERROR))
        }
    }
}

/// HEAD is answered wherever GET is, centrally: routed as GET, and the
/// connection sends the headers without the body.
pub async fn head_as_get(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if req.method() == Method::HEAD {
        req.head_mut().method = Method::GET;
    }
    next.call(req).await
}

/// Enough to answer when the request itself is lost (a panic).
struct Fallback {
    request_id: String,
    school_name: String,
    path: String,
}

impl Fallback {
    fn of(req: &ServiceRequest) -> Self {
        use actix_web::HttpMessage;
        Self {
            request_id: req
                .extensions()
                .get::<tracing_actix_web::RequestId>()
                .map(|id| id.to_string())
                .unwrap_or_default(),
            school_name: req
                .app_data::<actix_web::web::Data<crate::state::AppState>>()
                .map(|s| s.settings.school_name.clone())
                .unwrap_or_default(),
            path: req.path().to_owned(),
        }
    }

    /// The error page for `status`, without the signed-in person (the
    /// session may be what failed).
    fn page(self, status: StatusCode) -> HttpResponse {
        let (title, message) = generic_text(status);
        let body = ErrorPageView {
            page: PageContext {
                school_name: self.school_name,
                person: None,
                flash: Vec::new(),
                csrf_token: String::new(),
                request_id: self.request_id,
                path: self.path,
            },
            status: status.as_u16(),
            title,
            message,
        }
        .render()
        .unwrap_or_else(|_| "Sorry, something went wrong.".to_owned());
        HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .body(body)
    }

    fn respond(self, status: StatusCode) -> ServiceResponse<BoxBody> {
        let response = self.page(status);
        Self::carry(response)
    }

    /// The original request is gone; a bare one carries the response out.
    fn carry(response: HttpResponse) -> ServiceResponse<BoxBody> {
        ServiceResponse::new(
            actix_web::test::TestRequest::default().to_http_request(),
            response,
        )
    }
}

fn is_html<B>(response: &HttpResponse<B>) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
}

/// How loudly a refused or failed request is logged. A redirect to sign-in
/// is the ordinary way in, not an error; only our own failures are errors.
pub fn log_level(error: &AppError) -> tracing::Level {
    match error {
        AppError::Internal(_) => tracing::Level::ERROR,
        AppError::Forbidden(_) => tracing::Level::WARN,
        AppError::Unauthenticated { .. } => tracing::Level::DEBUG,
        _ => tracing::Level::INFO,
    }
}

/// SECURITY: the path only, never the query string (it may carry a
/// one-time token), nor the `next` it would return to.
fn log(req: &HttpRequest, status: StatusCode, error: &AppError) {
    let path = req.path();
    let status = status.as_u16();
    match (log_level(error), error) {
        (_, AppError::Internal(cause)) => {
            tracing::error!(status, path, error = ?cause, "internal error")
        }
        (tracing::Level::WARN, _) => {
            tracing::warn!(
                status,
                path,
                "refused: the role or ownership does not allow it"
            )
        }
        (tracing::Level::DEBUG, _) => tracing::debug!(status, path, "sign-in required"),
        (_, other) => tracing::info!(status, path, error = %other, "request refused"),
    }
}

fn generic_text(status: StatusCode) -> (String, String) {
    let (title, message) = match status.as_u16() {
        404 => (
            "Page not found",
            "There is nothing at this address, or it is not yours to see.",
        ),
        405 => (
            "That cannot be done here",
            "This address does not accept that request.",
        ),
        408 => (
            "That took too long",
            "What you sent arrived too slowly, so nothing was saved. Please try again.",
        ),
        413 => (
            "That was too large",
            "What you sent was larger than this page accepts. Nothing was saved.",
        ),
        400..=499 => (
            "Something was wrong with that request",
            "Please go back and try again.",
        ),
        _ => (
            "Sorry, something went wrong",
            "Nothing was lost or half-saved. Please try again; if it happens again, \
             tell the headteacher and quote the reference below.",
        ),
    };
    (title.to_owned(), message.to_owned())
}

async fn render_error_page(
    req: &HttpRequest,
    status: StatusCode,
    title: String,
    message: String,
) -> HttpResponse {
    let body = match PageContext::build(req).await {
        Ok(page) => ErrorPageView {
            page,
            status: status.as_u16(),
            title,
            message,
        }
        .render()
        .ok(),
        Err(_) => None,
    };
    // The layout could not be built (the database is down, say): plain text.
    let body = body.unwrap_or_else(|| "Sorry, something went wrong.".to_owned());
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(body)
}

/// Unmatched requests: 405 with `Allow` when the path is ours but the
/// method is not, else our 404 page.
pub async fn not_found(req: HttpRequest) -> Result<HttpResponse, AppError> {
    if req.resource_map().has_resource(req.path()) {
        return Err(AppError::MethodNotAllowed(allowed_methods(req.method())));
    }
    Err(AppError::NotFound)
}

/// Every page of ours answers GET (and HEAD) or POST, so a path that exists
/// but did not route takes the other; for any other method, both may.
fn allowed_methods(tried: &Method) -> &'static str {
    match *tried {
        Method::POST => "GET, HEAD",
        Method::GET | Method::HEAD => "POST",
        _ => "GET, HEAD, POST",
    }
}

#[cfg(test)]
mod logging_tests {
    use crate::error::AppError;

    #[test]
    fn a_redirect_to_sign_in_is_not_an_error_and_its_query_is_never_logged() {
        // The integration binary cannot capture the app's log, so the
        // decision and what the log would show are checked here.
        let redirect = AppError::Unauthenticated {
            next: Some("/invitation?token=SECRET-ONE-TIME".into()),
        };
        assert_eq!(super::log_level(&redirect), tracing::Level::DEBUG);
        let shown = format!("{redirect:?}");
        assert!(!shown.contains("SECRET") && !shown.contains('?'), "{shown}");
        assert!(shown.contains("/invitation"));
        assert_eq!(
            super::log_level(&AppError::internal(anyhow::anyhow!("disk full"))),
            tracing::Level::ERROR
        );
        assert_eq!(
            super::log_level(&AppError::Forbidden("no")),
            tracing::Level::WARN
        );
        assert_eq!(super::log_level(&AppError::NotFound), tracing::Level::INFO);
    }
}

#[cfg(test)]
mod tests {
    use actix_web::{middleware::from_fn, test, web, App, HttpResponse};

    #[actix_web::test]
    async fn a_panic_becomes_an_error_page_with_a_reference_and_serving_goes_on() {
        let app = test::init_service(
            App::new()
                .wrap(from_fn(super::error_pages))
                .wrap(tracing_actix_web::TracingLogger::default())
                .route(
                    "/boom",
                    web::get().to(|| async { panic!("deliberate") as HttpResponse }),
                )
                .route(
                    "/fine",
                    web::get().to(|| async { HttpResponse::Ok().body("fine") }),
                ),
        )
        .await;
        let response =
            test::call_service(&app, test::TestRequest::get().uri("/boom").to_request()).await;
        assert_eq!(response.status(), 500);
        let body = String::from_utf8(test::read_body(response).await.to_vec()).unwrap();
        assert!(body.contains("Sorry, something went wrong"));
        assert!(body.contains("quote this reference"));
        assert!(
            !body.contains("deliberate"),
            "the cause never reaches the page"
        );
        let response =
            test::call_service(&app, test::TestRequest::get().uri("/fine").to_request()).await;
        assert_eq!(response.status(), 200);
    }
}
