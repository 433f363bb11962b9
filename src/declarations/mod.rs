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

use crate::web::routes::routes;

pub fn routes(cfg: &mut web::ServiceConfig) {
    use crate::web::urls;
    routes!(
        cfg;
        get urls::DECLARATIONS => handlers::home_get,
        get urls::DECLARATIONS_NEW => handlers::new_get,
        post urls::DECLARATIONS_NEW => handlers::new_post,
        get urls::DECLARATIONS_REVIEW => handlers::review_list_get,
        post urls::DECLARATIONS_NIL => handlers::nil_post,
        post urls::DECLARATIONS_RECONFIRM => handlers::reconfirm_post,
        get "/declarations/{id}" => handlers::show_get,
        get "/declarations/{id}/edit" => handlers::edit_get,
        post "/declarations/{id}/edit" => handlers::edit_post,
        post "/declarations/{id}/end" => handlers::end_post,
        post "/declarations/{id}/review" => handlers::review_post,
    );
}
