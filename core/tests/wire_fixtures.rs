//! The packet decoder against bytes from independent encoders: mosquitto's
//! clients and broker, recorded by scripts/wire_fixtures.py into
//! tests/fixtures/wire. Each direction is decoded as the engine's stream
//! wrapper would see it, and our mosquitto-style `-d` lines must equal the
//! lines mosquitto printed for the same packets.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail the test on error

use std::path::PathBuf;

use topicscope_core::mqtt::ProtocolVersion;
use topicscope_core::wire::codes::property;
use topicscope_core::wire::mosquitto_debug::debug_lines;
use topicscope_core::wire::{Direction, PacketKind, PacketRecord, PropertyValue, WireCapture};

fn fixture(name: &str, part: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/wire").join(format!("{name}.{part}"));
    std::fs::read(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// Both directions of a recorded session, decoded in odd-sized reads.
fn decode(name: &str, protocol: ProtocolVersion) -> (Vec<PacketRecord>, Vec<PacketRecord>) {
    let mut capture = WireCapture::new(protocol);
    capture.start_link();
    for (direction, part) in [(Direction::Sent, "sent.bin"), (Direction::Received, "received.bin")] {
        for chunk in fixture(name, part).chunks(7) {
            capture.feed(direction, chunk, 0);
        }
    }
    capture.end_link();
    let (records, dropped) = capture.take();
    assert_eq!(dropped, 0);
    for record in &records {
        assert_eq!(record.problem, None, "{name}: {record:?}");
    }
    records.into_iter().partition(|record| record.direction == Direction::Sent)
}

fn kinds(records: &[PacketRecord]) -> Vec<PacketKind> {
    records.iter().map(|record| record.kind).collect()
}

/// mosquitto's `-d` lines for one direction, next to ours.
fn assert_same_debug_lines(name: &str, client_id: &str, sent: &[PacketRecord], received: &[PacketRecord]) {
    let text = String::from_utf8(fixture(name, "debug.txt")).expect("mosquitto writes UTF-8");
    for (verb, records) in [("sending", sent), ("received", received)] {
        let expected: Vec<String> = text
            .lines()
            .filter(|line| line.starts_with(&format!("Client {client_id} {verb} ")))
            // mosquitto numbers QoS 0 publishes it sends; MQTT does not (see mosquitto_debug).
            .map(|line| line.replace("q0, r0, m1,", "q0, r0, m0,"))
            .collect();
        assert!(!expected.is_empty(), "{name}: mosquitto printed no {verb} lines");
        let ours: Vec<String> = records.iter().flat_map(|record| debug_lines(client_id, record)).collect();
        assert_eq!(ours, expected, "{name} {verb}");
    }
}

#[test]
fn mqtt5_subscriber_session_decodes_fully() {
    let (sent, received) = decode("v5-sub", ProtocolVersion::V5);
    use PacketKind::*;
    assert_eq!(kinds(&sent), [Connect, Subscribe, PubAck, PubRec, PubComp, Disconnect]);
    assert_eq!(kinds(&received), [ConnAck, SubAck, Publish, Publish, PubRel, Publish]);

    let connect = &sent[0];
    assert_eq!(connect.protocol, ProtocolVersion::V5);
    assert_eq!(connect.field("Client ID"), Some("fx-sub-v5"));
    assert_eq!(connect.field("Keep alive"), Some("60 s"));
    assert_eq!(connect.property(property::USER_PROPERTY), Some(&PropertyValue::Pair("tool".into(), "fixture".into())));
    assert_eq!(connect.property(property::SESSION_EXPIRY_INTERVAL), Some(&PropertyValue::U32(60)));
    assert_eq!(sent[1].filters[0].describe(ProtocolVersion::V5), "fx/# (QoS 2, retain handling 0)");
    assert_eq!(received[1].reasons(), ["0x02 Granted QoS 2"]);

    let connack = &received[0];
    assert_eq!(connack.reasons(), ["0x00 Success"]);
    assert_eq!(connack.field("Session present"), Some("no"));
    assert!(connack.property(property::TOPIC_ALIAS_MAXIMUM).is_some(), "mosquitto announces its alias maximum");

    let first = &received[2];
    assert_eq!((first.topic.as_deref(), first.packet_id, first.qos_bits()), (Some("fx/a"), Some(1), 1));
    assert_eq!(first.payload_preview.as_deref(), Some(&b"hello"[..]));
    assert_eq!(first.property(0x03), Some(&PropertyValue::Text("text/plain".into())));
    assert_eq!(first.property(0x09), Some(&PropertyValue::Binary(b"abc".to_vec())));
    assert_eq!(first.property(0x08), Some(&PropertyValue::Text("fx/reply".into())));
    assert_eq!(first.property(property::USER_PROPERTY), Some(&PropertyValue::Pair("who".into(), "pub".into())));
    assert_eq!(first.size, 2 + 0x3C);
    assert_same_debug_lines("v5-sub", "fx-sub-v5", &sent, &received);
}

#[test]
fn mqtt5_publishers_at_each_qos_decode_and_hide_the_password() {
    for (name, client, acks) in [
        ("v5-pub-qos0", "fx-pub-v5-2", vec![PacketKind::ConnAck]),
        ("v5-pub-qos1", "fx-pub-v5-0", vec![PacketKind::ConnAck, PacketKind::PubAck]),
        ("v5-pub-qos2", "fx-pub-v5-1", vec![PacketKind::ConnAck, PacketKind::PubRec, PacketKind::PubComp]),
    ] {
        let (sent, received) = decode(name, ProtocolVersion::V5);
        assert_eq!(kinds(&received), acks, "{name}");
        assert_same_debug_lines(name, client, &sent, &received);
    }
    let (sent, _) = decode("v5-pub-qos1", ProtocolVersion::V5);
    let connect = &sent[0];
    assert_eq!(connect.field("User name"), Some("alice"));
    assert_eq!(connect.field("Password"), Some("15 bytes (hidden)"));
    let everything = format!("{connect:?} {}", serde_json::to_string(connect).expect("records serialise"));
    assert!(!everything.contains("secret-password"), "the password must never be kept: {everything}");
    let publish = &sent[1];
    assert!(publish.retain());
    assert_eq!(publish.property(0x02), Some(&PropertyValue::U32(30)));
}

#[test]
fn mqtt311_sessions_decode_with_311_names() {
    let (sent, received) = decode("v311-sub", ProtocolVersion::V311);
    assert_eq!(sent[0].field("Protocol"), Some("MQTT level 4 (MQTT 3.1.1)"));
    assert_eq!(sent[0].field("Clean session"), Some("yes"));
    assert_eq!(received[0].reasons(), ["0x00 Connection accepted"]);
    assert_eq!(received[1].reasons(), ["0x02 Success, maximum QoS 2"]);
    assert_same_debug_lines("v311-sub", "fx-sub-v311", &sent, &received);
    for (name, client) in
        [("v311-pub-qos0", "fx-pub-v311-2"), ("v311-pub-qos1", "fx-pub-v311-0"), ("v311-pub-qos2", "fx-pub-v311-1")]
    {
        let (sent, received) = decode(name, ProtocolVersion::V311);
        assert_same_debug_lines(name, client, &sent, &received);
    }
}

#[test]
fn acknowledgements_are_timed_against_what_they_answer() {
    // A QoS 2 publish from this client, each packet 1 ms after the last,
    // bytes from mosquitto_pub's own session.
    let sent = fixture("v5-pub-qos2", "sent.bin");
    let received = fixture("v5-pub-qos2", "received.bin");
    let mut capture = WireCapture::new(ProtocolVersion::V5);
    capture.start_link();
    // CONNECT, CONNACK, PUBLISH, PUBREC, PUBREL, PUBCOMP, DISCONNECT in wire order.
    let sent_packets = split_packets(&sent);
    let received_packets = split_packets(&received);
    let order = [
        (Direction::Sent, 0),
        (Direction::Received, 0),
        (Direction::Sent, 1),
        (Direction::Received, 1),
        (Direction::Sent, 2),
        (Direction::Received, 2),
    ];
    for (step, (direction, index)) in order.into_iter().enumerate() {
        let packet = match direction {
            Direction::Sent => &sent_packets[index],
            Direction::Received => &received_packets[index],
        };
        capture.feed(direction, packet, 1_000 * step as i64);
    }
    let (records, _) = capture.take();
    let timing: Vec<_> = records
        .iter()
        .map(|record| record.timing.map(|timing| (timing.answers, timing.micros, timing.total_micros)))
        .collect();
    assert_eq!(
        timing,
        [
            None,
            Some((PacketKind::Connect, 1_000, None)),
            None,
            Some((PacketKind::Publish, 1_000, None)),
            Some((PacketKind::PubRec, 1_000, None)),
            Some((PacketKind::PubRel, 1_000, Some(3_000))),
        ]
    );
}

/// Whole packets of a recorded stream (lengths here are all one byte).
fn split_packets(stream: &[u8]) -> Vec<Vec<u8>> {
    let mut packets = Vec::new();
    let mut at = 0;
    while at < stream.len() {
        let length = 2 + usize::from(stream[at + 1]);
        packets.push(stream[at..at + length].to_vec());
        at += length;
    }
    packets
}
