//! The embedded MQTT broker: rmqtt on its own thread and Tokio runtime.
//!
//! Why rmqtt (see ../shared/guides/mqtt-engine-notes.md): it serves MQTT
//! 3.1, 3.1.1 and 5.0 on one port, accepts keep-alive 0, delivers with
//! QoS = min(publish, subscription), reports the port it bound and stops
//! when its runtime stops. rumqttd cannot stop, refuses keep-alive 0 and
//! upgrades QoS; mqtt5 adds a user property to every forwarded message.
//!
//! This wrapper makes rmqtt deliver exactly what was published: the
//! listener's default message expiry is 0 (rmqtt would otherwise stamp a
//! 300 s Message-Expiry on MQTT 5 forwards) and retained messages come from
//! the `rmqtt-retainer` plugin in RAM with no TTL.

pub mod auth;
pub mod monitor;
pub mod persist;
pub mod settings;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU16;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc as std_mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use thiserror::Error;
use tokio::sync::{mpsc, oneshot};

use self::auth::{AccessControl, ConnectVerdict};
use self::monitor::{BrokerMonitor, ClientInfo, LogLevel, Rates};

/// The port MQTT brokers conventionally listen on.
pub const STANDARD_MQTT_PORT: u16 = 1883;

/// `max_connections` meaning "no limit" (mosquitto's -1).
pub const UNLIMITED_CONNECTIONS: usize = 1_000_000;

/// How long `start` waits for the broker thread to report readiness.
const READY_TIMEOUT: Duration = Duration::from_secs(10);

/// Requests from the app waiting for the broker.
const CONTROL_QUEUE: usize = 64;

/// Longest a stopping broker spends writing its persistence snapshot.
const SAVE_TIMEOUT: Duration = Duration::from_secs(30);

/// How often the client list and rates are sampled for the app.
const SAMPLE_INTERVAL: Duration = Duration::from_secs(1);

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
    /// MQTT over TLS, when set.
    pub tls: Option<TlsListener>,
    /// Largest packet accepted (the MQTT maximum by default).
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
}

