//! The audit log: append-only, hash-chained, appended inside the
//! transaction of every change; browsed, exported and verified by the head.

pub mod chain;
pub mod domain;
pub mod handlers;
pub mod service;
pub mod store;
pub mod timeline;
pub mod views;

use actix_web::web;

use crate::web::routes::routes;

pub use chain::append;
pub use domain::{Action, Actor, NewEvent, Subject, HEAD_CONCERN, HIDDEN_FROM_HEAD, LADO_CONCERN};
/// An event as the log stores it, for the pages that show history.
pub use store::EventRow;

pub fn routes(cfg: &mut web::ServiceConfig) {
    use crate::web::urls;
    routes!(
        cfg;
        get urls::AUDIT => handlers::list_get,
        get urls::AUDIT_EXPORT => handlers::export_get,
        post urls::AUDIT_VERIFY => handlers::verify_post,
    );
}
