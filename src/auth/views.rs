//! The sign-in and password pages.

use askama::Template;

use crate::error::FormErrors;
use crate::web::layout::PageContext;

#[derive(Template)]
#[template(path = "auth/login.html")]
pub struct LoginPage {
    pub page: PageContext,
    pub email: String,
    pub next: String,
    pub errors: FormErrors,
}

/// Choosing a password through a one-time link: setup (with name and
/// email), an invitation, or a reset.
#[derive(Template)]
#[template(path = "auth/choose_password.html")]
pub struct ChoosePasswordPage {
    pub page: PageContext,
    pub heading: &'static str,
    pub intro: &'static str,
    pub action: &'static str,
    pub token: String,
    pub asks_name_and_email: bool,
    pub name: String,
    pub email: String,
    pub errors: FormErrors,
}

#[derive(Template)]
#[template(path = "auth/link_invalid.html")]
pub struct LinkInvalidPage {
    pub page: PageContext,
}

#[derive(Template)]
#[template(path = "auth/reset_request.html")]
pub struct ResetRequestPage {
    pub page: PageContext,
    pub email: String,
    pub errors: FormErrors,
}

#[derive(Template)]
#[template(path = "auth/reset_sent.html")]
pub struct ResetSentPage {
    pub page: PageContext,
}

#[derive(Template)]
#[template(path = "auth/password_change.html")]
pub struct PasswordChangePage {
    pub page: PageContext,
    pub errors: FormErrors,
}
