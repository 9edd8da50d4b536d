//! The engine against a broker that misbehaves on purpose (see
//! common/fake_broker.rs): no panic, a specific error in the user's terms,
//! the right connection state, and memory within a stated bound.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod common;

use std::time::Duration;

use common::fake_broker::{FakeBroker, Session, kind, wire};
use common::{Driver, local_profile, wait_until};
use topicscope_core::engine::{ConnectionEvent, ConnectionFailure, ConnectionState, EventKind, SubscriptionSpec};
use topicscope_core::ids::{ConnectionId, SubscriptionId};
use topicscope_core::mqtt::{ProtocolVersion, Qos};
use topicscope_core::profile::ConnectionProfile;

const CONNECTION: ConnectionId = ConnectionId(1);

fn subscription(filter: &str) -> SubscriptionSpec {
    SubscriptionSpec {
        id: SubscriptionId(1),
        filter: filter.into(),
        qos: Qos::AtMostOnce,
        ..SubscriptionSpec::default()
    }
}

fn profile(broker: &FakeBroker, protocol: ProtocolVersion) -> ConnectionProfile {
    let mut profile = local_profile(broker.port, protocol, "hostile");
    profile.connect_timeout_secs = 2;
    profile.reconnect_backoff_cap_secs = 1;
    profile
}

/// Connects with one subscription and returns the first failure the engine
/// reports (reconnecting or failed), with every state seen until then.
fn first_failure(broker: &FakeBroker, profile: ConnectionProfile) -> (ConnectionFailure, Driver) {
    let mut driver = Driver::new();
    driver.send(topicscope_core::engine::Command::Connect {
        connection: CONNECTION,
        profile: Box::new(profile),
        subscriptions: vec![subscription("#")],
    });
    let mut failure = None;
    driver.wait_for("a failure", |events| {
        failure = events.iter().find_map(|event| match &event.kind {
            EventKind::Connection {
                event:
                    ConnectionEvent::State(
                        ConnectionState::Reconnecting { error, .. } | ConnectionState::Failed(error),
                    ),
                ..
            } => Some(error.clone()),
            _ => None,
        });
        failure.is_some()
    });
    let _ = broker;
    (failure.expect("failure"), driver)
}

fn send_alias(alias_script: fn(&mut Session)) -> impl Fn(Session) + Send + Sync + 'static {
    move |mut session: Session| {
        if session.accept_and_grant_subscribe().is_none() {
            return;
        }
        alias_script(&mut session);
        session.hold();
    }
}

#[test]
fn an_undefined_topic_alias_is_a_named_protocol_error_and_the_engine_reconnects() {
    let broker = FakeBroker::start(send_alias(|session| {
        session.send(&wire::publish_v5(b"", Some(7), b"where am I"));
    }));
    let mut profile = profile(&broker, ProtocolVersion::V5);
    profile.mqtt5.topic_alias_maximum = Some(10);
    let (failure, _driver) = first_failure(&broker, profile);
    assert!(matches!(failure, ConnectionFailure::Protocol(_)), "{failure:?}");
    let text = failure.to_string();
    assert!(text.contains("topic alias 7") && text.contains("never defined"), "{text}");
    // Reconnects per the policy (back-off 1 s).
    assert!(wait_until(Duration::from_secs(10), || broker.connections() >= 2), "no reconnect");
}

#[test]
fn topic_alias_zero_is_refused() {
    let broker = FakeBroker::start(send_alias(|session| {
        session.send(&wire::publish_v5(b"a/b", Some(0), b"zero"));
    }));
    let mut profile = profile(&broker, ProtocolVersion::V5);
    profile.mqtt5.topic_alias_maximum = Some(10);
    let (failure, _driver) = first_failure(&broker, profile);
    assert!(failure.to_string().contains("topic alias 0"), "{failure}");
}

