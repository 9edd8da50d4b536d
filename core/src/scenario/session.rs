//! The clients of a scenario run and their conversation with the broker:
//! one engine for the whole run (the [`Hub`]), whose events are sorted
//! into a queue per connection, and [`Session`]s — the run's, or one per
//! branch of a `Parallel` block — each owning some of the clients and
//! reading only their events. Subscribing, publishing and switching mocks
//! wait here for the broker's answer.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use chrono::Utc;

use super::runner::{RunError, StepReport};
use crate::engine::mocks::MockReport;
use crate::engine::{
    Command, ConnectionEvent, ConnectionState, DeliveryOutcome, Engine, EventKind, PublishRequest, SubscribeOutcome,
    SubscriptionSpec,
};
use crate::ids::{ConnectionId, PublishId, RequestId, SubscriptionId};
use crate::mqtt::{IncomingMessage, MessageProperties, Qos};
use crate::profile::ConnectionProfile;
use crate::template::{RenderContext, Template};
use crate::topic::validate_topic_filter;

/// Longest a subscribe, publish or disconnect waits for the broker.
pub(super) const ANSWER_WAIT: Duration = Duration::from_secs(10);

/// Why a step ended early without failing: another branch failed.
pub(super) const STOPPED: &str = "\u{0}stopped";

/// Bumped by the engine's waker; sessions wait on it for events.
#[derive(Default)]
struct Signal {
    count: Mutex<u64>,
    changed: Condvar,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicked branch is reported by its thread's join; the data is
    // still what it was.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Told of each step as it ends (the window shows runs live).
pub(super) type StepWatcher = Box<dyn FnMut(&StepReport) + Send>;

/// The run's engine, shared by every session of the run.
pub(super) struct Hub {
    engine: Mutex<Engine>,
    signal: Arc<Signal>,
    /// Events taken from the engine, by connection, with when they came.
    inbox: Mutex<HashMap<ConnectionId, VecDeque<(Instant, ConnectionEvent)>>>,
    next_request: AtomicU64,
    next_subscription: AtomicU32,
    /// A step failed somewhere: every session skips what is left.
    failed: AtomicBool,
    on_step: Mutex<StepWatcher>,
}

impl Hub {
    /// Starts the run's engine.
    pub(super) fn start(on_step: StepWatcher) -> Result<Self, RunError> {
        let signal = Arc::new(Signal::default());
        let waker = signal.clone();
        let engine = Engine::start(Arc::new(move || {
            *lock(&waker.count) += 1;
            waker.changed.notify_all();
        }))
        .map_err(|error| RunError::Engine(error.to_string()))?;
        Ok(Self {
            engine: Mutex::new(engine),
            signal,
            inbox: Mutex::default(),
            next_request: AtomicU64::new(1),
            next_subscription: AtomicU32::new(1),
            failed: AtomicBool::new(false),
            on_step: Mutex::new(on_step),
        })
    }

    /// Tells whoever watches the run of a step.
    pub(super) fn report(&self, report: &StepReport) {
        (lock(&self.on_step))(report);
    }

    pub(super) fn failed(&self) -> bool {
        self.failed.load(Ordering::SeqCst)
    }

    pub(super) fn fail(&self) {
        self.failed.store(true, Ordering::SeqCst);
    }

    fn send(&self, command: Command) -> Result<(), String> {
        lock(&self.engine).send(command).map_err(|error| error.to_string())
    }

    /// Sorts what the engine has into the per-connection queues.
    fn pump(&self) {
        let mut engine = lock(&self.engine);
        let mut inbox = lock(&self.inbox);
        let now = Instant::now();
        while let Some(event) = engine.try_recv() {
            if let EventKind::Connection { connection, event } = event.kind {
                inbox.entry(connection).or_default().push_back((now, event));
            }
        }
    }
}

/// One client of a run: its connection and what it received.
pub(super) struct Peer {
    pub(super) connection: ConnectionId,
    pub(super) received: Vec<(Instant, IncomingMessage)>,
    /// Messages before this one were matched by an earlier `Expect`.
    pub(super) cursor: usize,
    pub(super) last_publish_at: Option<Instant>,
    pub(super) connected: bool,
    /// What it connected with, its client id fixed once the broker
    /// accepted it (a `Connect` step resumes that session).
    pub(super) profile: Option<Box<ConnectionProfile>>,
}

impl Peer {
    pub(super) fn new(connection: ConnectionId) -> Self {
        Self { connection, received: Vec::new(), cursor: 0, last_publish_at: None, connected: false, profile: None }
    }
}

/// Some of the run's clients, as one thread of the run uses them.
pub(super) struct Session<'h> {
    pub(super) hub: &'h Hub,
    /// Its clients by name; never empty.
    pub(super) peers: Vec<(String, Peer)>,
    /// Index into `peers` of the client steps act as now.
    pub(super) current: usize,
    /// The scenario's variables, plus what `capture` took so far.
    pub(super) variables: BTreeMap<String, String>,
    /// The mock files the scenario's `Mock` steps name.
    pub(super) mock_files: &'h BTreeMap<String, crate::mock::MockFile>,
    /// What arrived instead, when the step running now failed an `Expect`.
    pub(super) arrived: Option<Box<super::runner::Arrived>>,
}

