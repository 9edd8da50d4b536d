//! One connection: a control task that owns the link's state, does the
//! I/O the bookkeeping ([`super::bookkeeping`]) asks for and batches
//! received messages, plus a poll task that only drives rumqttc's event
//! loop (never cancelled mid-connect by a `select!`).

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::adapter::{self, MqttClient, MqttLoop, NetEvent};
use super::bookkeeping::{AfterFailure, Ledger};
use super::connack_details::{ConnAckDetails, PublishCheck, publish_packet_size};
use super::mocks::MockResponder;
use super::queued_bytes::{NET_QUEUED_BYTES_LIMIT, QueuedBytes, message_cost};
use super::wire_tap::WireTap;
use super::{
    BATCH_WINDOW, Command, ConnectionEvent, ConnectionFailure, ConnectionState, DeliveryOutcome, EventSink,
    MAX_MESSAGES_PER_BATCH, PublishRequest, SubscriptionSpec,
};
use crate::ids::{ConnectionId, SubscriptionId};
use crate::mqtt::{IncomingMessage, ProtocolVersion};
use crate::profile::{ConnectionProfile, generate_client_id};

/// How long a clean DISCONNECT may take before the socket is just closed.
const DISCONNECT_GRACE: Duration = Duration::from_secs(2);
/// Network events buffered between the poll task and the control task.
const NET_QUEUE_CAPACITY: usize = 4096;
/// Most publishes held while rumqttc's request queue is full.
const BACKLOG_LIMIT: usize = 1024;
/// How often a held publish is offered to rumqttc again.
const BACKLOG_RETRY: Duration = Duration::from_millis(1);

/// What one connection's task is asked to do (the engine routes each
/// [`Command`] about a connection to it by value, copying nothing).
#[derive(Debug)]
pub(crate) enum ConnectionCommand {
    /// Send DISCONNECT and stop.
    Disconnect,
    /// Add a subscription (sent now if connected, else on connect).
    Subscribe(SubscriptionSpec),
    /// Remove a subscription.
    Unsubscribe(SubscriptionId),
    /// Unsubscribe from a filter that is not one of ours.
    UnsubscribeFilter {
        /// The caller's id for the answer.
        subscription: SubscriptionId,
        /// The filter.
        filter: String,
    },
    /// Publish.
    Publish(PublishRequest),
    /// Put these device mocks in force.
    SetMocks(Vec<crate::mock::MockFile>),
}

impl ConnectionCommand {
    /// The connection a command is for, and what it asks of it; `None` for
    /// commands that are not about one connection.
    pub(crate) fn split(command: Command) -> Option<(ConnectionId, Self)> {
        Some(match command {
            Command::Disconnect { connection } => (connection, Self::Disconnect),
            Command::Subscribe { connection, subscription } => (connection, Self::Subscribe(subscription)),
            Command::Unsubscribe { connection, subscription } => (connection, Self::Unsubscribe(subscription)),
            Command::UnsubscribeFilter { connection, subscription, filter } => {
                (connection, Self::UnsubscribeFilter { subscription, filter })
            }
            Command::Publish { connection, request } => (connection, Self::Publish(request)),
            Command::SetMocks { connection, mocks } => (connection, Self::SetMocks(mocks)),
            _ => return None,
        })
    }
}

/// Where the network task connects, and its share of the byte budget.
struct Network {
    host: String,
    port: u16,
    timeout_secs: u16,
    bytes: Arc<QueuedBytes>,
}

/// Most bytes of messages in one batch towards the reader.
const MAX_BATCH_BYTES: usize = 4 * 1024 * 1024;

enum PollMessage {
    Event(NetEvent),
    Failed(ConnectionFailure),
}

/// Where the link to the broker stands, as the control task sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Link {
    /// Connecting (the poll task is connecting or about to).
    Connecting,
    /// CONNACK received.
    Connected,
    /// Lost; the next attempt starts at this time.
    WaitingToRetry(Instant),
    /// DISCONNECT asked for; the socket is closed at this time at the latest.
    Disconnecting(Instant),
}

