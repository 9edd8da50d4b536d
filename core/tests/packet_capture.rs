//! The packet inspector's recording, end to end: the engine against the
//! embedded broker and mosquitto over TCP, TLS, WebSocket and secure
//! WebSocket, and against a scripted broker that sends garbage. Every row
//! must be a packet that really went over the connection, decoded from its
//! bytes, with acknowledgements timed against what they answer.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail the test on error

mod common;

use common::fake_broker::FakeBroker;
use common::{Driver, Mosquitto, brokers, local_profile};
use topicscope_core::engine::{ConnectionEvent, EventKind};
use topicscope_core::ids::ConnectionId;
use topicscope_core::mqtt::{ProtocolVersion, Qos};
use topicscope_core::profile::TransportKind;
use topicscope_core::wire::{Direction, PacketKind, PacketRecord};

fn records(driver: &Driver, connection: ConnectionId) -> Vec<PacketRecord> {
    driver
        .events
        .iter()
        .filter_map(|event| match &event.kind {
            EventKind::Connection { connection: c, event: ConnectionEvent::Packets { records, .. } }
                if *c == connection =>
            {
                Some(records.clone())
            }
            _ => None,
        })
        .flatten()
        .collect()
}

fn wait_for_packet(driver: &mut Driver, connection: ConnectionId, what: &str, wanted: impl Fn(&PacketRecord) -> bool) {
    driver.wait_for(what, |events| {
        events.iter().any(|event| {
            matches!(&event.kind, EventKind::Connection { connection: c, event: ConnectionEvent::Packets { records, .. } }
                if *c == connection && records.iter().any(&wanted))
        })
    });
}

fn find(records: &[PacketRecord], direction: Direction, kind: PacketKind) -> Vec<&PacketRecord> {
    records.iter().filter(|record| record.direction == direction && record.kind == kind).collect()
}

