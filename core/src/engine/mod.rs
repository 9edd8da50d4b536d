//! The network engine: a Tokio runtime on its own named thread.
//!
//! The UI hands it [`Command`]s with `try_send` (never blocking) and drains
//! [`Event`]s with `try_recv`; the engine wakes the UI through an injected
//! callback so the core never depends on the UI toolkit. Each connection is a task
//! owning its state machine, back-off and resubscription.

pub mod adapter;
mod bookkeeping;
pub mod connack_details;
mod connection;
pub mod failure;
pub mod mocks;
mod queued_bytes;
pub mod repeat;
pub mod replay_job;
pub mod socks;
pub(crate) mod tls;
pub mod tls_key_log;
mod wire_tap;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use bytes::Bytes;
use chrono::{DateTime, Utc};
use thiserror::Error;
use tokio::sync::mpsc;

pub use adapter::SubscribeOutcome;
pub use failure::ConnectionFailure;
pub use queued_bytes::QUEUED_BYTES_LIMIT;
use queued_bytes::QueuedBytes;

use self::connection::ConnectionCommand;
use crate::broker::monitor::BrokerMonitor;
use crate::broker::{BrokerConfig, EmbeddedBroker, Listening};
use crate::ids::{ConnectionId, PublishId, RepeatJobId, SubscriptionId};
use crate::mqtt::{IncomingMessage, MessageProperties, Qos, SubscribeOptions};
use crate::profile::ConnectionProfile;

/// Commands the UI may queue before `send` reports the engine as busy.
pub const COMMAND_QUEUE_CAPACITY: usize = 1024;
/// Event batches buffered towards the UI before the engine waits for it.
pub const EVENT_QUEUE_CAPACITY: usize = 1024;
/// Most messages in one [`ConnectionEvent::Messages`] batch.
pub const MAX_MESSAGES_PER_BATCH: usize = 2048;
/// Longest a received message waits in a batch before it is handed over.
pub const BATCH_WINDOW: Duration = Duration::from_millis(15);

/// Wakes the UI when events are waiting (wired to `request_repaint_after`).
pub type Waker = Arc<dyn Fn() + Send + Sync>;

/// One subscription as the engine needs it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SubscriptionSpec {
    /// Stable id chosen by the caller.
    pub id: SubscriptionId,
    /// Topic filter (already validated).
    pub filter: String,
    /// Requested maximum QoS.
    pub qos: Qos,
    /// MQTT 5 options.
    pub options: SubscribeOptions,
}

/// A message to publish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishRequest {
    /// Caller's id, echoed in the delivery events.
    pub id: PublishId,
    /// Topic name (already validated).
    pub topic: String,
    /// Payload bytes.
    pub payload: Bytes,
    /// QoS to publish with.
    pub qos: Qos,
    /// Retain flag.
    pub retain: bool,
    /// MQTT 5 publish properties (ignored on 3.1.1 connections).
    pub properties: Option<Box<MessageProperties>>,
}

