//! `topicscope pub` and `topicscope sub`: mosquitto_pub / mosquitto_sub's flags
//! where they mean the same thing, on the window's engine and profiles.
//! Errors are one line on stderr with an exit code a script can test
//! (see [`ExitKind`]); Ctrl+C disconnects cleanly.

use std::collections::{HashSet, VecDeque};
use std::io::{BufRead as _, Read as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc as std_mpsc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use topicscope::core::engine::{
    Command, ConnectionEvent, ConnectionFailure, ConnectionState, DeliveryOutcome, Engine, EventKind, PublishRequest,
    SendError, SubscribeOutcome, SubscriptionSpec,
};
use topicscope::core::ids::{ConnectionId, PublishId, RequestId, SubscriptionId, TabId};
use topicscope::core::mqtt::{MessageProperties, ProtocolVersion, Qos, SubscribeOptions};
use topicscope::core::profile::{self, ConnectionProfile, LastWill, PasswordSource, TransportKind};
use topicscope::core::store::StoredMessage;
use topicscope::core::sub_format::OutputFormat;
use topicscope::core::topic::{topic_matches, validate_topic_filter, validate_topic_name};

/// The one connection a pub/sub run opens.
const CONNECTION: ConnectionId = ConnectionId(1);

/// Connection options shared by `pub` and `sub` (mosquitto's letters).
#[derive(Debug, Clone, clap::Args)]
pub struct ClientArgs {
    /// Start from this saved profile (flags override its fields).
    #[arg(long, value_name = "NAME")]
    profile: Option<String>,
    /// Profile folder for --profile (default: the one the window uses).
    #[arg(long, value_name = "DIR")]
    profiles_dir: Option<PathBuf>,
    /// Broker host (default localhost).
    #[arg(short = 'h', long, value_name = "HOST")]
    host: Option<String>,
    /// Broker port (default 1883, or 8883 with TLS).
    #[arg(short = 'p', long, value_name = "PORT")]
    port: Option<u16>,
    /// User name.
    #[arg(short = 'u', long, value_name = "USER")]
    username: Option<String>,
    /// Password.
    #[arg(short = 'P', long = "pw", value_name = "PASSWORD")]
    password: Option<String>,
    /// Broker, credentials and topic in one: mqtt(s)://[USER[:PASSWORD]@]HOST[:PORT]/TOPIC
    /// (mqtts: TLS with the system's certificates, port 8883). -h -p -u -P override it.
    #[arg(short = 'L', long = "url", value_name = "URL", value_parser = parse_mqtt_url)]
    url: Option<MqttUrl>,
    /// Client id (default: the profile's, else topicscope-<8 hex digits>).
    #[arg(short = 'i', long = "id", value_name = "ID", conflicts_with = "id_prefix")]
    client_id: Option<String>,
    /// Client id made of this prefix and the process id.
    #[arg(short = 'I', long = "id-prefix", value_name = "PREFIX")]
    id_prefix: Option<String>,
    /// Keep-alive in seconds (default 60).
    #[arg(short = 'k', long = "keepalive", value_name = "SECONDS")]
    keep_alive: Option<u16>,
    /// Protocol: mqttv5 (default) or mqttv311.
    #[arg(short = 'V', long = "protocol-version", value_name = "VERSION", value_parser = parse_protocol)]
    protocol: Option<ProtocolVersion>,
    /// Keep the session (no clean start); needs -i.
    #[arg(short = 'c', long = "disable-clean-session")]
    keep_session: bool,
    /// MQTT 5 session expiry in seconds after disconnecting; -1 never
    /// (default: -1 with -c, else 0).
    #[arg(short = 'x', long = "session-expiry-interval", value_name = "SECONDS", value_parser = parse_session_expiry, allow_hyphen_values = true)]
    session_expiry: Option<u32>,
    /// Last will topic.
    #[arg(long, value_name = "TOPIC")]
    will_topic: Option<String>,
    /// Last will payload (default empty).
    #[arg(long, value_name = "PAYLOAD", requires = "will_topic")]
    will_payload: Option<String>,
    /// Last will QoS.
    #[arg(long, value_name = "QOS", requires = "will_topic", value_parser = clap::value_parser!(u8).range(0..=2))]
    will_qos: Option<u8>,
    /// Retain the last will.
    #[arg(long, requires = "will_topic")]
    will_retain: bool,
    /// CA certificates (PEM) to trust; turns TLS on.
    #[arg(long, value_name = "FILE")]
    cafile: Option<PathBuf>,
    /// Trust the system's certificates; turns TLS on.
    #[arg(long)]
    tls_use_os_certs: bool,
    /// Client certificate (PEM) for mutual TLS.
    #[arg(long, value_name = "FILE", requires = "key")]
    cert: Option<PathBuf>,
    /// Client private key (PEM) for mutual TLS.
    #[arg(long, value_name = "FILE", requires = "cert")]
    key: Option<PathBuf>,
    /// Do not check the broker's certificate or host name (testing only).
    #[arg(long)]
    insecure: bool,
    /// Print connection progress on stderr.
    #[arg(short = 'd', long)]
    debug: bool,
    /// Print no error messages (the exit code still tells).
    #[arg(long)]
    quiet: bool,
    /// Print help.
    #[arg(long, action = clap::ArgAction::Help)]
    help: Option<bool>,
}

/// `topicscope pub` options.
#[derive(Debug, clap::Args)]
#[command(disable_help_flag = true)]
pub struct PubArgs {
    #[command(flatten)]
    client: ClientArgs,
    /// Topic to publish to (or the path of -L's URL).
    #[arg(short = 't', long, value_name = "TOPIC", required_unless_present = "url", conflicts_with = "url")]
    topic: Option<String>,
    /// The message.
    #[arg(short = 'm', long, value_name = "TEXT", group = "source")]
    message: Option<String>,
    /// Send this file's contents as the message.
    #[arg(short = 'f', long, value_name = "FILE", group = "source")]
    file: Option<PathBuf>,
    /// Send an empty (zero-length) message.
    #[arg(short = 'n', long = "null-message", group = "source")]
    null_message: bool,
    /// Send standard input as one message.
    #[arg(short = 's', long = "stdin-file", group = "source")]
    stdin_file: bool,
    /// Send each line of standard input as a message (empty lines are skipped).
    #[arg(short = 'l', long = "stdin-line", group = "source")]
    stdin_line: bool,
    /// QoS 0, 1 or 2.
    #[arg(short = 'q', long, default_value_t = 0, value_parser = clap::value_parser!(u8).range(0..=2))]
    qos: u8,
    /// Retain the message.
    #[arg(short = 'r', long)]
    retain: bool,
    /// Send the message this many times.
    #[arg(long, value_name = "COUNT", default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
    repeat: u64,
    /// Seconds between repeats (fractions allowed).
    #[arg(long, value_name = "SECONDS", default_value_t = 0.0)]
    repeat_delay: f64,
    /// MQTT 5 property: `-D publish NAME VALUE` (content-type, correlation-data,
    /// message-expiry-interval, payload-format-indicator, response-topic) or
    /// `-D publish user-property KEY VALUE`.
    #[arg(short = 'D', long = "property", num_args = 3..=4, value_names = ["COMMAND", "NAME", "VALUE"], action = clap::ArgAction::Append)]
    properties: Vec<String>,
}

/// `topicscope sub` options.
#[derive(Debug, clap::Args)]
#[command(disable_help_flag = true)]
pub struct SubArgs {
    #[command(flatten)]
    client: ClientArgs,
    /// Topic filter to subscribe to (repeat for more; + and # allowed; -L's path is one more).
    #[arg(short = 't', long, value_name = "FILTER", required_unless_present_any = ["url", "unsubscribe"])]
    topic: Vec<String>,
    /// Unsubscribe from this filter (repeatable), e.g. one a kept session
    /// (-c) still holds. Without -t, exit once the broker confirmed.
    #[arg(short = 'U', long = "unsubscribe", value_name = "FILTER")]
    unsubscribe: Vec<String>,
    /// Do not print messages on topics matching this filter (repeatable).
    #[arg(short = 'T', long = "filter-out", value_name = "FILTER")]
    filter_out: Vec<String>,
    /// QoS 0, 1 or 2 for the subscriptions.
    #[arg(short = 'q', long, default_value_t = 0, value_parser = clap::value_parser!(u8).range(0..=2))]
    qos: u8,
    /// Print the topic before the payload.
    #[arg(short = 'v', long)]
    verbose: bool,
    /// Exit after this many messages.
    #[arg(short = 'C', long = "count", value_name = "N")]
    count: Option<u64>,
    /// Exit this many seconds after connecting.
    #[arg(short = 'W', long = "timeout", value_name = "SECONDS")]
    timeout: Option<u64>,
    /// Output format, as mosquitto_sub's -F (%t topic, %p payload, %j JSON, @H:@M:@S …).
    #[arg(short = 'F', long, value_name = "FORMAT", conflicts_with_all = ["json", "verbose"])]
    format: Option<String>,
    /// One JSON object per message (payload as UTF-8 text or base64, with properties).
    #[arg(long, conflicts_with = "verbose")]
    json: bool,
    /// Indented JSON (implies --json).
    #[arg(long)]
    pretty: bool,
    /// Do not add a newline after each message.
    #[arg(short = 'N', long = "no-newline")]
    no_newline: bool,
    /// Do not print retained (stale) messages.
    #[arg(short = 'R', long = "no-retained")]
    no_retained: bool,
    /// Print only retained messages; exit at the first live one.
    #[arg(long, conflicts_with = "no_retained")]
    retained_only: bool,
    /// Exit once every subscription is acknowledged.
    #[arg(short = 'E', long = "exit-after-subscribe")]
    exit_after_subscribe: bool,
    /// Clear each retained message received: publish an empty retained
    /// message (QoS 1) to its topic. Waits for those to be acknowledged
    /// before exiting.
    #[arg(long)]
    remove_retained: bool,
    /// Print only this percentage (0.1-100) of the messages, picked at
    /// random; the others do not count for -C.
    #[arg(long, value_name = "CHANCE", value_parser = parse_chance)]
    random_filter: Option<f64>,
}

/// How a run fails, as a process exit code (0 when it does not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitKind {
    /// 1: anything else (a file that cannot be read, stdout closed, …).
    Other,
    /// 2: bad arguments or settings.
    Usage,
    /// 3: the broker cannot be reached, or the connection was lost.
    Network,
    /// 4: the broker refused: credentials, authorisation, a publish or every subscription.
    Refused,
    /// 5: timed out (connecting, or -W before -C messages).
    Timeout,
    /// 130: Ctrl+C before the work was done.
    Interrupted,
}

