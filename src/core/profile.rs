//! Connection profiles: what a user fills in to reach a broker, validated
//! before anything is sent, and saved as one readable RON file each.
//!
//! The full profile manager (TLS client certificates, secrets from the
//! keychain, last will, MQTT 5 properties, import) builds on this struct.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::core::mqtt::ProtocolVersion;

/// The RON format version written into every profile file.
pub const PROFILE_FORMAT_VERSION: u32 = 1;

/// Largest packet we accept or send by default: the MQTT maximum (256 MiB).
/// rumqttc's own default (10 KiB) would drop any larger message.
pub const DEFAULT_MAX_PACKET_SIZE: u32 = 268_435_455;

/// How the connection reaches the broker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum TransportKind {
    /// Plain TCP (usually port 1883).
    #[default]
    Tcp,
    /// TLS over TCP (usually port 8883), verified against the system roots
    /// or the profile's CA file.
    Tls,
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
    /// Broker TCP port.
    pub port: u16,
    /// Client identifier; empty lets the broker assign one (clean start only).
    pub client_id: String,
    /// 3.1.1 or 5.0.
    pub protocol: ProtocolVersion,
    /// Plain TCP or TLS.
    pub transport: TransportKind,
    /// PEM file with the CA certificates to trust (TLS only); system roots when empty.
    pub ca_file: Option<PathBuf>,
    /// User name, if the broker wants one.
    pub username: String,
    /// Password; never written to the profile file.
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
    /// Whether the engine reconnects (with back-off) after a failure.
    pub reconnect: bool,
}

impl Default for ConnectionProfile {
    fn default() -> Self {
        Self {
            version: PROFILE_FORMAT_VERSION,
            name: "New connection".into(),
            host: "127.0.0.1".into(),
            port: 1883,
            client_id: String::new(),
            protocol: ProtocolVersion::V5,
            transport: TransportKind::Tcp,
            ca_file: None,
            username: String::new(),
            password: String::new(),
            keep_alive_secs: 60,
            clean_start: true,
            connect_timeout_secs: 10,
            max_packet_size: DEFAULT_MAX_PACKET_SIZE,
            reconnect: true,
        }
    }
}

/// Why a profile cannot be used to connect; each names the field to fix.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProfileError {
    /// Host is required.
    #[error("host is empty")]
    EmptyHost,
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
}

