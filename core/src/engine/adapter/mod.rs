//! The only place that names rumqttc: it builds a 3.1.1 or 5.0 client from a
//! profile and maps both clients' packets (here) and errors (errors.rs) into
//! one vocabulary.

mod errors;
mod topic_aliases;

pub use topic_aliases::{AliasViolation, TopicAliases};

use self::errors::{map_v3_error, map_v5_error, tls_alert};

use bytes::Bytes;
use rumqttc::v5::mqttbytes::v5 as v5p;

use crate::engine::connack_details::ConnAckDetails;
use crate::engine::failure::ConnectionFailure;
use crate::engine::tls;
use crate::mqtt::RetainHandling;
use crate::mqtt::{IncomingMessage, MessageProperties, ProtocolVersion, Qos, SubscribeOptions};
use crate::payload::{PayloadFormat, encode_payload};
use crate::profile::{ConnectionProfile, LastWill, ProxyKind, ProxyOptions, TransportKind};
use crate::wire::PacketKind;
use crate::wire::codes::describe_reason;

/// Requests rumqttc may queue before `try_*` calls report "queue full".
pub const REQUEST_QUEUE_CAPACITY: usize = 10_000;

/// The broker's answer to one subscription in a SUBACK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubscribeOutcome {
    /// Accepted with this (possibly lower) QoS.
    Granted(Qos),
    /// Refused, with the reason code's name.
    Refused(String),
}

/// A network event in version-neutral form.
#[derive(Debug)]
pub enum NetEvent {
    /// CONNACK success, with everything it announced.
    Connected(Box<ConnAckDetails>),
    /// A PUBLISH from the broker.
    Message(IncomingMessage),
    /// PUBACK (QoS 1 done) or a PUBREC/PUBACK refusal.
    PublishAcked {
        /// Packet id.
        pkid: u16,
        /// `Some(reason)` when the broker refused the publish (MQTT 5).
        refused: Option<String>,
        /// True for PUBCOMP (QoS 2 done), false for PUBACK.
        complete: bool,
    },
    /// PUBREC accepted: QoS 2 half way.
    PublishReceived {
        /// Packet id.
        pkid: u16,
        /// `Some(reason)` when the broker refused the publish (MQTT 5).
        refused: Option<String>,
    },
    /// SUBACK.
    SubscribeAcked {
        /// Packet id.
        pkid: u16,
        /// One outcome per filter in the SUBSCRIBE.
        outcomes: Vec<SubscribeOutcome>,
    },
    /// UNSUBACK.
    UnsubscribeAcked {
        /// Packet id.
        pkid: u16,
        /// MQTT 5: its reason codes, e.g. `0x11 No subscription existed`.
        reasons: Vec<String>,
    },
    /// A PUBLISH we queued went on the wire with this packet id (0 for QoS 0).
    PublishWritten(u16),
    /// A SUBSCRIBE went on the wire.
    SubscribeWritten(u16),
    /// An UNSUBSCRIBE went on the wire.
    UnsubscribeWritten(u16),
    /// Our DISCONNECT went on the wire.
    DisconnectWritten,
    /// MQTT 5 DISCONNECT from the broker.
    ServerDisconnect(String),
    /// Anything else (pings, our own acks).
    Other,
}

/// The sending half of either client.
#[derive(Clone)]
pub enum MqttClient {
    /// MQTT 3.1.1.
    V311(rumqttc::AsyncClient),
    /// MQTT 5.
    V5(rumqttc::v5::AsyncClient),
}

/// The event loop of either client.
pub enum MqttLoop {
    /// MQTT 3.1.1.
    V311(Box<rumqttc::EventLoop>),
    /// MQTT 5, with the topic aliases the broker assigned on this connection
    /// (rumqttc hands aliased publishes over with an empty topic).
    V5(Box<rumqttc::v5::EventLoop>, TopicAliases),
}

/// Why a request could not be queued.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct RequestError(String);

