//! Connection profiles: what a user fills in to reach a broker, validated
//! before anything is sent, and saved as one readable RON file each.
//!
//! The full profile manager (TLS client certificates, secrets from the
//! keychain, last will, MQTT 5 properties, import) builds on this struct.

mod files;
mod from_command;
mod proxy;

pub use files::*;
pub use from_command::{CommandLineError, ProfileFromCommand, profile_from_command};
pub use proxy::{ProxyKind, ProxyOptions, ProxyUrlError, parse_proxy_url};

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use thiserror::Error;

pub use crate::mqtt::RetainHandling;
use crate::mqtt::{ProtocolVersion, Qos, SubscribeOptions};
use crate::payload::{PayloadError, PayloadFormat, encode_payload};
use crate::topic::{TopicError, validate_topic_filter, validate_topic_name};

/// The RON format version written into every profile file.
/// 1: the first format (flat, `ca_file` at the top). 2: nested TLS, will,
/// MQTT 5, proxy, password source and saved subscriptions.
pub const PROFILE_FORMAT_VERSION: u32 = 2;

/// Largest packet we accept or send by default: the MQTT maximum (256 MiB).
/// rumqttc's own default (10 KiB) would drop any larger message.
pub const DEFAULT_MAX_PACKET_SIZE: u32 = 268_435_455;

/// How the connection reaches the broker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum TransportKind {
    /// Plain TCP (usually port 1883).
    #[default]
    Tcp,
    /// TLS over TCP (usually port 8883).
    Tls,
    /// MQTT over WebSocket (`ws://host:port/path`, usually 8080 or 8083).
    WebSocket,
    /// MQTT over WebSocket over TLS (`wss://`, usually 8081 or 8084).
    WebSocketTls,
}

impl TransportKind {
    /// All transports, in the order the UI offers them.
    pub const ALL: [TransportKind; 4] = [Self::Tcp, Self::Tls, Self::WebSocket, Self::WebSocketTls];

    /// A short label for menus.
    pub fn label(self) -> &'static str {
        match self {
            Self::Tcp => "TCP",
            Self::Tls => "TLS",
            Self::WebSocket => "WebSocket",
            Self::WebSocketTls => "WebSocket + TLS",
        }
    }

    /// True for the transports that negotiate TLS.
    pub fn uses_tls(self) -> bool {
        matches!(self, Self::Tls | Self::WebSocketTls)
    }

    /// True for the WebSocket transports.
    pub fn uses_websocket(self) -> bool {
        matches!(self, Self::WebSocket | Self::WebSocketTls)
    }
}

/// TLS settings (used by the TLS and WebSocket + TLS transports).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct TlsOptions {
    /// PEM file with the CA certificates to trust; the system roots when empty.
    pub ca_file: Option<PathBuf>,
    /// PEM client certificate (chain) for mutual TLS.
    pub client_certificate_file: Option<PathBuf>,
    /// PEM private key of the client certificate.
    pub client_key_file: Option<PathBuf>,
    /// ALPN protocols to offer, e.g. `["mqtt"]` (AWS IoT on port 443 wants `x-amzn-mqtt-ca`).
    pub alpn_protocols: Vec<String>,
    /// Verify the server's certificate for this name instead of the host
    /// (e.g. connecting by IP address to a broker whose certificate names it).
    pub server_name: Option<String>,
    /// Skip certificate and host name verification. Anyone on the path can
    /// read and change the traffic; the connection shows a warning badge.
    pub dangerously_accept_invalid_certificates: bool,
    /// Append the TLS session keys (NSS key log format, as `SSLKEYLOGFILE`)
    /// to this file, so Wireshark can decrypt a capture. Anyone with the
    /// file can read the traffic, passwords included; the connection shows
    /// a badge, and imported profiles never bring it along.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dangerously_log_session_keys_to: Option<PathBuf>,
}

/// Where the password comes from. Only `InProfile` writes it into the file.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum PasswordSource {
    /// Typed in the app and kept for this session only (never written).
    #[default]
    NotSaved,
    /// Asked for in a prompt on every connect (never written).
    AskOnConnect,
    /// Read from an environment variable when connecting.
    Environment(String),
    /// Read from a file when connecting (trailing newline removed).
    File(PathBuf),
    /// Read from the operating system's keychain, under this account name.
    Keychain(String),
    /// Stored in the profile file in plain text, by the user's explicit choice.
    InProfile(String),
}

