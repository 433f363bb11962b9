//! What concerns do and show. Every change is one `Tx`: the change, its
//! audit events and its emails. SECURITY: events carry ids, codes and
//! states, never the text; emails carry a reference and a link; every
//! read and change checks, inside, who may see it, and every look at a
//! concern or its evidence is itself an event, so the reviewer can see who
//! looked.
//!
//! `access` decides who may see and act (and records looks), `raise`
//! raises one, `steps` takes the reviewer's steps, and `read` answers the
//! pages.

mod access;
mod raise;
mod read;
mod steps;

pub use crate::concerns::store::Concern;
pub use access::NOT_REVIEWER;
pub use raise::{raise, Raised};
pub use read::{
    account_name, read_concern, read_evidence, read_home, read_raise_form, read_review_queue,
    ConcernPage, Home, Names, ReviewQueue,
};
pub use steps::take_step;
