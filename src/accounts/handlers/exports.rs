//! The CSV exports: the register, and one account's history.

use actix_web::{web, HttpResponse};

use super::{account_id, name_of, require_manager, row_view};
use crate::accounts::service;
use crate::auth::current::CurrentPerson;
use crate::error::AppError;
use crate::ids::PersonId;
use crate::state::AppState;
use crate::web::{csv, format};

pub async fn export_get(
    me: CurrentPerson,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    require_manager(&me)?;
    let overview = state.db.run(service::read_overview).await?;
    let zone = state.settings.time_zone;
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
        let row = row_view(account, &overview, &me, state.clock.now(), zone);
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
            row.status.to_owned(),
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
    me: CurrentPerson,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    require_manager(&me)?;
    let id = account_id(&path)?;
    let (account, events, people) = state
        .db
        .run(move |conn| service::read_history(conn, id))
        .await?;
    let mut file = csv::Csv::new(&["occurred_at_utc", "who", "action", "what"])?;
    for event in events.iter().rev() {
        file.row([
            crate::audit::domain::hash_time(event.occurred_at),
            event
                .actor_id
                .as_deref()
                .and_then(PersonId::parse)
                .map(|p| name_of(&people, p))
                .unwrap_or_else(|| "Custodian".into()),
            event.action.clone(),
            event.summary.clone(),
        ])?;
    }
    file.into_response(&format!(
        "{}-history.csv",
        csv::file_name_part(&account.handle)
    ))
}
