//! The embedded broker's settings on disk: RON like the profiles, and a
//! reader for the part of mosquitto.conf that maps onto them, so a tester
//! can point topicscope at the configuration they already use.

use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use thiserror::Error;

use super::BrokerConfig;
use super::auth::{Acl, AclParseError, PasswordError, hash_password};
use super::config::BrokerConfigError;
use crate::fs::write_private;
use crate::profile::{ProfileFileError, ron_error};

/// Why broker settings could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SettingsError {
    /// Reading or writing the file failed, or it is not valid RON
    /// (`path:line:column: problem`), as for profiles.
    #[error(transparent)]
    File(#[from] ProfileFileError),
    /// A mosquitto.conf (or a file it names) has a line we cannot use.
    #[error("{path}:{line}: {message}")]
    Mosquitto {
        /// The file concerned.
        path: String,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The settings parse but cannot work (e.g. a damaged password hash).
    #[error("{0}")]
    Invalid(String),
}

fn io_error(action: &'static str, path: &Path, error: &std::io::Error) -> SettingsError {
    SettingsError::File(crate::profile::io_error(action, path, error))
}

/// The platform file for the app's broker settings, next to the profiles folder.
pub fn default_settings_path() -> Option<PathBuf> {
    crate::app_dirs::config_dir().map(|dir| dir.join("broker.ron"))
}

/// The platform folder for persisted broker data (retained messages, sessions).
pub fn default_data_dir() -> Option<PathBuf> {
    crate::app_dirs::data_dir().map(|dir| dir.join("broker"))
}

/// Parses RON broker settings; `origin` names the source in errors.
pub fn parse_settings(text: &str, origin: &str) -> Result<BrokerConfig, SettingsError> {
    let config = ron::from_str::<BrokerConfig>(text).map_err(|error| ron_error(origin, &error))?;
    config.validate().map_err(|message| SettingsError::Invalid(format!("{origin}: {message}")))?;
    Ok(config)
}

/// Reads RON broker settings from a file.
pub fn load_settings(path: &Path) -> Result<BrokerConfig, SettingsError> {
    let text = std::fs::read_to_string(path).map_err(|error| io_error("read", path, &error))?;
    parse_settings(&text, &path.display().to_string())
}

/// Renders settings as pretty RON (password hashes included: they are hashes).
pub fn settings_to_ron(config: &BrokerConfig) -> Result<String, SettingsError> {
    ron::ser::to_string_pretty(config, ron::ser::PrettyConfig::new().struct_names(true))
        .map_err(|error| SettingsError::Invalid(format!("cannot write settings: {error}")))
}

/// Writes settings atomically, creating the folder; owner-readable only
/// (they hold the users' password hashes).
pub fn save_settings(path: &Path, config: &BrokerConfig) -> Result<(), SettingsError> {
    write_private(path, settings_to_ron(config)?).map_err(|error| SettingsError::File(error.into()))
}

/// Reads a settings file: mosquitto.conf syntax for `*.conf`, RON otherwise.
/// Returns the settings and notes about what was not carried over.
pub fn load_any(path: &Path) -> Result<(BrokerConfig, Vec<String>), SettingsError> {
    if path.extension().is_some_and(|extension| extension == "conf") {
        import_mosquitto_conf(path)
    } else {
        load_settings(path).map(|config| (config, Vec::new()))
    }
}

/// Reads a mosquitto.conf and the password and ACL files it names.
pub fn import_mosquitto_conf(path: &Path) -> Result<(BrokerConfig, Vec<String>), SettingsError> {
    let text = std::fs::read_to_string(path).map_err(|error| io_error("read", path, &error))?;
    let base = path.parent().unwrap_or(Path::new("."));
    parse_mosquitto_conf(&text, &path.display().to_string(), base)
}

/// One `listener` block of a mosquitto.conf.
#[derive(Debug, Default)]
struct MosquittoListener {
    line: usize,
    port: u16,
    bind: Option<IpAddr>,
    websockets: bool,
    cert: Option<PathBuf>,
    key: Option<PathBuf>,
}

/// Parses mosquitto.conf text. Relative file names are taken from `base`
/// (the folder of the .conf file).
pub fn parse_mosquitto_conf(
    text: &str,
    origin: &str,
    base: &Path,
) -> Result<(BrokerConfig, Vec<String>), SettingsError> {
    let mut config = BrokerConfig { fall_back_to_free_port: false, ..BrokerConfig::default() };
    let mut notes = Vec::new();
    let mut listeners: Vec<MosquittoListener> = Vec::new();
    let mut legacy = MosquittoListener { port: super::STANDARD_MQTT_PORT, ..MosquittoListener::default() };
    let mut allow_anonymous: Option<bool> = None;
    let mut persistence = false;
    let mut persistence_location: Option<PathBuf> = None;
    let mut bridges = super::bridge::config::BridgeParser::default();
    let resolve = |value: &str| {
        let path = PathBuf::from(value);
        if path.is_absolute() { path } else { base.join(path) }
    };
    for (index, raw) in text.lines().enumerate() {
        let line_number = index + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let error = |message: String| SettingsError::Mosquitto { path: origin.to_owned(), line: line_number, message };
        let (key, value) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let value = value.trim();
        let number = |what: &str| value.parse::<i64>().map_err(|_| error(format!("{key}: '{value}' is not {what}")));
        let boolean = || match value {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(error(format!("{key}: '{value}' is not true or false"))),
        };
        if let Some(applied) = super::limits::mosquitto_key(&mut config.limits, key, value) {
            applied.map_err(error)?;
            continue;
        }
        if super::bridge::config::is_bridge_key(key) {
            bridges.feed(line_number, key, value, base).map_err(|bad| error(bad.message))?;
            continue;
        }
        let current = listeners.last_mut().unwrap_or(&mut legacy);
        match key {
            "listener" => {
                let mut parts = value.split_whitespace();
                let port = parts
                    .next()
                    .and_then(|port| port.parse::<u16>().ok())
                    .ok_or_else(|| error(format!("listener: '{value}' does not start with a port")))?;
                let bind = parts
                    .next()
                    .map(|address| parse_address(address).map_err(|bad| error(bad.to_string())))
                    .transpose()?;
                listeners.push(MosquittoListener { line: line_number, port, bind, ..MosquittoListener::default() });
            }
            "port" => legacy.port = u16::try_from(number("a port")?).map_err(|_| error(format!("port: {value}")))?,
            "bind_address" => legacy.bind = Some(parse_address(value).map_err(|bad| error(bad.to_string()))?),
            "protocol" => match value {
                "websockets" => current.websockets = true,
                "mqtt" => current.websockets = false,
                other => return Err(error(format!("protocol: '{other}' is not mqtt or websockets"))),
            },
            "certfile" => current.cert = Some(resolve(value)),
            "keyfile" => current.key = Some(resolve(value)),
            "allow_anonymous" => allow_anonymous = Some(boolean()?),
            "password_file" => {
                let file = resolve(value);
                let (users, hashed) = read_password_file(&file)?;
                if hashed > 0 {
                    notes.push(format!("{hashed} plain-text passwords from {} were stored hashed", file.display()));
                }
                config.access.users = users;
            }
            "acl_file" => {
                let file = resolve(value);
                let text = std::fs::read_to_string(&file).map_err(|io| io_error("read", &file, &io))?;
                let acl = Acl::parse_mosquitto(&text).map_err(|acl_error| SettingsError::Mosquitto {
                    path: file.display().to_string(),
                    line: acl_error.line,
                    message: acl_error.message,
                })?;
                config.access.acl = Some(acl);
            }
            "persistence" => persistence = boolean()?,
            "persistence_location" => persistence_location = Some(resolve(value)),
            "max_connections" => {
                let count = number("a number")?;
                config.max_connections = if count < 0 { super::UNLIMITED_CONNECTIONS } else { count as usize };
            }
            "max_packet_size" | "message_size_limit" => {
                let size = number("a size in bytes")?;
                if size > 0 {
                    config.max_packet_size = u32::try_from(size).map_err(|_| error(format!("{key}: {value}")))?;
                }
            }
            "sys_interval" => config.sys_interval = Duration::from_secs(number("seconds")?.max(0) as u64),
            other => notes.push(format!("{origin}:{line_number}: '{other}' has no equivalent; ignored")),
        }
    }
    // The first plain listener serves MQTT over TCP; then WebSocket and TLS.
    let plain: Vec<&MosquittoListener> = listeners.iter().filter(|l| !l.websockets && l.cert.is_none()).collect();
    let main = plain.first().copied().unwrap_or(&legacy);
    config.port = main.port;
    config.bind = main.bind.unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
    if main.bind.is_none() && !listeners.is_empty() {
        notes.push(format!(
            "listener {} has no address: topicscope binds 127.0.0.1 (mosquitto would listen on all interfaces)",
            main.port
        ));
    }
    let mut used = vec![main.line];
    if let Some(websocket) = listeners.iter().find(|l| l.websockets && l.cert.is_none()) {
        config.websocket_port = Some(websocket.port);
        used.push(websocket.line);
    }
    if let Some(tls) = listeners.iter().find(|l| !l.websockets && l.cert.is_some()) {
        let (Some(cert_file), Some(key_file)) = (tls.cert.clone(), tls.key.clone()) else {
            return Err(SettingsError::Mosquitto {
                path: origin.to_owned(),
                line: tls.line,
                message: "a TLS listener needs both certfile and keyfile".into(),
            });
        };
        config.tls = Some(super::TlsListener { port: tls.port, cert_file, key_file });
        used.push(tls.line);
    }
    for listener in listeners.iter().filter(|l| !used.contains(&l.line)) {
        notes.push(format!(
            "{origin}:{}: listener {} not carried over (one each of TCP, WebSocket, TLS)",
            listener.line, listener.port
        ));
    }
    // mosquitto 2: with listeners configured, anonymous access is off unless allowed.
    config.access.allow_anonymous = allow_anonymous.unwrap_or(listeners.is_empty());
    if persistence {
        config.persistence = Some(persistence_location.unwrap_or_else(|| base.to_path_buf()));
    }
    let (bridges, bridge_notes) = bridges.finish().map_err(|bad| SettingsError::Mosquitto {
        path: origin.to_owned(),
        line: bad.line,
        message: bad.message,
    })?;
    config.bridges = bridges;
    notes.extend(bridge_notes.into_iter().map(|note| format!("{origin}: {note}")));
    config.validate().map_err(|message| SettingsError::Invalid(format!("{origin}: {message}")))?;
    Ok((config, notes))
}

/// A bind address that does not read as an IP address.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("'{0}' is not an IP address")]
pub struct NotAnAddress(String);

fn parse_address(text: &str) -> Result<IpAddr, NotAnAddress> {
    match text {
        "localhost" => Ok(IpAddr::V4(Ipv4Addr::LOCALHOST)),
        _ => text.parse().map_err(|_| NotAnAddress(text.to_owned())),
    }
}

/// Why the broker settings form cannot be applied, naming the field.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FormError {
    /// One field holds something unusable.
    #[error("{field}: {problem}")]
    Field {
        /// The field's label.
        field: String,
        /// What is wrong.
        problem: String,
    },
    /// The ACL text has a line that cannot be understood.
    #[error("ACL {0}")]
    Acl(#[from] AclParseError),
    /// The fields read, and together cannot work.
    #[error(transparent)]
    Config(#[from] BrokerConfigError),
    /// A password could not be hashed.
    #[error(transparent)]
    Password(#[from] PasswordError),
}

impl FormError {
    fn field(field: &str, problem: impl std::fmt::Display) -> Self {
        Self::Field { field: field.to_owned(), problem: problem.to_string() }
    }
}

/// Reads a mosquitto password file: `user:$7$…` lines, or `user:password`
/// before `mosquitto_passwd -U` hashed them. Returns the users and how many
/// plain passwords were hashed here.
fn read_password_file(path: &Path) -> Result<(std::collections::BTreeMap<String, String>, usize), SettingsError> {
    let text = std::fs::read_to_string(path).map_err(|error| io_error("read", path, &error))?;
    let origin = path.display().to_string();
    let mut users = std::collections::BTreeMap::new();
    let mut hashed = 0;
    for entry in parse_password_file(&text, &origin)? {
        let stored = match entry.secret {
            PasswordFileSecret::Hashed(stored) => stored,
            PasswordFileSecret::Plain(password) => {
                hashed += 1;
                hash_password(&password).map_err(|problem| SettingsError::Mosquitto {
                    path: origin.clone(),
                    line: entry.line,
                    message: problem.to_string(),
                })?
            }
        };
        users.insert(entry.user, stored);
    }
    Ok((users, hashed))
}

/// One user of a mosquitto password file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordFileEntry {
    /// The user name.
    pub user: String,
    /// Its password, hashed or (before `mosquitto_passwd -U`) plain.
    pub secret: PasswordFileSecret,
    /// Its line number, for messages.
    pub line: usize,
}

/// A password file's secret for one user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordFileSecret {
    /// A checked `$6$…` or `$7$…` hash.
    Hashed(String),
    /// A plain password, to be hashed on import.
    Plain(String),
}

/// Parses a mosquitto password file's text without hashing anything (cheap
/// enough to fuzz); `origin` names the file in errors.
pub fn parse_password_file(text: &str, origin: &str) -> Result<Vec<PasswordFileEntry>, SettingsError> {
    let mut entries = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let error = |message: String| SettingsError::Mosquitto { path: origin.to_owned(), line: index + 1, message };
        let (user, secret) = line.split_once(':').ok_or_else(|| error("expected user:password".into()))?;
        if user.is_empty() {
            return Err(error("empty user name".into()));
        }
        let secret = if secret.starts_with("$6$") || secret.starts_with("$7$") {
            super::auth::check_hash(secret).map_err(|problem| error(format!("user {user}: {problem}")))?;
            PasswordFileSecret::Hashed(secret.to_owned())
        } else {
            PasswordFileSecret::Plain(secret.to_owned())
        };
        entries.push(PasswordFileEntry { user: user.to_owned(), secret, line: index + 1 });
    }
    Ok(entries)
}

