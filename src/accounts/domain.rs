//! Official accounts and grants of their logins: the types and the rules of
//! clause j, with no I/O.

use crate::clock::parse_date;
use time::{Date, OffsetDateTime};

use crate::error::FormErrors;
use crate::ids::{AccountId, GrantId, PersonId};
use crate::web::form::{self, coded, TextKind};

coded! {
    /// The platforms a school account lives on.
    pub enum Platform {
        Facebook = "facebook": "Facebook",
        Instagram = "instagram": "Instagram",
        X = "x": "X (Twitter)",
        YouTube = "youtube": "YouTube",
        TikTok = "tiktok": "TikTok",
        LinkedIn = "linkedin": "LinkedIn",
        Other = "other": "Other",
    }
}

coded! {
    /// The aims of the policy's "School Social Networking Rationale": a grant
    /// must serve one of them.
    pub enum Aim {
        Communication = "communication": "Advance the school's communication with families",
        Events = "events": "Publicise school events and fundraising",
        WebsiteUpdates = "website_updates": "Announce updates that appear on the school website",
        Achievements = "achievements": "Highlight positive school achievements",
        Announcements = "announcements": "Make school announcements (such as a closure for snow)",
        Marketing = "marketing": "Market the school to a wider audience",
        WebsiteLinks = "website_links": "Link the school's social networks to its website",
        Community = "community": "Engage the community the school serves",
        ParentNetworking = "parent_networking": "Help parents, especially new ones, to network",
        PastFamilies = "past_families": "Keep in touch with past parents and pupils",
    }
}

/// Appendix 1 of the policy, in short: what a grantee agrees to follow.
pub const GUIDELINES: [&str; 8] = [
    "Post only between 8am and 6pm on weekdays, except for school events and urgent news.",
    "Never identify a child: no full names, no photographs that show who they are.",
    "Photographs show work and learning; any taken on a phone for posting are deleted once shared.",
    "Follow only educationally linked accounts.",
    "Share positive messages about the school; never target an individual child.",
    "Block and report anyone who interacts with the account inappropriately.",
    "Never share the username or password with children or parents, or anyone else.",
    "Tell the headteacher at once about any concern.",
];

coded! {
    /// How a grant ended.
    pub enum EndKind {
        Revoked = "revoked": "Revoked",
        Expired = "expired": "Ended on its end date",
        Deactivated = "deactivated": "Ended: the person left",
        AccountClosed = "account_closed": "Ended: the account was closed",
        Review = "review": "Revoked at an access review",
    }
}

#[derive(Clone, Debug)]
pub struct Account {
    pub id: AccountId,
    pub platform: Platform,
    pub handle: String,
    pub profile_url: String,
    pub purpose: String,
    pub opened_by: PersonId,
    pub opened_on: Date,
    pub entered_by: PersonId,
    pub entered_at: OffsetDateTime,
    pub recorded_as_existing: bool,
    pub password_change_due: bool,
    pub last_password_change_on: Option<Date>,
    pub last_reviewed_at: Option<OffsetDateTime>,
    pub closed_at: Option<OffsetDateTime>,
    pub close_reason: Option<String>,
}

/// Access reviews are due each term; one older than this is overdue.
pub const REVIEW_INTERVAL: time::Duration = time::Duration::days(122);

impl Account {
    pub fn is_open(&self) -> bool {
        self.closed_at.is_none()
    }

    /// Whether its access review is more than about four months old (or,
    /// never reviewed, it has been open that long).
    pub fn review_overdue(&self, now: OffsetDateTime) -> bool {
        if !self.is_open() {
            return false;
        }
        let since = self.last_reviewed_at.unwrap_or(self.entered_at);
        now - since > REVIEW_INTERVAL
    }
}

#[derive(Clone, Debug)]
pub struct Grant {
    pub id: GrantId,
    pub account_id: AccountId,
    pub grantee_id: PersonId,
    pub granted_by: PersonId,
    pub granted_at: OffsetDateTime,
    pub aim: Aim,
    pub purpose: String,
    pub ends_on: Option<Date>,
    pub message_id: Option<String>,
    pub confirmed_at: Option<OffsetDateTime>,
    pub ended_at: Option<OffsetDateTime>,
    pub end_kind: Option<EndKind>,
    pub end_reason: Option<String>,
}

