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
