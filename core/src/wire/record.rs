//! One MQTT packet as it went over the wire, decoded for people: what the
//! packet inspector lists, `sub -d` prints and the JSON Lines export holds.

use std::fmt;

use serde::Serialize;

use crate::mqtt::ProtocolVersion;

/// Which way a packet went, seen from this client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Direction {
    /// Written by this client to the broker.
    Sent,
    /// Read by this client from the broker.
    Received,
}

impl Direction {
    /// The other way.
    pub fn opposite(self) -> Self {
        match self {
            Self::Sent => Self::Received,
            Self::Received => Self::Sent,
        }
    }

    /// An arrow for tight columns: → sent, ← received.
    pub fn arrow(self) -> &'static str {
        match self {
            Self::Sent => "→",
            Self::Received => "←",
        }
    }
}

/// The MQTT control packet type (the high nibble of the first byte).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum PacketKind {
    /// Type 0 is reserved: a broker that sends it is broken.
    Reserved,
    /// 1
    Connect,
    /// 2
    ConnAck,
    /// 3
    Publish,
    /// 4
    PubAck,
    /// 5
    PubRec,
    /// 6
    PubRel,
    /// 7
    PubComp,
    /// 8
    Subscribe,
    /// 9
    SubAck,
    /// 10
    Unsubscribe,
    /// 11
    UnsubAck,
    /// 12
    PingReq,
    /// 13
    PingResp,
    /// 14
    Disconnect,
    /// 15 (MQTT 5; reserved in 3.1.1)
    Auth,
}

impl PacketKind {
    /// Every type, in number order (for the inspector's type filter).
    pub const ALL: [PacketKind; 16] = [
        Self::Reserved,
        Self::Connect,
        Self::ConnAck,
        Self::Publish,
        Self::PubAck,
        Self::PubRec,
        Self::PubRel,
        Self::PubComp,
        Self::Subscribe,
        Self::SubAck,
        Self::Unsubscribe,
        Self::UnsubAck,
        Self::PingReq,
        Self::PingResp,
        Self::Disconnect,
        Self::Auth,
    ];

    /// The type for the first byte of a packet.
    pub fn from_header(first_byte: u8) -> Self {
        Self::ALL[usize::from(first_byte >> 4)]
    }

    /// The spec's name, as mosquitto prints it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Reserved => "RESERVED",
            Self::Connect => "CONNECT",
            Self::ConnAck => "CONNACK",
            Self::Publish => "PUBLISH",
            Self::PubAck => "PUBACK",
            Self::PubRec => "PUBREC",
            Self::PubRel => "PUBREL",
            Self::PubComp => "PUBCOMP",
            Self::Subscribe => "SUBSCRIBE",
            Self::SubAck => "SUBACK",
            Self::Unsubscribe => "UNSUBSCRIBE",
            Self::UnsubAck => "UNSUBACK",
            Self::PingReq => "PINGREQ",
            Self::PingResp => "PINGRESP",
            Self::Disconnect => "DISCONNECT",
            Self::Auth => "AUTH",
        }
    }

    /// The low nibble of the first byte the spec requires (PUBLISH's
    /// carries DUP/QoS/RETAIN instead and has no fixed value).
    pub fn required_flags(self) -> Option<u8> {
        match self {
            Self::Publish => None,
            Self::PubRel | Self::Subscribe | Self::Unsubscribe => Some(0b0010),
            _ => Some(0),
        }
    }
}

impl fmt::Display for PacketKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An MQTT 5 property's value, typed as the spec defines it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum PropertyValue {
    /// Byte.
    Byte(u8),
    /// Two-byte integer.
    U16(u16),
    /// Four-byte integer.
    U32(u32),
    /// Variable byte integer.
    VarInt(u32),
    /// UTF-8 string (shown lossily when it is not UTF-8).
    Text(String),
    /// Binary data.
    Binary(Vec<u8>),
    /// A secret (authentication data): only its length is kept.
    Hidden(usize),
    /// UTF-8 string pair (user property).
    Pair(String, String),
}

impl fmt::Display for PropertyValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Byte(value) => write!(f, "{value}"),
            Self::U16(value) => write!(f, "{value}"),
            Self::U32(value) | Self::VarInt(value) => write!(f, "{value}"),
            Self::Text(text) => write!(f, "{text:?}"),
            Self::Binary(bytes) => match std::str::from_utf8(bytes) {
                Ok(text) if !text.chars().any(char::is_control) => write!(f, "{text:?} ({} bytes)", bytes.len()),
                _ => write!(f, "0x{} ({} bytes)", hex(bytes), bytes.len()),
            },
            Self::Hidden(length) => write!(f, "{length} bytes (hidden)"),
            Self::Pair(key, value) => write!(f, "{key:?} = {value:?}"),
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// One MQTT 5 property as it appeared in the packet (order and repeats kept).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Property {
    /// The property identifier.
    pub id: u8,
    /// The spec's name ("Receive Maximum"), or "unknown property".
    pub name: &'static str,
    /// The value.
    pub value: PropertyValue,
}

/// A named field of a packet's variable header or payload that is not a
/// property (CONNECT's client id and flags, SUBSCRIBE's filters, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Field {
    /// What it is, in the spec's words.
    pub name: &'static str,
    /// Its value, ready to show.
    pub value: String,
}