/// What the UI asks the engine to do.
#[derive(Debug, Clone)]
pub enum Command {
    /// Open a connection; `subscriptions` are (re)subscribed on every CONNACK.
    Connect {
        /// A fresh id per connect.
        connection: ConnectionId,
        /// Where and how to connect.
        profile: Box<ConnectionProfile>,
        /// Subscriptions to make once connected.
        subscriptions: Vec<SubscriptionSpec>,
    },
    /// Close a connection cleanly (DISCONNECT) and stop reconnecting.
    Disconnect {
        /// Which connection.
        connection: ConnectionId,
    },
    /// Add a subscription (sent now if connected, else on connect).
    Subscribe {
        /// Which connection.
        connection: ConnectionId,
        /// What to subscribe to.
        subscription: SubscriptionSpec,
    },
    /// Remove a subscription.
    Unsubscribe {
        /// Which connection.
        connection: ConnectionId,
        /// Which subscription.
        subscription: SubscriptionId,
    },
    /// Unsubscribe from a filter that is not one of this connection's
    /// subscriptions, e.g. one a stored session kept from an earlier
    /// connection (`sub -U`). Answered with `Unsubscribed { subscription, .. }`,
    /// or `SubscriptionFailed` when it could not be sent.
    UnsubscribeFilter {
        /// Which connection.
        connection: ConnectionId,
        /// The caller's id for the answer.
        subscription: SubscriptionId,
        /// The topic filter to unsubscribe from.
        filter: String,
    },
    /// Publish a message.
    Publish {
        /// Which connection.
        connection: ConnectionId,
        /// The message.
        request: PublishRequest,
    },
    /// Publish a draft every N ms, N times or until stopped.
    StartRepeat {
        /// Which connection.
        connection: ConnectionId,
        /// What, how often, how many.
        spec: Box<repeat::RepeatSpec>,
    },
    /// Send a recording on a connection with its timing (a job stopped
    /// with `StopRepeat`, reporting like a repeat job).
    StartReplay {
        /// Which connection.
        connection: ConnectionId,
        /// What, how fast, how many times.
        spec: Box<replay_job::ReplaySpec>,
    },
    /// Stop a repeat or replay job.
    StopRepeat {
        /// Which job.
        job: RepeatJobId,
    },
    /// Put these device mocks in force on a connection (none switches its
    /// mocks off); answered with [`ConnectionEvent::Mock`] reports.
    SetMocks {
        /// Which connection.
        connection: ConnectionId,
        /// The mock files, tried in order.
        mocks: Vec<crate::mock::MockFile>,
    },
    /// Start the embedded broker.
    StartBroker(Box<BrokerConfig>),
    /// Stop the embedded broker.
    StopBroker,
    /// Close one client's connection to the embedded broker.
    DisconnectBrokerClient(String),
}

/// A connection's life, as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectionState {
    /// Not connected and not trying.
    Disconnected,
    /// TCP/TLS + CONNECT in progress.
    Connecting {
        /// 1 for the first attempt.
        attempt: u32,
    },
    /// CONNACK received.
    Connected {
        /// The broker resumed a stored session.
        session_present: bool,
        /// The client id in use (assigned by the broker if ours was empty).
        client_id: String,
    },
    /// Waiting before the next attempt.
    Reconnecting {
        /// The attempt that will be made next.
        attempt: u32,
        /// When it will be made.
        retry_at: Instant,
        /// Why the last attempt or connection failed.
        error: ConnectionFailure,
    },
    /// Given up; the user must change something or connect again.
    Failed(ConnectionFailure),
}

/// The outcome of one publish, as far as the protocol lets us know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryOutcome {
    /// QoS 0: written to the socket; there is no acknowledgement.
    Written,
    /// QoS 1: PUBACK received.
    Acknowledged,
    /// QoS 2: PUBREC received, PUBCOMP pending.
    Received,
    /// QoS 2: PUBCOMP received.
    Completed,
    /// The broker answered with a failure reason (MQTT 5).
    Refused(String),
    /// It never got an answer (not connected, queue full, connection lost).
    Failed(String),
}

