//! The embedded broker gives the same answer every time: sequences where
//! timing used to decide the outcome (a client id reconnecting the instant
//! it left, a session reconnected just past its expiry, a message published
//! the instant a SUBACK arrived, a client killed with a flood unacknowledged)
//! are run many times by independent clients — raw MQTT packets from
//! scripts/mqtt_raw.py and Debian's python3-paho-mqtt — and must come out
//! right every time. mosquitto runs the same probes where it behaves the
//! same, so a probe that is wrong shows up there too.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail the test on error

mod common;

use std::path::Path;

use common::brokers;
use common::python::{python_file, scripts_dir};
use topicscope_core::broker::{BrokerConfig, EmbeddedBroker};

/// Runs a probe and returns its stdout, failing on a non-zero exit.
fn probe(mut command: std::process::Command, what: &str) -> String {
    let output = command.output().expect("python3 (apt-get install python3 python3-paho-mqtt)");
    assert!(
        output.status.success(),
        "{what}: exit {:?}\n{}{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn a_client_id_reconnecting_the_instant_it_left_is_taken_over_with_the_right_session_present() {
    // Sessions kept and ended alternately; each CONNECT follows the previous
    // DISCONNECT at once. rmqtt refused 4-89 of 300 with 0x88 and told up to
    // 10% the wrong "session present" under load before the take-over fix
    // (vendor/rmqtt/VENDORED.md).
    for broker in brokers() {
        let port = broker.port().to_string();
        let script = scripts_dir().join("takeover_race.py");
        let printed = probe(python_file(120, &script, &[&port, "200"]), broker.name());
        assert_eq!(printed.trim(), "refused 0 of 200; session present wrong 0", "{}", broker.name());
    }
}

#[test]
fn a_session_is_resumed_within_its_expiry_and_gone_after_it() {
    // Expiry 1 s: back after 0.2 s the session is present, after 1.1 s it is
    // not. Embedded only: mosquitto checks expiry on a timer of its own and
    // resumed all 4 sessions 0.1 s past their expiry when this was written.
    let broker = EmbeddedBroker::start(BrokerConfig::ephemeral()).expect("broker starts");
    let port = broker.local_addr().port().to_string();
    let printed = probe(python_file(60, Path::new("session_expiry.py"), &[&port, "4"]), "expiry");
    assert_eq!(printed.trim(), "0 wrong in 8");
}

#[test]
fn a_session_resumed_and_changed_at_once_keeps_the_change_and_the_order() {
    // The client comes back and unsubscribes in the same write as its
    // CONNECT, 50 times: a message on the filter it left must not come, the
    // two on the filter it kept must come in the order they were sent. The
    // embedded broker used to restore the old subscriptions after reading
    // the UNSUBSCRIBE, lose a QoS 1 message whose write failed as the
    // previous connection closed, and resend unacknowledged messages last
    // first (vendor/rmqtt/VENDORED.md).
    for broker in brokers() {
        let port = broker.port().to_string();
        let printed = probe(python_file(120, Path::new("resume_then_unsubscribe.py"), &[&port, "50"]), broker.name());
        assert_eq!(printed.trim(), "0 wrong in 50", "{}", broker.name());
    }
}

#[test]
fn messages_published_the_instant_a_suback_arrives_are_delivered() {
    // paho-mqtt, 30 rounds: request/response with a response topic and
    // correlation data, No Local, Retain Handling 2 and Retain As Published,
    // each subscription used the moment its SUBACK arrived.
    for broker in brokers() {
        let port = broker.port().to_string();
        let printed = probe(python_file(120, Path::new("right_after_suback.py"), &[&port, "30"]), broker.name());
        assert_eq!(printed.trim(), "0 failed of 30", "{}", broker.name());
    }
}

#[test]
fn a_client_killed_with_a_flood_unacknowledged_reconnects_and_finds_its_session() {
    // A publisher leaves 65,536 QoS 2 publishes unreleased (the broker ends
    // it at its Receive Maximum) and is killed; a subscriber stops reading
    // while 65,536 QoS 1 messages come and is killed. Both reconnect a
    // second later: accepted, session present, and the subscriber gets every
    // message. Embedded only: mosquitto keeps 1,000 queued messages by
    // default, the embedded broker 100,000.
    let broker = EmbeddedBroker::start(BrokerConfig::ephemeral()).expect("broker starts");
    let port = broker.local_addr().port().to_string();
    let printed = probe(python_file(120, Path::new("flood_then_killed.py"), &[&port, "65536"]), "flood");
    assert_eq!(
        printed.trim(),
        "publisher: reason 0x0 present 1\nsubscriber: reason 0x0 present 1 received 65536 of 65536"
    );
}

/// Two raw MQTT 5 connections with one client id; prints the reason code of
/// the DISCONNECT the first gets when the second takes its session over.
const RAW_TAKEN_OVER: &str = r#"
import sys
from mqtt_raw import connect, dial
port = int(sys.argv[1])
first, first_reader = dial(port, timeout=5)
first.sendall(connect("taken-over")); first_reader.next()
second, second_reader = dial(port, timeout=5)
second.sendall(connect("taken-over")); second_reader.next()
got = first_reader.next()
print(hex(got[1][0]) if got and got[0] >> 4 == 14 else "closed without DISCONNECT")
"#;

#[test]
fn a_connection_whose_session_is_taken_over_is_told_0x8e() {
    // MQTT 5 §3.1.4: DISCONNECT 0x8E Session taken over (rmqtt said 0x87).
    // Embedded only: Debian's mosquitto 2.0.11 closes the connection
    // without a DISCONNECT.
    let broker = EmbeddedBroker::start(BrokerConfig::ephemeral()).expect("broker starts");
    let port = broker.local_addr().port().to_string();
    let printed = probe(common::python::raw_python(30, RAW_TAKEN_OVER, &[&port]), "take-over");
    assert_eq!(printed.trim(), "0x8e");
}