impl ExitKind {
    fn code(self) -> u8 {
        match self {
            Self::Other => 1,
            Self::Usage => 2,
            Self::Network => 3,
            Self::Refused => 4,
            Self::Timeout => 5,
            Self::Interrupted => 130,
        }
    }

    /// The exit code for a connection failure.
    pub fn for_failure(failure: &ConnectionFailure) -> Self {
        match failure {
            ConnectionFailure::BadCredentials | ConnectionFailure::NotAuthorized | ConnectionFailure::Rejected(_) => {
                Self::Refused
            }
            ConnectionFailure::Timeout(_) => Self::Timeout,
            ConnectionFailure::InvalidSettings(_) => Self::Usage,
            ConnectionFailure::GaveUp { last, .. } => Self::for_failure(last),
            _ => Self::Network,
        }
    }
}

/// A failed run: its exit kind and what to print.
struct Failure {
    kind: ExitKind,
    message: Option<String>,
}

impl Failure {
    fn new(kind: ExitKind, message: impl Into<String>) -> Self {
        Self { kind, message: Some(message.into()) }
    }
}

fn parse_protocol(text: &str) -> Result<ProtocolVersion, String> {
    match text {
        "mqttv5" | "5" => Ok(ProtocolVersion::V5),
        "mqttv311" | "311" => Ok(ProtocolVersion::V311),
        "mqttv31" | "31" => Err("MQTT 3.1 is not supported; use mqttv311 or mqttv5".into()),
        other => Err(format!("'{other}' is not a protocol version (mqttv311 or mqttv5)")),
    }
}

/// What `-L` names: where to connect, as whom, and the topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MqttUrl {
    tls: bool,
    username: Option<String>,
    password: Option<String>,
    host: String,
    port: Option<u16>,
    topic: String,
}

