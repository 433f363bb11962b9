//! What declarations do and show. Every change is one `Tx`: the change, its
//! audit event and its emails. SECURITY: events name the declaration and
//! its state, never what it says; emails say only that something awaits;
//! every read and change checks, inside, who may see it.
//!
//! `access` decides who may see and act, `changes` declares, updates,
//! reviews and ends, `yearly` runs the school year's reconfirmation, and
//! `read` answers the pages.

mod access;
mod changes;
mod read;
mod yearly;

pub use access::NOT_YOURS;
pub use changes::{declare, end, review, update};
pub use read::{read_current, read_declaration, read_home, read_review_list, Home, ReviewList};
pub use yearly::{
    current_school_year, reconfirm, reconfirmation_status, send_reconfirmation_requests, Answer,
};
