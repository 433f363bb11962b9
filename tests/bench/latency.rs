//! Single-user times: one signed-in browser opening a page again and
//! again, sequentially; the median and the 95th percentile.

use std::time::{Duration, Instant};

const WARM_UP: usize = 5;
pub const REQUESTS: usize = 100;

/// (median, p95) of `REQUESTS` sequential GETs of `url` with `client`.
pub async fn time(client: &reqwest::Client, url: &str) -> (Duration, Duration) {
    for _ in 0..WARM_UP {
        let response = client.get(url).send().await.expect("GET");
        let status = response.status();
        let _ = response.bytes().await;
        assert!(status.is_success(), "{url}: {status}");
    }
    let mut times = Vec::with_capacity(REQUESTS);
    for _ in 0..REQUESTS {
        let start = Instant::now();
        let response = client.get(url).send().await.expect("GET");
        let _ = response.bytes().await.expect("body");
        times.push(start.elapsed());
    }
    times.sort();
    (times[times.len() / 2], times[times.len() * 95 / 100])
}

pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}
