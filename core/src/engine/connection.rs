//! One connection: a control task that owns the state machine, back-off,
//! subscriptions and request correlation, plus a poll task that only drives
//! rumqttc's event loop (never cancelled mid-connect by a `select!`).

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::adapter::{self, MqttClient, MqttLoop, NetEvent, SubscribeOutcome};
use super::{
    BATCH_WINDOW, Command, ConnectionEvent, ConnectionFailure, ConnectionState, DeliveryOutcome, EventSink,
    MAX_MESSAGES_PER_BATCH, PublishRequest, SubscriptionSpec,
};
use crate::ids::{ConnectionId, PublishId, SubscriptionId};
use crate::mqtt::{IncomingMessage, Qos};
use crate::profile::{ConnectionProfile, generate_client_id};

/// How long a clean DISCONNECT may take before the socket is just closed.
const DISCONNECT_GRACE: Duration = Duration::from_secs(2);
/// Network events buffered between the poll task and the control task.
const NET_QUEUE_CAPACITY: usize = 4096;

enum PollMessage {
    Event(NetEvent),
    Failed(ConnectionFailure),
}

struct Subscription {
    spec: SubscriptionSpec,
    /// The broker has acknowledged it on the current connection.
    confirmed: bool,
}

/// Correlates our requests with rumqttc's packet ids.
#[derive(Default)]
struct Correlation {
    /// Publishes queued in rumqttc, in order, not yet on the wire.
    queued_publishes: VecDeque<PublishRequest>,
    /// Publishes on the wire awaiting PUBACK/PUBCOMP, by packet id.
    inflight_publishes: HashMap<u16, (PublishId, Qos, Instant)>,
    /// Subscriptions queued, in order.
    queued_subscribes: VecDeque<SubscriptionId>,
    /// Subscriptions on the wire, by packet id.
    inflight_subscribes: HashMap<u16, SubscriptionId>,
    /// Unsubscriptions queued, in order.
    queued_unsubscribes: VecDeque<SubscriptionId>,
    /// Unsubscriptions on the wire, by packet id.
    inflight_unsubscribes: HashMap<u16, SubscriptionId>,
}

struct Control {
    id: ConnectionId,
    profile: ConnectionProfile,
    client_id: String,
    sink: EventSink,
    client: MqttClient,
    subscriptions: Vec<Subscription>,
    correlation: Correlation,
    batch: Vec<(DateTime<Utc>, IncomingMessage)>,
    batch_deadline: Option<Instant>,
    connected: bool,
    attempt: u32,
    /// Reason from an MQTT 5 DISCONNECT, reported instead of the socket error it causes.
    server_disconnect: Option<String>,
    /// Publishes waiting for room in rumqttc's request queue, in order:
    /// a burst (a script, a repeat at 1 ms) waits here instead of failing,
    /// and while it is full no further commands are taken, so the
    /// back-pressure reaches the sender.
    backlog: VecDeque<PublishRequest>,
}

/// Most publishes held while rumqttc's request queue is full.
const BACKLOG_LIMIT: usize = 1024;
/// How often a held publish is offered to rumqttc again.
const BACKLOG_RETRY: Duration = Duration::from_millis(1);

