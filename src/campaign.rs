//! Ask and remind: a campaign asks everyone it is for to do something,
//! then reminds those who have not done it, twice. A key names each
//! campaign (`reconfirm:2026` for a school year's reconfirmation of
//! declarations, `policy:<version id>` for a version of the policy); its
//! asks and reminders are rows of one table. The register says whom it
//! asks, who has answered, when to remind and what the emails say; [`run`]
//! does the rest, the same way for every campaign.

use std::collections::HashMap;

use diesel::prelude::*;
use time::{Duration, PrimitiveDateTime};

use crate::audit::{Action, NewEvent, Subject};
use crate::clock::from_row;
use crate::db::schema::campaign_requests;
use crate::db::{try_insert, DbConnection};
use crate::error::AppError;
use crate::ids::PersonId;
use crate::mail::{reminders, Email, Recipient};
use crate::people::actor::Actor;
use crate::people::names::Contact;
use crate::state::Ctx;
use crate::tx;

/// One campaign, as its register describes it to [`run`].
pub struct Campaign<'a> {
    /// Which campaign: its asks and reminders are stored under this key.
    pub key: String,
    /// How long after the ask the first and the second reminder go.
    pub reminders: [Duration; 2],
    /// The ids of everyone who has answered. Read once before anyone is
    /// emailed, and again inside each person's write, so that someone who
    /// answered meanwhile is not emailed.
    pub answered: &'a dyn Fn(&mut DbConnection) -> Result<Vec<String>, AppError>,
    /// The email for the ask (0) or a reminder (1, 2).
    pub email: &'a dyn Fn(Recipient, u8) -> Email,
    /// How the audit log records each email: as `action`, `<name> was
    /// asked to <task>` (or reminded), with `data` (an object) and the
    /// reminder's number.
    pub action: Action,
    pub task: String,
    pub data: serde_json::Value,
}

/// Asks each of `people` who has not answered and was not asked yet, and
/// reminds those whose reminder is due; each person in their own
/// transaction, as Custodian. Returns how many emails it queued. Safe on
/// several instances: an ask is an insert and a reminder an update that
/// only one of them wins.
pub fn run(
    conn: &mut DbConnection,
    ctx: &Ctx,
    people: &[Contact],
    campaign: &Campaign,
) -> Result<usize, AppError> {
    let now = ctx.clock.now();
    let answered = (campaign.answered)(conn)?;
    let requests: HashMap<String, RequestRow> = list_requests(conn, &campaign.key)?
        .into_iter()
        .map(|r| (r.person_id.clone(), r))
        .collect();
    let mut sent = 0;
    for person in people {
        let id = person.id.to_string();
        if answered.contains(&id) {
            continue;
        }
        let asked = requests.get(&id).map(RequestRow::progress);
        let Some(reminder) = reminders::due(asked, now, campaign.reminders) else {
            continue;
        };
        let done = tx::write(conn, ctx, &Actor::System, |tx| {
            // Checked again under the write lock: they may have answered,
            // or another instance asked, since the lists above were read.
            if (campaign.answered)(tx.conn)?.contains(&id) {
                return Ok(false);
            }
            let at = tx.now_row();
            let fresh = match reminder {
                0 => insert_request(tx.conn, &campaign.key, person.id, at)?,
                n => mark_reminder(tx.conn, &campaign.key, person.id, n == 2, at)?,
            };
            if !fresh {
                return Ok(false);
            }
            tx.send((campaign.email)(
                Recipient::new(&person.name, &person.email),
                reminder,
            ))?;
            let verb = if reminder == 0 { "asked" } else { "reminded" };
            let mut data = campaign.data.clone();
            data["reminder"] = reminder.into();
            tx.record(
                NewEvent::new(
                    tx.actor.recorded(),
                    campaign.action,
                    Subject::person(person.id),
                    format!("{} was {verb} to {}", person.name, campaign.task),
                )
                .with_data(data),
            )?;
            Ok(true)
        })?;
        sent += usize::from(done);
    }
    Ok(sent)
}

/// Who was asked in a campaign, and when reminded.
#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = campaign_requests)]
pub struct RequestRow {
    pub person_id: String,
    pub asked_at: PrimitiveDateTime,
    pub first_reminder_at: Option<PrimitiveDateTime>,
    pub second_reminder_at: Option<PrimitiveDateTime>,
}

impl RequestRow {
    /// When they were asked, and whether each reminder went.
    fn progress(&self) -> (time::OffsetDateTime, bool, bool) {
        (
            from_row(self.asked_at),
            self.first_reminder_at.is_some(),
            self.second_reminder_at.is_some(),
        )
    }
}

/// Everyone asked in a campaign.
pub fn list_requests(conn: &mut DbConnection, campaign: &str) -> Result<Vec<RequestRow>, AppError> {
    Ok(campaign_requests::table
        .filter(campaign_requests::campaign.eq(campaign))
        .select(RequestRow::as_select())
        .load(conn)?)
}

/// Records the ask; `false` if someone (another instance) already did.
fn insert_request(
    conn: &mut DbConnection,
    campaign: &str,
    person: PersonId,
    at: PrimitiveDateTime,
) -> Result<bool, AppError> {
    Ok(try_insert(conn, |conn| {
        diesel::insert_into(campaign_requests::table)
            .values((
                campaign_requests::campaign.eq(campaign),
                campaign_requests::person_id.eq(person.to_string()),
                campaign_requests::asked_at.eq(at),
            ))
            .execute(conn)
    })?)
}

/// Marks a reminder sent; `false` if it already was.
fn mark_reminder(
    conn: &mut DbConnection,
    campaign: &str,
    person: PersonId,
    second: bool,
    at: PrimitiveDateTime,
) -> Result<bool, AppError> {
    let target = campaign_requests::table
        .filter(campaign_requests::campaign.eq(campaign))
        .filter(campaign_requests::person_id.eq(person.to_string()));
    let updated = if second {
        diesel::update(target.filter(campaign_requests::second_reminder_at.is_null()))
            .set(campaign_requests::second_reminder_at.eq(Some(at)))
            .execute(conn)?
    } else {
        diesel::update(target.filter(campaign_requests::first_reminder_at.is_null()))
            .set(campaign_requests::first_reminder_at.eq(Some(at)))
            .execute(conn)?
    };
    Ok(updated == 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn asks_then_reminds_after_each_delay_then_stops() {
        let due = |asked: Option<(bool, bool)>, days: i64| {
            let at = datetime!(2026-11-24 08:00 UTC);
            reminders::due(
                asked.map(|(first, second)| (at, first, second)),
                at + Duration::days(days),
                [Duration::weeks(1), Duration::weeks(2)],
            )
        };
        assert_eq!(due(None, 0), Some(0));
        assert_eq!(due(Some((false, false)), 6), None);
        assert_eq!(due(Some((false, false)), 7), Some(1));
        assert_eq!(due(Some((true, false)), 13), None);
        assert_eq!(due(Some((true, false)), 14), Some(2));
        assert_eq!(due(Some((true, true)), 60), None);
        // A server down for three weeks sends the first reminder, then the second.
        assert_eq!(due(Some((false, false)), 21), Some(1));
    }
}
