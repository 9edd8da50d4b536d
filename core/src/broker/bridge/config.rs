//! Bridges from the embedded broker to another broker, configured the way
//! mosquitto.conf does it (`connection`, `address`, `topic PATTERN
//! [in|out|both] [QOS] [LOCAL REMOTE]`, credentials, TLS, `cleansession`,
//! `notifications`): one parser serves the mosquitto.conf importer and the
//! broker panel's bridge editor, so a bridge reads the same in both.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Which way a bridged topic's messages go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BridgeDirection {
    /// From the embedded broker to the remote one (mosquitto's default).
    Out,
    /// From the remote broker to the embedded one.
    In,
    /// Both ways.
    Both,
}

impl BridgeDirection {
    fn word(self) -> &'static str {
        match self {
            Self::Out => "out",
            Self::In => "in",
            Self::Both => "both",
        }
    }

    /// Messages go from the remote broker to the embedded one.
    pub fn inbound(self) -> bool {
        matches!(self, Self::In | Self::Both)
    }

    /// Messages go from the embedded broker to the remote one.
    pub fn outbound(self) -> bool {
        matches!(self, Self::Out | Self::Both)
    }
}

/// One `topic` line: local topics are `local_prefix + pattern`, remote
/// ones `remote_prefix + pattern`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BridgeTopic {
    /// A topic filter (wildcards allowed).
    pub pattern: String,
    /// Which way.
    pub direction: BridgeDirection,
    /// QoS of the bridge's subscription and of what it forwards (at most).
    pub qos: u8,
    /// Put before the pattern on the embedded broker.
    pub local_prefix: String,
    /// Put before the pattern on the remote broker.
    pub remote_prefix: String,
}

impl BridgeTopic {
    /// The filter on the embedded broker.
    pub fn local_filter(&self) -> String {
        format!("{}{}", self.local_prefix, self.pattern)
    }

    /// The filter on the remote broker.
    pub fn remote_filter(&self) -> String {
        format!("{}{}", self.remote_prefix, self.pattern)
    }
}

/// TLS towards the remote broker (mosquitto's `bridge_cafile`,
/// `bridge_certfile`, `bridge_keyfile`, `bridge_insecure`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BridgeTls {
    /// CA certificates to trust (PEM); the system's when absent.
    pub ca_file: Option<PathBuf>,
    /// Client certificate (PEM), with `key_file`.
    pub cert_file: Option<PathBuf>,
    /// Client key (PEM).
    pub key_file: Option<PathBuf>,
    /// Accept any certificate (testing only).
    pub insecure: bool,
}

/// One bridge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BridgeConfig {
    /// mosquitto's `connection` name.
    pub name: String,
    /// Remote host name or address.
    pub host: String,
    /// Remote port (1883, or 8883 with TLS, unless given).
    pub port: u16,
    /// The topics bridged.
    pub topics: Vec<BridgeTopic>,
    /// User name on the remote broker.
    pub remote_username: Option<String>,
    /// Password on the remote broker.
    pub remote_password: Option<String>,
    /// Client id on the remote broker (`<name>.topicscope` when absent).
    pub remote_clientid: Option<String>,
    /// A clean session on the remote broker (mosquitto's default: false).
    pub clean_session: bool,
    /// Publish the bridge's state (1 connected, 0 not) retained on
    /// `$SYS/broker/connection/<client id>/state`, locally and remotely.
    pub notifications: bool,
    /// Keep-alive towards the remote broker, seconds.
    pub keepalive_secs: u16,
    /// TLS towards the remote broker.
    pub tls: Option<BridgeTls>,
}

impl Default for BridgeConfig {
    fn default() -> Self {
        Self {
            name: String::new(),
            host: String::new(),
            port: 1883,
            topics: Vec::new(),
            remote_username: None,
            remote_password: None,
            remote_clientid: None,
            clean_session: false,
            notifications: true,
            keepalive_secs: 60,
            tls: None,
        }
    }
}

impl BridgeConfig {
    /// The client id it uses on the remote broker.
    pub fn client_id(&self) -> String {
        self.remote_clientid.clone().unwrap_or_else(|| format!("{}.topicscope", self.name))
    }

    /// Where its state is published when `notifications` is on.
    pub fn notification_topic(&self) -> String {
        format!("$SYS/broker/connection/{}/state", self.client_id())
    }
}

/// A bridge line that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct BridgeLineError {
    /// 1-based line.
    pub line: usize,
    /// What is wrong, in the user's terms.
    pub message: String,
}

