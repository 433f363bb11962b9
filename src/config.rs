//! Settings, read once at start-up from `CUSTODIAN_*` variables into typed
//! values. A bad value stops start-up with one line that names it.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use lettre::message::Mailbox;
use time_tz::Tz;
use url::Url;

use crate::auth::password::HashParams;
use crate::db::DatabaseUrl;

/// `MM-DD` for `CUSTODIAN_RECONFIRM_FROM`'s default, 1 September.
/// How long a form's body may take to arrive, from the end of its headers.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(30);

pub const DEFAULT_RECONFIRM_FROM: (time::Month, u8) = (time::Month::September, 1);

/// Everything the app needs to know about where and how it runs.
#[derive(Clone)]
pub struct Settings {
    pub data_dir: PathBuf,
    pub database_url: DatabaseUrl,
    pub bind: SocketAddr,
    pub base_url: Url,
    /// False when the base URL was made from the bind address, so that it
    /// follows the port actually bound (port 0 picks a free one).
    pub base_url_explicit: bool,
    /// Unset: mail is held in the outbox.
    pub smtp_url: Option<String>,
    pub mail_from: Mailbox,
    pub school_name: String,
    pub time_zone: &'static Tz,
    /// Not configurable by environment; tests make hashing cheap.
    pub password_hashing: HashParams,
    /// How often the sender looks for due mail when not woken.
    pub sender_poll: Duration,
    /// How often scheduled work (grants ending on their date) runs.
    pub job_interval: Duration,
    /// How long a request body may take to arrive, whatever its pace
    /// (headers have actix's own timeout); tests shorten it.
    pub body_timeout: Duration,
    /// The day each school year's reconfirmation of declarations starts.
    pub reconfirm_from: (time::Month, u8),
    /// Whether scheduled work sends the yearly reconfirmation requests
    /// (tests that are not about it turn it off).
    pub send_reconfirmations: bool,
    /// Whether scheduled work sends the weekly audit digest (tests that
    /// are not about it turn it off).
    pub send_digests: bool,
    pub db_pool_size: u32,
    /// Who to call about an allegation against an adult: the local
    /// authority's designated officer, shown when a concern implicates both
    /// the head and the chair.
    pub lado_contact: String,
    /// Working days the reviewer has to refer an allegation to the LADO.
    pub lado_referral_working_days: u8,
}

/// A setting that could not be used; its text is the one line printed.
#[derive(Debug, thiserror::Error)]
#[error("{variable}: {problem}")]
pub struct SettingError {
    pub variable: String,
    pub problem: String,
}

fn problem(variable: &str, problem: impl Into<String>) -> SettingError {
    SettingError {
        variable: format!("CUSTODIAN_{variable}"),
        problem: problem.into(),
    }
}

impl Settings {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, SettingError> {
        let vars = figment::providers::Env::prefixed("CUSTODIAN_")
            .iter()
            .map(|(key, value)| (key.as_str().to_ascii_uppercase(), value))
            .collect();
        Self::from_vars(&vars)
    }

    /// Parses the variables (names without the `CUSTODIAN_` prefix).
    pub fn from_vars(vars: &HashMap<String, String>) -> Result<Self, SettingError> {
        let get = |name: &str| vars.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());

