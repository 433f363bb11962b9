//! One unit of work: a service's change, its audit event and its emails
//! are written inside one transaction, the same three calls everywhere.
//! A refusal (invalid input found only against the database) is a value,
//! `AppError::Refused`, that rolls the transaction back and goes back to
//! the form beside its fields.

use time::{OffsetDateTime, PrimitiveDateTime};

use crate::audit::{self, NewEvent};
use crate::db::{dialect, DbConnection};
use crate::error::{AppError, FormErrors};
use crate::mail::{self, Email};
use crate::people::actor::Actor;
use crate::state::Ctx;

pub struct Tx<'a> {
    pub conn: &'a mut DbConnection,
    pub ctx: &'a Ctx,
    pub actor: &'a Actor,
}

impl Tx<'_> {
    /// Appends an audit event to the chain.
    pub fn record(&mut self, event: NewEvent) -> Result<(), AppError> {
        audit::append(self.conn, self.ctx.clock.as_ref(), event).map(|_| ())
    }

    /// Puts an email in the outbox; the sender sends it after the commit.
    pub fn send(&mut self, email: Email) -> Result<(), AppError> {
        self.send_kept(email).map(|_| ())
    }

    /// Like `send`, and returns the email's Message-ID: for a change whose
    /// email is its written record, kept beside it (a grant of a login).
    pub fn send_kept(&mut self, email: Email) -> Result<String, AppError> {
        mail::enqueue(
            self.conn,
            self.ctx.clock.as_ref(),
            &self.ctx.settings,
            email,
        )
    }

    /// Refuses the change: nothing is written, and the form comes back
    /// with these errors beside its fields.
    pub fn refuse<T>(&self, errors: FormErrors) -> Result<T, AppError> {
        Err(AppError::Refused(errors))
    }

    /// Refuses with one message beside one field.
    pub fn refuse_field<T>(&self, field: &'static str, message: &str) -> Result<T, AppError> {
        let mut errors = FormErrors::new();
        errors.add(field, message);
        self.refuse(errors)
    }

    pub fn now(&self) -> OffsetDateTime {
        self.ctx.clock.now()
    }

    /// Now, as rows store it.
    pub fn now_row(&self) -> PrimitiveDateTime {
        self.ctx.clock.now_row()
    }
}

/// Runs `work` as one write transaction: all of it is written, or none.
pub fn write<T>(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    work: impl FnOnce(&mut Tx) -> Result<T, AppError>,
) -> Result<T, AppError> {
    dialect::write(conn, |conn| work(&mut Tx { conn, ctx, actor }))
}
