//! What the policy register does and shows: publishing a version and
//! confirming it, each one `Tx` with its audit event; the asks and
//! reminders; and the pages' reads. Who may is checked inside, for reads
//! and changes alike.

use std::collections::HashMap;

use super::domain::{self, NewVersion};
use super::emails;
use super::store;
pub use super::store::{VersionListRow, VersionRow};
use crate::audit::{Action, NewEvent, Subject};
pub use crate::campaign::RequestRow;
use crate::campaign::{self, Campaign};
use crate::db::DbConnection;
use crate::error::{AppError, FormErrors};
use crate::ids::{PersonId, PolicyVersionId};
use crate::people::actor::Actor;
use crate::people::domain::Role;
use crate::people::names::{self, Named};
use crate::state::Ctx;
use crate::tx::Tx;
use crate::web::{format, urls};

/// Why a page or change of the head's is refused to anyone else.
const HEAD_ONLY: &str = "Only the headteacher publishes the policy and sees who has confirmed it.";

/// How often publishing tries the next number when another publication
/// took it at the same moment.
const NUMBER_TRIES: usize = 5;

/// The head, by id; anyone else is refused.
fn head(actor: &Actor) -> Result<PersonId, AppError> {
    actor
        .id()
        .filter(|_| actor.role() == Some(Role::Headteacher))
        .ok_or(AppError::Forbidden(HEAD_ONLY))
}

/// The event of a change to the policy: version `number`, and what the
/// actor did to it.
fn event(tx: &Tx, action: Action, number: i32, what: &str) -> NewEvent {
    NewEvent::new(
        tx.actor.recorded(),
        action,
        Subject::of("policy", number),
        format!("{} {what}", tx.actor.name()),
    )
}

