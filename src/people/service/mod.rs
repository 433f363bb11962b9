//! Changes to people: each one transaction with its audit event and emails;
//! and the reads their pages need.
//!
//! `add` adds a person, `changes` changes a role or deactivates a leaver,
//! `roles` writes either inside a transaction (and re-checks what they may
//! hold), `chair` hands the chair of governors
//! over, `reads` answers the pages.

mod add;
mod chair;
mod changes;
mod reads;
mod roles;
mod who;

pub use add::{add, AddRefused, Added};
pub use chair::{
    accept_handover, cancel_handover, handover_for_link, offer_handover, pending_handover,
    Acceptance, Handover, Successor, HANDOVER_LIFETIME,
};
pub use changes::{change_role, deactivate};
pub use reads::{page_handover, read_people, read_person, PersonPage};
pub use roles::{recheck_access, AccessEnded};
