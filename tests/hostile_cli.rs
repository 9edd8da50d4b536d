//! `topicscope pub` and `sub` against a broker that misbehaves on purpose
//! (the scripted broker of core/tests/common/fake_broker.rs): no panic, no
//! hang, a specific message on stderr and the documented exit code.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

#[path = "../core/tests/common/fake_broker.rs"]
mod fake_broker;

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use fake_broker::{FakeBroker, Session, wire};

/// Runs the binary, killing it after `limit` (a hang fails the test).
fn run_bounded(args: &[&str], limit: Duration) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_topicscope"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let deadline = Instant::now() + limit;
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let output = child.wait_with_output().expect("output");
            panic!("{args:?} still running after {limit:?}; stderr: {}", String::from_utf8_lossy(&output.stderr));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

fn assert_fails(output: &Output, code: i32, words: &[&str]) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(output.status.code(), Some(code), "{stderr}");
    for word in words {
        assert!(stderr.contains(word), "stderr names {word:?}: {stderr}");
    }
}

#[test]
fn sub_exits_3_naming_an_undefined_topic_alias() {
    let broker = FakeBroker::start(|mut session: Session| {
        if session.accept_and_grant_subscribe().is_none() {
            return;
        }
        session.send(&wire::publish_v5(b"", Some(7), b"where am I"));
        session.hold();
    });
    let port = broker.port.to_string();
    let output = run_bounded(
        &["sub", "-h", "127.0.0.1", "-p", &port, "-V", "5", "-t", "#", "-D", "connect", "topic-alias-maximum", "10"],
        Duration::from_secs(20),
    );
    assert_fails(&output, 3, &["topic alias 7", "never defined"]);
}

/// A broker that answers CONNECT with these bytes and then holds.
fn answering_connect(answer: &'static [u8]) -> FakeBroker {
    FakeBroker::start(move |mut session: Session| {
        if session.expect_connect().is_none() {
            return;
        }
        session.send(answer);
        session.hold();
    })
}

#[test]
fn pub_and_sub_name_what_a_broken_broker_did_and_exit_with_its_code() {
    let not_mqtt = answering_connect(&[0xf0, 0x00]);
    let unknown_code = answering_connect(&[0x20, 0x03, 0x00, 0x42, 0x00]);
    let silent = FakeBroker::start(|mut session: Session| {
        let _ = session.expect_connect();
        session.hold();
    });
    let cases: [(&FakeBroker, &str, i32, &[&str]); 3] = [
        (&not_mqtt, "mqttv311", 3, &["not MQTT", "packet type 15"]),
        (&unknown_code, "mqttv5", 3, &["unknown reason code 0x42"]),
        (&silent, "mqttv5", 5, &["timed out"]),
    ];
    for (broker, version, code, words) in cases {
        let port = broker.port.to_string();
        let common = ["-h", "127.0.0.1", "-p", &port, "-V", version, "-t", "a/b"];
        let sub: Vec<&str> = ["sub"].into_iter().chain(common).collect();
        let publish: Vec<&str> = ["pub"].into_iter().chain(common).chain(["-m", "x"]).collect();
        for args in [sub, publish] {
            let output = run_bounded(&args, Duration::from_secs(40));
            assert_fails(&output, code, words);
        }
    }
}
