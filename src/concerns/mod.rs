//! Concerns raised with the headteacher (policy clause i): anyone raises
//! one; the head reviews it, or the chair when it is about the head, or,
//! when it involves both, nobody here and the raiser is sent to the LADO.
//!
//! SECURITY: the most confidential register. A concern is seen only by its
//! reviewer and, for its status and outcome, by the person who raised it;
//! never by the person it is about, nor by SLT. What was raised, its
//! evidence and its timeline are never changed. Every look is an audit
//! event the reviewer can read.

pub mod domain;
pub mod emails;
pub mod handlers;
pub mod service;
pub mod steps;
pub mod store;
pub mod upload;
pub mod views;

use actix_web::{error::PathError, web, HttpRequest};

use crate::error::AppError;
use crate::ids::ConcernId;
use crate::web::routes::routes;

pub fn routes(cfg: &mut web::ServiceConfig) {
    use crate::web::urls;
    routes!(
        cfg;
        get urls::CONCERNS => handlers::home_get,
        post urls::CONCERNS => handlers::new_post,
        get urls::CONCERNS_NEW => handlers::new_get,
        get urls::CONCERNS_REVIEW => handlers::review_get,
    );
    let one = |path: &str| {
        web::resource(path).app_data(web::PathConfig::default().error_handler(malformed))
    };
    cfg.service(one("/concerns/{id}").route(web::get().to(handlers::show_get)))
        .service(one("/concerns/{id}/evidence/{file}").route(web::get().to(handlers::evidence_get)))
        .service(one(&handlers::steps_path()).route(web::post().to(handlers::step_post)));
}

/// SECURITY: an address whose concern is not an id answers as one the
/// person may not see (403), so that nothing tells a sealed concern from
/// one that is not there; a concern's evidence file that is not an id is
/// simply not found.
fn malformed(_: PathError, req: &HttpRequest) -> actix_web::Error {
    let concern = req.match_info().get("id").and_then(ConcernId::parse);
    match concern {
        Some(_) => AppError::NotFound.into(),
        None => AppError::Forbidden(service::NOT_REVIEWER).into(),
    }
}
