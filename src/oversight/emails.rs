//! The oversight emails: the weekly audit digest.

use std::collections::HashMap;

use time::OffsetDateTime;

use crate::audit::domain::Action;
use crate::audit::store::EventRow;
use crate::audit::views::{actor_name, subject_link};
use crate::clock::from_row;
use crate::mail::{Email, Recipient};
use crate::people::domain::{Person, Role};
use crate::state::Ctx;
use crate::web::{format, urls};

/// At most this many events are listed; the rest are counted.
const MAX_LINES: usize = 200;

/// What a week's events say, as lines of an email.
pub struct DigestBody {
    pub lines: Vec<String>,
    pub declarations: usize,
    pub concerns: usize,
    pub sign_ins: usize,
    pub more: usize,
}

/// The lines of a week's digest, oldest first, and what is only counted.
pub fn body(ctx: &Ctx, events: &[EventRow], names: &HashMap<String, String>) -> DigestBody {
    let zone = ctx.settings.time_zone;
    let mut body = DigestBody {
        lines: Vec::new(),
        declarations: 0,
        concerns: 0,
        sign_ins: 0,
        more: 0,
    };
    // Oldest first, as a week is read.
    for row in events.iter().rev() {
        match row.subject_type.as_str() {
            "declaration" => body.declarations += 1,
            "concern" | "head_concern" | "lado_concern" => body.concerns += 1,
            _ if row.action == Action::SignInSucceeded.as_str()
                || row.action == Action::SignedOut.as_str() =>
            {
                body.sign_ins += 1
            }
            _ if body.lines.len() == MAX_LINES => body.more += 1,
            _ => {
                let mut line = format!(
                    "{} · {} · {}",
                    format::date_time(from_row(row.occurred_at), zone),
                    actor_name(row, names),
                    row.summary
                );
                if let Some(path) = subject_link(row) {
                    line.push_str(" · ");
                    line.push_str(&ctx.settings.link(&path));
                }
                body.lines.push(line);
            }
        }
    }
    body
}

/// The digest of `events` from `from` to `until`, for `to`. SECURITY: the
/// chair's is sealed from the head's email log.
pub fn digest(
    ctx: &Ctx,
    to: &Person,
    from: OffsetDateTime,
    until: OffsetDateTime,
    events: &[EventRow],
    names: &HashMap<String, String>,
) -> Email {
    let zone = ctx.settings.time_zone;
    let body = body(ctx, events, names);
    let mut paragraphs = vec![format!(
        "What was recorded in Custodian from {} to {}{}.",
        format::date_time(from, zone),
        format::date_time(until, zone),
        if to.role == Role::Chair {
            ", for what concerns the headteacher"
        } else {
            ""
        }
    )];
    if body.lines.is_empty() && body.declarations + body.concerns + body.sign_ins == 0 {
        paragraphs.push("Nothing was recorded this week.".into());
    }
    paragraphs.extend(body.lines);
    if body.more > 0 {
        paragraphs.push(format!(
            "…and {} more events: see the audit log.",
            body.more
        ));
    }
    // Declarations and concerns only as counts (DESIGN.md rule 4).
    for (n, what, one, why) in [
        (body.declarations, "Declarations", "change", "privacy"),
        (body.concerns, "Concerns", "event", "confidentiality"),
    ] {
        if n > 0 {
            let plural = if n == 1 { "" } else { "s" };
            paragraphs.push(format!(
                "{what}: {n} {one}{plural} recorded; for {why}, see them in Custodian."
            ));
        }
    }
    if body.sign_ins > 0 {
        paragraphs.push(format!("Sign-ins and sign-outs: {}.", body.sign_ins));
    }
    Email {
        // SECURITY: the chair's digest is sealed from the head's email log.
        kind: if to.role == Role::Chair {
            "sealed_concern_digest"
        } else {
            "weekly_digest"
        },
        subject: format!(
            "Your weekly Custodian digest, week of {}",
            format::date(from, zone)
        ),
        greeting: format!("Dear {},", to.name),
        paragraphs,
        action: Some(("Open the audit log".into(), ctx.settings.link(urls::AUDIT))),
        after: vec![format!(
            "You can switch this weekly email off on your page in Custodian: {}",
            ctx.settings.link(urls::ME)
        )],
        to: vec![Recipient::new(&to.name, &to.email)],
    }
}
