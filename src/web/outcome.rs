//! What a form's POST answers once its change ran: a change that went
//! through flashes what happened and redirects (post/redirect/get); a
//! refused one goes back to its form, whose errors the handler shows.

use actix_web::HttpResponse;
use actix_web_flash_messages::FlashMessage;

use super::see_other;
use crate::error::{AppError, FormErrors};

/// A change's result with its refusal split off from the other errors.
pub trait Refusal<T> {
    /// `Ok(Err(errors))` when the change was refused, for the handler to
    /// re-render its form; any other error stays an error.
    fn refusal(self) -> Result<Result<T, FormErrors>, AppError>;
}

impl<T> Refusal<T> for Result<T, AppError> {
    fn refusal(self) -> Result<Result<T, FormErrors>, AppError> {
        match self {
            Ok(value) => Ok(Ok(value)),
            Err(AppError::Refused(errors)) => Ok(Err(errors)),
            Err(error) => Err(error),
        }
    }
}

/// A change that went through: says so, then 303 to `to`.
pub fn saved(message: impl Into<String>, to: &str) -> Result<HttpResponse, AppError> {
    FlashMessage::success(message).send();
    Ok(see_other(to))
}