fn qos_v3(qos: Qos) -> rumqttc::QoS {
    match qos {
        Qos::AtMostOnce => rumqttc::QoS::AtMostOnce,
        Qos::AtLeastOnce => rumqttc::QoS::AtLeastOnce,
        Qos::ExactlyOnce => rumqttc::QoS::ExactlyOnce,
    }
}

fn qos_v5(qos: Qos) -> rumqttc::v5::mqttbytes::QoS {
    match qos {
        Qos::AtMostOnce => rumqttc::v5::mqttbytes::QoS::AtMostOnce,
        Qos::AtLeastOnce => rumqttc::v5::mqttbytes::QoS::AtLeastOnce,
        Qos::ExactlyOnce => rumqttc::v5::mqttbytes::QoS::ExactlyOnce,
    }
}

fn from_qos_v3(qos: rumqttc::QoS) -> Qos {
    match qos {
        rumqttc::QoS::AtMostOnce => Qos::AtMostOnce,
        rumqttc::QoS::AtLeastOnce => Qos::AtLeastOnce,
        rumqttc::QoS::ExactlyOnce => Qos::ExactlyOnce,
    }
}

fn from_qos_v5(qos: rumqttc::v5::mqttbytes::QoS) -> Qos {
    match qos {
        rumqttc::v5::mqttbytes::QoS::AtMostOnce => Qos::AtMostOnce,
        rumqttc::v5::mqttbytes::QoS::AtLeastOnce => Qos::AtLeastOnce,
        rumqttc::v5::mqttbytes::QoS::ExactlyOnce => Qos::ExactlyOnce,
    }
}

impl MqttClient {
    /// Queues a PUBLISH without waiting; `properties` go out on MQTT 5
    /// connections only (3.1.1 has none).
    pub fn try_publish(
        &self,
        topic: &str,
        qos: Qos,
        retain: bool,
        payload: Bytes,
        properties: Option<&MessageProperties>,
    ) -> Result<(), RequestError> {
        match self {
            Self::V311(client) => {
                client.try_publish(topic, qos_v3(qos), retain, payload).map_err(|error| RequestError(error.to_string()))
            }
            Self::V5(client) => match properties.filter(|properties| !properties.is_empty()) {
                Some(properties) => client.try_publish_with_properties(
                    topic,
                    qos_v5(qos),
                    retain,
                    payload,
                    to_v5_properties(properties),
                ),
                None => client.try_publish(topic, qos_v5(qos), retain, payload),
            }
            .map_err(|error| RequestError(error.to_string())),
        }
    }

    /// Queues a SUBSCRIBE for one filter without waiting.
    pub fn try_subscribe(&self, filter: &str, qos: Qos, options: SubscribeOptions) -> Result<(), RequestError> {
        match self {
            Self::V311(client) => {
                client.try_subscribe(filter, qos_v3(qos)).map_err(|error| RequestError(error.to_string()))
            }
            Self::V5(client) => {
                let mut subscription = v5p::Filter::new(filter, qos_v5(qos));
                subscription.nolocal = options.no_local;
                subscription.preserve_retain = options.retain_as_published;
                subscription.retain_forward_rule = match options.retain_handling {
                    RetainHandling::SendOnSubscribe => v5p::RetainForwardRule::OnEverySubscribe,
                    RetainHandling::SendIfNewSubscription => v5p::RetainForwardRule::OnNewSubscribe,
                    RetainHandling::DoNotSend => v5p::RetainForwardRule::Never,
                };
                match options.identifier {
                    Some(id) => {
                        let properties =
                            v5p::SubscribeProperties { id: Some(id as usize), user_properties: Vec::new() };
                        client.try_subscribe_many_with_properties([subscription], properties)
                    }
                    None => client.try_subscribe_many([subscription]),
                }
                .map_err(|error| RequestError(error.to_string()))
            }
        }
    }

