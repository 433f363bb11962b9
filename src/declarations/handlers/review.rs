//! The reviewer's page: the queue, every current declaration, and the year's answers.

use std::collections::BTreeSet;

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::declarations::domain::{self, State};
use crate::declarations::service::{self, Answer};
use crate::declarations::views::*;
use crate::error::AppError;
use crate::ids::PersonId;
use crate::people::domain::Role;
use crate::web::layout::Tag;
use crate::web::render;
use crate::web::signed::Signed;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReviewQuery {
    class: String,
    person: String,
}

pub async fn review_list_get(
    me: Signed,
    query: web::Query<ReviewQuery>,
) -> Result<HttpResponse, AppError> {
    let service::ReviewList {
        all,
        people,
        statuses,
        role,
    } = me.read(service::read_review_list).await?;
    let zone = me.zone();
    let now = me.state.clock.now();
    let name = |id: PersonId| people.get(&id).map(|p| p.name.clone()).unwrap_or_default();
    let queue = all
        .iter()
        .filter(|(d, _)| d.state == State::AwaitingReview)
        .map(|(d, v)| DeclarationRowView::new(d, v, &name(d.declarant), now, zone))
        .collect();
    let classes: BTreeSet<String> = all.iter().map(|(d, _)| d.class_or_year.clone()).collect();
    let declarants: BTreeSet<(String, String)> = all
        .iter()
        .map(|(d, _)| (name(d.declarant), d.declarant.to_string()))
        .collect();
    let current = all
        .iter()
        .filter(|(d, _)| query.class.is_empty() || d.class_or_year == query.class)
        .filter(|(d, _)| query.person.is_empty() || d.declarant.to_string() == query.person)
        .map(|(d, v)| DeclarationRowView::new(d, v, &name(d.declarant), now, zone))
        .collect();
    let count = |a: Answer| statuses.iter().filter(|(_, s)| *s == a).count();
    render(DeclarationsReviewPage {
        page: me.page,
        reviewing_for: if role == Role::Chair {
            "chair of governors, for the headteacher's own declarations"
        } else {
            "headteacher"
        },
        queue,
        current,
        classes: Choice::from_pairs(classes.into_iter().map(|c| (c.clone(), c)), &query.class),
        people: Choice::from_pairs(
            declarants.into_iter().map(|(name, id)| (id, name)),
            &query.person,
        ),
        school_year: domain::school_year_label(service::current_school_year(&me.state.ctx())),
        confirmed: count(Answer::Confirmed),
        due: count(Answer::Due),
        never: count(Answer::NeverAnswered),
        statuses: statuses
            .iter()
            .map(|(p, a)| StatusView {
                name: p.name.clone(),
                status: match a {
                    Answer::Confirmed => Tag::new("Confirmed", "tag--green"),
                    Answer::Due => Tag::new("Due", "tag--amber"),
                    Answer::NeverAnswered => Tag::new("Never answered", "tag--red"),
                },
            })
            .collect(),
    })
}
