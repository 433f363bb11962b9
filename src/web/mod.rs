//! The web layer shared by every register: the page layout, URLs, security
//! headers, error pages, static files and health checks.

pub mod coded;
pub mod csv;
pub mod errors;
pub mod form;
pub mod format;
pub mod headers;
pub mod health;
pub mod layout;
pub mod limits;
pub mod outcome;
pub mod pages;
pub mod routes;
pub mod signed;
pub mod static_files;
pub mod telemetry;
pub mod urls;

use actix_web::http::header::ContentType;
use actix_web::HttpResponse;
use askama::Template;

use crate::error::AppError;

/// Renders a page with status 200.
pub fn render(page: impl Template) -> Result<HttpResponse, AppError> {
    render_with(actix_web::http::StatusCode::OK, page)
}

/// Renders a page with a chosen status (422 for a form with errors).
pub fn render_with(
    status: actix_web::http::StatusCode,
    page: impl Template,
) -> Result<HttpResponse, AppError> {
    let body = page.render()?;
    Ok(HttpResponse::build(status)
        .content_type(ContentType::html())
        .body(body))
}

/// A form page's status: 200, or 422 when it comes back with errors.
pub fn form_status(errors: &crate::error::FormErrors) -> actix_web::http::StatusCode {
    if errors.is_empty() {
        actix_web::http::StatusCode::OK
    } else {
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY
    }
}

/// Post/redirect/get: 303 to `location`.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, location))
        .finish()
}