impl ConnectionProfile {
    /// Checks the fields rumqttc would otherwise panic on or the broker refuse.
    pub fn validate(&self) -> Result<(), ProfileError> {
        if self.host.trim().is_empty() {
            return Err(ProfileError::EmptyHost);
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
        Ok(())
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

    /// A file name derived from the profile name (letters, digits, '-', '_').
    pub fn file_stem(&self) -> String {
        let stem: String =
            self.name.chars().map(|c| if c.is_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect();
        let stem = stem.trim_matches('-').to_owned();
        if stem.is_empty() { "profile".into() } else { stem }
    }
}

/// A client id that is unique enough for a test client: `mqttdesk-` + 8 hex digits.
pub fn generate_client_id() -> String {
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |elapsed| elapsed.as_nanos());
    let mixed = (nanos as u64 ^ u64::from(std::process::id()).rotate_left(32)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    format!("mqttdesk-{:08x}", (mixed >> 32) as u32)
}

/// Why a profile file could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProfileFileError {
    /// The file system refused.
    #[error("cannot {action} {path}: {message}")]
    Io {
        /// What was being done ("read", "write", ...).
        action: &'static str,
        /// The file concerned.
        path: String,
        /// The OS error.
        message: String,
    },
    /// The file is not a valid profile.
    #[error("{path} is not a valid profile: {message}")]
    Parse {
        /// The file concerned.
        path: String,
        /// What RON found wrong, with its position.
        message: String,
    },
}

fn io_error(action: &'static str, path: &Path, error: &std::io::Error) -> ProfileFileError {
    ProfileFileError::Io { action, path: path.display().to_string(), message: error.to_string() }
}

/// Parses a profile from RON text; `origin` names it in errors.
pub fn parse_profile(text: &str, origin: &str) -> Result<ConnectionProfile, ProfileFileError> {
    ron::from_str(text).map_err(|error| ProfileFileError::Parse { path: origin.to_owned(), message: error.to_string() })
}

/// Renders a profile as pretty RON (without the password).
pub fn profile_to_ron(profile: &ConnectionProfile) -> Result<String, ProfileFileError> {
    let config = ron::ser::PrettyConfig::new().struct_names(true);
    ron::ser::to_string_pretty(profile, config)
        .map_err(|error| ProfileFileError::Parse { path: profile.name.clone(), message: error.to_string() })
}

/// Writes a profile into `dir` as `<name>.ron`, atomically (temp file,
/// fsync, rename), so a crash never leaves a half-written profile.
pub fn save_profile(dir: &Path, profile: &ConnectionProfile) -> Result<PathBuf, ProfileFileError> {
    std::fs::create_dir_all(dir).map_err(|error| io_error("create folder", dir, &error))?;
    let path = dir.join(format!("{}.ron", profile.file_stem()));
    let temp = dir.join(format!(".{}.ron.tmp", profile.file_stem()));
    let text = profile_to_ron(profile)?;
    let mut file = std::fs::File::create(&temp).map_err(|error| io_error("create", &temp, &error))?;
    file.write_all(text.as_bytes()).map_err(|error| io_error("write", &temp, &error))?;
    file.sync_all().map_err(|error| io_error("sync", &temp, &error))?;
    drop(file);
    std::fs::rename(&temp, &path).map_err(|error| io_error("rename", &path, &error))?;
    Ok(path)
}

/// Loads every `*.ron` profile in `dir`, sorted by name. Files that fail to
/// parse are returned as errors beside the good ones, never skipped silently.
pub fn load_profiles(dir: &Path) -> (Vec<ConnectionProfile>, Vec<ProfileFileError>) {
    let mut profiles = Vec::new();
    let mut errors = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return (profiles, errors),
        Err(error) => return (profiles, vec![io_error("read folder", dir, &error)]),
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|extension| extension != "ron") {
            continue;
        }
        match std::fs::read_to_string(&path) {
            Ok(text) => match parse_profile(&text, &path.display().to_string()) {
                Ok(profile) => profiles.push(profile),
                Err(error) => errors.push(error),
            },
            Err(error) => errors.push(io_error("read", &path, &error)),
        }
    }
    profiles.sort_by_key(|profile| profile.name.to_lowercase());
    (profiles, errors)
}

/// The profiles shipped in the repository's `profiles/` folder, built in.
pub fn shipped_profiles() -> Vec<ConnectionProfile> {
    [
        ("profiles/embedded-broker.ron", include_str!("../../profiles/embedded-broker.ron")),
        ("profiles/local-mosquitto.ron", include_str!("../../profiles/local-mosquitto.ron")),
    ]
    .into_iter()
    .filter_map(|(origin, text)| parse_profile(text, origin).ok())
    .collect()
}

/// The platform folder for profiles (XDG config on Linux, Application
/// Support on macOS, AppData on Windows), if the platform has one.
pub fn default_profile_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("io.github", "mqttdesk", "mqttdesk").map(|dirs| dirs.config_dir().join("profiles"))
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
        let dir = std::env::temp_dir().join(format!("mqttdesk-profile-test-{}", std::process::id()));
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
    fn shipped_profiles_parse() {
        let names: Vec<String> = shipped_profiles().into_iter().map(|p| p.name).collect();
        assert_eq!(names, vec!["Embedded broker".to_owned(), "Local mosquitto".to_owned()]);
        assert!(generate_client_id().starts_with("mqttdesk-"));
    }
}