#[test]
fn a_topic_alias_above_the_announced_maximum_is_refused() {
    let broker = FakeBroker::start(send_alias(|session| {
        for alias in 1..=20u16 {
            session.send(&wire::publish_v5(format!("t/{alias}").as_bytes(), Some(alias), b"x"));
        }
    }));
    let mut profile = profile(&broker, ProtocolVersion::V5);
    profile.mqtt5.topic_alias_maximum = Some(5);
    let (failure, driver) = first_failure(&broker, profile);
    let text = failure.to_string();
    assert!(text.contains("topic alias 6") && text.contains("at most 5"), "{text}");
    // The five defined aliases were delivered with their topics.
    let topics: Vec<String> = driver.messages(CONNECTION).into_iter().map(|message| message.topic).collect();
    assert_eq!(topics, ["t/1", "t/2", "t/3", "t/4", "t/5"]);
}

#[test]
fn a_topic_alias_when_none_were_allowed_is_refused() {
    let broker = FakeBroker::start(send_alias(|session| {
        session.send(&wire::publish_v5(b"a/b", Some(1), b"x"));
    }));
    let (failure, _driver) = first_failure(&broker, profile(&broker, ProtocolVersion::V5));
    assert!(failure.to_string().contains("topic alias 1"), "{failure}");
}

#[test]
fn defined_aliases_resolve_and_a_new_connection_forgets_them() {
    let broker = FakeBroker::start(|mut session: Session| {
        if session.accept_and_grant_subscribe().is_none() {
            return;
        }
        session.send(&wire::publish_v5(b"plant/1/temp", Some(3), b"20"));
        session.send(&wire::publish_v5(b"", Some(3), b"21"));
        session.hold();
    });
    let mut profile = profile(&broker, ProtocolVersion::V5);
    profile.mqtt5.topic_alias_maximum = Some(10);
    let mut driver = Driver::new();
    driver.connect(CONNECTION, profile, vec![subscription("#")]);
    let messages = driver.wait_messages(CONNECTION, 2);
    assert_eq!(messages[1].topic, "plant/1/temp");
    assert_eq!(&messages[1].payload[..], b"21");
    let _ = kind::PUBLISH;
}

/// Resident memory of this process in bytes (Linux; 0 elsewhere).
fn resident_bytes() -> usize {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|text| text.split_whitespace().nth(1).and_then(|pages| pages.parse::<usize>().ok()))
        .map_or(0, |pages| pages * 4096)
}

/// A broker that accepts CONNECT, then does `then` to the client.
fn after_connack(then: fn(&mut Session)) -> FakeBroker {
    FakeBroker::start(move |mut session: Session| {
        if session.accept().is_none() {
            return;
        }
        then(&mut session);
        session.hold();
    })
}

fn failure_of(broker: &FakeBroker, protocol: ProtocolVersion) -> String {
    first_failure(broker, profile(broker, protocol)).0.to_string()
}

fn assert_names(text: &str, words: &[&str]) {
    for word in words {
        assert!(text.contains(word), "{word:?} in {text:?}");
    }
}

#[test]
fn data_that_is_not_mqtt_is_named_as_such() {
    // Packet type 15 (AUTH) does not exist in 3.1.1; rumqttc said
    // "Mqtt serialization/deserialization error: Invalid packet type = 15".
    let broker = FakeBroker::answering_connect(&[0xf0, 0x00]);
    assert_names(&failure_of(&broker, ProtocolVersion::V311), &["sent data that is not MQTT", "packet type 15"]);
    // An HTTP server on the MQTT port.
    let http = FakeBroker::answering_connect(
        b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\nContent-Length: 150\r\nConnection: close\r\n\r\n\
          <html><head><title>400 Bad Request</title></head><body><h1>Bad Request</h1>\
          <p>This port speaks HTTP, not MQTT.</p></body></html>",
    );
    for protocol in [ProtocolVersion::V311, ProtocolVersion::V5] {
        let text = failure_of(&http, protocol);
        assert!(text.contains("MQTT") && !text.contains("serialization"), "{text}");
    }
}

