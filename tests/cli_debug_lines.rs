//! `pub -d` / `sub -d` print mosquitto's debug lines: run side by side
//! with mosquitto_pub / mosquitto_sub `-d` against the same mosquitto, the
//! `Client …` lines must be the same (client ids aside), so scripts that
//! grep mosquitto's output keep working.
#![cfg(unix)]
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail the test on error

#[path = "../core/tests/common/mod.rs"]
mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::Mosquitto;

/// Starts a subscriber and waits until its SUBACK line is out.
fn start_sub(program: &str, args: &[&str]) -> (Child, std::thread::JoinHandle<Vec<String>>) {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn (mosquitto-clients installed?)");
    let stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let (subscribed_tx, subscribed) = std::sync::mpsc::sync_channel(1);
    let reader = std::thread::Builder::new()
        .name("sub-output".into())
        .spawn(move || {
            let mut lines = Vec::new();
            for line in stdout.lines().map_while(Result::ok) {
                if line.contains("received SUBACK") {
                    let _ = subscribed_tx.try_send(());
                }
                lines.push(line);
            }
            lines
        })
        .expect("thread");
    subscribed.recv_timeout(Duration::from_secs(15)).expect("subscribed in time");
    (child, reader)
}

fn finish(mut child: Child, reader: std::thread::JoinHandle<Vec<String>>) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    while child.try_wait().expect("wait").is_none() {
        assert!(Instant::now() < deadline, "the subscriber did not exit");
        std::thread::sleep(Duration::from_millis(10));
    }
    reader.join().expect("reader")
}

/// The `Client …` lines with the client id replaced by `ID`.
fn client_lines(lines: &[String], client_id: &str) -> Vec<String> {
    let prefix = format!("Client {client_id} ");
    lines.iter().filter_map(|line| line.strip_prefix(&prefix)).map(|rest| format!("Client ID {rest}")).collect()
}

fn publish(port: &str, version: &str, qos: &str, topic: &str, payload: &str) {
    let status = Command::new("mosquitto_pub")
        .args(["-h", "127.0.0.1", "-p", port, "-V", version, "-q", qos, "-t", topic, "-m", payload])
        .status()
        .expect("mosquitto_pub");
    assert!(status.success());
}

#[test]
fn sub_d_prints_the_lines_mosquitto_sub_d_prints() {
    let broker = Mosquitto::start();
    let port = broker.port.to_string();
    let topicscope = env!("CARGO_BIN_EXE_topicscope");
    for (version, ours) in [("mqttv311", "311"), ("mqttv5", "5")] {
        let common = ["-h", "127.0.0.1", "-p", &port, "-q", "2", "-t", "dbg/#", "-C", "3", "-d"];
        let (theirs_child, theirs_out) =
            // stdbuf: mosquitto_sub writes lines as they come, not at exit.
            start_sub("stdbuf", &[&["-oL", "mosquitto_sub"][..], &common, &["-V", version, "-i", "their-sub"]].concat());
        let (ours_child, ours_out) =
            start_sub(topicscope, &[&["sub"][..], &common, &["-V", ours, "-i", "our-sub"]].concat());
        publish(&port, version, "0", "dbg/zero", "a");
        publish(&port, version, "1", "dbg/one", "bb");
        publish(&port, version, "2", "dbg/two", "ccc");
        let theirs = client_lines(&finish(theirs_child, theirs_out), "their-sub");
        let ours = client_lines(&finish(ours_child, ours_out), "our-sub");
        assert!(theirs.len() >= 12, "{version}: mosquitto_sub printed {theirs:#?}");
        // Ours come in wire order, mosquitto's in the order it handled the
        // packets: a PUBLISH read in the same read as the one before it can
        // precede that one's PUBACK. Each direction's order is the same.
        for verb in ["sending", "received"] {
            let only = |lines: &[String]| -> Vec<String> {
                lines.iter().filter(|line| line.starts_with(&format!("Client ID {verb} "))).cloned().collect()
            };
            assert_eq!(only(&ours), only(&theirs), "{version} {verb}");
        }
        let (mut sorted_ours, mut sorted_theirs) = (ours, theirs);
        sorted_ours.sort();
        sorted_theirs.sort();
        assert_eq!(sorted_ours, sorted_theirs, "{version}: the same lines");
    }
}

#[test]
fn pub_d_prints_the_lines_mosquitto_pub_d_prints() {
    let broker = Mosquitto::start();
    let port = broker.port.to_string();
    for (version, ours) in [("mqttv311", "311"), ("mqttv5", "5")] {
        for qos in ["1", "2"] {
            let common = ["-h", "127.0.0.1", "-p", &port, "-q", qos, "-r", "-t", "dbg/pub", "-m", "hello", "-d"];
            let run = |program: &str, args: Vec<&str>| {
                let output = Command::new(program).args(args).stdin(Stdio::null()).output().expect("run");
                assert!(output.status.success(), "{program}: {}", String::from_utf8_lossy(&output.stderr));
                String::from_utf8_lossy(&output.stdout).lines().map(str::to_owned).collect::<Vec<_>>()
            };
            let theirs = run("mosquitto_pub", [&common[..], &["-V", version, "-i", "their-pub"]].concat());
            let ours =
                run(env!("CARGO_BIN_EXE_topicscope"), [&["pub"][..], &common, &["-V", ours, "-i", "our-pub"]].concat());
            let (theirs, ours) = (client_lines(&theirs, "their-pub"), client_lines(&ours, "our-pub"));
            assert!(theirs.len() >= 5, "{version} QoS {qos}: {theirs:#?}");
            assert_eq!(ours, theirs, "{version} QoS {qos}");
        }
    }
}
