//! Access reviews: every live grant kept or revoked, and the review recorded.

use std::collections::HashMap;

use super::grants::end_in_tx;
use super::{account_event, people_by_id, By};
use crate::accounts::domain::{EndKind, Grant};
use crate::accounts::store::{self};
use crate::audit::{self, Action, Actor};
use crate::db::{dialect, DbConnection};
use crate::error::{AppError, FormErrors};
use crate::ids::{AccountId, GrantId};
use crate::state::Ctx;

/// An access review: every live grant kept or revoked, and the review recorded.
pub fn review(
    conn: &mut DbConnection,
    ctx: &Ctx,
    by: &By,
    account: AccountId,
    decisions: &HashMap<GrantId, bool>,
    notes: &str,
) -> Result<Result<(usize, usize), FormErrors>, AppError> {
    dialect::write(conn, |conn| {
        let found = store::get_account(conn, account)?;
        if !found.is_open() {
            return Err(AppError::Conflict("This account is closed.".into()));
        }
        let live: Vec<Grant> = store::list_grants_for_account(conn, account)?
            .into_iter()
            .filter(Grant::is_live)
            .collect();
        if live.iter().any(|g| !decisions.contains_key(&g.id)) {
            let mut errors = FormErrors::new();
            errors.add(
                "decisions",
                "Choose keep or revoke for every person with access",
            );
            return Ok(Err(errors));
        }
        let chosen: Vec<(GrantId, bool)> = live.iter().map(|g| (g.id, decisions[&g.id])).collect();
        let people = people_by_id(conn)?;
        for grant in live.iter().filter(|g| !decisions[&g.id]) {
            end_in_tx(
                conn,
                ctx,
                &people,
                grant,
                Actor::Person(by.id),
                EndKind::Review,
                "revoked at an access review",
            )?;
        }
        store::insert_review(conn, account, by.id, ctx.clock.now_row(), &chosen, notes)?;
        let revoked = chosen.iter().filter(|(_, keep)| !keep).count();
        let kept = chosen.len() - revoked;
        audit::append(
            conn,
            ctx.clock.as_ref(),
            account_event(
                Actor::Person(by.id),
                Action::AccessReviewed,
                account,
                format!(
                    "{} reviewed access to {}: {kept} kept, {revoked} revoked",
                    by.name, found.handle
                ),
            )
            .with_data(serde_json::json!({ "kept": kept, "revoked": revoked })),
        )?;
        Ok(Ok((kept, revoked)))
    })
}
