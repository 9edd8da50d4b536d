//! The embedded broker's limits, seen by independent clients (Python's
//! paho-mqtt from Debian, mosquitto_pub / mosquitto_sub): keep-alive,
//! Receive Maximum and session expiry announced in the CONNACK; a 3.1.1
//! keep-alive over the limit refused; a full session queue, a subscription
//! past the limit and retained messages past the limit turned away — and
//! each drop counted in the panel's figures and in `$SYS`.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail the test on error

mod common;

use std::process::Command as Process;
use std::time::Duration;

use common::python::{python, raw_python};
use common::wait_until;
use topicscope_core::broker::limits::BrokerLimits;
use topicscope_core::broker::{BrokerConfig, EmbeddedBroker};

fn broker(limits: BrokerLimits) -> EmbeddedBroker {
    let config = BrokerConfig { limits, sys_interval: Duration::from_secs(1), ..BrokerConfig::ephemeral() };
    EmbeddedBroker::start(config).expect("broker starts")
}

fn port(broker: &EmbeddedBroker) -> String {
    broker.local_addr().port().to_string()
}

/// paho-mqtt connects with MQTT 5 asking for the keep-alive in argv[2] and a
/// session that never expires; prints what the CONNACK said.
const PAHO_CONNACK: &str = r#"
import sys, paho.mqtt.client as mqtt
from paho.mqtt.properties import Properties
from paho.mqtt.packettypes import PacketTypes
client = mqtt.Client(client_id="limits-probe", protocol=mqtt.MQTTv5)
seen = {}
def on_connect(client, userdata, flags, rc, properties=None):
    seen["rc"] = str(rc)
    for name in ("ServerKeepAlive", "ReceiveMaximum", "SessionExpiryInterval"):
        seen[name] = getattr(properties, name, None)
    client.disconnect()
client.on_connect = on_connect
asked = Properties(PacketTypes.CONNECT)
asked.SessionExpiryInterval = 4294967295
client.connect("127.0.0.1", int(sys.argv[1]), keepalive=int(sys.argv[2]), clean_start=True, properties=asked)
client.loop_forever()
print(seen["rc"], seen["ServerKeepAlive"], seen["ReceiveMaximum"], seen["SessionExpiryInterval"])
"#;

#[test]
fn the_connack_announces_the_limits_and_a_long_311_keep_alive_is_refused() {
    let limits = BrokerLimits {
        max_keepalive_secs: 30,
        max_inflight: 7,
        max_session_expiry_secs: 3600,
        ..BrokerLimits::default()
    };
    let broker = broker(limits);
    // Asking for 120 s, or for none at all: given 30 s either way (MQTT 5).
    for asked in ["120", "0"] {
        let output = Process::new("timeout")
            .args(["20", python(), "-c", PAHO_CONNACK, &port(&broker), asked])
            .output()
            .expect("python3 with paho-mqtt (Debian's python3-paho-mqtt)");
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "Success 30 7 3600", "keep-alive {asked} asked");
    }
    // 3.1.1 has no Server Keep Alive: asking for more than the limit is refused.
    let sub = |keep_alive: &str| {
        Process::new("mosquitto_sub")
            .args(["-h", "127.0.0.1", "-p", &port(&broker), "-V", "mqttv311", "-k", keep_alive])
            .args(["-t", "ka/#", "-W", "1"])
            .output()
            .expect("mosquitto_sub")
    };
    let refused = sub("120");
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("Connection Refused"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    let accepted = sub("20");
    assert!(!String::from_utf8_lossy(&accepted.stderr).contains("Connection Refused"));
}

