//! The reviewer's queue of concerns.

use actix_web::{web, HttpResponse};

use super::*;
use crate::auth::current::CurrentPerson;
use crate::concerns::domain::{Classification, Outcome};
use crate::concerns::service::{self, Concern};
use crate::concerns::views::*;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::layout::PageContext;
use crate::web::{format, render, urls};

pub async fn review_get(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
) -> Result<HttpResponse, AppError> {
    let reviewer = reviewing_as(&me).ok_or(AppError::Forbidden(
        "Only the headteacher, and the chair of governors for concerns about the head, review \
         concerns.",
    ))?;
    let service::ReviewQueue {
        open,
        closed,
        names,
        accounts,
    } = state
        .db
        .run(move |conn| service::read_review_queue(conn, reviewer))
        .await?;
    let zone = state.settings.time_zone;
    let now = state.clock.now();
    let row = |c: &Concern| {
        let due = c.lado_referral_due();
        QueueRowView {
            href: urls::concern(c.id),
            reference: c.reference(),
            raised: format::date(c.raised_at, zone),
            about: about_text(c, &names, &accounts),
            status: c.status.label(),
            status_tag: c.status.tag(),
            classification: c.classification.map(Classification::label),
            waiting: format::waited(c.raised_at, now),
            lado: due.map(|d| {
                if d < now {
                    format!("was due {}", format::date_time(d, zone))
                } else {
                    format!("Due {}", format::date_time(d, zone))
                }
            }),
            lado_overdue: due.is_some_and(|d| d < now),
            outcome: c.outcome.map(Outcome::label),
        }
    };
    // SECURITY: never the concerns about the reviewer themselves.
    let visible = |c: &&Concern| c.about_person != Some(me.id);
    let open: Vec<QueueRowView> = open.iter().filter(visible).map(row).collect();
    render(ConcernsReviewPage {
        page,
        reviewing_as: reviewer.label(),
        overdue: open.iter().filter(|r| r.lado_overdue).count(),
        open,
        closed: closed.iter().filter(visible).map(row).collect(),
    })
}