        let data_dir = PathBuf::from(get("DATA_DIR").unwrap_or("./data"));
        let database_url = match get("DATABASE_URL") {
            Some(raw) => DatabaseUrl::parse(raw).map_err(|e| problem("DATABASE_URL", e))?,
            None => DatabaseUrl::Sqlite(data_dir.join("custodian.db")),
        };
        let bind: SocketAddr = get("BIND")
            .unwrap_or("127.0.0.1:8080")
            .parse()
            .map_err(|_| problem("BIND", "must be an address and port, like 127.0.0.1:8080"))?;
        let base_url = match get("BASE_URL") {
            Some(raw) => {
                let url = Url::parse(raw)
                    .map_err(|e| problem("BASE_URL", format!("is not a URL ({e})")))?;
                if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
                    return Err(problem(
                        "BASE_URL",
                        "must be an http:// or https:// address",
                    ));
                }
                url
            }
            None => Url::parse(&format!("http://{bind}"))
                .map_err(|e| problem("BIND", format!("cannot make a base URL from it ({e})")))?,
        };
        let smtp_url = match get("SMTP_URL") {
            Some(raw) => {
                lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(raw)
                    .map(|_| ())
                    .map_err(|e| problem("SMTP_URL", e.to_string()))?;
                Some(raw.to_owned())
            }
            None => None,
        };
        let mail_from: Mailbox = get("MAIL_FROM")
            .unwrap_or("Custodian <custodian@localhost>")
            .parse()
            .map_err(|_| {
                problem(
                    "MAIL_FROM",
                    "must be an email address, like Custodian <custodian@school.example>",
                )
            })?;
        let reconfirm_from = match get("RECONFIRM_FROM") {
            Some(raw) => crate::clock::parse_month_day(raw)
                .ok_or_else(|| problem("RECONFIRM_FROM", "must be a month and day like 09-01"))?,
            None => DEFAULT_RECONFIRM_FROM,
        };
        let lado_contact = get("LADO_CONTACT")
            .unwrap_or(
                "your local authority's designated officer (LADO), through the local \
                 authority's safeguarding front door",
            )
            .to_owned();
        let lado_referral_working_days = match get("LADO_REFERRAL_WORKING_DAYS") {
            Some(raw) => raw
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|d| (1..=10).contains(d))
                .ok_or_else(|| {
                    problem(
                        "LADO_REFERRAL_WORKING_DAYS",
                        "must be a whole number of working days from 1 to 10",
                    )
                })?,
            None => 1,
        };
        let school_name = get("SCHOOL_NAME").unwrap_or("Our School").to_owned();
        let zone_name = get("TIME_ZONE").unwrap_or("Europe/London");
        let time_zone = time_tz::timezones::get_by_name(zone_name).ok_or_else(|| {
            problem(
                "TIME_ZONE",
                format!("'{zone_name}' is not a time zone name, like Europe/London"),
            )
        })?;

        Ok(Self {
            data_dir,
            database_url,
            bind,
            base_url_explicit: get("BASE_URL").is_some(),
            base_url,
            smtp_url,
            mail_from,
            school_name,
            time_zone,
            password_hashing: HashParams::owasp(),
            sender_poll: Duration::from_secs(5),
            job_interval: Duration::from_secs(60),
            body_timeout: BODY_TIMEOUT,
            reconfirm_from,
            send_reconfirmations: true,
            send_digests: true,
            db_pool_size: 16,
            lado_contact,
            lado_referral_working_days,
        })
    }

    /// An absolute link to a path of the app, for emails and printed links.
    pub fn link(&self, path: &str) -> String {
        let mut base = self.base_url.as_str().trim_end_matches('/').to_owned();
        base.push_str(path);
        base
    }

    pub fn served_over_https(&self) -> bool {
        self.base_url.scheme() == "https"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn defaults_serve_sqlite_in_the_data_folder() {
        let s = Settings::from_vars(&vars(&[])).unwrap();
        assert_eq!(
            s.database_url,
            DatabaseUrl::Sqlite(PathBuf::from("./data/custodian.db"))
        );
        assert_eq!(s.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(s.base_url.as_str(), "http://127.0.0.1:8080/");
        assert_eq!(time_tz::TimeZone::name(s.time_zone), "Europe/London");
        assert!(s.smtp_url.is_none());
    }

    #[test]
    fn a_bad_value_is_named_in_one_line() {
        let cases = [
            ("BIND", "localhost", "CUSTODIAN_BIND: "),
            ("TIME_ZONE", "Mars/Olympus", "CUSTODIAN_TIME_ZONE: "),
            ("BASE_URL", "ftp://x", "CUSTODIAN_BASE_URL: "),
            ("SMTP_URL", "carrier-pigeon://x", "CUSTODIAN_SMTP_URL: "),
            ("MAIL_FROM", "not an address", "CUSTODIAN_MAIL_FROM: "),
            ("DATABASE_URL", "mysql://x", "CUSTODIAN_DATABASE_URL: "),
            (
                "LADO_REFERRAL_WORKING_DAYS",
                "tomorrow",
                "CUSTODIAN_LADO_REFERRAL_WORKING_DAYS: ",
            ),
        ];
        for (name, value, start) in cases {
            let error = Settings::from_vars(&vars(&[(name, value)]))
                .err()
                .unwrap()
                .to_string();
            assert!(error.starts_with(start), "{error}");
            assert!(!error.contains('\n'), "{error}");
        }
    }

    #[test]
    fn postgres_urls_select_postgres() {
        let s = Settings::from_vars(&vars(&[("DATABASE_URL", "postgres://u@h/db")])).unwrap();
        assert!(s.database_url.is_postgres());
    }
}
