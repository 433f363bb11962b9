//! Who is acting: one `Actor`, built once from the signed-in person (or
//! for the command line, or Custodian itself) and handed to every service.

use super::domain::{Person, Role};
use crate::audit;
use crate::ids::PersonId;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Actor {
    /// Someone signed in, as they were when the request began.
    Person {
        id: PersonId,
        name: String,
        role: Role,
    },
    /// Whoever runs the server, at its command line: may do anything.
    CommandLine,
    /// Custodian itself: the mail sender, a scheduled job.
    System,
}

impl Actor {
    pub fn person(person: &Person) -> Self {
        Self::Person {
            id: person.id,
            name: person.name.clone(),
            role: person.role,
        }
    }

    /// The acting person's id; none at the command line or for the system.
    pub fn id(&self) -> Option<PersonId> {
        match self {
            Self::Person { id, .. } => Some(*id),
            _ => None,
        }
    }

    /// The acting person's role; none at the command line, which is
    /// bound by no role, or for the system.
    pub fn role(&self) -> Option<Role> {
        match self {
            Self::Person { role, .. } => Some(*role),
            _ => None,
        }
    }

    /// True when this is `id` acting on themselves.
    pub fn is(&self, id: PersonId) -> bool {
        self.id() == Some(id)
    }

    /// How emails and the audit log name them.
    pub fn name(&self) -> &str {
        match self {
            Self::Person { name, .. } => name,
            Self::CommandLine => "An administrator",
            Self::System => "Custodian",
        }
    }

    /// How an audit event records them.
    pub fn recorded(&self) -> audit::Actor {
        match self {
            Self::Person { id, .. } => audit::Actor::Person(*id),
            Self::CommandLine => audit::Actor::Cli,
            Self::System => audit::Actor::System,
        }
    }
}
