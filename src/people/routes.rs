//! Where the people pages are.

use actix_web::web;

use super::handlers;
use crate::web::routes::routes;
use crate::web::urls;

pub fn routes(cfg: &mut web::ServiceConfig) {
    routes!(
        cfg;
        get urls::PEOPLE => handlers::list_get,
        get urls::PEOPLE_NEW => handlers::new_get,
        post urls::PEOPLE_NEW => handlers::new_post,
        get "/people/{id}" => handlers::show_get,
        post "/people/{id}/role" => handlers::role_post,
        post "/people/{id}/deactivate" => handlers::deactivate_post,
        get urls::CHAIR_HANDOVER => handlers::handover_get,
        post urls::CHAIR_HANDOVER => handlers::handover_post,
        post urls::CHAIR_HANDOVER_CANCEL => handlers::handover_cancel_post,
        get urls::CHAIR_ACCEPT => handlers::accept_get,
        post urls::CHAIR_ACCEPT => handlers::accept_post,
    );
}
