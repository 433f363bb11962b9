//! Error pages: every refused or failed request gets a plain page in the
//! site's layout, with a reference (the request id) that is also logged.
//! Panics are caught here too, so the process keeps serving.

use std::panic::AssertUnwindSafe;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, StatusCode};
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
            return Ok(fallback.respond());
        }
        Err(_panic) => {
            tracing::error!(request_id = %fallback.request_id, "a handler panicked");
            return Ok(fallback.respond());
        }
    };
    let status = response.status();
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
    let (http_req, _) = response.into_parts();
    let page = render_error_page(&http_req, status, title, message).await;
    Ok(ServiceResponse::new(http_req, page))
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
                .app_data::<actix_web::web::Data<crate::startup::AppState>>()
                .map(|s| s.settings.school_name.clone())
                .unwrap_or_default(),
            path: req.path().to_owned(),
        }
    }

    fn respond(self) -> ServiceResponse<BoxBody> {
        let (title, message) = generic_text(StatusCode::INTERNAL_SERVER_ERROR);
        let body = ErrorPageView {
            page: PageContext {
                school_name: self.school_name,
                person: None,
                flash: Vec::new(),
                csrf_token: String::new(),
                request_id: self.request_id,
                path: self.path,
            },
            status: 500,
            title,
            message,
        }
        .render()
        .unwrap_or_else(|_| "Sorry, something went wrong.".to_owned());
        let response = HttpResponse::InternalServerError()
            .content_type("text/html; charset=utf-8")
            .body(body);
        // The original request is gone; a bare one carries the response out.
        ServiceResponse::new(
            actix_web::test::TestRequest::default().to_http_request(),
            response,
        )
    }
}

fn is_html(response: &HttpResponse) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
}

fn log(req: &HttpRequest, status: StatusCode, error: &AppError) {
    match error {
        AppError::Internal(cause) => {
            tracing::error!(status = status.as_u16(), error = ?cause, "internal error")
        }
        AppError::Forbidden(_) => {
            tracing::warn!(
                path = req.path(),
                "refused: the role or ownership does not allow it"
            )
        }
        other => tracing::info!(error = %other, "request refused"),
    }
}

fn generic_text(status: StatusCode) -> (String, String) {
    let (title, message) = match status.as_u16() {
        404 => (
            "Page not found",
            "There is nothing at this address, or it is not yours to see.",
        ),
        405 => (
            "Page not found",
            "This address does not accept that request.",
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

/// Unmatched paths: our 404 page.
pub async fn not_found() -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound)
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
