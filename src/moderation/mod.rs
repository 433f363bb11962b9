//! The moderation log of the official accounts (Appendix 1 item 1 and
//! Appendix 2): followers blocked, comments removed, posts reported, each
//! with the community guideline it broke. Recorded by SLT, the head and
//! staff who hold a live grant on the account; append-only.

pub mod domain;
pub mod handlers;
pub mod service;
pub mod store;
pub mod views;

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/accounts/{id}/moderation",
        web::get().to(handlers::log_get),
    )
    .route(
        "/accounts/{id}/moderation",
        web::post().to(handlers::log_post),
    )
    .route(
        "/accounts/{id}/moderation.csv",
        web::get().to(handlers::csv_get),
    );
}
