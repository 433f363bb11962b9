//! Passwords: the rules for a new one, and argon2id hashing off the async
//! workers, in memory that is bounded by design.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use argon2::password_hash::rand_core::{OsRng, RngCore as _};
use argon2::password_hash::{Output, ParamsString, PasswordHash, Salt, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use subtle::ConstantTimeEq as _;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

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

    fn argon2_params(&self) -> Params {
        Params::new(self.memory_kib, self.iterations, self.parallelism, None)
            .expect("argon2 parameters are constants within range")
    }
}

/// How many hashes may run at once. SECURITY: each takes 19 MiB and a core;
/// a sign-in storm queues here instead of eating the memory or the workers.
const CONCURRENT_HASHES: usize = 2;

/// Hashes and verifies on the blocking pool, a few at a time, each in one
/// of at most `CONCURRENT_HASHES` reused memory blocks.
#[derive(Clone)]
pub struct Hasher {
    params: HashParams,
    memory: Arc<Memory>,
    /// A hash of nothing anyone knows, verified when the email is unknown so
    /// that an unknown email costs the same time as a wrong password.
    dummy: Arc<str>,
}

impl Hasher {
    pub fn new(params: HashParams) -> Self {
        let block_count = params.argon2_params().block_count();
        let dummy = hash_now(
            &params,
            "an unknown person has no password",
            &mut fresh_blocks(block_count),
        )
        .into();
        Self {
            params,
            memory: Arc::new(Memory {
                permits: Arc::new(Semaphore::new(CONCURRENT_HASHES)),
                idle: Mutex::new(Vec::with_capacity(CONCURRENT_HASHES)),
                demand: AtomicUsize::new(0),
                block_count,
            }),
            dummy,
        }
    }

    pub async fn hash(&self, password: NewPassword) -> Result<String, AppError> {
        let params = self.params;
        self.limited(move |memory| hash_now(&params, &password.0, memory))
            .await
    }

    /// True when `password` matches `stored`; with no stored hash, spends the
    /// same effort and answers false.
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool, AppError> {
        let (stored, known) = match stored {
            Some(stored) => (stored, true),
            None => (self.dummy.to_string(), false),
        };
        self.limited(move |memory| verify_now(&password, &stored, memory) && known)
            .await
    }

    async fn limited<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut [Block]) -> T + Send + 'static,
    ) -> Result<T, AppError> {
        // Counted from before the queue, so that blocks are kept while
        // anyone waits, and a request abandoned in the queue uncounts itself.
        let demand = Demand::new(self.memory.clone());
        let permit = self
            .memory
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(AppError::internal)?;
        let mut lease = Lease {
            blocks: None,
            _permit: permit,
            demand,
        };
        tokio::task::spawn_blocking(move || work(lease.blocks()))
            .await
            .map_err(AppError::internal)
    }

    /// Hashes synchronously, for the command line, in a block of its own.
    pub fn hash_blocking(&self, password: &NewPassword) -> String {
        hash_now(
            &self.params,
            &password.0,
            &mut fresh_blocks(self.memory.block_count),
        )
    }
}

/// argon2's working memory. SECURITY: a block exists only while it is
/// leased with a permit or kept idle for the next one, so there are never
/// more than `CONCURRENT_HASHES`, however long the queue. Kept while hashes
/// are asked for (a storm reuses two blocks instead of asking the allocator
/// for 19 MiB each time); given back when the last one is done.
struct Memory {
    permits: Arc<Semaphore>,
    idle: Mutex<Vec<Vec<Block>>>,
    /// Hashes queued or running.
    demand: AtomicUsize,
    block_count: usize,
}