impl Default for BrokerConfig {
    fn default() -> Self {
        Self {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: STANDARD_MQTT_PORT,
            fall_back_to_free_port: true,
            websocket_port: None,
            tls: None,
            max_packet_size: crate::profile::DEFAULT_MAX_PACKET_SIZE,
            max_connections: 10_000,
            sys_interval: Duration::from_secs(10),
            access: AccessControl::default(),
            persistence: None,
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
    pub fn validate(&self) -> Result<(), String> {
        let mut ports = vec![("TCP", self.port)];
        ports.extend(self.websocket_port.map(|port| ("WebSocket", port)));
        ports.extend(self.tls.as_ref().map(|tls| ("TLS", tls.port)));
        for (index, (kind, port)) in ports.iter().enumerate() {
            if let Some((other, _)) = ports[..index].iter().find(|(_, used)| *used == *port && *port != 0) {
                return Err(format!("the {kind} port {port} is already the {other} port"));
            }
        }
        if self.max_packet_size < 128 {
            return Err(format!("max packet size {} is below 128 bytes", self.max_packet_size));
        }
        if self.max_connections == 0 {
            return Err("max connections must be at least 1".into());
        }
        if let Some(tls) = &self.tls {
            for (what, path) in [("certificate", &tls.cert_file), ("key", &tls.key_file)] {
                if path.as_os_str().is_empty() {
                    return Err(format!("the TLS listener needs a {what} file"));
                }
            }
        }
        if self.persistence.as_ref().is_some_and(|dir| dir.as_os_str().is_empty()) {
            return Err("persistence needs a data folder".into());
        }
        self.access.validate()
    }
}

/// Why the embedded broker could not start.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BrokerError {
    /// Binding the listening socket failed.
    #[error("cannot listen on {address}: {message}")]
    Bind {
        /// The address that was tried.
        address: SocketAddr,
        /// The OS error.
        message: String,
    },
    /// The settings cannot work (e.g. a missing TLS key file).
    #[error("{0}")]
    Config(String),
    /// The broker's runtime or context could not be created.
    #[error("broker failed to start: {0}")]
    Startup(String),
    /// The broker thread never reported readiness.
    #[error("broker did not become ready within {} s", READY_TIMEOUT.as_secs())]
    NotReady,
}

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

/// What the app asks of a running broker.
#[derive(Debug)]
enum Control {
    Disconnect(String),
}

/// What the broker thread reports once it is listening.
struct Ready {
    listeners: Vec<Listening>,
}

/// A running embedded broker. Dropping it stops the broker.
#[derive(Debug)]
pub struct EmbeddedBroker {
    listeners: Vec<Listening>,
    requested_port: u16,
    monitor: BrokerMonitor,
    control: mpsc::Sender<Control>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl EmbeddedBroker {
    /// Starts the broker and returns once it is listening (or why it cannot).
    pub fn start(config: BrokerConfig) -> Result<Self, BrokerError> {
        config.validate().map_err(BrokerError::Config)?;
        let (ready_tx, ready_rx) = std_mpsc::sync_channel::<Result<Ready, BrokerError>>(1);
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let (control_tx, control_rx) = mpsc::channel(CONTROL_QUEUE);
        let monitor = BrokerMonitor::default();
        let requested_port = config.port;
        let thread_monitor = monitor.clone();
        let thread = std::thread::Builder::new()
            .name("topicscope-broker".into())
            .spawn(move || run_broker_thread(config, thread_monitor, ready_tx, stop_rx, control_rx))
            .map_err(|error| BrokerError::Startup(format!("cannot spawn broker thread: {error}")))?;
        match ready_rx.recv_timeout(READY_TIMEOUT) {
            Ok(Ok(ready)) => Ok(Self {
                listeners: ready.listeners,
                requested_port,
                monitor,
                control: control_tx,
                stop: Some(stop_tx),
                thread: Some(thread),
            }),
            Ok(Err(error)) => {
                let _ = thread.join();
                Err(error)
            }
            Err(_) => Err(BrokerError::NotReady),
        }
    }

    /// The address MQTT clients connect to over TCP.
    pub fn local_addr(&self) -> SocketAddr {
        self.listeners[0].addr
    }

    /// Every listener: TCP first, then WebSocket and TLS when configured.
    pub fn listeners(&self) -> &[Listening] {
        &self.listeners
    }

    /// The port asked for, when a different free port had to be used.
    pub fn fell_back_from(&self) -> Option<u16> {
        let port = self.local_addr().port();
        (self.requested_port != 0 && self.requested_port != port).then_some(self.requested_port)
    }

    /// Log, clients and rates, for the app's broker panel.
    pub fn monitor(&self) -> &BrokerMonitor {
        &self.monitor
    }

    /// Closes a client's connection (its persistent session, if any, stays);
    /// the outcome appears in the broker log.
    pub fn disconnect_client(&self, client_id: &str) {
        let problem = match self.control.try_send(Control::Disconnect(client_id.to_owned())) {
            Ok(()) => return,
            Err(mpsc::error::TrySendError::Full(_)) => "the broker is busy with earlier requests; try again",
            Err(mpsc::error::TrySendError::Closed(_)) => "the broker has stopped",
        };
        self.monitor.log(LogLevel::Warning, format!("cannot disconnect {client_id}: {problem}"));
    }

    /// Stops the broker, closing every client connection, and waits for its thread.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for EmbeddedBroker {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn run_broker_thread(
    config: BrokerConfig,
    monitor: BrokerMonitor,
    ready: std_mpsc::SyncSender<Result<Ready, BrokerError>>,
    stop: oneshot::Receiver<()>,
    control: mpsc::Receiver<Control>,
) {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("topicscope-broker-rt")
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            let _ = ready.send(Err(BrokerError::Startup(format!("cannot create runtime: {error}"))));
            return;
        }
    };
    runtime.block_on(async move {
        let counters = Arc::new(MessageCounters::default());
        let (server, scx) = match build_server(&config, &monitor, &counters).await {
            Ok((server, listeners, scx)) => {
                let addresses: Vec<String> =
                    listeners.iter().map(|l| format!("{}://{}", l.kind.scheme(), l.addr)).collect();
                monitor.log(LogLevel::Info, format!("listening on {}", addresses.join(", ")));
                let _ = ready.send(Ok(Ready { listeners }));
                (server, scx)
            }
            Err(error) => {
                monitor.log(LogLevel::Error, error.to_string());
                let _ = ready.send(Err(error));
                return;
            }
        };
        let sys_interval = config.sys_interval;
        tokio::select! {
            () = publish_sys_topics(scx.clone(), counters.clone(), sys_interval), if !sys_interval.is_zero() => {}
            () = sample_clients(scx.clone(), counters, monitor.clone()) => {}
            () = serve_control(scx.clone(), control, monitor.clone()) => {}
            result = server.run() => {
                if let Err(error) = result {
                    monitor.log(LogLevel::Error, format!("stopped: {error}"));
                }
            }
            _ = stop => {}
        }
        if let Some(dir) = &config.persistence {
            match tokio::time::timeout(SAVE_TIMEOUT, persist::save(&scx, dir)).await {
                Ok(Ok(saved)) => monitor.log(
                    LogLevel::Info,
                    format!(
                        "saved {} retained messages and {} persistent sessions ({} queued messages) to {}",
                        saved.retained,
                        saved.sessions,
                        saved.messages,
                        dir.display()
                    ),
                ),
                Ok(Err(error)) => monitor.log(LogLevel::Error, format!("persistence: {error}")),
                Err(_) => {
                    monitor.log(LogLevel::Error, "persistence: saving took too long; the previous snapshot stays")
                }
            }
        }
        monitor.log(LogLevel::Info, "stopped");
    });
    // Dropping the runtime cancels every connection task; give them a moment.
    runtime.shutdown_timeout(Duration::from_secs(2));
}

