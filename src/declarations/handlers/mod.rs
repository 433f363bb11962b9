//! The declarations pages: one's own, a declaration, and the reviewer's.
//! Each handler extracts, calls one service, and renders or redirects;
//! each page's handlers live in their own file.

mod form;
mod home;
mod review;
mod show;

pub use form::{edit_get, edit_post, new_get, new_post};
pub use home::{home_get, nil_post, reconfirm_post};
pub use review::{review_list_get, ReviewQuery};
pub use show::{end_post, review_post, show_get, EndForm, ReviewForm};
