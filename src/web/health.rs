//! Health checks for load balancers and monitoring.

use actix_web::{web, HttpResponse};
use diesel::prelude::*;

use crate::state::AppState;

const PLAIN: &str = "text/plain; charset=utf-8";

/// The process is up.
pub async fn healthz_get() -> HttpResponse {
    HttpResponse::Ok().content_type(PLAIN).body("ok")
}

/// The database answers.
pub async fn readyz_get(state: web::Data<AppState>) -> HttpResponse {
    let answered = state
        .db
        .run(|conn| {
            diesel::select(diesel::dsl::sql::<diesel::sql_types::Integer>("1"))
                .get_result::<i32>(conn)
                .map_err(Into::into)
        })
        .await;
    match answered {
        Ok(_) => HttpResponse::Ok().content_type(PLAIN).body("ready"),
        Err(_) => HttpResponse::ServiceUnavailable()
            .content_type(PLAIN)
            .body("database unavailable"),
    }
}
