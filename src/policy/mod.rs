//! The Social Networking Policy itself: the head publishes versions, and
//! every member of staff confirms they have read each one and reviewed
//! their own social networking profiles.

pub mod domain;
pub mod emails;
pub mod handlers;
pub mod service;
pub mod store;
pub mod views;

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    use crate::web::urls;
    // /policy/new before /policy/{number}: routes match in this order.
    cfg.route(urls::POLICY, web::get().to(handlers::current_get))
        .service(
            web::resource(urls::POLICY_NEW)
                .app_data(web::PayloadConfig::new(handlers::MAX_POLICY_BODY))
                .route(web::get().to(handlers::new_get))
                .route(web::post().to(handlers::new_post)),
        )
        .route("/policy/{number}", web::get().to(handlers::show_get))
        .route(
            "/policy/{number}/acknowledge",
            web::post().to(handlers::acknowledge_post),
        )
        .route(
            "/policy/{number}/acknowledgements",
            web::get().to(handlers::acknowledgements_get),
        );
}
