//! Official accounts and credential custody (policy clause j): who opened
//! each of the school's social media accounts, which SLT members hold its
//! login, who was given it, by whom, when and why, and when that ended.
//! Custodian records custody, never the accounts' passwords.

pub mod domain;
pub mod emails;
pub mod handlers;
pub mod service;
pub mod store;
pub mod views;

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    use crate::web::urls;
    cfg.route(urls::ACCOUNTS, web::get().to(handlers::list_get))
        .route(urls::ACCOUNTS_EXPORT, web::get().to(handlers::export_get))
        .route(urls::ACCOUNTS_NEW, web::get().to(handlers::new_get))
        .route(urls::ACCOUNTS_NEW, web::post().to(handlers::new_post))
        .route(
            urls::ACCOUNTS_EXISTING,
            web::get().to(handlers::existing_get),
        )
        .route(
            urls::ACCOUNTS_EXISTING,
            web::post().to(handlers::existing_post),
        )
        .route("/accounts/{id}", web::get().to(handlers::show_get))
        .route(
            "/accounts/{id}/history.csv",
            web::get().to(handlers::history_csv_get),
        )
        .route(
            "/accounts/{id}/custodians",
            web::post().to(handlers::custodian_add_post),
        )
        .route(
            "/accounts/{id}/custodians/{person}/remove",
            web::post().to(handlers::custodian_remove_post),
        )
        .route(
            "/accounts/{id}/grants/new",
            web::get().to(handlers::grant_new_get),
        )
        .route(
            "/accounts/{id}/grants/new",
            web::post().to(handlers::grant_new_post),
        )
        .route("/accounts/{id}/close", web::get().to(handlers::close_get))
        .route("/accounts/{id}/close", web::post().to(handlers::close_post))
        .route(
            "/accounts/{id}/password-changed",
            web::get().to(handlers::password_get),
        )
        .route(
            "/accounts/{id}/password-changed",
            web::post().to(handlers::password_post),
        )
        .route("/accounts/{id}/review", web::get().to(handlers::review_get))
        .route(
            "/accounts/{id}/review",
            web::post().to(handlers::review_post),
        )
        .route("/grants/{id}", web::get().to(handlers::grant_get))
        .route(
            "/grants/{id}/confirm",
            web::post().to(handlers::grant_confirm_post),
        )
        .route(
            "/grants/{id}/revoke",
            web::post().to(handlers::grant_revoke_post),
        );
}
