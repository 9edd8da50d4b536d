//! A profile from what users already have in hand: a `mosquitto_pub` /
//! `mosquitto_sub` command line (or `topicscope pub|sub`), or a broker URL
//! such as `mqtts://alice@broker.example:8883`. Pasted into the window's
//! profile picker or given to `topicscope profiles from-command`; both use
//! this one reading, so they agree.

use std::path::PathBuf;

use super::{ConnectionProfile, LastWill, SavedSubscription, TransportKind};
use crate::mqtt::{ProtocolVersion, Qos};

/// What a pasted command line or URL became.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileFromCommand {
    /// The connection settings (subscriptions from `mosquitto_sub -t`).
    pub profile: ConnectionProfile,
    /// Options that say what to send or print, not how to connect
    /// (`-m`, `-f`, `-v`, …): left out, and listed so the user knows.
    pub ignored: Vec<String>,
}

/// Why a pasted text gives no profile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandLineError {
    /// Nothing was pasted.
    #[error("paste a mosquitto_pub or mosquitto_sub command line, or an mqtt:// URL")]
    Empty,
    /// The quoting does not close.
    #[error("the command line's quotes do not close")]
    Quoting,
    /// An option needs a value that is missing.
    #[error("{0} needs a value")]
    MissingValue(String),
    /// A value is not what its option takes.
    #[error("{option}: '{value}' is not {expected}")]
    BadValue {
        /// The option.
        option: String,
        /// What was given.
        value: String,
        /// What it takes.
        expected: &'static str,
    },
    /// The URL cannot be read.
    #[error("{0}")]
    Url(String),
}