impl Memory {
    fn idle(&self) -> std::sync::MutexGuard<'_, Vec<Vec<Block>>> {
        // A panic while holding the lock leaves a valid list of blocks.
        self.idle.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

struct Demand(Arc<Memory>);

impl Demand {
    fn new(memory: Arc<Memory>) -> Self {
        memory.demand.fetch_add(1, Ordering::AcqRel);
        Self(memory)
    }
}

impl Drop for Demand {
    fn drop(&mut self) {
        if self.0.demand.fetch_sub(1, Ordering::AcqRel) == 1 {
            // Freed outside the lock: unmapping 19 MiB takes a moment.
            let idle = std::mem::take(&mut *self.0.idle());
            drop(idle);
        }
    }
}

/// A permit and, once asked for, a block. Returning the block comes before
/// the permit's release, so the next holder finds it.
struct Lease {
    blocks: Option<Vec<Block>>,
    _permit: OwnedSemaphorePermit,
    demand: Demand,
}

impl Lease {
    /// Taken on the blocking thread: a fresh block is 19 MiB to fill.
    fn blocks(&mut self) -> &mut [Block] {
        let memory = &self.demand.0;
        self.blocks.get_or_insert_with(|| {
            let reused = memory.idle().pop();
            reused.unwrap_or_else(|| fresh_blocks(memory.block_count))
        })
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        if let Some(blocks) = self.blocks.take() {
            self.demand.0.idle().push(blocks);
        }
    }
}

/// A little over 32 MiB of address space, of which only the blocks argon2
/// uses become memory. Why: glibc gives a freed allocation back to the
/// system only when it had a mapping of its own, which is certain only
/// above 32 MiB (the ceiling of its sliding mmap threshold). A freed 19 MiB
/// block raises that threshold, the next one comes from a thread's arena and
/// stays there when freed, one per arena: with this pool but a plain `Vec`,
/// the storm bench (tests/bench/storm.rs) still left 84 MiB behind, not 28.
const ALWAYS_MAPPED_BLOCKS: usize = (32 << 20) / Block::SIZE + 1;

fn fresh_blocks(count: usize) -> Vec<Block> {
    let mut blocks = Vec::with_capacity(count.max(ALWAYS_MAPPED_BLOCKS));
    blocks.resize(count, Block::new());
    blocks
}

fn hash_now(params: &HashParams, password: &str, memory: &mut [Block]) -> String {
    let mut salt = [0u8; Salt::RECOMMENDED_LENGTH];
    OsRng.fill_bytes(&mut salt);
    hash_with_salt(params, password, &salt, memory)
}

/// The PHC string the argon2 crate's own `hash_password` makes, computed in
/// the given memory.
fn hash_with_salt(
    params: &HashParams,
    password: &str,
    salt: &[u8],
    memory: &mut [Block],
) -> String {
    let argon2_params = params.argon2_params();
    let mut output = [0u8; Params::DEFAULT_OUTPUT_LEN];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, argon2_params.clone())
        .hash_password_into_with_memory(password.as_bytes(), salt, &mut output, memory)
        .expect("hashing with valid parameters cannot fail");
    let salt = SaltString::encode_b64(salt).expect("a salt of the recommended length");
    PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&argon2_params).expect("parameters within range"),
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&output).expect("argon2's default output length")),
    }
    .to_string()
}

/// Whether `password` matches `stored`, recomputed with the stored hash's
/// own algorithm, parameters and salt (hashes made at another cost still
/// verify), in `memory` when it is large enough, else in a block of its own.
fn verify_now(password: &str, stored: &str, memory: &mut [Block]) -> bool {
    matches(password, stored, memory).unwrap_or(false)
}