/// The broker settings form as typed: text fields become a [`BrokerConfig`]
/// on apply, with an error that names the field.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SettingsDraft {
    /// Bind address.
    pub bind: String,
    /// TCP port.
    pub port: String,
    /// Use a free port when the TCP port is taken.
    pub fall_back_to_free_port: bool,
    /// Serve MQTT over WebSocket.
    pub websocket: bool,
    /// Its port.
    pub websocket_port: String,
    /// Page origins allowed besides this machine's, comma-separated.
    pub websocket_allowed_origins: String,
    /// Serve MQTT over TLS.
    pub tls: bool,
    /// Its port.
    pub tls_port: String,
    /// Certificate chain file (PEM).
    pub cert_file: String,
    /// Private key file (PEM).
    pub key_file: String,
    /// Most connections.
    pub max_connections: String,
    /// Largest packet in bytes.
    pub max_packet_size: String,
    /// `$SYS` interval in seconds (0: off).
    pub sys_interval: String,
    /// Accept clients without a user name.
    pub allow_anonymous: bool,
    /// User name → password hash.
    pub users: std::collections::BTreeMap<String, String>,
    /// The add-user form: name.
    pub new_user: String,
    /// The add-user form: password (hashed when added, then cleared).
    pub new_password: String,
    /// Apply the ACL.
    pub acl_enabled: bool,
    /// The ACL in mosquitto's acl_file syntax.
    pub acl_text: String,
    /// Keep retained messages and sessions across restarts.
    pub persistence: bool,
    /// Where.
    pub data_dir: String,
    /// Keep-alive, queue, subscription, session and retained limits.
    pub limits: super::limits::LimitsDraft,
    /// Bridges, in mosquitto.conf's syntax (`connection`, `address`, `topic`…).
    pub bridges_text: String,
}