/// `mqtt://[user[:password]@]host[:port]/topic` as mosquitto's -L reads it
/// (no percent-decoding; the topic is everything after the first `/`),
/// plus `[IPv6]` hosts.
fn parse_mqtt_url(text: &str) -> Result<MqttUrl, String> {
    let (tls, rest) = if let Some(rest) = strip_prefix_ignoring_case(text, "mqtt://") {
        (false, rest)
    } else if let Some(rest) = strip_prefix_ignoring_case(text, "mqtts://") {
        (true, rest)
    } else {
        return Err("expected mqtt://HOST[:PORT]/TOPIC or mqtts://…".into());
    };
    let Some((authority, topic)) = rest.split_once('/') else {
        return Err("the topic is missing (mqtt://HOST[:PORT]/TOPIC)".into());
    };
    if topic.is_empty() {
        return Err("the topic is missing (mqtt://HOST[:PORT]/TOPIC)".into());
    }
    let (credentials, address) = match authority.rsplit_once('@') {
        Some((credentials, address)) => (Some(credentials), address),
        None => (None, authority),
    };
    let (username, password) = match credentials {
        Some(credentials) => match credentials.split_once(':') {
            Some((user, password)) => (Some(user.to_owned()), Some(password.to_owned())),
            None => (Some(credentials.to_owned()), None),
        },
        None => (None, None),
    };
    let (host, port) = if let Some(bracketed) = address.strip_prefix('[') {
        let (host, after) = bracketed.split_once(']').ok_or("an IPv6 host needs its closing ']'")?;
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':').ok_or("expected :PORT after the IPv6 host")?),
        };
        (host, port)
    } else {
        match address.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (address, None),
        }
    };
    if host.is_empty() {
        return Err("the host is missing".into());
    }
    let port =
        port.map(|port| port.parse::<u16>().map_err(|_| format!("'{port}' is not a port (1-65535)"))).transpose()?;
    if port == Some(0) {
        return Err("'0' is not a port (1-65535)".into());
    }
    Ok(MqttUrl { tls, username, password, host: host.to_owned(), port, topic: topic.to_owned() })
}

fn strip_prefix_ignoring_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &text[prefix.len()..])
}

/// `--random-filter`: a percentage, 0.1 to 100.
fn parse_chance(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(chance) if (0.1..=100.0).contains(&chance) => Ok(chance),
        _ => Err(format!("'{text}' is not a percentage from 0.1 to 100")),
    }
}

/// `-x`: seconds, or -1 / ∞ for a session that never expires.
fn parse_session_expiry(text: &str) -> Result<u32, String> {
    match text {
        "-1" | "∞" => Ok(u32::MAX),
        _ => text.parse().map_err(|_| format!("'{text}' is not a number of seconds (0-4294967295, or -1 for never)")),
    }
}

fn qos(level: u8) -> Qos {
    Qos::from_level(level).unwrap_or_default()
}

/// The profile a run connects with: the saved one or a blank one, then
/// the flags on top; checked before anything goes on the network.
fn build_profile(args: &ClientArgs, tool: &str) -> Result<ConnectionProfile, Failure> {
    let from_profile = args.profile.is_some();
    let mut profile = match &args.profile {
        Some(name) => {
            let dir = args.profiles_dir.clone().or_else(profile::default_profile_dir);
            let (profiles, _) = crate::cli_profiles::all_profiles(dir.as_deref());
            let found = profiles.into_iter().find(|candidate| candidate.name == *name);
            found.ok_or_else(|| {
                Failure::new(ExitKind::Usage, format!("no profile named '{name}' (see `topicscope profiles list`)"))
            })?
        }
        None => ConnectionProfile {
            name: format!("topicscope {tool}"),
            host: "localhost".into(),
            ..ConnectionProfile::default()
        },
    };
    let url_tls = args.url.as_ref().is_some_and(|url| url.tls);
    let tls_wanted = url_tls || args.cafile.is_some() || args.tls_use_os_certs || args.cert.is_some() || args.insecure;
    if tls_wanted {
        profile.transport = match profile.transport {
            TransportKind::Tcp | TransportKind::Tls => TransportKind::Tls,
            TransportKind::WebSocket | TransportKind::WebSocketTls => TransportKind::WebSocketTls,
        };
    } else if args.url.is_some() {
        // mqtt:// says plain, even over a saved TLS profile.
        profile.transport = match profile.transport {
            TransportKind::Tcp | TransportKind::Tls => TransportKind::Tcp,
            TransportKind::WebSocket | TransportKind::WebSocketTls => TransportKind::WebSocket,
        };
    }
    if let Some(url) = &args.url {
        profile.host.clone_from(&url.host);
        if let Some(username) = &url.username {
            profile.username.clone_from(username);
        }
        if let Some(password) = &url.password {
            profile.password_source = PasswordSource::NotSaved;
            profile.password.clone_from(password);
        }
        if url.tls {
            profile.tls.ca_file = None;
        }
    }
    if let Some(host) = &args.host {
        profile.host.clone_from(host);
    }
    if let Some(port) = args.port.or_else(|| args.url.as_ref().and_then(|url| url.port)) {
        profile.port = port;
    } else if !from_profile || args.url.is_some() {
        profile.port = if profile.transport == TransportKind::Tls { 8883 } else { 1883 };
    }
    if let Some(username) = &args.username {
        profile.username.clone_from(username);
    }
    if let Some(password) = &args.password {
        profile.password_source = PasswordSource::NotSaved;
        profile.password.clone_from(password);
    }
    if let Some(client_id) = &args.client_id {
        profile.client_id.clone_from(client_id);
        profile.random_client_id_suffix = false;
    } else if let Some(prefix) = &args.id_prefix {
        // As mosquitto: the prefix and the process id, nothing between.
        profile.client_id = format!("{prefix}{}", std::process::id());
        profile.random_client_id_suffix = false;
    }
    if let Some(keep_alive) = args.keep_alive {
        profile.keep_alive_secs = keep_alive;
    }
    if let Some(protocol) = args.protocol {
        profile.protocol = protocol;
    }
    if args.keep_session {
        if profile.client_id.is_empty() {
            return Err(Failure::new(ExitKind::Usage, "-c (keep the session) needs a client id (-i)"));
        }
        profile.clean_start = false;
        // As mosquitto: a kept MQTT 5 session does not expire.
        profile.mqtt5.session_expiry_secs = Some(u32::MAX);
    }
    if let Some(seconds) = args.session_expiry {
        if profile.protocol != ProtocolVersion::V5 {
            return Err(Failure::new(ExitKind::Usage, "-x (session expiry) is MQTT 5 only; this connection is 3.1.1"));
        }
        profile.mqtt5.session_expiry_secs = Some(seconds);
    }
    if let Some(topic) = &args.will_topic {
        profile.last_will = Some(LastWill {
            topic: topic.clone(),
            payload: args.will_payload.clone().unwrap_or_default(),
            payload_format: topicscope::core::payload::PayloadFormat::Text,
            qos: qos(args.will_qos.unwrap_or(0)),
            retain: args.will_retain,
            ..LastWill::default()
        });
    }
    if let Some(ca_file) = &args.cafile {
        profile.tls.ca_file = Some(ca_file.clone());
    } else if args.tls_use_os_certs {
        profile.tls.ca_file = None;
    }
    if args.cert.is_some() {
        profile.tls.client_certificate_file.clone_from(&args.cert);
        profile.tls.client_key_file.clone_from(&args.key);
    }
    if args.insecure {
        profile.tls.dangerously_accept_invalid_certificates = true;
    }
    profile.validate().map_err(|error| Failure::new(ExitKind::Usage, error.to_string()))?;
    if matches!(profile.password_source, PasswordSource::Keychain(_))
        && let Err(error) = topicscope::core::secrets::install_platform_keychain()
    {
        return Err(Failure::new(ExitKind::Usage, format!("the profile's password is in the keychain: {error}")));
    }
    Ok(profile)
}

