//! kill -9 of the headless broker mid-stream, 20 times: every QoS 1
//! message it acknowledged for a persistent session, and the last retained
//! message it acknowledged, are there after the restart (issue 22,
//! durability). Independent clients: raw MQTT packets from Python
//! (scripts/mqtt_raw.py), a publisher that pipelines 20 messages at a time.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Publishes d/N (QoS 1), and every tenth N also retained on r/last, 20 in
/// flight; prints "d N" / "r N" for each PUBACK as it comes.
const PUBLISHER: &str = r#"
import struct, sys
from mqtt_raw import connect, dial, packet, s
port = int(sys.argv[1]); start = int(sys.argv[2])
sock, reader = dial(port)
sock.sendall(connect("durability-publisher")); reader.next()
sent = {}; pid = 0; n = start
try:
    while True:
        while len(sent) < 20:
            pid = pid % 65535 + 1
            if n % 10 == 0:
                sock.sendall(packet(0x33, s(b"r/last") + struct.pack(">H", pid) + b"\x00" + str(n).encode()))
                sent[pid] = f"r {n}"
            else:
                sock.sendall(packet(0x32, s(f"d/{n}".encode()) + struct.pack(">H", pid) + b"\x00" + b"x"))
                sent[pid] = f"d {n}"
            n += 1
        got = reader.next()
        if got is None: break
        if got[0] >> 4 == 4:
            print(sent.pop(struct.unpack(">H", got[1][:2])[0]), flush=True)
except OSError:
    pass
"#;

/// The persistent subscriber: resumes its session (expiry 1 h), prints
/// "present P" and the N of every d/N until 1.5 s pass without one,
/// acknowledging each, then leaves with the session kept.
const SUBSCRIBER: &str = r#"
import socket, struct, sys
from mqtt_raw import connect, dial, packet, s, varint
port = int(sys.argv[1])
sock, reader = dial(port, timeout=1.5)
sock.sendall(connect("durability-subscriber", clean=False, properties=bytes([0x11]) + struct.pack(">I", 3600)))
_, body = reader.next()
print("present", body[0] & 1, flush=True)
sock.sendall(packet(0x82, struct.pack(">H", 1) + varint(0) + s(b"d/#") + bytes([1])))
try:
    while True:
        got = reader.next()
        if got is None: break
        head, body = got
        if head >> 4 == 3:
            length = struct.unpack(">H", body[:2])[0]
            print(body[2:2 + length].decode().split("/")[1], flush=True)
            sock.sendall(packet(0x40, body[2 + length:4 + length]))
except socket.timeout:
    pass
sock.sendall(packet(0xe0, b"\x00")); sock.close()
"#;

fn python(script: &str, args: &[&str]) -> Command {
    let interpreter = if Path::new("/usr/bin/python3").exists() { "/usr/bin/python3" } else { "python3" };
    let mut command = Command::new(interpreter);
    command.args(["-c", script]).args(args).env("PYTHONPATH", Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts"));
    command
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|a| a.port())
        .expect("port")
}

/// Starts the headless broker on `port` (its log going to `log`) and waits
/// for its "listening" line.
/// The headless broker, killed (SIGKILL) when dropped — also when the test
/// fails half-way.
struct Broker(Child);

impl Drop for Broker {
    fn drop(&mut self) {
        kill(&mut self.0);
    }
}