#[test]
fn every_packet_of_a_session_is_recorded_with_its_timing() {
    for broker in brokers() {
        for protocol in [ProtocolVersion::V311, ProtocolVersion::V5] {
            let context = format!("{} {protocol}", broker.name());
            let mut driver = Driver::new();
            let connection = ConnectionId(1);
            driver.connect(connection, local_profile(broker.port(), protocol, "inspected"), Vec::new());
            driver.subscribe(connection, 1, "cap/#", Qos::ExactlyOnce);
            let at_least_once = driver.publish(connection, "cap/one", b"1", Qos::AtLeastOnce, false);
            let exactly_once = driver.publish(connection, "cap/two", b"22", Qos::ExactlyOnce, false);
            driver.delivery(connection, at_least_once);
            driver.delivery(connection, exactly_once);
            driver.wait_messages(connection, 2);
            // Our PUBCOMP for the QoS 2 message we received ends the exchange.
            wait_for_packet(&mut driver, connection, "our PUBCOMP", |record| {
                record.kind == PacketKind::PubComp && record.direction == Direction::Sent
            });
            driver.disconnect(connection);
            wait_for_packet(&mut driver, connection, "our DISCONNECT", |record| record.kind == PacketKind::Disconnect);
            let records = records(&driver, connection);

            let seqs: Vec<u64> = records.iter().map(|record| record.seq).collect();
            assert!(seqs.windows(2).all(|pair| pair[0] < pair[1]), "{context}: in order {seqs:?}");
            assert!(records.iter().all(|record| record.problem.is_none()), "{context}: {records:#?}");
            assert!(records.iter().all(|record| record.protocol == protocol), "{context}");

            let connect = find(&records, Direction::Sent, PacketKind::Connect);
            assert_eq!(connect.len(), 1, "{context}");
            assert_eq!(connect[0].field("Client ID"), Some("inspected"));
            let connack = find(&records, Direction::Received, PacketKind::ConnAck);
            assert_eq!(connack[0].timing.map(|timing| timing.answers), Some(PacketKind::Connect), "{context}");
            assert_eq!(connack[0].reason_codes, [0], "{context}");

            let suback = find(&records, Direction::Received, PacketKind::SubAck);
            assert_eq!(suback[0].reason_codes, [2], "{context}: granted QoS 2");
            assert_eq!(suback[0].timing.map(|timing| timing.answers), Some(PacketKind::Subscribe));

            let sent = find(&records, Direction::Sent, PacketKind::Publish);
            let one = sent.iter().find(|record| record.topic.as_deref() == Some("cap/one")).expect("cap/one sent");
            let header = if protocol == ProtocolVersion::V5 { 1 } else { 0 };
            // Fixed header 2 + topic 2+7 + packet id 2 + (v5: no properties 1) + payload 1.
            assert_eq!(one.size, 2 + 9 + 2 + header + 1, "{context}");
            let puback = find(&records, Direction::Received, PacketKind::PubAck);
            let ack = puback.iter().find(|record| record.packet_id == one.packet_id).expect("PUBACK for cap/one");
            assert_eq!(ack.timing.map(|timing| timing.answers), Some(PacketKind::Publish), "{context}");
            assert!(ack.time_micros >= one.time_micros);

            // Our QoS 2 publish: PUBREC answers PUBLISH, PUBREL answers PUBREC,
            // PUBCOMP answers PUBREL and carries the total.
            let two = sent.iter().find(|record| record.topic.as_deref() == Some("cap/two")).expect("cap/two sent");
            let step = |direction, kind| {
                find(&records, direction, kind)
                    .into_iter()
                    .find(|record| record.packet_id == two.packet_id)
                    .and_then(|record| record.timing)
                    .unwrap_or_else(|| panic!("{context}: {kind} for cap/two"))
            };
            assert_eq!(step(Direction::Received, PacketKind::PubRec).answers, PacketKind::Publish);
            assert_eq!(step(Direction::Sent, PacketKind::PubRel).answers, PacketKind::PubRec);
            let complete = step(Direction::Received, PacketKind::PubComp);
            assert_eq!(complete.answers, PacketKind::PubRel);
            assert!(complete.total_micros.is_some_and(|total| total >= complete.micros), "{context}");

            let received = find(&records, Direction::Received, PacketKind::Publish);
            let topics: Vec<_> = received.iter().filter_map(|record| record.topic.as_deref()).collect();
            assert!(topics.contains(&"cap/one") && topics.contains(&"cap/two"), "{context}: {topics:?}");
            assert_eq!(find(&records, Direction::Sent, PacketKind::Disconnect).len(), 1, "{context}");
        }
    }
}

