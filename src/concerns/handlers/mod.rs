//! The concerns pages: one's own, raising one, the reviewer's queue, a
//! concern and its evidence, and the reviewer's steps. Each handler
//! extracts, calls one service, and renders or redirects.
//!
//! SECURITY: a concern that does not exist and one this person may not see
//! get the same 403 (the service decides), so the head cannot learn that a
//! concern about them exists by guessing ids.

mod home;
mod raise;
mod review;
mod show;
mod steps;

pub use home::home_get;
pub use raise::{new_get, new_post};
pub use review::review_get;
pub use show::{evidence_get, show_get};
pub use steps::{step_post, steps_path};