impl Session<'_> {
    pub(super) fn peer(&self) -> &Peer {
        &self.peers[self.current].1
    }

    pub(super) fn peer_mut(&mut self) -> &mut Peer {
        &mut self.peers[self.current].1
    }

    pub(super) fn connection(&self) -> ConnectionId {
        self.peer().connection
    }

    pub(super) fn send(&self, command: Command) -> Result<(), String> {
        self.hub.send(command)
    }

    /// The next event for the current client's connection, waiting at
    /// most until `deadline`; every own client's messages are kept as they
    /// pass (other events of the clients not acted as are dropped).
    pub(super) fn next(&mut self, deadline: Instant) -> Option<ConnectionEvent> {
        self.next_or_stop(deadline, false)
    }

    /// [`Session::next`], ending early (with `None`) when a step failed
    /// anywhere in the run: for the waits of `Expect` and `Wait`.
    pub(super) fn watch(&mut self, deadline: Instant) -> Option<ConnectionEvent> {
        self.next_or_stop(deadline, true)
    }

    fn next_or_stop(&mut self, deadline: Instant, stop_on_failure: bool) -> Option<ConnectionEvent> {
        loop {
            if stop_on_failure && self.hub.failed() {
                return None;
            }
            let seen = *lock(&self.hub.signal.count);
            self.hub.pump();
            {
                let mut inbox = lock(&self.hub.inbox);
                for (index, (_, peer)) in self.peers.iter_mut().enumerate() {
                    let Some(queue) = inbox.get_mut(&peer.connection) else { continue };
                    while let Some((at, event)) = queue.pop_front() {
                        if let ConnectionEvent::Messages(batch) = &event {
                            peer.received.extend(batch.iter().map(|(_, message)| (at, message.clone())));
                        }
                        if index == self.current {
                            return Some(event);
                        }
                    }
                }
            }
            let left = deadline.checked_duration_since(Instant::now())?;
            let count = lock(&self.hub.signal.count);
            if *count == seen {
                let wait = left.min(Duration::from_millis(50));
                let _ = self.hub.signal.changed.wait_timeout(count, wait);
            }
        }
    }

    /// Connects the current client and waits for its CONNACK.
    pub(super) fn connect(&mut self, profile: ConnectionProfile) -> Result<(), RunError> {
        let connect_wait = Duration::from_secs(u64::from(profile.connect_timeout_secs) + 2);
        let connection = self.connection();
        let mut kept = profile.clone();
        self.send(Command::Connect { connection, profile: Box::new(profile), subscriptions: Vec::new() })
            .map_err(RunError::Engine)?;
        let deadline = Instant::now() + connect_wait;
        loop {
            match self.next(deadline) {
                Some(ConnectionEvent::State(ConnectionState::Connected { client_id, .. })) => {
                    kept.client_id = client_id;
                    kept.random_client_id_suffix = false;
                    self.peer_mut().profile = Some(Box::new(kept));
                    break;
                }
                Some(ConnectionEvent::State(
                    ConnectionState::Reconnecting { error, .. } | ConnectionState::Failed(error),
                )) => {
                    let _ = self.send(Command::Disconnect { connection });
                    return Err(RunError::Unreachable(error.to_string()));
                }
                Some(_) => {}
                None => return Err(RunError::Unreachable(format!("no answer within {} s", connect_wait.as_secs()))),
            }
        }
        self.peer_mut().connected = true;
        Ok(())
    }

    /// Connects the current client again after a `Disconnect`.
    pub(super) fn reconnect(&mut self) -> Result<(), String> {
        if self.peer().connected {
            return Err("already connected (Connect follows a Disconnect)".into());
        }
        let profile = self.peer().profile.as_deref().cloned().ok_or("this client never connected")?;
        self.connect(profile).map_err(|error| error.to_string())
    }

    /// Disconnects the current client and waits until it is.
    pub(super) fn disconnect(&mut self, wait: Duration) -> Result<(), String> {
        self.send(Command::Disconnect { connection: self.connection() })?;
        self.peer_mut().connected = false;
        let deadline = Instant::now() + wait;
        loop {
            match self.next(deadline) {
                Some(ConnectionEvent::State(ConnectionState::Disconnected)) => return Ok(()),
                Some(_) => {}
                None => return Err("the disconnect did not finish".into()),
            }
        }
    }

    /// Subscribes and waits for the broker's answer.
    pub(super) fn subscribe(&mut self, filter: &str, level: Qos) -> Result<(), String> {
        validate_topic_filter(filter).map_err(|error| format!("'{filter}': {error}"))?;
        let id = SubscriptionId(self.hub.next_subscription.fetch_add(1, Ordering::Relaxed));
        let subscription = SubscriptionSpec { id, filter: filter.to_owned(), qos: level, options: Default::default() };
        self.send(Command::Subscribe { connection: self.connection(), subscription })?;
        let deadline = Instant::now() + ANSWER_WAIT;
        loop {
            match self.next(deadline) {
                Some(ConnectionEvent::Subscribed { subscription, outcome }) if subscription == id => {
                    return match outcome {
                        SubscribeOutcome::Granted(_) => Ok(()),
                        SubscribeOutcome::Refused(reason) => Err(format!("the broker refused '{filter}': {reason}")),
                    };
                }
                Some(ConnectionEvent::SubscriptionFailed { subscription, reason }) if subscription == id => {
                    return Err(format!("'{filter}' could not be sent: {reason}"));
                }
                Some(event) => lost(&event)?,
                None => return Err(format!("no SUBACK for '{filter}' within {} s", ANSWER_WAIT.as_secs())),
            }
        }
    }

    /// Publishes and waits until it is written (QoS 0) or acknowledged;
    /// the acknowledgement's round trip is the measured time.
    pub(super) fn publish(
        &mut self,
        topic: &str,
        payload: Vec<u8>,
        level: Qos,
        retain: bool,
        properties: MessageProperties,
    ) -> Result<Option<Duration>, String> {
        let id = PublishId::Request(RequestId(self.hub.next_request.fetch_add(1, Ordering::Relaxed)));
        let properties = (!properties.is_empty()).then(|| Box::new(properties));
        let request =
            PublishRequest { id, topic: topic.to_owned(), payload: payload.into(), qos: level, retain, properties };
        self.peer_mut().last_publish_at = Some(Instant::now());
        self.send(Command::Publish { connection: self.connection(), request })?;
        let deadline = Instant::now() + ANSWER_WAIT;
        loop {
            match self.next(deadline) {
                Some(ConnectionEvent::Delivery { request, outcome, round_trip }) if request == id => match outcome {
                    DeliveryOutcome::Received => {}
                    DeliveryOutcome::Written | DeliveryOutcome::Acknowledged | DeliveryOutcome::Completed => {
                        return Ok(round_trip);
                    }
                    DeliveryOutcome::Refused(reason) => return Err(format!("the broker refused it: {reason}")),
                    DeliveryOutcome::Failed(reason) => return Err(format!("not delivered: {reason}")),
                },
                Some(event) => lost(&event)?,
                None => return Err(format!("no acknowledgement within {} s", ANSWER_WAIT.as_secs())),
            }
        }
    }

    /// Puts the named mock files in force on the current client and waits
    /// until their subscriptions are granted.
    pub(super) fn set_mocks(&mut self, names: &[String]) -> Result<(), String> {
        let mut files = Vec::with_capacity(names.len());
        for name in names {
            let file = self.mock_files.get(name).ok_or_else(|| {
                format!("mock file '{name}' was not read (scenarios with mocks are run from their file)")
            })?;
            files.push(file.clone());
        }
        self.send(Command::SetMocks { connection: self.connection(), mocks: files })?;
        let deadline = Instant::now() + ANSWER_WAIT;
        let mut waiting: Option<Vec<(SubscriptionId, String)>> = None;
        loop {
            if waiting.as_ref().is_some_and(Vec::is_empty) {
                return Ok(());
            }
            match self.next(deadline) {
                Some(ConnectionEvent::Mock(MockReport::Listening { filters, .. })) if waiting.is_none() => {
                    waiting = Some(filters.into_iter().filter_map(|(filter, id)| Some((id?, filter))).collect());
                }
                Some(ConnectionEvent::Mock(MockReport::Stopped { reason })) => {
                    return Err(format!("the mocks did not start: {reason}"));
                }
                Some(ConnectionEvent::Subscribed { subscription, outcome }) => {
                    let Some(list) = waiting.as_mut() else { continue };
                    let Some(index) = list.iter().position(|(id, _)| *id == subscription) else { continue };
                    let (_, filter) = list.remove(index);
                    if let SubscribeOutcome::Refused(reason) = outcome {
                        return Err(format!("the broker refused the mock's filter '{filter}': {reason}"));
                    }
                }
                Some(event) => lost(&event)?,
                None => {
                    return Err(format!(
                        "the mocks' subscriptions were not granted within {} s",
                        ANSWER_WAIT.as_secs()
                    ));
                }
            }
        }
    }
}

/// A connection lost mid-step fails it.
pub(super) fn lost(event: &ConnectionEvent) -> Result<(), String> {
    match event {
        ConnectionEvent::State(ConnectionState::Reconnecting { error, .. } | ConnectionState::Failed(error)) => {
            Err(format!("the connection was lost: {error}"))
        }
        _ => Ok(()),
    }
}

/// A text with its placeholders filled from `variables`.
pub(super) fn render(text: &str, variables: &BTreeMap<String, String>) -> Result<String, String> {
    let template = Template::parse(text).map_err(|error| error.to_string())?;
    let context = RenderContext { variables, counter: 0, now: Utc::now() };
    template.render(&context, &mut rand::rng()).map_err(|error| error.to_string())
}