async fn build_server(
    config: &BrokerConfig,
    monitor: &BrokerMonitor,
    counters: &Arc<MessageCounters>,
) -> Result<(rmqtt::server::MqttServer, Vec<Listening>, rmqtt::context::ServerContext), BrokerError> {
    if let Some(dir) = &config.persistence {
        std::fs::create_dir_all(dir)
            .map_err(|error| BrokerError::Config(format!("cannot create data folder {}: {error}", dir.display())))?;
    }
    let scx =
        rmqtt::context::ServerContext::new().plugins_config_map_add("rmqtt-retainer", RETAINER_CONFIG).build().await;
    rmqtt_retainer::register(&scx, true, false)
        .await
        .map_err(|error| BrokerError::Startup(format!("retained-message store: {error}")))?;
    *scx.extends.shared_subscription_mut().await = Box::new(RoundRobinSharedSubscription::default());
    register_hooks(&scx, config, monitor, counters).await;

    let mut listeners = Vec::new();
    let mut server = rmqtt::server::MqttServer::new(scx.clone());
    let tcp = bind_listener(config)?;
    let addr = tcp.local_addr().map_err(|error| BrokerError::Startup(format!("cannot read bound address: {error}")))?;
    listeners.push(Listening { kind: ListenerKind::Mqtt, addr });
    server = server.listener_by_id(tcp.tcp().map_err(|error| BrokerError::Startup(error.to_string()))?, 1);
    if let Some(port) = config.websocket_port {
        let address = SocketAddr::new(config.bind, port);
        let ws =
            listener_builder(config, address, "topicscope/ws").bind().map_err(|error| bind_error(address, error))?;
        let addr = ws.local_addr().map_err(|error| BrokerError::Startup(error.to_string()))?;
        listeners.push(Listening { kind: ListenerKind::WebSocket, addr });
        server = server.listener_by_id(ws.ws().map_err(|error| BrokerError::Startup(error.to_string()))?, 2);
    }
    if let Some(tls) = &config.tls {
        for (what, path) in [("certificate", &tls.cert_file), ("key", &tls.key_file)] {
            if !path.is_file() {
                return Err(BrokerError::Config(format!("TLS {what} file {} does not exist", path.display())));
            }
        }
        let address = SocketAddr::new(config.bind, tls.port);
        let secure = listener_builder(config, address, "topicscope/tls")
            .tls_cert(Some(tls.cert_file.display().to_string()))
            .tls_key(Some(tls.key_file.display().to_string()))
            .bind()
            .map_err(|error| bind_error(address, error))?;
        let addr = secure.local_addr().map_err(|error| BrokerError::Startup(error.to_string()))?;
        let secure = secure.tls().map_err(|error| BrokerError::Config(format!("TLS listener on {addr}: {error:#}")))?;
        listeners.push(Listening { kind: ListenerKind::Tls, addr });
        server = server.listener_by_id(secure, 3);
    }
    if let Some(dir) = &config.persistence {
        let restored = persist::load(&scx, dir).await.map_err(BrokerError::Config)?;
        monitor.log(
            LogLevel::Info,
            format!(
                "restored {} retained messages and {} persistent sessions ({} queued messages) from {}",
                restored.retained,
                restored.sessions,
                restored.messages,
                dir.display()
            ),
        );
    }
    Ok((server.build(), listeners, scx))
}

