//! The declarations emails. SECURITY: they carry no details: no names of
//! families or pupils, nor of the declarant (a mailbox is read on phones and
//! shared screens); they say something awaits the reader, and link to it.

use crate::mail::{Email, Recipient};

pub fn awaiting_review(to: Recipient, subject: &str, what: &str, link: String) -> Email {
    Email {
        kind: "declaration_awaiting_review",
        subject: subject.into(),
        greeting: format!("Dear {},", to.name),
        paragraphs: vec![
            format!("{what} Please review it in Custodian."),
            "For privacy, this email carries no details: they are behind sign-in.".into(),
        ],
        action: Some(("Review the declaration".into(), link)),
        after: vec![],
        to: vec![to],
    }
}

pub fn reviewed(to: Recipient, acknowledged: bool, link: String) -> Email {
    Email {
        kind: if acknowledged {
            "declaration_acknowledged"
        } else {
            "declaration_returned"
        },
        subject: if acknowledged {
            "Your declaration has been acknowledged".into()
        } else {
            "More detail is asked for on your declaration".into()
        },
        greeting: format!("Dear {},", to.name),
        paragraphs: vec![if acknowledged {
            "Your declaration of a social contact has been acknowledged. Any notes or agreed \
             conditions are with it in Custodian."
                .into()
        } else {
            "Your reviewer has asked for more detail on your declaration of a social contact. \
             Please update it in Custodian."
                .into()
        }],
        action: Some(("See your declaration".into(), link)),
        after: vec![],
        to: vec![to],
    }
}

pub fn reconfirm(to: Recipient, year: &str, reminder: u8, link: String) -> Email {
    Email {
        kind: "declaration_reconfirmation",
        subject: match reminder {
            0 => format!("Please reconfirm your declarations for {year}"),
            _ => format!("Reminder: please reconfirm your declarations for {year}"),
        },
        greeting: format!("Dear {},", to.name),
        paragraphs: vec![
            format!(
                "Each school year everyone who works at the school confirms their declarations of \
                 social contact with pupils' families (clause g of the Social Networking Policy), \
                 or that they have none. Please do so for {year}."
            ),
            "It takes a minute: check what you have declared, update anything that has changed, \
             and confirm."
                .into(),
        ],
        action: Some(("Reconfirm in Custodian".into(), link)),
        after: vec![],
        to: vec![to],
    }
}