    /// Queues an UNSUBSCRIBE without waiting.
    pub fn try_unsubscribe(&self, filter: &str) -> Result<(), RequestError> {
        match self {
            Self::V311(client) => client.try_unsubscribe(filter).map_err(|error| RequestError(error.to_string())),
            Self::V5(client) => client.try_unsubscribe(filter).map_err(|error| RequestError(error.to_string())),
        }
    }

    /// Queues a DISCONNECT without waiting.
    pub fn try_disconnect(&self) -> Result<(), RequestError> {
        match self {
            Self::V311(client) => client.try_disconnect().map_err(|error| RequestError(error.to_string())),
            Self::V5(client) => client.try_disconnect().map_err(|error| RequestError(error.to_string())),
        }
    }
}

/// Builds a client and its event loop from a profile (validated here);
/// `stream_wrapper` sees every connection's MQTT bytes (the packet recorder).
pub fn build_client(
    profile: &ConnectionProfile,
    client_id: &str,
    stream_wrapper: Option<rumqttc::StreamWrapper>,
) -> Result<(MqttClient, MqttLoop), ConnectionFailure> {
    profile.validate().map_err(|error| ConnectionFailure::InvalidSettings(error.to_string()))?;
    let password = profile.resolve_password().map_err(|error| ConnectionFailure::InvalidSettings(error.to_string()))?;
    let tls = if profile.transport.uses_tls() {
        Some(rumqttc::TlsConfiguration::Rustls(tls::client_config(&profile.tls)?))
    } else {
        None
    };
    let transport = match (profile.transport, tls) {
        (TransportKind::Tls, Some(tls)) => rumqttc::Transport::Tls(tls),
        (TransportKind::WebSocket, _) => rumqttc::Transport::Ws,
        (TransportKind::WebSocketTls, Some(tls)) => rumqttc::Transport::Wss(tls),
        _ => rumqttc::Transport::Tcp,
    };
    // For WebSocket transports rumqttc takes the whole URL as the "host".
    let broker =
        if profile.transport.uses_websocket() { profile.websocket_url() } else { profile.host.trim().to_owned() };
    // The proxy's password from its source (typed, asked, environment, file, keychain).
    let proxy = match &profile.proxy {
        Some(proxy) => {
            let password = proxy
                .resolve_password()
                .map_err(|error| ConnectionFailure::InvalidSettings(format!("proxy {error}")))?;
            Some(ProxyOptions { host: proxy.host.trim().to_owned(), password, ..proxy.clone() })
        }
        None => None,
    };
    // rumqttc speaks HTTP CONNECT itself; SOCKS goes through our connector.
    let http_proxy = proxy.as_ref().filter(|proxy| proxy.kind == ProxyKind::Http).map(|proxy| rumqttc::Proxy {
        ty: rumqttc::ProxyType::Http,
        auth: if proxy.username.is_empty() {
            rumqttc::ProxyAuth::None
        } else {
            rumqttc::ProxyAuth::Basic { username: proxy.username.clone(), password: proxy.password.clone() }
        },
        addr: proxy.host.clone(),
        port: proxy.port,
    });
    let connector = proxy.filter(|proxy| proxy.kind != ProxyKind::Http).map(super::socks::connector);
    let will_payload = |will: &LastWill| encode_payload(&will.payload, will.payload_format).unwrap_or_default();
    match profile.protocol {
        ProtocolVersion::V311 => {
            let mut options = rumqttc::MqttOptions::new(client_id, broker, profile.port);
            options
                .set_keep_alive(profile.keep_alive())
                .set_clean_session(profile.clean_start)
                .set_max_packet_size(profile.max_packet_size as usize, profile.max_packet_size as usize)
                .set_request_channel_capacity(REQUEST_QUEUE_CAPACITY)
                .set_transport(transport);
            if !profile.username.is_empty() || !password.is_empty() {
                options.set_credentials(profile.username.clone(), password);
            }
            if let Some(will) = &profile.last_will {
                options.set_last_will(rumqttc::LastWill::new(
                    &will.topic,
                    will_payload(will),
                    qos_v3(will.qos),
                    will.retain,
                ));
            }
            if let Some(proxy) = http_proxy {
                options.set_proxy(proxy);
            }
            let (client, mut event_loop) = rumqttc::AsyncClient::new(options, REQUEST_QUEUE_CAPACITY);
            let mut network = rumqttc::NetworkOptions::new();
            network.set_connection_timeout(u64::from(profile.connect_timeout_secs));
            if let Some(wrapper) = stream_wrapper {
                network.set_stream_wrapper(wrapper);
            }
            if let Some(connector) = connector {
                network.set_connector(connector);
            }
            event_loop.set_network_options(network);
            Ok((MqttClient::V311(client), MqttLoop::V311(Box::new(event_loop))))
        }
        ProtocolVersion::V5 => {
            let mut options = rumqttc::v5::MqttOptions::new(client_id, broker, profile.port);
            let mqtt5 = &profile.mqtt5;
            options
                .set_keep_alive(profile.keep_alive())
                .set_clean_start(profile.clean_start)
                .set_max_packet_size(Some(profile.max_packet_size))
                .set_connection_timeout(u64::from(profile.connect_timeout_secs))
                .set_request_channel_capacity(REQUEST_QUEUE_CAPACITY)
                .set_transport(transport)
                .set_session_expiry_interval(mqtt5.session_expiry_secs)
                .set_receive_maximum(mqtt5.receive_maximum)
                .set_topic_alias_max(mqtt5.topic_alias_maximum)
                .set_request_response_info(mqtt5.request_response_information.then_some(1))
                .set_request_problem_info(Some(u8::from(mqtt5.request_problem_information)))
                .set_user_properties(mqtt5.user_properties.clone());
            if !profile.username.is_empty() || !password.is_empty() {
                options.set_credentials(profile.username.clone(), password);
            }
            if let Some(will) = &profile.last_will {
                let properties = v5p::LastWillProperties {
                    delay_interval: will.delay_interval_secs,
                    payload_format_indicator: (will.payload_format == PayloadFormat::Text
                        || will.payload_format == PayloadFormat::Json)
                        .then_some(1),
                    message_expiry_interval: will.message_expiry_secs,
                    content_type: will.content_type.clone(),
                    response_topic: will.response_topic.clone(),
                    correlation_data: will.correlation_data.clone().map(Bytes::from),
                    user_properties: will.user_properties.clone(),
                };
                options.set_last_will(v5p::LastWill::new(
                    &will.topic,
                    will_payload(will),
                    qos_v5(will.qos),
                    will.retain,
                    Some(properties),
                ));
            }
            if let Some(proxy) = http_proxy {
                options.set_proxy(proxy);
            }
            let mut network = options.network_options();
            if let Some(wrapper) = stream_wrapper {
                network.set_stream_wrapper(wrapper);
            }
            if let Some(connector) = connector {
                network.set_connector(connector);
            }
            options.set_network_options(network);
            let (client, event_loop) = rumqttc::v5::AsyncClient::new(options, REQUEST_QUEUE_CAPACITY);
            let aliases = TopicAliases::new(mqtt5.topic_alias_maximum.unwrap_or(0));
            Ok((MqttClient::V5(client), MqttLoop::V5(Box::new(event_loop), aliases)))
        }
    }
}

