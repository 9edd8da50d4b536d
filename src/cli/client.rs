//! The client `pub` and `sub` share: a profile from the flags, the engine
//! driven from a plain thread, Ctrl+C, and exit codes a script can test
//! (see [`ExitKind`]).

use super::args::{ClientArgs, qos};
use super::broker::wait_for_stop_signal;
use std::io::Write as _;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc as std_mpsc;
use std::time::{Duration, Instant};

use topicscope::core::engine::{
    Command, ConnectionEvent, ConnectionFailure, ConnectionState, Engine, EventKind, SendError, SubscriptionSpec,
};
use topicscope::core::ids::ConnectionId;
use topicscope::core::mqtt::ProtocolVersion;
use topicscope::core::profile::{self, ConnectionProfile, LastWill, PasswordSource, TransportKind};
use topicscope::core::wire::codes::property;
use topicscope::core::wire::mosquitto_debug::debug_lines;
use topicscope::core::wire::{Direction, PacketKind, PacketRecord, PropertyValue};

/// The one connection a pub/sub run opens.
pub(crate) const CONNECTION: ConnectionId = ConnectionId(1);

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
    pub(crate) fn code(self) -> u8 {
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
pub(crate) struct Failure {
    pub(crate) kind: ExitKind,
    pub(crate) message: Option<String>,
}

impl Failure {
    pub(crate) fn new(kind: ExitKind, message: impl Into<String>) -> Self {
        Self { kind, message: Some(message.into()) }
    }
}

/// The profile a run connects with: the saved one or a blank one, then
/// the flags on top; checked before anything goes on the network.
/// `--save-profile NAME`: keeps the connection settings (and the
/// subscriptions) as a profile file; says where on stderr. The password
/// stays out of the file, as for every profile.
pub(crate) fn save_profile_if_asked(
    args: &ClientArgs,
    profile: &ConnectionProfile,
    subscriptions: Vec<profile::SavedSubscription>,
) -> Result<(), Failure> {
    let Some(name) = &args.save_profile else { return Ok(()) };
    let name = name.trim();
    if name.is_empty() {
        return Err(Failure::new(ExitKind::Usage, "--save-profile needs a name"));
    }
    let dir =
        args.profiles_dir.clone().or_else(profile::default_profile_dir).ok_or_else(|| {
            Failure::new(ExitKind::Usage, "--save-profile: no profile folder (give --profiles-dir DIR)")
        })?;
    let saved = ConnectionProfile { name: name.to_owned(), subscriptions, ..profile.clone() };
    let path = profile::save_profile(&dir, &saved)
        .map_err(|error| Failure::new(ExitKind::Usage, format!("--save-profile: {error}")))?;
    if !args.quiet {
        eprintln!("saved profile '{name}' to {}", path.display());
    }
    Ok(())
}

pub(crate) fn build_profile(args: &ClientArgs, tool: &str) -> Result<ConnectionProfile, Failure> {
    let from_profile = args.profile.is_some();
    let mut profile = match &args.profile {
        Some(name) => {
            let dir = args.profiles_dir.clone().or_else(profile::default_profile_dir);
            let (profiles, _) = super::profiles::all_profiles(dir.as_deref());
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
    super::properties::apply_connect_properties(&args.properties, &mut profile, tool == "pub")?;
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
    // Packets are recorded only to print them (-d).
    profile.record_packets = args.debug;
    if let Some(url) = &args.proxy {
        let proxy = profile::parse_proxy_url(url).map_err(|error| Failure::new(ExitKind::Usage, error.to_string()))?;
        profile.proxy = Some(proxy);
    }
    if profile.proxy.as_ref().is_some_and(profile::ProxyOptions::needs_password_prompt) {
        return Err(Failure::new(
            ExitKind::Usage,
            "the profile asks for the proxy password on connect, which a command cannot do; give it in --proxy URL or keep it in the keychain, a file or an environment variable",
        ));
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
pub(crate) enum Next {
    /// Something happened on our connection.
    Event(ConnectionEvent),
    /// Ctrl+C (or SIGTERM).
    Interrupted,
    /// The deadline passed.
    TimedOut,
    /// Woken with no engine event (e.g. a line arrived on stdin).
    Woken,
    /// A repeat or replay job's progress or end.
    Job(topicscope::core::engine::repeat::RepeatReport),
}

/// The engine, the connection and the run's wake-ups.
pub(crate) struct Client {
    pub(crate) engine: Engine,
    pub(crate) wake: std_mpsc::Receiver<()>,
    pub(crate) waker: Arc<dyn Fn() + Send + Sync>,
    pub(crate) interrupted: Arc<AtomicBool>,
    pub(crate) tool: &'static str,
    pub(crate) debug: bool,
    pub(crate) quiet: bool,
    /// The client id mosquitto-style debug lines name.
    pub(crate) packet_client_id: String,
}

impl Client {
    pub(crate) fn start(tool: &'static str, args: &ClientArgs) -> Result<Self, Failure> {
        let (wake_tx, wake) = std_mpsc::sync_channel(1);
        let waker: Arc<dyn Fn() + Send + Sync> = Arc::new(move || {
            let _ = wake_tx.try_send(());
        });
        let engine = Engine::start(waker.clone()).map_err(|error| Failure::new(ExitKind::Other, error.to_string()))?;
        let interrupted = Arc::new(AtomicBool::new(false));
        let (flag, wake_on_signal) = (interrupted.clone(), waker.clone());
        let _ = std::thread::Builder::new().name("topicscope-signal".into()).spawn(move || {
            if wait_for_stop_signal().is_ok() {
                flag.store(true, Ordering::SeqCst);
                wake_on_signal();
            }
        });
        Ok(Self {
            engine,
            wake,
            waker,
            interrupted,
            tool,
            debug: args.debug,
            quiet: args.quiet,
            packet_client_id: String::new(),
        })
    }

    pub(crate) fn say(&self, text: &str) {
        if !self.quiet {
            // A closed stderr is no reason to stop (eprintln! would panic).
            let _ = writeln!(std::io::stderr(), "topicscope {}: {text}", self.tool);
        }
    }

    pub(crate) fn debug(&self, text: &str) {
        if self.debug {
            let _ = writeln!(std::io::stderr(), "topicscope {}: {text}", self.tool);
        }
    }

    /// `-d`: mosquitto's debug lines for each packet, on stdout as
    /// mosquitto_sub and mosquitto_pub print them.
    fn print_packets(&mut self, records: &[PacketRecord]) {
        if !self.debug {
            return;
        }
        let mut out = std::io::stdout().lock();
        for record in records {
            match (record.kind, record.direction) {
                (PacketKind::Connect, Direction::Sent) => {
                    self.packet_client_id = record.field("Client ID").unwrap_or_default().to_owned();
                }
                (PacketKind::ConnAck, Direction::Received) => {
                    if let Some(PropertyValue::Text(assigned)) = record.property(property::ASSIGNED_CLIENT_IDENTIFIER) {
                        self.packet_client_id.clone_from(assigned);
                    }
                }
                _ => {}
            }
            // mosquitto prints a missing client id as "(null)".
            let id = if self.packet_client_id.is_empty() { "(null)" } else { &self.packet_client_id };
            for line in debug_lines(id, record) {
                let _ = writeln!(out, "{line}");
            }
        }
        let _ = out.flush();
    }

    pub(crate) fn send(&self, command: Command) -> Result<(), SendError> {
        self.engine.send(command)
    }

    /// The next thing to act on; waits until then (or `deadline`).
    pub(crate) fn next(&mut self, deadline: Option<Instant>) -> Next {
        let mut woken = false;
        loop {
            while let Some(event) = self.engine.try_recv() {
                if let EventKind::Repeat(report) = event.kind {
                    return Next::Job(report);
                }
                if let EventKind::Connection { connection: CONNECTION, event } = event.kind {
                    if let ConnectionEvent::Packets { records, .. } = &event {
                        self.print_packets(records);
                        continue;
                    }
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
    pub(crate) fn connect(
        &mut self,
        profile: &ConnectionProfile,
        subscriptions: Vec<SubscriptionSpec>,
    ) -> Result<(), Failure> {
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
    pub(crate) fn disconnect(&mut self) {
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
pub(crate) fn finish(tool: &str, quiet: bool, result: Result<(), Failure>) -> ExitCode {
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
