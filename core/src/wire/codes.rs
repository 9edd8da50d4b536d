//! The spec's names for reason codes and properties (MQTT 5.0 §2.4 table
//! 2-6 and §2.2.2.2 table 2-4; MQTT 3.1.1 §3.2.2.3 and §3.9.3), so every
//! code the inspector shows reads like `0x87 Not authorized`.

use super::record::PacketKind;
use crate::mqtt::ProtocolVersion;

/// How a property's value is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PropertyType {
    /// One byte.
    Byte,
    /// Big-endian u16.
    U16,
    /// Big-endian u32.
    U32,
    /// Variable byte integer.
    VarInt,
    /// Length-prefixed UTF-8.
    Text,
    /// Length-prefixed bytes.
    Binary,
    /// Two length-prefixed UTF-8 strings.
    Pair,
}

/// Property identifiers the inspector and the connection details read.
pub mod property {
    /// 0x11
    pub const SESSION_EXPIRY_INTERVAL: u8 = 0x11;
    /// 0x12
    pub const ASSIGNED_CLIENT_IDENTIFIER: u8 = 0x12;
    /// 0x13
    pub const SERVER_KEEP_ALIVE: u8 = 0x13;
    /// 0x16
    pub const AUTHENTICATION_DATA: u8 = 0x16;
    /// 0x1A
    pub const RESPONSE_INFORMATION: u8 = 0x1A;
    /// 0x1C
    pub const SERVER_REFERENCE: u8 = 0x1C;
    /// 0x1F
    pub const REASON_STRING: u8 = 0x1F;
    /// 0x21
    pub const RECEIVE_MAXIMUM: u8 = 0x21;
    /// 0x22
    pub const TOPIC_ALIAS_MAXIMUM: u8 = 0x22;
    /// 0x23
    pub const TOPIC_ALIAS: u8 = 0x23;
    /// 0x24
    pub const MAXIMUM_QOS: u8 = 0x24;
    /// 0x25
    pub const RETAIN_AVAILABLE: u8 = 0x25;
    /// 0x26
    pub const USER_PROPERTY: u8 = 0x26;
    /// 0x27
    pub const MAXIMUM_PACKET_SIZE: u8 = 0x27;
    /// 0x28
    pub const WILDCARD_SUBSCRIPTION_AVAILABLE: u8 = 0x28;
    /// 0x29
    pub const SUBSCRIPTION_IDENTIFIER_AVAILABLE: u8 = 0x29;
    /// 0x2A
    pub const SHARED_SUBSCRIPTION_AVAILABLE: u8 = 0x2A;
}

/// A property's name and encoding, `None` for identifiers MQTT 5 does not define.
pub fn property_info(id: u8) -> Option<(&'static str, PropertyType)> {
    use PropertyType::{Binary, Byte, Pair, Text, U16, U32, VarInt};
    Some(match id {
        0x01 => ("Payload Format Indicator", Byte),
        0x02 => ("Message Expiry Interval", U32),
        0x03 => ("Content Type", Text),
        0x08 => ("Response Topic", Text),
        0x09 => ("Correlation Data", Binary),
        0x0B => ("Subscription Identifier", VarInt),
        0x11 => ("Session Expiry Interval", U32),
        0x12 => ("Assigned Client Identifier", Text),
        0x13 => ("Server Keep Alive", U16),
        0x15 => ("Authentication Method", Text),
        0x16 => ("Authentication Data", Binary),
        0x17 => ("Request Problem Information", Byte),
        0x18 => ("Will Delay Interval", U32),
        0x19 => ("Request Response Information", Byte),
        0x1A => ("Response Information", Text),
        0x1C => ("Server Reference", Text),
        0x1F => ("Reason String", Text),
        0x21 => ("Receive Maximum", U16),
        0x22 => ("Topic Alias Maximum", U16),
        0x23 => ("Topic Alias", U16),
        0x24 => ("Maximum QoS", Byte),
        0x25 => ("Retain Available", Byte),
        0x26 => ("User Property", Pair),
        0x27 => ("Maximum Packet Size", U32),
        0x28 => ("Wildcard Subscription Available", Byte),
        0x29 => ("Subscription Identifier Available", Byte),
        0x2A => ("Shared Subscription Available", Byte),
        _ => return None,
    })
}