impl MqttLoop {
    /// Drives the connection one step. Calling it again after an error
    /// reconnects at once (rumqttc has no back-off; the caller adds it).
    pub async fn poll(&mut self, host: &str, port: u16, timeout_secs: u16) -> Result<NetEvent, ConnectionFailure> {
        match self {
            Self::V311(event_loop) => match event_loop.poll().await {
                Ok(event) => Ok(map_v3_event(event)),
                Err(error) => Err(tls_alert(map_v3_error(error, host, port, timeout_secs))),
            },
            Self::V5(event_loop, aliases) => match event_loop.poll().await {
                Ok(mut event) => match aliases
                    .resolve(&mut event)
                    .map_err(|error| error.to_string())
                    .and_then(|()| utf8_topic(&event))
                {
                    Ok(()) => Ok(map_v5_event(event)),
                    Err(violation) => {
                        // rumqttc noticed too, queued an "outgoing DISCONNECT"
                        // event it never sends and carries on; drop its queued
                        // events and the socket so the next poll reconnects.
                        // (rumqttc 0.25 cannot send a DISCONNECT with reason
                        // 0x94; closing the socket makes the broker publish
                        // our will, as a protocol error should.)
                        event_loop.clean();
                        event_loop.state.events.clear();
                        Err(ConnectionFailure::Protocol(violation))
                    }
                },
                Err(error) => Err(tls_alert(map_v5_error(error, host, port, timeout_secs))),
            },
        }
    }
}

