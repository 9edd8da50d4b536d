//! `cargo bench --bench perf`: all six of topicscope's performance benchmarks
//! in one run, each beside its peer, printed as Markdown (and written to
//! `target/perf-report.md`). `PERF_ONLY=ingest,frames,memory,broker,startup,decoding`
//! picks some; `PERF_SCALE=0.1` shrinks every load for a quick look;
//! `PERF_SCENARIO="1 → 10"` keeps the broker scenarios whose name holds it.
#![allow(clippy::print_stdout, clippy::print_stderr, missing_docs)]

#[allow(dead_code)]
#[path = "mod.rs"]
mod perf;

use std::time::Duration;

use perf::{decoding, frames, ingest, memory, report, startup, throughput};
use rumqttc::QoS;

fn main() {
    if memory::child_main() {
        return;
    }
    let only = std::env::var("PERF_ONLY").unwrap_or_default();
    let wanted = |name: &str| only.is_empty() || only.split(',').any(|item| item.trim() == name);
    let scale: f64 = std::env::var("PERF_SCALE").ok().and_then(|value| value.parse().ok()).unwrap_or(1.0);
    let scaled = |count: usize| ((count as f64 * scale) as usize).max(1000);
    let mut out = String::from("## topicscope performance run\n\n");
    out.push_str(&machine());
    let mut section = |name: &str, result: Result<String, String>| {
        let text = result.unwrap_or_else(|error| format!("### {name}\n\nDid not run: {error}\n"));
        println!("{text}");
        out.push_str(&text);
        out.push('\n');
    };
    if wanted("ingest") {
        let settings = ingest::IngestSettings {
            messages: scaled(200_000),
            qos: vec![QoS::AtMostOnce, QoS::AtLeastOnce],
            mqttjs: true,
        };
        section("1. Ingest", ingest::run(&settings).map(|(broker, rows)| report::ingest(&broker, &rows)));
    }
    if wanted("frames") {
        let settings = frames::FrameSettings {
            stored: scaled(1_000_000),
            topics: scaled(100_000),
            frames: 600,
            live_rate: 50_000,
            live_seconds: 10.0 * scale.min(1.0),
        };
        section("2. UI frame time", frames::run(settings).map(|rows| report::frames(&rows)));
    }
    if wanted("memory") {
        let settings = memory::MemorySettings {
            messages: scaled(1_000_000),
            cap_bytes: ((64 << 20) as f64 * scale.min(1.0)) as usize,
            cap_multiple: 3,
        };
        let child = || {
            let mut command = std::process::Command::new(std::env::current_exe().unwrap_or_default());
            command.arg("--bench");
            command
        };
        section(
            "3. Memory",
            memory::run(settings, child).map(|(per_message, capped)| report::memory(&per_message, &capped)),
        );
    }
    if wanted("broker") {
        let settings = throughput::ThroughputSettings { messages: scaled(200_000), fan_out_messages: scaled(50_000) };
        section("4. Broker throughput", throughput::run(settings).map(|rows| report::throughput(&rows)));
    }
    if wanted("startup") {
        let settings = startup::StartupSettings { starts: 5, idle: Duration::from_secs(10) };
        section("5. Start-up", startup::run(&startup::topicscope_binary(), settings).map(|row| report::startup(&row)));
    }
    if wanted("decoding") {
        let settings = decoding::DecodeSettings { messages: scaled(200_000) };
        section("6. Payload decoding", decoding::run(settings).map(|rows| report::decoding(&rows)));
    }
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/perf-report.md");
    match std::fs::write(&path, &out) {
        Ok(()) => println!("(written to {})", path.display()),
        Err(error) => eprintln!("cannot write {}: {error}", path.display()),
    }
}

/// What the run was measured on.
fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|line| line.strip_prefix("model name"))
                .map(|name| name.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|info| info.lines().next().map(|line| line.split_whitespace().nth(1).unwrap_or("0").to_owned()))
        .and_then(|kib| kib.parse::<u64>().ok())
        .map_or_else(String::new, |kib| format!(", {:.0} GiB RAM", kib as f64 / 1024.0 / 1024.0));
    format!("Machine: {cpu}, {cores} cores{memory}.\n\n")
}
