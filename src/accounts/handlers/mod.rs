//! The official accounts pages: the register, an account, grants, closing,
//! password changes and access reviews. One file per concern; what they
//! share (the access check, ids from the path, the rows of the register and
//! of a grant) lives here.

mod accounts;
mod custody;
mod exports;
mod grants;
mod reviews;

pub use accounts::{
    close_get, close_post, existing_get, existing_post, list_get, new_get, new_post, show_get,
    AccountForm,
};
pub use custody::{
    custodian_add_post, custodian_remove_post, password_get, password_post, CustodianForm,
    PasswordChangeForm,
};
pub use exports::{export_get, history_csv_get};
pub use grants::{
    grant_confirm_post, grant_get, grant_new_get, grant_new_post, grant_revoke_post, GrantForm,
};
pub use reviews::{review_get, review_post};

use std::collections::HashMap;

use serde::Deserialize;

use super::domain::{Account, Grant};
use super::service::{By, Overview};
use super::views::*;
use crate::auth::current::CurrentPerson;
use crate::error::AppError;
use crate::ids::{AccountId, GrantId, PersonId};
use crate::people::domain::{Person, Role};
use crate::web::{format, urls};

const MANAGERS_ONLY: &str =
    "Only the Senior Leadership Team and the headteacher manage the school's official accounts.";

fn require_manager(me: &CurrentPerson) -> Result<By, AppError> {
    me.require(me.role.manages_people(), MANAGERS_ONLY)?;
    Ok(By {
        id: me.id,
        name: me.name.clone(),
        role: me.role,
    })
}

fn account_id(raw: &str) -> Result<AccountId, AppError> {
    AccountId::parse(raw).ok_or(AppError::NotFound)
}

fn grant_id(raw: &str) -> Result<GrantId, AppError> {
    GrantId::parse(raw).ok_or(AppError::NotFound)
}

fn name_of(people: &HashMap<PersonId, Person>, id: PersonId) -> String {
    people
        .get(&id)
        .map(|p| p.name.clone())
        .unwrap_or_else(|| "Unknown".into())
}

fn valid_custodian(people: &HashMap<PersonId, Person>, id: PersonId) -> bool {
    people
        .get(&id)
        .is_some_and(|p| p.active && matches!(p.role, Role::Slt | Role::Headteacher))
}

fn row_view(
    account: &Account,
    overview: &Overview,
    me: &CurrentPerson,
    now: time::OffsetDateTime,
    zone: &time_tz::Tz,
) -> AccountRowView {
    let custodians = overview
        .custodians
        .get(&account.id)
        .cloned()
        .unwrap_or_default();
    let mut flags = Vec::new();
    if account.is_open() {
        if account.password_change_due {
            flags.push(Flag {
                text: "Password change due",
                tag: "tag--red",
            });
        }
        if !custodians
            .iter()
            .any(|(id, _)| valid_custodian(&overview.people, *id))
        {
            flags.push(Flag {
                text: "No active custodian",
                tag: "tag--red",
            });
        } else if custodians
            .iter()
            .any(|(id, _)| !valid_custodian(&overview.people, *id))
        {
            flags.push(Flag {
                text: "A custodian has left SLT",
                tag: "tag--amber",
            });
        }
        if account.review_overdue(now) {
            flags.push(Flag {
                text: "Access review overdue",
                tag: "tag--amber",
            });
        }
    }
    let my_grants: Vec<&Grant> = overview
        .live
        .iter()
        .filter(|g| g.account_id == account.id && g.grantee_id == me.id)
        .collect();
    AccountRowView {
        href: urls::account(account.id),
        platform: account.platform.label(),
        handle: account.handle.clone(),
        profile_url: account.profile_url.clone(),
        purpose: account.purpose.clone(),
        status: if account.is_open() { "Open" } else { "Closed" },
        status_tag: if account.is_open() {
            "tag--green"
        } else {
            "tag--grey"
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
        my_access: my_grants.first().map(|g| match g.ends_on {
            Some(date) => format!("You have access until {}", format::calendar_date(date)),
            None => "You have access".into(),
        }),
    }
}

fn grant_view(
    grant: &Grant,
    people: &HashMap<PersonId, Person>,
    account: &str,
    zone: &time_tz::Tz,
) -> GrantRowView {
    let (status, status_tag) = match (grant.is_live(), grant.confirmed_at, grant.end_kind) {
        (true, Some(_), _) => ("Live".to_owned(), "tag--green"),
        (true, None, _) => ("Live, not yet confirmed".to_owned(), "tag--amber"),
        (false, _, Some(kind)) => (kind.label().to_owned(), "tag--grey"),
        (false, _, None) => ("Ended".to_owned(), "tag--grey"),
    };
    GrantRowView {
        href: urls::grant(grant.id),
        grantee: name_of(people, grant.grantee_id),
        granted_by: name_of(people, grant.granted_by),
        granted_at: format::date_time(grant.granted_at, zone),
        aim: grant.aim.label(),
        purpose: grant.purpose.clone(),
        ends_on: grant
            .ends_on
            .map(format::calendar_date)
            .unwrap_or_else(|| "No end date".into()),
        status,
        status_tag,
        confirmed: grant
            .confirmed_at
            .map(|t| format::date_time(t, zone))
            .unwrap_or_else(|| "Not yet".into()),
        account: account.to_owned(),
    }
}

#[derive(Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    reason: String,
}