/// The message the broker publishes for us if we vanish without DISCONNECT.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LastWill {
    /// Topic name (no wildcards).
    pub topic: String,
    /// Payload as typed.
    pub payload: String,
    /// How `payload` is encoded into bytes.
    pub payload_format: PayloadFormat,
    /// QoS.
    pub qos: Qos,
    /// Retain flag.
    pub retain: bool,
    /// MQTT 5: seconds the broker waits before publishing the will.
    pub delay_interval_secs: Option<u32>,
    /// MQTT 5: message expiry of the will, in seconds.
    pub message_expiry_secs: Option<u32>,
    /// MQTT 5: content type.
    pub content_type: Option<String>,
    /// MQTT 5: response topic.
    pub response_topic: Option<String>,
    /// MQTT 5: correlation data (UTF-8 text).
    pub correlation_data: Option<String>,
    /// MQTT 5: user properties.
    pub user_properties: Vec<(String, String)>,
}

impl Default for LastWill {
    fn default() -> Self {
        Self {
            topic: String::new(),
            payload: String::new(),
            payload_format: PayloadFormat::Text,
            qos: Qos::AtMostOnce,
            retain: false,
            delay_interval_secs: None,
            message_expiry_secs: None,
            content_type: None,
            response_topic: None,
            correlation_data: None,
            user_properties: Vec::new(),
        }
    }
}

/// MQTT 5 CONNECT properties (ignored for 3.1.1 connections).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Mqtt5Options {
    /// Seconds the broker keeps the session after disconnect (0 or none: ends with the connection).
    pub session_expiry_secs: Option<u32>,
    /// Most QoS 1/2 publishes the broker may have in flight towards us.
    pub receive_maximum: Option<u16>,
    /// Most topic aliases the broker may use towards us (topicscope resolves them).
    pub topic_alias_maximum: Option<u16>,
    /// Ask the broker for response information.
    pub request_response_information: bool,
    /// Let the broker send reason strings and user properties on failures.
    pub request_problem_information: bool,
    /// CONNECT user properties.
    pub user_properties: Vec<(String, String)>,
}

impl Default for Mqtt5Options {
    fn default() -> Self {
        Self {
            session_expiry_secs: None,
            receive_maximum: None,
            topic_alias_maximum: None,
            request_response_information: false,
            request_problem_information: true,
            user_properties: Vec::new(),
        }
    }
}

/// A subscription saved with the profile and restored on connect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SavedSubscription {
    /// Topic filter.
    pub filter: String,
    /// Maximum QoS.
    pub qos: Qos,
    /// Palette index of its colour; assigned automatically when absent.
    pub colour: Option<usize>,
    /// MQTT 5: do not receive our own publishes.
    pub no_local: bool,
    /// MQTT 5: keep the retain flag as published.
    pub retain_as_published: bool,
    /// MQTT 5: when retained messages are sent.
    pub retain_handling: RetainHandling,
    /// MQTT 5: subscription identifier the broker tags its messages with.
    pub identifier: Option<u32>,
}

impl SavedSubscription {
    /// The MQTT 5 options of this subscription.
    pub fn options(&self) -> SubscribeOptions {
        SubscribeOptions {
            no_local: self.no_local,
            retain_as_published: self.retain_as_published,
            retain_handling: self.retain_handling,
            identifier: self.identifier,
        }
    }
}

impl Default for SavedSubscription {
    fn default() -> Self {
        Self {
            filter: "#".into(),
            qos: Qos::AtMostOnce,
            colour: None,
            no_local: false,
            retain_as_published: false,
            retain_handling: RetainHandling::SendOnSubscribe,
            identifier: None,
        }
    }
}

