//! Running the policy from Custodian: each person's dashboard, the weekly
//! audit digest, and the governors' report.

pub mod dashboard;
pub mod digest;
pub mod handlers;
pub mod home;
pub mod report;
pub mod views;

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    use crate::web::urls;
    cfg.route(urls::HOME, web::get().to(home::home_get))
        .route(urls::ME, web::get().to(handlers::me_get))
        .route(urls::ME_DIGEST, web::post().to(handlers::digest_post))
        .route(urls::REPORTS_GOVERNORS, web::get().to(handlers::report_get))
        .route(
            urls::REPORTS_GOVERNORS_CSV,
            web::get().to(handlers::report_csv_get),
        );
}