struct Control {
    id: ConnectionId,
    profile: ConnectionProfile,
    client_id: String,
    sink: EventSink,
    client: MqttClient,
    link: Link,
    ledger: Ledger,
    batch: Vec<(DateTime<Utc>, IncomingMessage)>,
    /// Bytes in `batch` (see queued_bytes): a batch of large messages is
    /// handed over before it holds more than [`MAX_BATCH_BYTES`].
    batch_bytes: usize,
    batch_deadline: Option<Instant>,
    /// Bytes of received messages on their way from the network task.
    net_bytes: Arc<QueuedBytes>,
    /// Reason from an MQTT 5 DISCONNECT, reported instead of the socket error it causes.
    server_disconnect: Option<String>,
    /// Publishes waiting for room in rumqttc's request queue, in order:
    /// a burst (a script, a repeat at 1 ms) waits here instead of failing,
    /// and while it is full no further commands are taken, so the
    /// back-pressure reaches the sender.
    backlog: VecDeque<PublishRequest>,
    /// The packets this connection sends and receives.
    tap: Arc<WireTap>,
    /// When recorded packets are next handed over (batched like messages).
    packets_deadline: Option<Instant>,
    /// What the broker announced in the current connection's CONNACK.
    connack: Option<Box<ConnAckDetails>>,
    /// Device mocks answering what this connection receives.
    mocks: MockResponder,
}

/// Runs one connection until it is disconnected or fails for good.
pub(crate) async fn run(
    id: ConnectionId,
    profile: ConnectionProfile,
    subscriptions: Vec<SubscriptionSpec>,
    mut commands: mpsc::Receiver<ConnectionCommand>,
    sink: EventSink,
) {
    let mut client_id = if profile.client_id.is_empty() { generate_client_id() } else { profile.client_id.clone() };
    if profile.random_client_id_suffix {
        client_id = format!("{client_id}-{}", random_suffix());
    }
    let tap = WireTap::new(profile.protocol);
    let wrapper = profile.record_packets.then(|| tap.wrapper());
    let (client, event_loop) = match adapter::build_client(&profile, &client_id, wrapper) {
        Ok(built) => built,
        Err(failure) => {
            sink.connection(id, ConnectionEvent::State(ConnectionState::Failed(failure))).await;
            return;
        }
    };
    let (net_tx, mut net_rx) = mpsc::channel(NET_QUEUE_CAPACITY);
    let (resume_tx, resume_rx) = mpsc::channel::<()>(1);
    let host = profile.host.trim().to_owned();
    let net_bytes = Arc::new(QueuedBytes::new(NET_QUEUED_BYTES_LIMIT));
    let network =
        Network { host, port: profile.port, timeout_secs: profile.connect_timeout_secs, bytes: net_bytes.clone() };
    let poll_task = tokio::spawn(drive_event_loop(event_loop, network, net_tx, resume_rx));
    let mut control = Control {
        id,
        profile,
        client_id,
        sink,
        client,
        link: Link::Connecting,
        ledger: Ledger::new(subscriptions),
        batch: Vec::new(),
        batch_bytes: 0,
        net_bytes,
        batch_deadline: None,
        server_disconnect: None,
        backlog: VecDeque::new(),
        tap: tap.clone(),
        packets_deadline: None,
        connack: None,
        mocks: MockResponder::default(),
    };
    control.state(ConnectionState::Connecting { attempt: 1 }).await;

    let far_future = Instant::now() + Duration::from_secs(86_400 * 365);
    let final_state = loop {
        let retry_at = match control.link {
            Link::WaitingToRetry(at) => Some(at),
            _ => None,
        };
        let closing_at = match control.link {
            Link::Disconnecting(deadline) => Some(deadline),
            _ => None,
        };
        tokio::select! {
            command = commands.recv(), if closing_at.is_none() && control.backlog.len() < BACKLOG_LIMIT => match command {
                Some(ConnectionCommand::Disconnect) | None => {
                    control.flush().await;
                    if control.link == Link::Connected && control.client.try_disconnect().is_ok() {
                        control.link = Link::Disconnecting(Instant::now() + DISCONNECT_GRACE);
                    } else {
                        break ConnectionState::Disconnected;
                    }
                }
                Some(command) => control.handle_command(command).await,
            },
            message = net_rx.recv() => match message {
                Some(PollMessage::Event(NetEvent::DisconnectWritten)) => break ConnectionState::Disconnected,
                Some(PollMessage::Event(event)) => control.handle_net_event(event).await,
                Some(PollMessage::Failed(failure)) => {
                    let failure = control.server_disconnect.take().map_or(failure, ConnectionFailure::ServerDisconnect);
                    control.flush().await;
                    control.lost_connection(&failure).await;
                    if closing_at.is_some() {
                        break ConnectionState::Disconnected;
                    }
                    match control.ledger.after_failure(failure.clone(), &control.profile) {
                        AfterFailure::Stop(failure) => break ConnectionState::Failed(failure),
                        AfterFailure::Retry { attempt, delay } => {
                            let at = Instant::now() + delay;
                            control.link = Link::WaitingToRetry(at);
                            let retry_at = at.into_std();
                            control.state(ConnectionState::Reconnecting { attempt, retry_at, error: failure }).await;
                        }
                    }
                }
                None => break ConnectionState::Disconnected,
            },
            () = tokio::time::sleep_until(retry_at.unwrap_or(far_future)), if retry_at.is_some() => {
                control.link = Link::Connecting;
                control.state(ConnectionState::Connecting { attempt: control.ledger.attempt() }).await;
                if resume_tx.send(()).await.is_err() {
                    break ConnectionState::Disconnected;
                }
            }
            () = tokio::time::sleep(BACKLOG_RETRY), if !control.backlog.is_empty() => {
                control.retry_backlog();
            }
            () = tokio::time::sleep_until(control.batch_deadline.unwrap_or(far_future)), if control.batch_deadline.is_some() => {
                control.flush().await;
            }
            () = tokio::time::sleep_until(control.mocks.next_due().unwrap_or(far_future)), if control.mocks.next_due().is_some() => {
                control.send_mock_answers().await;
            }
            () = tokio::time::sleep_until(closing_at.unwrap_or(far_future)), if closing_at.is_some() => {
                break ConnectionState::Disconnected;
            }
            () = tap.ready(), if control.packets_deadline.is_none() => {
                control.packets_deadline = Some(Instant::now() + BATCH_WINDOW);
            }
            () = tokio::time::sleep_until(control.packets_deadline.unwrap_or(far_future)), if control.packets_deadline.is_some() => {
                control.flush_packets().await;
            }
        }
    };
    poll_task.abort();
    // The stream closes with the task: its last packets are recorded then.
    let _ = poll_task.await;
    control.flush_packets().await;
    control.flush().await;
    control.lost_connection(&ConnectionFailure::Lost("connection closed".into())).await;
    control.state(final_state).await;
}

