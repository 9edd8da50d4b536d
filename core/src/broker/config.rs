//! The embedded broker's settings as the app holds them (saved as RON by
//! [`super::settings`]) and the checks that can be made before binding.

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::auth::{AccessControl, UsersError};

/// The port MQTT brokers conventionally listen on.
pub const STANDARD_MQTT_PORT: u16 = 1883;

/// `max_connections` meaning "no limit" (mosquitto's -1).
pub const UNLIMITED_CONNECTIONS: usize = 1_000_000;

/// A TLS listener: port and the PEM files it serves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TlsListener {
    /// TCP port for MQTT over TLS (mosquitto's convention is 8883).
    pub port: u16,
    /// Certificate chain (PEM).
    pub cert_file: PathBuf,
    /// Private key (PEM).
    pub key_file: PathBuf,
}

/// What the embedded broker listens on and accepts; saved as RON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BrokerConfig {
    /// Address to bind; loopback unless the user explicitly chooses otherwise.
    pub bind: IpAddr,
    /// TCP port; 0 picks any free port.
    pub port: u16,
    /// When `port` is taken, bind a free port instead of failing.
    pub fall_back_to_free_port: bool,
    /// MQTT over WebSocket on this port (any path), when set.
    pub websocket_port: Option<u16>,
    /// Web page origins (`https://dashboard.example`) allowed to open
    /// WebSocket connections besides pages served from this machine; a
    /// page from anywhere else is refused (403), so a site the user visits
    /// cannot reach the broker through the browser. Clients that are not
    /// browsers send no origin and are not affected.
    pub websocket_allowed_origins: Vec<String>,
    /// MQTT over TLS, when set.
    pub tls: Option<TlsListener>,
    /// Largest packet accepted (32 MiB by default; MQTT allows 256 MiB).
    pub max_packet_size: u32,
    /// Most simultaneous client connections.
    pub max_connections: usize,
    /// How often `$SYS/broker/...` status topics are published (mosquitto's
    /// `sys_interval`; zero turns them off).
    #[serde(with = "whole_seconds")]
    pub sys_interval: Duration,
    /// Users, passwords and the ACL.
    pub access: AccessControl,
    /// Folder where retained messages and persistent sessions survive a
    /// restart; `None` keeps them in memory only.
    pub persistence: Option<PathBuf>,
    /// Start with an empty store when the data folder's is damaged, moving
    /// the damaged files aside (kept). Never saved: a choice made once,
    /// after the broker refused to start and said why.
    #[serde(skip)]
    pub discard_damaged_state: bool,
    /// Keep-alive, in-flight, queue, subscription, session and retained
    /// limits.
    pub limits: super::limits::BrokerLimits,
    /// Bridges to other brokers (mosquitto's `connection` sections).
    pub bridges: Vec<super::bridge::BridgeConfig>,
}

impl Default for BrokerConfig {
    fn default() -> Self {
        Self {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: STANDARD_MQTT_PORT,
            fall_back_to_free_port: true,
            websocket_port: None,
            websocket_allowed_origins: Vec::new(),
            tls: None,
            max_packet_size: super::limits::DEFAULT_MAX_PACKET_SIZE,
            max_connections: 10_000,
            sys_interval: Duration::from_secs(10),
            access: AccessControl::default(),
            persistence: None,
            discard_damaged_state: false,
            limits: super::limits::BrokerLimits::default(),
            bridges: Vec::new(),
        }
    }
}

/// `Duration` as whole seconds in RON (`sys_interval: 10`).
mod whole_seconds {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(duration: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u64(duration.as_secs())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
        u64::deserialize(deserializer).map(Duration::from_secs)
    }
}

impl BrokerConfig {
    /// Loopback on a free port: what tests use.
    pub fn ephemeral() -> Self {
        Self { port: 0, ..Self::default() }
    }

    /// Checks what can be checked before binding, naming the setting.
    pub fn validate(&self) -> Result<(), BrokerConfigError> {
        let mut ports = vec![("TCP", self.port)];
        ports.extend(self.websocket_port.map(|port| ("WebSocket", port)));
        ports.extend(self.tls.as_ref().map(|tls| ("TLS", tls.port)));
        for (index, (kind, port)) in ports.iter().enumerate() {
            if let Some((other, _)) = ports[..index].iter().find(|(_, used)| *used == *port && *port != 0) {
                return Err(BrokerConfigError::PortTwice { kind, port: *port, other });
            }
        }
        if self.max_packet_size < 128 {
            return Err(BrokerConfigError::PacketTooSmall(self.max_packet_size));
        }
        if self.max_connections == 0 {
            return Err(BrokerConfigError::NoConnections);
        }
        if let Some(tls) = &self.tls {
            for (what, path) in [("certificate", &tls.cert_file), ("key", &tls.key_file)] {
                if path.as_os_str().is_empty() {
                    return Err(BrokerConfigError::TlsFileMissing(what));
                }
            }
        }
        if self.persistence.as_ref().is_some_and(|dir| dir.as_os_str().is_empty()) {
            return Err(BrokerConfigError::NoDataFolder);
        }
        self.limits.validate()?;
        Ok(self.access.validate()?)
    }
}

/// Why broker settings cannot work, naming the setting.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BrokerConfigError {
    /// Two listeners on one port.
    #[error("the {kind} port {port} is already the {other} port")]
    PortTwice {
        /// The listener that clashes.
        kind: &'static str,
        /// The port.
        port: u16,
        /// The listener that has it.
        other: &'static str,
    },
    /// Too small for any real packet.
    #[error("max packet size {0} is below 128 bytes")]
    PacketTooSmall(u32),
    /// Nobody could connect.
    #[error("max connections must be at least 1")]
    NoConnections,
    /// The TLS listener without its certificate or key.
    #[error("the TLS listener needs a {0} file")]
    TlsFileMissing(&'static str),
    /// Persistence without a folder.
    #[error("persistence needs a data folder")]
    NoDataFolder,
    /// A stored user cannot be used.
    #[error(transparent)]
    Users(#[from] UsersError),
    /// A limit that admits nothing.
    #[error(transparent)]
    Limits(#[from] super::limits::LimitsError),
}
