//! Raising a concern: the form, with its evidence files.

use actix_multipart::Multipart;
use actix_web::{HttpRequest, HttpResponse};
use actix_web_flash_messages::FlashMessage;

use crate::auth::csrf;
use crate::concerns::domain::{About, RaiseInput, Reviewer, MAX_EVIDENCE_FILES};
use crate::concerns::service;
use crate::concerns::upload;
use crate::concerns::views::*;
use crate::error::{AppError, FormErrors};
use crate::people::views::person_choices;
use crate::web::form::Choice;
use crate::web::outcome::Refusal;
use crate::web::signed::Signed;
use crate::web::{form_status, render_with, see_other, urls};

async fn form_page(
    me: Signed,
    typed: RaiseInput,
    files_to_choose_again: bool,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let (people, accounts) = me.read(|conn, _, _| service::read_raise_form(conn)).await?;
    let open_accounts = accounts.iter().filter(|a| a.closed_at.is_none());
    render_with(
        form_status(&errors),
        ConcernFormPage {
            action: urls::CONCERNS,
            back: urls::CONCERNS,
            abouts: Choice::options(About::ALL, &typed.about),
            people: person_choices(&people, &typed.about_person),
            accounts: Choice::from_pairs(
                open_accounts.map(|a| (a.id.to_string(), service::account_name(a))),
                &typed.about_account,
            ),
            typed,
            max_file_size: "10 MB",
            max_files: MAX_EVIDENCE_FILES,
            files_to_choose_again,
            errors,
            page: me.page,
        },
    )
}

pub async fn new_get(me: Signed) -> Result<HttpResponse, AppError> {
    form_page(me, RaiseInput::default(), false, FormErrors::new()).await
}

pub async fn new_post(
    me: Signed,
    req: HttpRequest,
    multipart: Multipart,
) -> Result<HttpResponse, AppError> {
    let sent = upload::read(multipart).await?;
    csrf::verify(&req, &sent.field("csrf_token"))?;
    let (typed, parsed) = sent.parse(me.today());
    let files = sent.files;
    let raised = me.write(move |tx| service::raise(tx, parsed, files)).await;
    let service::Raised {
        concern,
        nobody_told,
    } = match raised.refusal()? {
        Ok(raised) => raised,
        Err(errors) => return form_page(me, typed, sent.chose_files, errors).await,
    };
    let reference = concern.reference();
    let lado_contact = &me.state.settings.lado_contact;
    if nobody_told {
        FlashMessage::warning(format!(
            "Concern {reference} is recorded, but nobody holds the role of {} in Custodian at \
             the moment, so nobody has been told. Raise it directly with {lado_contact}.",
            concern.reviewer.label(),
        ))
        .send();
    } else {
        FlashMessage::success(match concern.reviewer {
            Reviewer::Lado => format!(
                "Concern {reference} is recorded. It involves both the headteacher and the chair \
                 of governors: refer it directly to the LADO, as below."
            ),
            reviewer => format!(
                "Concern {reference} has been raised with {}. You have been emailed a receipt.",
                reviewer.label()
            ),
        })
        .send();
    }
    Ok(see_other(&urls::concern(concern.id)))
}
