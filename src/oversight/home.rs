//! The home page: what needs the person now (from the dashboard), then what
//! they can do here.

use actix_web::{web, HttpResponse};
use askama::Template;

use super::dashboard::{self, Need};
use crate::auth::current::CurrentPerson;
use crate::error::AppError;
use crate::people::domain::Role;
use crate::state::AppState;
use crate::web::layout::PageContext;
use crate::web::{render, urls};

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
fn tasks_for(role: Role) -> Vec<Task> {
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

pub async fn home_get(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
) -> Result<HttpResponse, AppError> {
    let ctx = state.ctx();
    let reader = me.clone();
    let (needs, no_chair) = state
        .db
        .run(move |conn| {
            Ok((
                dashboard::needs(conn, &ctx, &reader)?,
                dashboard::no_chair(conn, &reader)?,
            ))
        })
        .await?;
    render(HomePage {
        page,
        needs,
        no_chair,
        tasks: tasks_for(me.role),
        name: me.name,
        role: me.role,
    })
}