impl Grant {
    pub fn is_live(&self) -> bool {
        self.ended_at.is_none()
    }
}

fn required_text(
    errors: &mut FormErrors,
    field: &'static str,
    raw: &str,
    missing: &str,
    max: usize,
    kind: TextKind,
) -> String {
    form::required_text(errors, field, raw, max, kind, missing)
}

/// A new official account, checked. The opener is checked against the
/// people register by the service (an SLT member, enforced).
#[derive(Debug)]
pub struct NewAccount {
    pub platform: Platform,
    pub handle: String,
    pub profile_url: String,
    pub purpose: String,
    /// For an account that already exists: when it was opened, and by whom.
    pub existing: Option<(Date, PersonId)>,
}

impl NewAccount {
    pub fn parse(
        platform: &str,
        handle: &str,
        profile_url: &str,
        purpose: &str,
        existing: Option<(&str, &str)>,
        today: Date,
    ) -> Result<Self, FormErrors> {
        let mut errors = FormErrors::new();
        let platform = form::required_choice(
            &mut errors,
            "platform",
            Platform::parse(platform),
            "Choose the platform",
        );
        let handle = required_text(
            &mut errors,
            "handle",
            handle,
            "Enter the account's name or handle",
            100,
            TextKind::Line,
        );
        let profile_url = form::text(&mut errors, "profile_url", profile_url, 500, TextKind::Line);
        match url::Url::parse(&profile_url) {
            _ if errors.get("profile_url").is_some() => {}
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {}
            _ => errors.add(
                "profile_url",
                "Enter the profile's web address, starting https://",
            ),
        }
        let purpose = required_text(
            &mut errors,
            "purpose",
            purpose,
            "Say what the account is for",
            500,
            TextKind::Long,
        );
        let existing = match existing {
            None => None,
            Some((opened_on, opened_by)) => {
                let missing = "Enter the date it was opened, like 2024-09-02";
                let future = "The opening date cannot be in the future";
                let date = form::past_date(
                    &mut errors,
                    "opened_on",
                    opened_on,
                    today,
                    [missing, future, missing],
                );
                let opener = form::required_choice(
                    &mut errors,
                    "opened_by",
                    PersonId::parse(opened_by),
                    "Choose the SLT member who opened it",
                );
                date.zip(opener)
            }
        };
        match platform {
            Some(platform) if errors.is_empty() => Ok(Self {
                platform,
                handle,
                profile_url,
                purpose,
                existing,
            }),
            _ => Err(errors),
        }
    }
}

/// A new grant, checked. Who the grantee may be is checked by the service.
#[derive(Debug)]
pub struct NewGrant {
    pub grantee: PersonId,
    pub aim: Aim,
    pub purpose: String,
    pub ends_on: Option<Date>,
}

impl NewGrant {
    pub fn parse(
        grantee: &str,
        aim: &str,
        purpose: &str,
        ends_on: &str,
        today: Date,
    ) -> Result<Self, FormErrors> {
        let mut errors = FormErrors::new();
        let grantee = form::required_choice(
            &mut errors,
            "grantee",
            PersonId::parse(grantee),
            "Choose the member of staff to give access to",
        );
        let aim = form::required_choice(
            &mut errors,
            "aim",
            Aim::parse(aim),
            "Choose which aim of the policy this access serves",
        );
        let purpose = required_text(
            &mut errors,
            "purpose",
            purpose,
            "Say what they will use the account for",
            500,
            TextKind::Long,
        );
        let ends_on = if ends_on.trim().is_empty() {
            None
        } else {
            match parse_date(ends_on) {
                None => {
                    errors.add(
                        "ends_on",
                        "Enter the end date like 2026-12-19, or leave it empty",
                    );
                    None
                }
                Some(date) if date < today => {
                    errors.add(
                        "ends_on",
                        "The end date is in the past: choose today or a later date",
                    );
                    None
                }
                Some(date) => Some(date),
            }
        };
        match (grantee, aim) {
            (Some(grantee), Some(aim)) if errors.is_empty() => Ok(Self {
                grantee,
                aim,
                purpose,
                ends_on,
            }),
            _ => Err(errors),
        }
    }
}

