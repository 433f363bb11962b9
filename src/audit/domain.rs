//! Audit events: who did what to which record, and the hash that chains
//! each event to the one before.

use sha2::{Digest, Sha256};

use crate::ids::PersonId;
use crate::web::form::coded;

/// The hash before the first event.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who made the change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    Person(PersonId),
    /// Someone at the server's command line.
    Cli,
    /// The app itself (the mail sender, a scheduled job).
    System,
}

impl Actor {
    pub fn kind(&self) -> &'static str {
        match self {
            Actor::Person(_) => "person",
            Actor::Cli => "cli",
            Actor::System => "system",
        }
    }

    pub fn person_id(&self) -> Option<PersonId> {
        match self {
            Actor::Person(id) => Some(*id),
            _ => None,
        }
    }
}

coded! {
    /// The closed set of things the log records; the names are stable.
    pub enum Action {
        SetupLinkIssued = "setup.link_issued",
        PersonCreated = "person.created",
        PersonInvited = "person.invited",
        PersonRoleChanged = "person.role_changed",
        PersonDeactivated = "person.deactivated",
        PasswordSet = "person.password_set",
        PasswordChanged = "person.password_changed",
        PasswordResetRequested = "person.password_reset_requested",
        PasswordReset = "person.password_reset",
        SignInSucceeded = "sign_in.succeeded",
        SignInFailed = "sign_in.failed",
        SignInLocked = "sign_in.locked",
        SignedOut = "sign_in.signed_out",
        AuditVerified = "audit.verified",
        EmailRetried = "email.retried",
        AccountOpened = "account.opened",
        AccountRecorded = "account.recorded",
        AccountClosed = "account.closed",
        CustodianAdded = "account.custodian_added",
        CustodianRemoved = "account.custodian_removed",
        GrantMade = "grant.made",
        GrantConfirmed = "grant.confirmed",
        GrantRevoked = "grant.revoked",
        GrantExpired = "grant.expired",
        PasswordChangeRecorded = "account.password_changed",
        AccessReviewed = "account.reviewed",
        DeclarationSubmitted = "declaration.submitted",
        DeclarationUpdated = "declaration.updated",
        DeclarationAcknowledged = "declaration.acknowledged",
        DeclarationReturned = "declaration.returned",
        DeclarationEnded = "declaration.ended",
        DeclarationNilReturn = "declaration.nil_return",
        DeclarationsReconfirmed = "declaration.reconfirmed",
        ReconfirmationRequested = "declaration.reconfirmation_requested",
        ConcernRaised = "concern.raised",
        ConcernSentToLado = "concern.sent_to_lado",
        ConcernViewed = "concern.viewed",
        ConcernEvidenceDownloaded = "concern.evidence_downloaded",
        ConcernNoteAdded = "concern.note_added",
        ConcernActionRecorded = "concern.action_recorded",
        ConcernStatusChanged = "concern.status_changed",
        ConcernClassified = "concern.classified",
        ConcernClosed = "concern.closed",
        ConcernPersonInformed = "concern.person_informed",
        ConcernAccessRefused = "concern.access_refused",
        PolicyPublished = "policy.published",
        PolicyRequested = "policy.requested",
        PolicyAcknowledged = "policy.acknowledged",
        ModerationRecorded = "moderation.recorded",
        DigestSent = "digest.sent",
        DigestSwitchedOff = "digest.switched_off",
        DigestSwitchedOn = "digest.switched_on",
        ChairHandoverOffered = "chair.handover_offered",
        ChairHandoverCancelled = "chair.handover_cancelled",
        ChairChanged = "chair.changed",
    }
}

/// The record an event is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subject {
    pub kind: &'static str,
    pub id: String,
}

impl Subject {
    pub fn person(id: PersonId) -> Self {
        Self {
            kind: "person",
            id: id.to_string(),
        }
    }

    pub fn of(kind: &'static str, id: impl ToString) -> Self {
        Self {
            kind,
            id: id.to_string(),
        }
    }
}

