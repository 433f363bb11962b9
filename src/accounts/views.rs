//! The official accounts pages.

use askama::Template;

use crate::accounts::domain::Account;
use crate::error::FormErrors;
use crate::web::form::Choice;
use crate::web::layout::{PageContext, Tag};
use crate::web::urls;

/// What a page's form about one account names: the account's handle,
/// where the form posts, and the account's page to go back to.
pub struct ActionOnAccount {
    pub handle: String,
    pub action: String,
    pub back: String,
}

impl ActionOnAccount {
    /// The form at `path` under the account's page ("close", "review").
    pub fn new(account: &Account, path: &str) -> Self {
        Self {
            handle: account.handle.clone(),
            action: urls::account_page(account.id, path),
            back: urls::account(account.id),
        }
    }
}

/// An account as a row of the register.
pub struct AccountRowView {
    pub href: String,
    pub platform: &'static str,
    pub handle: String,
    pub profile_url: String,
    pub purpose: String,
    pub status: Tag,
    /// Warnings shown against it ("Password change due").
    pub flags: Vec<Tag>,
    pub custodians: String,
    pub last_password_change: String,
    pub last_reviewed: String,
    /// For the signed-in person: their own access, if any.
    pub my_access: Option<String>,
}

#[derive(Template)]
#[template(path = "accounts/list.html")]
pub struct AccountsListPage {
    pub page: PageContext,
    pub accounts: Vec<AccountRowView>,
    /// SLT and the head see everything and may act.
    pub manages: bool,
    pub new_href: &'static str,
    pub existing_href: &'static str,
    pub export_href: &'static str,
}

pub struct CustodianView {
    pub name: String,
    pub role: String,
    /// False when they left or stopped being SLT: the account is flagged.
    pub valid: bool,
    pub since: String,
    pub remove_url: String,
}

pub struct GrantRowView {
    pub href: String,
    pub grantee: String,
    pub granted_by: String,
    pub granted_at: String,
    pub aim: &'static str,
    pub purpose: String,
    pub ends_on: String,
    pub status: Tag,
    pub confirmed: String,
    pub account: String,
}

pub struct HistoryEntry {
    pub when: String,
    pub who: String,
    pub what: String,
}

#[derive(Template)]
#[template(path = "accounts/show.html")]
pub struct AccountShowPage {
    pub page: PageContext,
    pub account: AccountRowView,
    pub opened: String,
    pub entered: String,
    pub closed: Option<String>,
    pub manages: bool,
    pub is_open: bool,
    pub custodians: Vec<CustodianView>,
    pub custodian_choices: Vec<Choice>,
    pub add_custodian_url: String,
    pub grants: Vec<GrantRowView>,
    pub history: Vec<HistoryEntry>,
    pub grant_url: String,
    pub close_url: String,
    pub password_url: String,
    pub review_url: String,
    pub history_csv_url: String,
    /// The moderation log's latest entries, for those who may read it.
    pub moderation: Option<crate::moderation::views::ModerationSection>,
}

#[derive(Template)]
#[template(path = "accounts/form.html")]
pub struct AccountFormPage {
    pub page: PageContext,
    /// True for "record an existing account".
    pub existing: bool,
    pub action: &'static str,
    pub platforms: Vec<Choice>,
    pub openers: Vec<Choice>,
    pub handle: String,
    pub profile_url: String,
    pub purpose: String,
    pub opened_on: String,
    pub errors: FormErrors,
}

#[derive(Template)]
#[template(path = "accounts/grant_new.html")]
pub struct GrantNewPage {
    pub page: PageContext,
    pub account: ActionOnAccount,
    pub grantees: Vec<Choice>,
    pub aims: Vec<Choice>,
    pub purpose: String,
    pub ends_on: String,
    pub errors: FormErrors,
}

#[derive(Template)]
#[template(path = "accounts/grant_show.html")]
pub struct GrantShowPage {
    pub page: PageContext,
    pub grant: GrantRowView,
    pub account_href: String,
    pub email_sent: String,
    pub message_id: String,
    pub ended: Option<String>,
    pub guidelines: Vec<&'static str>,
    /// The grantee, live and unconfirmed: they may confirm here.
    pub confirm_url: Option<String>,
    /// SLT and the head, live grant: they may revoke here.
    pub revoke_url: Option<String>,
    pub reason: String,
    pub errors: FormErrors,
}

/// A one-field form on its own page: closing an account (a reason) or
/// recording a password change (a date and a note).
#[derive(Template)]
#[template(path = "accounts/close.html")]
pub struct AccountClosePage {
    pub page: PageContext,
    pub account: ActionOnAccount,
    pub live_grants: usize,
    pub reason: String,
    pub errors: FormErrors,
}

#[derive(Template)]
#[template(path = "accounts/password_changed.html")]
pub struct PasswordChangedPage {
    pub page: PageContext,
    pub account: ActionOnAccount,
    pub changed_on: String,
    pub note: String,
    pub errors: FormErrors,
}

pub struct ReviewItem {
    pub grant_id: String,
    pub grantee: String,
    pub granted: String,
    pub aim: &'static str,
    pub purpose: String,
    pub ends_on: String,
    /// "keep", "revoke" or "" (not yet chosen).
    pub decision: String,
}

#[derive(Template)]
#[template(path = "accounts/review.html")]
pub struct AccessReviewPage {
    pub page: PageContext,
    pub account: ActionOnAccount,
    pub items: Vec<ReviewItem>,
    pub notes: String,
    pub errors: FormErrors,
}
