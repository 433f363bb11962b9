//! The audit log: append-only, hash-chained, appended inside the
//! transaction of every change; browsed, exported and verified by the head.

pub mod chain;
pub mod domain;
pub mod handlers;
pub mod service;
pub mod store;
pub mod views;

use actix_web::web;

pub use chain::append;
pub use domain::{Action, Actor, NewEvent, Subject, HEAD_CONCERN, HIDDEN_FROM_HEAD, LADO_CONCERN};

pub fn routes(cfg: &mut web::ServiceConfig) {
    use crate::web::urls;
    cfg.route(urls::AUDIT, web::get().to(handlers::list_get))
        .route(urls::AUDIT_EXPORT, web::get().to(handlers::export_get))
        .route(urls::AUDIT_VERIFY, web::post().to(handlers::verify_post));
}
