//! The chair's handover: the sitting chair names a successor (or withdraws
//! the offer), and the successor accepts from the emailed link.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use actix_web_flash_messages::FlashMessage;
use serde::Deserialize;

use crate::auth::csrf::{CsrfForm, NoFields};
use crate::auth::current::CurrentPerson;
use crate::auth::views::LinkInvalidPage;
use crate::error::{AppError, FormErrors};
use crate::ids::PersonId;
use crate::people::domain::{NewPerson, Role};
use crate::people::service::{self, Acceptance, HandoverPage, Link, Successor};
use crate::people::views::*;
use crate::state::AppState;
use crate::web::layout::PageContext;
use crate::web::outcome::{saved, Refusal};
use crate::web::signed::Signed;
use crate::web::{form_status, format, render, render_with, see_other, urls};

/// The chair's form as typed.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct HandoverForm {
    successor: String,
    name: String,
    email: String,
    leaving: String,
}

impl HandoverForm {
    /// Someone already in Custodian the chair chose, if any.
    fn chosen(&self) -> Option<PersonId> {
        PersonId::parse(&self.successor)
    }

    fn leaving(&self) -> bool {
        self.leaving == "yes"
    }

    fn parse(&self) -> Result<Successor, FormErrors> {
        if self.successor == "new" {
            return NewPerson::parse(&self.name, &self.email, Role::Staff.as_str())
                .map(Successor::New);
        }
        self.chosen().map(Successor::Existing).ok_or_else(|| {
            let mut errors = FormErrors::new();
            errors.add("successor", "Choose who will be chair");
            errors
        })
    }
}

/// The handover page: the offer that waits, or the form (with `errors`,
/// as typed, when it was refused).
fn handover_page(
    me: Signed,
    read: HandoverPage,
    form: &HandoverForm,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let zone = me.zone();
    let chosen = form.chosen();
    render_with(
        form_status(&errors),
        ChairHandoverPage {
            pending: read
                .pending
                .filter(|_| errors.is_empty())
                .map(|h| (h.to.name, format::date_time(h.expires_at, zone))),
            choices: successor_choices(
                &read.successors,
                &chosen.map(|id| id.to_string()).unwrap_or_default(),
            ),
            new_selected: chosen.is_none(),
            name: form.name.clone(),
            email: form.email.clone(),
            leaving: form.leaving(),
            errors,
            page: me.page,
        },
    )
}

/// The chair's handover page.
pub async fn handover_get(me: Signed) -> Result<HttpResponse, AppError> {
    let read = me.read(service::read_handover).await?;
    handover_page(me, read, &HandoverForm::default(), FormErrors::new())
}

pub async fn handover_post(
    me: Signed,
    CsrfForm(form): CsrfForm<HandoverForm>,
) -> Result<HttpResponse, AppError> {
    let (named, leaving) = (form.parse(), form.leaving());
    let offered = me
        .write(move |tx| service::offer_handover(tx, named, leaving))
        .await;
    match offered.refusal()? {
        Ok(handover) => saved(
            format!(
                "{} has been emailed a link to accept the chair. You remain the chair until \
                 they do.",
                handover.to.name
            ),
            urls::CHAIR_HANDOVER,
        ),
        Err(errors) => {
            let read = me.read(service::read_handover).await?;
            handover_page(me, read, &form, errors)
        }
    }
}

pub async fn handover_cancel_post(
    me: Signed,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    match me.write(service::cancel_handover).await? {
        Some(handover) => FlashMessage::success(format!(
            "The offer to {} is withdrawn: their link no longer works.",
            handover.to.name
        ))
        .send(),
        None => FlashMessage::info("There was no offer waiting.").send(),
    }
    Ok(see_other(urls::CHAIR_HANDOVER))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AcceptQuery {
    token: String,
}

fn link_invalid(page: PageContext) -> Result<HttpResponse, AppError> {
    render_with(StatusCode::NOT_FOUND, LinkInvalidPage { page })
}

/// Who is signed in on this request, if anyone.
async fn signed_in(req: &HttpRequest) -> Result<Option<PersonId>, AppError> {
    Ok(CurrentPerson::optional(req).await?.map(|p| p.id))
}

/// What the link opens for `me`.
async fn open(state: &AppState, token: &str, me: Option<PersonId>) -> Result<Link, AppError> {
    let (ctx, token) = (state.ctx(), token.to_owned());
    state
        .db
        .run(move |conn| service::open_link(conn, &ctx, &token, me))
        .await
}

/// The successor opens the emailed link. Someone who already has a
/// password accepts signed in as themselves; someone new chooses one.
pub async fn accept_get(
    req: HttpRequest,
    state: web::Data<AppState>,
    page: PageContext,
    query: web::Query<AcceptQuery>,
) -> Result<HttpResponse, AppError> {
    let token = query.into_inner().token;
    match open(&state, &token, signed_in(&req).await?).await? {
        Link::Dead => link_invalid(page),
        Link::SignInFirst => Err(AppError::Unauthenticated {
            next: req.uri().path_and_query().map(|p| p.to_string()),
        }),
        Link::Opens(handover) => render(ChairAcceptPage::new(
            page,
            token,
            &handover,
            FormErrors::new(),
        )),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AcceptForm {
    token: String,
    password: String,
    confirm: String,
}

pub async fn accept_post(
    req: HttpRequest,
    session: Session,
    state: web::Data<AppState>,
    page: PageContext,
    CsrfForm(form): CsrfForm<AcceptForm>,
) -> Result<HttpResponse, AppError> {
    let me = signed_in(&req).await?;
    let handover = match open(&state, &form.token, me).await? {
        Link::Dead => return link_invalid(page),
        Link::SignInFirst => return Err(AppError::Unauthenticated { next: None }),
        Link::Opens(handover) => handover,
    };
    let how = if let (true, Some(me)) = (handover.to.has_password, me) {
        Acceptance::SignedIn(me)
    } else {
        let mut errors = FormErrors::new();
        let Some(password) =
            crate::auth::handlers::parse_new_password(&form.password, &form.confirm, &mut errors)
        else {
            return render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                ChairAcceptPage::new(page, form.token, &handover, errors),
            );
        };
        Acceptance::NewPassword(state.hasher.hash(password).await?)
    };
    let (ctx, token) = (state.ctx(), form.token);
    let accepted = state
        .db
        .run(move |conn| service::accept_handover(conn, &ctx, &token, how))
        .await?;
    match accepted {
        Some(person) => {
            // Every session of both chairs has ended; this one goes too.
            session.purge();
            FlashMessage::success(format!(
                "You are now the chair of governors, {}. Sign in to carry on.",
                person.name
            ))
            .send();
            Ok(see_other(urls::LOGIN))
        }
        None => link_invalid(page),
    }
}