/// The value of one `$SYS` topic, as mosquitto_sub reads it.
fn sys_value(broker: &EmbeddedBroker, topic: &str) -> String {
    let output = Process::new("mosquitto_sub")
        .args(["-h", "127.0.0.1", "-p", &port(broker), "-t", topic, "-C", "1", "-W", "5"])
        .output()
        .expect("mosquitto_sub");
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

fn publish(broker: &EmbeddedBroker, args: &[&str]) {
    let status = Process::new("mosquitto_pub")
        .args(["-h", "127.0.0.1", "-p", &port(broker)])
        .args(args)
        .status()
        .expect("mosquitto_pub");
    assert!(status.success());
}

#[test]
fn a_full_session_queue_drops_the_oldest_and_says_how_many() {
    let broker = broker(BrokerLimits { max_queued_messages: 5, ..BrokerLimits::default() });
    let persistent = ["-h", "127.0.0.1", "-V", "mqttv311", "-c", "-i", "queue-limit", "-q", "1", "-t", "ql/#"];
    // Subscribe with a kept session, then leave.
    let status = Process::new("mosquitto_sub")
        .args(persistent)
        .args(["-p", &port(&broker), "-W", "1"])
        .status()
        .expect("mosquitto_sub");
    assert!(!status.success(), "timed out (-W) after subscribing, as intended");
    for n in 0..12 {
        publish(&broker, &["-q", "1", "-t", &format!("ql/{n}"), "-m", &n.to_string()]);
    }
    let output = Process::new("mosquitto_sub")
        .args(persistent)
        .args(["-p", &port(&broker), "-v", "-W", "2"])
        .output()
        .expect("mosquitto_sub");
    let received: Vec<String> = String::from_utf8_lossy(&output.stdout).lines().map(str::to_owned).collect();
    // The newest five are kept: the oldest make room (mosquitto keeps the oldest).
    assert_eq!(received, ["ql/7 7", "ql/8 8", "ql/9 9", "ql/10 10", "ql/11 11"]);
    assert!(wait_until(Duration::from_secs(5), || broker.monitor().lock().rates.dropped.queue_full == 7));
    assert!(wait_until(Duration::from_secs(5), || sys_value(
        &broker,
        "$SYS/broker/publish/messages/dropped/queue full"
    ) == "7"));
    assert_eq!(sys_value(&broker, "$SYS/broker/publish/messages/dropped"), "7");
}

#[test]
fn subscriptions_past_the_limit_are_refused_in_the_suback() {
    let broker = broker(BrokerLimits { max_subscriptions_per_client: 2, ..BrokerLimits::default() });
    let output = Process::new("mosquitto_sub")
        .args(["-h", "127.0.0.1", "-p", &port(&broker), "-V", "mqttv5", "-d", "-t", "a", "-t", "b", "-t", "c"])
        .args(["-W", "1"])
        .output()
        .expect("mosquitto_sub");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let granted = stdout.lines().find(|line| line.starts_with("Subscribed (mid: 1)")).unwrap_or_default().to_owned();
    // Two granted (QoS 0), the third refused with a failure code (≥ 0x80).
    let codes: Vec<u32> =
        granted.split(':').nth(2).unwrap_or_default().split(',').filter_map(|code| code.trim().parse().ok()).collect();
    assert_eq!(codes.len(), 3, "{stdout}");
    assert_eq!(&codes[..2], [0, 0], "{stdout}");
    assert!(codes[2] >= 0x80, "{stdout}");
}

#[test]
fn retained_messages_past_the_limit_are_delivered_but_not_kept() {
    let broker = broker(BrokerLimits { max_retained_messages: 3, ..BrokerLimits::default() });
    // A subscriber before: it gets all five live.
    let live = Process::new("mosquitto_sub")
        .args(["-h", "127.0.0.1", "-p", &port(&broker), "-t", "rl/#", "-v", "-C", "5", "-W", "10"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("mosquitto_sub");
    std::thread::sleep(Duration::from_millis(500));
    for n in 1..=5 {
        publish(&broker, &["-r", "-t", &format!("rl/{n}"), "-m", &format!("v{n}")]);
    }
    let live = live.wait_with_output().expect("mosquitto_sub");
    assert_eq!(String::from_utf8_lossy(&live.stdout).lines().count(), 5, "delivered live");
    // A subscriber after: only the three kept.
    let later = Process::new("mosquitto_sub")
        .args(["-h", "127.0.0.1", "-p", &port(&broker), "-t", "rl/#", "-v", "-W", "1"])
        .output()
        .expect("mosquitto_sub");
    // (Retained messages come in no set order.)
    let sorted = |stdout: &[u8]| {
        let mut lines: Vec<String> = String::from_utf8_lossy(stdout).lines().map(str::to_owned).collect();
        lines.sort();
        lines
    };
    assert_eq!(sorted(&later.stdout), ["rl/1 v1", "rl/2 v2", "rl/3 v3"]);
    // Replacing a kept one and clearing one still work at the limit.
    publish(&broker, &["-r", "-t", "rl/2", "-m", "v2b"]);
    publish(&broker, &["-r", "-t", "rl/3", "-n"]);
    publish(&broker, &["-r", "-t", "rl/4", "-m", "v4b"]);
    let after = Process::new("mosquitto_sub")
        .args(["-h", "127.0.0.1", "-p", &port(&broker), "-t", "rl/#", "-v", "-W", "1"])
        .output()
        .expect("mosquitto_sub");
    assert_eq!(sorted(&after.stdout), ["rl/1 v1", "rl/2 v2b", "rl/4 v4b"]);
    assert!(wait_until(Duration::from_secs(5), || sys_value(&broker, "$SYS/broker/retained messages/not kept") == "2"));
    let log = broker.monitor().lock().log.clone();
    assert!(
        log.iter().any(|entry| entry
            .text
            .contains("retained message on rl/4 delivered but not kept: the limit of 3 retained topics")),
        "{log:#?}"
    );
}

/// The status line of a WebSocket upgrade request sent with `origin`.
fn upgrade_status(port: u16, origin: Option<&str>) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connects");
    stream.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
    let origin = origin.map(|origin| format!("Origin: {origin}\r\n")).unwrap_or_default();
    let request = format!(
        "GET /mqtt HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\
         Sec-WebSocket-Protocol: mqtt\r\n{origin}\r\n"
    );
    stream.write_all(request.as_bytes()).expect("sent");
    let mut answer = [0_u8; 256];
    let read = stream.read(&mut answer).unwrap_or(0);
    String::from_utf8_lossy(&answer[..read]).lines().next().unwrap_or_default().to_owned()
}

#[test]
fn web_pages_from_other_sites_cannot_open_the_websocket_listener() {
    let websocket = common::free_port();
    let config = BrokerConfig {
        websocket_port: Some(websocket),
        websocket_allowed_origins: vec!["https://dash.example".into()],
        ..BrokerConfig::ephemeral()
    };
    let _broker = EmbeddedBroker::start(config).expect("broker starts");
    for (origin, status) in [
        (None, "HTTP/1.1 101"),
        (Some("http://localhost:3000"), "HTTP/1.1 101"),
        (Some("http://127.0.0.1:8080"), "HTTP/1.1 101"),
        (Some("http://[::1]:5173"), "HTTP/1.1 101"),
        (Some("https://dash.example"), "HTTP/1.1 101"),
        (Some("https://evil.example"), "HTTP/1.1 403"),
        (Some("http://localhost.evil.example"), "HTTP/1.1 403"),
        (Some("http://127.0.0.1.evil.example"), "HTTP/1.1 403"),
        (Some("null"), "HTTP/1.1 403"),
    ] {
        let line = upgrade_status(websocket, origin);
        assert!(line.starts_with(status), "{origin:?}: {line}");
    }
    // paho-mqtt over WebSocket sends its own Origin (the broker's address): it connects.
    let paho = r#"
import sys, paho.mqtt.client as mqtt
client = mqtt.Client(client_id="ws-probe", transport="websockets")
seen = []
client.on_connect = lambda client, userdata, flags, rc: (seen.append(rc), client.disconnect())
client.connect("127.0.0.1", int(sys.argv[1]), keepalive=30)
client.loop_forever()
print(seen[0])
"#;
    let output = Process::new("timeout")
        .args(["20", python(), "-c", paho, &websocket.to_string()])
        .output()
        .expect("python3 with paho-mqtt");
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "0", "{}", String::from_utf8_lossy(&output.stderr));
}

/// A raw MQTT 5 subscriber (Python, no library) that allows 10 topic
/// aliases, subscribes to `alias/#`, and after `count` messages prints the
/// bytes it read and how many PUBLISH packets carried an empty topic.
const RAW_ALIAS_SUBSCRIBER: &str = r#"
import struct, sys
from mqtt_raw import connect, dial, packet, s, varint
port, count = int(sys.argv[1]), int(sys.argv[2])
sock, reader = dial(port)
sock.sendall(connect("alias-raw", properties=bytes([0x22]) + struct.pack(">H", 10)))  # Topic Alias Maximum 10
reader.next()  # CONNACK
sock.sendall(packet(0x82, struct.pack(">H", 1) + varint(0) + s(b"alias/#") + bytes([0])))
reader.next()  # SUBACK
print("ready", flush=True)
empty = 0
for _ in range(count):
    kind, body = reader.next()
    assert kind >> 4 == 3
    empty += struct.unpack(">H", body[:2])[0] == 0
print(reader.bytes, empty, flush=True)
"#;

/// Bytes the raw subscriber read for 100 messages on one long topic, and
/// how many of them came with an empty topic (an alias instead).
fn alias_traffic(topic_aliases: u16) -> (usize, usize) {
    let broker = broker(BrokerLimits { topic_aliases, ..BrokerLimits::default() });
    let mut subscriber = raw_python(30, RAW_ALIAS_SUBSCRIBER, &[&port(&broker), "100"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3");
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(subscriber.stdout.take().expect("stdout")));
    assert_eq!(lines.next().and_then(Result::ok).as_deref(), Some("ready"));
    let topic = format!("alias/{}", "plant-7/line-3/boiler/temperature/".repeat(3));
    let messages: String = (0..100).map(|n| format!("{n}\n")).collect();
    let mut publisher = Process::new("mosquitto_pub")
        .args(["-h", "127.0.0.1", "-p", &port(&broker), "-V", "mqttv5", "-t", &topic, "-l"])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("mosquitto_pub");
    std::io::Write::write_all(&mut publisher.stdin.take().expect("stdin"), messages.as_bytes()).expect("written");
    assert!(publisher.wait().expect("mosquitto_pub").success());
    let result = lines.next().and_then(Result::ok).unwrap_or_default();
    let _ = subscriber.wait();
    let (read, empty) = result.split_once(' ').unwrap_or_default();
    (read.parse().unwrap_or_default(), empty.parse().unwrap_or_default())
}

#[test]
fn topic_aliases_towards_clients_that_allow_them_save_the_topic_on_every_repeat() {
    let (without, empty_without) = alias_traffic(0);
    let (with, empty_with) = alias_traffic(10);
    eprintln!("100 messages on a 111-byte topic: {without} bytes without aliases, {with} with");
    assert_eq!(empty_without, 0, "off: every message carries its topic");
    assert_eq!(empty_with, 99, "on: the first carries topic and alias, the 99 others the alias only");
    // The topic is 111 bytes; an alias costs 3 bytes of properties.
    assert!(without - with >= 99 * 100, "{without} bytes without aliases, {with} with");
}

/// A raw MQTT 5 client (Python, no library) that sends `count` QoS 2
/// publishes without ever releasing them, then prints the reason code of
/// the DISCONNECT it gets (or "closed").
const RAW_RECEIVE_MAXIMUM: &str = r#"
import struct, sys
from mqtt_raw import connect, dial, packet, s, varint
port, count = int(sys.argv[1]), int(sys.argv[2])
sock, reader = dial(port)
sock.sendall(connect("recv-max"))
reader.next()  # CONNACK
sock.sendall(b"".join(packet(0x34, s(b"rm/x") + struct.pack(">H", i) + varint(0) + b"x") for i in range(1, count + 1)))
while True:
    got = reader.next()
    if got is None: print("closed"); break
    if got[0] >> 4 == 14: print(hex(got[1][0])); break
"#;

#[test]
fn a_client_past_the_receive_maximum_is_told_0x93() {
    let broker = broker(BrokerLimits { max_inflight: 10, ..BrokerLimits::default() });
    let run = |count: &str| {
        let output = raw_python(30, RAW_RECEIVE_MAXIMUM, &[&port(&broker), count]).output().expect("python3");
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    };
    assert_eq!(run("11"), "0x93", "DISCONNECT Receive Maximum exceeded (MQTT 5 §3.3.4)");
}

/// A raw MQTT 5 client that publishes one QoS 1 message with a Topic Alias
/// (`alias`) and topic (`topic`, may be empty), then prints the DISCONNECT
/// reason it gets, "puback", "closed" or "nothing".
const RAW_ALIAS_PUBLISHER: &str = r#"
import socket, struct, sys
from mqtt_raw import connect, dial, packet, s, varint
port, alias, topic = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3].encode()
sock, reader = dial(port, timeout=3)
sock.sendall(connect("alias-sender"))
reader.next()  # CONNACK
props = bytes([0x23]) + struct.pack(">H", alias)
sock.sendall(packet(0x32, s(topic) + struct.pack(">H", 1) + varint(len(props)) + props + b"x"))
try:
    while True:
        got = reader.next()
        if got is None: print("closed"); break
        if got[0] >> 4 == 14: print(hex(got[1][0])); break
        if got[0] >> 4 == 4: print("puback"); break
except socket.timeout:
    print("nothing")
"#;

#[test]
fn an_invalid_topic_alias_from_a_client_is_told_0x94() {
    let answer = |broker: &EmbeddedBroker, alias: &str, topic: &str| {
        let output = raw_python(30, RAW_ALIAS_PUBLISHER, &[&port(broker), alias, topic]).output().expect("python3");
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    };
    let ten = broker(BrokerLimits { topic_aliases: 10, ..BrokerLimits::default() });
    assert_eq!(answer(&ten, "10", "a"), "puback", "the highest alias allowed");
    assert_eq!(answer(&ten, "0", "a"), "0x94", "0 is never a topic alias (MQTT 5 §3.3.2.3.4)");
    assert_eq!(answer(&ten, "11", "a"), "0x94", "above the Topic Alias Maximum");
    assert_eq!(answer(&ten, "5", ""), "0x82", "an alias with no topic set yet is a protocol error");
    let none = broker(BrokerLimits { topic_aliases: 0, ..BrokerLimits::default() });
    assert_eq!(answer(&none, "1", "a"), "0x94", "a Topic Alias Maximum of 0 allows none");
}

/// Every message written to a client is counted once, with its payload
/// bytes, in the panel's totals and in `$SYS` (counted by the session as it
/// writes, no longer by a hook per delivery).
#[test]
fn deliveries_are_counted_exactly_in_the_panel_and_sys() {
    let broker = broker(BrokerLimits::default());
    // -W 10: they end by themselves even if the test fails.
    let mut subscribers: Vec<_> = (0..2)
        .map(|_| {
            Process::new("mosquitto_sub")
                .args(["-h", "127.0.0.1", "-p", &port(&broker), "-t", "counted/#", "-C", "3", "-W", "10"])
                .stdout(std::process::Stdio::null())
                .spawn()
                .expect("mosquitto_sub")
        })
        .collect();
    assert!(wait_until(Duration::from_secs(5), || broker.monitor().lock().clients.len() == 2));
    for topic in ["counted/a", "counted/b", "counted/c"] {
        publish(&broker, &["-t", topic, "-m", "hello"]);
    }
    for subscriber in subscribers.iter_mut() {
        assert!(subscriber.wait().expect("wait").success(), "a subscriber missed a message");
    }
    // 3 messages to 2 subscribers; nobody subscribes to $SYS yet.
    assert!(
        wait_until(Duration::from_secs(5), || broker.monitor().lock().rates.total_out == 6),
        "panel total: {}",
        broker.monitor().lock().rates.total_out
    );
    std::thread::sleep(Duration::from_millis(1500)); // a $SYS tick after the last delivery
    assert_eq!(sys_value(&broker, "$SYS/broker/bytes/sent"), "30");
}
