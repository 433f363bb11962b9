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

use crate::web::routes::routes;

pub fn routes(cfg: &mut web::ServiceConfig) {
    use crate::web::urls;
    routes!(
        cfg;
        get urls::LOGIN => handlers::login_get,
        post urls::LOGIN => handlers::login_post,
        post urls::LOGOUT => handlers::logout_post,
        get urls::SETUP => handlers::setup_get,
        post urls::SETUP => handlers::setup_post,
        get urls::INVITATION => handlers::invitation_get,
        post urls::INVITATION => handlers::invitation_post,
        get urls::PASSWORD => handlers::password_get,
        post urls::PASSWORD => handlers::password_post,
        get urls::PASSWORD_RESET => handlers::reset_request_get,
        post urls::PASSWORD_RESET => handlers::reset_request_post,
        get urls::PASSWORD_RESET_CHOOSE => handlers::reset_choose_get,
        post urls::PASSWORD_RESET_CHOOSE => handlers::reset_choose_post,
    );
}
