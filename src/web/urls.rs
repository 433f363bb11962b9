//! Every path of the app, in one place, so no template spells one by hand.

pub const HOME: &str = "/";
pub const LOGIN: &str = "/login";
pub const LOGOUT: &str = "/logout";
pub const SETUP: &str = "/setup";
pub const INVITATION: &str = "/invitation";
pub const PASSWORD: &str = "/password";
pub const PASSWORD_RESET: &str = "/password/reset";
pub const PASSWORD_RESET_CHOOSE: &str = "/password/reset/choose";
pub const PEOPLE: &str = "/people";
pub const PEOPLE_NEW: &str = "/people/new";
/// The sitting chair of governors hands the role over here.
pub const CHAIR_HANDOVER: &str = "/chair/handover";
pub const CHAIR_HANDOVER_CANCEL: &str = "/chair/handover/cancel";
/// The successor accepts the chair here, from the emailed one-time link.
pub const CHAIR_ACCEPT: &str = "/chair/accept";
pub const AUDIT: &str = "/audit";
pub const AUDIT_EXPORT: &str = "/audit/export.csv";
pub const AUDIT_VERIFY: &str = "/audit/verify";
pub const EMAILS: &str = "/emails";
pub const ACCESSIBILITY: &str = "/accessibility";
pub const STYLESHEET: &str = "/static/app.css";
pub const HEALTHZ: &str = "/healthz";
pub const READYZ: &str = "/readyz";

pub const DECLARATIONS: &str = "/declarations";
pub const DECLARATIONS_NEW: &str = "/declarations/new";
pub const DECLARATIONS_REVIEW: &str = "/declarations/review";
pub const DECLARATIONS_NIL: &str = "/declarations/nil-return";
pub const DECLARATIONS_RECONFIRM: &str = "/declarations/reconfirm";

pub fn declaration(id: impl std::fmt::Display) -> String {
    format!("{DECLARATIONS}/{id}")
}

pub const CONCERNS: &str = "/concerns";
pub const CONCERNS_NEW: &str = "/concerns/new";
pub const CONCERNS_REVIEW: &str = "/concerns/review";

pub fn concern(id: impl std::fmt::Display) -> String {
    format!("{CONCERNS}/{id}")
}

/// A form of a concern's page: `concern_page(id, "notes")`.
pub fn concern_page(id: impl std::fmt::Display, page: &str) -> String {
    format!("{CONCERNS}/{id}/{page}")
}

pub fn concern_evidence(concern: impl std::fmt::Display, file: impl std::fmt::Display) -> String {
    format!("{CONCERNS}/{concern}/evidence/{file}")
}

pub const POLICY: &str = "/policy";
pub const POLICY_NEW: &str = "/policy/new";

/// A published version of the policy, by its number.
pub fn policy_version(number: impl std::fmt::Display) -> String {
    format!("{POLICY}/{number}")
}

pub const ME: &str = "/me";
pub const ME_DIGEST: &str = "/me/digest";
pub const REPORTS_GOVERNORS: &str = "/reports/governors";
pub const REPORTS_GOVERNORS_CSV: &str = "/reports/governors.csv";

pub const ACCOUNTS: &str = "/accounts";
pub const ACCOUNTS_NEW: &str = "/accounts/new";
pub const ACCOUNTS_EXISTING: &str = "/accounts/existing";
pub const ACCOUNTS_EXPORT: &str = "/accounts/export.csv";

pub fn account(id: impl std::fmt::Display) -> String {
    format!("{ACCOUNTS}/{id}")
}

/// A page of an account: `account_page(id, "grants/new")`.
pub fn account_page(id: impl std::fmt::Display, page: &str) -> String {
    format!("{ACCOUNTS}/{id}/{page}")
}

pub fn grant(id: impl std::fmt::Display) -> String {
    format!("/grants/{id}")
}

pub fn person(id: impl std::fmt::Display) -> String {
    format!("{PEOPLE}/{id}")
}

pub fn person_role(id: impl std::fmt::Display) -> String {
    format!("{PEOPLE}/{id}/role")
}

pub fn person_deactivate(id: impl std::fmt::Display) -> String {
    format!("{PEOPLE}/{id}/deactivate")
}

pub fn email(id: impl std::fmt::Display) -> String {
    format!("{EMAILS}/{id}")
}

pub fn email_retry(id: impl std::fmt::Display) -> String {
    format!("{EMAILS}/{id}/retry")
}

/// A link that carries a one-time token.
pub fn with_token(path: &str, token: &str) -> String {
    format!("{path}?token={token}")
}