fn bind_error(address: SocketAddr, error: impl std::fmt::Display) -> BrokerError {
    BrokerError::Bind { address, message: error.to_string() }
}

/// Logs connects, disconnects and refusals; counts messages; enforces
/// passwords and the ACL when configured.
async fn register_hooks(
    scx: &rmqtt::context::ServerContext,
    config: &BrokerConfig,
    monitor: &BrokerMonitor,
    counters: &Arc<MessageCounters>,
) {
    use rmqtt::hook::Type;
    let hooks = scx.extends.hook_mgr().register();
    let access = Arc::new(config.access.clone());
    let connected = Arc::new(AtomicUsize::new(0));
    let handler = || {
        Box::new(BrokerHooks {
            access: access.clone(),
            monitor: monitor.clone(),
            counters: counters.clone(),
            connected: connected.clone(),
            max_connections: config.max_connections,
        })
    };
    let mut types = vec![
        Type::MessagePublish,
        Type::MessageDelivered,
        Type::ClientAuthenticate,
        Type::ClientConnected,
        Type::ClientDisconnected,
    ];
    // Only pay for the checks that are configured.
    if config.access.acl.is_some() {
        types.extend([Type::ClientSubscribeCheckAcl, Type::MessagePublishCheckAcl, Type::MessageExpiryCheck]);
    }
    for kind in types {
        hooks.add(kind, handler()).await;
    }
    hooks.start().await;
}

/// The broker's hook handler (one instance per hook type).
struct BrokerHooks {
    access: Arc<AccessControl>,
    monitor: BrokerMonitor,
    counters: Arc<MessageCounters>,
    /// Clients connected now (rmqtt's own max_connections only bounds a
    /// handshake queue, so the limit is enforced here).
    connected: Arc<AtomicUsize>,
    max_connections: usize,
}

fn protocol_label(level: u8) -> &'static str {
    match level {
        3 => "3.1",
        4 => "3.1.1",
        _ => "5.0",
    }
}

