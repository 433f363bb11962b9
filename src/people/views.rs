//! The people pages.

use askama::Template;
use time_tz::Tz;

use super::domain::{HeldAccess, Person, Role};
use super::names::{Contact, Named};
use super::service::Handover;
use crate::error::FormErrors;
use crate::web::form::Choice;
use crate::web::layout::PageContext;
use crate::web::{format, urls};

/// A person as a row or a record shows them.
pub struct PersonView {
    pub href: String,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub active: bool,
    pub status: &'static str,
    pub tag: &'static str,
    pub added_on: String,
    pub deactivated_on: Option<String>,
}

impl PersonView {
    pub fn new(person: &Person, zone: &Tz) -> Self {
        use crate::web::format::date;
        Self {
            href: urls::person(person.id),
            name: person.name.clone(),
            email: person.email.clone(),
            role: person.role,
            active: person.active,
            status: match (person.active, person.has_password) {
                (false, _) => "Deactivated",
                (true, false) => "Invited",
                (true, true) => "Active",
            },
            tag: match (person.active, person.has_password) {
                (false, _) => "tag--grey",
                (true, false) => "tag--blue",
                (true, true) => "tag--green",
            },
            added_on: date(person.created_at, zone),
            deactivated_on: person.deactivated_at.map(|t| date(t, zone)),
        }
    }
}

#[derive(Template)]
#[template(path = "people/list.html")]
pub struct PeopleListPage {
    pub page: PageContext,
    pub people: Vec<PersonView>,
}

#[derive(Template)]
#[template(path = "people/new.html")]
pub struct PeopleNewPage {
    pub page: PageContext,
    pub name: String,
    pub email: String,
    pub roles: Vec<Choice>,
    pub errors: FormErrors,
}

/// A grant of an official account's login that the person holds or held.
pub struct AccessView {
    pub account: String,
    pub account_href: String,
    pub grant_href: String,
    pub granted: String,
    pub status: String,
    pub live: bool,
}

impl AccessView {
    pub fn new(held: HeldAccess, zone: &Tz) -> Self {
        Self {
            account: held.handle,
            account_href: urls::account(held.account),
            grant_href: urls::grant(held.grant),
            granted: format::date(held.granted_at, zone),
            status: match held.ended {
                None => "Has access now".to_owned(),
                Some((at, Some(kind))) => format!("{} on {}", kind, format::date(at, zone)),
                Some((at, None)) => format!("Ended on {}", format::date(at, zone)),
            },
            live: held.live,
        }
    }
}

#[derive(Template)]
#[template(path = "people/show.html")]
pub struct PeopleShowPage {
    pub page: PageContext,
    pub access: Vec<AccessView>,
    pub person: PersonView,
    pub role_url: String,
    pub deactivate_url: String,
    pub roles: Vec<Choice>,
    pub may_change: bool,
}

/// The roles `giver` may give, with `current` selected.
pub fn role_choices(giver: Role, current: Option<Role>) -> Vec<Choice> {
    let roles: Vec<Role> = Role::ALL
        .iter()
        .copied()
        .filter(|r| r.may_be_given_by(giver))
        .collect();
    Choice::options(&roles, current.map_or("", Role::as_str))
}

/// Who the chair may hand over to, each shown with their email address,
/// with the one whose id is `selected` chosen.
pub fn successor_choices(people: &[Contact], selected: &str) -> Vec<Choice> {
    Choice::from_pairs(
        people
            .iter()
            .map(|p| (p.id.to_string(), format!("{} ({})", p.name, p.email))),
        selected,
    )
}

/// People to choose from, each shown with their role, with the one whose
/// id is `selected` chosen.
pub fn person_choices<'a>(
    people: impl IntoIterator<Item = &'a Named>,
    selected: &str,
) -> Vec<Choice> {
    Choice::from_pairs(
        people
            .into_iter()
            .map(|p| (p.id.to_string(), format!("{} ({})", p.name, p.role.label()))),
        selected,
    )
}

/// The chair's handover page: who waits to accept, or the form to name
/// a successor.
#[derive(Template)]
#[template(path = "people/handover.html")]
pub struct ChairHandoverPage {
    pub page: PageContext,
    /// The successor who has been sent a link, and until when it works.
    pub pending: Option<(String, String)>,
    pub choices: Vec<Choice>,
    pub new_selected: bool,
    pub name: String,
    pub email: String,
    pub leaving: bool,
    pub errors: FormErrors,
}

/// The successor's page, from the emailed link.
#[derive(Template)]
#[template(path = "people/handover_accept.html")]
pub struct ChairAcceptPage {
    pub page: PageContext,
    pub token: String,
    pub from_name: String,
    pub to_name: String,
    pub outgoing_leaves: bool,
    /// A new person, who chooses a password to accept.
    pub needs_password: bool,
    pub errors: FormErrors,
}

impl ChairAcceptPage {
    pub fn new(page: PageContext, token: String, handover: &Handover, errors: FormErrors) -> Self {
        Self {
            page,
            token,
            from_name: handover.from.name.clone(),
            to_name: handover.to.name.clone(),
            outgoing_leaves: handover.outgoing_leaves,
            needs_password: !handover.to.has_password,
            errors,
        }
    }
}
