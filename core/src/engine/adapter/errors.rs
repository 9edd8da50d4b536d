//! What rumqttc's errors mean for the user: refused, DNS, TLS alerts,
//! CONNACK refusals, WebSocket failures, each a specific ConnectionFailure.

use std::io;

use crate::engine::failure::ConnectionFailure;

fn map_io_error(error: &io::Error, host: &str, port: u16) -> ConnectionFailure {
    if let Some(proxy) = error.get_ref().and_then(|inner| inner.downcast_ref::<crate::engine::socks::ProxyDialError>())
    {
        return ConnectionFailure::Proxy(proxy.0.clone());
    }
    let text = error.to_string();
    match error.kind() {
        io::ErrorKind::ConnectionRefused => ConnectionFailure::Refused(format!("{host}:{port}")),
        io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionAborted
        | io::ErrorKind::UnexpectedEof
        | io::ErrorKind::BrokenPipe => ConnectionFailure::Lost(text),
        io::ErrorKind::TimedOut => ConnectionFailure::Lost(text),
        _ if text.contains("bytes remaining on stream") => {
            ConnectionFailure::Lost(format!("the broker closed the connection in the middle of a packet ({text})"))
        }
        _ if is_dns_error(&text) => ConnectionFailure::Dns(host.to_owned()),
        _ if text.contains("InvalidCertificate") || text.contains("certificate") => ConnectionFailure::Tls(text),
        _ => ConnectionFailure::Network(text),
    }
}

fn map_websocket_error(text: &str, host: &str, port: u16) -> ConnectionFailure {
    let lower = text.to_lowercase();
    if lower.contains("connection refused") {
        ConnectionFailure::Refused(format!("{host}:{port}"))
    } else if is_dns_error(text) {
        ConnectionFailure::Dns(host.to_owned())
    } else if lower.contains("certificate") || lower.contains("tls") {
        ConnectionFailure::Tls(text.to_owned())
    } else {
        ConnectionFailure::WebSocket(text.to_owned())
    }
}

fn is_dns_error(text: &str) -> bool {
    let lower = text.to_lowercase();
    lower.contains("failed to lookup address")
        || lower.contains("name or service not known")
        || lower.contains("no such host")
        || lower.contains("nodename nor servname")
        || lower.contains("temporary failure in name resolution")
        || lower.contains("no address associated")
}

/// What a decoding error of rumqttc's (3.1.1 or 5 codec) means, in the
/// user's terms; the library's own words follow in brackets.
macro_rules! describe_codec_error {
    ($error:expr, $Error:path, $host:expr, $port:expr) => {{
        use $Error as E;
        let error = $error;
        let raw = error.to_string();
        let words = match &error {
            E::Io(io) => return map_io_error(io, $host, $port),
            E::InvalidPacketType(kind) => format!(
                "the server at {}:{} sent data that is not MQTT (packet type {kind} does not exist); is it an MQTT broker?",
                $host, $port
            ),
            E::InvalidConnectReturnCode(code) => {
                format!("the broker answered CONNECT with an unknown reason code 0x{code:02X}")
            }
            E::InvalidSubscribeReasonCode(code) => {
                format!("the broker answered SUBSCRIBE with an unknown reason code 0x{code:02X}")
            }
            E::InvalidPropertyType(id) => format!("the broker sent an unknown MQTT 5 property (0x{id:02X})"),
            E::InvalidQoS(qos) => format!("the broker sent QoS {qos}, which does not exist"),
            E::PacketIdZero => "the broker sent packet identifier 0, which MQTT forbids".to_owned(),
            E::TopicNotUtf8 => "the broker sent a topic that is not valid UTF-8".to_owned(),
            E::MalformedRemainingLength => "the broker sent a packet whose length field is malformed".to_owned(),
            _ => "the broker sent a malformed packet".to_owned(),
        };
        ConnectionFailure::Protocol(format!("{words} ({raw})"))
    }};
}