#[test]
fn tls_and_websocket_connections_are_recorded_as_mqtt_not_as_ciphertext() {
    let dir = std::env::temp_dir().join(format!("topicscope-capture-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    common::make_test_certificates(&dir);
    let shown = dir.display();
    let tls = format!("cafile {shown}/ca.crt\ncertfile {shown}/server.crt\nkeyfile {shown}/server.key\n");
    let (_broker, ports) = Mosquitto::start_with_ports(3, |ports| {
        format!(
            "allow_anonymous true\nlistener {} 127.0.0.1\n{tls}listener {} 127.0.0.1\nprotocol websockets\n\
             listener {} 127.0.0.1\nprotocol websockets\n{tls}",
            ports[0], ports[1], ports[2]
        )
    });
    for (index, (transport, port)) in
        [(TransportKind::Tls, ports[0]), (TransportKind::WebSocket, ports[1]), (TransportKind::WebSocketTls, ports[2])]
            .into_iter()
            .enumerate()
    {
        let mut driver = Driver::new();
        let connection = ConnectionId(index as u64 + 1);
        let mut profile = local_profile(port, ProtocolVersion::V5, "wrapped");
        profile.transport = transport;
        profile.tls.ca_file = Some(dir.join("ca.crt"));
        driver.connect(connection, profile, Vec::new());
        driver.subscribe(connection, 1, "wrapped/#", Qos::AtLeastOnce);
        wait_for_packet(&mut driver, connection, "SUBACK", |record| record.kind == PacketKind::SubAck);
        let records = records(&driver, connection);
        let kinds: Vec<_> = records.iter().map(|record| (record.direction, record.kind)).collect();
        assert_eq!(
            &kinds[..4],
            [
                (Direction::Sent, PacketKind::Connect),
                (Direction::Received, PacketKind::ConnAck),
                (Direction::Sent, PacketKind::Subscribe),
                (Direction::Received, PacketKind::SubAck)
            ],
            "{transport:?}"
        );
        assert!(records.iter().all(|record| record.problem.is_none()), "{transport:?}: {records:#?}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn garbage_that_ends_a_connection_is_shown_as_it_arrived() {
    // CONNACK, then a packet of reserved type 0: rumqttc gives up on the
    // connection; the inspector shows both packets and what is wrong.
    let broker = FakeBroker::start(|mut session| {
        if session.accept().is_some() {
            session.send(&[0x00, 0x02, 0xAB, 0xCD]);
            session.hold();
        }
    });
    let mut driver = Driver::new();
    let connection = ConnectionId(1);
    let mut profile = local_profile(broker.port, ProtocolVersion::V311, "victim");
    profile.reconnect = false;
    driver.connect(connection, profile, Vec::new());
    wait_for_packet(&mut driver, connection, "the reserved packet", |record| record.kind == PacketKind::Reserved);
    let records = records(&driver, connection);
    let garbage = records.iter().find(|record| record.kind == PacketKind::Reserved).expect("recorded");
    assert_eq!(garbage.direction, Direction::Received);
    assert_eq!(garbage.size, 4);
    assert!(garbage.problem.as_deref().is_some_and(|problem| problem.contains("reserved")), "{garbage:?}");
}

#[test]
fn a_profile_that_does_not_record_packets_sends_none() {
    let broker = Mosquitto::start();
    let mut driver = Driver::new();
    let connection = ConnectionId(1);
    let mut profile = local_profile(broker.port, ProtocolVersion::V5, "unrecorded");
    profile.record_packets = false;
    driver.connect(connection, profile, Vec::new());
    let request = driver.publish(connection, "quiet/x", b"1", Qos::AtLeastOnce, false);
    driver.delivery(connection, request);
    driver.disconnect(connection);
    assert!(records(&driver, connection).is_empty());
}

#[test]
fn a_publish_sent_again_after_a_reconnect_is_marked_dup_and_stands_out() {
    // First connection: the PUBLISH is never acknowledged and the socket
    // closes. Second: the broker resumes the session and acknowledges it.
    let connections = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen_dup = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (count, dup) = (connections.clone(), seen_dup.clone());
    let broker = FakeBroker::start(move |mut session| {
        if session.expect_connect().is_none() {
            return;
        }
        let first = count.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0;
        // CONNACK, session present on the second connection.
        session.send(&[0x20, 2, u8::from(!first), 0]);
        let Some(publish) = session.read_until(3) else { return };
        if first {
            return; // dropped unacknowledged
        }
        dup.store(publish.flags & 0b1000 != 0, std::sync::atomic::Ordering::SeqCst);
        session.send(&[0x40, 2, publish.body[2 + 8], publish.body[3 + 8]]);
        session.hold();
    });
    let mut driver = Driver::new();
    let connection = ConnectionId(1);
    let mut profile = local_profile(broker.port, ProtocolVersion::V311, "retrying");
    profile.clean_start = false;
    driver.connect(connection, profile, Vec::new());
    // (The engine reports the first attempt as unanswered when the
    // connection drops; rumqttc sends it again on the resumed session.)
    driver.publish(connection, "retry/me", b"x", Qos::AtLeastOnce, false);
    wait_for_packet(&mut driver, connection, "the PUBACK", |record| record.kind == PacketKind::PubAck);
    assert!(seen_dup.load(std::sync::atomic::Ordering::SeqCst), "the broker saw DUP = 1 on the second PUBLISH");
    let records = records(&driver, connection);
    let publishes = find(&records, Direction::Sent, PacketKind::Publish);
    assert_eq!(publishes.len(), 2, "{records:#?}");
    assert!(!publishes[0].duplicate());
    assert!(publishes[1].duplicate(), "the retransmission is marked");
    assert_eq!(publishes[0].packet_id, publishes[1].packet_id);
    assert_eq!((publishes[0].link, publishes[1].link), (1, 2), "one per network connection");
}
