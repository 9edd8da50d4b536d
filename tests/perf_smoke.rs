//! Every benchmark of `cargo bench --bench perf`, run at a tiny size so its
//! code cannot rot. These check that each benchmark measures what it says
//! (all messages arrive, the cap evicts, the window reports its first
//! frame); they assert no timings — figures come from the bench itself.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::print_stdout, missing_docs)]

#[allow(dead_code)]
#[path = "../benches/perf/mod.rs"]
mod perf;

use std::time::Duration;

use perf::{brokers, decoding, frames, ingest, memory, report, startup, throughput};
use rumqttc::QoS;

#[test]
fn ingest_benchmark_stores_every_message_and_times_the_peers() {
    let settings =
        ingest::IngestSettings { messages: 2_000, qos: vec![QoS::AtMostOnce, QoS::AtLeastOnce], mqttjs: false };
    let (broker, rows) = ingest::run(&settings).expect("ingest ran");
    let topicscope: Vec<_> = rows.iter().filter(|row| row.subscriber.starts_with("topicscope")).collect();
    assert_eq!(topicscope.len(), 4, "per QoS: recording packets and not: {rows:?}");
    assert_eq!(topicscope.iter().filter(|row| row.subscriber.contains("packet recording off")).count(), 2, "{rows:?}");
    for row in &topicscope {
        assert_eq!(row.received, row.expected, "topicscope stored everything at QoS {}", row.qos);
        assert!(row.rate().is_some());
    }
    assert!(rows.iter().any(|row| row.subscriber == "mosquitto_sub" && row.rate().is_some()), "{rows:?}");
    assert!(report::ingest(&broker, &rows).contains("| 1 | mosquitto_sub |"));
}

#[test]
fn frame_benchmark_runs_every_scenario_on_the_real_ui() {
    let settings =
        frames::FrameSettings { stored: 20_000, topics: 2_000, frames: 20, live_rate: 4_000, live_seconds: 0.5 };
    let rows = frames::run(settings).expect("frames ran");
    let scenarios: Vec<&str> = rows.iter().map(|row| row.scenario.as_str()).collect();
    // The embedded broker; mosquitto with the log and with the Packets page on screen.
    // …and mosquitto with Sparkplug B and protobuf payloads decoded in the log.
    let live_brokers = if brokers::installed("mosquitto") { 5 } else { 1 };
    assert_eq!(rows.len(), 5 + live_brokers, "{scenarios:?}");
    assert!(rows.iter().all(|row| !row.times.is_empty()));
    let live = &rows[5..];
    assert!(live[0].scenario.contains("via the embedded broker"), "{scenarios:?}");
    if live_brokers == 5 {
        assert!(live[1].scenario.contains("via mosquitto"), "{scenarios:?}");
        assert!(live[2].scenario.contains("the Packets page open"), "{scenarios:?}");
        assert!(live[3].scenario.contains("Sparkplug B NDATA decoded"), "{scenarios:?}");
        assert!(live[4].scenario.contains("protobuf (profile schemas) decoded"), "{scenarios:?}");
    }
    for row in live {
        assert!(row.scenario.contains("(2000 of 2000 in)"), "every live message reached the log: {}", row.scenario);
    }
    assert!(report::frames(&rows).contains("p99"));
}

/// Entry point of the memory benchmark's child process (run by the test below).
#[test]
#[ignore = "the memory benchmark starts this as its child process"]
fn memory_child_process() {
    assert!(memory::child_main(), "{} is not set", memory::CHILD_ENV);
}

#[test]
fn memory_benchmark_measures_in_a_child_and_the_cap_evicts() {
    let settings = memory::MemorySettings { messages: 5_000, cap_bytes: 1 << 20, cap_multiple: 3 };
    let child = || {
        let mut command = std::process::Command::new(std::env::current_exe().expect("test binary"));
        command.args(["--ignored", "--exact", "memory_child_process", "--nocapture"]);
        command
    };
    let (whole, capped) = memory::run(settings, child).expect("memory ran");
    assert_eq!((whole.published, whole.stored, whole.evicted), (5_000, 5_000, 0), "{whole:?}");
    assert!(whole.rss_after > 0 && whole.charged > 0, "{whole:?}");
    assert_eq!(capped.stored as u64 + capped.evicted, capped.published as u64, "{capped:?}");
    assert!(capped.evicted > 0 && capped.charged <= capped.cap, "{capped:?}");
    assert!(report::memory(&whole, &capped).contains("× raw"));
}

#[test]
fn broker_benchmark_delivers_everything_on_both_brokers() {
    let rows = throughput::run(throughput::ThroughputSettings { messages: 2_000, fan_out_messages: 300 }).expect("ran");
    assert_eq!(rows.len(), 8, "4 scenarios × (embedded, mosquitto): {rows:?}");
    for row in &rows {
        assert_eq!(row.delivered, row.expected, "{} on {}", row.scenario, row.broker.name());
    }
    assert!(report::throughput(&rows).contains("1 → 10, QoS 0"));
}

#[test]
fn startup_benchmark_sees_the_first_frame_of_the_real_window() {
    let settings = startup::StartupSettings { starts: 1, idle: Duration::from_secs(1) };
    let row = startup::run(&startup::topicscope_binary(), settings).expect("the window started under X");
    assert_eq!(row.first_frame.len(), 1);
    assert!(row.binary_bytes > 0 && row.idle_cpu_share >= 0.0);
    assert!(report::startup(&row).contains("First frame on screen"));
}

#[test]
fn decoding_benchmark_times_ours_and_pythons_when_it_is_installed() {
    let rows = decoding::run(decoding::DecodeSettings { messages: 200 }).expect("decoding ran");
    assert!(rows.len() >= 3, "{rows:?}");
    assert!(rows.iter().all(|row| row.per_message > Duration::ZERO), "{rows:?}");
    assert!(report::decoding(&rows).contains("| protobuf demo.Telemetry, 198 bytes | topicscope: field tree |"));
}
