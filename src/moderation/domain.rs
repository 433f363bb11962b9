//! Moderation actions: what was done on an official account, why (the
//! community guidelines of Appendix 2), and who may record and read them.
//! No I/O.

use crate::clock::parse_date;
use time::{Date, OffsetDateTime};

use crate::accounts::domain::Grant;
use crate::error::FormErrors;
use crate::ids::{AccountId, ModerationId, PersonId};
use crate::people::domain::Role;
use crate::web::form::{self, coded, TextKind};

coded! {
    /// What was done (Appendix 1 item 1; Appendix 2's last paragraph).
    pub enum Kind {
        FollowerBlocked = "follower_blocked": "A follower blocked",
        CommentRemoved = "comment_removed": "A comment removed",
        PostReported = "post_reported": "A post reported to the platform",
    }
}

coded! {
    /// Which of Appendix 2's guidelines for parents and community members was
    /// broken, or something else.
    pub enum Reason {
        Advertising = "advertising": "Advertising products or services",
        Offensive = "offensive": "Offensive content",
        NegativeFeedback = "negative_feedback": "Negative feedback that should come to the school directly",
        NamingNegatively = "naming_negatively": "Naming staff, parents or children in a negative light",
        FriendRequests = "friend_requests": "Friend requests to staff",
        PhotographsOfChildren = "photographs_of_children": "Photographs of children",
        IdentifyingChildren = "identifying_children": "Comments that identify children",
        Other = "other": "Other",
    }
}

/// The longest note, in characters: "a short note".
pub const NOTE_MAX: usize = 500;

/// A moderation action as recorded. Entries are never changed or removed
/// (the database refuses it).
#[derive(Clone, Debug)]
pub struct ModerationAction {
    pub id: ModerationId,
    pub account_id: AccountId,
    pub recorded_by: PersonId,
    pub recorded_at: OffsetDateTime,
    pub occurred_on: Date,
    pub kind: Kind,
    pub reason: Reason,
    pub note: String,
}

/// An entry of the log with the name of the person who recorded it.
#[derive(Clone, Debug)]
pub struct Entry {
    pub action: ModerationAction,
    pub recorded_by_name: String,
}

/// What one person may do with one account's log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Access {
    pub read: bool,
    pub record: bool,
}

impl Access {
    /// SLT and the head read and record on any account; a member of staff
    /// only on an account they hold a live grant on; the chair never. A
    /// closed account's log stays readable and takes no new entries.
    pub fn of(role: Role, holds_live_grant: bool, account_open: bool) -> Self {
        let read = match role {
            Role::Slt | Role::Headteacher => true,
            Role::Staff => holds_live_grant,
            Role::Chair => false,
        };
        Self {
            read,
            record: read && account_open,
        }
    }
}

/// Whether a grant lets its holder moderate today. SECURITY: a grant whose
/// end date has passed counts as ended even before the housekeeping job has
/// marked it so (it ends at the end of that day).
pub fn grant_is_live_on(grant: &Grant, today: Date) -> bool {
    grant.is_live() && grant.ends_on.is_none_or(|ends| ends >= today)
}

/// A new moderation action, checked. Who may record it, and on which
/// account, is checked by the service.
#[derive(Clone, Debug)]
pub struct NewAction {
    kind: Kind,
    occurred_on: Date,
    reason: Reason,
    note: String,
}

