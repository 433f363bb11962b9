//! Changes to the policy register: each one transaction with its audit
//! event and its emails.

use std::collections::{HashMap, HashSet};

use super::domain::{self, NewVersion};
use super::emails;
use super::store;
pub use super::store::{RequestRow, VersionListRow, VersionRow};
use crate::audit::{self, Action, Actor, NewEvent, Subject};
use crate::auth::current::CurrentPerson;
use crate::clock::from_row;
use crate::db::{dialect, DbConnection};
use crate::error::AppError;
use crate::ids::{PersonId, PolicyVersionId};
use crate::mail::{self, Recipient};
use crate::people::domain::{Person, Role};
use crate::people::store as people_store;
use crate::state::Ctx;
use crate::web::{format, urls};

/// How often publishing tries the next number when another publication
/// took it at the same moment.
const NUMBER_TRIES: usize = 5;

/// Publishes a new version as the current one; returns its number. Everyone
/// is asked to read it by [`send_requests`] on its next run.
pub fn publish(
    conn: &mut DbConnection,
    ctx: &Ctx,
    me: &CurrentPerson,
    new: NewVersion,
) -> Result<i32, AppError> {
    me.require(
        me.role == Role::Headteacher,
        "Only the headteacher publishes the policy.",
    )?;
    dialect::write(conn, |conn| {
        let mut published = None;
        for _ in 0..NUMBER_TRIES {
            let number = store::next_number(conn)?;
            let row = VersionRow {
                id: PolicyVersionId::new().to_string(),
                number,
                body: new.body().to_owned(),
                effective_on: new.effective_on(),
                summary: new.summary().to_owned(),
                published_at: ctx.clock.now_row(),
                published_by: me.id.to_string(),
            };
            // Numbers are unique: on PostgreSQL two heads publishing at
            // once may both read the same highest number; one insert wins
            // and the other takes the next.
            if store::insert_version(conn, &row)? {
                published = Some(number);
                break;
            }
        }
        let number = published.ok_or_else(|| {
            AppError::Conflict(
                "Another version was being published at the same moment. Nothing was saved: \
                 please try again."
                    .into(),
            )
        })?;
        audit::append(
            conn,
            ctx.clock.as_ref(),
            NewEvent::new(
                Actor::Person(me.id),
                Action::PolicyPublished,
                Subject::of("policy", number),
                format!(
                    "{} published version {number} of the Social Networking Policy",
                    me.name
                ),
            )
            .with_data(serde_json::json!({
                "version": number,
                "effective_on": new.effective_on().to_string(),
            })),
        )?;
        Ok(number)
    })
}

/// Records that this person read version `number` and reviewed their own
/// profiles. Only the current version can be acknowledged; doing it twice
/// changes nothing.
pub fn acknowledge(
    conn: &mut DbConnection,
    ctx: &Ctx,
    me: &CurrentPerson,
    number: i32,
) -> Result<(), AppError> {
    me.require(
        me.role != Role::Chair,
        "Governors read the policy here, but are not asked to confirm it.",
    )?;
    dialect::write(conn, |conn| {
        let version = store::find_version(conn, number)?.ok_or(AppError::NotFound)?;
        let current = store::find_current_ref(conn)?.map(|(_, n)| n);
        if current != Some(number) {
            return Err(AppError::Conflict(format!(
                "Version {number} of the policy has been replaced by version {}, so it can no \
                 longer be confirmed. Please read the current version and confirm that one.",
                current.unwrap_or(number)
            )));
        }
        if !store::insert_acknowledgement(conn, &version.id, me.id, ctx.clock.now_row())? {
            return Ok(());
        }
        audit::append(
            conn,
            ctx.clock.as_ref(),
            NewEvent::new(
                Actor::Person(me.id),
                Action::PolicyAcknowledged,
                Subject::of("policy", number),
                format!(
                    "{} confirmed reading version {number} of the Social Networking Policy and \
                     reviewing their own profiles",
                    me.name
                ),
            )
            .with_data(serde_json::json!({ "version": number })),
        )?;
        Ok(())
    })
}