/// A reason, required (revoking, closing).
pub fn parse_reason(raw: &str) -> Result<String, FormErrors> {
    let mut errors = FormErrors::new();
    let reason = required_text(
        &mut errors,
        "reason",
        raw,
        "Give the reason",
        500,
        TextKind::Long,
    );
    errors.finish(|| reason)
}

/// The longest note on a recorded password change.
pub const PASSWORD_NOTE_MAX: usize = 500;
/// The longest notes on an access review.
pub const REVIEW_NOTES_MAX: usize = 1_000;

/// A recorded password change: the date (not in the future) and an
/// optional note, never cut short.
pub fn parse_password_change(
    raw_date: &str,
    raw_note: &str,
    today: Date,
) -> Result<(Date, String), FormErrors> {
    let mut errors = FormErrors::new();
    let missing = "Enter the date the password was changed, like 2026-11-24";
    let future = "The date cannot be in the future";
    let date = form::past_date(
        &mut errors,
        "changed_on",
        raw_date,
        today,
        [missing, future, missing],
    );
    let note = form::text(
        &mut errors,
        "note",
        raw_note,
        PASSWORD_NOTE_MAX,
        TextKind::Long,
    );
    match date {
        Some(date) if errors.is_empty() => Ok((date, note)),
        _ => Err(errors),
    }
}

/// An access review's notes: optional, never cut short.
pub fn parse_review_notes(raw: &str) -> Result<String, FormErrors> {
    let mut errors = FormErrors::new();
    let notes = form::text(&mut errors, "notes", raw, REVIEW_NOTES_MAX, TextKind::Long);
    errors.finish(|| notes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 24);

    #[test]
    fn a_grant_ending_in_the_past_is_refused_with_a_clear_message() {
        let id = PersonId::new().to_string();
        let errors =
            NewGrant::parse(&id, "events", "The Christmas fair", "2026-11-23", TODAY).unwrap_err();
        assert!(errors.get("ends_on").unwrap().contains("in the past"));
        assert!(NewGrant::parse(&id, "events", "The Christmas fair", "2026-11-24", TODAY).is_ok());
        assert!(
            NewGrant::parse(&id, "events", "The Christmas fair", "", TODAY)
                .unwrap()
                .ends_on
                .is_none()
        );
    }

    #[test]
    fn every_field_of_a_grant_is_checked() {
        let errors = NewGrant::parse("nobody", "fun", " ", "someday", TODAY).unwrap_err();
        for field in ["grantee", "aim", "purpose", "ends_on"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
    }

    #[test]
    fn an_account_needs_a_real_profile_address() {
        let errors = NewAccount::parse(
            "facebook",
            "@school",
            "javascript:alert(1)",
            "News",
            None,
            TODAY,
        )
        .unwrap_err();
        assert!(errors.get("profile_url").is_some());
        let ok = NewAccount::parse(
            "facebook",
            "@school",
            "https://facebook.com/school",
            "News",
            None,
            TODAY,
        )
        .unwrap();
        assert_eq!(ok.platform, Platform::Facebook);
    }

    #[test]
    fn an_existing_account_cannot_have_opened_in_the_future() {
        let opener = PersonId::new().to_string();
        let errors = NewAccount::parse(
            "x",
            "@school",
            "https://x.com/school",
            "News",
            Some(("2027-01-01", &opener)),
            TODAY,
        )
        .unwrap_err();
        assert!(errors.get("opened_on").is_some());
    }

    #[test]
    fn reviews_fall_overdue_after_four_months() {
        let now = time::macros::datetime!(2026-11-24 08:00 UTC);
        let mut account = Account {
            id: AccountId::new(),
            platform: Platform::X,
            handle: "@school".into(),
            profile_url: "https://x.com/school".into(),
            purpose: "News".into(),
            opened_by: PersonId::new(),
            opened_on: TODAY,
            entered_by: PersonId::new(),
            entered_at: now - time::Duration::days(200),
            recorded_as_existing: false,
            password_change_due: false,
            last_password_change_on: None,
            last_reviewed_at: Some(now - time::Duration::days(30)),
            closed_at: None,
            close_reason: None,
        };
        assert!(!account.review_overdue(now));
        account.last_reviewed_at = Some(now - time::Duration::days(130));
        assert!(account.review_overdue(now));
    }
}