/// Everything needed to open one connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConnectionProfile {
    /// Format version of the file this came from.
    pub version: u32,
    /// Name shown in the connection picker; also the file name.
    pub name: String,
    /// Broker host name or IP address.
    pub host: String,
    /// Broker port.
    pub port: u16,
    /// Client identifier; empty lets topicscope generate one.
    pub client_id: String,
    /// Append `-` and 6 random hex digits to the client id on every connect,
    /// so two copies of one profile do not kick each other off.
    pub random_client_id_suffix: bool,
    /// 3.1.1 or 5.0.
    pub protocol: ProtocolVersion,
    /// TCP, TLS, WebSocket or WebSocket + TLS.
    pub transport: TransportKind,
    /// URL path of the WebSocket endpoint.
    pub websocket_path: String,
    /// TLS settings.
    pub tls: TlsOptions,
    /// Version 1 files kept the CA file here; moved into `tls.ca_file` on load.
    #[serde(rename = "ca_file", skip_serializing)]
    pub legacy_ca_file: Option<PathBuf>,
    /// Optional proxy: HTTP CONNECT, SOCKS5 or SOCKS4a.
    pub proxy: Option<ProxyOptions>,
    /// User name, if the broker wants one.
    pub username: String,
    /// Where the password comes from.
    pub password_source: PasswordSource,
    /// The password for this session (typed, or resolved from the source);
    /// never written to the profile file.
    #[serde(skip)]
    pub password: String,
    /// Keep-alive interval in seconds; 0 disables keep-alive.
    pub keep_alive_secs: u16,
    /// Clean start (MQTT 5) / clean session (3.1.1).
    pub clean_start: bool,
    /// Seconds to wait for TCP + CONNACK before giving up on an attempt.
    pub connect_timeout_secs: u16,
    /// Largest packet accepted or sent.
    pub max_packet_size: u32,
    /// Record every packet for the packet inspector (on by default; off
    /// saves its cost on a connection nobody inspects, e.g. a soak test).
    pub record_packets: bool,
    /// Whether the engine reconnects (with back-off) after a failure.
    pub reconnect: bool,
    /// Give up after this many failed attempts in a row (0: never).
    pub reconnect_max_attempts: u32,
    /// Longest wait between attempts, in seconds.
    pub reconnect_backoff_cap_secs: u32,
    /// Last will, if any.
    pub last_will: Option<LastWill>,
    /// MQTT 5 CONNECT properties.
    pub mqtt5: Mqtt5Options,
    /// Subscriptions restored on connect.
    pub subscriptions: Vec<SavedSubscription>,
    /// Values for `{{name}}` placeholders in the composer's topic and
    /// payload, in the order the editor lists them.
    pub variables: Vec<(String, String)>,
    /// How payloads are decoded per topic (protobuf schemas, Sparkplug B…).
    pub decoding: crate::decoders::DecoderSettings,
    /// Device mock files answering on this profile's connection while it is
    /// open (switched on and off in the Mocks window).
    pub mocks: Vec<std::path::PathBuf>,
}

impl Default for ConnectionProfile {
    fn default() -> Self {
        Self {
            version: PROFILE_FORMAT_VERSION,
            name: "New connection".into(),
            host: "127.0.0.1".into(),
            port: 1883,
            client_id: String::new(),
            random_client_id_suffix: false,
            protocol: ProtocolVersion::V5,
            transport: TransportKind::Tcp,
            websocket_path: "/mqtt".into(),
            tls: TlsOptions::default(),
            legacy_ca_file: None,
            proxy: None,
            username: String::new(),
            password_source: PasswordSource::NotSaved,
            password: String::new(),
            keep_alive_secs: 60,
            clean_start: true,
            connect_timeout_secs: 10,
            max_packet_size: DEFAULT_MAX_PACKET_SIZE,
            record_packets: true,
            reconnect: true,
            reconnect_max_attempts: 0,
            reconnect_backoff_cap_secs: 30,
            last_will: None,
            mqtt5: Mqtt5Options::default(),
            subscriptions: Vec::new(),
            variables: Vec::new(),
            decoding: crate::decoders::DecoderSettings::default(),
            mocks: Vec::new(),
        }
    }
}