/// Asks everyone who has not yet been asked to acknowledge the current
/// version, and reminds those who have not answered after 1 and 2 weeks;
/// each person in their own transaction. Safe on several instances. Runs
/// every minute: with no policy published it costs one query.
pub fn send_requests(conn: &mut DbConnection, ctx: &Ctx) -> Result<usize, AppError> {
    let Some((version_id, number)) = store::find_current_ref(conn)? else {
        return Ok(0);
    };
    let now = ctx.clock.now();
    let acknowledged: HashSet<String> = store::list_acknowledgements(conn, &version_id)?
        .into_iter()
        .map(|(person, _)| person)
        .collect();
    let requests: HashMap<String, store::RequestRow> = store::list_requests(conn, &version_id)?
        .into_iter()
        .map(|r| (r.person_id.clone(), r))
        .collect();
    let mut due = Vec::new();
    for person in people_store::list_people(conn)? {
        if !domain::is_asked(&person) || acknowledged.contains(&person.id.to_string()) {
            continue;
        }
        let asked = requests.get(&person.id.to_string()).map(|r| {
            (
                from_row(r.asked_at),
                r.first_reminder_at.is_some(),
                r.second_reminder_at.is_some(),
            )
        });
        if let Some(reminder) = domain::request_due(asked, now) {
            due.push((person, reminder));
        }
    }
    if due.is_empty() {
        return Ok(0);
    }
    let Some(version) = store::find_version(conn, number)? else {
        return Ok(0);
    };
    let effective = format::calendar_date(version.effective_on);
    let link = ctx.settings.link(&urls::policy_version(number));
    let mut sent = 0;
    for (person, reminder) in due {
        let done = dialect::write(conn, |conn| {
            // Checked again under the write lock: they may have confirmed,
            // or another instance asked, since the lists above were read.
            if store::has_acknowledged(conn, &version_id, person.id)? {
                return Ok(false);
            }
            let at = ctx.clock.now_row();
            let fresh = match reminder {
                0 => store::insert_request(conn, &version_id, person.id, at)?,
                n => store::mark_reminder(conn, &version_id, person.id, n == 2, at)?,
            };
            if !fresh {
                return Ok(false);
            }
            mail::enqueue(
                conn,
                ctx.clock.as_ref(),
                &ctx.settings,
                emails::asked(
                    Recipient::new(&person.name, &person.email),
                    number,
                    &effective,
                    reminder,
                    link.clone(),
                ),
            )?;
            audit::append(
                conn,
                ctx.clock.as_ref(),
                NewEvent::new(
                    Actor::System,
                    Action::PolicyRequested,
                    Subject::person(person.id),
                    match reminder {
                        0 => format!(
                            "{} was asked to read version {number} of the Social Networking \
                             Policy",
                            person.name
                        ),
                        _ => format!(
                            "{} was reminded to read version {number} of the Social Networking \
                             Policy",
                            person.name
                        ),
                    },
                )
                .with_data(serde_json::json!({ "version": number, "reminder": reminder })),
            )?;
            Ok(true)
        })?;
        sent += usize::from(done);
    }
    Ok(sent)
}

/// A version of the policy as one person reads it.
pub struct PolicyPage {
    /// The version asked for (the current one when no number was given),
    /// or none when nothing is published yet.
    pub version: Option<VersionRow>,
    /// Every version, the newest first.
    pub versions: Vec<VersionListRow>,
    /// When this person confirmed the version shown, if they have.
    pub confirmed_at: Option<time::PrimitiveDateTime>,
    /// Who published it, if they are still on record.
    pub publisher: Option<Person>,
}

/// A version (the current one when `number` is `None`), with where this
/// person stands with it and the list of every version.
pub fn read_version(
    conn: &mut DbConnection,
    person: PersonId,
    number: Option<i32>,
) -> Result<PolicyPage, AppError> {
    let version = match number {
        Some(n) => Some(store::find_version(conn, n)?.ok_or(AppError::NotFound)?),
        None => store::current_version(conn)?,
    };
    let versions = store::list_versions(conn)?;
    let (confirmed_at, publisher) = match &version {
        Some(v) => (
            store::find_acknowledgement(conn, &v.id, person)?,
            PersonId::parse(&v.published_by)
                .map(|id| people_store::find_person(conn, id))
                .transpose()?
                .flatten(),
        ),
        None => (None, None),
    };
    Ok(PolicyPage {
        version,
        versions,
        confirmed_at,
        publisher,
    })
}

/// The number the next version will take.
pub fn read_next_number(conn: &mut DbConnection) -> Result<i32, AppError> {
    store::next_number(conn)
}

/// The number the next version will take, and the current version to start from.
pub fn read_new_version(conn: &mut DbConnection) -> Result<(i32, Option<VersionRow>), AppError> {
    Ok((store::next_number(conn)?, store::current_version(conn)?))
}

/// Who has confirmed a version and who has been asked.
pub struct Acknowledgements {
    pub version: VersionRow,
    /// The current version's number.
    pub current: Option<i32>,
    /// (person id, when) for each confirmation.
    pub acknowledgements: Vec<(String, time::PrimitiveDateTime)>,
    pub requests: Vec<RequestRow>,
    /// (confirmed, asked).
    pub counts: (i64, i64),
    pub people: Vec<Person>,
}

/// The head's page of who has confirmed version `number`.
pub fn read_acknowledgements(
    conn: &mut DbConnection,
    number: i32,
) -> Result<Acknowledgements, AppError> {
    let version = store::find_version(conn, number)?.ok_or(AppError::NotFound)?;
    let current = store::find_current_ref(conn)?.map(|(_, n)| n);
    let acknowledgements = store::list_acknowledgements(conn, &version.id)?;
    let requests = store::list_requests(conn, &version.id)?;
    let counts = store::acknowledgement_counts(conn, &version.id)?;
    let people = people_store::list_people(conn)?;
    Ok(Acknowledgements {
        version,
        current,
        acknowledgements,
        requests,
        counts,
        people,
    })
}