impl NewAction {
    /// Reads the form's fields; every problem is named against its field.
    pub fn parse(
        kind: &str,
        occurred_on: &str,
        reason: &str,
        note: &str,
        today: Date,
    ) -> Result<Self, FormErrors> {
        let mut errors = FormErrors::new();
        let kind = Kind::parse(kind.trim());
        if kind.is_none() {
            errors.add("kind", "Choose what was done");
        }
        let occurred_on = form::past_date(
            &mut errors,
            "occurred_on",
            occurred_on,
            today,
            [
                "Enter the date it was done",
                "The date cannot be in the future",
                "Enter the date it was done like 2026-11-24",
            ],
        );
        let reason = Reason::parse(reason.trim());
        if reason.is_none() {
            errors.add("reason", "Choose the reason, from the community guidelines");
        }
        let note = form::text(&mut errors, "note", note, NOTE_MAX, TextKind::Long);
        if errors.get("note").is_some() {
        } else if note.is_empty() {
            if reason == Some(Reason::Other) {
                errors.add(
                    "note",
                    "You chose “Other”: say in the note what the reason was",
                );
            } else {
                errors.add("note", "Say briefly what it was and what was done");
            }
        }
        match (kind, occurred_on, reason) {
            (Some(kind), Some(occurred_on), Some(reason)) if errors.is_empty() => Ok(Self {
                kind,
                occurred_on,
                reason,
                note,
            }),
            _ => Err(errors),
        }
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    pub fn occurred_on(&self) -> Date {
        self.occurred_on
    }

    pub fn reason(&self) -> Reason {
        self.reason
    }

    pub fn note(&self) -> &str {
        &self.note
    }
}

/// Which entries of the log to show: every part optional.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    pub kind: Option<Kind>,
    pub reason: Option<Reason>,
    pub from: Option<Date>,
    /// The last day shown (inclusive).
    pub until: Option<Date>,
}

impl Filter {
    /// Reads a filter from a query string's fields; a part that cannot be
    /// read is left out and named in the errors (the page still shows).
    pub fn parse(kind: &str, reason: &str, from: &str, until: &str) -> (Self, FormErrors) {
        let mut errors = FormErrors::new();
        let mut filter = Filter::default();
        if !kind.is_empty() {
            filter.kind = Kind::parse(kind);
            if filter.kind.is_none() {
                errors.add("filter-kind", "Choose what was done from the list");
            }
        }
        if !reason.is_empty() {
            filter.reason = Reason::parse(reason);
            if filter.reason.is_none() {
                errors.add("filter-reason", "Choose a reason from the list");
            }
        }
        for (raw, field) in [(from, "from"), (until, "until")] {
            if raw.trim().is_empty() {
                continue;
            }
            match parse_date(raw) {
                Some(date) if field == "from" => filter.from = Some(date),
                Some(date) => filter.until = Some(date),
                None => errors.add(field, "Enter a date like 2026-11-24"),
            }
        }
        if let (Some(from), Some(until)) = (filter.from, filter.until) {
            if until < from {
                errors.add("until", "The end date is before the start date");
                filter.until = None;
            }
        }
        (filter, errors)
    }

    pub fn is_empty(&self) -> bool {
        *self == Filter::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 24);

