//! Requests a second that a page sustains under load, and the server's CPU
//! time per request. With `wrk` on the PATH (Debian's `wrk`), `wrk -t2 -c64
//! -d10s`; otherwise an in-process generator with the same shape: 64
//! keep-alive connections for 10 seconds, on its own two threads, whose CPU
//! time is left out of the server's. `CUSTODIAN_BENCH_NO_WRK=1` chooses
//! the in-process generator even when `wrk` is installed.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;

pub const CONNECTIONS: usize = 64;
pub const DURATION: Duration = Duration::from_secs(10);
const GENERATOR_THREAD: &str = "loadgen";

/// What one run sustained.
pub struct Load {
    pub requests: u64,
    /// Answers other than 200, and failed connections.
    pub errors: u64,
    pub elapsed: Duration,
    /// CPU time the process spent serving (the generator's left out).
    pub server_cpu: Duration,
    pub tool: &'static str,
}

impl Load {
    pub fn per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }

    pub fn cpu_per_request(&self) -> Duration {
        self.server_cpu / self.requests.max(1) as u32
    }

    pub fn describe(&self) -> String {
        format!(
            "{:>8.0} requests/s, server CPU {:.3} ms a request, {} errors ({})",
            self.per_second(),
            self.cpu_per_request().as_secs_f64() * 1000.0,
            self.errors,
            self.tool,
        )
    }
}

/// Loads `url` (sending `cookie`, if any) for `DURATION`.
pub fn run(url: &str, cookie: Option<&str>) -> Load {
    match wrk() {
        Some(wrk) => run_wrk(&wrk, url, cookie),
        None => run_in_process(url, cookie),
    }
}

fn wrk() -> Option<PathBuf> {
    if std::env::var_os("CUSTODIAN_BENCH_NO_WRK").is_some() {
        return None;
    }
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|dir| PathBuf::from(dir).join("wrk"))
        .find(|p| p.is_file())
}

fn run_wrk(wrk: &PathBuf, url: &str, cookie: Option<&str>) -> Load {
    let cpu_before = process_cpu();
    let mut command = std::process::Command::new(wrk);
    command.args([
        "-t2",
        &format!("-c{CONNECTIONS}"),
        &format!("-d{}s", DURATION.as_secs()),
    ]);
    if let Some(cookie) = cookie {
        command.args(["-H", &format!("Cookie: {cookie}")]);
    }
    let started = Instant::now();
    let output = command.arg(url).output().expect("wrk runs");
    let elapsed = started.elapsed();
    let server_cpu = process_cpu().saturating_sub(cpu_before);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "wrk failed: {text}");
    // "  123456 requests in 10.00s, 1.23GB read"
    let requests = text
        .lines()
        .find(|l| l.contains(" requests in "))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no request count in wrk's output: {text}"));
    let field = |label: &str| -> u64 {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(label))
            .map(|rest| {
                rest.split(|c: char| !c.is_ascii_digit())
                    .filter(|n| !n.is_empty())
                    .filter_map(|n| n.parse::<u64>().ok())
                    .sum()
            })
            .unwrap_or(0)
    };
    let errors = field("Non-2xx or 3xx responses:") + field("Socket errors:");
    let elapsed_wrk = text
        .lines()
        .find(|l| l.contains(" requests in "))
        .and_then(|l| l.split(" requests in ").nth(1))
        .and_then(|l| l.split('s').next())
        .and_then(|s| s.parse::<f64>().ok())
        .map(Duration::from_secs_f64)
        .unwrap_or(elapsed);
    Load {
        requests,
        errors,
        elapsed: elapsed_wrk,
        server_cpu,
        tool: "wrk -t2 -c64 -d10s",
    }
}

fn run_in_process(url: &str, cookie: Option<&str>) -> Load {
    let target: hyper::Uri = url.parse().expect("a URL");
    let cookie = cookie.map(str::to_owned);
    let generator = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name(GENERATOR_THREAD)
            .enable_all()
            .build()
            .expect("the generator's runtime");
        let cpu_before = process_cpu();
        let generator_before = threads_cpu(GENERATOR_THREAD);
        let started = Instant::now();
        let deadline = started + DURATION;
        let (requests, errors) = runtime.block_on(async move {
            let tasks: Vec<_> = (0..CONNECTIONS)
                .map(|_| tokio::spawn(connection(target.clone(), cookie.clone(), deadline)))
                .collect();
            let mut total = (0, 0);
            for task in tasks {
                let (requests, errors) = task.await.expect("a connection's task");
                total.0 += requests;
                total.1 += errors;
            }
            total
        });
        let elapsed = started.elapsed();
        let generator_cpu = threads_cpu(GENERATOR_THREAD).saturating_sub(generator_before);
        let server_cpu = process_cpu()
            .saturating_sub(cpu_before)
            .saturating_sub(generator_cpu);
        Load {
            requests,
            errors,
            elapsed,
            server_cpu,
            tool: "in-process, 64 keep-alive connections, 10 s",
        }
    });
    generator.join().expect("the generator")
}

/// One keep-alive connection sending requests one after another until the
/// deadline; (answers, errors).
async fn connection(target: hyper::Uri, cookie: Option<String>, deadline: Instant) -> (u64, u64) {
    let authority = target.authority().expect("host and port").clone();
    let path = target
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/")
        .to_owned();
    let (mut requests, mut errors) = (0, 0);
    while Instant::now() < deadline {
        let Ok(stream) = tokio::net::TcpStream::connect(authority.as_str()).await else {
            errors += 1;
            continue;
        };
        let _ = stream.set_nodelay(true);
        let Ok((mut sender, conn)) =
            hyper::client::conn::http1::handshake(TokioIo::new(stream)).await
        else {
            errors += 1;
            continue;
        };
        tokio::spawn(conn);
        while Instant::now() < deadline {
            let mut request = hyper::Request::get(path.as_str()).header("host", authority.as_str());
            if let Some(cookie) = &cookie {
                request = request.header("cookie", cookie.as_str());
            }
            let request = request.body(Empty::<Bytes>::new()).expect("a request");
            let Ok(response) = sender.send_request(request).await else {
                errors += 1;
                break;
            };
            let ok = response.status() == hyper::StatusCode::OK;
            match response.into_body().collect().await {
                Ok(_) if ok => requests += 1,
                Ok(_) => {
                    requests += 1;
                    errors += 1;
                }
                Err(_) => {
                    errors += 1;
                    break;
                }
            }
        }
    }
    (requests, errors)
}

/// Clock ticks a second in /proc's CPU times (USER_HZ, 100 on Linux).
const TICKS: u64 = 100;

fn cpu_of_stat(stat: &str) -> Duration {
    // Fields after the command name, which is in parentheses and may hold
    // spaces: state is the first, utime the 12th, stime the 13th.
    let after = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    Duration::from_millis((ticks(11) + ticks(12)) * 1000 / TICKS)
}

/// CPU time of this whole process so far, its ended threads included.
pub fn process_cpu() -> Duration {
    cpu_of_stat(&std::fs::read_to_string("/proc/self/stat").unwrap_or_default())
}

/// CPU time of this process's living threads named `name`.
fn threads_cpu(name: &str) -> Duration {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return Duration::ZERO;
    };
    tasks
        .flatten()
        .filter(|task| {
            std::fs::read_to_string(task.path().join("comm"))
                .is_ok_and(|comm| comm.trim_end() == name)
        })
        .map(|task| {
            cpu_of_stat(&std::fs::read_to_string(task.path().join("stat")).unwrap_or_default())
        })
        .sum()
}
