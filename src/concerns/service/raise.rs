//! Raising a concern with its evidence: one `Tx` with its audit events, the
//! reviewer's email and the raiser's receipt. SECURITY: the channel (and so
//! who may ever see it) is settled here, from whom it is about.

use sha2::{Digest, Sha256};

use super::access::me;
use crate::audit::{Action, NewEvent, Subject};
use crate::concerns::domain::{reviewer_for, About, NewConcern, Reviewer, Status, Upload};
use crate::concerns::emails;
use crate::concerns::store::{self, CaseRow, Concern, ConcernRow, EvidenceInfo, NewEvidenceRow};
use crate::error::{AppError, FormErrors};
use crate::ids::{ConcernId, EvidenceId, PersonId};
use crate::mail::Recipient;
use crate::people::actor::Actor;
use crate::people::domain::Role;
use crate::people::store as people_store;
use crate::tx::Tx;
use crate::web::urls;

/// A concern as stored, and whether nobody holds the role that reviews it
/// (so nobody was told).
pub struct Raised {
    pub concern: Concern,
    pub nobody_told: bool,
}

/// Whether it is about the head, and the person it is about.
fn about_whom(tx: &mut Tx, new: &NewConcern) -> Result<(bool, Option<PersonId>), AppError> {
    Ok(match new.about {
        About::Staff => {
            let id = new.about_person.ok_or(AppError::NotFound)?;
            let person = people_store::find_person(tx.conn, id)?.ok_or_else(|| {
                AppError::BadRequest("That member of staff is not in Custodian.".into())
            })?;
            (person.role == Role::Headteacher, Some(person.id))
        }
        About::Headteacher => {
            let head = people_store::list_active_with_roles(tx.conn, &[Role::Headteacher])?;
            (true, head.first().map(|p| p.id))
        }
        _ => (false, None),
    })
}

/// Raises a concern with its evidence. `new` is the form as parsed (its
/// files' problems included): its errors come back once the actor may raise.
pub fn raise(
    tx: &mut Tx,
    new: Result<NewConcern, FormErrors>,
    files: Vec<Upload>,
) -> Result<Raised, AppError> {
    let raiser = me(tx.actor)?;
    let new = new.or_else(|errors| tx.refuse(errors))?;
    let now = tx.now_row();
    let (about_head, about_person) = about_whom(tx, &new)?;
    if let Some(account) = new.about_account {
        crate::accounts::store::find_account(tx.conn, account)?.ok_or_else(|| {
            AppError::BadRequest("That official account is not in Custodian.".into())
        })?;
    }
    let reviewer = reviewer_for(about_head, new.implicates_chair);
    let id = ConcernId::new();
    let channel_number = store::next_in_series(tx.conn, reviewer)?;
    let mut number = store::next_number(tx.conn)?;
    let raised = NewConcern {
        about: if about_head {
            About::Headteacher
        } else {
            new.about
        },
        about_person,
        ..new
    };
    let row =
        |number| ConcernRow::new(id, (number, channel_number), raiser, now, &raised, reviewer);
    // Numbers are the next free one; a concurrent raise on PostgreSQL
    // may take it first, so try the one after.
    while !store::insert_concern(tx.conn, &row(number))? {
        number += 1;
    }
    let status = if reviewer == Reviewer::Lado {
        Status::ReferredToLado
    } else {
        Status::Open
    };
    store::insert_case(tx.conn, &CaseRow::new(id, reviewer, status, now))?;
    for file in &files {
        store::insert_evidence(
            tx.conn,
            &NewEvidenceRow {
                info: EvidenceInfo {
                    id: EvidenceId::new().to_string(),
                    concern_id: id.to_string(),
                    file_name: file.file_name.clone(),
                    content_type: file.content_type.into(),
                    size_bytes: file.bytes.len() as i64,
                    sha256: hex::encode(Sha256::digest(&file.bytes)),
                    added_at: now,
                },
                content: &file.bytes,
            },
        )?;
    }
    let concern = store::find_concern(tx.conn, id)?.ok_or(AppError::NotFound)?;
    record_raised(tx, &concern, files.len())?;
    let nobody_told = tell(tx, &concern, raiser)?;
    Ok(Raised {
        concern,
        nobody_told,
    })
}

/// The audit events of a raise: who raised it, and, for one that involves
/// the head and the chair, that Custodian pointed at the LADO.
fn record_raised(tx: &mut Tx, concern: &Concern, evidence_files: usize) -> Result<(), AppError> {
    let reference = concern.reference();
    let status = concern.status.as_str();
    let raised = super::access::event(
        tx,
        Action::ConcernRaised,
        concern,
        format!("{} raised concern {reference}", tx.actor.name()),
        serde_json::json!({
            "reviewer": concern.reviewer.as_str(),
            "evidence_files": evidence_files,
            "status": status,
        }),
    );
    tx.record(raised)?;
    if concern.reviewer == Reviewer::Lado {
        tx.record(
            NewEvent::new(
                Actor::System.recorded(),
                Action::ConcernSentToLado,
                Subject::of(concern.reviewer.subject_kind(), concern.id),
                format!(
                    "Concern {reference} involves the headteacher and the chair: Custodian \
                     showed the LADO contact for a direct referral"
                ),
            )
            .with_data(serde_json::json!({ "status": status })),
        )?;
    }
    Ok(())
}

/// Emails the reviewers that it awaits them, and the raiser a receipt;
/// true when nobody holds the reviewing role, so nobody was told.
fn tell(tx: &mut Tx, concern: &Concern, raiser: PersonId) -> Result<bool, AppError> {
    let reference = concern.reference();
    let reviewer = concern.reviewer;
    let link = tx.ctx.settings.link(&urls::concern(concern.id));
    let mut nobody_told = false;
    if let Some(role) = reviewer.role() {
        let reviewers = people_store::list_active_with_roles(tx.conn, &[role])?;
        nobody_told = reviewers.is_empty();
        for to in reviewers {
            let to = Recipient::new(to.name, to.email);
            tx.send(emails::raised(to, reviewer, &reference, link.clone()))?;
        }
    }
    // The receipt goes to the raiser's address, which the actor does not carry.
    let raiser = people_store::get_person(tx.conn, raiser)?;
    tx.send(emails::receipt(
        Recipient::new(tx.actor.name(), raiser.email),
        reviewer,
        &reference,
        &tx.ctx.settings.lado_contact,
        nobody_told,
        link,
    ))?;
    Ok(nobody_told)
}