    #[test]
    fn every_code_reads_back_and_matches_the_database_check() {
        let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(
            kinds,
            ["follower_blocked", "comment_removed", "post_reported"]
        );
        let reasons: Vec<&str> = Reason::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(
            reasons,
            [
                "advertising",
                "offensive",
                "negative_feedback",
                "naming_negatively",
                "friend_requests",
                "photographs_of_children",
                "identifying_children",
                "other"
            ]
        );
        for &kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.as_str()), Some(kind));
        }
        for &reason in Reason::ALL {
            assert_eq!(Reason::parse(reason.as_str()), Some(reason));
        }
        assert_eq!(Kind::parse("deleted"), None);
        assert_eq!(Reason::parse(""), None);
    }

    #[test]
    fn a_good_action_reads() {
        let action = NewAction::parse(
            "comment_removed",
            "2026-11-24",
            "offensive",
            "  Swearing under the fair post  ",
            TODAY,
        )
        .unwrap();
        assert_eq!(action.kind(), Kind::CommentRemoved);
        assert_eq!(action.occurred_on(), TODAY);
        assert_eq!(action.reason(), Reason::Offensive);
        assert_eq!(action.note(), "Swearing under the fair post");
    }

    #[test]
    fn every_field_is_checked_at_once() {
        let errors = NewAction::parse("deleted", "2026-11-25", "", " ", TODAY).unwrap_err();
        for field in ["kind", "occurred_on", "reason", "note"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
        assert!(errors.get("occurred_on").unwrap().contains("future"));
        let errors = NewAction::parse("", "24/11/2026", "x", "ok", TODAY).unwrap_err();
        assert!(errors
            .get("occurred_on")
            .unwrap()
            .contains("like 2026-11-24"));
    }

    #[test]
    fn other_asks_for_the_reason_in_the_note() {
        let errors =
            NewAction::parse("follower_blocked", "2026-11-20", "other", "", TODAY).unwrap_err();
        assert!(errors.get("note").unwrap().contains("Other"));
        assert!(NewAction::parse(
            "follower_blocked",
            "2026-11-20",
            "other",
            "A bot account",
            TODAY
        )
        .is_ok());
    }

    #[test]
    fn a_long_note_is_refused() {
        let note = "a".repeat(NOTE_MAX + 1);
        let errors =
            NewAction::parse("post_reported", "2026-11-20", "offensive", &note, TODAY).unwrap_err();
        assert!(errors.get("note").unwrap().contains("500"));
        let note = "é".repeat(NOTE_MAX);
        assert!(NewAction::parse("post_reported", "2026-11-20", "offensive", &note, TODAY).is_ok());
    }

    #[test]
    fn who_may_read_and_record() {
        for role in [Role::Slt, Role::Headteacher] {
            assert_eq!(
                Access::of(role, false, true),
                Access {
                    read: true,
                    record: true
                }
            );
            assert_eq!(
                Access::of(role, false, false),
                Access {
                    read: true,
                    record: false
                }
            );
        }
        assert!(Access::of(Role::Staff, true, true).record);
        assert!(!Access::of(Role::Staff, false, true).read);
        assert!(!Access::of(Role::Chair, true, true).read);
    }

    #[test]
    fn a_grant_past_its_end_date_no_longer_counts() {
        let mut grant = Grant {
            id: crate::ids::GrantId::new(),
            account_id: AccountId::new(),
            grantee_id: PersonId::new(),
            granted_by: PersonId::new(),
            granted_at: time::macros::datetime!(2026-09-01 08:00 UTC),
            aim: crate::accounts::domain::Aim::Events,
            purpose: "The trip".into(),
            ends_on: Some(TODAY),
            message_id: None,
            confirmed_at: None,
            ended_at: None,
            end_kind: None,
            end_reason: None,
        };
        assert!(
            grant_is_live_on(&grant, TODAY),
            "it ends at the end of the day"
        );
        assert!(!grant_is_live_on(&grant, TODAY.next_day().unwrap()));
        grant.ends_on = None;
        assert!(grant_is_live_on(&grant, TODAY));
        grant.ended_at = Some(time::macros::datetime!(2026-11-01 08:00 UTC));
        assert!(!grant_is_live_on(&grant, TODAY));
    }

    #[test]
    fn a_filter_reads_what_it_can_and_names_the_rest() {
        let (filter, errors) = Filter::parse("", "offensive", "2026-11-01", "2026-11-30");
        assert!(errors.is_empty());
        assert_eq!(filter.reason, Some(Reason::Offensive));
        assert_eq!(filter.from, Some(date!(2026 - 11 - 01)));
        assert_eq!(filter.until, Some(date!(2026 - 11 - 30)));
        let (filter, errors) = Filter::parse("nope", "", "soon", "");
        assert!(filter.is_empty());
        assert!(errors.get("filter-kind").is_some());
        assert!(errors.get("from").is_some());
        let (filter, errors) = Filter::parse("", "", "2026-11-30", "2026-11-01");
        assert!(errors.get("until").is_some());
        assert_eq!(filter.until, None);
    }
}
