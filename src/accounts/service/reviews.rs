//! Access reviews: every live grant kept or revoked, and the review recorded.

use std::collections::HashMap;

use super::access::{contacts_by_id, manager, open_account, CLOSED};
use super::grants::end_in_tx;
use super::notice::event;
use crate::accounts::domain::{EndKind, Grant};
use crate::accounts::store;
use crate::audit::Action;
use crate::error::{AppError, FormErrors};
use crate::ids::{AccountId, GrantId};
use crate::tx::Tx;

/// An access review: every live grant kept (`true`) or revoked, and the
/// review recorded with `notes` (the form as parsed). Returns how many
/// were kept and how many revoked.
pub fn review(
    tx: &mut Tx,
    account: AccountId,
    decisions: &HashMap<GrantId, bool>,
    notes: Result<String, FormErrors>,
) -> Result<(usize, usize), AppError> {
    let me = manager(tx.actor)?;
    let notes = notes.or_else(|errors| tx.refuse(errors))?;
    let found = open_account(tx.conn, account, CLOSED)?;
    let live: Vec<Grant> = store::list_grants_for_account(tx.conn, account)?
        .into_iter()
        .filter(Grant::is_live)
        .collect();
    if live.iter().any(|g| !decisions.contains_key(&g.id)) {
        return tx.refuse_field(
            "decisions",
            "Choose keep or revoke for every person with access",
        );
    }
    let chosen: Vec<(GrantId, bool)> = live.iter().map(|g| (g.id, decisions[&g.id])).collect();
    let people = contacts_by_id(tx.conn)?;
    for grant in live.iter().filter(|g| !decisions[&g.id]) {
        end_in_tx(
            tx,
            &people,
            grant,
            EndKind::Review,
            "revoked at an access review",
        )?;
    }
    store::insert_review(tx.conn, account, me, tx.now_row(), &chosen, &notes)?;
    let revoked = chosen.iter().filter(|(_, keep)| !keep).count();
    let kept = chosen.len() - revoked;
    let summary = format!(
        "{} reviewed access to {}: {kept} kept, {revoked} revoked",
        tx.actor.name(),
        found.handle
    );
    let reviewed = event(tx, Action::AccessReviewed, account, summary)
        .with_data(serde_json::json!({ "kept": kept, "revoked": revoked }));
    tx.record(reviewed)?;
    Ok((kept, revoked))
}
