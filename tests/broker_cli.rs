//! `topicscope broker`: the embedded broker headless, as a tester runs it in
//! a terminal or CI — serves clients, stops cleanly on SIGINT/SIGTERM, and
//! fails with a one-line reason and a non-zero exit when it cannot listen.
#![cfg(unix)]
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail the test on error

#[path = "../core/tests/common/mod.rs"]
mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{Driver, free_port, local_profile};
use topicscope::core::ids::ConnectionId;
use topicscope::core::mqtt::{ProtocolVersion, Qos};

fn broker_command(port: u16) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_topicscope"));
    command.args(["broker", "--port", &port.to_string()]).stdout(Stdio::null()).stderr(Stdio::piped());
    command
}

/// Waits for the child to exit, killing it (and failing) after the deadline.
fn wait_exit(child: &mut Child, within: Duration) -> std::process::ExitStatus {
    let deadline = Instant::now() + within;
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("topicscope broker did not exit within {within:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill").args([&format!("-{name}"), &child.id().to_string()]).status().expect("kill");
    assert!(status.success());
}

#[test]
fn serves_clients_and_stops_cleanly_on_sigint_and_sigterm() {
    for stop_signal in ["INT", "TERM"] {
        let port = free_port();
        let mut child = broker_command(port).spawn().expect("topicscope binary");
        let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
        let mut line = String::new();
        stderr.read_line(&mut line).expect("first line");
        assert!(line.contains(&format!("listening on 127.0.0.1:{port}")), "{line}");

        // A 3.1.1 and a 5.0 client talk through it.
        let mut clients = Driver::new();
        clients.connect(ConnectionId(1), local_profile(port, ProtocolVersion::V5, "cli-sub"), Vec::new());
        clients.subscribe(ConnectionId(1), 1, "cli/#", Qos::AtLeastOnce);
        clients.connect(ConnectionId(2), local_profile(port, ProtocolVersion::V311, "cli-pub"), Vec::new());
        let request = clients.publish(ConnectionId(2), "cli/hello", b"from 3.1.1", Qos::AtLeastOnce, false);
        clients.delivery(ConnectionId(2), request);
        let received = clients.wait_messages(ConnectionId(1), 1);
        assert_eq!(&received[0].payload[..], b"from 3.1.1");

        signal(&child, stop_signal);
        let status = wait_exit(&mut child, Duration::from_secs(10));
        assert!(status.success(), "SIG{stop_signal} → {status}");
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut stderr, &mut rest).expect("rest of stderr");
        assert!(rest.trim_end().ends_with("topicscope broker: stopped"), "{rest}");
    }
}

#[test]
fn a_taken_port_is_a_one_line_error_and_a_failure_exit() {
    let taken = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("bind");
    let port = taken.local_addr().expect("addr").port();
    let output = broker_command(port).output().expect("topicscope binary");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(lines[0].starts_with(&format!("topicscope broker: cannot listen on 127.0.0.1:{port}: ")), "{stderr}");
}

#[test]
fn a_mosquitto_conf_and_flags_configure_the_headless_broker() {
    let dir = std::env::temp_dir().join(format!("topicscope-cli-conf-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let (port, ws_port) = (free_port(), free_port());
    std::fs::write(dir.join("passwd"), "alice:wonderland\n").expect("passwd");
    std::fs::write(dir.join("acl"), "user alice\ntopic readwrite lab/#\n").expect("acl");
    let conf = dir.join("mosquitto.conf");
    std::fs::write(&conf, format!("listener {port} 127.0.0.1\npassword_file passwd\nacl_file acl\nlog_dest stderr\n"))
        .expect("conf");
    let mut child = Command::new(env!("CARGO_BIN_EXE_topicscope"))
        .args(["broker", "--config", &conf.display().to_string(), "--ws-port", &ws_port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("topicscope binary");
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        stderr.read_line(&mut line).expect("line");
        let done = line.contains("listening on") || line.is_empty();
        lines.push(line);
        if done {
            break;
        }
    }
    let text = lines.concat();
    assert!(text.contains("note: 1 plain-text passwords"), "{text}");
    assert!(text.contains("'log_dest' has no equivalent"), "{text}");
    assert!(text.contains(&format!("listening on 127.0.0.1:{port}")), "{text}");
    assert!(text.contains(&format!("ws://127.0.0.1:{ws_port}")), "{text}");

    let publish = |user: &str, password: &str, topic: &str| {
        Command::new("mosquitto_pub")
            .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-u", user, "-P", password])
            .args(["-t", topic, "-m", "x", "-V", "mqttv5", "-q", "1", "-d"])
            .output()
            .expect("mosquitto_pub")
    };
    assert!(publish("alice", "wonderland", "lab/1").status.success());
    assert!(!publish("alice", "guess", "lab/1").status.success(), "wrong password refused");
    let refused = publish("alice", "wonderland", "elsewhere");
    assert!(String::from_utf8_lossy(&refused.stdout).contains("RC:135"), "ACL refuses with 0x87");
    // The broker log reaches stderr.
    signal(&child, "INT");
    assert!(wait_exit(&mut child, Duration::from_secs(10)).success());
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).expect("rest of stderr");
    assert!(rest.contains("warning: refused"), "{rest}");
    assert!(rest.contains("publish to elsewhere refused by the ACL"), "{rest}");

    // A bad line is a one-line error naming file and line.
    std::fs::write(&conf, "listener 1883\nallow_anonymous perhaps\n").expect("conf");
    let output = Command::new(env!("CARGO_BIN_EXE_topicscope"))
        .args(["broker", "--config", &conf.display().to_string()])
        .output()
        .expect("topicscope binary");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr.trim(),
        format!("topicscope broker: {}:2: allow_anonymous: 'perhaps' is not true or false", conf.display())
    );
    let _ = std::fs::remove_dir_all(dir);
}
