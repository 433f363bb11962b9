//! People and their roles; the rules about who may do what to whom.

use time::OffsetDateTime;

use crate::error::FormErrors;
use crate::ids::{AccountId, GrantId, PersonId};
use crate::web::form::{self, coded, TextKind};

coded! {
    /// A person has one role.
    pub enum Role {
        Staff = "staff": "Staff",
        Slt = "slt": "Senior Leadership Team",
        Headteacher = "headteacher": "Headteacher",
        Chair = "chair": "Chair of governors",
    }
}

impl Role {
    /// SLT and the head manage people (and, later, official accounts).
    pub fn manages_people(self) -> bool {
        matches!(self, Role::Slt | Role::Headteacher)
    }

    /// The head reads the audit log; the chair reads what concerns the head.
    pub fn reads_audit(self) -> bool {
        matches!(self, Role::Headteacher | Role::Chair)
    }

    /// Who may give a person this role (or take it away): only the head
    /// makes someone SLT or head; SLT may add and manage staff.
    /// SECURITY: no one signed in gives or takes the chair of governors, who
    /// reviews concerns about the head: it passes only by the sitting
    /// chair's handover or from the command line, so that no act of the
    /// head alone gives anyone sight of a concern about the head.
    pub fn may_be_given_by(self, giver: Role) -> bool {
        match self {
            Role::Staff => giver.manages_people(),
            Role::Slt | Role::Headteacher => giver == Role::Headteacher,
            Role::Chair => false,
        }
    }

    /// Whether a person in this role may be given an official account's
    /// login: anyone who works in the school, never a governor.
    pub fn may_hold_grants(self) -> bool {
        self != Role::Chair
    }

    /// Whether a person in this role may hold an official account's login
    /// as its custodian (policy clause j: SLT only).
    pub fn may_be_custodian(self) -> bool {
        matches!(self, Role::Slt | Role::Headteacher)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// One line as typed, tidied by `tidy`: refused when it has control
/// characters, or with `missing` when nothing is left.
fn one_line(raw: &str, tidy: impl FnOnce(&str) -> String, missing: &str) -> Result<String, String> {
    if form::has_control(raw, TextKind::Line) {
        return Err(form::CONTROL_MESSAGE.into());
    }
    let tidied = tidy(raw);
    if tidied.is_empty() {
        return Err(missing.into());
    }
    Ok(tidied)
}

/// An email address, trimmed and lower-cased so that one person has one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let email = one_line(
            raw,
            |raw| raw.trim().to_lowercase(),
            "Enter an email address",
        )?;
        if email.len() > 254 || email.parse::<lettre::Address>().is_err() {
            return Err(
                "Enter an email address in the correct format, like name@school.org.uk".into(),
            );
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A person's name as they would like it shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let words = |raw: &str| raw.split_whitespace().collect::<Vec<_>>().join(" ");
        let name = one_line(raw, words, "Enter a full name")?;
        if name.chars().count() > 100 {
            return Err("Names must be 100 characters or fewer".into());
        }
        Ok(Self(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A person as the app works with them.
#[derive(Clone, Debug)]
pub struct Person {
    pub id: PersonId,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub active: bool,
    pub has_password: bool,
    pub created_at: OffsetDateTime,
    pub deactivated_at: Option<OffsetDateTime>,
}

/// A new person, checked.
#[derive(Debug)]
pub struct NewPerson {
    pub name: PersonName,
    pub email: EmailAddress,
    pub role: Role,
}

impl NewPerson {
    pub fn parse(name: &str, email: &str, role: &str) -> Result<Self, FormErrors> {
        let mut errors = FormErrors::new();
        let name = PersonName::parse(name)
            .map_err(|e| errors.add("name", e))
            .ok();
        let email = EmailAddress::parse(email)
            .map_err(|e| errors.add("email", e))
            .ok();
        let role = Role::parse(role)
            .ok_or_else(|| errors.add("role", "Choose a role"))
            .ok();
        match (name, email, role) {
            (Some(name), Some(email), Some(role)) if errors.is_empty() => {
                Ok(Self { name, email, role })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            EmailAddress::parse("  Jo.Bloggs@School.ORG.uk ")
                .unwrap()
                .as_str(),
            "jo.bloggs@school.org.uk"
        );
        assert!(EmailAddress::parse("jo").is_err());
        assert!(EmailAddress::parse("").is_err());
    }

    #[test]
    fn only_the_head_gives_senior_roles() {
        assert!(Role::Staff.may_be_given_by(Role::Slt));
        assert!(!Role::Slt.may_be_given_by(Role::Slt));
        assert!(!Role::Chair.may_be_given_by(Role::Slt));
        assert!(Role::Slt.may_be_given_by(Role::Headteacher));
        assert!(!Role::Chair.may_be_given_by(Role::Headteacher));
        assert!(!Role::Chair.may_be_given_by(Role::Chair));
        assert!(!Role::Staff.may_be_given_by(Role::Staff));
        assert!(!Role::Staff.may_be_given_by(Role::Chair));
    }

    #[test]
    fn every_field_error_is_collected() {
        let errors = NewPerson::parse(" ", "nope", "janitor").unwrap_err();
        assert!(errors.get("name").is_some());
        assert!(errors.get("email").is_some());
        assert!(errors.get("role").is_some());
    }
}

/// One official account's login a person was given, as their page shows
/// it; the accounts register answers it (`state::Hooks::held_access`).
#[derive(Clone, Debug)]
pub struct HeldAccess {
    pub account: AccountId,
    pub handle: String,
    pub grant: GrantId,
    pub granted_at: OffsetDateTime,
    /// When and how it ended ("Revoked"), if it has.
    pub ended: Option<(OffsetDateTime, Option<&'static str>)>,
    pub live: bool,
}
