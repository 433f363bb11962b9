//! Declarations of social contact with pupils' families (policy clause g):
//! staff declare, the head (or, for the head's own, the chair) acknowledges,
//! and everyone reconfirms each school year. Only the declarant and the
//! reviewer ever see what a declaration says.

pub mod domain;
pub mod emails;
pub mod handlers;
pub mod service;
pub mod store;
pub mod views;

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    use crate::web::urls;
    cfg.route(urls::DECLARATIONS, web::get().to(handlers::home_get))
        .route(urls::DECLARATIONS_NEW, web::get().to(handlers::new_get))
        .route(urls::DECLARATIONS_NEW, web::post().to(handlers::new_post))
        .route(
            urls::DECLARATIONS_REVIEW,
            web::get().to(handlers::review_list_get),
        )
        .route(urls::DECLARATIONS_NIL, web::post().to(handlers::nil_post))
        .route(
            urls::DECLARATIONS_RECONFIRM,
            web::post().to(handlers::reconfirm_post),
        )
        .route("/declarations/{id}", web::get().to(handlers::show_get))
        .route("/declarations/{id}/edit", web::get().to(handlers::edit_get))
        .route(
            "/declarations/{id}/edit",
            web::post().to(handlers::edit_post),
        )
        .route("/declarations/{id}/end", web::post().to(handlers::end_post))
        .route(
            "/declarations/{id}/review",
            web::post().to(handlers::review_post),
        );
}
