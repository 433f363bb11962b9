//! The background sender: leases due messages, sends them over SMTP, and
//! records each attempt. Delivery is at-least-once: a message is marked
//! sent only after the server took it, so a crash resends rather than loses.

use std::sync::Arc;
use std::time::Duration;

use lettre::message::{Mailboxes, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio::sync::watch;

use super::outbox::DEFERRED_TOKEN;
use super::store::{self, OutboxRow};
use crate::auth::tokens::{self, Purpose};
use crate::clock::{to_row, Clock};
use crate::config::Settings;
use crate::db::{dialect, Db};
use crate::error::AppError;
use crate::ids::{MessageId, PersonId};

pub type Transport = AsyncSmtpTransport<Tokio1Executor>;

/// Builds the SMTP transport from `CUSTODIAN_SMTP_URL` (`smtp://` plain or
/// STARTTLS, `smtps://` TLS, optional user and password).
/// Builds it inside the async runtime: its connection pool needs one.
pub fn transport_from_url(url: &str) -> Result<Transport, lettre::transport::smtp::Error> {
    Ok(AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?
        .timeout(Some(Duration::from_secs(30)))
        .build())
}

/// Attempts before a message is marked failed and shown to the head:
/// with the backoff below, about a day of trying.
const MAX_ATTEMPTS: i32 = 30;
/// The longest one delivery may take, and so the longest a shutdown waits.
const SEND_TIMEOUT: Duration = Duration::from_secs(20);
const BATCH: i64 = 20;

/// How long a sender holds a message: long enough for one conversation.
fn lease() -> time::Duration {
    time::Duration::seconds(2 * SEND_TIMEOUT.as_secs() as i64)
}

/// First retries within a minute, then doubling, capped at an hour.
pub fn backoff(attempts_so_far: i32) -> time::Duration {
    let exponent = attempts_so_far.clamp(0, 12) as u32;
    let seconds = 15_i64.saturating_mul(1 << exponent);
    time::Duration::seconds(seconds.min(3_600))
}

pub struct Sender {
    db: Db,
    clock: Arc<dyn Clock>,
    transport: Option<Transport>,
    settings: Arc<Settings>,
    owner: String,
}

impl Sender {
    pub fn new(db: Db, clock: Arc<dyn Clock>, settings: Arc<Settings>) -> anyhow::Result<Self> {
        let transport = match &settings.smtp_url {
            Some(url) => Some(transport_from_url(url)?),
            None => None,
        };
        Ok(Self {
            db,
            clock,
            transport,
            settings,
            owner: MessageId::new().to_string(),
        })
    }

    /// Runs until `shutdown` turns true, finishing the message in hand.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let Some(transport) = self.transport.clone() else {
            tracing::info!("no CUSTODIAN_SMTP_URL: emails are held in the outbox");
            let _ = shutdown.wait_for(|stop| *stop).await;
            return;
        };
        if let Err(error) = self.prepare().await {
            tracing::error!(error = ?error, "could not prepare the outbox");
        }
        loop {
            if *shutdown.borrow() {
                break;
            }
            let worked = match self.send_due(&transport, &shutdown).await {
                Ok(count) => count > 0,
                Err(error) => {
                    tracing::error!(error = ?error, "mail sender");
                    false
                }
            };
            if !worked {
                tokio::select! {
                    _ = tokio::time::sleep(self.settings.sender_poll) => {}
                    _ = shutdown.changed() => {}
                }
            }
        }
        tracing::info!("mail sender stopped");
    }

    async fn prepare(&self) -> Result<(), AppError> {
        let clock = self.clock.clone();
        let single_process = !self.db.url().is_postgres();
        let released = self
            .db
            .run(move |conn| {
                let held = store::release_held(conn, clock.now_row())?;
                if single_process {
                    store::release_all_leases(conn)?;
                }
                Ok(held)
            })
            .await?;
        if released > 0 {
            tracing::info!(released, "held emails queued for delivery");
        }
        Ok(())
    }

    /// Sends what is due; returns how many messages it tried.
    pub async fn send_due(
        &self,
        transport: &Transport,
        shutdown: &watch::Receiver<bool>,
    ) -> Result<usize, AppError> {
        let now = self.clock.now();
        let lease_until = to_row(now + lease());
        let owner = self.owner.clone();
        let leased = self
            .db
            .run(move |conn| store::lease_due(conn, &owner, to_row(now), lease_until, BATCH))
            .await?;
        let count = leased.len();
        for row in leased {
            // Finish the message in hand, then stop; the rest keep their
            // lease until it runs out, or until restart on SQLite.
            if *shutdown.borrow() {
                break;
            }
            // A batch can outlast its first lease (a slow server): renew it
            // per message, and leave any message another sender took.
            let (id, owner) = (row.id.clone(), self.owner.clone());
            let until = to_row(self.clock.now() + lease());
            if !self
                .db
                .run(move |conn| store::renew_lease(conn, &id, &owner, until))
                .await?
            {
                continue;
            }
            let outcome = match self.bodies(&row).await? {
                Ok((text, html)) => self.deliver(transport, &row, text, html).await,
                Err(error) => Err(error),
            };
            self.record(row, outcome).await?;
        }
        Ok(count)
    }

    /// The text and HTML to send. SECURITY: a one-time link's token is made
    /// here, as the message goes, and lives only in this delivery: the
    /// stored message keeps the placeholder. Each attempt makes its own.
    async fn bodies(&self, row: &OutboxRow) -> Result<Result<(String, String), String>, AppError> {
        let Some(raw) = row.link_purpose.as_deref() else {
            return Ok(Ok((row.body_text.clone(), row.body_html.clone())));
        };
        let purpose = Purpose::parse(raw);
        let person = row.link_person_id.as_deref().and_then(PersonId::parse);
        let (Some(purpose), Some(person)) = (purpose, person) else {
            return Ok(Err(format!("the one-time link ({raw}) cannot be made")));
        };
        let (asked_at, now) = (row.created_at, self.clock.now_row());
        let token = self
            .db
            .run(move |conn| {
                dialect::write(conn, |conn| {
                    tokens::issue_for_email(conn, purpose, person, asked_at, now)
                })
            })
            .await?;
        Ok(Ok((
            row.body_text.replace(DEFERRED_TOKEN, &token),
            row.body_html.replace(DEFERRED_TOKEN, &token),
        )))
    }

    async fn deliver(
        &self,
        transport: &Transport,
        row: &OutboxRow,
        text: String,
        html: String,
    ) -> Result<(), String> {
        let to: Mailboxes = row
            .recipients
            .parse()
            .map_err(|e| format!("bad recipients: {e}"))?;
        let mut builder = Message::builder()
            .from(self.settings.mail_from.clone())
            .subject(row.subject.clone())
            .message_id(Some(row.message_id.clone()));
        for mailbox in to {
            builder = builder.to(mailbox);
        }
        let message = builder
            .multipart(MultiPart::alternative_plain_html(text, html))
            .map_err(|e| format!("could not build the message: {e}"))?;
        // lettre's own timeout covers connecting, not a server that accepts
        // and then says nothing; this bounds the whole conversation.
        match tokio::time::timeout(SEND_TIMEOUT, transport.send(message)).await {
            Ok(sent) => sent.map(|_| ()).map_err(|e| e.to_string()),
            Err(_) => Err(format!(
                "the mail server did not finish within {} seconds",
                SEND_TIMEOUT.as_secs()
            )),
        }
    }

    async fn record(&self, row: OutboxRow, outcome: Result<(), String>) -> Result<(), AppError> {
        let now = self.clock.now();
        let attempt_id = MessageId::new().to_string();
        match outcome {
            Ok(()) => {
                tracing::info!(message_id = %row.message_id, kind = %row.kind, "email sent");
                self.db
                    .run(move |conn| store::mark_sent(conn, &row.id, &attempt_id, to_row(now)))
                    .await
            }
            Err(error) => {
                let next =
                    (row.attempts + 1 < MAX_ATTEMPTS).then(|| to_row(now + backoff(row.attempts)));
                tracing::warn!(message_id = %row.message_id, %error, "email not sent; will retry");
                self.db
                    .run(move |conn| {
                        store::mark_failed_attempt(
                            conn,
                            &row.id,
                            &attempt_id,
                            to_row(now),
                            &error,
                            next,
                        )
                    })
                    .await
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_start_within_a_minute_and_cap_at_an_hour() {
        assert_eq!(backoff(0), time::Duration::seconds(15));
        assert_eq!(backoff(1), time::Duration::seconds(30));
        assert!(backoff(2) <= time::Duration::minutes(1));
        assert_eq!(backoff(20), time::Duration::hours(1));
        assert!((0..40).all(|n| backoff(n) <= time::Duration::hours(1)));
    }
}