fn map_outgoing(outgoing: rumqttc::Outgoing) -> NetEvent {
    match outgoing {
        rumqttc::Outgoing::Publish(pkid) => NetEvent::PublishWritten(pkid),
        rumqttc::Outgoing::Subscribe(pkid) => NetEvent::SubscribeWritten(pkid),
        rumqttc::Outgoing::Unsubscribe(pkid) => NetEvent::UnsubscribeWritten(pkid),
        rumqttc::Outgoing::Disconnect => NetEvent::DisconnectWritten,
        _ => NetEvent::Other,
    }
}

fn map_v3_event(event: rumqttc::Event) -> NetEvent {
    use rumqttc::Packet;
    match event {
        rumqttc::Event::Outgoing(outgoing) => map_outgoing(outgoing),
        rumqttc::Event::Incoming(packet) => match packet {
            Packet::ConnAck(ack) => NetEvent::Connected(Box::new(ConnAckDetails {
                protocol: ProtocolVersion::V311,
                session_present: ack.session_present,
                ..ConnAckDetails::default()
            })),
            Packet::Publish(publish) => NetEvent::Message(IncomingMessage {
                topic: publish.topic,
                payload: publish.payload,
                qos: from_qos_v3(publish.qos),
                retain: publish.retain,
                duplicate: publish.dup,
                packet_id: publish.pkid,
                properties: None,
            }),
            Packet::PubAck(ack) => NetEvent::PublishAcked { pkid: ack.pkid, refused: None, complete: false },
            Packet::PubRec(rec) => NetEvent::PublishReceived { pkid: rec.pkid, refused: None },
            Packet::PubComp(comp) => NetEvent::PublishAcked { pkid: comp.pkid, refused: None, complete: true },
            Packet::SubAck(ack) => NetEvent::SubscribeAcked {
                pkid: ack.pkid,
                outcomes: ack
                    .return_codes
                    .into_iter()
                    .map(|code| match code {
                        rumqttc::SubscribeReasonCode::Success(qos) => SubscribeOutcome::Granted(from_qos_v3(qos)),
                        rumqttc::SubscribeReasonCode::Failure => SubscribeOutcome::Refused("failure (0x80)".into()),
                    })
                    .collect(),
            },
            Packet::UnsubAck(ack) => NetEvent::UnsubscribeAcked { pkid: ack.pkid, reasons: Vec::new() },
            _ => NetEvent::Other,
        },
    }
}

/// MQTT 5's codec in rumqttc keeps topics as bytes; a topic name must be
/// UTF-8 (MQTT 5 §1.5.4), as the 3.1.1 codec checks.
fn utf8_topic(event: &rumqttc::v5::Event) -> Result<(), String> {
    match event {
        rumqttc::v5::Event::Incoming(v5p::Packet::Publish(publish)) if std::str::from_utf8(&publish.topic).is_err() => {
            Err("the broker sent a topic that is not valid UTF-8".to_owned())
        }
        _ => Ok(()),
    }
}