/// What happened on one connection.
#[derive(Debug, Clone)]
pub enum ConnectionEvent {
    /// The connection moved to a new state.
    State(ConnectionState),
    /// Messages received since the last batch, each with its arrival time.
    Messages(Vec<(DateTime<Utc>, IncomingMessage)>),
    /// Packets sent and received since the last batch, decoded from the
    /// bytes on the connection (the packet inspector's rows).
    Packets {
        /// In wire order.
        records: Vec<crate::wire::PacketRecord>,
        /// Packets not recorded because the reader fell behind.
        dropped: u64,
    },
    /// SUBACK result for a subscription.
    Subscribed {
        /// Which subscription.
        subscription: SubscriptionId,
        /// Granted QoS or failure.
        outcome: SubscribeOutcome,
    },
    /// The subscription is held by the broker's resumed session (no SUBACK).
    SubscriptionResumed {
        /// Which subscription.
        subscription: SubscriptionId,
    },
    /// The subscription could not be sent.
    SubscriptionFailed {
        /// Which subscription.
        subscription: SubscriptionId,
        /// Why.
        reason: String,
    },
    /// UNSUBACK received.
    Unsubscribed {
        /// Which subscription.
        subscription: SubscriptionId,
        /// MQTT 5: the broker's reason codes (e.g. `0x11 No subscription
        /// existed`); empty on 3.1.1 and when the engine ended it itself.
        reasons: Vec<String>,
    },
    /// What the broker announced in its CONNACK (sent after each
    /// `State(Connected)`).
    ConnAck(Box<connack_details::ConnAckDetails>),
    /// A publish went on the wire (log it as outgoing now).
    PublishSent {
        /// The request's id.
        request: PublishId,
        /// The message as sent.
        message: PublishRequest,
    },
    /// What the connection's device mocks did.
    Mock(mocks::MockReport),
    /// A publish progressed or finished.
    Delivery {
        /// The request's id.
        request: PublishId,
        /// How far it got.
        outcome: DeliveryOutcome,
        /// For acknowledgements: time from writing the PUBLISH to this answer,
        /// measured in the engine (no UI latency included).
        round_trip: Option<Duration>,
    },
}

/// The state of the embedded broker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BrokerState {
    /// Not running.
    Stopped,
    /// Binding its port.
    Starting,
    /// Listening.
    Running {
        /// Where clients connect.
        addr: SocketAddr,
        /// The port that was asked for, if it was taken and another was used.
        fell_back_from: Option<u16>,
        /// Every listener (TCP, then WebSocket and TLS when configured).
        listeners: Vec<Listening>,
        /// Its log, clients and rates.
        monitor: BrokerMonitor,
    },
    /// Could not start.
    Failed(String),
    /// Could not start because the state saved in its data folder is
    /// damaged; it can be started with an empty store (the damaged files
    /// are then moved aside, kept).
    DamagedStore(String),
}

/// Everything the engine tells the UI.
#[derive(Debug, Clone)]
pub enum EventKind {
    /// Something about one connection.
    Connection {
        /// Which connection.
        connection: ConnectionId,
        /// What happened.
        event: ConnectionEvent,
    },
    /// The embedded broker changed state.
    Broker(BrokerState),
    /// A repeat job's progress (a few times a second) or end.
    Repeat(repeat::RepeatReport),
}

/// An engine event with the time it happened.
#[derive(Debug, Clone)]
pub struct Event {
    /// When.
    pub at: DateTime<Utc>,
    /// What.
    pub kind: EventKind,
}

/// Why a command was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SendError {
    /// The command queue is full; the UI counts and shows these.
    #[error("the engine is busy (command queue full); try again")]
    Busy,
    /// The engine thread is gone.
    #[error("the network engine has stopped")]
    Stopped,
}

/// Why the engine could not start.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EngineError {
    /// Thread or runtime creation failed.
    #[error("cannot start the network engine: {0}")]
    Startup(String),
}

/// Sends events to the UI and wakes it.
#[derive(Clone)]
pub(crate) struct EventSink {
    events: mpsc::Sender<Event>,
    waker: Waker,
    queued: Arc<QueuedBytes>,
}

impl EventSink {
    /// Sends one event, waiting if the UI is behind (back-pressure).
    pub(crate) async fn send(&self, kind: EventKind) -> bool {
        self.queued.reserve(&kind).await;
        let delivered = self.events.send(Event { at: Utc::now(), kind }).await.is_ok();
        (self.waker)();
        delivered
    }

    pub(crate) async fn connection(&self, connection: ConnectionId, event: ConnectionEvent) -> bool {
        self.send(EventKind::Connection { connection, event }).await
    }
}

