//! What the accounts pages share: people named, the rows of the register
//! and of a grant.

use serde::Deserialize;

use crate::accounts::domain::{Account, Grant};
use crate::accounts::service::{Overview, People};
use crate::accounts::views::*;
use crate::audit::EventRow;
use crate::ids::PersonId;
use crate::web::layout::Tag;
use crate::web::{format, urls};

/// The one-field form of closing an account and revoking a grant.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReasonForm {
    pub(super) reason: String,
}

pub(super) fn name_of(people: &People, id: PersonId) -> String {
    people
        .get(&id)
        .map(|p| p.name.clone())
        .unwrap_or_else(|| "Unknown".into())
}

/// Who an audit event names: a person, or Custodian itself.
pub(super) fn who_did(people: &People, event: &EventRow) -> String {
    event
        .actor_id
        .as_deref()
        .and_then(PersonId::parse)
        .map(|p| name_of(people, p))
        .unwrap_or_else(|| "Custodian".into())
}

/// Whether a custodian can still act: active, and SLT or the head.
pub(super) fn valid_custodian(people: &People, id: PersonId) -> bool {
    people
        .get(&id)
        .is_some_and(|p| p.active && p.role.may_be_custodian())
}

/// An account as a row of the register, for the person `me`.
pub(super) fn row_view(
    account: &Account,
    overview: &Overview,
    me: PersonId,
    now: time::OffsetDateTime,
    zone: &time_tz::Tz,
) -> AccountRowView {
    let custodians = overview
        .custodians
        .get(&account.id)
        .cloned()
        .unwrap_or_default();
    let valid = |id: &PersonId| valid_custodian(&overview.people, *id);
    let mut flags = Vec::new();
    if account.is_open() {
        if account.password_change_due {
            flags.push(Tag::new("Password change due", "tag--red"));
        }
        if !custodians.iter().any(|(id, _)| valid(id)) {
            flags.push(Tag::new("No active custodian", "tag--red"));
        } else if custodians.iter().any(|(id, _)| !valid(id)) {
            flags.push(Tag::new("A custodian has left SLT", "tag--amber"));
        }
        if account.review_overdue(now) {
            flags.push(Tag::new("Access review overdue", "tag--amber"));
        }
    }
    let my_grant: Option<&Grant> = overview
        .live
        .iter()
        .find(|g| g.account_id == account.id && g.grantee_id == me);
    AccountRowView {
        href: urls::account(account.id),
        platform: account.platform.label(),
        handle: account.handle.clone(),
        profile_url: account.profile_url.clone(),
        purpose: account.purpose.clone(),
        status: if account.is_open() {
            Tag::new("Open", "tag--green")
        } else {
            Tag::new("Closed", "tag--grey")
        },
        flags,
        custodians: custodians
            .iter()
            .map(|(id, _)| name_of(&overview.people, *id))
            .collect::<Vec<_>>()
            .join(", "),
        last_password_change: account
            .last_password_change_on
            .map(format::calendar_date)
            .unwrap_or_else(|| "Not recorded".into()),
        last_reviewed: account
            .last_reviewed_at
            .map(|t| format::date(t, zone))
            .unwrap_or_else(|| "Never".into()),
        my_access: my_grant.map(|g| match g.ends_on {
            Some(date) => format!("You have access until {}", format::calendar_date(date)),
            None => "You have access".into(),
        }),
    }
}

/// When a grant ends, or "No end date".
pub(super) fn ends_on(grant: &Grant) -> String {
    grant
        .ends_on
        .map(format::calendar_date)
        .unwrap_or_else(|| "No end date".into())
}

pub(super) fn grant_view(
    grant: &Grant,
    people: &People,
    account: &str,
    zone: &time_tz::Tz,
) -> GrantRowView {
    let status = match (grant.is_live(), grant.confirmed_at, grant.end_kind) {
        (true, Some(_), _) => Tag::new("Live", "tag--green"),
        (true, None, _) => Tag::new("Live, not yet confirmed", "tag--amber"),
        (false, _, Some(kind)) => Tag::new(kind.label(), "tag--grey"),
        (false, _, None) => Tag::new("Ended", "tag--grey"),
    };
    GrantRowView {
        href: urls::grant(grant.id),
        grantee: name_of(people, grant.grantee_id),
        granted_by: name_of(people, grant.granted_by),
        granted_at: format::date_time(grant.granted_at, zone),
        aim: grant.aim.label(),
        purpose: grant.purpose.clone(),
        ends_on: ends_on(grant),
        status,
        confirmed: grant
            .confirmed_at
            .map(|t| format::date_time(t, zone))
            .unwrap_or_else(|| "Not yet".into()),
        account: account.to_owned(),
    }
}
