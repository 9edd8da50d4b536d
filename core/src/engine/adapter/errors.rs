//! What rumqttc's errors mean for the user: refused, DNS, TLS alerts,
//! CONNACK refusals, WebSocket failures, each a specific ConnectionFailure.

use std::io;

use crate::engine::failure::ConnectionFailure;

fn map_io_error(error: &io::Error, host: &str, port: u16) -> ConnectionFailure {
    let text = error.to_string();
    match error.kind() {
        io::ErrorKind::ConnectionRefused => ConnectionFailure::Refused(format!("{host}:{port}")),
        io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionAborted
        | io::ErrorKind::UnexpectedEof
        | io::ErrorKind::BrokenPipe => ConnectionFailure::Lost(text),
        io::ErrorKind::TimedOut => ConnectionFailure::Lost(text),
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
        ConnectionError::MqttState(other) => ConnectionFailure::Lost(other.to_string()),
        ConnectionError::NotConnAck(packet) => {
            ConnectionFailure::Rejected(format!("expected CONNACK, received {packet:?}"))
        }
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
        ConnectionError::MqttState(other) => ConnectionFailure::Lost(other.to_string()),
        ConnectionError::NotConnAck(packet) => {
            ConnectionFailure::Rejected(format!("expected CONNACK, received {packet:?}"))
        }
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