/// Runs one connection until it is disconnected or fails for good.
pub(crate) async fn run(
    id: ConnectionId,
    profile: ConnectionProfile,
    subscriptions: Vec<SubscriptionSpec>,
    mut commands: mpsc::Receiver<Command>,
    sink: EventSink,
) {
    let mut client_id = if profile.client_id.is_empty() { generate_client_id() } else { profile.client_id.clone() };
    if profile.random_client_id_suffix {
        client_id = format!("{client_id}-{}", random_suffix());
    }
    let (client, event_loop) = match adapter::build_client(&profile, &client_id) {
        Ok(built) => built,
        Err(failure) => {
            sink.connection(id, ConnectionEvent::State(ConnectionState::Failed(failure))).await;
            return;
        }
    };
    let (net_tx, mut net_rx) = mpsc::channel(NET_QUEUE_CAPACITY);
    let (resume_tx, resume_rx) = mpsc::channel::<()>(1);
    let host = profile.host.trim().to_owned();
    let poll_task =
        tokio::spawn(drive_event_loop(event_loop, host, profile.port, profile.connect_timeout_secs, net_tx, resume_rx));
    let mut control = Control {
        id,
        profile,
        client_id,
        sink,
        client,
        subscriptions: subscriptions.into_iter().map(|spec| Subscription { spec, confirmed: false }).collect(),
        correlation: Correlation::default(),
        batch: Vec::new(),
        batch_deadline: None,
        connected: false,
        attempt: 1,
        server_disconnect: None,
        backlog: VecDeque::new(),
    };
    control.state(ConnectionState::Connecting { attempt: 1 }).await;

    let mut retry_at: Option<Instant> = None;
    let mut disconnect_deadline: Option<Instant> = None;
    let far_future = Instant::now() + Duration::from_secs(86_400 * 365);
    let final_state = loop {
        tokio::select! {
            command = commands.recv(), if disconnect_deadline.is_none() && control.backlog.len() < BACKLOG_LIMIT => match command {
                Some(Command::Disconnect { .. }) | None => {
                    control.flush().await;
                    if control.connected && control.client.try_disconnect().is_ok() {
                        disconnect_deadline = Some(Instant::now() + DISCONNECT_GRACE);
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
                    if disconnect_deadline.is_some() {
                        break ConnectionState::Disconnected;
                    }
                    if failure.is_permanent() || !control.profile.reconnect {
                        break ConnectionState::Failed(failure);
                    }
                    let limit = control.profile.reconnect_max_attempts;
                    if limit > 0 && control.attempt >= limit {
                        break ConnectionState::Failed(ConnectionFailure::GaveUp { attempts: limit, last: Box::new(failure) });
                    }
                    let cap = Duration::from_secs(u64::from(control.profile.reconnect_backoff_cap_secs));
                    let at = Instant::now() + adapter::backoff_delay(control.attempt, cap);
                    control.attempt += 1;
                    retry_at = Some(at);
                    control
                        .state(ConnectionState::Reconnecting {
                            attempt: control.attempt,
                            retry_at: at.into_std(),
                            error: failure,
                        })
                        .await;
                }
                None => break ConnectionState::Disconnected,
            },
            () = tokio::time::sleep_until(retry_at.unwrap_or(far_future)), if retry_at.is_some() => {
                retry_at = None;
                control.state(ConnectionState::Connecting { attempt: control.attempt }).await;
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
            () = tokio::time::sleep_until(disconnect_deadline.unwrap_or(far_future)), if disconnect_deadline.is_some() => {
                break ConnectionState::Disconnected;
            }
        }
    };
    poll_task.abort();
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
    host: String,
    port: u16,
    timeout_secs: u16,
    events: mpsc::Sender<PollMessage>,
    mut resume: mpsc::Receiver<()>,
) {
    loop {
        match event_loop.poll(&host, port, timeout_secs).await {
            Ok(NetEvent::Other) => {}
            Ok(event) => {
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
            let batch = std::mem::take(&mut self.batch);
            self.emit(ConnectionEvent::Messages(batch)).await;
        }
    }

    async fn handle_command(&mut self, command: Command) {
        match command {
            Command::Publish { request, .. } => self.publish(request).await,
            Command::Subscribe { subscription, .. } => {
                self.subscriptions.retain(|existing| existing.spec.id != subscription.id);
                let id = subscription.id;
                self.subscriptions.push(Subscription { spec: subscription, confirmed: false });
                if self.connected {
                    self.send_subscribe(id).await;
                }
            }
            Command::Unsubscribe { subscription, .. } => {
                let Some(index) = self.subscriptions.iter().position(|s| s.spec.id == subscription) else {
                    return;
                };
                let removed = self.subscriptions.remove(index);
                if !self.connected {
                    self.emit(ConnectionEvent::Unsubscribed { subscription }).await;
                    return;
                }
                self.send_unsubscribe(subscription, &removed.spec.filter).await;
            }
            Command::UnsubscribeFilter { subscription, filter, .. } => {
                if self.connected {
                    self.send_unsubscribe(subscription, &filter).await;
                } else {
                    let reason = "not connected".into();
                    self.emit(ConnectionEvent::SubscriptionFailed { subscription, reason }).await;
                }
            }
            _ => {}
        }
    }

    async fn send_unsubscribe(&mut self, subscription: SubscriptionId, filter: &str) {
        match self.client.try_unsubscribe(filter) {
            Ok(()) => self.correlation.queued_unsubscribes.push_back(subscription),
            Err(error) => {
                let reason = format!("unsubscribe not sent: {error}");
                self.emit(ConnectionEvent::SubscriptionFailed { subscription, reason }).await;
            }
        }
    }

    async fn publish(&mut self, request: PublishRequest) {
        if !self.connected {
            self.emit(ConnectionEvent::Delivery {
                request: request.id,
                outcome: DeliveryOutcome::Failed("not connected".into()),
                round_trip: None,
            })
            .await;
            return;
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
                self.correlation.queued_publishes.push_back(request);
            }
        }
    }

    async fn send_subscribe(&mut self, id: SubscriptionId) {
        let Some(subscription) = self.subscriptions.iter().find(|s| s.spec.id == id) else {
            return;
        };
        match self.client.try_subscribe(&subscription.spec.filter, subscription.spec.qos, subscription.spec.options) {
            Ok(()) => self.correlation.queued_subscribes.push_back(id),
            Err(error) => {
                self.emit(ConnectionEvent::SubscriptionFailed {
                    subscription: id,
                    reason: format!("not sent: {error}"),
                })
                .await;
            }
        }
    }

    async fn handle_net_event(&mut self, event: NetEvent) {
        match event {
            NetEvent::Message(message) => {
                if self.batch.is_empty() {
                    self.batch_deadline = Some(Instant::now() + BATCH_WINDOW);
                }
                self.batch.push((Utc::now(), message));
                if self.batch.len() >= MAX_MESSAGES_PER_BATCH {
                    self.flush().await;
                }
            }
            NetEvent::Connected { session_present, assigned_client_id } => {
                self.connected = true;
                self.attempt = 1;
                if let Some(assigned) = assigned_client_id {
                    self.client_id = assigned;
                }
                self.state(ConnectionState::Connected { session_present, client_id: self.client_id.clone() }).await;
                let ids: Vec<SubscriptionId> = self.subscriptions.iter().map(|s| s.spec.id).collect();
                for id in ids {
                    let confirmed = self.subscriptions.iter().any(|s| s.spec.id == id && s.confirmed);
                    if session_present && confirmed {
                        self.emit(ConnectionEvent::SubscriptionResumed { subscription: id }).await;
                    } else {
                        self.send_subscribe(id).await;
                    }
                }
            }
            NetEvent::PublishWritten(pkid) => {
                if pkid != 0 && self.correlation.inflight_publishes.contains_key(&pkid) {
                    return; // a retransmission after reconnect
                }
                let Some(request) = self.correlation.queued_publishes.pop_front() else {
                    return;
                };
                let request_id = request.id;
                let qos = request.qos;
                self.flush().await;
                self.emit(ConnectionEvent::PublishSent { request: request_id, message: request }).await;
                if pkid == 0 || qos == Qos::AtMostOnce {
                    self.emit(ConnectionEvent::Delivery {
                        request: request_id,
                        outcome: DeliveryOutcome::Written,
                        round_trip: None,
                    })
                    .await;
                } else {
                    self.correlation.inflight_publishes.insert(pkid, (request_id, qos, Instant::now()));
                }
            }
            NetEvent::PublishReceived { pkid, refused } => {
                let Some((request, _, written)) = self.correlation.inflight_publishes.get(&pkid).copied() else {
                    return;
                };
                let outcome = match refused {
                    Some(reason) => {
                        self.correlation.inflight_publishes.remove(&pkid);
                        DeliveryOutcome::Refused(reason)
                    }
                    None => DeliveryOutcome::Received,
                };
                self.emit(ConnectionEvent::Delivery { request, outcome, round_trip: Some(written.elapsed()) }).await;
            }
            NetEvent::PublishAcked { pkid, refused, complete } => {
                let Some((request, _, written)) = self.correlation.inflight_publishes.remove(&pkid) else {
                    return;
                };
                let outcome = match (refused, complete) {
                    (Some(reason), _) => DeliveryOutcome::Refused(reason),
                    (None, true) => DeliveryOutcome::Completed,
                    (None, false) => DeliveryOutcome::Acknowledged,
                };
                self.emit(ConnectionEvent::Delivery { request, outcome, round_trip: Some(written.elapsed()) }).await;
            }
            NetEvent::SubscribeWritten(pkid) => {
                if let Some(id) = self.correlation.queued_subscribes.pop_front() {
                    self.correlation.inflight_subscribes.insert(pkid, id);
                }
            }
            NetEvent::SubscribeAcked { pkid, outcomes } => {
                let Some(id) = self.correlation.inflight_subscribes.remove(&pkid) else {
                    return;
                };
                let outcome =
                    outcomes.into_iter().next().unwrap_or_else(|| SubscribeOutcome::Refused("empty SUBACK".into()));
                if let Some(subscription) = self.subscriptions.iter_mut().find(|s| s.spec.id == id) {
                    subscription.confirmed = matches!(outcome, SubscribeOutcome::Granted(_));
                }
                self.flush().await;
                self.emit(ConnectionEvent::Subscribed { subscription: id, outcome }).await;
            }
            NetEvent::UnsubscribeWritten(pkid) => {
                if let Some(id) = self.correlation.queued_unsubscribes.pop_front() {
                    self.correlation.inflight_unsubscribes.insert(pkid, id);
                }
            }
            NetEvent::UnsubscribeAcked { pkid } => {
                if let Some(id) = self.correlation.inflight_unsubscribes.remove(&pkid) {
                    self.emit(ConnectionEvent::Unsubscribed { subscription: id }).await;
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
        self.connected = false;
        for subscription in &mut self.subscriptions {
            subscription.confirmed = subscription.confirmed && !self.profile.clean_start;
        }
        let correlation = std::mem::take(&mut self.correlation);
        let reason = format!("no acknowledgement: {failure}");
        let held = std::mem::take(&mut self.backlog);
        for request in correlation.queued_publishes.into_iter().chain(held) {
            self.emit(ConnectionEvent::Delivery {
                request: request.id,
                outcome: DeliveryOutcome::Failed(format!("not sent: {failure}")),
                round_trip: None,
            })
            .await;
        }
        for (request, _, _) in correlation.inflight_publishes.into_values() {
            let outcome = DeliveryOutcome::Failed(reason.clone());
            self.emit(ConnectionEvent::Delivery { request, outcome, round_trip: None }).await;
        }
        for id in correlation.queued_unsubscribes.into_iter().chain(correlation.inflight_unsubscribes.into_values()) {
            // The subscription is gone from our list; the broker drops it with the session.
            self.emit(ConnectionEvent::Unsubscribed { subscription: id }).await;
        }
    }
}
