//! Passwords: the rules for a new one, and argon2id hashing off the async
//! workers.

use std::sync::Arc;

use argon2::password_hash::{rand_core::OsRng, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Params, PasswordHasher as _, PasswordVerifier, Version};
use tokio::sync::Semaphore;

use crate::error::AppError;

/// argon2id cost. Production uses OWASP's recommendation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HashParams {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl HashParams {
    /// OWASP Password Storage Cheat Sheet: m = 19 MiB, t = 2, p = 1.
    pub fn owasp() -> Self {
        Self {
            memory_kib: 19 * 1024,
            iterations: 2,
            parallelism: 1,
        }
    }

    /// For tests only, where thousands of hashes would otherwise take minutes.
    pub fn cheap_for_tests() -> Self {
        Self {
            memory_kib: 64,
            iterations: 1,
            parallelism: 1,
        }
    }

    fn argon2(&self) -> Argon2<'static> {
        let params = Params::new(self.memory_kib, self.iterations, self.parallelism, None)
            .expect("argon2 parameters are constants within range");
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
    }
}

/// How many hashes may run at once. SECURITY: each takes 19 MiB and a core;
/// a sign-in storm queues here instead of eating the memory or the workers.
const CONCURRENT_HASHES: usize = 2;

/// Hashes and verifies on the blocking pool, a few at a time.
#[derive(Clone)]
pub struct Hasher {
    params: HashParams,
    permits: Arc<Semaphore>,
    /// A hash of nothing anyone knows, verified when the email is unknown so
    /// that an unknown email costs the same time as a wrong password.
    dummy: Arc<str>,
}

impl Hasher {
    pub fn new(params: HashParams) -> Self {
        let dummy = hash_now(&params, "an unknown person has no password").into();
        Self {
            params,
            permits: Arc::new(Semaphore::new(CONCURRENT_HASHES)),
            dummy,
        }
    }

    pub async fn hash(&self, password: NewPassword) -> Result<String, AppError> {
        let params = self.params;
        self.limited(move || hash_now(&params, &password.0)).await
    }

    /// True when `password` matches `stored`; with no stored hash, spends the
    /// same effort and answers false.
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool, AppError> {
        let params = self.params;
        let (stored, known) = match stored {
            Some(stored) => (stored, true),
            None => (self.dummy.to_string(), false),
        };
        self.limited(move || {
            let matches = PasswordHash::new(&stored)
                .map(|parsed| {
                    params
                        .argon2()
                        .verify_password(password.as_bytes(), &parsed)
                        .is_ok()
                })
                .unwrap_or(false);
            matches && known
        })
        .await
    }

    async fn limited<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(AppError::internal)?;
        let result = tokio::task::spawn_blocking(move || {
            let value = work();
            drop(permit);
            value
        })
        .await
        .map_err(AppError::internal)?;
        Ok(result)
    }

    /// Hashes synchronously, for the command line.
    pub fn hash_blocking(&self, password: &NewPassword) -> String {
        hash_now(&self.params, &password.0)
    }
}

fn hash_now(params: &HashParams, password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    params
        .argon2()
        .hash_password(password.as_bytes(), &salt)
        .expect("hashing with valid parameters cannot fail")
        .to_string()
}

pub const MIN_PASSWORD_CHARS: usize = 12;
const MAX_PASSWORD_CHARS: usize = 512;

/// A password that meets the rules: at least 12 characters (any Unicode, no
/// composition rules: long passphrases are the point) and not a common one.
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let chars = raw.chars().count();
        if chars < MIN_PASSWORD_CHARS {
            return Err(format!(
                "Use at least {MIN_PASSWORD_CHARS} characters. A few ordinary words \
                 make a strong, memorable password."
            ));
        }
        if chars > MAX_PASSWORD_CHARS {
            return Err(format!("Use at most {MAX_PASSWORD_CHARS} characters."));
        }
        if crate::web::form::has_control(raw, crate::web::form::TextKind::Line) {
            return Err(crate::web::form::CONTROL_MESSAGE.into());
        }
        if is_common(raw) {
            return Err(
                "This is one of the most commonly used passwords. Choose one that others \
                 would not guess."
                    .into(),
            );
        }
        Ok(Self(raw.to_owned()))
    }
}

impl std::fmt::Debug for NewPassword {
    // SECURITY: a password never reaches a log, even through {:?}.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(..)")
    }
}

fn is_common(raw: &str) -> bool {
    let lowered = raw.to_lowercase();
    let mut chars = lowered.chars();
    let first = chars.next();
    if chars.all(|c| Some(c) == first) {
        return true;
    }
    include_str!("common_passwords.txt")
        .lines()
        .any(|common| common == lowered)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn production_hashes_are_argon2id_at_owasp_parameters() {
        let hasher = Hasher::new(HashParams::owasp());
        let hash = hasher.hash_blocking(&NewPassword::parse("a long passphrase here").unwrap());
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
    }

    #[test]
    fn short_and_common_passwords_are_refused() {
        assert!(NewPassword::parse("short").is_err());
        assert!(NewPassword::parse("elevenchars").is_err());
        assert!(NewPassword::parse("Password1234").is_err());
        assert!(NewPassword::parse("zzzzzzzzzzzzzzzz").is_err());
        assert!(NewPassword::parse("twelve chars").is_ok());
    }

    #[test]
    fn any_unicode_and_long_passphrases_are_accepted() {
        assert!(NewPassword::parse("ffordd glan môr yn yr haf").is_ok());
        assert!(NewPassword::parse("日本語のパスワードです十二").is_ok());
        assert!(NewPassword::parse(&"correct horse ".repeat(20)).is_ok());
    }

    #[tokio::test]
    async fn verify_accepts_the_right_password_only() {
        let hasher = Hasher::new(HashParams::cheap_for_tests());
        let hash = hasher
            .hash(NewPassword::parse("the right passphrase").unwrap())
            .await
            .unwrap();
        assert!(hasher
            .verify("the right passphrase".into(), Some(hash.clone()))
            .await
            .unwrap());
        assert!(!hasher
            .verify("the wrong passphrase".into(), Some(hash))
            .await
            .unwrap());
        assert!(!hasher.verify("anything".into(), None).await.unwrap());
    }
}