/// A 3.1.1 codec error in the user's terms.
fn describe_v3_codec_error(error: rumqttc::mqttbytes::Error, host: &str, port: u16) -> ConnectionFailure {
    if let rumqttc::mqttbytes::Error::PayloadSizeLimitExceeded(size) = error {
        return too_large(size, None);
    }
    describe_codec_error!(error, rumqttc::mqttbytes::Error, host, port)
}

/// A 5.0 codec error in the user's terms.
fn describe_v5_codec_error(error: rumqttc::v5::mqttbytes::Error, host: &str, port: u16) -> ConnectionFailure {
    use rumqttc::v5::mqttbytes::Error as MqttError;
    match error {
        MqttError::PayloadSizeLimitExceeded { pkt_size, max } => too_large(pkt_size, Some(max as usize)),
        MqttError::InvalidReason(code) => ConnectionFailure::Protocol(format!(
            "the broker sent an unknown reason code 0x{code:02X} (Invalid reason = {code})"
        )),
        MqttError::PayloadNotUtf8(_) => {
            ConnectionFailure::Protocol(format!("the broker sent text that is not valid UTF-8 ({error})"))
        }
        error => describe_codec_error!(error, rumqttc::v5::mqttbytes::Error, host, port),
    }
}

/// A packet larger than this connection accepts.
fn too_large(size: usize, max: Option<usize>) -> ConnectionFailure {
    let limit = max.map_or_else(String::new, |max| format!(" ({max} bytes)"));
    ConnectionFailure::Protocol(format!(
        "the broker sent a {size}-byte packet, larger than this connection accepts{limit}; raise Maximum packet size in the profile to receive it"
    ))
}

/// What the broker got wrong in the conversation (an acknowledgement for
/// a packet never sent, a packet out of place), in the user's terms.
fn unsolicited(pkid: u16) -> ConnectionFailure {
    ConnectionFailure::Protocol(format!(
        "the broker acknowledged packet id {pkid}, which this client never sent (Received unsolicited ack pkid: {pkid})"
    ))
}

fn wrong_packet(raw: &str) -> ConnectionFailure {
    ConnectionFailure::Protocol(format!("the broker sent a packet that does not belong at this point ({raw})"))
}

fn not_connack(kind: &str, host: &str, port: u16) -> ConnectionFailure {
    ConnectionFailure::Protocol(format!(
        "the server at {host}:{port} answered CONNECT with {kind} instead of CONNACK; is it an MQTT broker?"
    ))
}

/// A TLS alert from the broker arrives as a read error deep inside
/// rumqttc's wrapping ("… IO: received fatal alert: CertificateRequired");
/// it is a TLS failure, said plainly.
pub(super) fn tls_alert(failure: ConnectionFailure) -> ConnectionFailure {
    let (ConnectionFailure::Lost(text) | ConnectionFailure::Network(text)) = &failure else { return failure };
    let Some((_, alert)) = text.split_once("fatal alert: ") else { return failure };
    let alert = alert.trim();
    ConnectionFailure::Tls(match alert {
        "CertificateRequired" => "the broker requires a client certificate".to_owned(),
        "BadCertificate" | "UnsupportedCertificate" | "CertificateUnknown" => {
            format!("the broker rejected the client certificate ({alert})")
        }
        "UnknownCA" => "the broker does not trust the client certificate's CA".to_owned(),
        "CertificateExpired" => "the broker says the client certificate has expired".to_owned(),
        other => format!("the broker ended the TLS session ({other})"),
    })
}