/// The spec's name for a reason code in this packet, or why it does not
/// belong there (e.g. "not a valid PUBACK reason code").
pub fn reason_name(protocol: ProtocolVersion, kind: PacketKind, code: u8) -> Result<&'static str, String> {
    let name = match protocol {
        ProtocolVersion::V311 => v311_name(kind, code),
        ProtocolVersion::V5 => v5_name(kind, code),
    };
    name.ok_or_else(|| format!("0x{code:02X} is not a valid {kind} reason code"))
}

/// `0x87 Not authorized`, or `0x99 (not a valid PUBACK reason code)`.
pub fn describe_reason(protocol: ProtocolVersion, kind: PacketKind, code: u8) -> String {
    match reason_name(protocol, kind, code) {
        Ok(name) => format!("0x{code:02X} {name}"),
        Err(_) => format!("0x{code:02X} (not a valid {kind} reason code)"),
    }
}

fn v311_name(kind: PacketKind, code: u8) -> Option<&'static str> {
    match (kind, code) {
        (PacketKind::ConnAck, 0) => Some("Connection accepted"),
        (PacketKind::ConnAck, 1) => Some("Unacceptable protocol version"),
        (PacketKind::ConnAck, 2) => Some("Identifier rejected"),
        (PacketKind::ConnAck, 3) => Some("Server unavailable"),
        (PacketKind::ConnAck, 4) => Some("Bad user name or password"),
        (PacketKind::ConnAck, 5) => Some("Not authorized"),
        (PacketKind::SubAck, 0) => Some("Success, maximum QoS 0"),
        (PacketKind::SubAck, 1) => Some("Success, maximum QoS 1"),
        (PacketKind::SubAck, 2) => Some("Success, maximum QoS 2"),
        (PacketKind::SubAck, 0x80) => Some("Failure"),
        _ => None,
    }
}