/// Six hex digits that differ between connects.
fn random_suffix() -> String {
    let id = generate_client_id();
    id.chars().rev().take(6).collect()
}

/// Drives rumqttc. After an error it waits for the control task's go-ahead
/// (sent when the back-off has elapsed) before polling, i.e. reconnecting.
async fn drive_event_loop(
    mut event_loop: MqttLoop,
    network: Network,
    events: mpsc::Sender<PollMessage>,
    mut resume: mpsc::Receiver<()>,
) {
    loop {
        match event_loop.poll(&network.host, network.port, network.timeout_secs).await {
            Ok(NetEvent::Other) => {}
            Ok(event) => {
                if let NetEvent::Message(message) = &event {
                    // Stops reading the socket while the control task is behind.
                    network.bytes.reserve_bytes(message_cost(message)).await;
                }
                let stop = matches!(event, NetEvent::DisconnectWritten);
                if events.send(PollMessage::Event(event)).await.is_err() || stop {
                    return;
                }
            }
            Err(failure) => {
                if events.send(PollMessage::Failed(failure)).await.is_err() || resume.recv().await.is_none() {
                    return;
                }
            }
        }
    }
}

impl Control {
    async fn state(&self, state: ConnectionState) {
        self.sink.connection(self.id, ConnectionEvent::State(state)).await;
    }

    async fn emit(&self, event: ConnectionEvent) {
        self.sink.connection(self.id, event).await;
    }

    async fn flush(&mut self) {
        self.batch_deadline = None;
        if !self.batch.is_empty() {
            self.batch_bytes = 0;
            let batch = std::mem::take(&mut self.batch);
            self.emit(ConnectionEvent::Messages(batch)).await;
        }
    }

    /// Hands recorded packets over.
    async fn flush_packets(&mut self) {
        self.packets_deadline = None;
        let (records, dropped) = self.tap.take();
        if !records.is_empty() || dropped > 0 {
            self.emit(ConnectionEvent::Packets { records, dropped }).await;
        }
    }

    async fn emit_all(&self, events: Vec<ConnectionEvent>) {
        for event in events {
            self.emit(event).await;
        }
    }