#[allow(clippy::zombie_processes)] // handed over in a Broker, which kills and waits for it
fn start_broker(config: &Path, port: u16, log: &Path) -> Broker {
    let log_file = std::fs::File::create(log).expect("log file");
    let mut child = Command::new(env!("CARGO_BIN_EXE_topicscope"))
        .args(["broker", "--config"])
        .arg(config)
        .args(["--port", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(log_file)
        .spawn()
        .expect("topicscope broker starts");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        if text.contains("listening on") {
            return Broker(child);
        }
        if Instant::now() > deadline {
            kill(&mut child);
            panic!("the broker did not start: {text}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn kill(child: &mut Child) {
    let _ = child.kill(); // SIGKILL
    let _ = child.wait();
}

/// Resumes the subscriber's session: (session present, the N received).
fn drain_subscriber(port: u16) -> (bool, Vec<u64>) {
    let output = python(SUBSCRIBER, &[&port.to_string()]).output().expect("python3");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let mut lines = text.lines();
    let present = lines.next() == Some("present 1");
    (present, lines.filter_map(|line| line.parse().ok()).collect())
}

/// The retained message on r/last, read by mosquitto_sub.
fn retained_last(port: u16) -> Option<u64> {
    let output = Command::new("mosquitto_sub")
        .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-t", "r/last", "-C", "1", "-W", "2"])
        .output()
        .expect("mosquitto_sub");
    String::from_utf8_lossy(&output.stdout).trim().parse().ok()
}

/// A fresh `dir` with a mosquitto.conf turning persistence on (data in
/// `dir`/data); returns the config's path.
fn persistent_config(dir: &Path) -> std::path::PathBuf {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).expect("temp dir");
    let config = dir.join("mosquitto.conf");
    let data = dir.join("data");
    std::fs::write(
        &config,
        format!("allow_anonymous true\npersistence true\npersistence_location {}/\n", data.display()),
    )
    .expect("config");
    config
}

#[test]
fn what_the_broker_acknowledged_survives_twenty_kill_9s() {
    let dir = std::env::temp_dir().join(format!("topicscope-durability-{}", std::process::id()));
    let config = persistent_config(&dir);
    let port = free_port();
    let log = |round: u32| dir.join(format!("broker-{round}.log"));
    let mut broker = start_broker(&config, port, &log(0));
    let (_, first) = drain_subscriber(port); // creates the session
    assert!(first.is_empty());
    let mut owed: BTreeSet<u64> = BTreeSet::new();
    let mut received_total = 0;
    let mut duplicates = 0;
    let mut seen: BTreeSet<u64> = BTreeSet::new();
    let mut last_retained = None;
    let mut next = 1;
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    for round in 1..=20 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        // Kill after 50 to 1,049 acknowledgements: mid-stream, 20 more in flight.
        let kill_after = 50 + state % 1_000;
        let mut publisher = python(PUBLISHER, &[&port.to_string(), &next.to_string()])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3");
        let mut acked = 0;
        let deadline = Instant::now() + Duration::from_secs(60);
        let lines = BufReader::new(publisher.stdout.take().expect("stdout")).lines();
        let mut killed = false;
        for line in lines.map_while(Result::ok) {
            let (kind, number) = line.split_once(' ').expect("kind and number");
            let number: u64 = number.parse().expect("number");
            next = next.max(number + 1);
            match kind {
                "d" => {
                    owed.insert(number);
                }
                _ => last_retained = last_retained.max(Some(number)),
            }
            acked += 1;
            if acked == kill_after && !killed {
                kill(&mut broker.0);
                killed = true;
            }
            assert!(Instant::now() < deadline, "round {round}: the publisher stalled");
        }
        let _ = publisher.wait();
        assert!(killed, "round {round}: the publisher stopped after {acked} acknowledgements");
        next += 100; // past whatever was in flight
        broker = start_broker(&config, port, &log(round));
        let (present, received) = drain_subscriber(port);
        assert!(present, "round {round}: the persistent session is gone");
        for number in received {
            received_total += 1;
            if !seen.insert(number) {
                duplicates += 1;
            }
            owed.remove(&number);
        }
        assert!(
            owed.is_empty(),
            "round {round}: acknowledged but lost: {:?}",
            owed.iter().take(10).collect::<Vec<_>>()
        );
        let retained = retained_last(port);
        assert!(
            retained >= last_retained,
            "round {round}: retained r/last is {retained:?}, {last_retained:?} was acknowledged"
        );
    }
    drop(broker);
    let recovered = (1..=20).filter(|round| {
        std::fs::read_to_string(log(*round)).unwrap_or_default().contains("changes recovered from the journal")
    });
    assert_eq!(recovered.count(), 20, "each restart recovered from the journal");
    eprintln!(
        "20 kill -9s: {received_total} messages received after restarts, none acknowledged lost, {duplicates} \
         received twice; retained r/last kept its last acknowledged value"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// paho-mqtt (3.1.1) resumes the kept session of client id argv[2] without
/// subscribing, prints "present N", then the first message it receives
/// within 5 s (nothing if none).
const RESUME_AND_WAIT: &str = r#"
import sys, time, paho.mqtt.client as mqtt
got = []
def on_connect(client, userdata, flags, rc):
    print("present", flags.get("session present", 0), flush=True)
def on_message(client, userdata, message):
    got.append(message.payload.decode())
client = mqtt.Client(client_id=sys.argv[2], clean_session=False)
client.on_connect = on_connect
client.on_message = on_message
client.connect("127.0.0.1", int(sys.argv[1]))
client.loop_start()
deadline = time.time() + 5
while not got and time.time() < deadline:
    time.sleep(0.02)
client.disconnect(); client.loop_stop()
for payload in got[:1]:
    print(payload, flush=True)
"#;

/// A persistent session's shared subscription is in the journal: after a
/// `kill -9`, messages to it still reach the session's client.
#[test]
fn a_shared_subscription_of_a_persistent_session_survives_kill_9() {
    let dir = std::env::temp_dir().join(format!("topicscope-durability-shared-{}", std::process::id()));
    let config = persistent_config(&dir);
    let port = free_port();
    let broker = start_broker(&config, port, &dir.join("broker-1.log"));
    // Subscribes in a kept session and leaves at once (-E: after the SUBACK).
    let subscribed = Command::new("mosquitto_sub")
        .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-c", "-i", "shared-keeper", "-q", "1"])
        .args(["-t", "$share/workers/jobs/#", "-E"])
        .status()
        .expect("mosquitto_sub");
    assert!(subscribed.success());
    drop(broker); // kill -9
    let _broker = start_broker(&config, port, &dir.join("broker-2.log"));
    let mut resumed =
        python(RESUME_AND_WAIT, &[&port.to_string(), "shared-keeper"]).stdout(Stdio::piped()).spawn().expect("python3");
    let mut stdout = std::io::BufReader::new(resumed.stdout.take().expect("stdout"));
    let mut line = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut line).expect("read");
    assert_eq!(line.trim(), "present 1", "the session was not kept");
    let published = Command::new("mosquitto_pub")
        .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-q", "1", "-t", "jobs/1", "-m", "job one"])
        .status()
        .expect("mosquitto_pub");
    assert!(published.success());
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).expect("read");
    let _ = resumed.wait();
    assert_eq!(rest.trim(), "job one", "the shared subscription was lost in the kill");
    let _ = std::fs::remove_dir_all(&dir);
}
