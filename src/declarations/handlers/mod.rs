//! The declarations pages: one's own, a declaration, and the reviewer's.
//! Each page's handlers live in their own file; the routes name them here.

mod form;
mod home;
mod review;
mod show;

pub use form::{edit_get, edit_post, new_get, new_post, DeclarationForm};
pub use home::{home_get, nil_post, reconfirm_post};
pub use review::{review_list_get, ReviewQuery};
pub use show::{end_post, review_post, show_get, EndForm, ReviewForm};

use super::domain::{Declaration, Details, Nature};
use super::service;
use super::service::VersionRow;
use super::views::*;
use crate::auth::current::CurrentPerson;
use crate::clock::from_row;
use crate::error::AppError;
use crate::ids::DeclarationId;
use crate::state::AppState;
use crate::web::{format, urls};

pub(super) fn declaration_id(raw: &str) -> Result<DeclarationId, AppError> {
    DeclarationId::parse(raw).ok_or(AppError::NotFound)
}

fn where_text(details: &Details) -> String {
    let mut places = Vec::new();
    if details.in_person {
        places.push("In person".to_owned());
    }
    places.extend(details.platforms.iter().cloned());
    places.join(", ")
}

pub(super) fn version_view(
    row: &VersionRow,
    before: Option<&VersionRow>,
    zone: &time_tz::Tz,
) -> Result<VersionView, AppError> {
    let details = row.details()?;
    let changed = match before {
        Some(before) => details.changed_from(&before.details()?),
        None => Vec::new(),
    };
    Ok(VersionView {
        number: row.version,
        submitted: format::date_time(from_row(row.submitted_at), zone),
        contact_name: details.contact_name.clone(),
        link: details.link.label(),
        class_or_year: details.class_or_year.clone(),
        nature: details.nature.label(),
        where_: where_text(&details),
        since: details.since.clone(),
        description: details.description.clone(),
        changed,
    })
}

pub(super) fn row_view(
    d: &Declaration,
    v: &VersionRow,
    declarant: &str,
    now: time::OffsetDateTime,
    zone: &time_tz::Tz,
) -> DeclarationRowView {
    DeclarationRowView {
        href: urls::declaration(d.id),
        declarant: declarant.to_owned(),
        contact_name: v.contact_name.clone(),
        class_or_year: d.class_or_year.clone(),
        nature: Nature::parse(&v.nature)
            .map(|n| n.label())
            .unwrap_or_default(),
        state: d.state.label(),
        state_tag: d.state.tag(),
        updated: format::date(d.updated_at, zone),
        waiting: format::waited(d.updated_at, now),
    }
}

/// Checks, before reading a form, that this person may act on it as its
/// declarant (`true`) or its reviewer (`false`).
pub(super) async fn require_part(
    state: &AppState,
    me: &CurrentPerson,
    id: DeclarationId,
    declarant: bool,
) -> Result<(), AppError> {
    let person = me.id;
    let found = state
        .db
        .run(move |conn| {
            let me = service::read_person(conn, person)?;
            service::read_visible(conn, &me, id)
        })
        .await?;
    if declarant {
        me.require(
            found.declarant == me.id,
            "Only the person who declared it can change a declaration.",
        )
    } else {
        me.require(
            found.reviewer_role == me.role && found.declarant != me.id,
            "Only the declaration's reviewer can review it.",
        )
    }
}
