//! Benchmark 3, memory: resident memory per stored message against the raw
//! topic + payload bytes, and the log's memory cap under a load several
//! times its size. Each measurement runs in a fresh child process (the
//! caller says how to start one) that receives the load through topicscope's
//! engine from a broker on 127.0.0.1, so the figure is what the app holds.

use std::process::Command;
use std::time::{Duration, Instant};

use rumqttc::QoS;
use topicscope::core::mqtt::Qos;
use topicscope::core::store::StoreLimits;
use topicscope::ui::app::EVENT_BUDGET;

use super::brokers::{BrokerKind, RunningBroker, installed};
use super::loadgen::{Load, connected_app, spawn_load};

/// Environment variable that turns a process into a measuring child.
pub const CHILD_ENV: &str = "TOPICSCOPE_PERF_MEMORY_CHILD";

/// One child's measurement.
#[derive(Debug, Clone, Copy, Default)]
pub struct MemoryRow {
    /// Messages published.
    pub published: usize,
    /// Messages held by the log at the end.
    pub stored: usize,
    /// Messages the log evicted to stay under its caps.
    pub evicted: u64,
    /// Raw topic + payload bytes per message.
    pub raw_per_message: f64,
    /// Resident memory after connecting, before the load (bytes).
    pub rss_before: u64,
    /// Resident memory once everything was received (bytes).
    pub rss_after: u64,
    /// Bytes the store charges against its cap.
    pub charged: u64,
    /// The byte cap in force.
    pub cap: u64,
}

impl MemoryRow {
    /// Resident bytes per stored message.
    pub fn rss_per_message(&self) -> f64 {
        self.rss_after.saturating_sub(self.rss_before) as f64 / self.stored.max(1) as f64
    }
}

/// What to measure.
#[derive(Debug, Clone, Copy)]
pub struct MemorySettings {
    /// Messages of the standard load (64-byte payloads, 1,000 topics) kept whole.
    pub messages: usize,
    /// The cap for the second run, in bytes.
    pub cap_bytes: usize,
    /// How many times the cap the second run publishes (1 KiB payloads).
    pub cap_multiple: usize,
}

/// Both measurements; `child` starts a fresh process of this program that
/// will call [`child_main`] (the runner re-executes itself).
pub fn run(settings: MemorySettings, child: impl Fn() -> Command) -> Result<(MemoryRow, MemoryRow), String> {
    let kind = if installed("mosquitto") { BrokerKind::Mosquitto } else { BrokerKind::Embedded };
    let broker = RunningBroker::start(kind)?;
    let whole = Load::standard(settings.messages, QoS::AtMostOnce);
    let per_message = run_child(&child, broker.port, &whole, StoreLimits::default())?;
    let big = Load {
        messages: (settings.cap_bytes * settings.cap_multiple).div_ceil(1024),
        payload_bytes: 1024,
        ..Load::standard(0, QoS::AtMostOnce)
    };
    let limits = StoreLimits { max_bytes: settings.cap_bytes, ..StoreLimits::default() };
    let capped = run_child(&child, broker.port, &big, limits)?;
    Ok((per_message, capped))
}

fn run_child(child: &impl Fn() -> Command, port: u16, load: &Load, limits: StoreLimits) -> Result<MemoryRow, String> {
    let output = child()
        .env(
            CHILD_ENV,
            format!("{port} {} {} {} {}", load.messages, load.payload_bytes, limits.max_messages, limits.max_bytes),
        )
        .output()
        .map_err(|error| format!("memory child: {error}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().find_map(|line| line.strip_prefix("memory-result ")).ok_or_else(|| {
        format!("memory child printed no result ({}): {}", output.status, String::from_utf8_lossy(&output.stderr))
    })?;
    let numbers: Vec<u64> = line.split_whitespace().filter_map(|word| word.parse().ok()).collect();
    let [published, stored, evicted, rss_before, rss_after, charged, cap] = numbers[..] else {
        return Err(format!("memory child printed '{line}'"));
    };
    Ok(MemoryRow {
        published: published as usize,
        stored: stored as usize,
        evicted,
        raw_per_message: load.raw_bytes_per_message(),
        rss_before,
        rss_after,
        charged,
        cap,
    })
}

/// The child's side: when [`CHILD_ENV`] is set, measure, print one
/// `memory-result …` line and return true.
pub fn child_main() -> bool {
    let Ok(spec) = std::env::var(CHILD_ENV) else {
        return false;
    };
    let result = (|| -> Result<String, String> {
        let numbers: Vec<usize> = spec.split_whitespace().filter_map(|word| word.parse().ok()).collect();
        let [port, messages, payload_bytes, max_messages, max_bytes] = numbers[..] else {
            return Err(format!("bad {CHILD_ENV}: {spec}"));
        };
        let port = u16::try_from(port).map_err(|error| error.to_string())?;
        let load = Load { messages, payload_bytes, ..Load::standard(messages, QoS::AtMostOnce) };
        let limits = StoreLimits { max_messages, max_bytes };
        let mut app = connected_app(port, &load.filter(), Qos::AtMostOnce, limits)?;
        let rss_before = resident_bytes()?;
        let generator = spawn_load(port, &load)?;
        let mut moved_at = Instant::now();
        let mut last = 0;
        loop {
            app.drain_events(EVENT_BUDGET);
            let received = app.workspace.store.counters().received as usize;
            if received != last {
                last = received;
                moved_at = Instant::now();
            }
            if received >= messages || moved_at.elapsed() > Duration::from_secs(3) {
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        let published = generator.join().map_err(|_| "load generator panicked".to_owned())??;
        let rss_after = resident_bytes()?;
        let store = &app.workspace.store;
        Ok(format!(
            "memory-result {} {} {} {rss_before} {rss_after} {} {max_bytes}",
            published.count,
            store.len(),
            store.counters().evicted,
            store.bytes()
        ))
    })();
    match result {
        Ok(line) => println!("{line}"),
        Err(error) => eprintln!("memory child: {error}"),
    }
    true
}

/// This process's resident set size (Linux).
pub fn resident_bytes() -> Result<u64, String> {
    let status = std::fs::read_to_string("/proc/self/status").map_err(|error| format!("/proc/self/status: {error}"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map(|kib| kib * 1024)
        .ok_or_else(|| "no VmRSS in /proc/self/status".to_owned())
}