/// What woke the run loop.
enum Next {
    /// Something happened on our connection.
    Event(ConnectionEvent),
    /// Ctrl+C (or SIGTERM).
    Interrupted,
    /// The deadline passed.
    TimedOut,
    /// Woken with no engine event (e.g. a line arrived on stdin).
    Woken,
}

/// The engine, the connection and the run's wake-ups.
struct Client {
    engine: Engine,
    wake: std_mpsc::Receiver<()>,
    waker: Arc<dyn Fn() + Send + Sync>,
    interrupted: Arc<AtomicBool>,
    tool: &'static str,
    debug: bool,
    quiet: bool,
}

impl Client {
    fn start(tool: &'static str, args: &ClientArgs) -> Result<Self, Failure> {
        let (wake_tx, wake) = std_mpsc::sync_channel(1);
        let waker: Arc<dyn Fn() + Send + Sync> = Arc::new(move || {
            let _ = wake_tx.try_send(());
        });
        let engine = Engine::start(waker.clone()).map_err(|error| Failure::new(ExitKind::Other, error.to_string()))?;
        let interrupted = Arc::new(AtomicBool::new(false));
        let (flag, wake_on_signal) = (interrupted.clone(), waker.clone());
        let _ = std::thread::Builder::new().name("topicscope-signal".into()).spawn(move || {
            if crate::wait_for_stop_signal().is_ok() {
                flag.store(true, Ordering::SeqCst);
                wake_on_signal();
            }
        });
        Ok(Self { engine, wake, waker, interrupted, tool, debug: args.debug, quiet: args.quiet })
    }

    fn say(&self, text: &str) {
        if !self.quiet {
            // A closed stderr is no reason to stop (eprintln! would panic).
            let _ = writeln!(std::io::stderr(), "topicscope {}: {text}", self.tool);
        }
    }

    fn debug(&self, text: &str) {
        if self.debug {
            let _ = writeln!(std::io::stderr(), "topicscope {}: {text}", self.tool);
        }
    }

    fn send(&self, command: Command) -> Result<(), SendError> {
        self.engine.send(command)
    }

    /// The next thing to act on; waits until then (or `deadline`).
    fn next(&mut self, deadline: Option<Instant>) -> Next {
        let mut woken = false;
        loop {
            while let Some(event) = self.engine.try_recv() {
                if let EventKind::Connection { connection: CONNECTION, event } = event.kind {
                    return Next::Event(event);
                }
            }
            if self.interrupted.load(Ordering::SeqCst) {
                return Next::Interrupted;
            }
            if woken {
                return Next::Woken;
            }
            woken = match deadline {
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return Next::TimedOut;
                    }
                    self.wake.recv_timeout(left).is_ok()
                }
                None => self.wake.recv().is_ok(),
            };
        }
    }

    /// Connects and waits for CONNACK; the first failure ends the run
    /// (a script wants the reason, not retries).
    fn connect(&mut self, profile: &ConnectionProfile, subscriptions: Vec<SubscriptionSpec>) -> Result<(), Failure> {
        self.debug(&format!("connecting to {} ({})", profile.address(), profile.protocol));
        let command = Command::Connect { connection: CONNECTION, profile: Box::new(profile.clone()), subscriptions };
        self.send(command).map_err(|error| Failure::new(ExitKind::Other, error.to_string()))?;
        loop {
            match self.next(None) {
                Next::Event(ConnectionEvent::State(ConnectionState::Connected { client_id, session_present })) => {
                    let session = if session_present { ", session resumed" } else { "" };
                    self.debug(&format!("connected as {client_id}{session}"));
                    return Ok(());
                }
                Next::Event(ConnectionEvent::State(
                    ConnectionState::Reconnecting { error, .. } | ConnectionState::Failed(error),
                )) => {
                    let _ = self.send(Command::Disconnect { connection: CONNECTION });
                    // "connection refused" already names the address.
                    let message = match &error {
                        ConnectionFailure::Refused(_) => error.to_string(),
                        _ => format!("cannot connect to {}: {error}", profile.address()),
                    };
                    return Err(Failure::new(ExitKind::for_failure(&error), message));
                }
                Next::Interrupted => return Err(Failure { kind: ExitKind::Interrupted, message: None }),
                _ => {}
            }
        }
    }

    /// Sends DISCONNECT and waits (briefly) until it is out.
    fn disconnect(&mut self) {
        if self.send(Command::Disconnect { connection: CONNECTION }).is_err() {
            return;
        }
        let deadline = Instant::now() + Duration::from_secs(2);
        loop {
            match self.next(Some(deadline)) {
                Next::Event(ConnectionEvent::State(ConnectionState::Disconnected | ConnectionState::Failed(_)))
                | Next::TimedOut => return,
                Next::Interrupted => {
                    // A second Ctrl+C while disconnecting: stop waiting.
                    return;
                }
                _ => {}
            }
        }
    }
}

