//! One's own declarations, and the yearly answer: a nil return or a reconfirmation.

use actix_web::{web, HttpResponse};
use actix_web_flash_messages::FlashMessage;

use super::*;
use crate::auth::csrf::{CsrfForm, NoFields};
use crate::auth::current::CurrentPerson;
use crate::clock::from_row;
use crate::declarations::domain::{self, State};
use crate::declarations::service::{self};
use crate::declarations::views::*;
use crate::error::AppError;
use crate::people::domain::Role;
use crate::state::AppState;
use crate::web::layout::PageContext;
use crate::web::{format, render_with, see_other, urls};

pub async fn home_get(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
) -> Result<HttpResponse, AppError> {
    home(me, state, page, None).await
}

async fn home(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    error: Option<String>,
) -> Result<HttpResponse, AppError> {
    me.require(
        me.role != Role::Chair,
        "Governors do not make declarations here; the chair reviews the headteacher's.",
    )?;
    let ctx = state.ctx();
    let id = me.id;
    let (mine, answers) = state
        .db
        .run(move |conn| service::read_home(conn, id))
        .await?;
    let zone = state.settings.time_zone;
    let now = state.clock.now();
    let year = service::current_school_year(&ctx);
    let this_year = answers
        .iter()
        .find(|(y, _, _)| *y == year)
        .map(|(_, kind, at)| {
            let when = format::date(from_row(*at), zone);
            if kind == "nil_return" {
                format!("You made a nil return on {when}: no contacts to declare this school year.")
            } else {
                format!("You confirmed your declarations on {when}.")
            }
        });
    let status = if error.is_some() {
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        actix_web::http::StatusCode::OK
    };
    render_with(
        status,
        DeclarationsHomePage {
            page,
            has_live: mine.iter().any(|(d, _)| d.state != State::Ended),
            declarations: mine
                .iter()
                .map(|(d, v)| row_view(d, v, &me.name, now, zone))
                .collect(),
            school_year: domain::school_year_label(year),
            this_year,
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
        },
    )
}

async fn answer(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    nil: bool,
) -> Result<HttpResponse, AppError> {
    me.require(
        me.role != Role::Chair,
        "Governors do not make declarations here.",
    )?;
    let ctx = state.ctx();
    let person = me.id;
    let done = state
        .db
        .run(move |conn| {
            let me = service::read_person(conn, person)?;
            service::reconfirm(conn, &ctx, &me, nil)
        })
        .await?;
    match done {
        Ok(()) => {
            FlashMessage::success("Thank you: your answer for this school year is recorded.")
                .send();
            Ok(see_other(urls::DECLARATIONS))
        }
        Err(why) => home(me, state, page, Some(why.to_owned())).await,
    }
}

pub async fn nil_post(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    answer(me, state, page, true).await
}

pub async fn reconfirm_post(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    answer(me, state, page, false).await
}
