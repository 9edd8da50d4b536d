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

/// Resident memory of a process in bytes (Linux /proc; 0 elsewhere).
fn resident_of(pid: u32) -> usize {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status.lines().find_map(|line| {
                line.strip_prefix("VmRSS:").and_then(|rest| rest.trim().trim_end_matches(" kB").trim().parse().ok())
            })
        })
        .map_or(0, |kib: usize| kib * 1024)
}

#[test]
fn sub_feeding_a_slow_reader_holds_a_bounded_queue_and_loses_nothing() {
    use std::io::Read;
    const COUNT: usize = 100_000;
    const SIZE: usize = 4096;
    // 400 MB of messages, far more than sub may hold (64 MiB of queue).
    let broker = FakeBroker::start(|mut session: Session| {
        if session.accept_and_grant_subscribe().is_none() {
            return;
        }
        let one = wire::publish_v3(b"flood", &[b'x'; SIZE]);
        let chunk: Vec<u8> = one.iter().copied().cycle().take(one.len() * 100).collect();
        for _ in 0..COUNT / 100 {
            if !session.send(&chunk) {
                return;
            }
        }
        session.hold();
    });
    let port = broker.port.to_string();
    let count = COUNT.to_string();
    let mut child = Command::new(env!("CARGO_BIN_EXE_topicscope"))
        .args(["sub", "-h", "127.0.0.1", "-p", &port, "-V", "mqttv311", "-t", "flood", "-C", &count])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("starts");
    // Nobody reads for four seconds: the pipe fills, sub must stop reading
    // the socket instead of buffering the flood.
    let mut peak = 0;
    for _ in 0..40 {
        std::thread::sleep(Duration::from_millis(100));
        peak = peak.max(resident_of(child.id()));
    }
    let mut stdout = child.stdout.take().expect("stdout");
    let mut total = 0usize;
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        match stdout.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(read) => total += read,
        }
    }
    let status = child.wait().expect("exits");
    assert!(status.success(), "{status:?}");
    assert_eq!(total, COUNT * (SIZE + 1), "every message, each on its line");
    eprintln!("sub peak resident memory with a slow reader: {} MiB", peak / (1024 * 1024));
    assert!(peak < 192 * 1024 * 1024, "sub held {} MiB while its reader was slow", peak / (1024 * 1024));
}
