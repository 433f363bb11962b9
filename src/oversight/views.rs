//! The oversight pages: the home page, a person's own page and the
//! governors' report.

use askama::Template;

use super::domain::{Need, Section};
use crate::error::FormErrors;
use crate::people::domain::Role;
use crate::web::form::Choice;
use crate::web::layout::PageContext;
use crate::web::urls;

/// Something a person can do here, on their home page.
pub struct Task {
    pub href: &'static str,
    pub title: &'static str,
    pub description: &'static str,
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub page: PageContext,
    pub name: String,
    pub role: Role,
    /// What needs this person now, most urgent first.
    pub needs: Vec<Need>,
    pub tasks: Vec<Task>,
    /// For the head: there is no chair of governors, and how one is made.
    pub no_chair: bool,
}

/// What this person can do here, by role.
pub fn tasks_for(role: Role) -> Vec<Task> {
    let mut tasks = vec![Task {
        href: urls::ACCOUNTS,
        title: "Official accounts",
        description: if role.manages_people() {
            "The school's social media accounts: who holds each login, who was given it, and what is due."
        } else {
            "The school's social media accounts, and any access you have been given."
        },
    }];
    match role {
        Role::Chair => tasks.push(Task {
            href: urls::DECLARATIONS_REVIEW,
            title: "The headteacher's declarations",
            description: "Declarations of social contact made by the headteacher, which you review.",
        }),
        _ => tasks.push(Task {
            href: urls::DECLARATIONS,
            title: "Your declarations",
            description: "Declare any social contact with pupils' families (clause g), and confirm them each year.",
        }),
    }
    if role == Role::Headteacher {
        tasks.push(Task {
            href: urls::DECLARATIONS_REVIEW,
            title: "Declarations to review",
            description: "Declarations awaiting your review, by class and by person, and who has answered this year.",
        });
    }
    tasks.push(Task {
        href: urls::CONCERNS,
        title: "Concerns",
        description: "Raise a concern with the headteacher at the earliest opportunity (clause i), and follow the ones you raised.",
    });
    match role {
        Role::Headteacher => tasks.push(Task {
            href: urls::CONCERNS_REVIEW,
            title: "Concerns to review",
            description: "Concerns raised with you, oldest first, with any referral to the LADO that is due.",
        }),
        Role::Chair => tasks.push(Task {
            href: urls::CONCERNS_REVIEW,
            title: "Concerns about the headteacher",
            description: "Concerns about the headteacher, which you review and the head never sees.",
        }),
        _ => {}
    }
    if role.manages_people() {
        tasks.push(Task {
            href: urls::PEOPLE,
            title: "People",
            description: "Add staff, change roles and deactivate leavers.",
        });
    }
    if role.reads_audit() {
        tasks.push(Task {
            href: urls::AUDIT,
            title: "Audit log",
            description: if role == Role::Chair {
                "Every recorded event that concerns the headteacher."
            } else {
                "Every change made in Custodian, in order, with proof that none was altered."
            },
        });
    }
    if role == Role::Headteacher {
        tasks.push(Task {
            href: urls::EMAILS,
            title: "Emails",
            description: "Every email Custodian has sent or is waiting to send.",
        });
    }
    if role != Role::Staff {
        tasks.push(Task {
            href: urls::REPORTS_GOVERNORS,
            title: "Governors' report",
            description: "A term's figures from every register, to print for governors or download as CSV; never a name.",
        });
    }
    if role == Role::Chair {
        tasks.push(Task {
            href: urls::CHAIR_HANDOVER,
            title: "Hand over the chair",
            description:
                "Name the next chair of governors; they accept from a link emailed to them.",
        });
    }
    tasks.push(Task {
        href: urls::ME,
        title: "Your details",
        description: if matches!(role, Role::Headteacher | Role::Chair) {
            "Your name and role, your password, and the weekly digest email."
        } else {
            "Your name and role, and your password."
        },
    });
    tasks
}

#[derive(Template)]
#[template(path = "oversight/me.html")]
pub struct MePage {
    pub page: PageContext,
    pub name: String,
    pub email: String,
    pub role: &'static str,
    /// For the head and the chair: whether the weekly digest is on.
    pub digest: Option<bool>,
    pub digest_action: &'static str,
    pub password_href: &'static str,
}

#[derive(Template)]
#[template(path = "oversight/report.html")]
pub struct ReportPage {
    pub page: PageContext,
    /// "Autumn term 2026" or "1 Oct 2026 to 31 Oct 2026".
    pub title: String,
    pub period: String,
    pub generated: String,
    pub terms: Vec<Choice>,
    pub from: String,
    pub until: String,
    pub sections: Vec<Section>,
    pub csv_href: String,
    pub for_chair: bool,
    pub errors: FormErrors,
}