/// Publishes a new version as the current one; returns its number. Everyone
/// is asked to read it by [`send_requests`] on its next run. `new` is the
/// form as parsed: its errors come back once the actor may publish at all.
pub fn publish(tx: &mut Tx, new: Result<NewVersion, FormErrors>) -> Result<i32, AppError> {
    let me = head(tx.actor)?;
    let new = new.or_else(|errors| tx.refuse(errors))?;
    let mut published = None;
    for _ in 0..NUMBER_TRIES {
        let number = store::next_number(tx.conn)?;
        let row = VersionRow {
            id: PolicyVersionId::new().to_string(),
            number,
            body: new.body().to_owned(),
            effective_on: new.effective_on(),
            summary: new.summary().to_owned(),
            published_at: tx.now_row(),
            published_by: me.to_string(),
        };
        // Numbers are unique: on PostgreSQL two heads publishing at once
        // may both read the same highest number; one insert wins and the
        // other takes the next.
        if store::insert_version(tx.conn, &row)? {
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
    let what = format!("published version {number} of the Social Networking Policy");
    let published =
        event(tx, Action::PolicyPublished, number, &what).with_data(serde_json::json!({
            "version": number,
            "effective_on": new.effective_on().to_string(),
        }));
    tx.record(published)?;
    Ok(number)
}

/// Records that the actor read version `number` and reviewed their own
/// profiles. Only the current version can be acknowledged; doing it twice
/// changes nothing.
pub fn acknowledge(tx: &mut Tx, number: i32) -> Result<(), AppError> {
    let me = tx
        .actor
        .id()
        .filter(|_| tx.actor.role() != Some(Role::Chair))
        .ok_or(AppError::Forbidden(
            "Governors read the policy here, but are not asked to confirm it.",
        ))?;
    let version = store::find_version(tx.conn, number)?.ok_or(AppError::NotFound)?;
    let current = store::find_current_ref(tx.conn)?.map(|(_, n)| n);
    if current != Some(number) {
        return Err(AppError::Conflict(format!(
            "Version {number} of the policy has been replaced by version {}, so it can no \
             longer be confirmed. Please read the current version and confirm that one.",
            current.unwrap_or(number)
        )));
    }
    if !store::insert_acknowledgement(tx.conn, &version.id, me, tx.now_row())? {
        return Ok(());
    }
    let what = format!(
        "confirmed reading version {number} of the Social Networking Policy and reviewing \
         their own profiles"
    );
    let acknowledged = event(tx, Action::PolicyAcknowledged, number, &what)
        .with_data(serde_json::json!({ "version": number }));
    tx.record(acknowledged)
}

/// The campaign that asks everyone to acknowledge one version.
fn campaign_key(version_id: &str) -> String {
    format!("policy:{version_id}")
}

/// Asks everyone who has not yet been asked to acknowledge the current
/// version, and reminds those who have not answered after 1 and 2 weeks;
/// each person in their own transaction. Safe on several instances. Runs
/// every minute: with no policy published it costs one query.
pub fn send_requests(conn: &mut DbConnection, ctx: &Ctx) -> Result<usize, AppError> {
    let Some(version) = store::current_version(conn)? else {
        return Ok(0);
    };
    let number = version.number;
    let effective = format::calendar_date(version.effective_on);
    let link = ctx.settings.link(&urls::policy_version(number));
    let people = names::list_active_contacts(conn, &domain::asked_roles())?;
    let campaign = Campaign {
        key: campaign_key(&version.id),
        reminders: [time::Duration::weeks(1), time::Duration::weeks(2)],
        answered: &|conn| {
            Ok(store::list_acknowledgements(conn, &version.id)?
                .into_iter()
                .map(|(person, _)| person)
                .collect())
        },
        email: &|to, reminder| emails::asked(to, number, &effective, reminder, link.clone()),
        action: Action::PolicyRequested,
        task: format!("read version {number} of the Social Networking Policy"),
        data: serde_json::json!({ "version": number }),
    };
    campaign::run(conn, ctx, &people, &campaign)
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
    pub publisher: Option<Named>,
}

/// A version (the current one when `number` is `None`), with where the
/// actor stands with it and the list of every version. Everyone signed in
/// reads the policy.
pub fn read_version(
    conn: &mut DbConnection,
    actor: &Actor,
    number: Option<i32>,
) -> Result<PolicyPage, AppError> {
    let version = match number {
        Some(n) => Some(store::find_version(conn, n)?.ok_or(AppError::NotFound)?),
        None => store::current_version(conn)?,
    };
    let versions = store::list_versions(conn)?;
    let (confirmed_at, publisher) = match &version {
        Some(v) => (
            match actor.id() {
                Some(me) => store::find_acknowledgement(conn, &v.id, me)?,
                None => None,
            },
            PersonId::parse(&v.published_by)
                .map(|id| names::named(conn, [id]).map(|mut found| found.remove(&id)))
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

/// The head's form: the number the next version will take, and the
/// current version, whose text a new one usually starts from.
pub fn read_new_version(
    conn: &mut DbConnection,
    actor: &Actor,
) -> Result<(i32, Option<VersionRow>), AppError> {
    head(actor)?;
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
    /// Everyone asked now, by name.
    pub asked: Vec<Named>,
    /// Who confirmed, by id (those who have left too).
    pub confirmers: HashMap<PersonId, Named>,
}

/// The head's page of who has confirmed version `number`.
pub fn read_acknowledgements(
    conn: &mut DbConnection,
    actor: &Actor,
    number: i32,
) -> Result<Acknowledgements, AppError> {
    head(actor)?;
    let version = store::find_version(conn, number)?.ok_or(AppError::NotFound)?;
    let current = store::find_current_ref(conn)?.map(|(_, n)| n);
    let acknowledgements = store::list_acknowledgements(conn, &version.id)?;
    let requests = campaign::list_requests(conn, &campaign_key(&version.id))?;
    let counts = store::acknowledgement_counts(conn, &version.id)?;
    let asked = names::list_active(conn, &domain::asked_roles())?;
    let confirmers = names::named(
        conn,
        acknowledgements
            .iter()
            .filter_map(|(id, _)| PersonId::parse(id)),
    )?;
    Ok(Acknowledgements {
        version,
        current,
        acknowledgements,
        requests,
        counts,
        asked,
        confirmers,
    })
}