pub(super) fn map_v3_error(
    error: rumqttc::ConnectionError,
    host: &str,
    port: u16,
    timeout_secs: u16,
) -> ConnectionFailure {
    use rumqttc::{ConnectReturnCode, ConnectionError, StateError};
    match error {
        ConnectionError::Io(error) => map_io_error(&error, host, port),
        ConnectionError::NetworkTimeout | ConnectionError::FlushTimeout => ConnectionFailure::Timeout(timeout_secs),
        ConnectionError::Tls(error) => ConnectionFailure::Tls(error.to_string()),
        ConnectionError::ConnectionRefused(code) => match code {
            ConnectReturnCode::BadUserNamePassword => ConnectionFailure::BadCredentials,
            ConnectReturnCode::NotAuthorized => ConnectionFailure::NotAuthorized,
            other => ConnectionFailure::Rejected(format!("{other:?}")),
        },
        ConnectionError::MqttState(StateError::Io(error)) => map_io_error(&error, host, port),
        ConnectionError::MqttState(StateError::AwaitPingResp) => {
            ConnectionFailure::Lost("the broker did not answer a keep-alive ping".into())
        }
        ConnectionError::MqttState(StateError::ConnectionAborted) => {
            ConnectionFailure::Lost("the broker closed the connection".into())
        }
        ConnectionError::MqttState(StateError::Deserialization(error)) => describe_v3_codec_error(error, host, port),
        ConnectionError::MqttState(StateError::Unsolicited(pkid)) => unsolicited(pkid),
        ConnectionError::MqttState(error @ StateError::WrongPacket) => wrong_packet(&error.to_string()),
        ConnectionError::MqttState(other) => ConnectionFailure::Lost(other.to_string()),
        ConnectionError::NotConnAck(packet) => not_connack(&packet_kind(&format!("{packet:?}")), host, port),
        ConnectionError::RequestsDone => ConnectionFailure::Lost("client closed".into()),
        ConnectionError::Websocket(error) => map_websocket_error(&error.to_string(), host, port),
        ConnectionError::WsConnect(error) => ConnectionFailure::WebSocket(error.to_string()),
        ConnectionError::InvalidUrl(error) => ConnectionFailure::InvalidSettings(format!("WebSocket URL: {error}")),
        ConnectionError::ResponseValidation(error) => {
            ConnectionFailure::WebSocket(format!("the server did not accept the 'mqtt' subprotocol ({error})"))
        }
        ConnectionError::Proxy(error) => ConnectionFailure::Proxy(error.to_string()),
    }
}

/// The packet's name from its Debug text ("PubAck(PubAck { … })" → "PUBACK").
fn packet_kind(debug: &str) -> String {
    debug.split(['(', ' ', '{']).next().unwrap_or("another packet").to_uppercase()
}

