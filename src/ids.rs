//! Record ids: UUID v7 (time-ordered, so new rows index well), stored as text.

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(uuid::Uuid);

        impl $name {
            pub fn new() -> Self {
                Self(uuid::Uuid::now_v7())
            }

            /// Reads an id from a path or a row; `None` when it is not one.
            pub fn parse(raw: &str) -> Option<Self> {
                uuid::Uuid::parse_str(raw).ok().map(Self)
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        /// From a path segment (`web::Path<AccountId>`): one that is not
        /// an id is refused, and the app's `PathConfig` makes that a 404.
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(d)?;
                Self::parse(&raw).ok_or_else(|| serde::de::Error::custom("not an id"))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }
    };
}

id_type!(
    /// A person who signs in.
    PersonId
);
id_type!(
    /// An audit event.
    EventId
);
id_type!(
    /// An outbox message.
    MessageId
);
id_type!(
    /// An official account of the school.
    AccountId
);
id_type!(
    /// A grant of an official account's login to a person.
    GrantId
);
id_type!(
    /// A declaration of social contact with a pupil's family.
    DeclarationId
);
id_type!(
    /// A concern raised with the headteacher (or the chair).
    ConcernId
);
id_type!(
    /// An evidence file attached to a concern.
    EvidenceId
);
id_type!(
    /// An entry on a concern's timeline.
    EntryId
);
id_type!(
    /// A published version of the Social Networking Policy.
    PolicyVersionId
);
id_type!(
    /// A moderation action on an official account.
    ModerationId
);

#[cfg(test)]
mod tests {
    use super::AccountId;

    #[test]
    fn an_id_deserializes_as_parse_reads_it() {
        let id = AccountId::new();
        let read: AccountId = serde_json::from_str(&format!("\"{id}\"")).unwrap();
        assert_eq!(read, id);
        assert!(serde_json::from_str::<AccountId>("\"not-an-id\"").is_err());
        assert!(serde_json::from_str::<AccountId>("7").is_err());
    }
}
