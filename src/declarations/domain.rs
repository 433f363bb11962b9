//! Declarations of social contact with pupils' families (clause g): the
//! types and rules, with no I/O. A declaration says no more about the child
//! than their class or year group.

use time::{Date, Month, OffsetDateTime};

use crate::error::FormErrors;
use crate::ids::{DeclarationId, PersonId};
use crate::people::domain::Role;
use crate::web::form::{self, coded, TextKind};

coded! {
    /// How the contact is linked to the school.
    pub enum Link {
        ParentCarer = "parent_carer": "Parent or carer of a pupil",
        OtherRelative = "other_relative": "Another relative of a pupil",
    }
}

coded! {
    /// The nature of the contact.
    pub enum Nature {
        SocialCircle = "social_circle": "Same social circle",
        Relative = "relative": "A relative of mine",
        Neighbour = "neighbour": "Neighbour",
        ClubOrFaith = "club_or_faith": "Club or faith group",
        Online = "online": "Online connection",
        Other = "other": "Other",
    }
}

/// The platforms a contact may happen on.
pub const PLATFORMS: [&str; 7] = [
    "Facebook",
    "Instagram",
    "X (Twitter)",
    "WhatsApp",
    "TikTok",
    "Snapchat",
    "Other",
];

coded! {
    /// Where a declaration is in its life.
    pub enum State {
        AwaitingReview = "awaiting_review": "Awaiting review",
        Returned = "returned": "More detail asked for",
        Acknowledged = "acknowledged": "Acknowledged",
        Ended = "ended": "Ended",
    }
}

impl State {
    pub fn tag(self) -> &'static str {
        match self {
            State::AwaitingReview => "tag--blue",
            State::Returned => "tag--amber",
            State::Acknowledged => "tag--green",
            State::Ended => "tag--grey",
        }
    }
}

/// Who reviews a person's declarations: the head, or for the head's own,
/// the chair of governors.
pub fn reviewer_role_for(declarant: Role) -> Role {
    if declarant == Role::Headteacher {
        Role::Chair
    } else {
        Role::Headteacher
    }
}

/// What a declaration says, as declared (one version of it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Details {
    pub contact_name: String,
    pub link: Link,
    pub class_or_year: String,
    pub nature: Nature,
    pub in_person: bool,
    pub platforms: Vec<String>,
    pub since: String,
    pub description: String,
}

impl Details {
    #[allow(clippy::too_many_arguments)]
    pub fn parse(
        contact_name: &str,
        link: &str,
        class_or_year: &str,
        nature: &str,
        in_person: bool,
        platforms: &[String],
        since: &str,
        description: &str,
    ) -> Result<Self, FormErrors> {
        let mut errors = FormErrors::new();
        let text =
            |errors: &mut FormErrors, field: &'static str, raw: &str, missing: &str, max: usize| {
                let value = raw.split_whitespace().collect::<Vec<_>>().join(" ");
                if !form::check_control(errors, field, raw, TextKind::Line) {
                } else if value.is_empty() {
                    errors.add(field, missing);
                } else if value.chars().count() > max {
                    errors.add(field, format!("Use {max} characters or fewer"));
                }
                value
            };
        let contact_name = text(
            &mut errors,
            "contact_name",
            contact_name,
            "Enter the name of the parent, carer or relative",
            100,
        );
        let link = form::required_choice(
            &mut errors,
            "link",
            Link::parse(link),
            "Choose how they are linked to the school",
        );
        let class_or_year = text(
            &mut errors,
            "class_or_year",
            class_or_year,
            "Enter the pupil's class or year group, like Year 4 or Class 2B",
            40,
        );
        let nature = form::required_choice(
            &mut errors,
            "nature",
            Nature::parse(nature),
            "Choose the nature of the contact",
        );
        let platforms: Vec<String> = PLATFORMS
            .iter()
            .filter(|p| platforms.iter().any(|chosen| chosen == *p))
            .map(|p| (*p).to_owned())
            .collect();
        if !in_person && platforms.is_empty() {
            errors.add(
                "where",
                "Say where the contact happens: in person, or on which platforms",
            );
        }
        let since = text(
            &mut errors,
            "since",
            since,
            "Say since when, like September 2021",
            40,
        );
        let description = form::required_text(
            &mut errors,
            "description",
            description,
            1000,
            TextKind::Long,
            "Describe the contact in a sentence or two",
        );
        match (link, nature) {
            (Some(link), Some(nature)) if errors.is_empty() => Ok(Self {
                contact_name,
                link,
                class_or_year,
                nature,
                in_person,
                platforms,
                since,
                description,
            }),
            _ => Err(errors),
        }
    }

    /// The names of the fields that differ from `before`, for the reviewer.
    pub fn changed_from(&self, before: &Details) -> Vec<&'static str> {
        let mut changed = Vec::new();
        if self.contact_name != before.contact_name {
            changed.push("Who the contact is");
        }
        if self.link != before.link {
            changed.push("Their link to the school");
        }
        if self.class_or_year != before.class_or_year {
            changed.push("Class or year group");
        }
        if self.nature != before.nature {
            changed.push("Nature of the contact");
        }
        if self.in_person != before.in_person || self.platforms != before.platforms {
            changed.push("Where it happens");
        }
        if self.since != before.since {
            changed.push("Since when");
        }
        if self.description != before.description {
            changed.push("Description");
        }
        changed
    }
}