    async fn handle_command(&mut self, command: ConnectionCommand) {
        let connected = self.link == Link::Connected;
        match command {
            ConnectionCommand::Publish(request) => self.publish(request).await,
            ConnectionCommand::Subscribe(subscription) => {
                let id = self.ledger.add_subscription(subscription);
                if connected {
                    self.send_subscribe(id).await;
                }
            }
            ConnectionCommand::Unsubscribe(subscription) => {
                let Some(removed) = self.ledger.remove_subscription(subscription) else {
                    return;
                };
                if connected {
                    self.send_unsubscribe(subscription, &removed.filter).await;
                } else {
                    self.emit(ConnectionEvent::Unsubscribed { subscription, reasons: Vec::new() }).await;
                }
                if !self.ledger.holds_own_filter(&removed.filter)
                    && let Some(spec) = self.mocks.filter_released(&removed.filter)
                {
                    let id = self.ledger.add_subscription(spec);
                    if connected {
                        self.send_subscribe(id).await;
                    }
                }
            }
            ConnectionCommand::SetMocks(files) => self.set_mocks(files, connected).await,
            ConnectionCommand::UnsubscribeFilter { subscription, filter } => {
                if connected {
                    self.send_unsubscribe(subscription, &filter).await;
                } else {
                    let reason = "not connected".into();
                    self.emit(ConnectionEvent::SubscriptionFailed { subscription, reason }).await;
                }
            }
            ConnectionCommand::Disconnect => {}
        }
    }

    /// Puts device mocks in force: their filters subscribed under their
    /// own ids (unless the connection holds them), the old ones let go.
    async fn set_mocks(&mut self, files: Vec<crate::mock::MockFile>, connected: bool) {
        let ledger = &self.ledger;
        let (changes, report) = self.mocks.replace(files, &|filter| ledger.holds_own_filter(filter));
        self.emit(ConnectionEvent::Mock(report)).await;
        for (id, unsubscribe) in changes.remove {
            if let Some(removed) = self.ledger.remove_subscription(id)
                && unsubscribe
                && connected
            {
                self.send_unsubscribe(id, &removed.filter).await;
            }
        }
        for spec in changes.add {
            let id = self.ledger.add_subscription(spec);
            if connected {
                self.send_subscribe(id).await;
            }
        }
    }

    /// Publishes the mock answers whose delay is over, after the messages
    /// received before them (so the log keeps question before answer).
    async fn send_mock_answers(&mut self) {
        let due = self.mocks.take_due(Instant::now());
        if due.is_empty() {
            return;
        }
        self.flush().await;
        for (request, report) in due {
            self.publish(request).await;
            self.emit(ConnectionEvent::Mock(report)).await;
        }
    }

    async fn send_unsubscribe(&mut self, subscription: SubscriptionId, filter: &str) {
        match self.client.try_unsubscribe(filter) {
            Ok(()) => self.ledger.unsubscribe_queued(subscription),
            Err(error) => {
                let reason = format!("unsubscribe not sent: {error}");
                self.emit(ConnectionEvent::SubscriptionFailed { subscription, reason }).await;
            }
        }
    }

    async fn publish(&mut self, request: PublishRequest) {
        if self.link != Link::Connected {
            self.emit(ConnectionEvent::Delivery {
                request: request.id,
                outcome: DeliveryOutcome::Failed("not connected".into()),
                round_trip: None,
            })
            .await;
            return;
        }
        let mut request = request;
        if let Some(details) = &self.connack {
            let properties = match self.profile.protocol {
                ProtocolVersion::V5 => request.properties.as_ref().map_or(0, |properties| properties.encoded_length()),
                ProtocolVersion::V311 => 0,
            };
            let size = publish_packet_size(
                self.profile.protocol,
                &request.topic,
                request.qos,
                properties,
                request.payload.len(),
            );
            match details.check_publish(request.qos, request.retain, size) {
                PublishCheck::Send => {}
                PublishCheck::CapQos(qos) => {
                    tracing::info!(
                        "connection {}: {} sent with {qos}, the broker's Maximum QoS (asked {})",
                        self.id,
                        request.topic,
                        request.qos
                    );
                    request.qos = qos;
                }
                PublishCheck::Refuse(reason) => {
                    let outcome = DeliveryOutcome::Failed(reason);
                    self.emit(ConnectionEvent::Delivery { request: request.id, outcome, round_trip: None }).await;
                    return;
                }
            }
        }
        self.backlog.push_back(request);
        self.retry_backlog();
    }