/// Prints the failure (unless quiet) and turns it into the exit code.
fn finish(tool: &str, quiet: bool, result: Result<(), Failure>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            if let (Some(message), false) = (&failure.message, quiet) {
                let _ = writeln!(std::io::stderr(), "topicscope {tool}: {message}");
            }
            ExitCode::from(failure.kind.code())
        }
    }
}

/// Splits `-D` values (clap hands them over flattened) back into one
/// list per `-D`: COMMAND NAME VALUE, or COMMAND user-property KEY VALUE.
fn group_properties(values: &[String]) -> Vec<Vec<String>> {
    let mut groups = Vec::new();
    let mut rest = values;
    while !rest.is_empty() {
        let length = if rest.get(1).is_some_and(|name| name == "user-property") { 4 } else { 3 };
        let (group, tail) = rest.split_at(length.min(rest.len()));
        groups.push(group.to_vec());
        rest = tail;
    }
    groups
}

/// `-D publish NAME VALUE` arguments as MQTT 5 properties.
fn publish_properties(values: &[String], protocol: ProtocolVersion) -> Result<Option<MessageProperties>, Failure> {
    if values.is_empty() {
        return Ok(None);
    }
    let arguments = group_properties(values);
    if protocol != ProtocolVersion::V5 {
        return Err(Failure::new(
            ExitKind::Usage,
            "-D sets MQTT 5 properties; this connection is MQTT 3.1.1 (-V mqttv5)",
        ));
    }
    let mut properties = MessageProperties::default();
    for argument in &arguments {
        let usage = |why: &str| Failure::new(ExitKind::Usage, format!("-D {}: {why}", argument.join(" ")));
        let [command, name, rest @ ..] = argument.as_slice() else { return Err(usage("expected COMMAND NAME VALUE")) };
        if command != "publish" {
            return Err(usage("only publish properties can be set (-D publish NAME VALUE)"));
        }
        match (name.as_str(), rest) {
            ("user-property", [key, value]) => properties.user_properties.push((key.clone(), value.clone())),
            ("user-property", _) => return Err(usage("a user property needs a key and a value")),
            (_, [value]) => match name.as_str() {
                "content-type" => properties.content_type = Some(value.clone()),
                "response-topic" => {
                    validate_topic_name(value).map_err(|error| usage(&error.to_string()))?;
                    properties.response_topic = Some(value.clone());
                }
                "correlation-data" => properties.correlation_data = Some(value.clone().into_bytes()),
                "message-expiry-interval" => {
                    let seconds = value.parse().map_err(|_| usage("expected a number of seconds"))?;
                    properties.message_expiry_interval = Some(seconds);
                }
                "payload-format-indicator" => match value.as_str() {
                    "0" | "1" => properties.payload_format_indicator = value.parse().ok(),
                    _ => return Err(usage("expected 0 (bytes) or 1 (UTF-8)")),
                },
                _ => return Err(usage("unknown publish property")),
            },
            _ => return Err(usage("expected one value")),
        }
    }
    Ok(Some(properties))
}

/// Where `pub`'s messages come from.
enum Source {
    /// One message (-m, -f, -n, -s), sent `--repeat` times.
    Once(Bytes),
    /// One message per line of standard input (-l).
    Lines,
}

fn read_source(args: &PubArgs) -> Result<Source, Failure> {
    if let Some(message) = &args.message {
        return Ok(Source::Once(Bytes::from(message.clone().into_bytes())));
    }
    if let Some(file) = &args.file {
        let bytes = std::fs::read(file)
            .map_err(|error| Failure::new(ExitKind::Other, format!("cannot read {}: {error}", file.display())))?;
        return Ok(Source::Once(Bytes::from(bytes)));
    }
    if args.null_message {
        return Ok(Source::Once(Bytes::new()));
    }
    if args.stdin_file {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .map_err(|error| Failure::new(ExitKind::Other, format!("cannot read standard input: {error}")))?;
        return Ok(Source::Once(Bytes::from(bytes)));
    }
    if args.stdin_line {
        return Ok(Source::Lines);
    }
    Err(Failure::new(ExitKind::Usage, "say what to send: -m, -f, -n, -s or -l"))
}

/// Runs `topicscope pub`.
pub fn run_pub(args: &PubArgs) -> ExitCode {
    finish("pub", args.client.quiet, publish(args))
}

