//! The Social Networking Policy itself: the head publishes versions, and
//! every member of staff confirms they have read each one and reviewed
//! their own social networking profiles.

pub mod service;

use actix_web::web;

pub fn routes(_cfg: &mut web::ServiceConfig) {}