/// True for the mosquitto.conf keys that belong to a bridge.
pub fn is_bridge_key(key: &str) -> bool {
    matches!(
        key,
        "connection"
            | "address"
            | "addresses"
            | "topic"
            | "remote_username"
            | "remote_password"
            | "remote_clientid"
            | "cleansession"
            | "notifications"
            | "notification_topic"
            | "keepalive_interval"
            | "try_private"
            | "start_type"
            | "restart_timeout"
            | "idle_timeout"
            | "threshold"
            | "local_clientid"
            | "local_username"
            | "local_password"
            | "round_robin"
            | "notifications_local_only"
    ) || key.starts_with("bridge_")
}

/// Reads bridge lines one at a time (mosquitto.conf's, or the panel's).
#[derive(Debug, Default)]
pub struct BridgeParser {
    bridges: Vec<BridgeConfig>,
    /// Per bridge: was a port given, and the `connection` line.
    explicit_port: Vec<(bool, usize)>,
    notes: Vec<String>,
}

impl BridgeParser {
    /// Takes one line (`key` and the rest); `base` resolves relative file
    /// names. Keys that are not a bridge's are not taken.
    pub fn feed(&mut self, line: usize, key: &str, value: &str, base: &Path) -> Result<(), BridgeLineError> {
        let error = |message: String| BridgeLineError { line, message };
        if key == "connection" {
            if value.is_empty() || value.contains(char::is_whitespace) {
                return Err(error("connection: give the bridge a one-word name".into()));
            }
            if self.bridges.iter().any(|bridge| bridge.name == value) {
                return Err(error(format!("connection: a bridge named '{value}' is already defined")));
            }
            self.bridges.push(BridgeConfig { name: value.to_owned(), ..BridgeConfig::default() });
            self.explicit_port.push((false, line));
            return Ok(());
        }
        let (Some(bridge), Some(explicit)) = (self.bridges.last_mut(), self.explicit_port.last_mut()) else {
            return Err(error(format!("{key}: comes before any 'connection' line")));
        };
        let boolean = || match value {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(error(format!("{key}: '{value}' is not true or false"))),
        };
        let file = || {
            let path = PathBuf::from(value);
            if path.is_absolute() { path } else { base.join(path) }
        };
        match key {
            "address" | "addresses" => {
                let first = value.split_whitespace().next().unwrap_or_default();
                if value.split_whitespace().count() > 1 {
                    self.notes.push(format!("line {line}: only the first address, {first}, is used"));
                }
                let (host, port) = split_host_port(first).map_err(error)?;
                bridge.host = host;
                if let Some(port) = port {
                    bridge.port = port;
                    explicit.0 = true;
                }
            }
            "topic" => bridge.topics.push(parse_topic(value).map_err(error)?),
            "remote_username" => bridge.remote_username = Some(value.to_owned()),
            "remote_password" => bridge.remote_password = Some(value.to_owned()),
            "remote_clientid" => bridge.remote_clientid = Some(value.to_owned()),
            "cleansession" => bridge.clean_session = boolean()?,
            "notifications" => bridge.notifications = boolean()?,
            "keepalive_interval" => {
                bridge.keepalive_secs = value
                    .parse::<u16>()
                    .ok()
                    .filter(|secs| *secs >= 5)
                    .ok_or_else(|| error(format!("keepalive_interval: '{value}' is not 5 to 65535 seconds")))?;
            }
            "bridge_cafile" => bridge.tls.get_or_insert_with(BridgeTls::default).ca_file = Some(file()),
            "bridge_certfile" => bridge.tls.get_or_insert_with(BridgeTls::default).cert_file = Some(file()),
            "bridge_keyfile" => bridge.tls.get_or_insert_with(BridgeTls::default).key_file = Some(file()),
            "bridge_insecure" => bridge.tls.get_or_insert_with(BridgeTls::default).insecure = boolean()?,
            "bridge_protocol_version" => {
                if value != "mqttv311" {
                    self.notes.push(format!("line {line}: bridge_protocol_version {value}: bridges speak MQTT 3.1.1"));
                }
            }
            other => self.notes.push(format!("line {line}: '{other}' has no equivalent for bridges; ignored")),
        }
        Ok(())
    }

