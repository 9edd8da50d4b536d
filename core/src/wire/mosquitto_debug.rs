//! The lines mosquitto_sub and mosquitto_pub print with `-d`, from our
//! packet records, so scripts that grep mosquitto's output keep working
//! with `topicscope sub -d` / `pub -d`. The wording is mosquitto's
//! (checked line by line against its output in core/tests/wire_fixtures.rs).
//! Two differences: mosquitto numbers QoS 0 publishes it sends with its
//! internal message id (MQTT gives them none; we print `m0`), and it prints
//! packets in the order it handles them, ours in the order they went over
//! the wire (a PUBLISH that arrived in the same read as the one before it
//! may come before that one's PUBACK).

use super::record::{Direction, PacketKind, PacketRecord};

/// mosquitto's `-d` lines for one packet (SUBSCRIBE has one per filter);
/// empty for packets mosquitto does not log.
pub fn debug_lines(client_id: &str, record: &PacketRecord) -> Vec<String> {
    let id = client_id;
    let mid = record.packet_id.unwrap_or(0);
    let reason = record.reason_codes.first().copied().unwrap_or(0);
    let sent = record.direction == Direction::Sent;
    let line = match (record.kind, sent) {
        (PacketKind::Connect, true) => format!("Client {id} sending CONNECT"),
        (PacketKind::ConnAck, false) => format!("Client {id} received CONNACK ({reason})"),
        (PacketKind::Publish, _) => {
            let verb = if sent { "sending" } else { "received" };
            format!(
                "Client {id} {verb} PUBLISH (d{}, q{}, r{}, m{mid}, '{}', ... ({} bytes))",
                u8::from(record.duplicate()),
                record.qos_bits(),
                u8::from(record.retain()),
                record.topic.as_deref().unwrap_or_default(),
                record.payload_size.unwrap_or(0)
            )
        }
        (PacketKind::PubAck, true) => format!("Client {id} sending PUBACK (m{mid}, rc{reason})"),
        (PacketKind::PubRec, true) => format!("Client {id} sending PUBREC (m{mid}, rc{reason})"),
        (PacketKind::PubRel, true) => format!("Client {id} sending PUBREL (m{mid})"),
        (PacketKind::PubComp, true) => format!("Client {id} sending PUBCOMP (m{mid})"),
        (PacketKind::PubAck, false) => format!("Client {id} received PUBACK (Mid: {mid}, RC:{reason})"),
        (PacketKind::PubRec, false) => format!("Client {id} received PUBREC (Mid: {mid})"),
        (PacketKind::PubRel, false) => format!("Client {id} received PUBREL (Mid: {mid})"),
        (PacketKind::PubComp, false) => format!("Client {id} received PUBCOMP (Mid: {mid}, RC:{reason})"),
        (PacketKind::Subscribe, true) => {
            return record
                .filters
                .iter()
                .map(|filter| {
                    let options = filter.options.unwrap_or(0);
                    // mosquitto prints the options without the QoS bits.
                    format!(
                        "Client {id} sending SUBSCRIBE (Mid: {mid}, Topic: {}, QoS: {}, Options: 0x{:02x})",
                        filter.filter,
                        options & 0b11,
                        options & !0b11
                    )
                })
                .collect();
        }
        (PacketKind::SubAck, false) => format!("Client {id} received SUBACK"),
        (PacketKind::Unsubscribe, true) => {
            return record
                .filters
                .iter()
                .map(|filter| format!("Client {id} sending UNSUBSCRIBE (Mid: {mid}, Topic: {})", filter.filter))
                .collect();
        }
        (PacketKind::UnsubAck, false) => format!("Client {id} received UNSUBACK"),
        (PacketKind::PingReq, true) => format!("Client {id} sending PINGREQ"),
        (PacketKind::PingResp, false) => format!("Client {id} received PINGRESP"),
        (PacketKind::Disconnect, true) => format!("Client {id} sending DISCONNECT"),
        (PacketKind::Disconnect, false) => format!("Client {id} received DISCONNECT ({reason})"),
        (PacketKind::Auth, true) => format!("Client {id} sending AUTH"),
        (PacketKind::Auth, false) => format!("Client {id} received AUTH ({reason})"),
        _ => return Vec::new(),
    };
    vec![line]
}
