//! Concerns: what they may be about, who reviews them, how they are
//! classified and closed, and which evidence files are accepted. No I/O.

use time::{Date, Duration, OffsetDateTime, Weekday};
use time_tz::{OffsetDateTimeExt, Tz};

use crate::error::FormErrors;
use crate::ids::{AccountId, PersonId};
use crate::people::domain::Role;
use crate::web::form::{self, coded, TextKind};

/// Text fields are generous but bounded, so a page always renders.
pub const MAX_TEXT: usize = 10_000;
pub const MAX_SHORT_TEXT: usize = 500;
/// Each evidence file, at most.
pub const MAX_EVIDENCE_BYTES: usize = 10 * 1024 * 1024;
/// Evidence files with one concern, at most.
pub const MAX_EVIDENCE_FILES: usize = 5;

coded! {
    /// What a concern is about.
    pub enum About {
        Staff = "staff": "A member of staff",
        Headteacher = "headteacher": "The headteacher",
        Account = "account": "One of the school's official accounts, or a post on it",
        Community = "community": "A post or comment by a member of the school community",
        Other = "other": "Something else",
    }
}

coded! {
    /// Who deals with a concern.
    pub enum Reviewer {
        Headteacher = "headteacher": "the headteacher",
        Chair = "chair": "the chair of governors",
        Lado = "lado": "the LADO, directly",
    }
}

impl Reviewer {
    /// The role that reviews in Custodian; none when it went to the LADO.
    pub fn role(self) -> Option<Role> {
        match self {
            Reviewer::Headteacher => Some(Role::Headteacher),
            Reviewer::Chair => Some(Role::Chair),
            Reviewer::Lado => None,
        }
    }

    /// A channel the head must never learn of (its concerns are about the
    /// head, or went to the LADO).
    pub fn is_sealed_from_head(self) -> bool {
        self != Reviewer::Headteacher
    }

    /// The letter of this channel's series of references.
    pub fn series_prefix(self) -> &'static str {
        match self {
            Reviewer::Headteacher => "C",
            Reviewer::Chair => "G",
            Reviewer::Lado => "L",
        }
    }

    /// The audit subject type. SECURITY: the headteacher's audit log leaves
    /// out `head_concern` and `lado_concern`, and the chair's leaves out
    /// `lado_concern`, so neither learns such a concern exists.
    pub fn subject_kind(self) -> &'static str {
        match self {
            Reviewer::Headteacher => "concern",
            Reviewer::Chair => crate::audit::HEAD_CONCERN,
            Reviewer::Lado => crate::audit::LADO_CONCERN,
        }
    }

    /// Email kinds for concerns the head must not see start with this; the
    /// head's email log leaves them out.
    pub fn email_kind_prefix(self) -> &'static str {
        match self {
            Reviewer::Headteacher => "concern",
            Reviewer::Chair | Reviewer::Lado => SEALED_EMAIL_PREFIX,
        }
    }
}

pub use crate::audit::HIDDEN_FROM_HEAD;
pub use crate::mail::SEALED_EMAIL_PREFIX;

/// The reviewer of a concern: the head, unless it is about the head; then
/// the chair, unless the chair is implicated too; then nobody here, and the
/// raiser is pointed at the LADO.
pub fn reviewer_for(about_head: bool, implicates_chair: bool) -> Reviewer {
    match (about_head, implicates_chair) {
        (false, _) => Reviewer::Headteacher,
        (true, false) => Reviewer::Chair,
        (true, true) => Reviewer::Lado,
    }
}

coded! {
    pub enum Status {
        Open = "open": "Open",
        UnderReview = "under_review": "Under review",
        Closed = "closed": "Closed",
        ReferredToLado = "referred_to_lado": "Referred directly to the LADO",
    }
}

impl Status {
    pub fn tag(self) -> &'static str {
        match self {
            Status::Open => "tag--amber",
            Status::UnderReview => "tag--blue",
            Status::Closed => "tag--green",
            Status::ReferredToLado => "tag--grey",
        }
    }
}

coded! {
    /// The reviewer's view of it, after KCSIE part 4.
    pub enum Classification {
        LowLevel = "low_level": "Low-level concern (below the harm threshold)",
        Allegation = "allegation": "Allegation that may meet the harm threshold",
        NotAConcern = "not_a_concern": "Not a concern",
    }
}

coded! {
    pub enum Outcome {
        Substantiated = "substantiated": "Substantiated",
        Unsubstantiated = "unsubstantiated": "Unsubstantiated",
        Unfounded = "unfounded": "Unfounded",
        False = "false": "False",
        Malicious = "malicious": "Malicious",
        NoFurtherAction = "no_further_action": "No further action",
        AdviceGiven = "advice_given": "Advice given",
        RecordedLowLevel = "recorded_low_level": "Recorded as a low-level concern",
    }
}

