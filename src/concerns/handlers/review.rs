//! The reviewer's queue of concerns.

use actix_web::HttpResponse;

use crate::concerns::service;
use crate::concerns::views::*;
use crate::error::AppError;
use crate::web::render;
use crate::web::signed::Signed;

pub async fn review_get(me: Signed) -> Result<HttpResponse, AppError> {
    let service::ReviewQueue {
        reviewer,
        open,
        closed,
        names,
    } = me
        .read(|conn, _, actor| service::read_review_queue(conn, actor))
        .await?;
    let (zone, now) = (me.zone(), me.state.clock.now());
    let rows = |list: Vec<service::Concern>| -> Vec<QueueRowView> {
        list.iter()
            .map(|c| QueueRowView::new(c, &names, now, zone))
            .collect()
    };
    let open = rows(open);
    render(ConcernsReviewPage {
        reviewing_as: reviewer.label(),
        overdue: open.iter().filter(|r| r.lado_overdue).count(),
        open,
        closed: rows(closed),
        page: me.page,
    })
}
