//! One's own concerns, and for a reviewer how many await them.

use actix_web::HttpResponse;

use crate::concerns::service;
use crate::concerns::views::*;
use crate::error::AppError;
use crate::web::signed::Signed;
use crate::web::{render, urls};

pub async fn home_get(me: Signed) -> Result<HttpResponse, AppError> {
    let service::Home { mine, open } = me
        .read(|conn, _, actor| service::read_home(conn, actor))
        .await?;
    let zone = me.zone();
    render(ConcernsHomePage {
        concerns: mine.iter().map(|c| OwnRowView::new(c, zone)).collect(),
        new_href: urls::CONCERNS_NEW,
        review: open.map(|n| (urls::CONCERNS_REVIEW, n)),
        page: me.page,
    })
}