#[test]
fn unknown_connack_reason_codes_and_properties_are_named() {
    let v5 = FakeBroker::answering_connect(&[0x20, 0x03, 0x00, 0x42, 0x00]);
    assert_names(&failure_of(&v5, ProtocolVersion::V5), &["answered CONNECT with an unknown reason code 0x42"]);
    let v3 = FakeBroker::answering_connect(&[0x20, 0x02, 0x00, 0x06]);
    assert_names(&failure_of(&v3, ProtocolVersion::V311), &["unknown reason code 0x06"]);
    // Property 0x7F does not exist.
    let property = FakeBroker::answering_connect(&[0x20, 0x05, 0x00, 0x00, 0x02, 0x7f, 0x00]);
    assert_names(&failure_of(&property, ProtocolVersion::V5), &["unknown MQTT 5 property (0x7F)"]);
}

#[test]
fn malformed_lengths_and_huge_claims_fail_without_buffering() {
    // A remaining length of five bytes (the most is four).
    let varint = after_connack(|session| {
        session.send(&[0x30, 0xff, 0xff, 0xff, 0xff, 0x01]);
    });
    for protocol in [ProtocolVersion::V311, ProtocolVersion::V5] {
        assert_names(&failure_of(&varint, protocol), &["length field is malformed"]);
    }
    // A PUBLISH claiming 256 MiB, then silence: refused from the header
    // against the profile's maximum, never waited for or buffered.
    let claim = after_connack(|session| {
        let mut header = vec![0x30];
        header.extend(wire::varint(256 * 1024 * 1024 - 1));
        session.send(&header);
    });
    let before = resident_bytes();
    for protocol in [ProtocolVersion::V311, ProtocolVersion::V5] {
        let mut profile = profile(&claim, protocol);
        profile.max_packet_size = 1024 * 1024;
        let text = first_failure(&claim, profile).0.to_string();
        assert_names(&text, &["larger than this connection accepts", "Maximum packet size"]);
    }
    let grown = resident_bytes().saturating_sub(before);
    assert!(grown < 64 * 1024 * 1024, "memory grew by {grown} bytes");
}

#[test]
fn topics_that_are_not_utf8_are_refused() {
    let broker = FakeBroker::start(|mut session: Session| {
        let Some(v5) = session.accept_and_grant_subscribe() else { return };
        if v5 {
            session.send(&wire::publish_v5(b"bad/\xff\xfe", None, b"x"));
        } else {
            session.send(&wire::publish_v3(b"bad/\xff\xfe", b"x"));
        }
        session.hold();
    });
    for protocol in [ProtocolVersion::V311, ProtocolVersion::V5] {
        assert_names(&failure_of(&broker, protocol), &["topic that is not valid UTF-8"]);
    }
}

#[test]
fn acknowledgements_for_packets_never_sent_are_named() {
    let broker = after_connack(|session| {
        session.send(&wire::puback(999));
    });
    for protocol in [ProtocolVersion::V311, ProtocolVersion::V5] {
        assert_names(&failure_of(&broker, protocol), &["acknowledged packet id 999, which this client never sent"]);
    }
    // A SUBACK for an id never used is ignored: the subscription that was
    // asked for still gets its own answer.
    let suback = FakeBroker::start(|mut session: Session| {
        let Some(connect) = session.accept() else { return };
        let v5 = connect.protocol_level() == 5;
        let Some(subscribe) = session.read_until(kind::SUBSCRIBE) else { return };
        session.send(&wire::suback(subscribe.packet_id().wrapping_add(100), v5, &[0]));
        session.send(&wire::suback(subscribe.packet_id(), v5, &[1]));
        session.hold();
    });
    let mut driver = Driver::new();
    driver.connect(CONNECTION, profile(&suback, ProtocolVersion::V5), vec![subscription("a/#")]);
    driver.wait_for("the real SUBACK", |events| {
        events
            .iter()
            .any(|event| matches!(&event.kind, EventKind::Connection { event: ConnectionEvent::Subscribed { .. }, .. }))
    });
}

