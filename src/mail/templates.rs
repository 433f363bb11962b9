//! The emails the foundation sends, one builder each.

use super::outbox::{Email, Recipient};
use crate::people::domain::{Person, Role};

pub fn invitation(to: Recipient, role: Role, link: String, invited_by: &str) -> Email {
    Email {
        kind: "invitation",
        subject: "You have been invited to Custodian".into(),
        greeting: format!("Dear {},", to.name),
        paragraphs: vec![
            format!(
                "{invited_by} has added you to Custodian, the school's register for its \
                 Social Networking Policy, as {}.",
                role.label()
            ),
            "Choose a password to start using it.".into(),
        ],
        action: Some(("Choose your password".into(), link)),
        after: vec!["The link works once and expires in 7 days.".into()],
        to: vec![to],
    }
}

pub fn password_reset(to: Recipient, link: String) -> Email {
    Email {
        kind: "password_reset",
        subject: "Reset your Custodian password".into(),
        greeting: format!("Dear {},", to.name),
        paragraphs: vec![
            "Someone asked to reset your Custodian password. If it was you, \
                          choose a new password with the link below."
                .into(),
        ],
        action: Some(("Choose a new password".into(), link)),
        after: vec![
            "The link works once and expires in 1 hour.".into(),
            "If you did not ask for this, you can ignore this email: your password has \
             not changed."
                .into(),
        ],
        to: vec![to],
    }
}

/// After a password change or reset. SECURITY: no token in it, only the
/// page where a reset is asked for.
pub fn password_changed(to: Recipient, at: String, reset_request_link: String) -> Email {
    Email {
        kind: "password_changed",
        subject: "Your Custodian password was changed".into(),
        greeting: format!("Dear {},", to.name),
        paragraphs: vec![
            format!("Your Custodian password was changed at {at}."),
            format!(
                "If this was not you, tell the headteacher now and reset it at \
                 {reset_request_link}"
            ),
            "Anywhere you were signed in has been signed out.".into(),
        ],
        action: Some(("Reset your password".into(), reset_request_link)),
        after: vec!["If it was you, there is nothing more to do.".into()],
        to: vec![to],
    }
}

pub fn sign_in_locked(to: Recipient, until: String, login_link: String) -> Email {
    Email {
        kind: "sign_in_locked",
        subject: "Sign-in to Custodian paused after failed attempts".into(),
        greeting: format!("Dear {},", to.name),
        paragraphs: vec![
            "There were several failed attempts to sign in to your Custodian account, so \
             signing in is paused for a while to protect it."
                .into(),
            format!("You can try again after {until}."),
            "If this was not you, tell the headteacher; you may also want to reset your \
             password."
                .into(),
        ],
        action: Some(("Go to sign-in".into(), login_link)),
        after: vec![],
        to: vec![to],
    }
}

pub fn role_changed(
    to: Vec<Recipient>,
    person: &Person,
    from: Role,
    changed_by: &str,
    link: String,
) -> Email {
    Email {
        kind: "role_changed",
        subject: format!("{}'s role in Custodian has changed", person.name),
        greeting: "Hello,".into(),
        paragraphs: vec![
            format!(
                "{changed_by} changed {}'s role from {} to {}.",
                person.name,
                from.label(),
                person.role.label()
            ),
            "Anyone signed in as this person has been signed out, so the new role applies \
             at once."
                .into(),
        ],
        action: Some(("See the person's record".into(), link)),
        after: vec![],
        to,
    }
}

pub fn deactivated(
    to: Vec<Recipient>,
    person: &Person,
    grants_ended: usize,
    by: &str,
    link: String,
) -> Email {
    Email {
        kind: "person_deactivated",
        subject: format!("{} has been deactivated in Custodian", person.name),
        greeting: "Hello,".into(),
        paragraphs: vec![
            format!(
                "{by} deactivated {} ({}). They can no longer sign in, and any session \
                 they had has ended.",
                person.name,
                person.role.label()
            ),
            if grants_ended > 0 {
                format!(
                    "Their access to {grants_ended} official account(s) has ended automatically;                      those accounts now need their passwords changed."
                )
            } else {
                "They held no access to the school's official accounts.".into()
            },
            "Their records stay in the register: people are never deleted.".into(),
        ],
        action: Some(("See the person's record".into(), link)),
        after: vec![],
        to,
    }
}

/// The sitting chair offers the chair of governors to a successor, who
/// accepts from the link.
pub fn chair_handover(to: Recipient, from_name: &str, needs_password: bool, link: String) -> Email {
    Email {
        kind: "chair_handover",
        subject: "You have been asked to take over as chair of governors in Custodian".into(),
        greeting: format!("Dear {},", to.name),
        paragraphs: vec![
            format!(
                "{from_name}, the chair of governors, has asked you to take over as chair in \
                 Custodian, the school's register for its Social Networking Policy. The chair \
                 reviews concerns about the headteacher and the headteacher's own declarations."
            ),
            if needs_password {
                "To accept, open the link and choose a password.".into()
            } else {
                "To accept, open the link and sign in with your own account.".into()
            },
        ],
        action: Some(("Accept the chair".into(), link)),
        after: vec![
            "The link works once and expires in 7 days. Until you accept, the chair does not \
             change."
                .into(),
            "If you were not expecting this, ignore this email and tell the school.".into(),
        ],
        to: vec![to],
    }
}

/// The chair of governors changed hands: the outgoing and incoming chair
/// (and the head) hear of it at once.
pub fn chair_changed(
    to: Vec<Recipient>,
    incoming: Option<&str>,
    outgoing: &[String],
    how: &str,
    link: String,
) -> Email {
    let outgoing = if outgoing.is_empty() {
        "no one".to_owned()
    } else {
        outgoing.join(" and ")
    };
    Email {
        kind: "chair_changed",
        subject: "The chair of governors in Custodian has changed".into(),
        greeting: "Hello,".into(),
        paragraphs: vec![
            match incoming {
                Some(incoming) => format!(
                    "{incoming} is now the chair of governors in Custodian, in place of \
                     {outgoing}."
                ),
                None => format!(
                    "{outgoing} is no longer the chair of governors in Custodian, and there is \
                     no chair now. Whoever runs the server can make one from the command line."
                ),
            },
            format!("{how}."),
            "The chair reviews concerns about the headteacher and the headteacher's own \
             declarations. Anyone signed in as either chair has been signed out, so the change \
             applies at once."
                .into(),
            "If this was not expected, tell whoever runs the school's Custodian server now.".into(),
        ],
        action: Some(("Open Custodian".into(), link)),
        after: vec![],
        to,
    }
}