fn map_v5_event(event: rumqttc::v5::Event) -> NetEvent {
    use v5p::Packet;
    match event {
        rumqttc::v5::Event::Outgoing(outgoing) => map_outgoing(outgoing),
        rumqttc::v5::Event::Incoming(packet) => match packet {
            Packet::ConnAck(ack) => NetEvent::Connected(Box::new(connack_details(ack))),
            Packet::Publish(publish) => NetEvent::Message(IncomingMessage {
                topic: String::from_utf8_lossy(&publish.topic).into_owned(),
                payload: publish.payload,
                qos: from_qos_v5(publish.qos),
                retain: publish.retain,
                duplicate: publish.dup,
                packet_id: publish.pkid,
                properties: publish.properties.and_then(map_v5_properties),
            }),
            Packet::PubAck(ack) => {
                NetEvent::PublishAcked { pkid: ack.pkid, refused: puback_refusal(ack.reason), complete: false }
            }
            Packet::PubRec(rec) => NetEvent::PublishReceived {
                pkid: rec.pkid,
                refused: match rec.reason {
                    v5p::PubRecReason::Success | v5p::PubRecReason::NoMatchingSubscribers => None,
                    other => Some(format!("{other:?}")),
                },
            },
            Packet::PubComp(comp) => NetEvent::PublishAcked {
                pkid: comp.pkid,
                refused: match comp.reason {
                    v5p::PubCompReason::Success => None,
                    other => Some(format!("{other:?}")),
                },
                complete: true,
            },
            Packet::SubAck(ack) => NetEvent::SubscribeAcked {
                pkid: ack.pkid,
                outcomes: ack
                    .return_codes
                    .into_iter()
                    .map(|code| match code {
                        v5p::SubscribeReasonCode::Success(qos) => SubscribeOutcome::Granted(from_qos_v5(qos)),
                        other => SubscribeOutcome::Refused(format!("{other:?}")),
                    })
                    .collect(),
            },
            Packet::UnsubAck(ack) => NetEvent::UnsubscribeAcked {
                pkid: ack.pkid,
                reasons: ack
                    .reasons
                    .iter()
                    .map(|reason| {
                        let code = unsuback_code(*reason);
                        describe_reason(ProtocolVersion::V5, PacketKind::UnsubAck, code)
                    })
                    .collect(),
            },
            Packet::Disconnect(disconnect) => {
                let code = describe_reason(ProtocolVersion::V5, PacketKind::Disconnect, disconnect.reason_code as u8);
                let reason = disconnect
                    .properties
                    .and_then(|properties| properties.reason_string)
                    .map_or_else(|| code.clone(), |text| format!("{code}: {text}"));
                NetEvent::ServerDisconnect(reason)
            }
            _ => NetEvent::Other,
        },
    }
}

/// rumqttc numbers UnsubAckReason 0, 1, 2…; the wire codes are the spec's.
fn unsuback_code(reason: v5p::UnsubAckReason) -> u8 {
    match reason {
        v5p::UnsubAckReason::Success => 0x00,
        v5p::UnsubAckReason::NoSubscriptionExisted => 0x11,
        v5p::UnsubAckReason::UnspecifiedError => 0x80,
        v5p::UnsubAckReason::ImplementationSpecificError => 0x83,
        v5p::UnsubAckReason::NotAuthorized => 0x87,
        v5p::UnsubAckReason::TopicFilterInvalid => 0x8F,
        v5p::UnsubAckReason::PacketIdentifierInUse => 0x91,
    }
}

