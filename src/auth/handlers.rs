//! Sign-in, sign-out, setup, invitations and passwords.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use actix_web_flash_messages::FlashMessage;
use serde::Deserialize;

use super::csrf::{self, CsrfForm, NoFields};
use super::current::PERSON_KEY;
use super::current::{CurrentPerson, SIGNED_IN_AT_KEY};
use super::password::NewPassword;
use super::service::{self, SignIn};
use super::tokens::Purpose;
use super::views::*;
use crate::error::{AppError, FormErrors};
use crate::people::domain::{EmailAddress, NewPerson, Person, Role};
use crate::state::AppState;
use crate::web::form::{self, TextKind};
use crate::web::layout::PageContext;
use crate::web::outcome::saved;
use crate::web::{format, render, render_with, see_other, urls};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NextQuery {
    next: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TokenQuery {
    token: String,
}

/// Where to go after signing in: only a path of this site, parsed and
/// written out again, so a crafted link cannot send anyone elsewhere.
///
/// SECURITY: browsers drop tabs and line breaks from a URL and read `\` as
/// `/`, so `/\t/evil.example/` is `//evil.example/`, another site; a line
/// break in a header is not a redirect at all. Anything with a control
/// character or a backslash, anything that is not an absolute path, and
/// anything that resolves to another origin goes home instead.
pub fn safe_next(base: &url::Url, next: &str) -> String {
    let home = || urls::HOME.to_owned();
    if !next.starts_with('/')
        || next.starts_with("//")
        || next.chars().any(|c| c.is_control() || c == '\\')
    {
        return home();
    }
    let Ok(parsed) = base.join(next) else {
        return home();
    };
    if parsed.origin() != base.origin() || parsed.cannot_be_a_base() {
        return home();
    }
    let mut path = parsed.path().to_owned();
    if path.starts_with("//") {
        return home();
    }
    if let Some(query) = parsed.query() {
        path.push('?');
        path.push_str(query);
    }
    path
}

pub async fn login_get(
    state: web::Data<AppState>,
    page: PageContext,
    query: web::Query<NextQuery>,
    me: Option<CurrentPerson>,
) -> Result<HttpResponse, AppError> {
    if me.is_some() {
        return Ok(see_other(&safe_next(&state.settings.base_url, &query.next)));
    }
    render(LoginPage {
        page,
        email: String::new(),
        next: query.into_inner().next,
        errors: FormErrors::new(),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginForm {
    email: String,
    password: String,
    next: String,
}

pub async fn login_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    page: PageContext,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let again = |page, errors| {
        render_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            LoginPage {
                page,
                email: form.email.clone(),
                next: form.next.clone(),
                errors,
            },
        )
    };
    let mut errors = FormErrors::new();
    let email = EmailAddress::parse(&form.email)
        .map_err(|e| errors.add("email", e))
        .ok();
    if form.password.is_empty() {
        errors.add("password", "Enter your password");
    } else {
        form::check_control(&mut errors, "password", &form.password, TextKind::Line);
    }
    let Some(email) = email.filter(|_| errors.is_empty()) else {
        return again(page, errors);
    };

    // SECURITY: per-address limit first, before any database or hashing work.
    if let Some(peer) = req.peer_addr() {
        if state.sign_in_limiter.check_key(&peer.ip()).is_err() {
            return Err(AppError::RateLimited(
                "There have been too many sign-in attempts from your network. Wait a \
                 minute and try again."
                    .into(),
            ));
        }
    }

    let ctx = state.ctx();
    let zone = state.settings.time_zone;
    let locked_message = |until| {
        format!(
            "Signing in to this account is paused after several failed attempts. You can \
             try again after {}. We have emailed the account's owner.",
            format::date_time(until, zone)
        )
    };
    let email_text = email.as_str().to_owned();
    let lookup_ctx = ctx.clone();
    let (lock, found) = state
        .db
        .run(move |conn| service::read_sign_in(conn, &lookup_ctx, &email_text))
        .await?;
    if let Some(until) = lock {
        errors.add("email", locked_message(until));
        return again(page, errors);
    }
    let (person, hash) = match found {
        Some((person, hash)) if person.active => (Some(person), hash),
        Some((person, _)) => (Some(person), None),
        None => (None, None),
    };
    // SECURITY: an unknown email is hashed against a dummy, so it takes as
    // long as a wrong password.
    let matched = state.hasher.verify(form.password.clone(), hash).await?;
    let email_text = email.as_str().to_owned();
    let outcome = state
        .db
        .run(move |conn| service::record_sign_in(conn, &ctx, &email_text, person, matched))
        .await?;
    match outcome {
        SignIn::SignedIn(person) => {
            // SECURITY: a new session id at sign-in (no fixation), and a new CSRF token.
            session.renew();
            csrf::rotate(&session);
            session
                .insert(PERSON_KEY, person.id.to_string())
                .map_err(AppError::internal)?;
            session
                .insert(SIGNED_IN_AT_KEY, state.clock.now().unix_timestamp())
                .map_err(AppError::internal)?;
            saved(
                format!("Welcome, {}.", person.name),
                &safe_next(&state.settings.base_url, &form.next),
            )
        }
        SignIn::Failed => {
            errors.add(
                "email",
                "The email address or password is not right. Check them and try again.",
            );
            again(page, errors)
        }
        SignIn::Locked { until } => {
            errors.add("email", locked_message(until));
            again(page, errors)
        }
    }
}

pub async fn logout_post(
    state: web::Data<AppState>,
    session: Session,
    me: Option<CurrentPerson>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    if let Some(me) = me {
        let ctx = state.ctx();
        state
            .db
            .run(move |conn| service::record_sign_out(conn, &ctx, me.id, &me.name))
            .await?;
    }
    session.purge();
    FlashMessage::info("You have signed out.").send();
    Ok(see_other(urls::LOGIN))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ChoosePasswordForm {
    token: String,
    name: String,
    email: String,
    password: String,
    confirm: String,
}

pub(crate) fn parse_new_password(
    password: &str,
    confirm: &str,
    errors: &mut FormErrors,
) -> Option<NewPassword> {
    let parsed = NewPassword::parse(password)
        .map_err(|e| errors.add("password", e))
        .ok();
    if parsed.is_some() && password != confirm {
        errors.add("confirm", "The passwords do not match");
        return None;
    }
    parsed
}

fn choose_page(purpose: Purpose, page: PageContext, token: String) -> ChoosePasswordPage {
    let (heading, intro, action) = match purpose {
        Purpose::Setup => (
            "Set up Custodian",
            "Create the headteacher's account. You will be able to add everyone else once \
             you have signed in.",
            urls::SETUP,
        ),
        Purpose::Invitation => (
            "Choose your password",
            "Welcome to Custodian. Choose a password to finish setting up your account.",
            urls::INVITATION,
        ),
        Purpose::PasswordReset => (
            "Choose a new password",
            "Choose a new password for your account. Any other place you are signed in \
             will be signed out.",
            urls::PASSWORD_RESET_CHOOSE,
        ),
        // Not shown from here: the link to accept the chair opens its own
        // page (`people::handlers::accept_get`), which asks for a password
        // only from someone new.
        Purpose::ChairAccept => (
            "Accept the chair of governors",
            "Open the link in your email again to accept the chair of governors.",
            urls::CHAIR_ACCEPT,
        ),
    };
    ChoosePasswordPage {
        page,
        heading,
        intro,
        action,
        token,
        asks_name_and_email: purpose == Purpose::Setup,
        name: String::new(),
        email: String::new(),
        errors: FormErrors::new(),
    }
}

async fn link_get(
    purpose: Purpose,
    state: web::Data<AppState>,
    page: PageContext,
    token: String,
) -> Result<HttpResponse, AppError> {
    let ctx = state.ctx();
    let check = token.clone();
    let valid = state
        .db
        .run(move |conn| service::link_is_valid(conn, &ctx, purpose, &check))
        .await?;
    if !valid {
        return render_with(StatusCode::NOT_FOUND, LinkInvalidPage { page });
    }
    render(choose_page(purpose, page, token))
}

pub async fn setup_get(
    state: web::Data<AppState>,
    page: PageContext,
    query: web::Query<TokenQuery>,
) -> Result<HttpResponse, AppError> {
    link_get(Purpose::Setup, state, page, query.into_inner().token).await
}

pub async fn invitation_get(
    state: web::Data<AppState>,
    page: PageContext,
    query: web::Query<TokenQuery>,
) -> Result<HttpResponse, AppError> {
    link_get(Purpose::Invitation, state, page, query.into_inner().token).await
}

pub async fn reset_choose_get(
    state: web::Data<AppState>,
    page: PageContext,
    query: web::Query<TokenQuery>,
) -> Result<HttpResponse, AppError> {
    link_get(
        Purpose::PasswordReset,
        state,
        page,
        query.into_inner().token,
    )
    .await
}

pub async fn setup_post(
    state: web::Data<AppState>,
    page: PageContext,
    CsrfForm(form): CsrfForm<ChoosePasswordForm>,
) -> Result<HttpResponse, AppError> {
    let (new, mut errors) =
        match NewPerson::parse(&form.name, &form.email, Role::Headteacher.as_str()) {
            Ok(new) => (Some(new), FormErrors::new()),
            Err(errors) => (None, errors),
        };
    let password = parse_new_password(&form.password, &form.confirm, &mut errors);
    let (Some(new), Some(password)) = (new, password) else {
        let mut view = choose_page(Purpose::Setup, page, form.token);
        view.name = form.name;
        view.email = form.email;
        view.errors = errors;
        return render_with(StatusCode::UNPROCESSABLE_ENTITY, view);
    };
    let hash = state.hasher.hash(password).await?;
    let ctx = state.ctx();
    let token = form.token.clone();
    let created = state
        .db
        .run(move |conn| service::complete_setup(conn, &ctx, &token, new, hash))
        .await?;
    match created {
        Some(person) => saved(
            format!(
                "Your account is ready, {}. Sign in with your email address and new password.",
                person.name
            ),
            urls::LOGIN,
        ),
        None => render_with(StatusCode::NOT_FOUND, LinkInvalidPage { page }),
    }
}

async fn link_post(
    purpose: Purpose,
    state: web::Data<AppState>,
    page: PageContext,
    form: ChoosePasswordForm,
) -> Result<HttpResponse, AppError> {
    let mut errors = FormErrors::new();
    let Some(password) = parse_new_password(&form.password, &form.confirm, &mut errors) else {
        let mut view = choose_page(purpose, page, form.token);
        view.errors = errors;
        return render_with(StatusCode::UNPROCESSABLE_ENTITY, view);
    };
    let hash = state.hasher.hash(password).await?;
    let ctx = state.ctx();
    let token = form.token.clone();
    let done: Option<Person> = state
        .db
        .run(move |conn| service::set_password_by_link(conn, &ctx, purpose, &token, hash))
        .await?;
    match done {
        Some(_) => saved(
            "Your password is set. Sign in with your email address and new password.",
            urls::LOGIN,
        ),
        None => render_with(StatusCode::NOT_FOUND, LinkInvalidPage { page }),
    }
}

pub async fn invitation_post(
    state: web::Data<AppState>,
    page: PageContext,
    CsrfForm(form): CsrfForm<ChoosePasswordForm>,
) -> Result<HttpResponse, AppError> {
    link_post(Purpose::Invitation, state, page, form).await
}

pub async fn reset_choose_post(
    state: web::Data<AppState>,
    page: PageContext,
    CsrfForm(form): CsrfForm<ChoosePasswordForm>,
) -> Result<HttpResponse, AppError> {
    link_post(Purpose::PasswordReset, state, page, form).await
}

pub async fn reset_request_get(page: PageContext) -> Result<HttpResponse, AppError> {
    render(ResetRequestPage {
        page,
        email: String::new(),
        errors: FormErrors::new(),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ResetRequestForm {
    email: String,
}

pub async fn reset_request_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    page: PageContext,
    CsrfForm(form): CsrfForm<ResetRequestForm>,
) -> Result<HttpResponse, AppError> {
    let email = match EmailAddress::parse(&form.email) {
        Ok(email) => email,
        Err(message) => {
            let mut errors = FormErrors::new();
            errors.add("email", message);
            return render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                ResetRequestPage {
                    page,
                    email: form.email,
                    errors,
                },
            );
        }
    };
    // SECURITY: past the per-address limit nothing is sent, and the answer
    // is the same page: it tells nothing about the address or the limit.
    let address_ok = req
        .peer_addr()
        .is_none_or(|peer| state.reset_limiter.check_key(&peer.ip()).is_ok());
    if address_ok {
        let ctx = state.ctx();
        state
            .db
            .run(move |conn| service::request_reset(conn, &ctx, email.as_str()))
            .await?;
    }
    // SECURITY: the same page whether or not the address is known.
    render(ResetSentPage { page })
}

pub async fn password_get(_me: CurrentPerson, page: PageContext) -> Result<HttpResponse, AppError> {
    render(PasswordChangePage {
        page,
        errors: FormErrors::new(),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordChangeForm {
    current: String,
    password: String,
    confirm: String,
}

pub async fn password_post(
    me: CurrentPerson,
    state: web::Data<AppState>,
    session: Session,
    page: PageContext,
    CsrfForm(form): CsrfForm<PasswordChangeForm>,
) -> Result<HttpResponse, AppError> {
    let mut errors = FormErrors::new();
    if form.current.is_empty() {
        errors.add("current", "Enter your current password");
    }
    let password = parse_new_password(&form.password, &form.confirm, &mut errors);
    let id = me.id;
    let ctx = state.ctx();
    let email = me.email.clone();
    let (stored, locked) = state
        .db
        .run(move |conn| service::read_password_change(conn, &ctx, id, &email))
        .await?;
    if let Some(until) = locked {
        return Ok(signed_out_locked(&state, &session, until));
    }
    let current_ok =
        !form.current.is_empty() && state.hasher.verify(form.current.clone(), stored).await?;
    if !form.current.is_empty() && !current_ok {
        let ctx = state.ctx();
        let locked = state
            .db
            .run(move |conn| service::wrong_current_password(conn, &ctx, id))
            .await?;
        if let Some(until) = locked {
            return Ok(signed_out_locked(&state, &session, until));
        }
        errors.add("current", "Your current password is not right");
    }
    let Some(password) = password.filter(|_| errors.is_empty()) else {
        return render_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            PasswordChangePage { page, errors },
        );
    };
    let hash = state.hasher.hash(password).await?;
    let ctx = state.ctx();
    state
        .db
        .run(move |conn| service::change_password(conn, &ctx, id, hash))
        .await?;
    // Every session ended; this one carries on under a new id.
    session.renew();
    csrf::rotate(&session);
    saved(
        "Your password has been changed. Anywhere else you were signed in has been signed out.",
        urls::HOME,
    )
}

/// Too many wrong current passwords: signed out, told when to try again.
fn signed_out_locked(
    state: &AppState,
    session: &Session,
    until: time::OffsetDateTime,
) -> HttpResponse {
    session.purge();
    FlashMessage::error(format!(
        "Too many wrong passwords: you have been signed out. You can sign in again after {}.",
        format::date_time(until, state.settings.time_zone)
    ))
    .send();
    see_other(urls::LOGIN)
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_is_a_path_of_this_site_or_home() {
        let base = url::Url::parse("https://custodian.school.example").unwrap();
        let next = |raw: &str| safe_next(&base, raw);
        assert_eq!(next("/accounts?x=1"), "/accounts?x=1");
        assert_eq!(next("/concerns/review"), "/concerns/review");
        for bad in [
            "",
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example/",
            "/\n/x",
            "/\r\nSet-Cookie: x=1",
            "https://evil.example",
            "javascript:alert(1)",
            "evil.example",
        ] {
            assert_eq!(next(bad), "/", "{bad:?}");
        }
        // Encoded slashes stay encoded: a path on this site.
        assert_eq!(next("/%2F%2Fevil"), "/%2F%2Fevil");
    }
}