impl SettingsDraft {
    /// The form for existing settings.
    pub fn from_config(config: &BrokerConfig) -> Self {
        let tls = config.tls.clone();
        Self {
            bind: config.bind.to_string(),
            port: config.port.to_string(),
            fall_back_to_free_port: config.fall_back_to_free_port,
            websocket: config.websocket_port.is_some(),
            websocket_port: config.websocket_port.unwrap_or(8080).to_string(),
            websocket_allowed_origins: config.websocket_allowed_origins.join(", "),
            tls: tls.is_some(),
            tls_port: tls.as_ref().map_or(8883, |tls| tls.port).to_string(),
            cert_file: tls.as_ref().map(|tls| tls.cert_file.display().to_string()).unwrap_or_default(),
            key_file: tls.as_ref().map(|tls| tls.key_file.display().to_string()).unwrap_or_default(),
            max_connections: config.max_connections.to_string(),
            max_packet_size: config.max_packet_size.to_string(),
            sys_interval: config.sys_interval.as_secs().to_string(),
            allow_anonymous: config.access.allow_anonymous,
            users: config.access.users.clone(),
            new_user: String::new(),
            new_password: String::new(),
            acl_enabled: config.access.acl.is_some(),
            acl_text: config.access.acl.as_ref().map(Acl::to_mosquitto).unwrap_or_default(),
            persistence: config.persistence.is_some(),
            data_dir: config
                .persistence
                .as_ref()
                .map(|dir| dir.display().to_string())
                .unwrap_or_else(|| default_data_dir().map(|dir| dir.display().to_string()).unwrap_or_default()),
            limits: super::limits::LimitsDraft::from_limits(&config.limits),
            bridges_text: super::bridge::config::bridges_to_text(&config.bridges),
        }
    }