/// Everything a 5.0 CONNACK announced.
fn connack_details(ack: v5p::ConnAck) -> ConnAckDetails {
    let mut details = ConnAckDetails {
        protocol: ProtocolVersion::V5,
        session_present: ack.session_present,
        ..ConnAckDetails::default()
    };
    if let Some(properties) = ack.properties {
        let flag = |value: Option<u8>| value.map(|value| value != 0);
        details.assigned_client_id = properties.assigned_client_identifier;
        details.server_keep_alive = properties.server_keep_alive;
        details.session_expiry_interval = properties.session_expiry_interval;
        details.receive_maximum = properties.receive_max;
        details.maximum_qos = properties.max_qos;
        details.retain_available = flag(properties.retain_available);
        details.maximum_packet_size = properties.max_packet_size;
        details.topic_alias_maximum = properties.topic_alias_max;
        details.wildcard_available = flag(properties.wildcard_subscription_available);
        details.subscription_identifiers_available = flag(properties.subscription_identifiers_available);
        details.shared_available = flag(properties.shared_subscription_available);
        details.response_information = properties.response_information;
        details.server_reference = properties.server_reference;
        details.reason_string = properties.reason_string;
        details.authentication_method = properties.authentication_method;
        details.user_properties = properties.user_properties;
    }
    details
}

fn puback_refusal(reason: v5p::PubAckReason) -> Option<String> {
    match reason {
        v5p::PubAckReason::Success | v5p::PubAckReason::NoMatchingSubscribers => None,
        other => Some(format!("{other:?}")),
    }
}

/// The PUBLISH properties a sender may set (subscription identifiers are the broker's).
fn to_v5_properties(properties: &MessageProperties) -> v5p::PublishProperties {
    v5p::PublishProperties {
        payload_format_indicator: properties.payload_format_indicator,
        message_expiry_interval: properties.message_expiry_interval,
        topic_alias: None,
        response_topic: properties.response_topic.clone(),
        correlation_data: properties.correlation_data.as_ref().map(|data| Bytes::copy_from_slice(data)),
        user_properties: properties.user_properties.clone(),
        subscription_identifiers: Vec::new(),
        content_type: properties.content_type.clone(),
    }
}

fn map_v5_properties(properties: v5p::PublishProperties) -> Option<Box<MessageProperties>> {
    let mapped = MessageProperties {
        payload_format_indicator: properties.payload_format_indicator,
        message_expiry_interval: properties.message_expiry_interval,
        content_type: properties.content_type,
        response_topic: properties.response_topic,
        correlation_data: properties.correlation_data.map(|data| data.to_vec()),
        user_properties: properties.user_properties,
        subscription_identifiers: properties.subscription_identifiers,
    };
    (!mapped.is_empty()).then(|| Box::new(mapped))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suback_failures_keep_their_reason_code() {
        let v3 = map_v3_event(rumqttc::Event::Incoming(rumqttc::Packet::SubAck(rumqttc::SubAck {
            pkid: 7,
            return_codes: vec![
                rumqttc::SubscribeReasonCode::Success(rumqttc::QoS::AtLeastOnce),
                rumqttc::SubscribeReasonCode::Failure,
            ],
        })));
        match v3 {
            NetEvent::SubscribeAcked { pkid: 7, outcomes } => assert_eq!(
                outcomes,
                vec![SubscribeOutcome::Granted(Qos::AtLeastOnce), SubscribeOutcome::Refused("failure (0x80)".into())]
            ),
            other => panic!("unexpected {other:?}"),
        }
        let v5 = map_v5_event(rumqttc::v5::Event::Incoming(v5p::Packet::SubAck(v5p::SubAck {
            pkid: 8,
            return_codes: vec![v5p::SubscribeReasonCode::NotAuthorized],
            properties: None,
        })));
        match v5 {
            NetEvent::SubscribeAcked { pkid: 8, outcomes } => {
                assert_eq!(outcomes, vec![SubscribeOutcome::Refused("NotAuthorized".into())]);
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn invalid_profiles_never_reach_rumqttc() {
        let profile = ConnectionProfile { keep_alive_secs: 2, ..ConnectionProfile::default() };
        assert!(matches!(build_client(&profile, "id", None), Err(ConnectionFailure::InvalidSettings(_))));
    }
}
