//! `topicscope mock`: a mocked device answers mosquitto_pub's request on
//! its state topic after its delay (seen by mosquitto_sub), and a mocked
//! service answers mosquitto_rr's MQTT 5 request on its response topic.
#![cfg(unix)]
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail the test on error

#[path = "../core/tests/common/mod.rs"]
mod common;

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const RULES: &str = r#"(
    name: "thermostat and echo",
    rules: [
        (filter: "dev/+/get", matchers: [JsonExists("/id")], capture: {"id": "/id"},
         respond: (topic: "dev/{{level.1}}/state", payload: "{\"id\": \"{{id}}\", \"on\": true}", delay_ms: 300, qos: 1)),
        (filter: "svc/echo", respond: (reply: true, payload: "echo: {{payload}}")),
    ],
)"#;

/// Waits for a line containing `marker`; fails after 15 s.
fn wait_for(lines: &mut impl Iterator<Item = std::io::Result<String>>, marker: &str) {
    let deadline = Instant::now() + Duration::from_secs(15);
    for line in lines.by_ref() {
        if line.unwrap().contains(marker) {
            return;
        }
        assert!(Instant::now() < deadline, "no '{marker}'");
    }
    panic!("the stream ended before '{marker}'");
}

#[test]
fn a_mocked_device_answers_after_its_delay_and_a_service_replies_to_mosquitto_rr() {
    let broker = common::Mosquitto::start();
    let port = broker.port.to_string();
    let file = std::env::temp_dir().join(format!("topicscope-mock-{}.ron", std::process::id()));
    std::fs::write(&file, RULES).unwrap();
    let mut mock = Command::new(env!("CARGO_BIN_EXE_topicscope"))
        .args(["mock", &file.display().to_string(), "-h", "127.0.0.1", "-p", &port, "-C", "2", "-W", "30"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut mock_stderr = BufReader::new(mock.stderr.take().unwrap()).lines();
    wait_for(&mut mock_stderr, "answering on dev/+/get, svc/echo");

    let mut sub = Command::new("stdbuf")
        .args([
            "-oL",
            "mosquitto_sub",
            "-h",
            "127.0.0.1",
            "-p",
            &port,
            "-d",
            "-t",
            "dev/7/state",
            "-F",
            "MSG %U %p",
            "-C",
            "1",
            "-W",
            "20",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut sub_lines = BufReader::new(sub.stdout.take().unwrap()).lines();
    wait_for(&mut sub_lines, "SUBACK");
    let asked = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs_f64();
    let status = Command::new("mosquitto_pub")
        .args(["-h", "127.0.0.1", "-p", &port, "-t", "dev/7/get", "-m", r#"{"id": "t-1"}"#])
        .status()
        .unwrap();
    assert!(status.success());
    let answer = sub_lines
        .map_while(Result::ok)
        .find_map(|line| line.strip_prefix("MSG ").map(str::to_owned))
        .expect("the answer");
    let _ = sub.wait();
    let (at, payload) = answer.split_once(' ').unwrap();
    assert_eq!(payload, r#"{"id": "t-1", "on": true}"#);
    let after = at.parse::<f64>().unwrap() - asked;
    assert!((0.3..1.3).contains(&after), "answered {after:.3} s after the request; the rule waits 0.3 s");

    // mosquitto_rr: an independent MQTT 5 requester, waiting for its reply.
    let output = Command::new("mosquitto_rr")
        .args(["-h", "127.0.0.1", "-p", &port, "-t", "svc/echo", "-e", "svc/reply/rr", "-m", "hi", "-W", "10"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "echo: hi");

    let deadline = Instant::now() + Duration::from_secs(15);
    while mock.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "mock did not stop after -C 2");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(mock.wait().unwrap().success());
    let mut printed = String::new();
    mock.stdout.take().unwrap().read_to_string(&mut printed).unwrap();
    assert_eq!(
        printed,
        "answered dev/7/get on dev/7/state (rule 1, after 300 ms)\nanswered svc/echo on svc/reply/rr (rule 2, after 0 ms)\n"
    );
    let _ = std::fs::remove_file(&file);
}

#[test]
fn a_bad_mock_file_is_a_usage_error_naming_the_rule() {
    let file = std::env::temp_dir().join(format!("topicscope-mock-bad-{}.ron", std::process::id()));
    std::fs::write(&file, "(name: \"x\", rules: [(filter: \"a\", respond: (topic: \"b\", qos: 5))])").unwrap();
    let output =
        Command::new(env!("CARGO_BIN_EXE_topicscope")).args(["mock", &file.display().to_string()]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains(": rule 1: QoS 5 does not exist (0, 1 or 2)"));
    let _ = std::fs::remove_file(&file);
    // The shipped example parses: with no broker it gets as far as connecting (exit 3, not 2).
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/mocks/thermostat.ron");
    let port = common::free_port().to_string();
    let output = Command::new(env!("CARGO_BIN_EXE_topicscope"))
        .args(["mock", &example.display().to_string(), "-h", "127.0.0.1", "-p", &port])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3), "{}", String::from_utf8_lossy(&output.stderr));
}
