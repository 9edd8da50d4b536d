//! `sub --decode` and `pub --proto-type` against the embedded broker and
//! mosquitto, with independent tools at the other end: mosquitto_pub sends
//! payloads protoc and Eclipse Tahu's encoder made, mosquitto_sub receives
//! what we encode and protoc reads it back.
#![cfg(unix)]
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail the test on error

#[path = "../core/tests/common/mod.rs"]
mod common;

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use common::brokers;

fn fixture(path: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("core/tests/fixtures").join(path).display().to_string()
}

/// Runs to completion; killed and failed after 20 s.
fn run(program: &str, args: &[&str], input: Option<&[u8]>) -> Output {
    let mut child = Command::new(program)
        .args(args)
        .stdin(if input.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| panic!("{program}: {error}"));
    if let (Some(input), Some(mut stdin)) = (input, child.stdin.take()) {
        stdin.write_all(input).expect("stdin");
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let output = child.wait_with_output().expect("output");
            panic!("{program} {args:?} did not exit; stderr: {}", String::from_utf8_lossy(&output.stderr));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.wait_with_output().expect("output")
}

fn topicscope(args: &[&str]) -> Output {
    run(env!("CARGO_BIN_EXE_topicscope"), args, None)
}

fn stdout(output: &Output) -> String {
    assert!(output.status.success(), "failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Retained, so a subscriber started afterwards receives it at once.
fn mosquitto_pub_file(port: &str, topic: &str, file: &str) {
    let output = run("mosquitto_pub", &["-h", "127.0.0.1", "-p", port, "-r", "-q", "1", "-t", topic, "-f", file], None);
    assert!(output.status.success(), "mosquitto_pub: {}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn sub_decodes_protobuf_by_the_schemas_topic_option_and_sparkplug_with_no_options() {
    let schemas = fixture("proto/schemas");
    for broker in brokers() {
        let port = broker.port().to_string();
        mosquitto_pub_file(&port, "unit/7/telemetry", &fixture("proto/telemetry.bin"));
        mosquitto_pub_file(&port, "spBv1.0/plant/NBIRTH/edge1", &fixture("sparkplug/nbirth.bin"));
        let base = ["sub", "-h", "127.0.0.1", "-p", &port, "-C", "1", "-W", "15"];

        // The schemas' own option (mqtt_topic) picks the type.
        let output = topicscope(&[&base[..], &["-t", "unit/7/telemetry", "--proto-file", &schemas]].concat());
        let decoded: Value = serde_json::from_str(stdout(&output).trim()).expect("one JSON line");
        assert_eq!(decoded["counter"], Value::from(-9_007_199_254_740_993_i64), "{}", broker.name());
        assert_eq!(decoded["serial"], Value::from(u64::MAX));
        assert_eq!(decoded["status"], "STATUS_ALARM");

        // --json keeps the payload and adds the decoded form.
        let output = topicscope(
            &[
                &base[..],
                &["-t", "unit/7/telemetry", "--proto-file", &schemas, "--proto-type", "demo.Telemetry", "--json"],
            ]
            .concat(),
        );
        let line: Value = serde_json::from_str(stdout(&output).trim()).expect("one JSON line");
        assert_eq!(line["decoded"]["device_id"], "unit-7");
        assert_eq!(line["payload_encoding"], "base64");

        // Sparkplug B needs no option at all, only --decode; -v adds the topic.
        let output = topicscope(&[&base[..], &["-t", "spBv1.0/#", "--decode", "-v"]].concat());
        let text = stdout(&output);
        let (topic, json) = text.trim().split_once(' ').expect("topic and payload");
        assert_eq!(topic, "spBv1.0/plant/NBIRTH/edge1");
        let birth: Value = serde_json::from_str(json).expect("decoded JSON");
        assert_eq!(birth["metrics"][0], serde_json::json!({"name": "bdSeq", "datatype": "UInt64", "value": 3}));
        assert_eq!(birth["metrics"][4]["value"], -5, "Int8 keeps its sign");
    }
}

#[test]
fn pub_encodes_json_that_protoc_reads_back_through_both_brokers() {
    let schemas = fixture("proto/schemas");
    for broker in brokers() {
        let port = broker.port().to_string();
        let json = r#"{"device_id": "unit-9", "counter": -9007199254740993, "serial": "18446744073709551615", "status": "STATUS_OK"}"#;
        // No --proto-type: the topic option binds unit/+/telemetry.
        let output = topicscope(&[
            "pub",
            "-h",
            "127.0.0.1",
            "-p",
            &port,
            "-r",
            "-q",
            "1",
            "-t",
            "unit/9/telemetry",
            "--proto-file",
            &schemas,
            "-m",
            json,
        ]);
        stdout(&output);
        let received = run(
            "mosquitto_sub",
            &["-h", "127.0.0.1", "-p", &port, "-t", "unit/9/telemetry", "-C", "1", "-N", "-W", "15"],
            None,
        );
        assert!(received.status.success(), "mosquitto_sub: {}", String::from_utf8_lossy(&received.stderr));
        let proto_dir = fixture("proto");
        let protoc = run(
            "protoc",
            &[
                "-I",
                &format!("{proto_dir}/schemas"),
                "--decode=demo.Telemetry",
                &format!("{proto_dir}/schemas/telemetry.proto"),
            ],
            Some(&received.stdout),
        );
        let text = stdout(&protoc);
        for line in
            ["device_id: \"unit-9\"", "counter: -9007199254740993", "serial: 18446744073709551615", "status: STATUS_OK"]
        {
            assert!(text.contains(line), "{}: protoc read\n{text}\nmissing {line}", broker.name());
        }
    }
}

#[test]
fn bad_schemas_types_and_json_are_usage_errors_that_say_what_and_where() {
    let schemas = fixture("proto/schemas");
    // Nothing here reaches a broker: every check runs before connecting.
    let cases: [(&[&str], &str); 4] = [
        (
            &["pub", "-t", "a", "--proto-file", &schemas, "--proto-type", "demo.Nope", "-m", "{}"],
            "--proto-type demo.Nope: no such message type (the schemas have ",
        ),
        (
            &[
                "pub",
                "-t",
                "a",
                "--proto-file",
                &schemas,
                "--proto-type",
                "demo.Telemetry",
                "-m",
                r#"{"temperature": "warm"}"#,
            ],
            "cannot encode as demo.Telemetry: field Telemetry.temperature: invalid float literal",
        ),
        (
            &["sub", "-t", "a", "--proto-file", &fixture("proto/broken/bad.proto")],
            "cannot load the protobuf schemas: bad.proto:7:3: ",
        ),
        (&["sub", "-t", "a", "--proto-type", "demo.Telemetry"], "no schemas loaded: add --proto-file"),
    ];
    for (args, expected) in cases {
        let output = topicscope(args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
}

#[test]
fn a_payload_that_does_not_decode_prints_raw_with_the_reason_on_stderr() {
    for broker in brokers().into_iter().take(1) {
        let port = broker.port().to_string();
        let output = run(
            "mosquitto_pub",
            &["-h", "127.0.0.1", "-p", &port, "-r", "-t", "spBv1.0/g/NDATA/n", "-m", "hello"],
            None,
        );
        assert!(output.status.success());
        let output =
            topicscope(&["sub", "-h", "127.0.0.1", "-p", &port, "-t", "spBv1.0/#", "--decode", "-C", "1", "-W", "15"]);
        assert_eq!(stdout(&output), "hello\n", "never a blank or `{{}}`");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("'spBv1.0/g/NDATA/n': not Sparkplug B: "), "{stderr}");
    }
}
