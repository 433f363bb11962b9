//! The oversight pages: a person's own page and the governors' report.

use askama::Template;

use super::report::Section;
use crate::error::FormErrors;
use crate::web::form::Choice;
use crate::web::layout::PageContext;

#[derive(Template)]
#[template(path = "oversight/me.html")]
pub struct MePage {
    pub page: PageContext,
    pub name: String,
    pub email: String,
    pub role: &'static str,
    /// For the head and the chair: whether the weekly digest is on.
    pub digest: Option<bool>,
    pub digest_action: &'static str,
    pub password_href: &'static str,
}

#[derive(Template)]
#[template(path = "oversight/report.html")]
pub struct ReportPage {
    pub page: PageContext,
    /// "Autumn term 2026" or "1 Oct 2026 to 31 Oct 2026".
    pub title: String,
    pub period: String,
    pub generated: String,
    pub terms: Vec<Choice>,
    pub from: String,
    pub until: String,
    pub sections: Vec<Section>,
    pub csv_href: String,
    pub for_chair: bool,
    pub errors: FormErrors,
}
