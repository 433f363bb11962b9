//! Scheduled work: one list of named jobs, run one after another every
//! `job_interval`, each in its own trip to the pool, each logging what it
//! did and failing on its own, so that one job's failure never skips the
//! others. `startup` makes the list from the registers' jobs; this module
//! knows none of them.
//!
//! Every job runs at every tick and decides inside itself what is due (the
//! weekly digest, a reminder after two weeks): a missed tick, a restart or a
//! second instance then changes nothing, and a test can run the whole list
//! once, at the time its clock says, with `run_once`.

use std::time::Duration;

use tokio::sync::watch;

use crate::db::{Db, DbConnection};
use crate::error::AppError;
use crate::state::Ctx;

/// One piece of scheduled work. It must be safe to run at any time, as often
/// as asked, on several instances at once.
#[derive(Clone, Copy)]
pub struct Job {
    /// Names the job in the logs: `<register>.<what it does>`.
    pub name: &'static str,
    /// Does what is due now; returns how many things it did (grants ended,
    /// people asked, sessions removed), for the log.
    pub run: fn(&mut DbConnection, &Ctx) -> Result<usize, AppError>,
}

/// What one run of a job came to.
#[derive(Debug)]
pub struct Outcome {
    pub job: &'static str,
    pub result: Result<usize, AppError>,
}

/// Runs every job once, in order, and logs each outcome. A job that fails
/// (or panics) is logged and the next one runs all the same.
pub async fn run_once(db: &Db, ctx: &Ctx, jobs: &[Job]) -> Vec<Outcome> {
    let mut outcomes = Vec::with_capacity(jobs.len());
    for job in jobs {
        let (run, ctx) = (job.run, ctx.clone());
        let result = db.run(move |conn| run(conn, &ctx)).await;
        match &result {
            Ok(0) => tracing::debug!(job = job.name, "scheduled job: nothing due"),
            Ok(done) => tracing::info!(job = job.name, done, "scheduled job"),
            Err(error) => tracing::warn!(job = job.name, error = ?error, "scheduled job failed"),
        }
        outcomes.push(Outcome {
            job: job.name,
            result,
        });
    }
    outcomes
}

/// Runs the jobs every `every` until `stopped` turns true; the first run is
/// at once.
pub async fn run_until_stopped(
    db: Db,
    ctx: Ctx,
    jobs: Vec<Job>,
    every: Duration,
    mut stopped: watch::Receiver<bool>,
) {
    loop {
        run_once(&db, &ctx, &jobs).await;
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stopped.wait_for(|stop| *stop) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Arc;

    use super::*;
    use crate::clock::ManualClock;
    use crate::config::Settings;
    use crate::db::DatabaseUrl;
    use crate::state::Hooks;

    fn two(_: &mut DbConnection, _: &Ctx) -> Result<usize, AppError> {
        Ok(2)
    }

    fn fails(_: &mut DbConnection, _: &Ctx) -> Result<usize, AppError> {
        Err(AppError::internal(anyhow::anyhow!(
            "the mail table is gone"
        )))
    }

    fn panics(_: &mut DbConnection, _: &Ctx) -> Result<usize, AppError> {
        panic!("a bug in a job")
    }

    fn nothing(_: &mut DbConnection, _: &Ctx) -> Result<usize, AppError> {
        Ok(0)
    }

    #[tokio::test]
    async fn a_job_that_fails_or_panics_does_not_stop_the_ones_after_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = Db::open(&DatabaseUrl::Sqlite(dir.path().join("jobs.db")), 2).expect("db");
        let ctx = Ctx {
            settings: Arc::new(Settings::from_vars(&HashMap::new()).expect("settings")),
            clock: Arc::new(ManualClock::new(time::OffsetDateTime::UNIX_EPOCH)),
            // No register here: these jobs touch no one's access.
            hooks: Hooks {
                end_grants: |_, _, _, _, _, _| Ok(0),
                end_custody: |_, _, _, _, _| Ok(0),
                held_access: |_, _| Ok(Vec::new()),
            },
            caches: Arc::default(),
        };
        let jobs = [
            Job {
                name: "fails",
                run: fails,
            },
            Job {
                name: "two",
                run: two,
            },
            Job {
                name: "panics",
                run: panics,
            },
            Job {
                name: "nothing",
                run: nothing,
            },
        ];
        let outcomes = run_once(&db, &ctx, &jobs).await;
        let seen: Vec<(&str, Option<usize>)> = outcomes
            .iter()
            .map(|o| (o.job, o.result.as_ref().ok().copied()))
            .collect();
        assert_eq!(
            seen,
            [
                ("fails", None),
                ("two", Some(2)),
                ("panics", None),
                ("nothing", Some(0))
            ]
        );
    }
}