/// Reads a command line or a URL into a profile named after its broker.
pub fn profile_from_command(text: &str) -> Result<ProfileFromCommand, CommandLineError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(CommandLineError::Empty);
    }
    let mut profile = ConnectionProfile { protocol: ProtocolVersion::V311, ..ConnectionProfile::default() };
    let mut ignored = Vec::new();
    if !text.contains(char::is_whitespace) && text.contains("://") {
        apply_url(&mut profile, text, true)?;
        profile.protocol = ProtocolVersion::V5;
        profile.name = default_name(&profile);
        return Ok(ProfileFromCommand { profile, ignored });
    }
    let words = shlex::split(text).ok_or(CommandLineError::Quoting)?;
    let mut words = words.into_iter().peekable();
    // The program (and topicscope's subcommand) if present.
    let mut subscriber = false;
    if let Some(first) = words.peek().cloned() {
        let program = first.rsplit('/').next().unwrap_or(&first).to_owned();
        if !program.starts_with('-') {
            words.next();
            subscriber = program.contains("sub");
            if program == "topicscope"
                && let Some(tool) = words.next()
            {
                subscriber = tool == "sub";
            }
        }
    }
    let mut subscribe_qos = Qos::AtMostOnce;
    let mut filters: Vec<String> = Vec::new();
    let mut will: Option<LastWill> = None;
    while let Some(word) = words.next() {
        let (option, inline) = match word.split_once('=') {
            Some((option, value)) if option.starts_with("--") => (option.to_owned(), Some(value.to_owned())),
            _ => (word.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, CommandLineError> {
            inline.clone().or_else(|| words.next()).ok_or_else(|| CommandLineError::MissingValue(name.to_owned()))
        };
        match option.as_str() {
            "-h" | "--host" => profile.host = value(&option)?,
            "-p" | "--port" => {
                profile.port = number(&option, &value(&option)?, 1, u16::MAX.into(), "a port from 1 to 65535")?
            }
            "-u" | "--username" => profile.username = value(&option)?,
            "-P" | "--pw" => profile.password = value(&option)?,
            "-i" | "--id" => profile.client_id = value(&option)?,
            "-I" | "--id-prefix" => {
                profile.client_id = value(&option)?;
                profile.random_client_id_suffix = true;
            }
            "-k" | "--keepalive" => {
                profile.keep_alive_secs = number(&option, &value(&option)?, 0, 65_535, "seconds from 0 to 65535")?;
            }
            "-V" | "--protocol-version" => {
                let version = value(&option)?;
                profile.protocol = match version.as_str() {
                    "mqttv5" | "5" => ProtocolVersion::V5,
                    "mqttv311" | "311" | "3.1.1" => ProtocolVersion::V311,
                    _ => return Err(bad(&option, &version, "mqttv5 or mqttv311")),
                };
            }
            "-c" | "--disable-clean-session" => profile.clean_start = false,
            "-x" | "--session-expiry-interval" => {
                let seconds = value(&option)?;
                profile.mqtt5.session_expiry_secs = match seconds.as_str() {
                    "-1" | "∞" => Some(u32::MAX),
                    _ => Some(number(&option, &seconds, 0, u32::MAX.into(), "seconds, or -1 for never")?),
                };
            }
            "-L" | "--url" => {
                let url = value(&option)?;
                if let Some(topic) = apply_url(&mut profile, &url, false)? {
                    filters.push(topic);
                }
            }
            "-t" | "--topic" => filters.push(value(&option)?),
            "-q" | "--qos" => {
                let level = value(&option)?;
                subscribe_qos = number::<u8>(&option, &level, 0, 2, "0, 1 or 2")
                    .ok()
                    .and_then(Qos::from_level)
                    .ok_or_else(|| bad(&option, &level, "0, 1 or 2"))?;
            }
            "--cafile" => {
                profile.tls.ca_file = Some(PathBuf::from(value(&option)?));
                profile.transport = TransportKind::Tls;
            }
            "--capath" => {
                value(&option)?;
                profile.transport = TransportKind::Tls;
            }
            "--cert" => profile.tls.client_certificate_file = Some(PathBuf::from(value(&option)?)),
            "--key" => profile.tls.client_key_file = Some(PathBuf::from(value(&option)?)),
            "--insecure" => profile.tls.dangerously_accept_invalid_certificates = true,
            "--tls-alpn" => profile.tls.alpn_protocols.push(value(&option)?),
            "--will-topic" => will.get_or_insert_with(LastWill::default).topic = value(&option)?,
            "--will-payload" => will.get_or_insert_with(LastWill::default).payload = value(&option)?,
            "--will-qos" => {
                let level = value(&option)?;
                will.get_or_insert_with(LastWill::default).qos =
                    Qos::from_level(number(&option, &level, 0, 2, "0, 1 or 2")?).unwrap_or_default();
            }
            "--will-retain" => will.get_or_insert_with(LastWill::default).retain = true,
            // Options with a value that say what to send or show.
            "-m" | "--message" | "-f" | "--file" | "-T" | "--filter-out" | "-U" | "--unsubscribe" | "-C"
            | "--count" | "-W" | "--timeout" | "-F" | "--repeat" | "--repeat-delay" | "-A" | "-o" | "-e" => {
                let _ = value(&option);
                ignored.push(option);
            }
            "-D" | "--property" => {
                // -D COMMAND NAME VALUE (user-property takes two values).
                let (command, name) = (value(&option)?, words.next().unwrap_or_default());
                let extra = if name == "user-property" { 2 } else { 1 };
                for _ in 0..extra {
                    words.next();
                }
                ignored.push(format!("-D {command} {name}"));
            }
            other => ignored.push(other.to_owned()),
        }
    }
    profile.last_will = will.filter(|will| !will.topic.is_empty());
    if subscriber {
        profile.subscriptions = filters
            .into_iter()
            .map(|filter| SavedSubscription { filter, qos: subscribe_qos, ..SavedSubscription::default() })
            .collect();
    }
    profile.name = default_name(&profile);
    Ok(ProfileFromCommand { profile, ignored })
}

fn bad(option: &str, value: &str, expected: &'static str) -> CommandLineError {
    CommandLineError::BadValue { option: option.to_owned(), value: value.to_owned(), expected }
}

fn number<T: TryFrom<u64>>(
    option: &str,
    value: &str,
    min: u64,
    max: u64,
    expected: &'static str,
) -> Result<T, CommandLineError> {
    value
        .parse::<u64>()
        .ok()
        .filter(|number| (min..=max).contains(number))
        .and_then(|number| T::try_from(number).ok())
        .ok_or_else(|| bad(option, value, expected))
}

/// `mqtt[s]://` and `ws[s]://` URLs: `[user[:password]@]host[:port][/topic-or-path]`.
/// Returns the topic after the host for `-L` (`alone` URLs have a path only
/// for WebSocket).
fn apply_url(profile: &mut ConnectionProfile, url: &str, alone: bool) -> Result<Option<String>, CommandLineError> {
    let (scheme, rest) = url.split_once("://").ok_or_else(|| CommandLineError::Url(format!("'{url}' is not a URL")))?;
    let (transport, port) = match scheme.to_ascii_lowercase().as_str() {
        "mqtt" | "tcp" => (TransportKind::Tcp, 1883),
        "mqtts" | "ssl" | "tls" => (TransportKind::Tls, 8883),
        "ws" => (TransportKind::WebSocket, 8083),
        "wss" => (TransportKind::WebSocketTls, 8084),
        other => {
            return Err(CommandLineError::Url(format!("'{other}://' is not an MQTT URL (mqtt, mqtts, ws or wss)")));
        }
    };
    let (authority, path) = match rest.split_once('/') {
        Some((authority, path)) => (authority, Some(path)),
        None => (rest, None),
    };
    let (credentials, address) = match authority.rsplit_once('@') {
        Some((credentials, address)) => (Some(credentials), address),
        None => (None, authority),
    };
    if let Some(credentials) = credentials {
        let (user, password) = credentials.split_once(':').unwrap_or((credentials, ""));
        profile.username = user.to_owned();
        profile.password = password.to_owned();
    }
    let (host, port_text) = if let Some(bracketed) = address.strip_prefix('[') {
        let (host, after) = bracketed
            .split_once(']')
            .ok_or_else(|| CommandLineError::Url("an IPv6 host needs its closing ']'".into()))?;
        (host, after.strip_prefix(':'))
    } else {
        match address.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (address, None),
        }
    };
    if host.is_empty() {
        return Err(CommandLineError::Url(format!("'{url}' names no host")));
    }
    profile.host = host.to_owned();
    profile.transport = transport;
    profile.port = match port_text {
        Some(port) => number("port", port, 1, u16::MAX.into(), "a port from 1 to 65535")?,
        None => port,
    };
    let websocket = matches!(transport, TransportKind::WebSocket | TransportKind::WebSocketTls);
    match path.filter(|path| !path.is_empty()) {
        Some(path) if websocket => {
            profile.websocket_path = format!("/{path}");
            Ok(None)
        }
        Some(topic) if !alone => Ok(Some(topic.to_owned())),
        _ => Ok(None),
    }
}