/// The UI's handle on the engine thread. Dropping it stops the engine.
pub struct Engine {
    commands: mpsc::Sender<Command>,
    events: mpsc::Receiver<Event>,
    queued: Arc<QueuedBytes>,
    refused_commands: AtomicU64,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").finish_non_exhaustive()
    }
}

impl Engine {
    /// Starts the engine thread; `waker` is called whenever events are queued.
    pub fn start(waker: Waker) -> Result<Self, EngineError> {
        let (command_tx, command_rx) = mpsc::channel(COMMAND_QUEUE_CAPACITY);
        let (event_tx, event_rx) = mpsc::channel(EVENT_QUEUE_CAPACITY);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("topicscope-engine-rt")
            .enable_all()
            .build()
            .map_err(|error| EngineError::Startup(error.to_string()))?;
        let queued = Arc::new(QueuedBytes::new(QUEUED_BYTES_LIMIT));
        let sink = EventSink { events: event_tx, waker, queued: queued.clone() };
        let thread = std::thread::Builder::new()
            .name("topicscope-engine".into())
            .spawn(move || {
                runtime.block_on(run_engine(command_rx, sink));
                runtime.shutdown_timeout(Duration::from_secs(2));
            })
            .map_err(|error| EngineError::Startup(error.to_string()))?;
        Ok(Self {
            commands: command_tx,
            events: event_rx,
            queued,
            refused_commands: AtomicU64::new(0),
            thread: Some(thread),
        })
    }

    /// Queues a command without blocking.
    pub fn send(&self, command: Command) -> Result<(), SendError> {
        self.commands.try_send(command).map_err(|error| match error {
            mpsc::error::TrySendError::Full(_) => {
                self.refused_commands.fetch_add(1, Ordering::Relaxed);
                SendError::Busy
            }
            mpsc::error::TrySendError::Closed(_) => SendError::Stopped,
        })
    }

    /// The next waiting event, if any, without blocking.
    pub fn try_recv(&mut self) -> Option<Event> {
        let event = self.events.try_recv().ok()?;
        self.queued.release(&event.kind);
        Some(event)
    }

    /// Bytes of received messages waiting to be taken (at most about
    /// [`QUEUED_BYTES_LIMIT`]).
    pub fn queued_bytes(&self) -> usize {
        self.queued.queued()
    }

