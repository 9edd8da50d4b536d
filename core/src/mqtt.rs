//! The version-neutral MQTT vocabulary the rest of topicscope speaks.
//!
//! rumqttc has two parallel clients (3.1.1 and 5); only the engine's adapter
//! names them. Everything else uses these types.

use std::fmt;

use serde::{Deserialize, Serialize};

/// MQTT quality of service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
pub enum Qos {
    /// QoS 0: fire and forget.
    #[default]
    AtMostOnce,
    /// QoS 1: acknowledged by PUBACK.
    AtLeastOnce,
    /// QoS 2: four-way handshake ending in PUBCOMP.
    ExactlyOnce,
}

impl Qos {
    /// All levels, in order.
    pub const ALL: [Qos; 3] = [Self::AtMostOnce, Self::AtLeastOnce, Self::ExactlyOnce];

    /// The numeric level 0, 1 or 2.
    pub fn level(self) -> u8 {
        match self {
            Self::AtMostOnce => 0,
            Self::AtLeastOnce => 1,
            Self::ExactlyOnce => 2,
        }
    }

    /// The level for a number, if it is 0, 1 or 2.
    pub fn from_level(level: u8) -> Option<Self> {
        match level {
            0 => Some(Self::AtMostOnce),
            1 => Some(Self::AtLeastOnce),
            2 => Some(Self::ExactlyOnce),
            _ => None,
        }
    }
}

impl fmt::Display for Qos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "QoS {}", self.level())
    }
}

/// The protocol version a connection speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum ProtocolVersion {
    /// MQTT 3.1.1 (protocol level 4).
    V311,
    /// MQTT 5.0 (protocol level 5).
    #[default]
    V5,
}

impl fmt::Display for ProtocolVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::V311 => "MQTT 3.1.1",
            Self::V5 => "MQTT 5.0",
        })
    }
}

/// Whether a logged message came from the broker or was sent by us.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Direction {
    /// Received from the broker.
    Incoming,
    /// Published by this client.
    Outgoing,
}

/// MQTT 5 publish properties, kept only when a message carries any.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageProperties {
    /// 1 when the sender declares the payload UTF-8.
    pub payload_format_indicator: Option<u8>,
    /// Seconds until the broker discards the message.
    pub message_expiry_interval: Option<u32>,
    /// MIME type declared by the sender.
    pub content_type: Option<String>,
    /// Where a responder should answer.
    pub response_topic: Option<String>,
    /// Opaque bytes linking a response to its request.
    pub correlation_data: Option<Vec<u8>>,
    /// Free-form key/value pairs, in order, duplicates allowed.
    pub user_properties: Vec<(String, String)>,
    /// Identifiers of the subscriptions that matched (set by the broker).
    pub subscription_identifiers: Vec<usize>,
}

impl MessageProperties {
    /// True when no property is set (3.1.1 messages are always empty).
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }

    /// Bytes these properties take in a PUBLISH this client sends (without
    /// the length field before them; subscription identifiers are the
    /// broker's to set and are not sent).
    pub fn encoded_length(&self) -> usize {
        let text = |value: &Option<String>| value.as_ref().map_or(0, |text| 1 + 2 + text.len());
        self.payload_format_indicator.map_or(0, |_| 2)
            + self.message_expiry_interval.map_or(0, |_| 5)
            + text(&self.content_type)
            + text(&self.response_topic)
            + self.correlation_data.as_ref().map_or(0, |data| 1 + 2 + data.len())
            + self.user_properties.iter().map(|(key, value)| 1 + 2 + key.len() + 2 + value.len()).sum::<usize>()
    }

    /// Bytes its strings and lists occupy on the heap (for the log's byte cap).
    pub fn heap_bytes(&self) -> usize {
        self.content_type.as_ref().map_or(0, String::len)
            + self.response_topic.as_ref().map_or(0, String::len)
            + self.correlation_data.as_ref().map_or(0, Vec::len)
            + self.user_properties.iter().map(|(key, value)| key.len() + value.len() + 48).sum::<usize>()
            + self.subscription_identifiers.len() * std::mem::size_of::<usize>()
    }
}

/// A message that arrived from the broker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingMessage {
    /// The topic it was published to (aliases already resolved).
    pub topic: String,
    /// The payload bytes, shared without copying.
    pub payload: bytes::Bytes,
    /// The QoS it was delivered with.
    pub qos: Qos,
    /// True for a retained message sent on subscribe.
    pub retain: bool,
    /// True when the broker marked it as a redelivery.
    pub duplicate: bool,
    /// The packet identifier (0 for QoS 0), for `sub -F %m`.
    pub packet_id: u16,
    /// MQTT 5 properties, if any.
    pub properties: Option<Box<MessageProperties>>,
}
/// MQTT 5 retain handling of a subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum RetainHandling {
    /// Send retained messages on every subscribe (0).
    #[default]
    SendOnSubscribe,
    /// Send them only if the subscription is new (1).
    SendIfNewSubscription,
    /// Never send retained messages on subscribe (2).
    DoNotSend,
}

/// MQTT 5 subscription options (3.1.1 connections ignore them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SubscribeOptions {
    /// Do not receive our own publishes on this subscription.
    pub no_local: bool,
    /// Keep the retain flag as published instead of clearing it.
    pub retain_as_published: bool,
    /// When the broker sends retained messages for this subscription.
    pub retain_handling: RetainHandling,
    /// Subscription identifier (1 to 268,435,455): the broker tags each
    /// message this subscription delivers with it.
    #[serde(default)]
    pub identifier: Option<u32>,
}

/// The largest subscription identifier MQTT 5 allows (a variable byte integer).
pub const MAX_SUBSCRIPTION_IDENTIFIER: u32 = 268_435_455;
