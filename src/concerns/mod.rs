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
        .route("/concerns/{id}/notes", web::post().to(handlers::note_post))
        .route(
            "/concerns/{id}/actions",
            web::post().to(handlers::action_post),
        )
        .route(
            "/concerns/{id}/status",
            web::post().to(handlers::status_post),
        )
        .route(
            "/concerns/{id}/classification",
            web::post().to(handlers::classify_post),
        )
        .route("/concerns/{id}/close", web::post().to(handlers::close_post))
        .route(
            "/concerns/{id}/informed",
            web::post().to(handlers::informed_post),
        );
}
