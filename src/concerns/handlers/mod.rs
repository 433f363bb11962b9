//! The concerns pages: one's own, raising one, the reviewer's queue, a
//! concern and its evidence, and the reviewer's steps.
//!
//! SECURITY: a concern that does not exist and one this person may not see
//! get the same 403, so the head cannot learn that a concern about them
//! exists by guessing ids.

mod home;
mod raise;
mod review;
mod show;
mod steps;

pub use home::home_get;
pub use raise::{new_get, new_post};
pub use review::review_get;
pub use show::{evidence_get, show_get};
pub use steps::{action_post, classify_post, close_post, informed_post, note_post, status_post};

use std::collections::HashMap;

use serde::Deserialize;

use super::domain::{About, Reviewer};
use super::service::{Concern, NOT_REVIEWER};
use crate::auth::current::CurrentPerson;
use crate::error::AppError;
use crate::ids::ConcernId;
use crate::people::domain::Role;

pub(super) fn concern_id(raw: &str) -> Result<ConcernId, AppError> {
    ConcernId::parse(raw).ok_or(AppError::Forbidden(NOT_REVIEWER))
}

/// Who reviews for this person's role, if anyone.
pub(super) fn reviewing_as(me: &CurrentPerson) -> Option<Reviewer> {
    match me.role {
        Role::Headteacher => Some(Reviewer::Headteacher),
        Role::Chair => Some(Reviewer::Chair),
        _ => None,
    }
}

/// What a concern is about, in words, with the person's or account's name.
pub(super) fn about_text(
    concern: &Concern,
    names: &HashMap<String, String>,
    accounts: &HashMap<String, String>,
) -> String {
    let named = |label: &str, name: Option<&String>| match name {
        Some(name) => format!("{label}: {name}"),
        None => label.to_owned(),
    };
    match concern.about {
        About::Staff => named(
            "A member of staff",
            concern.about_person.and_then(|p| names.get(&p.to_string())),
        ),
        About::Headteacher => named(
            "The headteacher",
            concern.about_person.and_then(|p| names.get(&p.to_string())),
        ),
        About::Account => named(
            "An official account",
            concern.about_account.as_ref().and_then(|a| accounts.get(a)),
        ),
        other => other.label().to_owned(),
    }
}

/// What the reviewer typed into the forms of a concern's page.
#[derive(Deserialize, Default, Clone)]
pub struct StepForm {
    #[serde(default)]
    note_text: String,
    #[serde(default)]
    action_kind: String,
    #[serde(default)]
    action_on: String,
    #[serde(default)]
    action_reference: String,
    #[serde(default)]
    action_text: String,
    #[serde(default)]
    status_to: String,
    #[serde(default)]
    status_text: String,
    #[serde(default)]
    classification: String,
    #[serde(default)]
    classify_text: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    informed_on: String,
    #[serde(default)]
    informed_text: String,
}
