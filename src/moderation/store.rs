//! Queries on the moderation log. No HTTP here. The log is append-only:
//! there is no update or delete (the database refuses them too).

use diesel::dsl::count_star;
use diesel::prelude::*;
use time::{Date, PrimitiveDateTime};

use super::domain::{Entry, Filter, Kind, ModerationAction, Reason};
use crate::clock::from_row;
use crate::db::schema::{moderation_actions, people};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::{AccountId, ModerationId, PersonId};

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = moderation_actions)]
pub struct ModerationRow {
    pub id: String,
    pub account_id: String,
    pub recorded_by: String,
    pub recorded_at: PrimitiveDateTime,
    pub occurred_on: Date,
    pub kind: String,
    pub reason: String,
    pub note: String,
}

impl TryFrom<ModerationRow> for ModerationAction {
    type Error = AppError;

    fn try_from(row: ModerationRow) -> Result<Self, AppError> {
        let bad = || {
            AppError::internal(anyhow::anyhow!(
                "moderation action {}: unreadable row",
                row.id
            ))
        };
        Ok(ModerationAction {
            id: ModerationId::parse(&row.id).ok_or_else(bad)?,
            account_id: AccountId::parse(&row.account_id).ok_or_else(bad)?,
            recorded_by: PersonId::parse(&row.recorded_by).ok_or_else(bad)?,
            kind: Kind::parse(&row.kind).ok_or_else(bad)?,
            reason: Reason::parse(&row.reason).ok_or_else(bad)?,
            recorded_at: from_row(row.recorded_at),
            occurred_on: row.occurred_on,
            note: row.note,
        })
    }
}

pub fn insert_action(conn: &mut DbConnection, row: &ModerationRow) -> Result<(), AppError> {
    diesel::insert_into(moderation_actions::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// An account's log, newest first (by the day it happened, then by when it
/// was recorded), with who recorded each entry; at most `limit` entries.
pub fn list_for_account(
    conn: &mut DbConnection,
    account: AccountId,
    filter: &Filter,
    limit: i64,
) -> Result<Vec<Entry>, AppError> {
    let mut query = moderation_actions::table
        .inner_join(people::table.on(people::id.eq(moderation_actions::recorded_by)))
        .filter(moderation_actions::account_id.eq(account.to_string()))
        .select((ModerationRow::as_select(), people::name))
        .order((
            moderation_actions::occurred_on.desc(),
            moderation_actions::recorded_at.desc(),
            moderation_actions::id.desc(),
        ))
        .limit(limit)
        .into_boxed();
    if let Some(kind) = filter.kind {
        query = query.filter(moderation_actions::kind.eq(kind.as_str()));
    }
    if let Some(reason) = filter.reason {
        query = query.filter(moderation_actions::reason.eq(reason.as_str()));
    }
    if let Some(from) = filter.from {
        query = query.filter(moderation_actions::occurred_on.ge(from));
    }
    if let Some(until) = filter.until {
        query = query.filter(moderation_actions::occurred_on.le(until));
    }
    query
        .load::<(ModerationRow, String)>(conn)?
        .into_iter()
        .map(|(row, name)| {
            Ok(Entry {
                action: ModerationAction::try_from(row)?,
                recorded_by_name: name,
            })
        })
        .collect()
}

/// How many actions of each reason happened on days from `from` up to but
/// not including `until_exclusive`, on every account: (reason code, count),
/// by reason code. Reasons with none are left out.
pub fn counts_by_reason(
    conn: &mut DbConnection,
    from: Date,
    until_exclusive: Date,
) -> Result<Vec<(String, i64)>, AppError> {
    Ok(moderation_actions::table
        .filter(moderation_actions::occurred_on.ge(from))
        .filter(moderation_actions::occurred_on.lt(until_exclusive))
        .group_by(moderation_actions::reason)
        .select((moderation_actions::reason, count_star()))
        .order(moderation_actions::reason.asc())
        .load(conn)?)
}