/// Why a profile cannot be used to connect; each names the field to fix.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProfileError {
    /// Host is required.
    #[error("host is empty")]
    EmptyHost,
    /// Not a host name (letters, digits, '-' and '_' between dots) nor an IP address.
    #[error("'{0}' is not a host name or an IP address")]
    BadHost(String),
    /// Port 0 cannot be connected to.
    #[error("port must be between 1 and 65535")]
    ZeroPort,
    /// A persistent session is looked up by client id.
    #[error("a client id is required when clean start is off (the session is stored under it)")]
    PersistentSessionWithoutClientId,
    /// rumqttc's MQTT 5 client requires this (it asserts on smaller values).
    #[error("keep-alive must be at least 5 s for MQTT 5 connections (got {0} s)")]
    KeepAliveTooShortForV5(u16),
    /// MQTT strings are limited to 65535 bytes.
    #[error("client id is longer than 65535 bytes")]
    ClientIdTooLong,
    /// A zero timeout would fail every attempt.
    #[error("connect timeout must be at least 1 s")]
    ZeroConnectTimeout,
    /// Too small to carry any real packet.
    #[error("maximum packet size must be at least 128 bytes")]
    MaxPacketTooSmall,
    /// The WebSocket path is part of a URL.
    #[error("WebSocket path must start with '/' (e.g. /mqtt)")]
    BadWebSocketPath,
    /// A certificate or key file that does not exist.
    #[error("{what} not found: {path}")]
    MissingFile {
        /// Which setting ("CA file", ...).
        what: &'static str,
        /// The path given.
        path: String,
    },
    /// mTLS needs both halves.
    #[error("a client certificate needs its private key file, and a key needs its certificate")]
    IncompleteClientCertificate,
    /// The will topic is published to, so no wildcards.
    #[error("last will topic: {0}")]
    WillTopic(TopicError),
    /// The will payload does not match its format.
    #[error("last will payload: {0}")]
    WillPayload(PayloadError),
    /// SOCKS4a cannot carry a password.
    #[error("a SOCKS4a proxy takes a user id but no password; choose SOCKS5 for a password")]
    Socks4aPassword,
    /// The proxy needs a host and port.
    #[error("proxy host and port are required")]
    IncompleteProxy,
    /// A saved subscription's filter is invalid.
    #[error("saved subscription '{filter}': {error}")]
    SavedSubscription {
        /// The filter.
        filter: String,
        /// Why it is invalid.
        error: TopicError,
    },
    /// A back-off cap of 0 would hammer the broker.
    #[error("reconnect back-off cap must be at least 1 s")]
    ZeroBackoffCap,
}

impl ConnectionProfile {
    /// The variables as a lookup table (the last of two equal names wins;
    /// the editor flags duplicates).
    pub fn variables_map(&self) -> std::collections::BTreeMap<String, String> {
        self.variables.iter().map(|(name, value)| (name.trim().to_owned(), value.clone())).collect()
    }

    /// Checks every field rumqttc would otherwise panic on, the broker
    /// refuse, or the connect fail on, naming the field.
    pub fn validate(&self) -> Result<(), ProfileError> {
        if self.host.trim().is_empty() {
            return Err(ProfileError::EmptyHost);
        }
        if !is_host(self.host.trim()) {
            return Err(ProfileError::BadHost(self.host.trim().to_owned()));
        }
        if self.port == 0 {
            return Err(ProfileError::ZeroPort);
        }
        if self.client_id.is_empty() && !self.clean_start {
            return Err(ProfileError::PersistentSessionWithoutClientId);
        }
        if self.client_id.len() > 65_535 {
            return Err(ProfileError::ClientIdTooLong);
        }
        if self.protocol == ProtocolVersion::V5 && self.keep_alive_secs < 5 {
            return Err(ProfileError::KeepAliveTooShortForV5(self.keep_alive_secs));
        }
        if self.connect_timeout_secs == 0 {
            return Err(ProfileError::ZeroConnectTimeout);
        }
        if self.max_packet_size < 128 {
            return Err(ProfileError::MaxPacketTooSmall);
        }
        if self.reconnect_backoff_cap_secs == 0 {
            return Err(ProfileError::ZeroBackoffCap);
        }
        if self.transport.uses_websocket() && !self.websocket_path.starts_with('/') {
            return Err(ProfileError::BadWebSocketPath);
        }
        if self.transport.uses_tls() {
            let files = [
                ("CA file", &self.tls.ca_file),
                ("client certificate file", &self.tls.client_certificate_file),
                ("client key file", &self.tls.client_key_file),
            ];
            for (what, file) in files {
                if let Some(path) = file
                    && !path.is_file()
                {
                    return Err(ProfileError::MissingFile { what, path: path.display().to_string() });
                }
            }
            if self.tls.client_certificate_file.is_some() != self.tls.client_key_file.is_some() {
                return Err(ProfileError::IncompleteClientCertificate);
            }
        }
        if let Some(will) = &self.last_will {
            validate_topic_name(&will.topic).map_err(ProfileError::WillTopic)?;
            encode_payload(&will.payload, will.payload_format).map_err(ProfileError::WillPayload)?;
        }
        if let Some(proxy) = &self.proxy {
            if proxy.host.trim().is_empty() || proxy.port == 0 {
                return Err(ProfileError::IncompleteProxy);
            }
            if proxy.kind == ProxyKind::Socks4a && proxy.password_source != PasswordSource::NotSaved {
                return Err(ProfileError::Socks4aPassword);
            }
        }
        for subscription in &self.subscriptions {
            validate_topic_filter(&subscription.filter)
                .map_err(|error| ProfileError::SavedSubscription { filter: subscription.filter.clone(), error })?;
        }
        Ok(())
    }