#[async_trait::async_trait]
impl rmqtt::hook::Handler for BrokerHooks {
    async fn hook(
        &self,
        param: &rmqtt::hook::Parameter,
        acc: Option<rmqtt::hook::HookResult>,
    ) -> rmqtt::hook::ReturnType {
        use rmqtt::hook::{HookResult, Parameter};
        use rmqtt::types::{AuthResult, PublishAclResult, SubscribeAclResult};
        match param {
            // From a client (system publishes such as $SYS have no session).
            Parameter::MessagePublish(Some(_), _, publish) => {
                self.counters.received.fetch_add(1, Ordering::Relaxed);
                self.counters.bytes_received.fetch_add(publish.payload.len(), Ordering::Relaxed);
            }
            Parameter::MessageDelivered(_, _, publish) => {
                self.counters.sent.fetch_add(1, Ordering::Relaxed);
                self.counters.bytes_sent.fetch_add(publish.payload.len(), Ordering::Relaxed);
            }
            Parameter::ClientAuthenticate(info) => {
                let user = info.username().map(|name| name.as_ref());
                let from = info.ipaddress().map_or_else(String::new, |addr| format!(" from {addr}"));
                if self.connected.load(Ordering::Relaxed) >= self.max_connections {
                    self.monitor.log(
                        LogLevel::Warning,
                        format!(
                            "refused {}{from}: the limit of {} connections is reached",
                            info.id().client_id,
                            self.max_connections
                        ),
                    );
                    return (false, Some(HookResult::AuthResult(AuthResult::NotAuthorized)));
                }
                let verdict = self.access.check_connect(user, info.password().map(|p| p.as_ref()));
                let result = match verdict {
                    ConnectVerdict::Accept => AuthResult::Allow(false, None),
                    ConnectVerdict::BadCredentials => AuthResult::BadUsernameOrPassword,
                    ConnectVerdict::NotAuthorized => AuthResult::NotAuthorized,
                };
                if verdict != ConnectVerdict::Accept {
                    let why = match (verdict, user) {
                        (ConnectVerdict::NotAuthorized, _) => "anonymous clients are not allowed".to_owned(),
                        (_, Some(name)) => format!("bad user name or password (user {name})"),
                        (_, None) => "bad user name or password".to_owned(),
                    };
                    self.monitor.log(LogLevel::Warning, format!("refused {}{from}: {why}", info.id().client_id));
                }
                return (false, Some(HookResult::AuthResult(result)));
            }
            Parameter::ClientConnected(session) => {
                self.connected.fetch_add(1, Ordering::Relaxed);
                let details = match session.connect_info().await {
                    Ok(info) => format!(
                        " (MQTT {}, keep-alive {} s{}{})",
                        protocol_label(info.proto_ver()),
                        info.keep_alive(),
                        if info.clean_start() { ", clean start" } else { ", persistent session" },
                        info.username().map_or_else(String::new, |name| format!(", user {name}")),
                    ),
                    Err(_) => String::new(),
                };
                let from = session.id.remote_addr.map_or_else(String::new, |addr| format!(" from {addr}"));
                self.monitor.log(LogLevel::Info, format!("{} connected{from}{details}", session.id.client_id));
            }
            Parameter::ClientDisconnected(session, reason) => {
                let _ = self.connected.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1));
                let (level, text) = describe_disconnect(reason);
                self.monitor.log(level, format!("{} {text}", session.id.client_id));
            }
            Parameter::ClientSubscribeCheckAcl(session, subscribe) => {
                let user = session.id.username.as_ref().map(|name| name.as_ref());
                if let Some(acl) = &self.access.acl {
                    let filter: &str = subscribe.topic_filter.as_ref();
                    if acl.allows_subscription(user, &session.id.client_id, filter) {
                        let granted = SubscribeAclResult::new_success(subscribe.opts.qos(), None);
                        return (false, Some(HookResult::SubscribeAclResult(granted)));
                    }
                    self.monitor.log(
                        LogLevel::Warning,
                        format!("{}: subscription to {filter} refused by the ACL", session.id.client_id),
                    );
                    let refused = SubscribeAclResult::new_failure(rmqtt::codec::v5::SubscribeAckReason::NotAuthorized);
                    return (false, Some(HookResult::SubscribeAclResult(refused)));
                }
            }
            Parameter::MessagePublishCheckAcl(session, publish) => {
                let user = session.id.username.as_ref().map(|name| name.as_ref());
                if let Some(acl) = &self.access.acl {
                    let topic: &str = publish.topic.as_ref();
                    if acl.allows(user, &session.id.client_id, topic, auth::Access::Write) {
                        return (false, Some(HookResult::PublishAclResult(PublishAclResult::allow())));
                    }
                    self.monitor.log(
                        LogLevel::Warning,
                        format!("{}: publish to {topic} refused by the ACL", session.id.client_id),
                    );
                    let refused = PublishAclResult::rejected(false, Some("not authorised by the ACL".into()));
                    return (false, Some(HookResult::PublishAclResult(refused)));
                }
            }
            // Delivery: withhold what the receiver may not read (mosquitto's read check).
            Parameter::MessageExpiryCheck(session, _, publish) => {
                let user = session.id.username.as_ref().map(|name| name.as_ref());
                if let Some(acl) = &self.access.acl
                    && !acl.allows(user, &session.id.client_id, publish.topic.as_ref(), auth::Access::Read)
                {
                    return (false, Some(HookResult::MessageExpiry));
                }
            }
            _ => {}
        }
        (true, acc)
    }
}