fn v5_name(kind: PacketKind, code: u8) -> Option<&'static str> {
    use PacketKind::{Auth, ConnAck, Disconnect, PubAck, PubComp, PubRec, PubRel, SubAck, UnsubAck};
    let publish_ack = matches!(kind, PubAck | PubRec);
    Some(match code {
        0x00 => match kind {
            Disconnect => "Normal disconnection",
            SubAck => "Granted QoS 0",
            ConnAck | PubAck | PubRec | PubRel | PubComp | UnsubAck | Auth => "Success",
            _ => return None,
        },
        0x01 if kind == SubAck => "Granted QoS 1",
        0x02 if kind == SubAck => "Granted QoS 2",
        0x04 if kind == Disconnect => "Disconnect with Will Message",
        0x10 if publish_ack => "No matching subscribers",
        0x11 if kind == UnsubAck => "No subscription existed",
        0x18 if kind == Auth => "Continue authentication",
        0x19 if kind == Auth => "Re-authenticate",
        0x80 if matches!(kind, ConnAck | PubAck | PubRec | SubAck | UnsubAck | Disconnect) => "Unspecified error",
        0x81 if matches!(kind, ConnAck | Disconnect) => "Malformed Packet",
        0x82 if matches!(kind, ConnAck | Disconnect) => "Protocol Error",
        0x83 if matches!(kind, ConnAck | PubAck | PubRec | SubAck | UnsubAck | Disconnect) => {
            "Implementation specific error"
        }
        0x84 if kind == ConnAck => "Unsupported Protocol Version",
        0x85 if kind == ConnAck => "Client Identifier not valid",
        0x86 if kind == ConnAck => "Bad User Name or Password",
        0x87 if matches!(kind, ConnAck | PubAck | PubRec | SubAck | UnsubAck | Disconnect) => "Not authorized",
        0x88 if kind == ConnAck => "Server unavailable",
        0x89 if matches!(kind, ConnAck | Disconnect) => "Server busy",
        0x8A if kind == ConnAck => "Banned",
        0x8B if kind == Disconnect => "Server shutting down",
        0x8C if matches!(kind, ConnAck | Disconnect) => "Bad authentication method",
        0x8D if kind == Disconnect => "Keep Alive timeout",
        0x8E if kind == Disconnect => "Session taken over",
        0x8F if matches!(kind, SubAck | UnsubAck | Disconnect) => "Topic Filter invalid",
        0x90 if matches!(kind, ConnAck | PubAck | PubRec | Disconnect) => "Topic Name invalid",
        0x91 if matches!(kind, PubAck | PubRec | SubAck | UnsubAck) => "Packet Identifier in use",
        0x92 if matches!(kind, PubRel | PubComp) => "Packet Identifier not found",
        0x93 if kind == Disconnect => "Receive Maximum exceeded",
        0x94 if kind == Disconnect => "Topic Alias invalid",
        0x95 if matches!(kind, ConnAck | Disconnect) => "Packet too large",
        0x96 if kind == Disconnect => "Message rate too high",
        0x97 if matches!(kind, ConnAck | PubAck | PubRec | SubAck | Disconnect) => "Quota exceeded",
        0x98 if kind == Disconnect => "Administrative action",
        0x99 if matches!(kind, ConnAck | PubAck | PubRec | Disconnect) => "Payload format invalid",
        0x9A if matches!(kind, ConnAck | Disconnect) => "Retain not supported",
        0x9B if matches!(kind, ConnAck | Disconnect) => "QoS not supported",
        0x9C if matches!(kind, ConnAck | Disconnect) => "Use another server",
        0x9D if matches!(kind, ConnAck | Disconnect) => "Server moved",
        0x9E if matches!(kind, SubAck | Disconnect) => "Shared Subscriptions not supported",
        0x9F if matches!(kind, ConnAck | Disconnect) => "Connection rate exceeded",
        0xA0 if kind == Disconnect => "Maximum connect time",
        0xA1 if matches!(kind, SubAck | Disconnect) => "Subscription Identifiers not supported",
        0xA2 if matches!(kind, SubAck | Disconnect) => "Wildcard Subscriptions not supported",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_packet_they_are_in() {
        let v5 = ProtocolVersion::V5;
        assert_eq!(describe_reason(v5, PacketKind::SubAck, 0x87), "0x87 Not authorized");
        assert_eq!(describe_reason(v5, PacketKind::SubAck, 0x01), "0x01 Granted QoS 1");
        assert_eq!(describe_reason(v5, PacketKind::Disconnect, 0x00), "0x00 Normal disconnection");
        assert_eq!(describe_reason(v5, PacketKind::PubAck, 0x10), "0x10 No matching subscribers");
        // Session taken over only ends a connection; a PUBACK cannot carry it.
        assert_eq!(describe_reason(v5, PacketKind::PubAck, 0x8E), "0x8E (not a valid PUBACK reason code)");
        assert_eq!(describe_reason(ProtocolVersion::V311, PacketKind::ConnAck, 5), "0x05 Not authorized");
        assert_eq!(describe_reason(ProtocolVersion::V311, PacketKind::SubAck, 0x80), "0x80 Failure");
        assert!(reason_name(ProtocolVersion::V311, PacketKind::ConnAck, 6).is_err());
    }

    #[test]
    fn every_defined_property_has_a_name_and_others_none() {
        let defined = (0..=u8::MAX).filter(|id| property_info(*id).is_some()).count();
        assert_eq!(defined, 27, "MQTT 5 defines 27 properties");
        assert_eq!(property_info(0x26).map(|info| info.0), Some("User Property"));
        assert!(property_info(0x04).is_none());
    }
}
