//! What people do and show. Every change is one `Tx`: the change, its audit
//! event and its emails; every read and change checks, inside, who may.
//!
//! `who` decides who may manage people and hand the chair over, `add` adds
//! a person, `changes` changes a role or deactivates a leaver, `roles`
//! writes either inside a transaction (and re-checks what they may hold),
//! `chair` installs a new chair, `handover` hands the chair over, and
//! `reads` answers the pages.

mod add;
mod chair;
mod changes;
mod handover;
mod reads;
mod roles;
mod who;

pub use add::{add, Added};
pub use changes::{change_role, deactivate};
pub use handover::{
    accept_handover, cancel_handover, offer_handover, open_link, Acceptance, Handover, Link,
    Successor, HANDOVER_LIFETIME,
};
pub use reads::{read_handover, read_people, read_person, HandoverPage, PersonPage};
pub use roles::{recheck_access, AccessEnded};
pub use who::{require_manager, MANAGERS_ONLY};
