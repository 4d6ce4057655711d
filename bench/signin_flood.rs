//! A flood of sign-ins with unknown addresses against the release binary: the server's peak
//! memory, and how long `/healthz` takes meanwhile.
//!
//! Starts `guichet` (built with the bench profile) on a fresh SQLite database with the demo,
//! with the lock-out thresholds raised out of the way so that every attempt reaches the password
//! check, then sends rounds of 100 concurrent `POST /api/v1/auth/login` with unknown e-mails
//! while another task asks `/healthz` every 10 ms. Samples the server's resident memory every
//! 5 ms from `/proc`.
//!
//! Target (issue 14): peak RSS under 400 MiB and `/healthz` p99 under 300 ms.
//! Run: `cargo bench --bench signin_flood` (see bench/README.md).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    missing_docs,
    reason = "a benchmark fails loudly"
)]

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

const CONCURRENT: usize = 100;
const ROUNDS: usize = 5;

/// The resident set of process `pid`, in KiB.
fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((sorted.len() as f64) * p).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_guichet"))
        .current_dir(dir.path())
        .env_remove("DATABASE_URL")
        .env("GUICHET_LISTEN", "127.0.0.1:0")
        .env("GUICHET_LOG", "warn")
        .env("GUICHET_LOGIN_MAX_FAILURES", "1000000")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let mut url = None;
    for line in stdout.lines().map_while(Result::ok) {
        if let Some(rest) = line.strip_prefix("Guichet listens on ") {
            url = Some(rest.to_owned());
            break;
        }
    }
    let url = url.expect("the server said where it listens");
    // reqwest has TLS without a crypto provider of its own: name the application's (ring).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::new();
    // Warm up: one sign-in, so the pools and the allocator have settled.
    let _ = http
        .post(format!("{url}/api/v1/auth/login"))
        .json(&serde_json::json!({"email": "warm@example.org", "password": "whatever"}))
        .send()
        .await;
    let idle = rss_kib(pid);

    let done = Arc::new(AtomicBool::new(false));
    let peak = Arc::new(AtomicU64::new(idle));
    let sampler = {
        let (done, peak) = (done.clone(), peak.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                peak.fetch_max(rss_kib(pid), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(5));
            }
        })
    };
    let health = {
        let (done, http, url) = (done.clone(), http.clone(), url.clone());
        tokio::spawn(async move {
            let mut latencies = Vec::new();
            while !done.load(Ordering::Relaxed) {
                let started = Instant::now();
                let ok = http
                    .get(format!("{url}/healthz"))
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success());
                assert!(ok, "/healthz failed during the flood");
                latencies.push(started.elapsed());
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            latencies
        })
    };

    let started = Instant::now();
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    let mut slowest = Duration::ZERO;
    for round in 0..ROUNDS {
        let requests: Vec<_> = (0..CONCURRENT)
            .map(|i| {
                let (http, url) = (http.clone(), url.clone());
                tokio::spawn(async move {
                    let started = Instant::now();
                    let status = http
                        .post(format!("{url}/api/v1/auth/login"))
                        .json(&serde_json::json!({
                            "email": format!("nobody{round}-{i}@example.org"),
                            "password": "a plausible password",
                        }))
                        .send()
                        .await
                        .unwrap()
                        .status()
                        .as_u16();
                    (status, started.elapsed())
                })
            })
            .collect();
        for request in requests {
            let (status, took) = request.await.unwrap();
            *statuses.entry(status).or_default() += 1;
            slowest = slowest.max(took);
        }
    }
    let flood_took = started.elapsed();
    done.store(true, Ordering::Relaxed);
    sampler.join().unwrap();
    let mut latencies = health.await.unwrap();
    latencies.sort();
    child.kill().unwrap();
    child.wait().unwrap();

    let peak_mib = peak.load(Ordering::Relaxed) as f64 / 1024.0;
    let p99 = percentile(&latencies, 0.99);
    println!("sign-in flood: {ROUNDS} rounds of {CONCURRENT} concurrent unknown e-mails");
    println!("  answers: {statuses:?} in {flood_took:.2?} (slowest answer {slowest:.2?})");
    println!(
        "  server RSS: {:.0} MiB idle, {peak_mib:.0} MiB peak (target < 400 MiB)",
        idle as f64 / 1024.0
    );
    println!(
        "  /healthz during the flood: {} requests, p50 {:.1?}, p99 {p99:.1?}, max {:.1?} (target p99 < 300 ms)",
        latencies.len(),
        percentile(&latencies, 0.5),
        latencies.last().copied().unwrap_or_default()
    );
    let verdict = peak_mib < 400.0 && p99 < Duration::from_millis(300);
    println!(
        "  {}",
        if verdict {
            "targets met"
        } else {
            "TARGETS MISSED"
        }
    );
}
