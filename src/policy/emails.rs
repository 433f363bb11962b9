//! The policy emails: the ask to read a new version, and its reminders.

use crate::mail::{Email, Recipient};

/// The ask (`reminder` 0) or a reminder (1, 2) to read version `number`.
pub fn asked(to: Recipient, number: i32, effective: &str, reminder: u8, link: String) -> Email {
    Email {
        kind: "policy_request",
        subject: match reminder {
            0 => format!("Please read the Social Networking Policy, version {number}"),
            _ => format!("Reminder: please read the Social Networking Policy, version {number}"),
        },
        greeting: format!("Dear {},", to.name),
        paragraphs: vec![
            match reminder {
                0 => format!(
                    "Version {number} of the school's Social Networking Policy is published, and \
                     takes effect on {effective}."
                ),
                _ => format!(
                    "You have not yet confirmed that you have read version {number} of the \
                     school's Social Networking Policy, which takes effect on {effective}."
                ),
            },
            "Everyone who works at the school, paid or unpaid, is asked to read it and to \
             review their own social networking profiles, so that what is public about them is \
             accurate and appropriate (principle c, and clause c of Safer Social Networking \
             Practice). Then please confirm in Custodian that you have."
                .into(),
            "What changed since the last version is summarised at the top of the page.".into(),
        ],
        action: Some(("Read the policy".into(), link)),
        after: vec![],
        to: vec![to],
    }
}
