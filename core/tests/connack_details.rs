//! What the broker told us, against mosquitto configured with limits
//! (max_qos, retain_available, max_packet_size, max_keepalive): every
//! CONNACK property reaches the details, and the engine acts on them —
//! the QoS is capped, a retained or oversized publish is refused with a
//! clear reason instead of a dropped connection. UNSUBACK and server
//! DISCONNECT reason codes arrive with their spec names.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail the test on error

mod common;

use common::fake_broker::{FakeBroker, wire};
use common::{Driver, Mosquitto, local_profile};
use topicscope_core::engine::connack_details::ConnAckDetails;
use topicscope_core::engine::{
    Command, ConnectionEvent, ConnectionFailure, ConnectionState, DeliveryOutcome, EventKind,
};
use topicscope_core::ids::{ConnectionId, SubscriptionId};
use topicscope_core::mqtt::{ProtocolVersion, Qos};
use topicscope_core::wire::PacketKind;

fn connack(driver: &Driver, connection: ConnectionId) -> ConnAckDetails {
    driver
        .events
        .iter()
        .rev()
        .find_map(|event| match &event.kind {
            EventKind::Connection { connection: c, event: ConnectionEvent::ConnAck(details) } if *c == connection => {
                Some((**details).clone())
            }
            _ => None,
        })
        .expect("a ConnAck event after Connected")
}

fn sent_qos(driver: &Driver, topic: &str) -> Option<Qos> {
    driver.events.iter().find_map(|event| match &event.kind {
        EventKind::Connection { event: ConnectionEvent::PublishSent { message, .. }, .. } if message.topic == topic => {
            Some(message.qos)
        }
        _ => None,
    })
}

#[test]
fn a_limited_broker_is_described_and_obeyed() {
    let broker = Mosquitto::start_on(
        common::free_port(),
        "allow_anonymous true\nmax_qos 1\nretain_available false\nmax_packet_size 200\nmax_keepalive 10\n",
    );
    let mut driver = Driver::new();
    let connection = ConnectionId(1);
    let mut profile = local_profile(broker.port, ProtocolVersion::V5, "");
    profile.mqtt5.request_response_information = true;
    profile.keep_alive_secs = 60;
    driver.connect(connection, profile, Vec::new());
    let details = connack(&driver, connection);
    assert_eq!(details.protocol, ProtocolVersion::V5);
    assert_eq!(details.maximum_qos, Some(1));
    assert_eq!(details.retain_available, Some(false));
    assert_eq!(details.maximum_packet_size, Some(200));
    assert_eq!(details.server_keep_alive, Some(10), "mosquitto lowers our 60 s to its max_keepalive");
    assert_eq!(details.requested_keep_alive, 60);

    // QoS 2 goes as QoS 1, acknowledged by PUBACK.
    let capped = driver.publish(connection, "limits/qos", b"2", Qos::ExactlyOnce, false);
    assert_eq!(driver.delivery(connection, capped), DeliveryOutcome::Acknowledged);
    assert_eq!(sent_qos(&driver, "limits/qos"), Some(Qos::AtLeastOnce));

    // Retained and oversized publishes are refused here; the connection stays up.
    let retained = driver.publish(connection, "limits/retained", b"r", Qos::AtMostOnce, true);
    match driver.delivery(connection, retained) {
        DeliveryOutcome::Failed(reason) => assert!(reason.contains("does not keep retained messages"), "{reason}"),
        other => panic!("{other:?}"),
    }
    let large = driver.publish(connection, "limits/large", &[b'x'; 300], Qos::AtLeastOnce, false);
    match driver.delivery(connection, large) {
        DeliveryOutcome::Failed(reason) => assert!(reason.contains("up to 200 bytes"), "{reason}"),
        other => panic!("{other:?}"),
    }
    let fits = driver.publish(connection, "limits/fits", &[b'x'; 150], Qos::AtLeastOnce, false);
    assert_eq!(driver.delivery(connection, fits), DeliveryOutcome::Acknowledged);
    assert!(matches!(driver.state(connection), Some(ConnectionState::Connected { .. })));

    // The Server Keep Alive is applied: a PINGREQ after 10 s idle, not 60.
    driver.wait_for("a PINGREQ", |events| {
        events.iter().any(|event| {
            matches!(&event.kind, EventKind::Connection { event: ConnectionEvent::Packets { records, .. }, .. }
                if records.iter().any(|record| record.kind == PacketKind::PingReq))
        })
    });
}

#[test]
fn unsuback_reason_codes_carry_their_spec_names() {
    let broker = Mosquitto::start();
    let mut driver = Driver::new();
    let connection = ConnectionId(1);
    driver.connect(connection, local_profile(broker.port, ProtocolVersion::V5, "unsubscriber"), Vec::new());
    driver.send(Command::UnsubscribeFilter {
        connection,
        subscription: SubscriptionId(9),
        filter: "never/subscribed".into(),
    });
    driver.wait_for("UNSUBACK", |events| {
        events.iter().any(|event| {
            matches!(&event.kind, EventKind::Connection { event: ConnectionEvent::Unsubscribed { reasons, .. }, .. }
                if reasons == &["0x11 No subscription existed".to_owned()])
        })
    });
}

#[test]
fn a_server_disconnect_names_its_reason_code_and_string() {
    // DISCONNECT 0x8B Server shutting down, Reason String "maintenance".
    let broker = FakeBroker::start(|mut session| {
        if session.accept().is_some() {
            let reason = [&[0x1F][..], &wire::string(b"maintenance")].concat();
            session.send(&wire::packet(0xE0, &[&[0x8B][..], &wire::properties(&reason)].concat()));
            session.hold();
        }
    });
    let mut driver = Driver::new();
    let connection = ConnectionId(1);
    let mut profile = local_profile(broker.port, ProtocolVersion::V5, "told-to-go");
    profile.reconnect = false;
    driver.connect(connection, profile, Vec::new());
    match driver.failure(connection) {
        ConnectionFailure::ServerDisconnect(reason) => {
            assert_eq!(reason, "0x8B Server shutting down: maintenance");
        }
        other => panic!("{other:?}"),
    }
}