    /// Commands refused because the queue was full.
    pub fn refused_commands(&self) -> u64 {
        self.refused_commands.load(Ordering::Relaxed)
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        // Closing the command channel ends the engine loop.
        let (closed, _) = mpsc::channel(1);
        self.commands = closed;
        self.events.close();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

struct ConnectionHandle {
    commands: mpsc::Sender<ConnectionCommand>,
    task: tokio::task::JoinHandle<()>,
}

/// How long shutdown waits for connections to send DISCONNECT (so brokers
/// do not publish their last wills for a clean exit).
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

async fn run_engine(mut commands: mpsc::Receiver<Command>, sink: EventSink) {
    let mut connections: HashMap<ConnectionId, ConnectionHandle> = HashMap::new();
    let mut broker: Option<EmbeddedBroker> = None;
    let mut repeats: HashMap<RepeatJobId, JobHandle> = HashMap::new();
    while let Some(command) = commands.recv().await {
        connections.retain(|_, handle| !handle.commands.is_closed());
        repeats.retain(|_, (_, task)| !task.is_finished());
        match command {
            Command::Connect { connection, profile, subscriptions } => {
                if let Some(old) = connections.remove(&connection) {
                    let _ = old.commands.try_send(ConnectionCommand::Disconnect);
                }
                let (tx, rx) = mpsc::channel(COMMAND_QUEUE_CAPACITY);
                let task = tokio::spawn(connection::run(connection, *profile, subscriptions, rx, sink.clone()));
                connections.insert(connection, ConnectionHandle { commands: tx, task });
            }
            Command::Disconnect { .. }
            | Command::Subscribe { .. }
            | Command::Unsubscribe { .. }
            | Command::UnsubscribeFilter { .. }
            | Command::SetMocks { .. }
            | Command::Publish { .. } => {
                let Some((connection, command)) = ConnectionCommand::split(command) else { continue };
                let refused = match connections.get(&connection) {
                    Some(handle) => handle.commands.send(command).await.err().map(|refused| refused.0),
                    None => Some(command),
                };
                if let Some(command) = refused {
                    report_unconnected(&sink, connection, command).await;
                }
            }
            Command::StartRepeat { connection, spec } => {
                let job = spec.job;
                let start = |commands, stopped| repeat::run(connection, *spec, commands, sink.clone(), stopped);
                start_job(&connections, &mut repeats, &sink, connection, job, start).await;
            }
            Command::StartReplay { connection, spec } => {
                let job = spec.job;
                let start = |commands, stopped| replay_job::run(connection, *spec, commands, sink.clone(), stopped);
                start_job(&connections, &mut repeats, &sink, connection, job, start).await;
            }
            Command::StopRepeat { job } => {
                if let Some((stop, _)) = repeats.remove(&job) {
                    let _ = stop.send(());
                }
            }
            Command::StartBroker(config) => {
                if let Some(old) = broker.take() {
                    let _ = tokio::task::spawn_blocking(move || old.stop()).await;
                }
                sink.send(EventKind::Broker(BrokerState::Starting)).await;
                let started = tokio::task::spawn_blocking(move || EmbeddedBroker::start(*config)).await;
                let state = match started {
                    Ok(Ok(running)) => {
                        running.monitor().set_waker(sink.waker.clone());
                        let state = BrokerState::Running {
                            addr: running.local_addr(),
                            fell_back_from: running.fell_back_from(),
                            listeners: running.listeners().to_vec(),
                            monitor: running.monitor().clone(),
                        };
                        broker = Some(running);
                        state
                    }
                    Ok(Err(error)) if error.is_damaged_store() => BrokerState::DamagedStore(error.to_string()),
                    Ok(Err(error)) => BrokerState::Failed(error.to_string()),
                    Err(error) => BrokerState::Failed(error.to_string()),
                };
                sink.send(EventKind::Broker(state)).await;
            }
            Command::DisconnectBrokerClient(client_id) => {
                if let Some(running) = &broker {
                    running.disconnect_client(&client_id);
                }
            }
            Command::StopBroker => {
                if let Some(old) = broker.take() {
                    let _ = tokio::task::spawn_blocking(move || old.stop()).await;
                }
                sink.send(EventKind::Broker(BrokerState::Stopped)).await;
            }
        }
    }
    let mut tasks = Vec::new();
    for handle in connections.into_values() {
        let _ = handle.commands.try_send(ConnectionCommand::Disconnect);
        tasks.push(handle.task);
    }
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, async {
        for task in tasks {
            let _ = task.await;
        }
    })
    .await;
    if let Some(old) = broker.take() {
        let _ = tokio::task::spawn_blocking(move || old.stop()).await;
    }
}

/// Says why a command for a connection that is not running did nothing.
/// A running repeat or replay job: how to stop it, and its task.
type JobHandle = (tokio::sync::oneshot::Sender<()>, tokio::task::JoinHandle<()>);

/// Starts a repeat or replay job on `connection`'s queue, or reports it
/// ended at once when the connection is gone.
async fn start_job<F>(
    connections: &HashMap<ConnectionId, ConnectionHandle>,
    jobs: &mut HashMap<RepeatJobId, JobHandle>,
    sink: &EventSink,
    connection: ConnectionId,
    job: RepeatJobId,
    start: impl FnOnce(mpsc::Sender<ConnectionCommand>, tokio::sync::oneshot::Receiver<()>) -> F,
) where
    F: std::future::Future<Output = ()> + Send + 'static,
{
    match connections.get(&connection) {
        Some(handle) => {
            let (stop, stopped) = tokio::sync::oneshot::channel();
            let task = tokio::spawn(start(handle.commands.clone(), stopped));
            jobs.insert(job, (stop, task));
        }
        None => {
            let ended = Some(repeat::RepeatEnd::ConnectionClosed);
            let report = repeat::RepeatReport { job, connection, sent: 0, rate: 0.0, ended, lateness: None };
            sink.send(EventKind::Repeat(report)).await;
        }
    }
}

async fn report_unconnected(sink: &EventSink, connection: ConnectionId, command: ConnectionCommand) {
    let event = match command {
        ConnectionCommand::Publish(request) => ConnectionEvent::Delivery {
            request: request.id,
            outcome: DeliveryOutcome::Failed("not connected".into()),
            round_trip: None,
        },
        ConnectionCommand::Subscribe(subscription) => ConnectionEvent::SubscriptionFailed {
            subscription: subscription.id,
            reason: "not connected; it will be sent on connect".into(),
        },
        ConnectionCommand::UnsubscribeFilter { subscription, .. } => {
            ConnectionEvent::SubscriptionFailed { subscription, reason: "not connected".into() }
        }
        ConnectionCommand::Disconnect => ConnectionEvent::State(ConnectionState::Disconnected),
        ConnectionCommand::Unsubscribe(_) => return,
        ConnectionCommand::SetMocks(_) => {
            ConnectionEvent::Mock(mocks::MockReport::Stopped { reason: "not connected".into() })
        }
    };
    sink.connection(connection, event).await;
}

impl ConnectionState {
    /// One line for the status bar, e.g. "reconnecting in 4 s (attempt 3): connection refused …".
    pub fn summary(&self, now: Instant) -> String {
        match self {
            Self::Disconnected => "disconnected".into(),
            Self::Connecting { attempt: 1 } => "connecting…".into(),
            Self::Connecting { attempt } => format!("connecting… (attempt {attempt})"),
            Self::Connected { client_id, session_present } => {
                let session = if *session_present { ", session resumed" } else { "" };
                format!("connected as {client_id}{session}")
            }
            Self::Reconnecting { attempt, retry_at, error } => {
                let seconds = retry_at.saturating_duration_since(now).as_secs_f32().ceil() as u64;
                format!("reconnecting in {seconds} s (attempt {attempt}): {error}")
            }
            Self::Failed(error) => format!("failed: {error}"),
        }
    }
}

impl ConnectionState {
    /// A few words for tight places; failures keep their reason.
    pub fn short(&self, now: Instant) -> String {
        match self {
            Self::Connected { .. } => "connected".into(),
            Self::Reconnecting { retry_at, .. } => {
                let seconds = retry_at.saturating_duration_since(now).as_secs_f32().ceil() as u64;
                format!("reconnecting in {seconds} s")
            }
            other => other.summary(now),
        }
    }
}

impl BrokerState {
    /// One line for the status bar.
    pub fn summary(&self) -> String {
        match self {
            Self::Stopped => "embedded broker stopped".into(),
            Self::Starting => "embedded broker starting…".into(),
            Self::Running { addr, fell_back_from: None, .. } => format!("embedded broker on {addr}"),
            Self::Running { addr, fell_back_from: Some(port), .. } => {
                format!("embedded broker on {addr} (port {port} was taken)")
            }
            Self::Failed(reason) | Self::DamagedStore(reason) => format!("embedded broker failed: {reason}"),
        }
    }
}

impl std::fmt::Display for DeliveryOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Written => f.write_str("sent (QoS 0, no acknowledgement)"),
            Self::Acknowledged => f.write_str("PUBACK received"),
            Self::Received => f.write_str("PUBREC received, waiting for PUBCOMP"),
            Self::Completed => f.write_str("PUBCOMP received"),
            Self::Refused(reason) => write!(f, "refused by broker: {reason}"),
            Self::Failed(reason) => write!(f, "failed: {reason}"),
        }
    }
}