    /// True when connecting must first ask the user for the password.
    pub fn needs_password_prompt(&self) -> bool {
        self.password_source == PasswordSource::AskOnConnect && self.password.is_empty()
    }

    /// Brings a profile read from an older file up to the current format.
    pub fn migrate(mut self) -> Self {
        if let Some(ca_file) = self.legacy_ca_file.take()
            && self.tls.ca_file.is_none()
        {
            self.tls.ca_file = Some(ca_file);
        }
        if let PasswordSource::InProfile(password) = &self.password_source {
            self.password = password.clone();
        }
        self.version = PROFILE_FORMAT_VERSION;
        self
    }

    /// Keep-alive as a duration.
    pub fn keep_alive(&self) -> Duration {
        Duration::from_secs(u64::from(self.keep_alive_secs))
    }

    /// `host:port` for display.
    pub fn address(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    /// The WebSocket URL for the WebSocket transports.
    pub fn websocket_url(&self) -> String {
        let scheme = if self.transport == TransportKind::WebSocketTls { "wss" } else { "ws" };
        format!("{scheme}://{}{}", self.address(), self.websocket_path)
    }

    /// A file name derived from the profile name (letters, digits, '-', '_').
    pub fn file_stem(&self) -> String {
        file_stem_of(&self.name)
    }

    /// The password to connect with: the session's typed one, or the one
    /// its source provides. Errors name the variable or file.
    pub fn resolve_password(&self) -> Result<String, SecretError> {
        self.password_source.resolve(&self.password)
    }
}

impl PasswordSource {
    /// The password from this source; `typed` is what was typed in the
    /// window (or the prompt) for the sources that are not saved.
    pub fn resolve(&self, typed: &str) -> Result<String, SecretError> {
        match self {
            PasswordSource::NotSaved | PasswordSource::AskOnConnect => Ok(typed.to_owned()),
            PasswordSource::InProfile(password) => Ok(password.clone()),
            PasswordSource::Environment(variable) => {
                std::env::var(variable).map_err(|_| SecretError::MissingVariable(variable.clone()))
            }
            PasswordSource::File(path) => {
                std::fs::read_to_string(path).map(|text| text.trim_end_matches(['\r', '\n']).to_owned()).map_err(
                    |error| SecretError::Unreadable { path: path.display().to_string(), message: error.to_string() },
                )
            }
            PasswordSource::Keychain(account) => {
                crate::secrets::read_password(account).map_err(|error| SecretError::Keychain(error.to_string()))
            }
        }
    }
}

/// Why a password could not be obtained from its source.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SecretError {
    /// The keychain could not provide it.
    #[error("password: {0}")]
    Keychain(String),
    /// The environment variable is not set (or not UTF-8).
    #[error("password: environment variable {0} is not set")]
    MissingVariable(String),
    /// The password file cannot be read.
    #[error("password: cannot read {path}: {message}")]
    Unreadable {
        /// The file.
        path: String,
        /// The OS error.
        message: String,
    },
}