fn publish(args: &PubArgs) -> Result<(), Failure> {
    let topic = match (&args.topic, &args.client.url) {
        (Some(topic), _) => topic.clone(),
        (None, Some(url)) => url.topic.clone(),
        (None, None) => return Err(Failure::new(ExitKind::Usage, "say where to publish: -t TOPIC or -L URL")),
    };
    validate_topic_name(&topic).map_err(|error| Failure::new(ExitKind::Usage, format!("-t: {error}")))?;
    if !(args.repeat_delay.is_finite() && args.repeat_delay >= 0.0) {
        return Err(Failure::new(ExitKind::Usage, "--repeat-delay: expected seconds ≥ 0"));
    }
    let profile = build_profile(&args.client, "pub")?;
    let properties = publish_properties(&args.properties, profile.protocol)?.map(Box::new);
    let source = read_source(args)?;
    let mut client = Client::start("pub", &args.client)?;
    client.connect(&profile, Vec::new())?;

    let request = |id: PublishId, payload: Bytes| PublishRequest {
        id,
        topic: topic.clone(),
        payload,
        qos: qos(args.qos),
        retain: args.retain,
        properties: properties.clone(),
    };
    // Messages ready to hand to the engine, in order.
    let mut ready: VecDeque<Bytes> = VecDeque::new();
    let mut lines: Option<std_mpsc::Receiver<Option<Vec<u8>>>> = None;
    let mut input_done = false;
    let (mut scheduled, mut next_at) = (0u64, Instant::now());
    let delay = Duration::from_secs_f64(args.repeat_delay);
    match &source {
        Source::Once(_) => {}
        Source::Lines => {
            let (line_tx, line_rx) = std_mpsc::sync_channel::<Option<Vec<u8>>>(256);
            let waker = client.waker.clone();
            let _ = std::thread::Builder::new().name("topicscope-stdin".into()).spawn(move || {
                let stdin = std::io::stdin();
                for line in stdin.lock().split(b'\n') {
                    let Ok(mut line) = line else { break };
                    if line.last() == Some(&b'\r') {
                        line.pop();
                    }
                    if !line.is_empty() && line_tx.send(Some(line)).is_err() {
                        return;
                    }
                    waker();
                }
                let _ = line_tx.send(None);
                waker();
            });
            lines = Some(line_rx);
        }
    }
    let mut pending: HashSet<PublishId> = HashSet::new();
    let (mut next_id, mut sent, mut refused) = (RequestId(1), 0u64, 0u64);
    let mut lost: Option<ConnectionFailure> = None;
    loop {
        // Take in what there is to send.
        match &source {
            Source::Once(payload) => {
                while scheduled < args.repeat && Instant::now() >= next_at {
                    ready.push_back(payload.clone());
                    scheduled += 1;
                    next_at = Instant::now() + delay;
                }
                input_done = scheduled >= args.repeat;
            }
            Source::Lines => {
                if let Some(receiver) = &lines {
                    while let Ok(line) = receiver.try_recv() {
                        match line {
                            Some(line) => ready.push_back(Bytes::from(line)),
                            None => input_done = true,
                        }
                    }
                }
            }
        }
        // Hand it over while the engine's queue has room.
        while let Some(payload) = ready.front().cloned() {
            let id = PublishId::Request(next_id);
            match client.send(Command::Publish { connection: CONNECTION, request: request(id, payload) }) {
                Ok(()) => {
                    ready.pop_front();
                    pending.insert(id);
                    next_id.take_next();
                }
                Err(SendError::Busy) => break,
                Err(SendError::Stopped) => return Err(Failure::new(ExitKind::Other, "the network engine stopped")),
            }
        }
        if input_done && ready.is_empty() && pending.is_empty() {
            break;
        }
        let deadline = match &source {
            Source::Once(_) if scheduled < args.repeat => Some(next_at),
            _ => None,
        };
        match client.next(deadline) {
            Next::Event(ConnectionEvent::Delivery { request, outcome, .. }) => match outcome {
                DeliveryOutcome::Received => {}
                DeliveryOutcome::Written | DeliveryOutcome::Acknowledged | DeliveryOutcome::Completed => {
                    client.debug(&format!("message {request}: {outcome}"));
                    pending.remove(&request);
                    sent += 1;
                }
                DeliveryOutcome::Refused(reason) => {
                    client.say(&format!("the broker refused message {request} on '{topic}': {reason}"));
                    pending.remove(&request);
                    refused += 1;
                }
                DeliveryOutcome::Failed(reason) => {
                    pending.remove(&request);
                    client.say(&format!("message {request} was not delivered: {reason}"));
                    lost.get_or_insert(ConnectionFailure::Lost(reason));
                }
            },
            Next::Event(ConnectionEvent::State(
                ConnectionState::Reconnecting { error, .. } | ConnectionState::Failed(error),
            )) => {
                let _ = client.send(Command::Disconnect { connection: CONNECTION });
                let unsent = pending.len() + ready.len();
                return Err(Failure::new(
                    ExitKind::for_failure(&error),
                    format!("{error} ({sent} sent, {unsent} not confirmed)"),
                ));
            }
            Next::Interrupted => {
                client.disconnect();
                let unsent = pending.len() + ready.len();
                if unsent == 0 && matches!(source, Source::Lines) {
                    return Ok(());
                }
                return Err(Failure::new(
                    ExitKind::Interrupted,
                    format!("interrupted: {sent} sent, {unsent} not confirmed"),
                ));
            }
            _ => {}
        }
    }
    client.disconnect();
    if let Some(error) = lost {
        return Err(Failure::new(ExitKind::Network, format!("{error} ({sent} sent)")));
    }
    if refused > 0 {
        return Err(Failure::new(ExitKind::Refused, format!("{refused} of {} messages refused", refused + sent)));
    }
    Ok(())
}

/// How `sub` prints a message.
enum Printer {
    Payload,
    Verbose,
    Format(OutputFormat),
    Json { pretty: bool },
}

impl Printer {
    fn print(
        &self,
        out: &mut impl std::io::Write,
        at: chrono::DateTime<chrono::Utc>,
        message: &topicscope::core::mqtt::IncomingMessage,
        newline: bool,
    ) -> Result<Result<(), String>, std::io::Error> {
        match self {
            Self::Payload => out.write_all(&message.payload)?,
            Self::Verbose => {
                out.write_all(message.topic.as_bytes())?;
                out.write_all(b" ")?;
                out.write_all(&message.payload)?;
            }
            Self::Format(format) => match format.render(message, at) {
                Ok(bytes) => out.write_all(&bytes)?,
                Err(reason) => return Ok(Err(reason.to_string())),
            },
            Self::Json { pretty } => {
                let value = topicscope::core::export::message_json(&StoredMessage::received(
                    TabId::default(),
                    at,
                    message,
                    None,
                ));
                let text = if *pretty { serde_json::to_string_pretty(&value) } else { serde_json::to_string(&value) };
                out.write_all(text.map_err(std::io::Error::other)?.as_bytes())?;
            }
        }
        if newline {
            out.write_all(b"\n")?;
        }
        Ok(Ok(()))
    }
}

/// Runs `topicscope sub`.
pub fn run_sub(args: &SubArgs) -> ExitCode {
    finish("sub", args.client.quiet, subscribe(args))
}

