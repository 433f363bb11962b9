//! The CSV exports: the register, and one account's history.

use actix_web::{web, HttpResponse};

use super::rows::{name_of, row_view, who_did};
use crate::accounts::service;
use crate::error::AppError;
use crate::ids::AccountId;
use crate::web::signed::Signed;
use crate::web::{csv, format};

pub async fn export_get(me: Signed) -> Result<HttpResponse, AppError> {
    let overview = me.read(service::read_export).await?;
    let zone = me.zone();
    let now = me.state.clock.now();
    let mut file = csv::Csv::new(&[
        "platform",
        "handle",
        "profile_url",
        "purpose",
        "status",
        "opened_on",
        "opened_by",
        "custodians",
        "password_change_due",
        "last_password_change_on",
        "last_reviewed",
        "people_with_access",
    ])?;
    for account in &overview.accounts {
        let row = row_view(account, &overview, me.id, now, zone);
        let access: Vec<String> = overview
            .live
            .iter()
            .filter(|g| g.account_id == account.id)
            .map(|g| name_of(&overview.people, g.grantee_id))
            .collect();
        file.row([
            account.platform.label().to_owned(),
            account.handle.clone(),
            account.profile_url.clone(),
            account.purpose.clone(),
            row.status.text.to_owned(),
            account.opened_on.to_string(),
            name_of(&overview.people, account.opened_by),
            row.custodians,
            account.password_change_due.to_string(),
            account
                .last_password_change_on
                .map(|d| d.to_string())
                .unwrap_or_default(),
            account
                .last_reviewed_at
                .map(|t| format::date(t, zone))
                .unwrap_or_default(),
            access.join("; "),
        ])?;
    }
    file.into_response("official-accounts.csv")
}

pub async fn history_csv_get(
    me: Signed,
    id: web::Path<AccountId>,
) -> Result<HttpResponse, AppError> {
    let id = *id;
    let (account, events, people) = me.read_of(id, service::read_history).await?;
    let mut file = csv::Csv::new(&["occurred_at_utc", "who", "action", "what"])?;
    for event in events.iter().rev() {
        file.row([
            crate::audit::domain::hash_time(event.occurred_at),
            who_did(&people, event),
            event.action.clone(),
            event.summary.clone(),
        ])?;
    }
    file.into_response(&format!(
        "{}-history.csv",
        csv::file_name_part(&account.handle)
    ))
}