impl Outcome {
    /// KCSIE's outcomes for an allegation; the others for anything else.
    pub fn allowed_for(classification: Classification) -> &'static [Outcome] {
        match classification {
            Classification::Allegation => &[
                Outcome::Substantiated,
                Outcome::Unsubstantiated,
                Outcome::Unfounded,
                Outcome::False,
                Outcome::Malicious,
            ],
            _ => &[
                Outcome::NoFurtherAction,
                Outcome::AdviceGiven,
                Outcome::RecordedLowLevel,
            ],
        }
    }
}

coded! {
    /// What the reviewer did.
    pub enum ActionKind {
        SpokeWithPerson = "spoke_with_person": "Spoke with the person concerned",
        AdviceGiven = "advice_given": "Advice given",
        Meeting = "meeting": "Meeting held",
        Disciplinary = "disciplinary": "Referred under the disciplinary procedure",
        LadoReferral = "lado_referral": "Referred to the LADO",
        Police = "police": "Referred to the police",
    }
}

coded! {
    /// A line of the timeline.
    pub enum EntryKind {
        Note = "note": "Note",
        Action = "action": "Action",
        Status = "status": "Status changed",
        Classification = "classification": "Classified",
        Closed = "closed": "Closed",
        Informed = "informed": "Person concerned informed",
    }
}

/// A concern as raised, checked. It is never changed afterwards.
#[derive(Debug, Clone)]
pub struct NewConcern {
    pub about: About,
    pub about_person: Option<PersonId>,
    pub about_account: Option<AccountId>,
    pub about_detail: String,
    pub implicates_chair: bool,
    pub happened_on: Date,
    pub what_happened: String,
}

/// The raise form as typed.
#[derive(Debug, Clone, Default)]
pub struct RaiseInput {
    pub about: String,
    pub about_person: String,
    pub about_account: String,
    pub about_detail: String,
    pub implicates_chair: bool,
    pub happened_on: String,
    pub what_happened: String,
}

fn text(
    errors: &mut FormErrors,
    field: &'static str,
    raw: &str,
    missing: Option<&str>,
    max: usize,
    kind: TextKind,
) -> String {
    match missing {
        Some(missing) => form::required_text(errors, field, raw, max, kind, missing),
        None => form::text(errors, field, raw, max, kind),
    }
}

impl NewConcern {
    /// Checks every field and reports each problem beside it.
    pub fn parse(input: &RaiseInput, today: Date) -> Result<Self, FormErrors> {
        let mut errors = FormErrors::new();
        let about = About::parse(&input.about);
        if about.is_none() {
            errors.add("about", "Choose what the concern is about");
        }
        let about_person = match about {
            Some(About::Staff) => {
                let id = PersonId::parse(input.about_person.trim());
                if id.is_none() {
                    errors.add("about_person", "Choose the member of staff");
                }
                id
            }
            _ => None,
        };
        let about_account = match about {
            Some(About::Account) => {
                let id = AccountId::parse(input.about_account.trim());
                if id.is_none() {
                    errors.add("about_account", "Choose the official account");
                }
                id
            }
            _ => None,
        };
        let detail_missing = match about {
            Some(About::Community) => {
                Some("Say where the post or comment is: the platform, the page, a link")
            }
            Some(About::Other) => Some("Say briefly what the concern is about"),
            _ => None,
        };
        let about_detail = text(
            &mut errors,
            "about_detail",
            &input.about_detail,
            detail_missing,
            MAX_SHORT_TEXT,
            TextKind::Line,
        );
        let happened_on = form::past_date(
            &mut errors,
            "happened_on",
            &input.happened_on,
            today,
            [
                "Enter the date it happened",
                "The date it happened must be today or earlier",
                "Enter the date it happened, like 2026-11-24",
            ],
        );
        let what_happened = text(
            &mut errors,
            "what_happened",
            &input.what_happened,
            Some("Describe what you saw or heard"),
            MAX_TEXT,
            TextKind::Long,
        );
        let implicates_chair = input.implicates_chair;
        errors.finish(|| NewConcern {
            about: about.expect("checked"),
            about_person,
            about_account,
            about_detail,
            implicates_chair,
            happened_on: happened_on.expect("checked"),
            what_happened,
        })
    }
}

/// When the LADO referral for an allegation classified at `from` is due:
/// the same time of day, `working_days` weekdays later at the school.
/// Bank holidays are not known to Custodian, so they count as working days.
pub fn lado_due(from: OffsetDateTime, working_days: u8, zone: &Tz) -> OffsetDateTime {
    let mut due = from;
    let mut left = working_days;
    while left > 0 {
        due += Duration::days(1);
        let weekday = due.to_timezone(zone).weekday();
        if !matches!(weekday, Weekday::Saturday | Weekday::Sunday) {
            left -= 1;
        }
    }
    due
}

/// An evidence file as received, its type already read from its content.
pub struct Upload {
    pub file_name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// The evidence types accepted, read from a file's first bytes, never from
/// its name: PNG, JPEG or PDF.
pub fn sniff_evidence(bytes: &[u8]) -> Option<&'static str> {
    let kind = infer::get(bytes)?;
    match kind.mime_type() {
        "image/png" => Some("image/png"),
        "image/jpeg" => Some("image/jpeg"),
        "application/pdf" => Some("application/pdf"),
        _ => None,
    }
}

