//! The concerns emails. SECURITY: they carry a reference and a link, never
//! what the concern is about or says; a concern about the headteacher has a
//! sealed kind, so the head's email log does not list it.

use super::domain::{Outcome, Reviewer};
use crate::mail::{Email, Recipient};

/// An email to one person with its button: `action` opening `link`.
fn email(
    to: Recipient,
    kind: &'static str,
    subject: String,
    paragraphs: Vec<String>,
    action: &str,
    link: String,
) -> Email {
    Email {
        kind,
        subject,
        greeting: format!("Dear {},", to.name),
        paragraphs,
        action: Some((action.into(), link)),
        after: vec![],
        to: vec![to],
    }
}

fn kind(reviewer: Reviewer, what: &'static str) -> &'static str {
    match (reviewer, what) {
        (Reviewer::Headteacher, "raised") => "concern_raised",
        (Reviewer::Headteacher, "receipt") => "concern_receipt",
        (Reviewer::Headteacher, _) => "concern_outcome",
        (_, "raised") => "sealed_concern_raised",
        (_, "receipt") => "sealed_concern_receipt",
        _ => "sealed_concern_outcome",
    }
}

/// To the reviewer: something awaits them.
pub fn raised(to: Recipient, reviewer: Reviewer, reference: &str, link: String) -> Email {
    email(
        to,
        kind(reviewer, "raised"),
        format!("A concern has been raised with you ({reference})"),
        vec![
            format!(
                "A concern, reference {reference}, has been raised with you under the \
                 Social Networking Policy. Please look at it at the earliest opportunity."
            ),
            "For confidentiality, this email carries no details: they are behind sign-in.".into(),
        ],
        "Open the concern",
        link,
    )
}

/// To the person who raised it: it has arrived, and who has it.
pub fn receipt(
    to: Recipient,
    reviewer: Reviewer,
    reference: &str,
    lado_contact: &str,
    nobody_to_review: bool,
    link: String,
) -> Email {
    let mut paragraphs = vec![match reviewer {
        Reviewer::Lado => format!(
            "Your concern, reference {reference}, is recorded. Because it involves both the \
             headteacher and the chair of governors, nobody at the school reviews it in \
             Custodian: refer it directly to {lado_contact}."
        ),
        _ => format!(
            "Your concern, reference {reference}, has been received by {}. You can follow \
             its status in Custodian.",
            reviewer.label()
        ),
    }];
    if nobody_to_review {
        paragraphs.push(format!(
            "Nobody holds the role of {} in Custodian at the moment, so nobody has been \
             told. Raise it directly with {lado_contact}.",
            reviewer.label()
        ));
    }
    paragraphs.push(
        "If a child is at risk, speak to the Designated Safeguarding Lead now, under the \
         safeguarding policy."
            .into(),
    );
    email(
        to,
        kind(reviewer, "receipt"),
        format!("Your concern has been received ({reference})"),
        paragraphs,
        "See your concern",
        link,
    )
}

/// To the person who raised it: the outcome, and nothing else.
pub fn outcome(
    to: Recipient,
    reviewer: Reviewer,
    reference: &str,
    outcome: Outcome,
    link: String,
) -> Email {
    email(
        to,
        kind(reviewer, "outcome"),
        format!("Your concern has been closed ({reference})"),
        vec![
            format!(
                "Your concern, reference {reference}, has been closed. The outcome: {}.",
                outcome.label().to_lowercase()
            ),
            "Thank you for raising it.".into(),
        ],
        "See your concern",
        link,
    )
}
