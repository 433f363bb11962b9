//! Running the policy from Custodian: each person's dashboard, the weekly
//! audit digest, and the governors' report.

use actix_web::web;

pub fn routes(_cfg: &mut web::ServiceConfig) {}