/// "user@host:port", as a picker lists it.
fn default_name(profile: &ConnectionProfile) -> String {
    let user = if profile.username.is_empty() { String::new() } else { format!("{}@", profile.username) };
    format!("{user}{}", profile.address())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mosquitto_sub_command_line_becomes_a_profile_with_its_subscriptions() {
        let read = profile_from_command(
            "mosquitto_sub -h broker.example -p 8883 --cafile /etc/ca.pem -u alice -P 's3cret' -i probe -V mqttv5 \
             -t 'plant/+/temp' -t \"alarms/#\" -q 1 -v -c -x 3600 -k 30 --will-topic probe/gone --will-payload bye",
        );
        let ProfileFromCommand { profile, ignored } = read.expect("reads");
        assert_eq!(
            (profile.host.as_str(), profile.port, profile.transport),
            ("broker.example", 8883, TransportKind::Tls)
        );
        assert_eq!(profile.tls.ca_file, Some(PathBuf::from("/etc/ca.pem")));
        assert_eq!((profile.username.as_str(), profile.password.as_str()), ("alice", "s3cret"));
        assert_eq!((profile.client_id.as_str(), profile.protocol), ("probe", ProtocolVersion::V5));
        assert_eq!(
            (profile.clean_start, profile.mqtt5.session_expiry_secs, profile.keep_alive_secs),
            (false, Some(3600), 30)
        );
        let filters: Vec<(&str, Qos)> = profile.subscriptions.iter().map(|s| (s.filter.as_str(), s.qos)).collect();
        assert_eq!(filters, [("plant/+/temp", Qos::AtLeastOnce), ("alarms/#", Qos::AtLeastOnce)]);
        assert_eq!(
            profile.last_will.as_ref().map(|will| (will.topic.as_str(), will.payload.as_str())),
            Some(("probe/gone", "bye"))
        );
        assert_eq!(profile.name, "alice@broker.example:8883");
        assert_eq!(ignored, ["-v"]);
    }

    #[test]
    fn a_publish_command_keeps_the_connection_and_says_what_it_left_out() {
        let read = profile_from_command("mosquitto_pub -h 10.0.0.5 -t a/b -m 'hello world' -q 2 -r").expect("reads");
        assert_eq!(
            (read.profile.host.as_str(), read.profile.port, read.profile.protocol),
            ("10.0.0.5", 1883, ProtocolVersion::V311)
        );
        assert!(read.profile.subscriptions.is_empty(), "a publisher subscribes to nothing");
        assert_eq!(read.ignored, ["-m", "-r"]);
        assert!(read.profile.validate().is_ok(), "{:?}", read.profile.validate());
    }

    #[test]
    fn urls_name_the_transport_port_and_user() {
        let read = profile_from_command("mqtts://bob:pw@[::1]:9000").expect("reads");
        assert_eq!(
            (read.profile.host.as_str(), read.profile.port, read.profile.transport),
            ("::1", 9000, TransportKind::Tls)
        );
        assert_eq!((read.profile.username.as_str(), read.profile.password.as_str()), ("bob", "pw"));
        let ws = profile_from_command("wss://broker.example/mqtt-ws").expect("reads");
        assert_eq!(
            (ws.profile.port, ws.profile.transport, ws.profile.websocket_path.as_str()),
            (8084, TransportKind::WebSocketTls, "/mqtt-ws")
        );
        let sub = profile_from_command("mosquitto_sub -L mqtt://broker.example:1884/sensors/#").expect("reads");
        assert_eq!(sub.profile.subscriptions.first().map(|s| s.filter.as_str()), Some("sensors/#"));
        assert_eq!(sub.profile.port, 1884);
    }

    #[test]
    fn bad_pastes_say_what_is_wrong() {
        assert_eq!(profile_from_command("  "), Err(CommandLineError::Empty));
        assert_eq!(profile_from_command("mosquitto_sub -h 'open"), Err(CommandLineError::Quoting));
        assert_eq!(profile_from_command("mosquitto_sub -h"), Err(CommandLineError::MissingValue("-h".into())));
        assert!(matches!(profile_from_command("mosquitto_sub -p 70000"), Err(CommandLineError::BadValue { .. })));
        assert!(matches!(profile_from_command("mosquitto_sub -V 4"), Err(CommandLineError::BadValue { .. })));
        assert!(matches!(profile_from_command("http://example.com"), Err(CommandLineError::Url(_))));
        assert_eq!(
            profile_from_command("mosquitto_sub -p 0").map_err(|error| error.to_string()),
            Err("-p: '0' is not a port from 1 to 65535".into())
        );
    }
}
