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
pub mod bridge;
mod config;
mod durable;
mod hooks;
pub mod limits;
mod listeners;
pub mod monitor;
pub mod persist;
pub mod settings;
mod shared_subscriptions;
mod sys;

pub use config::{BrokerConfig, BrokerConfigError, STANDARD_MQTT_PORT, TlsListener, UNLIMITED_CONNECTIONS};
pub use durable::JOURNAL_FILE;
pub use listeners::{ListenerKind, Listening};

use std::net::SocketAddr;
use std::sync::Arc;

use std::sync::mpsc as std_mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use thiserror::Error;
use tokio::sync::{mpsc, oneshot};

use self::hooks::{MessageCounters, register_hooks};
use self::listeners::{bind_error, bind_listener, listener_builder};
use self::monitor::{BrokerMonitor, LogLevel};
use self::shared_subscriptions::RoundRobinSharedSubscription;
use self::sys::{publish_sys_topics, sample_clients};

/// How long `start` waits for the broker thread to report readiness.
const READY_TIMEOUT: Duration = Duration::from_secs(10);

/// Requests from the app waiting for the broker.
const CONTROL_QUEUE: usize = 64;

/// Longest a stopping broker spends writing its persistence snapshot.
const SAVE_TIMEOUT: Duration = Duration::from_secs(30);

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
    /// The settings cannot work (checked before binding).
    #[error(transparent)]
    Config(#[from] BrokerConfigError),
    /// A file the settings name cannot be used (a missing TLS key file,
    /// a data folder that cannot be created).
    #[error("{0}")]
    Files(String),
    /// The broker's runtime or context could not be created.
    #[error("broker failed to start: {0}")]
    Startup(String),
    /// The broker thread never reported readiness.
    #[error("broker did not become ready within {} s", READY_TIMEOUT.as_secs())]
    NotReady,
    /// What the broker kept from its last run could not be put back.
    #[error(transparent)]
    Persistence(#[from] persist::PersistError),
}

impl BrokerError {
    /// True when the data folder's saved state is damaged: starting again
    /// with `discard_damaged_state` moves it aside and starts empty.
    pub fn is_damaged_store(&self) -> bool {
        matches!(self, Self::Persistence(persist::PersistError::Damaged { .. }))
    }
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
        config.validate()?;
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
        let durable = Arc::new(std::sync::OnceLock::new());
        let (server, scx) = match build_server(&config, &monitor, &counters, &durable).await {
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
            let last_seq = match durable.get() {
                Some(durable) => {
                    durable.stop().await;
                    durable.seq().await
                }
                None => 0,
            };
            match tokio::time::timeout(SAVE_TIMEOUT, persist::save(&scx, dir, last_seq)).await {
                Ok(Ok(saved)) => {
                    monitor.log(
                        LogLevel::Info,
                        format!(
                            "saved {} retained messages and {} persistent sessions ({} queued messages) to {}",
                            saved.retained,
                            saved.sessions,
                            saved.messages,
                            dir.display()
                        ),
                    );
                    if let Err(error) = durable::after_final_save(dir) {
                        monitor.log(LogLevel::Error, format!("persistence: {error}"));
                    }
                }
                Ok(Err(error)) => {
                    monitor.log(LogLevel::Error, format!("persistence: {error}; the journal keeps what was saved"))
                }
                Err(_) => monitor.log(
                    LogLevel::Error,
                    "persistence: saving took too long; the previous snapshot and the journal stay",
                ),
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
    durable: &Arc<std::sync::OnceLock<durable::Durable>>,
) -> Result<(rmqtt::server::MqttServer, Vec<Listening>, rmqtt::context::ServerContext), BrokerError> {
    if let Some(dir) = &config.persistence {
        std::fs::create_dir_all(dir)
            .map_err(|error| BrokerError::Files(format!("cannot create data folder {}: {error}", dir.display())))?;
    }
    let scx = rmqtt::context::ServerContext::new()
        .plugins_config_map_add("rmqtt-retainer", RETAINER_CONFIG)
        .deliveries(counters.delivered.clone())
        .build()
        .await;
    rmqtt_retainer::register(&scx, true, false)
        .await
        .map_err(|error| BrokerError::Startup(format!("retained-message store: {error}")))?;
    *scx.extends.shared_subscription_mut().await = Box::new(RoundRobinSharedSubscription::default());
    let bridges = bridge::start(&config.bridges, &scx, monitor, durable, &Arc::new(config.access.clone()));
    register_hooks(&scx, config, monitor, counters, durable, bridges).await;

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
                return Err(BrokerError::Files(format!("TLS {what} file {} does not exist", path.display())));
            }
        }
        let address = SocketAddr::new(config.bind, tls.port);
        let secure = listener_builder(config, address, "topicscope/tls")
            .tls_cert(Some(tls.cert_file.display().to_string()))
            .tls_key(Some(tls.key_file.display().to_string()))
            .bind()
            .map_err(|error| bind_error(address, error))?;
        let addr = secure.local_addr().map_err(|error| BrokerError::Startup(error.to_string()))?;
        let secure = secure.tls().map_err(|error| BrokerError::Files(format!("TLS listener on {addr}: {error:#}")))?;
        listeners.push(Listening { kind: ListenerKind::Tls, addr });
        server = server.listener_by_id(secure, 3);
    }
    if let Some(dir) = &config.persistence {
        let max_pending = config.limits.max_queued_messages.saturating_add(usize::from(config.limits.max_inflight));
        let (opened, restored, recovered) =
            durable::open(&scx, dir, config.discard_damaged_state, max_pending, monitor).await?;
        let _ = durable.set(opened);
        // The retained limits count what was restored.
        if let Ok(kept) = scx.extends.retain().await.get(&"#".into()).await {
            for (topic, retained) in kept {
                counters.retained.seed(&topic, retained.publish.payload.len());
            }
        }
        let journal = match recovered {
            durable::Recovered { replayed: 0, torn_bytes: 0 } => String::new(),
            durable::Recovered { replayed, torn_bytes: 0 } => {
                format!(" (the last run ended without stopping: {replayed} changes recovered from the journal)")
            }
            durable::Recovered { replayed, torn_bytes } => format!(
                " (the last run ended without stopping: {replayed} changes recovered from the journal, \
                 {torn_bytes} bytes of a write it did not finish dropped)"
            ),
        };
        monitor.log(
            LogLevel::Info,
            format!(
                "restored {} retained messages and {} persistent sessions ({} queued messages) from {}{journal}",
                restored.retained,
                restored.sessions,
                restored.messages,
                dir.display()
            ),
        );
    }
    Ok((server.build(), listeners, scx))
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

/// Retained messages in RAM, no count limit, payloads up to the MQTT
/// maximum, and no TTL (a retained message lives until cleared).
const RETAINER_CONFIG: &str = r#"
storage.type = "ram"
max_retained_messages = 0
max_payload_size = "256MB"
retained_message_ttl = "0s"
"#;
