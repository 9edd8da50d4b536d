//! What the broker told us at connect time (its CONNACK), kept for the
//! connection details view and acted on when publishing: a broker's
//! Maximum QoS caps ours, a broker without retain or with a Maximum Packet
//! Size gets a clear refusal here instead of a protocol error there.

use crate::mqtt::{ProtocolVersion, Qos};

/// The CONNACK of the current network connection, decoded.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConnAckDetails {
    /// The protocol spoken.
    pub protocol: ProtocolVersion,
    /// The broker resumed a stored session.
    pub session_present: bool,
    /// The keep-alive this client asked for, in seconds.
    pub requested_keep_alive: u16,
    /// MQTT 5: the id the broker assigned (ours was empty).
    pub assigned_client_id: Option<String>,
    /// MQTT 5: Server Keep Alive, which replaces ours (rumqttc applies it).
    pub server_keep_alive: Option<u16>,
    /// MQTT 5: Session Expiry Interval the broker chose.
    pub session_expiry_interval: Option<u32>,
    /// MQTT 5: most QoS 1/2 publishes the broker takes in flight.
    pub receive_maximum: Option<u16>,
    /// MQTT 5: the highest QoS the broker accepts (absent: 2).
    pub maximum_qos: Option<u8>,
    /// MQTT 5: the broker keeps retained messages (absent: yes).
    pub retain_available: Option<bool>,
    /// MQTT 5: the largest packet the broker accepts, in bytes.
    pub maximum_packet_size: Option<u32>,
    /// MQTT 5: topic aliases the broker accepts from us.
    pub topic_alias_maximum: Option<u16>,
    /// MQTT 5: wildcard subscriptions work (absent: yes).
    pub wildcard_available: Option<bool>,
    /// MQTT 5: subscription identifiers work (absent: yes).
    pub subscription_identifiers_available: Option<bool>,
    /// MQTT 5: shared subscriptions work (absent: yes).
    pub shared_available: Option<bool>,
    /// MQTT 5: Response Information (answer to Request Response Information).
    pub response_information: Option<String>,
    /// MQTT 5: another server to use.
    pub server_reference: Option<String>,
    /// MQTT 5: the broker's words about the connection.
    pub reason_string: Option<String>,
    /// MQTT 5: the authentication method in use.
    pub authentication_method: Option<String>,
    /// MQTT 5: user properties, in order.
    pub user_properties: Vec<(String, String)>,
}

/// Why a publish is not sent as asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublishCheck {
    /// Send it as asked.
    Send,
    /// Send it with this lower QoS (the broker's maximum).
    CapQos(Qos),
    /// Do not send it; the reason, in the user's terms.
    Refuse(String),
}

impl ConnAckDetails {
    /// The highest QoS this broker accepts.
    pub fn max_qos(&self) -> Qos {
        self.maximum_qos.and_then(Qos::from_level).unwrap_or(Qos::ExactlyOnce)
    }

    /// What to do with a publish of `packet_size` bytes (the whole PUBLISH
    /// packet) at `qos`, retained or not.
    pub fn check_publish(&self, qos: Qos, retain: bool, packet_size: usize) -> PublishCheck {
        if retain && self.retain_available == Some(false) {
            return PublishCheck::Refuse(
                "the broker does not keep retained messages (Retain Available = 0 in its CONNACK); publish without retain"
                    .into(),
            );
        }
        if let Some(maximum) = self.maximum_packet_size
            && packet_size > maximum as usize
        {
            return PublishCheck::Refuse(format!(
                "this message is a {packet_size}-byte packet; the broker accepts packets up to {maximum} bytes (Maximum Packet Size in its CONNACK)"
            ));
        }
        if qos > self.max_qos() { PublishCheck::CapQos(self.max_qos()) } else { PublishCheck::Send }
    }
}

/// Bytes of a variable byte integer.
fn varint_length(value: usize) -> usize {
    match value {
        0..=127 => 1,
        128..=16_383 => 2,
        16_384..=2_097_151 => 3,
        _ => 4,
    }
}

/// The size of a PUBLISH packet on the wire: fixed header, topic, packet
/// id (QoS > 0), MQTT 5 properties (`properties_length` bytes plus their
/// own length field) and payload.
pub fn publish_packet_size(
    protocol: ProtocolVersion,
    topic: &str,
    qos: Qos,
    properties_length: usize,
    payload: usize,
) -> usize {
    let mut remaining = 2 + topic.len() + payload;
    if qos != Qos::AtMostOnce {
        remaining += 2;
    }
    if protocol == ProtocolVersion::V5 {
        remaining += varint_length(properties_length) + properties_length;
    }
    1 + varint_length(remaining) + remaining
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publish_sizes_match_the_wire() {
        // mosquitto_pub -V 5 -q 1 -r -t fx/a -m hello with five properties
        // was a 117-byte stream of which the PUBLISH was 2 + 60 bytes
        // (tests/fixtures/wire/v5-pub-qos1.sent.bin).
        assert_eq!(publish_packet_size(ProtocolVersion::V5, "fx/a", Qos::AtLeastOnce, 46, 5), 62);
        let properties = crate::mqtt::MessageProperties {
            message_expiry_interval: Some(30),
            content_type: Some("text/plain".into()),
            response_topic: Some("fx/reply".into()),
            correlation_data: Some(b"abc".to_vec()),
            user_properties: vec![("who".into(), "pub".into())],
            ..Default::default()
        };
        assert_eq!(properties.encoded_length(), 46, "the same five properties mosquitto_pub sent");
        assert_eq!(publish_packet_size(ProtocolVersion::V311, "t", Qos::AtMostOnce, 0, 2), 7);
        assert_eq!(publish_packet_size(ProtocolVersion::V311, "t", Qos::AtMostOnce, 0, 200), 2 + 2 + 1 + 1 + 200);
    }

    #[test]
    fn the_broker_limits_decide() {
        let details = ConnAckDetails {
            maximum_qos: Some(1),
            retain_available: Some(false),
            maximum_packet_size: Some(100),
            ..ConnAckDetails::default()
        };
        assert_eq!(details.check_publish(Qos::ExactlyOnce, false, 50), PublishCheck::CapQos(Qos::AtLeastOnce));
        assert_eq!(details.check_publish(Qos::AtLeastOnce, false, 100), PublishCheck::Send);
        assert!(
            matches!(details.check_publish(Qos::AtMostOnce, false, 101), PublishCheck::Refuse(reason) if reason.contains("up to 100 bytes"))
        );
        assert!(
            matches!(details.check_publish(Qos::AtMostOnce, true, 10), PublishCheck::Refuse(reason) if reason.contains("retained"))
        );
        assert_eq!(ConnAckDetails::default().check_publish(Qos::ExactlyOnce, true, 1 << 20), PublishCheck::Send);
    }
}
