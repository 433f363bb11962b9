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

use crate::web::routes::routes;

pub fn routes(cfg: &mut web::ServiceConfig) {
    use crate::web::urls;
    routes!(
        cfg;
        get urls::ACCOUNTS => handlers::list_get,
        get urls::ACCOUNTS_EXPORT => handlers::export_get,
        get urls::ACCOUNTS_NEW => handlers::new_get,
        post urls::ACCOUNTS_NEW => handlers::new_post,
        get urls::ACCOUNTS_EXISTING => handlers::existing_get,
        post urls::ACCOUNTS_EXISTING => handlers::existing_post,
        get "/accounts/{id}" => handlers::show_get,
        get "/accounts/{id}/history.csv" => handlers::history_csv_get,
        post "/accounts/{id}/custodians" => handlers::custodian_add_post,
        post "/accounts/{id}/custodians/{person}/remove" => handlers::custodian_remove_post,
        get "/accounts/{id}/grants/new" => handlers::grant_new_get,
        post "/accounts/{id}/grants/new" => handlers::grant_new_post,
        get "/accounts/{id}/close" => handlers::close_get,
        post "/accounts/{id}/close" => handlers::close_post,
        get "/accounts/{id}/password-changed" => handlers::password_get,
        post "/accounts/{id}/password-changed" => handlers::password_post,
        get "/accounts/{id}/review" => handlers::review_get,
        post "/accounts/{id}/review" => handlers::review_post,
        get "/grants/{id}" => handlers::grant_get,
        post "/grants/{id}/confirm" => handlers::grant_confirm_post,
        post "/grants/{id}/revoke" => handlers::grant_revoke_post,
    );
}