    /// The bridges read, and notes about what was not carried over.
    pub fn finish(mut self) -> Result<(Vec<BridgeConfig>, Vec<String>), BridgeLineError> {
        for (bridge, (explicit, line)) in self.bridges.iter_mut().zip(&self.explicit_port) {
            if bridge.host.is_empty() {
                return Err(BridgeLineError {
                    line: *line,
                    message: format!("bridge '{}' has no 'address'", bridge.name),
                });
            }
            if bridge.topics.is_empty() {
                return Err(BridgeLineError {
                    line: *line,
                    message: format!("bridge '{}' has no 'topic' line: nothing would cross it", bridge.name),
                });
            }
            if let Some(tls) = &bridge.tls
                && tls.cert_file.is_some() != tls.key_file.is_some()
            {
                return Err(BridgeLineError {
                    line: *line,
                    message: format!("bridge '{}': bridge_certfile and bridge_keyfile go together", bridge.name),
                });
            }
            if bridge.tls.is_some() && !explicit {
                bridge.port = 8883;
            }
        }
        Ok((self.bridges, self.notes))
    }
}

fn split_host_port(text: &str) -> Result<(String, Option<u16>), String> {
    let bad = || format!("address: '{text}' is not HOST or HOST:PORT");
    if text.is_empty() {
        return Err(bad());
    }
    // [v6]:port, v6 alone, host:port, host.
    if let Some(rest) = text.strip_prefix('[') {
        let (host, after) = rest.split_once(']').ok_or_else(bad)?;
        let port = match after.strip_prefix(':') {
            Some(port) => Some(port.parse().map_err(|_| bad())?),
            None if after.is_empty() => None,
            None => return Err(bad()),
        };
        return Ok((host.to_owned(), port));
    }
    match text.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') => Ok((host.to_owned(), Some(port.parse().map_err(|_| bad())?))),
        _ => Ok((text.to_owned(), None)),
    }
}

/// `PATTERN [[[out|in|both] QOS] LOCAL_PREFIX REMOTE_PREFIX]`; `""` is an
/// empty prefix (mosquitto writes it so).
fn parse_topic(value: &str) -> Result<BridgeTopic, String> {
    let words: Vec<&str> = value.split_whitespace().collect();
    let unquote = |word: &str| if word == "\"\"" { String::new() } else { word.to_owned() };
    let Some(first) = words.first() else { return Err("topic: give a topic pattern".into()) };
    let direction = match words.get(1).copied() {
        None | Some("out") => BridgeDirection::Out,
        Some("in") => BridgeDirection::In,
        Some("both") => BridgeDirection::Both,
        Some(other) => return Err(format!("topic: '{other}' is not in, out or both")),
    };
    let qos = match words.get(2) {
        None => 0,
        Some(word) => word
            .parse::<u8>()
            .ok()
            .filter(|qos| *qos <= 2)
            .ok_or_else(|| format!("topic: QoS '{word}' is not 0, 1 or 2"))?,
    };
    let (local_prefix, remote_prefix) = match (words.get(3), words.get(4)) {
        (None, None) => (String::new(), String::new()),
        (Some(local), Some(remote)) => (unquote(local), unquote(remote)),
        _ => return Err("topic: give both prefixes, local then remote (\"\" for none)".into()),
    };
    if words.len() > 5 {
        return Err(format!("topic: '{}' is one word too many", words[5]));
    }
    let pattern = unquote(first);
    let topic = BridgeTopic { pattern, direction, qos, local_prefix, remote_prefix };
    for prefix in [&topic.local_prefix, &topic.remote_prefix] {
        if prefix.contains(['+', '#']) {
            return Err(format!("topic: the prefix '{prefix}' may not hold wildcards"));
        }
    }
    for filter in [topic.local_filter(), topic.remote_filter()] {
        crate::topic::validate_topic_filter(&filter).map_err(|problem| format!("topic: '{filter}': {problem}"))?;
    }
    Ok(topic)
}

/// Reads bridges written in mosquitto.conf's syntax (the panel's editor).
pub fn parse_bridges(text: &str, base: &Path) -> Result<(Vec<BridgeConfig>, Vec<String>), BridgeLineError> {
    let mut parser = BridgeParser::default();
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        if !is_bridge_key(key) {
            return Err(BridgeLineError { line: index + 1, message: format!("'{key}' is not a bridge setting") });
        }
        parser.feed(index + 1, key, value.trim(), base)?;
    }
    parser.finish()
}

