//! The emails of the accounts register. Account handles are public
//! information; passwords never appear, only where they are kept.

use time::Date;

use super::domain::{Account, EndKind, Grant, GUIDELINES};
use crate::mail::{Email, Recipient};
use crate::people::names::Contact;
use crate::web::format::calendar_date;

pub fn account_opened(
    to: Vec<Recipient>,
    account: &Account,
    by: &str,
    opener: &str,
    link: String,
) -> Email {
    let what = if account.recorded_as_existing {
        format!(
            "{by} recorded the school's existing {} account {}, opened by {opener} on {}.",
            account.platform.label(),
            account.handle,
            calendar_date(account.opened_on)
        )
    } else {
        format!(
            "{by} opened a new official {} account for the school: {}.",
            account.platform.label(),
            account.handle
        )
    };
    Email {
        kind: "account_opened",
        subject: format!("Official account recorded: {}", account.handle),
        greeting: "Hello,".into(),
        paragraphs: vec![what, format!("Its purpose: {}", account.purpose)],
        action: Some(("See the account".into(), link)),
        after: vec![],
        to,
    }
}

pub fn account_closed(
    to: Vec<Recipient>,
    account: &Account,
    by: &str,
    reason: &str,
    link: String,
) -> Email {
    Email {
        kind: "account_closed",
        subject: format!("Official account closed: {}", account.handle),
        greeting: "Hello,".into(),
        paragraphs: vec![
            format!(
                "{by} closed the school's {} account {}.",
                account.platform.label(),
                account.handle
            ),
            format!("Reason: {reason}"),
            "Every grant of access to it has ended.".into(),
        ],
        action: Some(("See the account".into(), link)),
        after: vec![],
        to,
    }
}

/// Clause j's written record of a grant, to the grantee (copied to the
/// granter, the custodians and the head).
pub fn granted(
    to: Vec<Recipient>,
    account: &Account,
    grant: &Grant,
    grantee: &Contact,
    by: &str,
    link: String,
) -> Email {
    let mut paragraphs = vec![
        format!(
            "This is the school's written record that {by} has given {} the username and password of the \
             school's {} account {} ({}), under clause j of the Social Networking Policy.",
            grantee.name,
            account.platform.label(),
            account.handle,
            account.profile_url
        ),
        format!("Purpose: {} – {}", grant.aim.label(), grant.purpose),
        match grant.ends_on {
            Some(date) => format!("This access ends at the end of {}.", calendar_date(date)),
            None => "This access has no end date; it is reviewed each term.".into(),
        },
        "The password is handed over from the school's password manager, never by email. \
         Never share it with children or parents, or anyone else."
            .into(),
        "The account guidelines (Appendix 1 of the policy), in short:".into(),
    ];
    paragraphs.extend(
        GUIDELINES
            .iter()
            .enumerate()
            .map(|(n, g)| format!("{}. {g}", n + 1)),
    );
    Email {
        kind: "grant",
        subject: format!("Record of access to {}", account.handle),
        greeting: format!("Dear {},", grantee.name),
        paragraphs,
        action: Some((
            "Confirm you have received access and will follow the guidelines".into(),
            link,
        )),
        after: vec!["Please keep this email: it is the record of your access.".into()],
        to,
    }
}

pub fn access_ended(
    to: Vec<Recipient>,
    account: &Account,
    grantee: &str,
    kind: EndKind,
    reason: &str,
    by: Option<&str>,
    link: String,
) -> Email {
    let who = by.map(|b| format!(" by {b}")).unwrap_or_default();
    let mut paragraphs = vec![
        format!(
            "{grantee}'s access to the school's account {} has ended{who}.",
            account.handle
        ),
        format!("{}: {reason}.", kind.label()),
    ];
    if account.is_open() {
        paragraphs.push(
            "A custodian must now change the account's password, update the school's password manager, \
             and record the change in Custodian."
                .into(),
        );
    }
    Email {
        kind: "grant_ended",
        subject: if account.is_open() {
            format!("Access to {} ended: password change due", account.handle)
        } else {
            format!("Access to {} ended", account.handle)
        },
        greeting: "Hello,".into(),
        paragraphs,
        action: Some(("See the account".into(), link)),
        after: vec![],
        to,
    }
}

pub fn password_changed(
    to: Vec<Recipient>,
    account: &Account,
    by: &str,
    on: Date,
    link: String,
) -> Email {
    Email {
        kind: "password_changed",
        subject: format!("Password change recorded for {}", account.handle),
        greeting: "Hello,".into(),
        paragraphs: vec![format!(
            "{by} recorded that the password of the school's account {} was changed on {}.",
            account.handle,
            calendar_date(on)
        )],
        action: Some(("See the account".into(), link)),
        after: vec![],
        to,
    }
}
