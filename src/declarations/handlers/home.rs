//! One's own declarations, and the yearly answer: a nil return or a reconfirmation.

use actix_web::HttpResponse;

use crate::auth::csrf::{CsrfForm, NoFields};
use crate::clock::from_row;
use crate::declarations::domain::{self, State};
use crate::declarations::service;
use crate::declarations::views::*;
use crate::error::AppError;
use crate::people::domain::Role;
use crate::web::outcome::{saved, Refusal};
use crate::web::signed::Signed;
use crate::web::{format, render_with, urls};

pub async fn home_get(me: Signed) -> Result<HttpResponse, AppError> {
    home(me, None).await
}

async fn home(me: Signed, error: Option<String>) -> Result<HttpResponse, AppError> {
    let service::Home { mine, answers } = me
        .read(|conn, _, actor| service::read_home(conn, actor))
        .await?;
    let zone = me.zone();
    let now = me.state.clock.now();
    let year = service::current_school_year(&me.state.ctx());
    let answered = |kind: &str, at| {
        let when = format::date(from_row(at), zone);
        if kind == "nil_return" {
            format!("You made a nil return on {when}: no contacts to declare this school year.")
        } else {
            format!("You confirmed your declarations on {when}.")
        }
    };
    let status = if error.is_some() {
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        actix_web::http::StatusCode::OK
    };
    let name = me.actor.name();
    render_with(
        status,
        DeclarationsHomePage {
            has_live: mine.iter().any(|(d, _)| d.state != State::Ended),
            declarations: mine
                .iter()
                .map(|(d, v)| DeclarationRowView::new(d, v, name, now, zone))
                .collect(),
            school_year: domain::school_year_label(year),
            this_year: answers
                .iter()
                .find(|(y, _, _)| *y == year)
                .map(|(_, kind, at)| answered(kind, *at)),
            answers: answers
                .iter()
                .filter(|(y, _, _)| *y != year)
                .map(|(y, kind, at)| AnswerView {
                    year: domain::school_year_label(*y),
                    kind: if kind == "nil_return" {
                        "No contacts to declare"
                    } else {
                        "Declarations confirmed"
                    },
                    when: format::date(from_row(*at), zone),
                })
                .collect(),
            new_href: urls::DECLARATIONS_NEW,
            nil_action: urls::DECLARATIONS_NIL,
            reconfirm_action: urls::DECLARATIONS_RECONFIRM,
            review_href: (me.role == Role::Headteacher).then_some(urls::DECLARATIONS_REVIEW),
            error,
            page: me.page,
        },
    )
}

/// This year's answer; a nil return refused (declarations still apply)
/// comes back to the page with why.
async fn answer(me: Signed, nil: bool) -> Result<HttpResponse, AppError> {
    let answered = me.write(move |tx| service::reconfirm(tx, nil)).await;
    match answered.refusal()? {
        Ok(()) => saved(
            "Thank you: your answer for this school year is recorded.",
            urls::DECLARATIONS,
        ),
        Err(errors) => {
            let why = errors.get("answer").map(str::to_owned);
            home(me, why).await
        }
    }
}

pub async fn nil_post(me: Signed, _form: CsrfForm<NoFields>) -> Result<HttpResponse, AppError> {
    answer(me, true).await
}

pub async fn reconfirm_post(
    me: Signed,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    answer(me, false).await
}