fn matches(password: &str, stored: &str, memory: &mut [Block]) -> Option<bool> {
    let stored = PasswordHash::new(stored).ok()?;
    let expected = stored.hash?;
    let mut salt = [0u8; Salt::MAX_LENGTH];
    let salt = stored.salt?.decode_b64(&mut salt).ok()?;
    let algorithm = Algorithm::try_from(stored.algorithm).ok()?;
    let version = match stored.version {
        Some(version) => Version::try_from(version).ok()?,
        None => Version::default(),
    };
    let params = Params::try_from(&stored).ok()?;
    let needed = params.block_count();
    let argon2 = Argon2::new(algorithm, version, params);
    let mut computed = [0u8; Output::MAX_LENGTH];
    let computed = computed.get_mut(..expected.len())?;
    let hashed = match memory.get_mut(..needed) {
        Some(memory) => {
            argon2.hash_password_into_with_memory(password.as_bytes(), salt, computed, memory)
        }
        None => argon2.hash_password_into_with_memory(
            password.as_bytes(),
            salt,
            computed,
            fresh_blocks(needed),
        ),
    };
    hashed.ok()?;
    // SECURITY: constant time, so the answer's timing says nothing of how
    // much of the hash matched.
    Some(computed.ct_eq(expected.as_bytes()).into())
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
        // An unknown email costs what a wrong password costs.
        assert!(hasher.dummy.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
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

    fn crates_own(params: Params) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
    }

    #[test]
    fn the_same_salt_makes_the_same_string_as_the_crates_own_hashing() {
        use argon2::PasswordHasher as _;
        let params = HashParams::cheap_for_tests();
        let salt = [7u8; Salt::RECOMMENDED_LENGTH];
        let ours = hash_with_salt(
            &params,
            "the right passphrase",
            &salt,
            &mut fresh_blocks(64),
        );
        let theirs = crates_own(params.argon2_params())
            .hash_password(
                b"the right passphrase",
                &SaltString::encode_b64(&salt).unwrap(),
            )
            .unwrap()
            .to_string();
        assert_eq!(ours, theirs);
    }

    #[tokio::test]
    async fn hashes_made_here_verify_through_the_crate() {
        use argon2::PasswordVerifier as _;
        let hasher = Hasher::new(HashParams::cheap_for_tests());
        let hash = hasher
            .hash(NewPassword::parse("the right passphrase").unwrap())
            .await
            .unwrap();
        let parsed = PasswordHash::new(&hash).unwrap();
        assert!(Argon2::default()
            .verify_password(b"the right passphrase", &parsed)
            .is_ok());
        assert!(Argon2::default()
            .verify_password(b"the wrong passphrase", &parsed)
            .is_err());
    }

    #[tokio::test]
    async fn hashes_made_by_the_crate_verify_here_at_any_cost() {
        use argon2::PasswordHasher as _;
        let hasher = Hasher::new(HashParams::cheap_for_tests());
        // Cheaper than the pooled block, the same, and dearer (an older or
        // a future cost): each is recomputed with its own parameters.
        for (m, t) in [(32, 1), (64, 1), (256, 2)] {
            let salt = SaltString::generate(&mut OsRng);
            let stored = crates_own(Params::new(m, t, 1, None).unwrap())
                .hash_password(b"the right passphrase", &salt)
                .unwrap()
                .to_string();
            assert!(
                hasher
                    .verify("the right passphrase".into(), Some(stored.clone()))
                    .await
                    .unwrap(),
                "{stored}"
            );
            assert!(!hasher
                .verify("the wrong passphrase".into(), Some(stored))
                .await
                .unwrap());
        }
        assert!(!hasher
            .verify("anything".into(), Some("not a hash".into()))
            .await
            .unwrap());
    }

    #[tokio::test]
    async fn memory_is_given_back_once_no_hash_is_waiting() {
        let hasher = Hasher::new(HashParams::cheap_for_tests());
        let hash = hasher
            .hash(NewPassword::parse("the right passphrase").unwrap())
            .await
            .unwrap();
        let checks = (0..16).map(|i| {
            let (hasher, hash) = (hasher.clone(), hash.clone());
            tokio::spawn(async move {
                let password = if i % 2 == 0 {
                    "the right passphrase"
                } else {
                    "a wrong one"
                };
                hasher.verify(password.into(), Some(hash)).await.unwrap()
            })
        });
        let answers = futures_util::future::join_all(checks).await;
        let right = answers.into_iter().filter(|a| *a.as_ref().unwrap()).count();
        assert_eq!(right, 8);
        assert!(hasher.memory.idle().is_empty());
        assert_eq!(hasher.memory.demand.load(Ordering::Acquire), 0);
    }
}