/// How a disconnect reads in the broker log; rmqtt often reports several
/// reasons at once (e.g. DISCONNECT then the socket closing).
fn describe_disconnect(reason: &rmqtt::types::Reason) -> (LogLevel, String) {
    use rmqtt::types::Reason;
    fn flatten<'a>(reason: &'a Reason, into: &mut Vec<&'a Reason>) {
        match reason {
            Reason::Reasons(many) => many.iter().for_each(|one| flatten(one, into)),
            one => into.push(one),
        }
    }
    let mut reasons = Vec::new();
    flatten(reason, &mut reasons);
    if reasons.iter().any(|one| matches!(one, Reason::ConnectKicked(true))) {
        (LogLevel::Info, "disconnected from the broker panel".to_owned())
    } else if reasons.iter().any(|one| matches!(one, Reason::ConnectKicked(false))) {
        (LogLevel::Info, "taken over by a new connection with the same client id".to_owned())
    } else if reasons.iter().any(|one| matches!(one, Reason::ConnectDisconnect(_))) {
        (LogLevel::Info, "disconnected".to_owned())
    } else {
        (LogLevel::Warning, format!("connection lost: {reason}"))
    }
}

/// Samples sessions and rates into the monitor every [`SAMPLE_INTERVAL`].
async fn sample_clients(scx: rmqtt::context::ServerContext, counters: Arc<MessageCounters>, monitor: BrokerMonitor) {
    let mut ticker = tokio::time::interval(SAMPLE_INTERVAL);
    let mut previous = (0_usize, 0_usize, 0_usize, 0_usize, std::time::Instant::now());
    loop {
        ticker.tick().await;
        let shared = scx.extends.shared().await;
        let mut clients = Vec::new();
        let mut session_count = 0;
        for entry in shared.iter() {
            let Some(session) = entry.session() else { continue };
            session_count += 1;
            if clients.len() >= monitor::MAX_LISTED_CLIENTS {
                continue;
            }
            let info = session.connect_info().await.ok();
            let subscriptions = match session.subscriptions().await {
                Ok(subscriptions) => subscriptions.len().await,
                Err(_) => 0,
            };
            clients.push(ClientInfo {
                client_id: session.id.client_id.to_string(),
                address: session.id.remote_addr,
                user: session.id.username.as_ref().map(|name| name.to_string()),
                protocol: info.as_ref().map_or("?", |info| protocol_label(info.proto_ver())),
                keep_alive: info.as_ref().map_or(0, |info| info.keep_alive()),
                clean_start: info.as_ref().is_none_or(|info| info.clean_start()),
                subscriptions,
                inflight: session.out_inflight().read().await.len(),
                queued: session.deliver_queue().len(),
                connected: entry.is_connected().await,
            });
        }
        drop(shared);
        let now = std::time::Instant::now();
        let (received, sent) = counters.messages();
        let bytes_in = counters.bytes_received.load(Ordering::Relaxed);
        let bytes_out = counters.bytes_sent.load(Ordering::Relaxed);
        let seconds = now.duration_since(previous.4).as_secs_f64().max(0.001);
        let rate = |now: usize, before: usize| now.saturating_sub(before) as f64 / seconds;
        let rates = Rates {
            messages_in: rate(received, previous.0),
            messages_out: rate(sent, previous.1),
            bytes_in: rate(bytes_in, previous.2),
            bytes_out: rate(bytes_out, previous.3),
            total_in: received as u64,
            total_out: sent as u64,
        };
        previous = (received, sent, bytes_in, bytes_out, now);
        monitor.update(clients, session_count, rates);
    }
}