pub(super) fn map_v5_error(
    error: rumqttc::v5::ConnectionError,
    host: &str,
    port: u16,
    timeout_secs: u16,
) -> ConnectionFailure {
    use rumqttc::v5::mqttbytes::v5::ConnectReturnCode;
    use rumqttc::v5::{ConnectionError, StateError};
    match error {
        ConnectionError::Io(error) => map_io_error(&error, host, port),
        ConnectionError::Timeout(_) => ConnectionFailure::Timeout(timeout_secs),
        ConnectionError::Tls(error) => ConnectionFailure::Tls(error.to_string()),
        ConnectionError::ConnectionRefused(code) => match code {
            ConnectReturnCode::BadUserNamePassword => ConnectionFailure::BadCredentials,
            ConnectReturnCode::NotAuthorized => ConnectionFailure::NotAuthorized,
            other => ConnectionFailure::Rejected(format!("{other:?}")),
        },
        ConnectionError::MqttState(StateError::Io(error)) => map_io_error(&error, host, port),
        ConnectionError::MqttState(StateError::AwaitPingResp) => {
            ConnectionFailure::Lost("the broker did not answer a keep-alive ping".into())
        }
        ConnectionError::MqttState(StateError::ConnectionAborted) => {
            ConnectionFailure::Lost("the broker closed the connection".into())
        }
        ConnectionError::MqttState(StateError::Deserialization(error)) => describe_v5_codec_error(error, host, port),
        ConnectionError::MqttState(StateError::IncomingPacketTooLarge { pkt_size, max }) => {
            too_large(pkt_size, Some(max))
        }
        ConnectionError::MqttState(StateError::Unsolicited(pkid)) => unsolicited(pkid),
        ConnectionError::MqttState(error @ StateError::WrongPacket) => wrong_packet(&error.to_string()),
        ConnectionError::MqttState(StateError::ServerDisconnect { reason_code, reason_string }) => {
            let code = crate::wire::codes::describe_reason(
                crate::mqtt::ProtocolVersion::V5,
                crate::wire::PacketKind::Disconnect,
                reason_code as u8,
            );
            ConnectionFailure::ServerDisconnect(match reason_string {
                Some(text) => format!("{code}: {text}"),
                None => code,
            })
        }
        ConnectionError::MqttState(other) => ConnectionFailure::Lost(other.to_string()),
        ConnectionError::NotConnAck(packet) => not_connack(&packet_kind(&format!("{packet:?}")), host, port),
        ConnectionError::RequestsDone => ConnectionFailure::Lost("client closed".into()),
        ConnectionError::Websocket(error) => map_websocket_error(&error.to_string(), host, port),
        ConnectionError::WsConnect(error) => ConnectionFailure::WebSocket(error.to_string()),
        ConnectionError::InvalidUrl(error) => ConnectionFailure::InvalidSettings(format!("WebSocket URL: {error}")),
        ConnectionError::ResponseValidation(error) => {
            ConnectionFailure::WebSocket(format!("the server did not accept the 'mqtt' subprotocol ({error})"))
        }
        ConnectionError::Proxy(error) => ConnectionFailure::Proxy(error.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use rumqttc::v5::mqttbytes::v5 as v5p;

    use super::*;

    #[test]
    fn io_errors_map_to_specific_failures() {
        let refused = io::Error::from(io::ErrorKind::ConnectionRefused);
        assert_eq!(map_io_error(&refused, "h", 1), ConnectionFailure::Refused("h:1".into()));
        let dns = io::Error::other("failed to lookup address information: Name or service not known");
        assert_eq!(map_io_error(&dns, "nowhere.invalid", 1), ConnectionFailure::Dns("nowhere.invalid".into()));
        let reset = io::Error::from(io::ErrorKind::ConnectionReset);
        assert!(matches!(map_io_error(&reset, "h", 1), ConnectionFailure::Lost(_)));
    }

    #[test]
    fn connack_refusals_map_to_specific_failures() {
        use rumqttc::ConnectReturnCode;
        let bad = map_v3_error(
            rumqttc::ConnectionError::ConnectionRefused(ConnectReturnCode::BadUserNamePassword),
            "h",
            1,
            5,
        );
        assert_eq!(bad, ConnectionFailure::BadCredentials);
        let denied =
            map_v3_error(rumqttc::ConnectionError::ConnectionRefused(ConnectReturnCode::NotAuthorized), "h", 1, 5);
        assert_eq!(denied, ConnectionFailure::NotAuthorized);
        let v5_bad = map_v5_error(
            rumqttc::v5::ConnectionError::ConnectionRefused(v5p::ConnectReturnCode::BadUserNamePassword),
            "h",
            1,
            5,
        );
        assert_eq!(v5_bad, ConnectionFailure::BadCredentials);
        let banned =
            map_v5_error(rumqttc::v5::ConnectionError::ConnectionRefused(v5p::ConnectReturnCode::Banned), "h", 1, 5);
        assert_eq!(banned, ConnectionFailure::Rejected("Banned".into()));
        assert!(banned.is_permanent());
        assert_eq!(map_v3_error(rumqttc::ConnectionError::NetworkTimeout, "h", 1, 7), ConnectionFailure::Timeout(7));
        let alert = ConnectionFailure::Lost(
            "Mqtt serialization/deserialization error: IO: received fatal alert: CertificateRequired".into(),
        );
        assert_eq!(tls_alert(alert), ConnectionFailure::Tls("the broker requires a client certificate".into()));
        let alert = ConnectionFailure::Lost("IO: received fatal alert: UnknownCA".into());
        assert_eq!(
            tls_alert(alert),
            ConnectionFailure::Tls("the broker does not trust the client certificate's CA".into())
        );
        let plain = ConnectionFailure::Lost("the broker closed the connection".into());
        assert_eq!(tls_alert(plain.clone()), plain);
    }
}
