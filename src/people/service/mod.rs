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

pub use add::{add, AddRefused, Added};
pub use chair::{
    accept_handover, cancel_handover, handover_for_link, offer_handover, pending_handover,
    Acceptance, Handover, Successor, HANDOVER_LIFETIME,
};
pub use changes::{change_role, deactivate};
pub use reads::{page_handover, read_people, read_person, PersonPage};
pub use roles::{recheck_access, AccessEnded};

use crate::audit::Actor;
use crate::db::DbConnection;
use crate::error::AppError;
use crate::mail::Recipient;
use crate::people::domain::Role;
use crate::people::store;

/// Who is making a change to people, and with what authority.
#[derive(Clone, Debug)]
pub struct ChangedBy {
    pub actor: Actor,
    /// `None` at the command line, which may do anything.
    pub role: Option<Role>,
    pub name: String,
}

impl ChangedBy {
    pub fn cli() -> Self {
        Self {
            actor: Actor::Cli,
            role: None,
            name: "An administrator".into(),
        }
    }

    /// The command line: whoever operates the server.
    fn is_cli(&self) -> bool {
        self.role.is_none()
    }

    fn may_give(&self, role: Role) -> bool {
        self.role.is_none_or(|giver| role.may_be_given_by(giver))
    }
}

/// Why no one signed in gives or takes the chair of governors.
const CHAIR_NOT_YOURS: &str = "The chair of governors is not given or taken by anyone signed in: \
     the sitting chair hands the role over in Custodian, or whoever runs the server sets it \
     from the command line.";

/// The head of the school and the SLT, who hear about changes to people.
fn heads_and_slt(conn: &mut DbConnection) -> Result<Vec<Recipient>, AppError> {
    Ok(
        store::list_active_with_roles(conn, &[Role::Headteacher, Role::Slt])?
            .into_iter()
            .map(|p| Recipient::new(p.name, p.email))
            .collect(),
    )
}

fn heads(conn: &mut DbConnection) -> Result<Vec<Recipient>, AppError> {
    Ok(store::list_active_with_roles(conn, &[Role::Headteacher])?
        .into_iter()
        .map(|p| Recipient::new(p.name, p.email))
        .collect())
}