/// Carries out the app's requests (disconnect a client).
async fn serve_control(
    scx: rmqtt::context::ServerContext,
    mut control: mpsc::Receiver<Control>,
    monitor: BrokerMonitor,
) {
    while let Some(request) = control.recv().await {
        match request {
            Control::Disconnect(client_id) => {
                let shared = scx.extends.shared().await;
                let entry = shared.iter().find(|entry| &*entry.id().client_id == client_id.as_str());
                let Some(entry) = entry else {
                    monitor.log(LogLevel::Warning, format!("cannot disconnect {client_id}: no such client"));
                    continue;
                };
                let Some(tx) = entry.tx() else {
                    monitor.log(LogLevel::Warning, format!("cannot disconnect {client_id}: it is not connected"));
                    continue;
                };
                let (done, acknowledged) = oneshot::channel();
                // An administrative kick: the connection closes, a persistent session stays.
                let kick = rmqtt::types::Message::Kick(done, entry.id(), false, true);
                drop(shared);
                let sent = tx.unbounded_send(kick).is_ok();
                if !sent || tokio::time::timeout(Duration::from_secs(5), acknowledged).await.is_err() {
                    monitor.log(LogLevel::Warning, format!("cannot disconnect {client_id}: it is not connected"));
                }
            }
        }
    }
    // The sender lives as long as the EmbeddedBroker; never finish the select early.
    std::future::pending::<()>().await;
}

/// Publishes mosquitto-style `$SYS/broker/...` status topics, retained, every
/// `interval`, so `$SYS/#` subscribers (and topicscope's broker status panel)
/// see the embedded broker the way they see mosquitto.
async fn publish_sys_topics(scx: rmqtt::context::ServerContext, counters: Arc<MessageCounters>, interval: Duration) {
    let started = std::time::Instant::now();
    let publisher = rmqtt::types::Id::new(scx.node.id(), 0, None, None, "$SYS".into(), None);
    let version = format!("topicscope {} (rmqtt embedded broker)", env!("CARGO_PKG_VERSION"));
    let mut ticker = tokio::time::interval(interval);
    // The previous sample of (received, sent, when), for per-minute rates.
    let mut previous: Option<(usize, usize, std::time::Instant)> = None;
    loop {
        ticker.tick().await;
        let stats = scx.stats.clone(&scx).await;
        let (received, sent) = counters.messages();
        let now = std::time::Instant::now();
        let per_minute = |count: usize, before: usize, since: std::time::Instant| {
            let seconds = now.duration_since(since).as_secs_f64().max(0.001);
            format!("{:.2}", count.saturating_sub(before) as f64 * 60.0 / seconds)
        };
        let (received_rate, sent_rate) = match previous {
            Some((before_received, before_sent, since)) => {
                (per_minute(received, before_received, since), per_minute(sent, before_sent, since))
            }
            None => ("0.00".to_owned(), "0.00".to_owned()),
        };
        previous = Some((received, sent, now));
        let values = [
            ("$SYS/broker/version", version.clone()),
            ("$SYS/broker/uptime", format!("{} seconds", started.elapsed().as_secs())),
            ("$SYS/broker/clients/connected", stats.connections.count().to_string()),
            ("$SYS/broker/clients/total", stats.sessions.count().to_string()),
            ("$SYS/broker/subscriptions/count", stats.subscriptions.count().to_string()),
            ("$SYS/broker/retained messages/count", stats.retaineds.count().to_string()),
            ("$SYS/broker/messages/received", received.to_string()),
            ("$SYS/broker/messages/sent", sent.to_string()),
            ("$SYS/broker/bytes/received", counters.bytes_received.load(Ordering::Relaxed).to_string()),
            ("$SYS/broker/bytes/sent", counters.bytes_sent.load(Ordering::Relaxed).to_string()),
            ("$SYS/broker/load/messages/received/1min", received_rate),
            ("$SYS/broker/load/messages/sent/1min", sent_rate),
        ];
        for (topic, value) in values {
            let packet = rmqtt::types::CodecPublish {
                dup: false,
                retain: true,
                qos: rmqtt::types::QoS::AtMostOnce,
                topic: topic.into(),
                packet_id: None,
                payload: value.into(),
                properties: None,
            };
            let publish =
                rmqtt::types::Publish::new(Box::new(packet), None, None, Some(chrono::Utc::now().timestamp_millis()));
            let from = rmqtt::types::From::from_system(publisher.clone());
            let retain = rmqtt::types::Retain { msg_id: None, from: from.clone(), publish: publish.clone() };
            if let Err(error) = scx.extends.retain().await.set(&topic.into(), retain, None).await {
                tracing::debug!("$SYS value not retained: {error}");
            }
            if let Err((_, failures)) = scx.extends.shared().await.forwards(None, from, publish).await {
                tracing::debug!("$SYS value not delivered to {} subscribers", failures.len());
            }
        }
    }
}

