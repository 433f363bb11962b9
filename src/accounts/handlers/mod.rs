//! The official accounts pages: the register, an account, grants, closing,
//! custody, password changes, access reviews and the exports. Each handler
//! extracts, calls one service, and renders or redirects; who may see or
//! do what is checked in the service. What the pages share (people named,
//! the rows of the register and of a grant, a form's outcome) is in `rows`.

mod accounts;
mod custody;
mod exports;
mod grants;
mod reviews;
mod rows;

pub use accounts::{
    close_get, close_post, existing_get, existing_post, list_get, new_get, new_post, show_get,
    AccountForm,
};
pub use custody::{
    custodian_add_post, custodian_remove_post, password_get, password_post, CustodianForm,
    PasswordChangeForm,
};
pub use exports::{export_get, history_csv_get};
pub use grants::{
    grant_confirm_post, grant_get, grant_new_get, grant_new_post, grant_revoke_post, GrantForm,
};
pub use reviews::{review_get, review_post};
pub use rows::ReasonForm;