    /// The settings the form describes, or what is wrong, naming the field.
    pub fn to_config(&self) -> Result<BrokerConfig, FormError> {
        let port = |label: &'static str, text: &str| {
            text.trim()
                .parse::<u16>()
                .map_err(|_| FormError::field(label, format!("'{}' is not a port number (0–65535)", text.trim())))
        };
        let number = |label: &'static str, text: &str| {
            text.trim()
                .parse::<u64>()
                .map_err(|_| FormError::field(label, format!("'{}' is not a whole number", text.trim())))
        };
        let bind = parse_address(self.bind.trim()).map_err(|error| FormError::field("Bind address", error))?;
        let tls = if self.tls {
            let file = |label: &'static str, text: &str| {
                let text = text.trim();
                if text.is_empty() {
                    Err(FormError::field(label, "choose a PEM file"))
                } else {
                    Ok(PathBuf::from(text))
                }
            };
            Some(super::TlsListener {
                port: port("TLS port", &self.tls_port)?,
                cert_file: file("TLS certificate", &self.cert_file)?,
                key_file: file("TLS key", &self.key_file)?,
            })
        } else {
            None
        };
        let acl = if self.acl_enabled { Some(Acl::parse_mosquitto(&self.acl_text)?) } else { None };
        let (bridges, _) = super::bridge::config::parse_bridges(&self.bridges_text, Path::new(""))
            .map_err(|error| FormError::field("Bridges", error))?;
        let persistence = if self.persistence {
            let dir = self.data_dir.trim();
            if dir.is_empty() {
                return Err(FormError::field("Data folder", "choose where to keep retained messages and sessions"));
            }
            Some(PathBuf::from(dir))
        } else {
            None
        };
        let config = BrokerConfig {
            bind,
            port: port("TCP port", &self.port)?,
            fall_back_to_free_port: self.fall_back_to_free_port,
            websocket_port: if self.websocket { Some(port("WebSocket port", &self.websocket_port)?) } else { None },
            websocket_allowed_origins: self
                .websocket_allowed_origins
                .split(',')
                .map(|origin| origin.trim().trim_end_matches('/').to_owned())
                .filter(|origin| !origin.is_empty())
                .collect(),
            tls,
            max_connections: usize::try_from(number("Max connections", &self.max_connections)?)
                .map_err(|_| FormError::field("Max connections", "too large"))?,
            max_packet_size: u32::try_from(number("Max packet size", &self.max_packet_size)?)
                .map_err(|_| FormError::field("Max packet size", format!("at most {} bytes", u32::MAX)))?,
            sys_interval: Duration::from_secs(number("$SYS interval", &self.sys_interval)?),
            access: super::auth::AccessControl {
                allow_anonymous: self.allow_anonymous,
                users: self.users.clone(),
                acl,
            },
            persistence,
            discard_damaged_state: false,
            bridges,
            limits: self.limits.to_limits().map_err(|(field, problem)| FormError::field(field, problem))?,
        };
        config.validate()?;
        Ok(config)
    }

    /// Adds (or replaces) the user typed in the form, storing only the hash.
    pub fn add_user(&mut self) -> Result<(), FormError> {
        let name = self.new_user.trim();
        if name.is_empty() {
            return Err(FormError::field("User name", "type a name"));
        }
        if name.contains(':') {
            return Err(FormError::field("User name", "':' separates name and password in password files"));
        }
        if self.new_password.is_empty() {
            return Err(FormError::Field { field: format!("Password for {name}"), problem: "type a password".into() });
        }
        let hash = hash_password(&self.new_password)?;
        self.users.insert(name.to_owned(), hash);
        self.new_user.clear();
        self.new_password.clear();
        Ok(())
    }

    /// True when the typed address reaches beyond this machine.
    pub fn exposes_network(&self) -> bool {
        parse_address(self.bind.trim()).is_ok_and(|address| !address.is_loopback())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::broker::auth::{Access, verify_password};

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("topicscope-settings-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    #[test]
    fn settings_round_trip_through_ron() {
        let dir = temp_dir("ron");
        let path = dir.join("broker.ron");
        let mut config = BrokerConfig { port: 1884, websocket_port: Some(9001), ..BrokerConfig::default() };
        config.access.users.insert("alice".into(), hash_password("pw").expect("random"));
        config.access.acl = Some(Acl::parse_mosquitto("user alice\ntopic readwrite a/#\n").expect("acl"));
        config.persistence = Some(dir.join("data"));
        save_settings(&path, &config).expect("save");
        assert_eq!(load_settings(&path), Ok(config));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("written").permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "password hashes are the owner's only");
        }
        // A partial file takes defaults for the rest.
        let partial = parse_settings("(port: 2000)", "partial.ron").expect("partial");
        assert_eq!((partial.port, partial.bind), (2000, BrokerConfig::default().bind));
        let error = parse_settings("(port: \"x\")", "bad.ron").unwrap_err();
        assert!(error.to_string().starts_with("bad.ron:1:"), "{error}");
        let error = parse_settings("(access: (users: {\"bob\": \"plain\"}))", "hash.ron").unwrap_err();
        assert!(error.to_string().contains("user bob"), "{error}");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn mosquitto_conf_subset_is_carried_over() {
        let dir = temp_dir("conf");
        std::fs::write(dir.join("passwd"), "alice:secret\nbob:$7$101$yDMKhRxCVsMdAMD0$WPCa+U0H15mX88MYT9SewuTbYqTwTtWegyRce8agZq+75BF0qnh6gxeT3ozYycsIvcF2FyViXX5OXNPRYhCH8A==\n").expect("passwd");
        std::fs::write(dir.join("acl"), "user alice\ntopic readwrite sensors/#\npattern read devices/%c/#\n")
            .expect("acl");
        let conf = "\
# main listener
listener 1884 127.0.0.1
listener 9001 127.0.0.1
protocol websockets
listener 8884
certfile server.crt
keyfile server.key
password_file passwd
acl_file acl
persistence true
persistence_location data/
max_connections -1
sys_interval 5
log_dest stderr
";
        let (config, notes) = parse_mosquitto_conf(conf, "mosquitto.conf", &dir).expect("valid");
        assert_eq!(config.port, 1884);
        assert_eq!(config.websocket_port, Some(9001));
        let tls = config.tls.clone().expect("tls listener");
        assert_eq!((tls.port, tls.cert_file), (8884, dir.join("server.crt")));
        assert!(!config.access.allow_anonymous, "mosquitto 2 default with listeners");
        assert_eq!(verify_password(&config.access.users["alice"], b"secret"), Ok(true));
        assert_eq!(verify_password(&config.access.users["bob"], b"secret"), Ok(true));
        let acl = config.access.acl.clone().expect("acl");
        assert!(acl.allows(Some("alice"), "c", "sensors/x", Access::Write));
        assert!(acl.allows(None, "lamp", "devices/lamp/state", Access::Read));
        assert_eq!(config.persistence, Some(dir.join("data/")));
        assert_eq!(config.max_connections, crate::broker::UNLIMITED_CONNECTIONS);
        assert_eq!(config.sys_interval, Duration::from_secs(5));
        assert!(notes.iter().any(|note| note.contains("1 plain-text passwords")), "{notes:?}");
        assert!(notes.iter().any(|note| note.contains("mosquitto.conf:14: 'log_dest'")), "{notes:?}");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn the_settings_form_names_the_bad_field_and_hashes_passwords() {
        let mut draft = SettingsDraft::from_config(&BrokerConfig::default());
        assert_eq!(draft.to_config(), Ok(BrokerConfig::default()));
        assert!(!draft.exposes_network());
        draft.bind = "0.0.0.0".into();
        assert!(draft.exposes_network());
        draft.port = "70000".into();
        assert_eq!(draft.to_config().unwrap_err().to_string(), "TCP port: '70000' is not a port number (0–65535)");
        draft.port = "1883".into();
        draft.websocket = true;
        draft.websocket_port = "1883".into();
        assert_eq!(draft.to_config().unwrap_err().to_string(), "the WebSocket port 1883 is already the TCP port");
        draft.websocket_port = "9001".into();
        draft.tls = true;
        assert_eq!(draft.to_config().unwrap_err().to_string(), "TLS certificate: choose a PEM file");
        draft.tls = false;
        draft.acl_enabled = true;
        draft.acl_text = "user alice\ntopic read a/#\nbogus\n".into();
        assert_eq!(
            draft.to_config().unwrap_err().to_string(),
            "ACL line 3: 'bogus' is not an ACL keyword (topic, user, pattern)"
        );
        draft.acl_text = "user alice\ntopic read a/#\n".into();
        draft.new_user = "alice".into();
        assert_eq!(draft.add_user().unwrap_err().to_string(), "Password for alice: type a password");
        draft.new_password = "pw".into();
        draft.add_user().expect("added");
        assert!(draft.new_password.is_empty() && draft.new_user.is_empty(), "the typed password is not kept");
        let config = draft.to_config().expect("valid");
        assert_eq!(verify_password(&config.access.users["alice"], b"pw"), Ok(true));
        assert_eq!(config.websocket_port, Some(9001));
        assert!(config.access.acl.expect("acl").allows(Some("alice"), "c", "a/b", Access::Read));
        // And back: the form shows what the file holds.
        let again = SettingsDraft::from_config(&draft.to_config().expect("valid"));
        assert_eq!(again.to_config(), draft.to_config());
        draft.persistence = true;
        draft.data_dir = " ".into();
        assert!(draft.to_config().unwrap_err().to_string().starts_with("Data folder:"));
    }

    #[test]
    fn mosquitto_conf_errors_name_file_and_line() {
        let dir = temp_dir("conf-errors");
        let error = parse_mosquitto_conf("port 1883\nallow_anonymous maybe\n", "m.conf", &dir).unwrap_err();
        assert_eq!(error.to_string(), "m.conf:2: allow_anonymous: 'maybe' is not true or false");
        let error = parse_mosquitto_conf("listener x\n", "m.conf", &dir).unwrap_err();
        assert!(error.to_string().starts_with("m.conf:1: listener"), "{error}");
        let error = parse_mosquitto_conf("acl_file missing\n", "m.conf", &dir).unwrap_err();
        assert!(error.to_string().contains("cannot read"), "{error}");
        std::fs::write(dir.join("acl"), "topic read a\nbogus line\n").expect("acl");
        let error = parse_mosquitto_conf("acl_file acl\n", "m.conf", &dir).unwrap_err();
        assert!(error.to_string().ends_with("acl:2: 'bogus' is not an ACL keyword (topic, user, pattern)"), "{error}");
        let error = parse_mosquitto_conf("listener 8883\ncertfile a.crt\n", "m.conf", &dir).unwrap_err();
        assert!(error.to_string().contains("both certfile and keyfile"), "{error}");
        // No listener: mosquitto's local-only mode allows anonymous clients.
        let (config, _) = parse_mosquitto_conf("port 1999\n", "m.conf", &dir).expect("legacy");
        assert!(config.access.allow_anonymous);
        assert_eq!(config.port, 1999);
        let _ = std::fs::remove_dir_all(dir);
    }
}