/// Messages (and their payload bytes) received from clients and sent to
/// them, as mosquitto's `$SYS/broker/messages/...` and `bytes/...` count them.
#[derive(Debug, Default)]
struct MessageCounters {
    received: AtomicUsize,
    sent: AtomicUsize,
    bytes_received: AtomicUsize,
    bytes_sent: AtomicUsize,
}

impl MessageCounters {
    fn messages(&self) -> (usize, usize) {
        (self.received.load(Ordering::Relaxed), self.sent.load(Ordering::Relaxed))
    }
}

/// `$share/{group}/{filter}`: each message goes to one member of the
/// group, taking online members in turn (rmqtt's built-in strategy reports
/// shared subscriptions as unsupported, so without this they get nothing).
#[derive(Debug, Default)]
struct RoundRobinSharedSubscription {
    next: AtomicUsize,
}

#[async_trait::async_trait]
impl rmqtt::subscribe::SharedSubscription for RoundRobinSharedSubscription {
    fn is_supported(&self) -> bool {
        true
    }

    async fn choice(
        &self,
        _scx: &rmqtt::context::ServerContext,
        _group: &rmqtt::types::SharedGroup,
        _publisher: &rmqtt::types::Id,
        _topic: &rmqtt::types::TopicName,
        members: &[(
            rmqtt::types::NodeId,
            rmqtt::types::ClientId,
            rmqtt::types::SubscriptionOptions,
            Option<Vec<rmqtt::types::SubscriptionIdentifier>>,
            Option<rmqtt::types::IsOnline>,
        )],
    ) -> Option<(usize, rmqtt::types::IsOnline)> {
        if members.is_empty() {
            return None;
        }
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        let online = (0..members.len())
            .map(|offset| (start + offset) % members.len())
            .find(|index| members[*index].4.unwrap_or(true));
        // Nobody online: queue for one of them (a persistent session gets it later).
        Some(online.map_or((start % members.len(), false), |index| (index, true)))
    }
}

/// Retained messages in RAM, no count limit, payloads up to the MQTT
/// maximum, and no TTL (a retained message lives until cleared).
const RETAINER_CONFIG: &str = r#"
storage.type = "ram"
max_retained_messages = 0
max_payload_size = "256MB"
retained_message_ttl = "0s"
"#;

fn bind_listener(config: &BrokerConfig) -> Result<rmqtt::net::Listener, BrokerError> {
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

fn listener_builder(config: &BrokerConfig, address: SocketAddr, name: &str) -> rmqtt::net::Builder {
    let max_inflight = NonZeroU16::new(u16::MAX).unwrap_or(NonZeroU16::MIN);
    rmqtt::net::Builder::new()
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
        .allow_zero_keepalive(true)
        .max_inflight(max_inflight)
        .max_mqueue_len(100_000)
        .max_clientid_len(65_535)
        .max_topic_levels(0)
        .message_expiry_interval(Duration::ZERO)
        .max_subscriptions(0)
}