#[derive(Clone, Debug)]
pub struct Declaration {
    pub id: DeclarationId,
    pub declarant: PersonId,
    pub reviewer_role: Role,
    pub state: State,
    pub version: i32,
    pub class_or_year: String,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub review_notes: Option<String>,
    pub conditions: Option<String>,
    pub reviewed_at: Option<OffsetDateTime>,
    pub ended_on: Option<Date>,
    pub end_reason: Option<String>,
}

/// The school year a date falls in, named by the year it starts: with
/// reconfirmation from 1 September, 24 Nov 2026 is in 2026 (2026/27).
pub fn school_year(today: Date, starts: (Month, u8)) -> i32 {
    let start = Date::from_calendar_date(today.year(), starts.0, starts.1).unwrap_or(today);
    if today >= start {
        today.year()
    } else {
        today.year() - 1
    }
}

/// The first day of a school year.
pub fn school_year_start(year: i32, starts: (Month, u8)) -> Option<Date> {
    Date::from_calendar_date(year, starts.0, starts.1).ok()
}

/// "2026/27".
pub fn school_year_label(year: i32) -> String {
    format!("{}/{:02}", year, (year + 1) % 100)
}

pub use crate::clock::parse_month_day;

/// A date the declarant ended a contact: not in the future.
pub fn parse_end(date: &str, reason: &str, today: Date) -> Result<(Date, String), FormErrors> {
    let mut errors = FormErrors::new();
    let missing = "Enter the date the contact ended, like 2026-07-20";
    let future = "The date cannot be in the future";
    let parsed = form::past_date(
        &mut errors,
        "ended_on",
        date,
        today,
        [missing, future, missing],
    );
    let reason = form::required_text(
        &mut errors,
        "end_reason",
        reason,
        REVIEW_TEXT_MAX,
        TextKind::Long,
        "Say why it no longer applies, like: the pupil has left",
    );
    match parsed {
        Some(d) if errors.is_empty() => Ok((d, reason)),
        _ => Err(errors),
    }
}

/// The longest notes or conditions a reviewer writes, or an end reason.
pub const REVIEW_TEXT_MAX: usize = 2_000;

/// A reviewer's notes and conditions; returning a declaration needs notes.
pub fn parse_review(
    acknowledge: bool,
    notes: &str,
    conditions: &str,
) -> Result<(String, String), FormErrors> {
    let mut errors = FormErrors::new();
    let notes = if acknowledge {
        form::text(&mut errors, "notes", notes, REVIEW_TEXT_MAX, TextKind::Long)
    } else {
        form::required_text(
            &mut errors,
            "notes",
            notes,
            REVIEW_TEXT_MAX,
            TextKind::Long,
            "Say what more detail you need",
        )
    };
    let conditions = form::text(
        &mut errors,
        "conditions",
        conditions,
        REVIEW_TEXT_MAX,
        TextKind::Long,
    );
    errors.finish(|| (notes, conditions))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_heads_declarations_go_to_the_chair() {
        assert_eq!(reviewer_role_for(Role::Headteacher), Role::Chair);
        for role in [Role::Staff, Role::Slt, Role::Chair] {
            assert_eq!(reviewer_role_for(role), Role::Headteacher);
        }
    }

    #[test]
    fn school_years_start_on_the_configured_day() {
        let september = (Month::September, 1);
        assert_eq!(school_year(date!(2026 - 11 - 24), september), 2026);
        assert_eq!(school_year(date!(2026 - 08 - 31), september), 2025);
        assert_eq!(school_year(date!(2026 - 09 - 01), september), 2026);
        assert_eq!(school_year_label(2026), "2026/27");
        assert_eq!(parse_month_day("09-01"), Some(september));
        assert_eq!(parse_month_day("02-30"), None);
        assert_eq!(parse_month_day("september"), None);
    }

    #[test]
    fn every_field_is_checked_and_where_is_required() {
        let errors = Details::parse("", "cousin", "", "gossip", false, &[], "", "").unwrap_err();
        for field in [
            "contact_name",
            "link",
            "class_or_year",
            "nature",
            "where",
            "since",
            "description",
        ] {
            assert!(errors.get(field).is_some(), "{field}");
        }
        let ok = Details::parse(
            "Sam Jones",
            "parent_carer",
            "Year 4",
            "club_or_faith",
            true,
            &["WhatsApp".into(), "Myspace".into()],
            "2021",
            "We sing in the same choir.",
        )
        .unwrap();
        assert_eq!(
            ok.platforms,
            vec!["WhatsApp".to_owned()],
            "only known platforms"
        );
    }

    #[test]
    fn the_reviewer_sees_what_changed() {
        let before = Details::parse(
            "Sam Jones",
            "parent_carer",
            "Year 4",
            "neighbour",
            true,
            &[],
            "2021",
            "Next door.",
        )
        .unwrap();
        let mut after = before.clone();
        after.class_or_year = "Year 5".into();
        after.platforms = vec!["Facebook".into()];
        assert_eq!(
            after.changed_from(&before),
            vec!["Class or year group", "Where it happens"]
        );
    }
}