#[test]
fn silence_a_byte_a_second_or_a_close_mid_packet_end_in_a_timeout_or_a_loss() {
    let silent = FakeBroker::start(|mut session: Session| {
        let _ = session.expect_connect();
        session.hold();
    });
    assert!(matches!(first_failure(&silent, profile(&silent, ProtocolVersion::V5)).0, ConnectionFailure::Timeout(2)));
    let dribble = FakeBroker::start(|mut session: Session| {
        let _ = session.expect_connect();
        for byte in wire::connack_v5(0, &[]) {
            if session.stopped() || !session.send(&[byte]) {
                return;
            }
            std::thread::sleep(Duration::from_secs(1));
        }
        session.hold();
    });
    assert!(matches!(first_failure(&dribble, profile(&dribble, ProtocolVersion::V5)).0, ConnectionFailure::Timeout(2)));
    let cut = FakeBroker::start(|mut session: Session| {
        if session.accept().is_none() {
            return;
        }
        let publish = wire::publish_v3(b"a/b", b"half of this never arrives");
        session.send(&publish[..10]);
        session.close();
    });
    for protocol in [ProtocolVersion::V311, ProtocolVersion::V5] {
        let failure = first_failure(&cut, profile(&cut, protocol)).0;
        assert!(matches!(failure, ConnectionFailure::Lost(_)), "{failure:?}");
    }
}

#[test]
fn garbage_where_tls_was_expected_is_a_tls_failure() {
    let broker = FakeBroker::start(|mut session: Session| {
        session.send(&[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x50, 0xde, 0xad, 0xbe, 0xef]);
        session.hold();
    });
    let mut profile = profile(&broker, ProtocolVersion::V5);
    profile.transport = topicscope_core::profile::TransportKind::Tls;
    let failure = first_failure(&broker, profile).0;
    assert!(matches!(failure, ConnectionFailure::Tls(_)), "{failure:?}");
}

#[test]
fn random_bytes_never_panic_and_always_end_in_a_reported_failure() {
    for seed in 0..12u64 {
        let broker = FakeBroker::start(move |mut session: Session| {
            if session.accept().is_none() {
                return;
            }
            // A simple generator: the bytes differ per seed, the test repeats.
            let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
            let garbage: Vec<u8> = (0..4096)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    (state >> 24) as u8
                })
                .collect();
            session.send(&garbage);
            session.close();
        });
        let protocol = if seed % 2 == 0 { ProtocolVersion::V5 } else { ProtocolVersion::V311 };
        let (failure, _driver) = first_failure(&broker, profile(&broker, protocol));
        assert!(!failure.to_string().contains("serialization"), "library words: {failure}");
    }
}

#[test]
fn a_flood_of_a_million_tiny_publishes_arrives_in_bounded_memory() {
    const COUNT: usize = 1_000_000;
    let broker = FakeBroker::start(|mut session: Session| {
        let Some(_) = session.accept_and_grant_subscribe() else { return };
        let one = wire::publish_v3(b"f", b"1");
        let chunk: Vec<u8> = one.iter().copied().cycle().take(one.len() * 10_000).collect();
        for _ in 0..COUNT / 10_000 {
            if !session.send(&chunk) {
                return;
            }
        }
        session.hold();
    });
    let mut driver = Driver::new();
    driver.send(topicscope_core::engine::Command::Connect {
        connection: CONNECTION,
        profile: Box::new(profile(&broker, ProtocolVersion::V311)),
        subscriptions: vec![subscription("#")],
    });
    let before = resident_bytes();
    let mut received = 0;
    let mut peak = 0;
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    while received < COUNT && std::time::Instant::now() < deadline {
        // Counted and dropped, as the window's store would cap them.
        while let Some(event) = driver.engine.try_recv() {
            if let EventKind::Connection { event: ConnectionEvent::Messages(batch), .. } = &event.kind {
                received += batch.len();
            }
        }
        peak = peak.max(resident_bytes().saturating_sub(before));
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(received, COUNT);
    assert!(peak < 256 * 1024 * 1024, "memory grew by {peak} bytes");
}
