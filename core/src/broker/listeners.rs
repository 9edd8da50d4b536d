//! The sockets the embedded broker listens on: TCP (with a free port when
//! the asked one is taken), WebSocket and TLS, all with the same limits.

use std::net::SocketAddr;
use std::time::Duration;

use super::{BrokerConfig, BrokerError};

/// The protocols a listener speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListenerKind {
    /// MQTT over TCP.
    Mqtt,
    /// MQTT over WebSocket.
    WebSocket,
    /// MQTT over TLS.
    Tls,
}

impl ListenerKind {
    /// URL scheme clients use for it.
    pub fn scheme(self) -> &'static str {
        match self {
            ListenerKind::Mqtt => "mqtt",
            ListenerKind::WebSocket => "ws",
            ListenerKind::Tls => "mqtts",
        }
    }
}

/// One bound listener.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listening {
    /// What it speaks.
    pub kind: ListenerKind,
    /// Where it listens.
    pub addr: SocketAddr,
}

pub(super) fn bind_error(address: SocketAddr, error: impl std::fmt::Display) -> BrokerError {
    BrokerError::Bind { address, message: error.to_string() }
}

pub(super) fn bind_listener(config: &BrokerConfig) -> Result<rmqtt::net::Listener, BrokerError> {
    let attempt = |port: u16| {
        let address = SocketAddr::new(config.bind, port);
        listener_builder(config, address, "topicscope/tcp").bind().map_err(|error| bind_error(address, error))
    };
    match attempt(config.port) {
        Ok(listener) => Ok(listener),
        Err(error) if config.fall_back_to_free_port && config.port != 0 => {
            tracing::warn!("{error}; using a free port instead");
            attempt(0)
        }
        Err(error) => Err(error),
    }
}

pub(super) fn listener_builder(config: &BrokerConfig, address: SocketAddr, name: &str) -> rmqtt::net::Builder {
    let builder = rmqtt::net::Builder::new()
        .name(name)
        .laddr(address)
        // SO_REUSEADDR lets a restarted broker take its port back at once on
        // Unix; on Windows it would let two brokers share a port, so not there.
        .reuseaddr(Some(cfg!(unix)))
        .nodelay(true)
        .max_connections(config.max_connections)
        .max_packet_size(config.max_packet_size)
        // Every CONNECT goes through topicscope's authentication hook, which
        // applies allow_anonymous itself and the connection limit.
        .allow_anonymous(false)
        .max_clientid_len(65_535)
        .max_topic_levels(0)
        .message_expiry_interval(Duration::ZERO)
        .ws_allowed_origins(Some(config.websocket_allowed_origins.clone()));
    config.limits.apply(builder)
}
