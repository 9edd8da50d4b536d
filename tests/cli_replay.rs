//! `topicscope replay`: a recording sent to mosquitto arrives at
//! mosquitto_sub (an independent client) in the same order, with the same
//! bytes and the same relative timing within the stated tolerance (80 ms on
//! a busy 2-core machine), also twice as fast and under a topic prefix.
#![cfg(unix)]
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail the test on error

#[path = "../core/tests/common/mod.rs"]
mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Gaps between the recorded messages, in ms.
const OFFSETS_MS: [u64; 5] = [0, 100, 300, 600, 1000];
/// How far a replayed gap may differ from the recorded one.
const TOLERANCE_MS: f64 = 80.0;

fn recording() -> String {
    let start = chrono::DateTime::parse_from_rfc3339("2026-12-04T10:00:00.000Z").unwrap();
    OFFSETS_MS
        .iter()
        .enumerate()
        .map(|(index, offset)| {
            let time = (start + chrono::Duration::milliseconds(*offset as i64)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            if index == 2 {
                // Binary, as the export writes it.
                format!(r#"{{"time":"{time}","direction":"in","topic":"line/bin","qos":1,"retain":false,"size":3,"payload_encoding":"base64","payload":"AP8B"}}"#)
            } else {
                format!(r#"{{"time":"{time}","direction":"in","topic":"line/{index}","qos":0,"retain":false,"size":1,"payload_encoding":"utf-8","payload":"m{index}"}}"#)
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// mosquitto_sub printing arrival time, topic and hex payload; returns
/// the lines once `count` arrived.
fn replay_and_receive(port: u16, prefix: &str, extra: &[&str]) -> Vec<(f64, String, String)> {
    let mut sub = Command::new("stdbuf")
        .args(["-oL", "mosquitto_sub", "-h", "127.0.0.1", "-p", &port.to_string(), "-d", "-t", &format!("{prefix}#")])
        .args(["-F", "MSG %U %t %x", "-C", &OFFSETS_MS.len().to_string(), "-W", "30"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("mosquitto_sub");
    let mut lines = BufReader::new(sub.stdout.take().unwrap()).lines();
    let deadline = Instant::now() + Duration::from_secs(15);
    for line in lines.by_ref() {
        if line.unwrap().contains("SUBACK") {
            break;
        }
        assert!(Instant::now() < deadline, "no SUBACK");
    }
    let file = std::env::temp_dir().join(format!("topicscope-replay-{}-{}.jsonl", std::process::id(), prefix.len()));
    std::fs::write(&file, recording()).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_topicscope"))
        .args(["replay", &file.display().to_string(), "-h", "127.0.0.1", "-p", &port.to_string()])
        .args(extra)
        .output()
        .expect("topicscope replay");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("replayed 5 messages in "), "{stderr}");
    let received: Vec<(f64, String, String)> = lines
        .map_while(Result::ok)
        .filter_map(|line| {
            let rest = line.strip_prefix("MSG ")?;
            let mut parts = rest.splitn(3, ' ');
            Some((parts.next()?.parse().ok()?, parts.next()?.to_owned(), parts.next().unwrap_or_default().to_owned()))
        })
        .collect();
    let _ = sub.wait();
    let _ = std::fs::remove_file(&file);
    received
}

fn gaps(received: &[(f64, String, String)]) -> Vec<f64> {
    received.iter().map(|(at, _, _)| (at - received[0].0) * 1000.0).collect()
}

#[test]
fn a_replay_keeps_order_bytes_and_timing() {
    let broker = common::Mosquitto::start();
    let received = replay_and_receive(broker.port, "", &[]);
    let topics: Vec<&str> = received.iter().map(|(_, topic, _)| topic.as_str()).collect();
    assert_eq!(topics, ["line/0", "line/1", "line/bin", "line/3", "line/4"]);
    assert_eq!(received[2].2, "00ff01", "the binary payload, byte for byte");
    assert_eq!(received[0].2, "6d30", "m0");
    for (got, want) in gaps(&received).iter().zip(OFFSETS_MS) {
        assert!(
            (got - want as f64).abs() <= TOLERANCE_MS,
            "arrived at {got:.1} ms, recorded at {want} ms: {:?}",
            gaps(&received)
        );
    }
    // Twice as fast, under a prefix.
    let received = replay_and_receive(broker.port, "replay/", &["--speed", "2", "--topic-prefix", "replay/"]);
    assert_eq!(received[0].1, "replay/line/0");
    for (got, want) in gaps(&received).iter().zip(OFFSETS_MS) {
        let want = want as f64 / 2.0;
        assert!((got - want).abs() <= TOLERANCE_MS, "arrived at {got:.1} ms, due at {want} ms: {:?}", gaps(&received));
    }
}

#[test]
fn bad_recordings_and_settings_are_usage_errors() {
    let file = std::env::temp_dir().join(format!("topicscope-replay-bad-{}.jsonl", std::process::id()));
    std::fs::write(&file, "{\"time\": \"yesterday\", \"topic\": \"a\", \"payload\": \"x\"}\n").unwrap();
    let output =
        Command::new(env!("CARGO_BIN_EXE_topicscope")).args(["replay", &file.display().to_string()]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&format!("{}:1: \"time\" \"yesterday\": ", file.display())), "{stderr}");
    let output = Command::new(env!("CARGO_BIN_EXE_topicscope"))
        .args(["replay", &file.display().to_string(), "--speed", "0"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--speed: expected 0.01 to 1000, not 0"));
    let _ = std::fs::remove_file(&file);
}
