//! What the oversight pages read and do: the home page's needs, one's own
//! page and its digest switch, and the governors' report. Each checks
//! inside who may; the digest's sending is `digest`'s, a scheduled job.

use super::dashboard;
use super::domain::{Need, Section};
use super::report;
use super::store;
use crate::audit::{Action, NewEvent, Subject};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::PersonId;
use crate::people::actor::Actor;
use crate::people::domain::{Person, Role};
use crate::people::store as people_store;
use crate::state::Ctx;
use crate::tx::Tx;

/// Why the governors' report is refused.
const REPORT_READERS: &str = "The governors' report is for the headteacher, the Senior \
                              Leadership Team and the chair of governors.";

/// Why the digest switch is refused.
const DIGEST_READERS: &str =
    "The weekly digest goes to the headteacher and the chair of governors.";

/// The signed-in person acting: their id and role.
fn person(actor: &Actor) -> Result<(PersonId, Role), AppError> {
    actor
        .id()
        .zip(actor.role())
        .ok_or(AppError::Forbidden("Sign in as a person to see this page."))
}

/// Whether a role is sent the weekly digest (until they switch it off).
pub fn gets_digest(role: Role) -> bool {
    matches!(role, Role::Headteacher | Role::Chair)
}

/// The home page: what needs the actor now, most urgent first, and (for
/// the head) whether the school has no chair of governors.
pub struct Home {
    pub needs: Vec<Need>,
    pub no_chair: bool,
}

pub fn read_home(conn: &mut DbConnection, ctx: &Ctx, actor: &Actor) -> Result<Home, AppError> {
    let (me, role) = person(actor)?;
    Ok(Home {
        needs: dashboard::needs(conn, ctx, me, role)?,
        no_chair: dashboard::no_chair(conn, role)?,
    })
}

/// One's own page: who they are, and for the head and the chair whether
/// the weekly digest is on.
pub fn read_me(conn: &mut DbConnection, actor: &Actor) -> Result<(Person, Option<bool>), AppError> {
    let (me, role) = person(actor)?;
    let digest = match gets_digest(role) {
        true => Some(!store::is_opted_out(conn, me)?),
        false => None,
    };
    Ok((people_store::get_person(conn, me)?, digest))
}

/// Switches the weekly digest on or off for the actor (`on` as the form
/// chose it: `None` when it chose neither, refused once the actor may).
pub fn switch_digest(tx: &mut Tx, on: Option<bool>) -> Result<(), AppError> {
    let (me, role) = person(tx.actor)?;
    if !gets_digest(role) {
        return Err(AppError::Forbidden(DIGEST_READERS));
    }
    let on = on.ok_or_else(|| AppError::BadRequest("Choose on or off.".into()))?;
    if store::set_opted_out(tx.conn, me, !on, tx.now_row())? {
        let (action, word) = match on {
            true => (Action::DigestSwitchedOn, "on"),
            false => (Action::DigestSwitchedOff, "off"),
        };
        tx.record(NewEvent::new(
            tx.actor.recorded(),
            action,
            Subject::person(me),
            format!("{} switched the weekly digest {word}", tx.actor.name()),
        ))?;
    }
    Ok(())
}

/// The governors' report over a period (both days included), for the
/// head, SLT and the chair; the chair's copy counts the concerns about the
/// head. `period` as asked: one that could not be read is refused once the
/// actor may read the report at all.
pub fn read_report(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    period: Result<(time::Date, time::Date), AppError>,
) -> Result<Vec<Section>, AppError> {
    let (_, role) = person(actor).map_err(|_| AppError::Forbidden(REPORT_READERS))?;
    if role == Role::Staff {
        return Err(AppError::Forbidden(REPORT_READERS));
    }
    let (from, until) = period?;
    report::figures(conn, ctx, from, until, role == Role::Chair)
}
