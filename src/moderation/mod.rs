//! The moderation log of the official accounts (Appendix 1 item 1 and
//! Appendix 2): followers blocked, comments removed, posts reported.

use actix_web::web;

pub fn routes(_cfg: &mut web::ServiceConfig) {}
