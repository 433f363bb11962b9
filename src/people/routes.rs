//! Where the people pages are.

use actix_web::web;

use super::handlers;
use crate::web::urls;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(urls::PEOPLE, web::get().to(handlers::list_get))
        .route(urls::PEOPLE_NEW, web::get().to(handlers::new_get))
        .route(urls::PEOPLE_NEW, web::post().to(handlers::new_post))
        .route("/people/{id}", web::get().to(handlers::show_get))
        .route("/people/{id}/role", web::post().to(handlers::role_post))
        .route(
            "/people/{id}/deactivate",
            web::post().to(handlers::deactivate_post),
        )
        .route(urls::CHAIR_HANDOVER, web::get().to(handlers::handover_get))
        .route(
            urls::CHAIR_HANDOVER,
            web::post().to(handlers::handover_post),
        )
        .route(
            urls::CHAIR_HANDOVER_CANCEL,
            web::post().to(handlers::handover_cancel_post),
        )
        .route(urls::CHAIR_ACCEPT, web::get().to(handlers::accept_get))
        .route(urls::CHAIR_ACCEPT, web::post().to(handlers::accept_post));
}