/// One topic filter of a SUBSCRIBE or UNSUBSCRIBE.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TopicFilter {
    /// The filter.
    pub filter: String,
    /// SUBSCRIBE: the subscription options byte (QoS in bits 0-1; MQTT 5:
    /// no local, retain as published, retain handling).
    pub options: Option<u8>,
}

impl TopicFilter {
    /// `a/# (QoS 1, no local, retain handling 2)`.
    pub fn describe(&self, protocol: ProtocolVersion) -> String {
        let Some(options) = self.options else {
            return self.filter.clone();
        };
        let mut described = format!("{} (QoS {}", self.filter, options & 0b11);
        if protocol == ProtocolVersion::V5 {
            if options & 0b100 != 0 {
                described.push_str(", no local");
            }
            if options & 0b1000 != 0 {
                described.push_str(", retain as published");
            }
            described.push_str(&format!(", retain handling {}", (options >> 4) & 0b11));
        }
        described.push(')');
        described
    }
}

/// How long the other side took to answer: shown on the answering packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AckTiming {
    /// The packet this one answers (PUBLISH for a PUBACK, PUBREC for a PUBREL, ...).
    pub answers: PacketKind,
    /// Microseconds since that packet.
    pub micros: u64,
    /// For the last step of a QoS 2 exchange: microseconds since its PUBLISH.
    pub total_micros: Option<u64>,
}

/// What a row's content is based on (the inspector says so per row).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Basis {
    /// Decoded from the bytes read from or written to the connection's
    /// stream (after TLS and WebSocket framing, before the MQTT codec).
    Wire,
}

/// One packet, decoded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PacketRecord {
    /// Position on this connection, counting every packet both ways from 1.
    pub seq: u64,
    /// The network connection attempt it belongs to (1 for the first; a
    /// reconnect starts the next).
    pub link: u32,
    /// When its last byte was read, or its bytes were written, in
    /// microseconds since the Unix epoch.
    pub time_micros: i64,
    /// Which way it went.
    pub direction: Direction,
    /// The protocol it was decoded as (reason codes depend on it).
    pub protocol: ProtocolVersion,
    /// Its type.
    pub kind: PacketKind,
    /// The low nibble of its first byte (PUBLISH: DUP, QoS, RETAIN).
    pub flags: u8,
    /// Bytes on the wire: fixed header plus remaining length.
    pub size: usize,
    /// Packet identifier, for the types that have one.
    pub packet_id: Option<u16>,
    /// PUBLISH: the topic (resolved from the alias when the packet had none).
    pub topic: Option<String>,
    /// PUBLISH: the Topic Alias property, if any.
    pub topic_alias: Option<u16>,
    /// PUBLISH: the topic came from an earlier packet's alias, not this one.
    pub topic_from_alias: bool,
    /// Reason / return codes in packet order (SUBACK and UNSUBACK have one
    /// per filter). Empty where the packet carries none; MQTT 5 then
    /// implies 0x00.
    pub reason_codes: Vec<u8>,
    /// Variable header and payload fields other than properties.
    pub fields: Vec<Field>,
    /// SUBSCRIBE / UNSUBSCRIBE: the topic filters in packet order.
    pub filters: Vec<TopicFilter>,
    /// MQTT 5 properties in packet order.
    pub properties: Vec<Property>,
    /// PUBLISH: payload length in bytes.
    pub payload_size: Option<usize>,
    /// PUBLISH: the first bytes of the payload ([`super::PREVIEW_BYTES`] at most).
    pub payload_preview: Option<Vec<u8>>,
    /// On an acknowledgement: time since the packet it answers.
    pub timing: Option<AckTiming>,
    /// What could not be decoded, or what breaks the spec, with the offset.
    pub problem: Option<String>,
    /// What the content is based on.
    pub basis: Basis,
}

impl PacketRecord {
    /// PUBLISH's DUP flag: a retransmission.
    pub fn duplicate(&self) -> bool {
        self.kind == PacketKind::Publish && self.flags & 0b1000 != 0
    }

    /// PUBLISH's QoS bits (3 is invalid and reported as a problem).
    pub fn qos_bits(&self) -> u8 {
        (self.flags >> 1) & 0b11
    }

    /// PUBLISH's RETAIN flag.
    pub fn retain(&self) -> bool {
        self.kind == PacketKind::Publish && self.flags & 1 != 0
    }

    /// The value of the first property with this id.
    pub fn property(&self, id: u8) -> Option<&PropertyValue> {
        self.properties.iter().find(|property| property.id == id).map(|property| &property.value)
    }

    /// About what the record holds in memory (for the engine's queue budget).
    pub fn heap_bytes(&self) -> usize {
        std::mem::size_of::<Self>()
            + self.topic.as_ref().map_or(0, String::len)
            + self.payload_preview.as_ref().map_or(0, Vec::len)
            + self.reason_codes.len()
            + self.fields.iter().map(|field| field.value.len() + 40).sum::<usize>()
            + self.filters.iter().map(|filter| filter.filter.len() + 32).sum::<usize>()
            + self.properties.len() * 64
            + self.problem.as_ref().map_or(0, String::len)
    }

    /// `0x87 Not authorized` for each reason code.
    pub fn reasons(&self) -> Vec<String> {
        self.reason_codes.iter().map(|code| super::codes::describe_reason(self.protocol, self.kind, *code)).collect()
    }

    /// The value of the first field with this name.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|field| field.name == name).map(|field| field.value.as_str())
    }
}