    /// Hands held publishes to rumqttc, oldest first, until its queue is full.
    fn retry_backlog(&mut self) {
        while let Some(request) = self.backlog.front() {
            let queued = self.client.try_publish(
                &request.topic,
                request.qos,
                request.retain,
                request.payload.clone(),
                request.properties.as_deref(),
            );
            if queued.is_err() {
                // Full (the poll task drains it) or closed (the connection
                // ends and `lost_connection` reports what is left).
                return;
            }
            if let Some(request) = self.backlog.pop_front() {
                self.ledger.publish_queued(request);
            }
        }
    }

    async fn send_subscribe(&mut self, id: SubscriptionId) {
        let Some(spec) = self.ledger.subscription(id) else {
            return;
        };
        match self.client.try_subscribe(&spec.filter, spec.qos, spec.options) {
            Ok(()) => self.ledger.subscribe_queued(id),
            Err(error) => {
                let reason = format!("not sent: {error}");
                self.emit(ConnectionEvent::SubscriptionFailed { subscription: id, reason }).await;
            }
        }
    }

    async fn handle_net_event(&mut self, event: NetEvent) {
        // Read the clock only for acknowledgements (not per received message).
        let now = std::time::Instant::now;
        match event {
            NetEvent::Message(message) => {
                let cost = message_cost(&message);
                self.net_bytes.release_bytes(cost);
                if self.batch.is_empty() {
                    self.batch_deadline = Some(Instant::now() + BATCH_WINDOW);
                }
                if let Some(report) = self.mocks.on_message(&message, Instant::now()) {
                    self.emit(ConnectionEvent::Mock(report)).await;
                }
                self.batch.push((Utc::now(), message));
                self.batch_bytes += cost;
                if self.batch.len() >= MAX_MESSAGES_PER_BATCH || self.batch_bytes >= MAX_BATCH_BYTES {
                    self.flush().await;
                }
            }
            NetEvent::Connected(mut details) => {
                self.link = Link::Connected;
                if let Some(assigned) = &details.assigned_client_id {
                    self.client_id.clone_from(assigned);
                }
                let session_present = details.session_present;
                details.requested_keep_alive = self.profile.keep_alive_secs;
                self.state(ConnectionState::Connected { session_present, client_id: self.client_id.clone() }).await;
                self.connack = Some(details.clone());
                self.emit(ConnectionEvent::ConnAck(details)).await;
                let plan = self.ledger.connected(session_present);
                for subscription in plan.resumed {
                    self.emit(ConnectionEvent::SubscriptionResumed { subscription }).await;
                }
                for id in plan.subscribe {
                    self.send_subscribe(id).await;
                }
            }
            NetEvent::PublishWritten(pkid) => {
                let events = self.ledger.publish_written(pkid, now());
                if !events.is_empty() {
                    // Received messages logged before the publish stay before it.
                    self.flush().await;
                    self.emit_all(events).await;
                }
            }
            NetEvent::PublishReceived { pkid, refused } => {
                if let Some(event) = self.ledger.publish_received(pkid, refused, now()) {
                    self.emit(event).await;
                }
            }
            NetEvent::PublishAcked { pkid, refused, complete } => {
                if let Some(event) = self.ledger.publish_acked(pkid, refused, complete, now()) {
                    self.emit(event).await;
                }
            }
            NetEvent::SubscribeWritten(pkid) => self.ledger.subscribe_written(pkid),
            NetEvent::SubscribeAcked { pkid, outcomes } => {
                if let Some(event) = self.ledger.subscribe_acked(pkid, outcomes) {
                    self.flush().await;
                    self.emit(event).await;
                }
            }
            NetEvent::UnsubscribeWritten(pkid) => self.ledger.unsubscribe_written(pkid),
            NetEvent::UnsubscribeAcked { pkid, reasons } => {
                if let Some(event) = self.ledger.unsubscribe_acked(pkid, reasons) {
                    self.emit(event).await;
                }
            }
            NetEvent::ServerDisconnect(reason) => {
                // The socket error that follows drives the state change; keep the reason.
                tracing::info!("connection {}: broker sent DISCONNECT: {reason}", self.id);
                self.server_disconnect = Some(reason);
            }
            NetEvent::DisconnectWritten | NetEvent::Other => {}
        }
    }

    /// Fails every request that can no longer be answered on this connection.
    async fn lost_connection(&mut self, failure: &ConnectionFailure) {
        if self.link == Link::Connected {
            self.link = Link::Connecting;
        }
        let held = std::mem::take(&mut self.backlog);
        let events = self.ledger.connection_lost(failure, !self.profile.clean_start, held);
        self.emit_all(events).await;
    }
}
