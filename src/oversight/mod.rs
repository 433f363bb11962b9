//! Running the policy from Custodian: each person's home page and what
//! needs them, the weekly audit digest, and the governors' report. It
//! keeps no records of its own but the digest's; it reads and counts the
//! other registers'.

pub mod dashboard;
pub mod digest;
pub mod domain;
pub mod emails;
pub mod handlers;
pub mod report;
pub mod service;
pub mod store;
pub mod views;

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    use crate::web::urls;
    cfg.route(urls::HOME, web::get().to(handlers::home_get))
        .route(urls::ME, web::get().to(handlers::me_get))
        .route(urls::ME_DIGEST, web::post().to(handlers::digest_post))
        .route(urls::REPORTS_GOVERNORS, web::get().to(handlers::report_get))
        .route(
            urls::REPORTS_GOVERNORS_CSV,
            web::get().to(handlers::report_csv_get),
        );
}
