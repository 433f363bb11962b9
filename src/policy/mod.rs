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

use crate::web::routes::routes;

pub fn routes(cfg: &mut web::ServiceConfig) {
    use crate::web::urls;
    // /policy/new before /policy/{number}: routes match in this order.
    routes!(cfg; get urls::POLICY => handlers::current_get);
    cfg.service(
        web::resource(urls::POLICY_NEW)
            .app_data(web::PayloadConfig::new(handlers::MAX_POLICY_BODY))
            .route(web::get().to(handlers::new_get))
            .route(web::post().to(handlers::new_post)),
    );
    routes!(
        cfg;
        get "/policy/{number}" => handlers::show_get,
        post "/policy/{number}/acknowledge" => handlers::acknowledge_post,
        get "/policy/{number}/acknowledgements" => handlers::acknowledgements_get,
    );
}