/// Writes bridges in mosquitto.conf's syntax (for the panel's editor).
pub fn bridges_to_text(bridges: &[BridgeConfig]) -> String {
    let mut out = String::new();
    let quoted = |prefix: &str| if prefix.is_empty() { "\"\"".to_owned() } else { prefix.to_owned() };
    for bridge in bridges {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&format!("connection {}\n", bridge.name));
        let host = if bridge.host.contains(':') { format!("[{}]", bridge.host) } else { bridge.host.clone() };
        out.push_str(&format!("address {host}:{}\n", bridge.port));
        for topic in &bridge.topics {
            out.push_str(&format!("topic {} {} {}", quoted(&topic.pattern), topic.direction.word(), topic.qos));
            if !topic.local_prefix.is_empty() || !topic.remote_prefix.is_empty() {
                out.push_str(&format!(" {} {}", quoted(&topic.local_prefix), quoted(&topic.remote_prefix)));
            }
            out.push('\n');
        }
        for (key, value) in [
            ("remote_username", &bridge.remote_username),
            ("remote_password", &bridge.remote_password),
            ("remote_clientid", &bridge.remote_clientid),
        ] {
            if let Some(value) = value {
                out.push_str(&format!("{key} {value}\n"));
            }
        }
        out.push_str(&format!("cleansession {}\n", bridge.clean_session));
        out.push_str(&format!("notifications {}\n", bridge.notifications));
        if bridge.keepalive_secs != 60 {
            out.push_str(&format!("keepalive_interval {}\n", bridge.keepalive_secs));
        }
        if let Some(tls) = &bridge.tls {
            for (key, path) in [
                ("bridge_cafile", &tls.ca_file),
                ("bridge_certfile", &tls.cert_file),
                ("bridge_keyfile", &tls.key_file),
            ] {
                if let Some(path) = path {
                    out.push_str(&format!("{key} {}\n", path.display()));
                }
            }
            if tls.insecure {
                out.push_str("bridge_insecure true\n");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "\
connection cloud
address broker.example.com:1884
topic sensors/# out 1 local/ remote/
topic commands/# in 2 \"\" site-7/
topic both/+ both
remote_username bridge
remote_password s3cret
cleansession true
notifications false
";

    #[test]
    fn mosquitto_bridge_lines_read_and_write_back() {
        let (bridges, notes) = parse_bridges(TEXT, Path::new("/etc")).expect("parses");
        assert!(notes.is_empty(), "{notes:?}");
        let bridge = &bridges[0];
        assert_eq!((bridge.name.as_str(), bridge.host.as_str(), bridge.port), ("cloud", "broker.example.com", 1884));
        assert_eq!(bridge.topics[0].local_filter(), "local/sensors/#");
        assert_eq!(bridge.topics[0].remote_filter(), "remote/sensors/#");
        assert_eq!((bridge.topics[0].direction, bridge.topics[0].qos), (BridgeDirection::Out, 1));
        assert_eq!(bridge.topics[1].remote_filter(), "site-7/commands/#");
        assert_eq!(bridge.topics[1].local_filter(), "commands/#");
        assert_eq!((bridge.topics[2].direction, bridge.topics[2].qos), (BridgeDirection::Both, 0));
        assert_eq!(bridge.remote_password.as_deref(), Some("s3cret"));
        assert!(bridge.clean_session && !bridge.notifications);
        assert_eq!(bridge.client_id(), "cloud.topicscope");
        let again = parse_bridges(&bridges_to_text(&bridges), Path::new("/etc")).expect("its own text parses").0;
        assert_eq!(again, bridges);
    }

    #[test]
    fn bad_bridge_lines_name_their_line() {
        for (text, line, says) in [
            ("address x\n", 1, "before any 'connection'"),
            ("connection a\naddress h\ntopic t sideways\n", 3, "not in, out or both"),
            ("connection a\naddress h\ntopic t in 3\n", 3, "not 0, 1 or 2"),
            ("connection a\naddress h\ntopic t in 1 onlyone\n", 3, "both prefixes"),
            ("connection a\naddress h\ntopic t in 1 a/+ b/\n", 3, "wildcards"),
            ("connection a\ntopic t\n", 1, "no 'address'"),
            ("connection a\naddress h\n", 1, "no 'topic'"),
            ("connection a\naddress h:port\n", 2, "HOST:PORT"),
            ("connection a\naddress h\ntopic t\nconnection a\n", 4, "already defined"),
            ("connection a\naddress h\ntopic t\nlistener 1883\n", 4, "not a bridge setting"),
        ] {
            let error = parse_bridges(text, Path::new("/")).expect_err(text);
            assert_eq!(error.line, line, "{text}");
            assert!(error.message.contains(says), "{text}: {}", error.message);
        }
    }

    #[test]
    fn tls_moves_the_default_port_and_v6_addresses_keep_their_colons() {
        let text = "connection s\naddress [::1]\ntopic t\nbridge_cafile ca.pem\n";
        let (bridges, _) = parse_bridges(text, Path::new("/conf")).expect("parses");
        assert_eq!((bridges[0].host.as_str(), bridges[0].port), ("::1", 8883));
        assert_eq!(bridges[0].tls.as_ref().and_then(|tls| tls.ca_file.clone()), Some(PathBuf::from("/conf/ca.pem")));
    }
}
