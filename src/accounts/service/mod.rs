//! What official accounts do and show. Every change is one `Tx`: the
//! change, its audit event and its emails (the emails are clause j's
//! written record). Every read and change checks, inside, who may see or
//! do it: managers (SLT and the head) first, so those who may not act are
//! refused before anything is said about their form.
//!
//! `access` decides who may act and names the people, `notice` tells of a
//! change; `accounts` (open, close, password changes), `custody`, `grants`
//! and `reviews` change; `read` answers the pages; `people` is what the
//! people register asks of accounts through `state::Hooks`.

mod access;
mod accounts;
mod custody;
mod grants;
mod notice;
mod people;
mod read;
mod reviews;

pub use access::{People, MANAGERS_ONLY};
pub use accounts::{close, open, record_password_change};
pub use custody::{add_custodian, remove_custodian};
pub use grants::{confirm, expire_due, grant, revoke};
pub use people::HOOKS;
pub use read::{
    read_account, read_account_page, read_close_page, read_export, read_grant_form,
    read_grant_page, read_history, read_openers, read_overview, read_review_page, AccountPage,
    GrantPage, Overview,
};
pub use reviews::review;
