//! What every page shares: the signed-in person, navigation, flash
//! messages, the CSRF token and the request id, carried to `base.html`.

use std::future::Future;
use std::pin::Pin;

use actix_web::{dev::Payload, FromRequest, HttpMessage, HttpRequest};
use actix_web_flash_messages::{IncomingFlashMessages, Level};
use tracing_actix_web::RequestId;

use crate::auth::csrf;
use crate::auth::current::CurrentPerson;
use crate::error::AppError;
use crate::people::domain::Role;
use crate::state::AppState;
use crate::web::urls;

/// The layout's view of the signed-in person.
#[derive(Clone, Debug)]
pub struct SignedIn {
    pub name: String,
    pub role: Role,
}

pub struct Flash {
    pub class: &'static str,
    pub text: String,
}

/// A coloured label on a page ("Open", "Password change due"): its words
/// and its `tag--…` colour class.
pub struct Tag {
    pub text: &'static str,
    pub class: &'static str,
}

impl Tag {
    pub fn new(text: &'static str, class: &'static str) -> Self {
        Self { text, class }
    }
}

pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

pub struct PageContext {
    pub school_name: String,
    pub person: Option<SignedIn>,
    pub flash: Vec<Flash>,
    pub csrf_token: String,
    pub request_id: String,
    pub path: String,
}

impl PageContext {
    /// Links for what this person's role may use, and nothing else.
    pub fn nav(&self) -> Vec<NavItem> {
        let Some(person) = &self.person else {
            return Vec::new();
        };
        let mut items = vec![(urls::HOME, "Home"), (urls::ACCOUNTS, "Official accounts")];
        if person.role != Role::Chair {
            items.push((urls::DECLARATIONS, "Declarations"));
        } else {
            items.push((urls::DECLARATIONS_REVIEW, "Declarations"));
        }
        items.push((urls::POLICY, "Policy"));
        items.push((urls::CONCERNS, "Concerns"));
        if person.role.manages_people() {
            items.push((urls::PEOPLE, "People"));
        }
        if person.role.reads_audit() {
            items.push((urls::AUDIT, "Audit log"));
        }
        if person.role == Role::Headteacher {
            items.push((urls::EMAILS, "Emails"));
        }
        if person.role != Role::Staff {
            items.push((urls::REPORTS_GOVERNORS, "Governors' report"));
        }
        items.push((urls::ME, "Your details"));
        items
            .into_iter()
            .map(|(href, label)| NavItem {
                href,
                label,
                current: if href == urls::HOME {
                    self.path == href
                } else {
                    self.path.starts_with(href)
                },
            })
            .collect()
    }

    pub async fn build(req: &HttpRequest) -> Result<Self, AppError> {
        let state = req
            .app_data::<actix_web::web::Data<AppState>>()
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("no app state")))?
            .clone();
        let person = CurrentPerson::optional(req).await?.map(|me| SignedIn {
            name: me.name.clone(),
            role: me.role,
        });
        let flash = IncomingFlashMessages::extract(req)
            .await
            .map(|incoming| {
                incoming
                    .iter()
                    .map(|m| Flash {
                        class: match m.level() {
                            Level::Success => "flash--success",
                            Level::Error | Level::Warning => "flash--error",
                            _ => "flash--info",
                        },
                        text: m.content().to_owned(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let csrf_token = csrf::token(req)?;
        let request_id = req
            .extensions()
            .get::<RequestId>()
            .map(|id| id.to_string())
            .unwrap_or_default();
        Ok(Self {
            school_name: state.settings.school_name.clone(),
            person,
            flash,
            csrf_token,
            request_id,
            path: req.path().to_owned(),
        })
    }
}

impl FromRequest for PageContext {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { Self::build(&req).await })
    }
}
