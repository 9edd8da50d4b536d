//! `topicscope test`: the shipped examples pass against the embedded
//! broker; exit codes for a failure (1), a malformed file (2) and no broker
//! (3); the JUnit report is read by Python's xml.etree, as a CI parser
//! would; the same scenario passes against mosquitto.
#![cfg(unix)]
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail the test on error

#[path = "../core/tests/common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn topicscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_topicscope")).args(args).output().expect("runs")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("topicscope-scenarios-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

const FAILING: &str = r#"(name: "a reply nobody sends & <never> comes", steps: [
    Subscribe(filter: "cli/reply"),
    Expect((topic: "cli/reply", within_ms: 300)),
])"#;

#[test]
fn the_shipped_examples_pass_and_a_failure_lands_in_junit() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let output = topicscope(&["test", &examples.display().to_string(), "--embedded-broker"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("3 of 3 scenarios passed"), "{stdout}");

    let dir = scratch("junit");
    let failing = write(&dir, "reply.ron", FAILING);
    let report = dir.join("report.xml");
    let output = topicscope(&[
        "test",
        &examples.join("request-echo.ron").display().to_string(),
        &failing,
        "--embedded-broker",
        "--junit",
        &report.display().to_string(),
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stdout));
    // Read as CI tools read it: an XML parser, not our own code.
    let python = r#"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suite = root.find("testsuite")
print(root.tag, root.get("tests"), root.get("failures"))
for case in suite.findall("testcase"):
    failure = case.find("failure")
    print(case.get("classname"), "|", case.get("name"), "|", failure.get("message") if failure is not None else "passed")
"#;
    let parsed = Command::new("python3").args(["-c", python, &report.display().to_string()]).output().expect("python3");
    assert!(parsed.status.success(), "{}", String::from_utf8_lossy(&parsed.stderr));
    assert_eq!(
        String::from_utf8_lossy(&parsed.stdout),
        "testsuites 2 1\n\
         request-echo | a set point comes back on the subscription | passed\n\
         reply | a reply nobody sends & <never> comes | step 2, Expect cli/reply within 300 ms: no matching message on cli/reply within 300 ms; nothing arrived on it\n"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn malformed_files_and_a_missing_broker_have_their_own_exit_codes() {
    let dir = scratch("codes");
    let bad = write(&dir, "bad.ron", "(\n  name: \"x\",\n  steps: [Publish(topik: \"a\")],\n)");
    let good = write(&dir, "good.ron", "(name: \"x\", steps: [Wait(ms: 1)])");
    let output = topicscope(&["test", &good, &bad, "--embedded-broker"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&format!("{bad}:3:19: Unexpected field named `topik`")), "{stderr}");
    assert!(output.stdout.is_empty(), "nothing ran");

    let port = common::free_port().to_string();
    let output = topicscope(&["test", &good, "-h", "127.0.0.1", "-p", &port, "--json"]);
    assert_eq!(output.status.code(), Some(3), "{}", String::from_utf8_lossy(&output.stdout));
    let line: serde_json::Value = serde_json::from_slice(&output.stdout).expect("one JSON object");
    assert_eq!(line["passed"], false);
    assert!(line["failure"].as_str().unwrap_or_default().starts_with("cannot connect to the broker: "), "{line}");

    let output = topicscope(&["test", &good, "--var", "novalue"]);
    assert_eq!(output.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_scenario_runs_against_mosquitto_with_variables_from_the_command_line() {
    let broker = common::Mosquitto::start();
    let dir = scratch("mosquitto");
    let file = write(
        &dir,
        "vars.ron",
        r#"(name: "vars", variables: {"site": "a"}, steps: [
            Subscribe(filter: "{{site}}/#", qos: 2),
            Publish(topic: "{{site}}/x", payload: "{{site}}", qos: 2),
            Expect((topic: "{{site}}/x", matchers: [Payload("b"), Qos(2)], within_ms: 3000)),
        ])"#,
    );
    let output = topicscope(&["test", &file, "-h", "127.0.0.1", "-p", &broker.port.to_string(), "--var", "site=b"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("Publish b/x (QoS 2)"), "--var beats the file's value: {stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}
