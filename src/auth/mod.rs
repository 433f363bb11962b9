//! Signing in: passwords, sessions, CSRF, throttling, one-time links, and
//! the `CurrentPerson` extractor through which every page checks its role.

pub mod cookies;
pub mod csrf;
pub mod current;
pub mod handlers;
pub mod password;
pub mod service;
pub mod session_store;
pub mod throttle;
pub mod tokens;
pub mod views;

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    use crate::web::urls;
    cfg.route(urls::LOGIN, web::get().to(handlers::login_get))
        .route(urls::LOGIN, web::post().to(handlers::login_post))
        .route(urls::LOGOUT, web::post().to(handlers::logout_post))
        .route(urls::SETUP, web::get().to(handlers::setup_get))
        .route(urls::SETUP, web::post().to(handlers::setup_post))
        .route(urls::INVITATION, web::get().to(handlers::invitation_get))
        .route(urls::INVITATION, web::post().to(handlers::invitation_post))
        .route(urls::PASSWORD, web::get().to(handlers::password_get))
        .route(urls::PASSWORD, web::post().to(handlers::password_post))
        .route(
            urls::PASSWORD_RESET,
            web::get().to(handlers::reset_request_get),
        )
        .route(
            urls::PASSWORD_RESET,
            web::post().to(handlers::reset_request_post),
        )
        .route(
            urls::PASSWORD_RESET_CHOOSE,
            web::get().to(handlers::reset_choose_get),
        )
        .route(
            urls::PASSWORD_RESET_CHOOSE,
            web::post().to(handlers::reset_choose_post),
        );
}
