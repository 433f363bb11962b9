//! Email: written to the outbox inside the transaction that causes it, and
//! delivered by a background sender with retries, so a down mail server
//! delays mail, never loses it, and never blocks a page.

pub mod handlers;
pub mod outbox;
pub mod reminders;
pub mod sender;
pub mod service;
pub mod store;
pub mod templates;
pub mod views;

use actix_web::web;

use crate::web::routes::routes;

pub use outbox::{
    deferred_link, enqueue, enqueue_with_link, Email, Recipient, SEALED_EMAIL_PREFIX,
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    use crate::web::urls;
    routes!(
        cfg;
        get urls::EMAILS => handlers::list_get,
        get "/emails/{id}" => handlers::show_get,
        post "/emails/{id}/retry" => handlers::retry_post,
    );
}
