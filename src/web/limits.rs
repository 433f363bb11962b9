//! Limits every request meets before a handler: a deadline for its body,
//! so that a client trickling one byte a second is cut off as one sending
//! slow headers is.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use actix_web::HttpMessage;
use futures_util::Stream;
use tokio::time::{sleep_until, Instant, Sleep};

use super::form::{has_control, TextKind};
use crate::error::AppError;
use crate::state::AppState;

/// Large bodies (evidence files) get longer, at no less than this pace.
const MIN_BYTES_PER_SECOND: u64 = 64 * 1024;

/// The deadline for a body of `length` bytes: the base, or longer for a
/// large upload sent at a fair pace.
pub fn body_deadline(base: Duration, length: Option<u64>) -> Duration {
    let paced = Duration::from_secs(length.unwrap_or(0) / MIN_BYTES_PER_SECOND);
    base.max(paced)
}

/// SECURITY: every body is read against one total deadline. A slow client
/// otherwise holds a worker's connection (and the memory of its half-read
/// form) for as long as it likes. Past the deadline, the read fails, the
/// request is answered 408 and the connection closed.
pub async fn body_deadline_layer(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let base = req
        .app_data::<actix_web::web::Data<AppState>>()
        .map_or(crate::config::BODY_TIMEOUT, |s| s.settings.body_timeout);
    let length = req
        .headers()
        .get(actix_web::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let has_body = length.is_some_and(|l| l > 0)
        || req
            .headers()
            .contains_key(actix_web::http::header::TRANSFER_ENCODING);
    if !has_body {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let timed_out = Rc::new(Cell::new(false));
    let inner = req.take_payload();
    let stream = Deadline {
        inner,
        sleep: Box::pin(sleep_until(Instant::now() + body_deadline(base, length))),
        timed_out: timed_out.clone(),
    };
    req.set_payload(Payload::from(
        Box::pin(stream) as Pin<Box<dyn Stream<Item = Result<Bytes, PayloadError>>>>
    ));
    let response = next.call(req).await?;
    if timed_out.get() {
        // Whatever the handler made of the failed read, the answer is 408.
        let (http_req, _) = response.into_parts();
        return Ok(ServiceResponse::from_err(AppError::Timeout, http_req));
    }
    Ok(response.map_into_boxed_body())
}

/// SECURITY: a control character (a NUL above all, which PostgreSQL
/// refuses with an error) in the address is never passed on to a page:
/// in the path it is no page of ours (404), in the query a bad request.
/// Forms check their fields beside each one (`web::form`).
pub async fn refuse_control_in_address(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let in_path = decoded_has_control(req.path());
    let in_query = url::form_urlencoded::parse(req.query_string().as_bytes())
        // The sign-in's return path is parsed and re-made where it is used
        // (`auth::handlers`): anything odd there sends the person home.
        .filter(|(key, _)| key != "next")
        .any(|(k, v)| has_control(&k, TextKind::Line) || has_control(&v, TextKind::Line));
    if in_path || in_query {
        let error = if in_path {
            AppError::NotFound
        } else {
            AppError::BadRequest("The address has something this page does not understand.".into())
        };
        let (http_req, _) = req.into_parts();
        return Ok(ServiceResponse::from_err(error, http_req));
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

fn decoded_has_control(raw: &str) -> bool {
    if raw.chars().any(char::is_control) {
        return true;
    }
    url::form_urlencoded::parse(raw.as_bytes())
        .any(|(k, v)| has_control(&k, TextKind::Line) || has_control(&v, TextKind::Line))
}

struct Deadline {
    inner: Payload,
    sleep: Pin<Box<Sleep>>,
    timed_out: Rc<Cell<bool>>,
}

impl Stream for Deadline {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.timed_out.get() {
            return Poll::Ready(None);
        }
        match Pin::new(&mut self.inner).poll_next(cx) {
            Poll::Pending => {}
            other => return other,
        }
        if self.sleep.as_mut().poll(cx).is_ready() {
            self.timed_out.set(true);
            return Poll::Ready(Some(Err(PayloadError::Io(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "the request body came too slowly",
            )))));
        }
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_in_an_address_are_found_however_encoded() {
        assert!(decoded_has_control("page=%00"));
        assert!(decoded_has_control("/people/%1b"));
        assert!(decoded_has_control("a=1&b=x%7F"));
        assert!(!decoded_has_control("page=2&from=2026-01-01"));
        assert!(!decoded_has_control("/policy/3"));
    }

    #[test]
    fn a_large_upload_gets_time_at_a_fair_pace_and_a_form_gets_the_base() {
        let base = Duration::from_secs(30);
        assert_eq!(body_deadline(base, Some(1000)), base);
        assert_eq!(body_deadline(base, None), base);
        assert_eq!(
            body_deadline(base, Some(60 * 1024 * 1024)),
            Duration::from_secs(960)
        );
    }
}
