//! Raising a concern: the form, with its evidence files.

use actix_multipart::Multipart;
use actix_web::{web, HttpRequest, HttpResponse};
use actix_web_flash_messages::FlashMessage;

use crate::auth::csrf::{self};
use crate::auth::current::CurrentPerson;
use crate::concerns::domain::{About, NewConcern, RaiseInput, Reviewer, MAX_EVIDENCE_FILES};
use crate::concerns::service::{self};
use crate::concerns::upload;
use crate::concerns::views::*;
use crate::error::{AppError, FormErrors};
use crate::people::views::person_choices;
use crate::state::AppState;
use crate::web::form::Choice;
use crate::web::layout::PageContext;
use crate::web::{form_status, format, render_with, see_other, urls};

async fn form_page(
    state: &web::Data<AppState>,
    page: PageContext,
    typed: RaiseInput,
    files_to_choose_again: bool,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let (people, accounts) = state.db.run(service::read_raise_form).await?;
    let status = form_status(&errors);
    render_with(
        status,
        ConcernFormPage {
            page,
            action: urls::CONCERNS,
            back: urls::CONCERNS,
            abouts: Choice::options(About::ALL, &typed.about),
            people: person_choices(people.iter().filter(|p| p.active), &typed.about_person),
            accounts: Choice::from_pairs(
                accounts.iter().filter(|a| a.closed_at.is_none()).map(|a| {
                    (
                        a.id.to_string(),
                        format!("{} {}", a.platform.label(), a.handle),
                    )
                }),
                &typed.about_account,
            ),
            about_detail: typed.about_detail,
            implicates_chair: typed.implicates_chair,
            happened_on: typed.happened_on,
            what_happened: typed.what_happened,
            max_file_size: "10 MB",
            max_files: MAX_EVIDENCE_FILES,
            files_to_choose_again,
            errors,
        },
    )
}

pub async fn new_get(
    _me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
) -> Result<HttpResponse, AppError> {
    form_page(
        &state,
        page,
        RaiseInput::default(),
        false,
        FormErrors::new(),
    )
    .await
}

pub async fn new_post(
    me: CurrentPerson,
    state: web::Data<AppState>,
    page: PageContext,
    req: HttpRequest,
    multipart: Multipart,
) -> Result<HttpResponse, AppError> {
    let sent = upload::read(multipart).await?;
    csrf::verify(&req, &sent.field("csrf_token"))?;
    let typed = RaiseInput {
        about: sent.field("about"),
        about_person: sent.field("about_person"),
        about_account: sent.field("about_account"),
        about_detail: sent.field("about_detail"),
        implicates_chair: sent.field("implicates_chair") == "yes",
        happened_on: sent.field("happened_on"),
        what_happened: sent.field("what_happened"),
    };
    let today = format::local_date(state.clock.now(), state.settings.time_zone);
    let parsed = NewConcern::parse(&typed, today);
    let mut errors = match &parsed {
        Ok(_) => FormErrors::new(),
        Err(errors) => errors.clone(),
    };
    if !sent.file_errors.is_empty() {
        errors.add("evidence", sent.file_errors.join(". "));
    }
    let new = match parsed {
        Ok(new) if errors.is_empty() => new,
        _ => return form_page(&state, page, typed, sent.chose_files, errors).await,
    };
    let ctx = state.ctx();
    let files = sent.files;
    let raiser = me.clone();
    let concern = state
        .db
        .run(move |conn| service::raise(conn, &ctx, &raiser, new, files))
        .await?;
    let reviewer = concern.reviewer;
    if reviewer != Reviewer::Lado
        && !state
            .db
            .run(move |conn| service::has_reviewer(conn, reviewer))
            .await?
    {
        FlashMessage::warning(format!(
            "Concern {} is recorded, but nobody holds the role of {} in Custodian at the \
             moment, so nobody has been told. Raise it directly with {}.",
            concern.reference(),
            reviewer.label(),
            state.settings.lado_contact
        ))
        .send();
        return Ok(see_other(&urls::concern(concern.id)));
    }
    let message = match concern.reviewer {
        Reviewer::Lado => format!(
            "Concern {} is recorded. It involves both the headteacher and the chair of \
             governors: refer it directly to the LADO, as below.",
            concern.reference()
        ),
        reviewer => format!(
            "Concern {} has been raised with {}. You have been emailed a receipt.",
            concern.reference(),
            reviewer.label()
        ),
    };
    FlashMessage::success(message).send();
    Ok(see_other(&urls::concern(concern.id)))
}