fn subscribe(args: &SubArgs) -> Result<(), Failure> {
    let filters: Vec<String> =
        args.topic.iter().chain(args.client.url.as_ref().map(|url| &url.topic)).cloned().collect();
    for filter in filters.iter().chain(&args.filter_out).chain(&args.unsubscribe) {
        validate_topic_filter(filter).map_err(|error| Failure::new(ExitKind::Usage, format!("'{filter}': {error}")))?;
    }
    let printer = match &args.format {
        Some(format) => Printer::Format(
            OutputFormat::parse(format).map_err(|error| Failure::new(ExitKind::Usage, error.to_string()))?,
        ),
        None if args.json || args.pretty => Printer::Json { pretty: args.pretty },
        None if args.verbose => Printer::Verbose,
        None => Printer::Payload,
    };
    let profile = build_profile(&args.client, "sub")?;
    let subscriptions: Vec<SubscriptionSpec> = filters
        .iter()
        .enumerate()
        .map(|(index, filter)| SubscriptionSpec {
            id: SubscriptionId(u32::try_from(index).unwrap_or(u32::MAX)),
            filter: filter.clone(),
            qos: qos(args.qos),
            options: SubscribeOptions::default(),
        })
        .collect();
    let mut client = Client::start("sub", &args.client)?;
    client.connect(&profile, subscriptions.clone())?;
    // -U: ids after the subscriptions'.
    let first_unsubscribe = u32::try_from(subscriptions.len()).unwrap_or(u32::MAX);
    for (offset, filter) in args.unsubscribe.iter().enumerate() {
        let subscription = SubscriptionId(first_unsubscribe.saturating_add(u32::try_from(offset).unwrap_or(u32::MAX)));
        let command = Command::UnsubscribeFilter { connection: CONNECTION, subscription, filter: filter.clone() };
        client.send(command).map_err(|error| Failure::new(ExitKind::Other, error.to_string()))?;
    }
    let unsubscribed_from = |subscription: SubscriptionId| {
        let index = subscription.0.checked_sub(first_unsubscribe)? as usize;
        args.unsubscribe.get(index).map(String::as_str)
    };
    let mut unsubscribes_answered = 0usize;
    let everything_answered = |answered: usize, unsubscribes_answered: usize| {
        answered == subscriptions.len() && unsubscribes_answered == args.unsubscribe.len()
    };
    let deadline = args.timeout.map(|seconds| Instant::now() + Duration::from_secs(seconds));
    let (mut answered, mut refused) = (0usize, 0usize);
    let mut received = 0u64;
    let mut clearing = RetainedClearing::default();
    // -C reached, --retained-only saw a live message, or stdout was closed.
    let mut done = false;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let result = loop {
        if done || args.count.is_some_and(|count| received >= count) {
            break Ok(());
        }
        clearing.send(&client);
        match client.next(deadline) {
            Next::Event(ConnectionEvent::Messages(batch)) => {
                for (at, message) in &batch {
                    if args.count.is_some_and(|count| received >= count) {
                        break;
                    }
                    // As mosquitto_sub: cleared before -T, -R and --retained-only apply.
                    if args.remove_retained && message.retain {
                        clearing.waiting.push_back(message.topic.to_string());
                    }
                    if args.filter_out.iter().any(|filter| topic_matches(filter, &message.topic)) {
                        continue;
                    }
                    if args.no_retained && message.retain {
                        continue;
                    }
                    if args.retained_only && !message.retain {
                        done = true;
                        break;
                    }
                    if args.random_filter.is_some_and(|chance| rand::random::<f64>() * 100.0 >= chance) {
                        continue;
                    }
                    match printer.print(&mut out, *at, message, !args.no_newline) {
                        Ok(Ok(())) => received += 1,
                        Ok(Err(reason)) => client.say(&reason),
                        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => {
                            done = true;
                            break;
                        }
                        Err(error) => {
                            client.disconnect();
                            return Err(Failure::new(ExitKind::Other, format!("cannot write: {error}")));
                        }
                    }
                }
                if let Err(error) = out.flush()
                    && error.kind() != std::io::ErrorKind::BrokenPipe
                {
                    client.disconnect();
                    return Err(Failure::new(ExitKind::Other, format!("cannot write: {error}")));
                }
            }
            Next::Event(ConnectionEvent::Subscribed { subscription, outcome }) => {
                answered += 1;
                let filter = subscriptions.get(subscription.0 as usize).map_or("?", |spec| spec.filter.as_str());
                match outcome {
                    SubscribeOutcome::Granted(granted) => {
                        client.debug(&format!("subscribed to '{filter}' ({granted})"))
                    }
                    SubscribeOutcome::Refused(reason) => {
                        refused += 1;
                        client.say(&format!("subscription to '{filter}' refused: {reason}"));
                    }
                }
                if refused == subscriptions.len() {
                    break Err(Failure::new(ExitKind::Refused, "every subscription was refused"));
                }
                if args.exit_after_subscribe && everything_answered(answered, unsubscribes_answered) {
                    break Ok(());
                }
            }
            Next::Event(ConnectionEvent::SubscriptionResumed { .. }) => {
                answered += 1;
                if args.exit_after_subscribe && everything_answered(answered, unsubscribes_answered) {
                    break Ok(());
                }
            }
            Next::Event(ConnectionEvent::Unsubscribed { subscription }) => {
                if let Some(filter) = unsubscribed_from(subscription) {
                    unsubscribes_answered += 1;
                    client.debug(&format!("unsubscribed from '{filter}'"));
                }
                let only_unsubscribing = subscriptions.is_empty() || args.exit_after_subscribe;
                if only_unsubscribing && everything_answered(answered, unsubscribes_answered) {
                    break Ok(());
                }
            }
            Next::Event(ConnectionEvent::SubscriptionFailed { subscription, reason }) => {
                if let Some(filter) = unsubscribed_from(subscription) {
                    break Err(Failure::new(
                        ExitKind::Network,
                        format!("cannot unsubscribe from '{filter}': {reason}"),
                    ));
                }
            }
            Next::Event(ConnectionEvent::Delivery { request, outcome, .. }) => {
                clearing.delivered(&client, request, &outcome);
            }
            Next::Event(ConnectionEvent::State(ConnectionState::Reconnecting { error, .. })) => {
                client.say(&format!("{error}; reconnecting"));
            }
            Next::Event(ConnectionEvent::State(ConnectionState::Failed(error))) => {
                break Err(Failure::new(ExitKind::for_failure(&error), error.to_string()));
            }
            Next::Event(ConnectionEvent::State(ConnectionState::Connected { client_id, .. })) => {
                client.debug(&format!("connected again as {client_id}"));
            }
            Next::TimedOut => {
                break match args.count {
                    Some(count) => Err(Failure::new(
                        ExitKind::Timeout,
                        format!("timed out after {} s: {received} of {count} messages", args.timeout.unwrap_or(0)),
                    )),
                    None => Ok(()),
                };
            }
            Next::Interrupted => break Ok(()),
            _ => {}
        }
    };
    let _ = out.flush();
    // Exit only once the broker has the retained messages cleared.
    let clear_deadline = Instant::now() + Duration::from_secs(10);
    while !clearing.is_done() {
        clearing.send(&client);
        match client.next(Some(clear_deadline)) {
            Next::Event(ConnectionEvent::Delivery { request, outcome, .. }) => {
                clearing.delivered(&client, request, &outcome);
            }
            Next::Event(ConnectionEvent::State(ConnectionState::Reconnecting { .. } | ConnectionState::Failed(_)))
            | Next::TimedOut
            | Next::Interrupted => {
                clearing.failed += clearing.waiting.len() + clearing.sent.len();
                break;
            }
            _ => {}
        }
    }
    client.disconnect();
    match result {
        Ok(()) if clearing.failed > 0 => {
            Err(Failure::new(ExitKind::Refused, format!("{} retained messages were not cleared", clearing.failed)))
        }
        other => other,
    }
}

