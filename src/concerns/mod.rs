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

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    use crate::web::urls;
    cfg.route(urls::CONCERNS, web::get().to(handlers::home_get))
        .route(urls::CONCERNS, web::post().to(handlers::new_post))
        .route(urls::CONCERNS_NEW, web::get().to(handlers::new_get))
        .route(urls::CONCERNS_REVIEW, web::get().to(handlers::review_get))
        .route("/concerns/{id}", web::get().to(handlers::show_get))
        .route(
            "/concerns/{id}/evidence/{file}",
            web::get().to(handlers::evidence_get),
        )
        .route(&handlers::steps_path(), web::post().to(handlers::step_post));
}
