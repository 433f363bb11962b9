//! The accessibility statement. (The home page is the dashboard's:
//! `oversight::handlers::home_get`.)

use actix_web::HttpResponse;
use askama::Template;

use crate::error::AppError;
use crate::web::layout::PageContext;
use crate::web::render;

#[derive(Template)]
#[template(path = "accessibility.html")]
pub struct AccessibilityPage {
    pub page: PageContext,
    pub school_name: String,
}

pub async fn accessibility_get(page: PageContext) -> Result<HttpResponse, AppError> {
    let school_name = page.school_name.clone();
    render(AccessibilityPage { page, school_name })
}
