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

use crate::web::routes::routes;

pub fn routes(cfg: &mut web::ServiceConfig) {
    use crate::web::urls;
    routes!(
        cfg;
        get urls::HOME => handlers::home_get,
        get urls::ME => handlers::me_get,
        post urls::ME_DIGEST => handlers::digest_post,
        get urls::REPORTS_GOVERNORS => handlers::report_get,
        get urls::REPORTS_GOVERNORS_CSV => handlers::report_csv_get,
    );
}