/// An event about to be appended. `data` holds ids and state changes only:
/// never what a concern or a declaration says.
#[derive(Debug)]
pub struct NewEvent {
    pub actor: Actor,
    pub action: Action,
    pub subject: Subject,
    pub summary: String,
    pub data: serde_json::Value,
}

impl NewEvent {
    pub fn new(actor: Actor, action: Action, subject: Subject, summary: impl Into<String>) -> Self {
        Self {
            actor,
            action,
            subject,
            summary: summary.into(),
            data: serde_json::Value::Object(Default::default()),
        }
    }

    /// A person acting on their own record: the actor and the subject.
    pub fn own(id: PersonId, action: Action, summary: impl Into<String>) -> Self {
        Self::new(Actor::Person(id), action, Subject::person(id), summary)
    }

    pub fn with_data(mut self, data: serde_json::Value) -> Self {
        self.data = data;
        self
    }
}

/// The fields that the hash covers, as stored.
pub struct HashedFields<'a> {
    pub seq: i64,
    pub id: &'a str,
    pub occurred_at: &'a str,
    pub actor_kind: &'a str,
    pub actor_id: Option<&'a str>,
    pub action: &'a str,
    pub subject_type: &'a str,
    pub subject_id: &'a str,
    pub summary: &'a str,
    pub data: &'a str,
}

impl HashedFields<'_> {
    /// SHA-256 over the previous hash and this event's canonical content: a
    /// JSON array in a fixed order, so the same event always hashes the same.
    pub fn chain_hash(&self, prev_hash: &str) -> String {
        let canonical = serde_json::json!([
            self.seq,
            self.id,
            self.occurred_at,
            self.actor_kind,
            self.actor_id,
            self.action,
            self.subject_type,
            self.subject_id,
            self.summary,
            self.data,
        ])
        .to_string();
        let mut hasher = Sha256::new();
        hasher.update(prev_hash.as_bytes());
        hasher.update(b"\n");
        hasher.update(canonical.as_bytes());
        hex::encode(hasher.finalize())
    }
}

/// How a time is written into the hash: UTC, to the microsecond.
pub fn hash_time(t: time::PrimitiveDateTime) -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z"
    );
    t.format(&format).unwrap_or_default()
}

/// The audit subject type of a concern about the head: the chair's alone.
pub const HEAD_CONCERN: &str = "head_concern";
/// The audit subject type of a concern sent straight to the LADO: nobody's.
pub const LADO_CONCERN: &str = "lado_concern";
/// SECURITY: subject types the headteacher's log leaves out, so that the
/// head never learns a concern about them exists.
pub const HIDDEN_FROM_HEAD: [&str; 2] = [HEAD_CONCERN, LADO_CONCERN];

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(summary: &str) -> HashedFields<'_> {
        HashedFields {
            seq: 1,
            id: "e1",
            occurred_at: "2026-11-24T07:00:00.000000Z",
            actor_kind: "cli",
            actor_id: None,
            action: "person.created",
            subject_type: "person",
            subject_id: "p1",
            summary,
            data: "{}",
        }
    }

    #[test]
    fn any_change_of_content_or_link_changes_the_hash() {
        let original = fields("Added Ann").chain_hash(GENESIS_HASH);
        assert_eq!(original, fields("Added Ann").chain_hash(GENESIS_HASH));
        assert_ne!(original, fields("Added Bob").chain_hash(GENESIS_HASH));
        assert_ne!(original, fields("Added Ann").chain_hash(&original));
        let mut moved = fields("Added Ann");
        moved.seq = 2;
        assert_ne!(original, moved.chain_hash(GENESIS_HASH));
    }

    #[test]
    fn action_names_are_unique_and_dotted() {
        let mut names: Vec<_> = Action::ALL.iter().map(|a| a.as_str()).collect();
        assert!(names.iter().all(|n| n.contains('.')));
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Action::ALL.len());
    }
}