/// A file name made from a display name (letters, digits, '-', '_'; "profile" when nothing is left).
pub fn file_stem_of(name: &str) -> String {
    let stem: String =
        name.chars().map(|c| if c.is_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect();
    let stem = stem.trim_matches('-').to_owned();
    if stem.is_empty() { "profile".into() } else { stem }
}

/// A client id that is unique enough for a test client: `topicscope-` + 8 hex digits.
pub fn generate_client_id() -> String {
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |elapsed| elapsed.as_nanos());
    let mixed = (nanos as u64 ^ u64::from(std::process::id()).rotate_left(32)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    format!("topicscope-{:08x}", (mixed >> 32) as u32)
}

/// True for an IP address (IPv6 with or without brackets) or a host name:
/// labels of letters, digits, '-' and '_' (1 to 63 characters, no '-' at
/// either end) between dots, 253 characters at most.
pub fn is_host(host: &str) -> bool {
    let bare = host.strip_prefix('[').and_then(|inner| inner.strip_suffix(']')).unwrap_or(host);
    if bare.parse::<std::net::IpAddr>().is_ok() {
        return true;
    }
    let name = host.strip_suffix('.').unwrap_or(host);
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_names_the_field() {
        let good = ConnectionProfile::default();
        assert_eq!(good.validate(), Ok(()));
        let cases = [
            (ConnectionProfile { host: " ".into(), ..good.clone() }, ProfileError::EmptyHost),
            (
                ConnectionProfile { host: "bad host name!".into(), ..good.clone() },
                ProfileError::BadHost("bad host name!".into()),
            ),
            (ConnectionProfile { port: 0, ..good.clone() }, ProfileError::ZeroPort),
            (ConnectionProfile { clean_start: false, ..good.clone() }, ProfileError::PersistentSessionWithoutClientId),
            (ConnectionProfile { keep_alive_secs: 0, ..good.clone() }, ProfileError::KeepAliveTooShortForV5(0)),
            (ConnectionProfile { connect_timeout_secs: 0, ..good.clone() }, ProfileError::ZeroConnectTimeout),
            (ConnectionProfile { max_packet_size: 10, ..good.clone() }, ProfileError::MaxPacketTooSmall),
        ];
        for (profile, expected) in cases {
            assert_eq!(profile.validate(), Err(expected));
        }
        let v311_no_keepalive = ConnectionProfile { protocol: ProtocolVersion::V311, keep_alive_secs: 0, ..good };
        assert_eq!(v311_no_keepalive.validate(), Ok(()));
    }

    #[test]
    fn save_and_load_round_trip_without_the_password() {
        let dir = std::env::temp_dir().join(format!("topicscope-profile-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let profile = ConnectionProfile {
            name: "Site A / prod".into(),
            username: "alice".into(),
            password: "secret".into(),
            ..ConnectionProfile::default()
        };
        let path = save_profile(&dir, &profile).expect("save");
        assert_eq!(path.file_name().and_then(|n| n.to_str()), Some("Site-A---prod.ron"));
        let text = std::fs::read_to_string(&path).expect("read back");
        assert!(!text.contains("secret"), "{text}");
        std::fs::write(dir.join("broken.ron"), "ConnectionProfile(port: \"x\")").expect("write");
        let (profiles, errors) = load_profiles(&dir);
        assert_eq!(profiles, vec![ConnectionProfile { password: String::new(), ..profile }]);
        assert_eq!(errors.len(), 1);
        assert!(errors[0].to_string().contains("broken.ron"), "{}", errors[0]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn old_files_with_missing_fields_still_load() {
        let profile = parse_profile("(name: \"old\", host: \"h\", port: 1884)", "inline").expect("parse");
        assert_eq!((profile.name.as_str(), profile.port, profile.keep_alive_secs), ("old", 1884, 60));
    }

    #[test]
    fn every_shipped_profile_parses() {
        for (origin, text) in SHIPPED_PROFILE_FILES {
            let profile = parse_profile(text, origin).unwrap_or_else(|error| panic!("{error}"));
            assert_eq!(profile.version, PROFILE_FORMAT_VERSION, "{origin}");
        }
        let profiles = shipped_profiles();
        assert_eq!(profiles.len(), SHIPPED_PROFILE_FILES.len());
        assert_eq!(profiles[0].name, "Embedded broker");
        assert_eq!(profiles[0].subscriptions.len(), 1);
        assert!(generate_client_id().starts_with("topicscope-"));
    }

    #[test]
    fn host_names_and_addresses_are_told_from_typos() {
        for good in
            ["localhost", "broker.emqx.io", "test.mosquitto.org.", "10.0.0.5", "::1", "[fe80::1]", "my_broker-2"]
        {
            assert!(is_host(good), "{good}");
        }
        for bad in ["bad host name!", "a..b", "-lead.example", "trail-.example", "x".repeat(64).as_str(), "host:1883"] {
            assert!(!is_host(bad), "{bad}");
        }
    }
}
