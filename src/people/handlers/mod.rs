//! The people pages: SLT and the head list, add and change people; the
//! chair hands the chair over, and the successor accepts. Each handler
//! extracts, calls one service, and renders or redirects.

mod handover;
mod list;

pub use handover::{
    accept_get, accept_post, handover_cancel_post, handover_get, handover_post, AcceptForm,
    AcceptQuery, HandoverForm,
};
pub use list::{
    deactivate_post, list_get, new_get, new_post, role_post, show_get, NewPersonForm, RoleForm,
};
