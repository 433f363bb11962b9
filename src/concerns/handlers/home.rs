//! One's own concerns, and for a reviewer how many await them.

use actix_web::{web, HttpResponse};

use super::*;
use crate::auth::current::CurrentPerson;
use crate::concerns::domain::Outcome;
use crate::concerns::service::{self};
use crate::concerns::views::*;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::layout::PageContext;
use crate::web::{format, render, urls};

pub async fn home_get(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
) -> Result<HttpResponse, AppError> {
    let id = me.id;
    let reviewer = reviewing_as(&me);
    let (mine, open) = state
        .db
        .run(move |conn| service::read_home(conn, id, reviewer))
        .await?;
    let zone = state.settings.time_zone;
    render(ConcernsHomePage {
        page,
        concerns: mine
            .iter()
            .map(|c| OwnRowView {
                href: urls::concern(c.id),
                reference: c.reference(),
                raised: format::date(c.raised_at, zone),
                about: c.about.label(),
                status: c.status.label(),
                status_tag: c.status.tag(),
                outcome: c.outcome.map(Outcome::label),
            })
            .collect(),
        new_href: urls::CONCERNS_NEW,
        review: open.map(|n| (urls::CONCERNS_REVIEW, n)),
    })
}
