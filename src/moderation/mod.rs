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

use crate::web::routes::routes;

pub fn routes(cfg: &mut web::ServiceConfig) {
    routes!(
        cfg;
        get "/accounts/{id}/moderation" => handlers::log_get,
        post "/accounts/{id}/moderation" => handlers::log_post,
        get "/accounts/{id}/moderation.csv" => handlers::csv_get,
    );
}
