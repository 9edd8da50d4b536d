//! `topicscope pub` and `sub` against a broker that misbehaves on purpose
//! (the scripted broker of core/tests/common/fake_broker.rs): no panic, no
//! hang, a specific message on stderr and the documented exit code.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

#[path = "../core/tests/common/fake_broker.rs"]
mod fake_broker;

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use fake_broker::{FakeBroker, Session, wire};

/// Runs the binary, killing it after `limit` (a hang fails the test); its
/// output is read as it comes, so a full pipe never stalls it.
fn run_bounded(args: &[&str], limit: Duration) -> Output {
    use std::io::Read;
    let mut child = Command::new(env!("CARGO_BIN_EXE_topicscope"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let reader = |mut pipe: Box<dyn Read + Send>| {
        let read = move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        };
        std::thread::Builder::new().name("output".into()).spawn(read).expect("thread")
    };
    let stdout = reader(Box::new(child.stdout.take().expect("stdout")));
    let stderr = reader(Box::new(child.stderr.take().expect("stderr")));
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            let stderr = stderr.join().unwrap_or_default();
            panic!("{args:?} still running after {limit:?}; stderr: {}", String::from_utf8_lossy(&stderr));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output { status, stdout: stdout.join().unwrap_or_default(), stderr: stderr.join().unwrap_or_default() }
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

#[test]
fn pub_and_sub_name_what_a_broken_broker_did_and_exit_with_its_code() {
    let not_mqtt = FakeBroker::answering_connect(&[0xf0, 0x00]);
    let unknown_code = FakeBroker::answering_connect(&[0x20, 0x03, 0x00, 0x42, 0x00]);
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
    // What sub itself takes (the binary, its runtime), measured the same way
    // with a broker that sends nothing: the flood may add the queues' bounds
    // (64 + 8 + 4 MiB of payload) and what holding 16,000 messages costs
    // besides (measured: 32 MiB idle, +158 MiB at peak; 828 MiB before the
    // queues were bounded), never the 400 MB.
    let idle_broker = FakeBroker::start(|mut session: Session| {
        if session.accept_and_grant_subscribe().is_some() {
            session.hold();
        }
    });
    let mut idle = Command::new(env!("CARGO_BIN_EXE_topicscope"))
        .args(["sub", "-h", "127.0.0.1", "-p", &idle_broker.port.to_string(), "-V", "mqttv311", "-t", "flood"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("starts");
    let mut baseline = 0;
    for _ in 0..10 {
        std::thread::sleep(Duration::from_millis(100));
        baseline = baseline.max(resident_of(idle.id()));
    }
    let _ = idle.kill();
    let _ = idle.wait();
    let mib = |bytes: usize| bytes / (1024 * 1024);
    eprintln!("sub resident memory: {} MiB idle, {} MiB at peak with a slow reader", mib(baseline), mib(peak));
    assert!(
        peak < baseline + 176 * 1024 * 1024,
        "sub held {} MiB more than idle ({} MiB) while its reader was slow",
        mib(peak.saturating_sub(baseline)),
        mib(baseline)
    );
}

/// A broker that accepts, grants the subscription (if any comes) and then
/// does `then`.
fn after_subscribe(then: fn(&mut Session, bool)) -> FakeBroker {
    FakeBroker::start(move |mut session: Session| {
        let Some(connect) = session.accept() else { return };
        let v5 = connect.protocol_level() == 5;
        if let Some(subscribe) = session.read_until(fake_broker::kind::SUBSCRIBE) {
            session.send(&wire::suback(subscribe.packet_id(), v5, &[0]));
        }
        then(&mut session, v5);
        session.hold();
    })
}

#[test]
fn sub_names_each_mid_session_misbehaviour() {
    let varint = after_subscribe(|session, _| {
        session.send(&[0x30, 0xff, 0xff, 0xff, 0xff, 0x01]);
    });
    let claim = after_subscribe(|session, _| {
        let mut header = vec![0x30];
        header.extend(wire::varint(256 * 1024 * 1024 - 1));
        session.send(&header);
    });
    let not_utf8 = after_subscribe(|session, v5| {
        let bytes = if v5 { wire::publish_v5(b"bad/\xff", None, b"x") } else { wire::publish_v3(b"bad/\xff", b"x") };
        session.send(&bytes);
    });
    let unsolicited = after_subscribe(|session, _| {
        session.send(&wire::puback(999));
    });
    let cut = after_subscribe(|session, _| {
        let publish = wire::publish_v3(b"a/b", b"half of this never arrives");
        session.send(&publish[..10]);
        let _ = session.stream.shutdown(std::net::Shutdown::Both);
    });
    let tls_garbage = FakeBroker::start(|mut session: Session| {
        session.send(&[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x50]);
        session.hold();
    });
    // (broker, extra flags, exit code, words on stderr)
    let cases: [(&FakeBroker, &[&str], i32, &[&str]); 6] = [
        (&varint, &[], 3, &["length field is malformed"]),
        (&claim, &["-D", "connect", "maximum-packet-size", "1048576"], 3, &["larger than this connection accepts"]),
        (&not_utf8, &[], 3, &["not valid UTF-8"]),
        (&unsolicited, &[], 3, &["packet id 999, which this client never sent"]),
        // A lost connection is retried (as mosquitto_sub does); -W ends the run.
        (&cut, &["-W", "3"], 0, &["closed the connection in the middle of a packet", "reconnecting"]),
        (&tls_garbage, &["--insecure"], 3, &["TLS"]),
    ];
    for (broker, extra, code, words) in cases {
        let port = broker.port.to_string();
        let mut args = vec!["sub", "-h", "127.0.0.1", "-p", &port, "-V", "mqttv5", "-t", "#"];
        args.extend_from_slice(extra);
        let output = run_bounded(&args, Duration::from_secs(30));
        assert_fails(&output, code, words);
    }
}

#[test]
fn sub_takes_a_million_tiny_publishes() {
    const COUNT: usize = 1_000_000;
    let broker = after_subscribe(|session, _| {
        let one = wire::publish_v3(b"f", b"1");
        let chunk: Vec<u8> = one.iter().copied().cycle().take(one.len() * 10_000).collect();
        for _ in 0..COUNT / 10_000 {
            if !session.send(&chunk) {
                return;
            }
        }
    });
    let port = broker.port.to_string();
    let count = COUNT.to_string();
    let output = run_bounded(
        &["sub", "-h", "127.0.0.1", "-p", &port, "-V", "mqttv311", "-t", "#", "-C", &count],
        Duration::from_secs(120),
    );
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(output.stdout.len(), COUNT * 2, "every message, each on its line");
}