/// A file name safe to show and to offer as a download name.
pub fn clean_file_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | ';'))
        .take(120)
        .collect();
    let cleaned = cleaned.trim().to_owned();
    if cleaned.is_empty() {
        "evidence".into()
    } else {
        cleaned
    }
}

/// The reference people quote: "C-12" for the headteacher's concerns, in
/// order; "G-482913" for the chair's (about the head) and "L-730166" for
/// those sent to the LADO, numbered at random so they count nothing.
/// SECURITY: each channel has its own series, so no reference tells of
/// concerns in another channel (one series left gaps in the head's queue
/// exactly where the concerns about the head were).
pub fn reference(reviewer: Reviewer, channel_number: i64) -> String {
    format!("{}-{channel_number}", reviewer.series_prefix())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn input() -> RaiseInput {
        RaiseInput {
            about: "other".into(),
            about_detail: "A parent's group chat".into(),
            happened_on: "2026-11-20".into(),
            what_happened: "Something I saw".into(),
            ..RaiseInput::default()
        }
    }

    #[test]
    fn the_head_reviews_unless_it_is_about_the_head() {
        assert_eq!(reviewer_for(false, false), Reviewer::Headteacher);
        assert_eq!(reviewer_for(false, true), Reviewer::Headteacher);
        assert_eq!(reviewer_for(true, false), Reviewer::Chair);
        assert_eq!(reviewer_for(true, true), Reviewer::Lado);
    }

    #[test]
    fn each_channel_quotes_its_own_series() {
        assert_eq!(reference(Reviewer::Headteacher, 2), "C-2");
        assert_eq!(reference(Reviewer::Chair, 1), "G-1");
        assert_eq!(reference(Reviewer::Lado, 1), "L-1");
    }

    #[test]
    fn every_missing_field_is_named() {
        let errors = NewConcern::parse(&RaiseInput::default(), date!(2026 - 11 - 24))
            .err()
            .unwrap();
        assert!(errors.get("about").is_some());
        assert!(errors.get("happened_on").is_some());
        assert!(errors.get("what_happened").is_some());
    }

    #[test]
    fn a_future_date_and_a_missing_choice_are_refused() {
        let mut typed = input();
        typed.happened_on = "2026-11-25".into();
        let errors = NewConcern::parse(&typed, date!(2026 - 11 - 24))
            .err()
            .unwrap();
        assert!(errors
            .get("happened_on")
            .unwrap()
            .contains("today or earlier"));

        let mut typed = input();
        typed.about = "staff".into();
        let errors = NewConcern::parse(&typed, date!(2026 - 11 - 24))
            .err()
            .unwrap();
        assert_eq!(
            errors.get("about_person"),
            Some("Choose the member of staff")
        );
    }

    #[test]
    fn an_allegation_closes_only_with_a_kcsie_outcome() {
        let kcsie = Outcome::allowed_for(Classification::Allegation);
        assert_eq!(kcsie.len(), 5);
        assert!(!kcsie.contains(&Outcome::NoFurtherAction));
        assert!(Outcome::allowed_for(Classification::LowLevel).contains(&Outcome::AdviceGiven));
        assert!(!Outcome::allowed_for(Classification::NotAConcern).contains(&Outcome::False));
    }

    #[test]
    fn the_lado_referral_skips_the_weekend() {
        let london = time_tz::timezones::db::europe::LONDON;
        // Friday 27 November 2026, 16:00: due Monday at 16:00.
        let due = lado_due(datetime!(2026-11-27 16:00 UTC), 1, london);
        assert_eq!(due, datetime!(2026-11-30 16:00 UTC));
        // Tuesday: due Wednesday.
        let due = lado_due(datetime!(2026-11-24 09:00 UTC), 1, london);
        assert_eq!(due, datetime!(2026-11-25 09:00 UTC));
        let due = lado_due(datetime!(2026-11-26 09:00 UTC), 2, london);
        assert_eq!(due, datetime!(2026-11-30 09:00 UTC));
    }

    #[test]
    fn evidence_is_known_by_its_content_not_its_name() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert_eq!(sniff_evidence(png), Some("image/png"));
        assert_eq!(
            sniff_evidence(b"\xFF\xD8\xFF\xE0\0\x10JFIF\0"),
            Some("image/jpeg")
        );
        assert_eq!(sniff_evidence(b"%PDF-1.7\n"), Some("application/pdf"));
        assert_eq!(sniff_evidence(b"<html><script>"), None);
        assert_eq!(sniff_evidence(b"GIF89a...."), None);
        assert_eq!(sniff_evidence(b"MZ\x90\0"), None);
    }

    #[test]
    fn file_names_lose_their_folders_and_quotes() {
        assert_eq!(clean_file_name("C:\\Users\\me\\shot.png"), "shot.png");
        assert_eq!(clean_file_name("../../etc/\"x\";.pdf"), "x.pdf");
        assert_eq!(clean_file_name(""), "evidence");
    }
}