/// `sub --remove-retained`: an empty retained QoS 1 publish per retained
/// message received, each followed to its acknowledgement.
#[derive(Default)]
struct RetainedClearing {
    /// Topics to clear, in arrival order, not yet taken by the engine.
    waiting: VecDeque<String>,
    /// Request id → topic, sent and not yet acknowledged.
    sent: std::collections::HashMap<PublishId, String>,
    next_request: RequestId,
    /// Clears the broker refused or that were lost.
    failed: usize,
}

impl RetainedClearing {
    /// Hands waiting clears to the engine while its queue takes them.
    fn send(&mut self, client: &Client) {
        while let Some(topic) = self.waiting.front() {
            let id = PublishId::Request(self.next_request);
            let request = PublishRequest {
                id,
                topic: topic.clone(),
                payload: Bytes::new(),
                qos: Qos::AtLeastOnce,
                retain: true,
                properties: None,
            };
            match client.send(Command::Publish { connection: CONNECTION, request }) {
                Ok(()) => {
                    self.next_request.take_next();
                    if let Some(topic) = self.waiting.pop_front() {
                        self.sent.insert(id, topic);
                    }
                }
                Err(SendError::Busy) => return,
                Err(SendError::Stopped) => {
                    client.say("the network engine stopped; retained messages not cleared");
                    self.waiting.clear();
                    return;
                }
            }
        }
    }

    fn delivered(&mut self, client: &Client, request: PublishId, outcome: &DeliveryOutcome) {
        let reason = match outcome {
            DeliveryOutcome::Acknowledged | DeliveryOutcome::Completed => None,
            DeliveryOutcome::Refused(reason) | DeliveryOutcome::Failed(reason) => Some(reason),
            DeliveryOutcome::Written | DeliveryOutcome::Received => return,
        };
        let Some(topic) = self.sent.remove(&request) else { return };
        match reason {
            None => client.debug(&format!("cleared the retained message on '{topic}'")),
            Some(reason) => {
                self.failed += 1;
                client.say(&format!("the retained message on '{topic}' was not cleared: {reason}"));
            }
        }
    }

    fn is_done(&self) -> bool {
        self.waiting.is_empty() && self.sent.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> MqttUrl {
        parse_mqtt_url(text).unwrap_or_else(|error| panic!("{text}: {error}"))
    }

    #[test]
    fn urls_read_as_mosquitto_reads_them() {
        let plain = url("mqtt://broker.local/plant/valve");
        assert_eq!(
            plain,
            MqttUrl {
                tls: false,
                username: None,
                password: None,
                host: "broker.local".into(),
                port: None,
                topic: "plant/valve".into()
            }
        );
        let full = url("MQTTS://alice:s3:cr@t@10.0.0.5:8884/a/+/#");
        assert!(full.tls);
        assert_eq!(full.username.as_deref(), Some("alice"));
        assert_eq!(full.password.as_deref(), Some("s3:cr@t"), "the last @ ends the credentials");
        assert_eq!((full.host.as_str(), full.port), ("10.0.0.5", Some(8884)));
        assert_eq!(full.topic, "a/+/#");
        let user_only = url("mqtt://bob@h/t");
        assert_eq!((user_only.username.as_deref(), user_only.password), (Some("bob"), None));
        let ipv6 = url("mqtt://[::1]:1884/t");
        assert_eq!((ipv6.host.as_str(), ipv6.port), ("::1", Some(1884)));
        assert_eq!(url("mqtt://[fe80::1]/t").port, None);
    }

    #[test]
    fn bad_urls_say_what_is_wrong() {
        for (text, expected) in [
            ("http://h/t", "expected mqtt://"),
            ("mqtt://h", "topic is missing"),
            ("mqtt://h/", "topic is missing"),
            ("mqtt:///t", "host is missing"),
            ("mqtt://h:99999/t", "'99999' is not a port"),
            ("mqtt://h:0/t", "'0' is not a port"),
            ("mqtt://h:/t", "'' is not a port"),
            ("mqtt://[::1/t", "closing ']'"),
            ("mqtt://[::1]1883/t", "expected :PORT"),
        ] {
            let error = parse_mqtt_url(text).expect_err(text);
            assert!(error.contains(expected), "{text}: {error}");
        }
    }

    #[test]
    fn random_filter_takes_a_percentage() {
        assert_eq!(parse_chance("0.1"), Ok(0.1));
        assert_eq!(parse_chance("100"), Ok(100.0));
        for bad in ["0", "0.05", "100.1", "-5", "half", "NaN"] {
            assert!(parse_chance(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn session_expiry_takes_seconds_or_never() {
        assert_eq!(parse_session_expiry("0"), Ok(0));
        assert_eq!(parse_session_expiry("3600"), Ok(3600));
        assert_eq!(parse_session_expiry("-1"), Ok(u32::MAX));
        assert_eq!(parse_session_expiry("∞"), Ok(u32::MAX));
        assert!(parse_session_expiry("-2").is_err());
        assert!(parse_session_expiry("soon").unwrap_err().contains("'soon'"));
    }
}
