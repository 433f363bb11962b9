//! People: everyone who signs in, their roles, and leavers (deactivated,
//! never deleted).

pub mod domain;
pub mod handlers;
pub mod service;
pub mod store;
pub mod views;

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    use crate::web::urls;
    cfg.route(urls::PEOPLE, web::get().to(handlers::list_get))
        .route(urls::PEOPLE_NEW, web::get().to(handlers::new_get))
        .route(urls::PEOPLE_NEW, web::post().to(handlers::new_post))
        .route("/people/{id}", web::get().to(handlers::show_get))
        .route("/people/{id}/role", web::post().to(handlers::role_post))
        .route(
            "/people/{id}/deactivate",
            web::post().to(handlers::deactivate_post),
        );
}
