//! Runs a scenario against a broker on the engine the window and the CLI
//! use: each step passes or fails with its measured time, and a failed
//! `Expect` says what arrived instead. The first failed step ends the run
//! (the rest are reported skipped): later steps usually depend on it.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, sync_channel};
use std::time::{Duration, Instant};

use chrono::Utc;
use thiserror::Error;

use super::matchers::test_all;
use super::{Expectation, Scenario, Step};
use crate::engine::{
    Command, ConnectionEvent, ConnectionState, DeliveryOutcome, Engine, EventKind, PublishRequest, SubscribeOutcome,
    SubscriptionSpec,
};
use crate::ids::{ConnectionId, PublishId, RequestId, SubscriptionId};
use crate::mqtt::{IncomingMessage, Qos};
use crate::profile::ConnectionProfile;
use crate::template::{RenderContext, Template};
use crate::topic::{topic_matches, validate_topic_filter, validate_topic_name};

/// The one connection a run uses.
/// Longest a subscribe, publish or disconnect waits for the broker.
const ANSWER_WAIT: Duration = Duration::from_secs(10);

/// How a step ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepStatus {
    /// It did what it says.
    Passed,
    /// It did not: why, in the user's words.
    Failed(String),
    /// An earlier step failed.
    Skipped,
}

/// One step's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepReport {
    /// 1-based.
    pub number: usize,
    /// The step in a few words (`Expect unit/7/state within 2000 ms`).
    pub label: String,
    /// Passed, failed or skipped.
    pub status: StepStatus,
    /// How long the step took.
    pub elapsed: Duration,
    /// `Expect`: from the last publish (or the step's start) to the
    /// matching message; `Publish`: the broker's acknowledgement time.
    pub measured: Option<Duration>,
}

/// A whole run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioReport {
    /// The scenario's name.
    pub name: String,
    /// Every step, in order.
    pub steps: Vec<StepReport>,
    /// The whole run.
    pub elapsed: Duration,
}

impl ScenarioReport {
    /// True when no step failed.
    pub fn passed(&self) -> bool {
        self.steps.iter().all(|step| !matches!(step.status, StepStatus::Failed(_)))
    }
}

/// Why a scenario could not run at all.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RunError {
    /// The broker cannot be reached or refused the connection.
    #[error("cannot connect to the broker: {0}")]
    Unreachable(String),
    /// The network engine did not start or stopped.
    #[error("the network engine: {0}")]
    Engine(String),
}

/// One client of a run: its connection and what it received.
struct Peer {
    connection: ConnectionId,
    received: Vec<(Instant, IncomingMessage)>,
    /// Messages before this one were matched by an earlier `Expect`.
    cursor: usize,
    last_publish_at: Option<Instant>,
    connected: bool,
}

/// The engine and what it reported so far.
struct Session {
    engine: Engine,
    woken: Receiver<()>,
    /// The run's clients by name, `main` first; never empty.
    peers: Vec<(String, Peer)>,
    /// Index into `peers` of the client steps act as now.
    current: usize,
    next_request: RequestId,
    next_subscription: u32,
    /// The scenario's variables, plus what `capture` took so far.
    variables: BTreeMap<String, String>,
    /// Told of each step as it ends (the window shows runs live).
    on_step: Box<dyn FnMut(&StepReport) + Send>,
}

/// Records a step's report and tells whoever watches the run.
fn push_report(session: &mut Session, reports: &mut Vec<StepReport>, report: StepReport) {
    (session.on_step)(&report);
    reports.push(report);
}

/// The client a scenario's steps act as unless an `As` block says otherwise.
pub const MAIN_CLIENT: &str = "main";

impl Session {
    fn peer(&self) -> &Peer {
        &self.peers[self.current].1
    }

    fn peer_mut(&mut self) -> &mut Peer {
        &mut self.peers[self.current].1
    }

    fn connection(&self) -> ConnectionId {
        self.peer().connection
    }

    /// The next event for the current client's connection, waiting at
    /// most until `deadline`; every client's messages are kept as they pass.
    fn next(&mut self, deadline: Instant) -> Option<ConnectionEvent> {
        loop {
            while let Some(event) = self.engine.try_recv() {
                let EventKind::Connection { connection, event } = event.kind else { continue };
                let Some(index) = self.peers.iter().position(|(_, peer)| peer.connection == connection) else {
                    continue;
                };
                if let ConnectionEvent::Messages(batch) = &event {
                    let now = Instant::now();
                    self.peers[index].1.received.extend(batch.iter().map(|(_, message)| (now, message.clone())));
                }
                if index == self.current {
                    return Some(event);
                }
            }
            let left = deadline.checked_duration_since(Instant::now())?;
            let _ = self.woken.recv_timeout(left.min(Duration::from_millis(50)));
        }
    }

    fn send(&self, command: Command) -> Result<(), String> {
        self.engine.send(command).map_err(|error| error.to_string())
    }
}

fn render(text: &str, variables: &BTreeMap<String, String>) -> Result<String, String> {
    let template = Template::parse(text).map_err(|error| error.to_string())?;
    let context = RenderContext { variables, counter: 0, now: Utc::now() };
    template.render(&context, &mut rand::rng()).map_err(|error| error.to_string())
}

fn qos(level: u8) -> Qos {
    Qos::from_level(level).unwrap_or_default()
}

/// The step in a few words, placeholders filled where they can be.
fn label(step: &Step, variables: &BTreeMap<String, String>) -> String {
    let filled = |text: &str| render(text, variables).unwrap_or_else(|_| text.to_owned());
    match step {
        Step::Subscribe { filter, qos } => format!("Subscribe {} (QoS {qos})", filled(filter)),
        Step::Publish { topic, qos, .. } => format!("Publish {} (QoS {qos})", filled(topic)),
        Step::Request { topic, response_topic, within_ms, .. } => {
            format!("Request {} → {} within {within_ms} ms", filled(topic), filled(response_topic))
        }
        Step::Expect(expectation) if expectation.not => {
            format!("Expect nothing on {} within {} ms", filled(&expectation.topic), expectation.within_ms)
        }
        Step::Expect(expectation) => {
            format!("Expect {} within {} ms", filled(&expectation.topic), expectation.within_ms)
        }
        Step::Wait { ms } => format!("Wait {ms} ms"),
        Step::Disconnect => "Disconnect".into(),
        Step::Repeat { times, steps } => format!("Repeat {times} × {} steps", steps.len()),
        Step::As { client, steps } => format!("As {client}: {} steps", steps.len()),
    }
}

/// A captured value: the whole payload as text (`""`), or what a JSON
/// pointer finds (strings without their quotes).
fn captured(message: &IncomingMessage, pointer: &str) -> Result<String, String> {
    if pointer.is_empty() {
        return Ok(String::from_utf8_lossy(&message.payload).into_owned());
    }
    let document: serde_json::Value = serde_json::from_slice(&message.payload)
        .map_err(|error| format!("cannot capture {pointer}: not JSON ({error})"))?;
    match document.pointer(pointer) {
        Some(serde_json::Value::String(text)) => Ok(text.clone()),
        Some(other) => Ok(other.to_string()),
        None => Err(format!("cannot capture {pointer}: nothing there")),
    }
}

pub(crate) fn capture_into(
    variables: &mut BTreeMap<String, String>,
    captures: &BTreeMap<String, String>,
    message: &IncomingMessage,
) -> Result<(), String> {
    for (name, pointer) in captures {
        variables.insert(name.clone(), captured(message, pointer)?);
    }
    Ok(())
}

/// Runs `scenario` with `profile` (its saved subscriptions are not used:
/// the scenario subscribes). Extra clients the scenario names connect with
/// `profile` too, each under its own client id.
pub fn run(scenario: &Scenario, profile: ConnectionProfile) -> Result<ScenarioReport, RunError> {
    run_with(scenario, profile, &|name| Err(format!("no saved profile named '{name}' is known to this run")))
}

/// [`run`], with `profiles` naming the saved profiles a scenario's extra
/// clients may ask for.
pub fn run_with(
    scenario: &Scenario,
    profile: ConnectionProfile,
    profiles: &dyn Fn(&str) -> Result<ConnectionProfile, String>,
) -> Result<ScenarioReport, RunError> {
    run_watched(scenario, profile, profiles, Box::new(|_| {}))
}

/// [`run_with`], telling `on_step` of each step as it ends.
pub fn run_watched(
    scenario: &Scenario,
    profile: ConnectionProfile,
    profiles: &dyn Fn(&str) -> Result<ConnectionProfile, String>,
    on_step: Box<dyn FnMut(&StepReport) + Send>,
) -> Result<ScenarioReport, RunError> {
    let started = Instant::now();
    let (wake, woken) = sync_channel::<()>(1);
    let engine = Engine::start(Arc::new(move || {
        let _ = wake.try_send(());
    }))
    .map_err(|error| RunError::Engine(error.to_string()))?;
    // main, then each extra client, each with its profile.
    let mut clients = vec![(MAIN_CLIENT.to_owned(), profile.clone())];
    for (name, saved) in &scenario.clients {
        let client_profile = match saved {
            Some(saved) => profiles(saved).map_err(RunError::Unreachable)?,
            None => ConnectionProfile { random_client_id_suffix: true, ..profile.clone() },
        };
        clients.push((name.clone(), client_profile));
    }
    let mut session = Session {
        engine,
        woken,
        peers: Vec::new(),
        current: 0,
        next_request: RequestId(1),
        next_subscription: 1,
        variables: scenario.variables.clone(),
        on_step,
    };
    for (index, (name, client_profile)) in clients.into_iter().enumerate() {
        let connection = ConnectionId(index as u64 + 1);
        session.peers.push((
            name.clone(),
            Peer { connection, received: Vec::new(), cursor: 0, last_publish_at: None, connected: false },
        ));
        session.current = index;
        connect(&mut session, client_profile).map_err(|error| match error {
            RunError::Unreachable(reason) if index > 0 => RunError::Unreachable(format!("client '{name}': {reason}")),
            other => other,
        })?;
    }
    session.current = 0;
    let mut steps = Vec::with_capacity(scenario.steps.len());
    let mut failed = false;
    for (index, step) in scenario.steps.iter().enumerate() {
        run_reported(&mut session, step, index + 1, "", &mut steps, &mut failed);
    }
    for index in 0..session.peers.len() {
        session.current = index;
        if session.peer().connected {
            let _ = session.send(Command::Disconnect { connection: session.connection() });
            let deadline = Instant::now() + Duration::from_secs(2);
            while let Some(event) = session.next(deadline) {
                if matches!(event, ConnectionEvent::State(ConnectionState::Disconnected)) {
                    break;
                }
            }
        }
    }
    Ok(ScenarioReport { name: scenario.name.clone(), steps, elapsed: started.elapsed() })
}

/// Connects the current client and waits for its CONNACK.
fn connect(session: &mut Session, profile: ConnectionProfile) -> Result<(), RunError> {
    let connect_wait = Duration::from_secs(u64::from(profile.connect_timeout_secs) + 2);
    let connection = session.connection();
    session
        .send(Command::Connect { connection, profile: Box::new(profile), subscriptions: Vec::new() })
        .map_err(RunError::Engine)?;
    let deadline = Instant::now() + connect_wait;
    loop {
        match session.next(deadline) {
            Some(ConnectionEvent::State(ConnectionState::Connected { .. })) => break,
            Some(ConnectionEvent::State(
                ConnectionState::Reconnecting { error, .. } | ConnectionState::Failed(error),
            )) => {
                let _ = session.send(Command::Disconnect { connection });
                return Err(RunError::Unreachable(error.to_string()));
            }
            Some(_) => {}
            None => return Err(RunError::Unreachable(format!("no answer within {} s", connect_wait.as_secs()))),
        }
    }
    session.peer_mut().connected = true;
    Ok(())
}

/// Runs a step (a `Repeat` block's steps, each round in turn) and reports
/// it, or reports it skipped after a failure. `prefix` names the round of
/// the enclosing blocks (`round 2/3 › `).
fn run_reported(
    session: &mut Session,
    step: &Step,
    number: usize,
    prefix: &str,
    reports: &mut Vec<StepReport>,
    failed: &mut bool,
) {
    if let Step::As { client, steps } = step {
        let Some(index) = session.peers.iter().position(|(name, _)| name == client) else {
            push_report(
                session,
                reports,
                StepReport {
                    number,
                    label: format!("{prefix}As {client}"),
                    status: if *failed {
                        StepStatus::Skipped
                    } else {
                        StepStatus::Failed(format!("no client named '{client}' in `clients`"))
                    },
                    elapsed: Duration::ZERO,
                    measured: None,
                },
            );
            *failed = true;
            return;
        };
        let before = std::mem::replace(&mut session.current, index);
        let inner = format!("{prefix}[{client}] ");
        for nested in steps {
            run_reported(session, nested, number, &inner, reports, failed);
        }
        session.current = before;
        return;
    }
    if let Step::Repeat { times, steps } = step {
        for round in 1..=*times {
            let inner = format!("{prefix}round {round}/{times} › ");
            for nested in steps {
                run_reported(session, nested, number, &inner, reports, failed);
            }
            if *failed {
                break;
            }
        }
        return;
    }
    let step_label = format!("{prefix}{}", label(step, &session.variables));
    if *failed {
        push_report(
            session,
            reports,
            StepReport {
                number,
                label: step_label,
                status: StepStatus::Skipped,
                elapsed: Duration::ZERO,
                measured: None,
            },
        );
        return;
    }
    let started = Instant::now();
    let (status, measured) = match run_step(session, step) {
        Ok(measured) => (StepStatus::Passed, measured),
        Err(reason) => {
            *failed = true;
            (StepStatus::Failed(reason), None)
        }
    };
    push_report(
        session,
        reports,
        StepReport { number, label: step_label, status, elapsed: started.elapsed(), measured },
    );
}

fn run_step(session: &mut Session, step: &Step) -> Result<Option<Duration>, String> {
    if !session.peer().connected && !matches!(step, Step::Wait { .. } | Step::As { .. }) {
        return Err("not connected (an earlier step disconnected)".into());
    }
    match step {
        Step::Subscribe { filter, qos: level } => {
            let filter = render(filter, &session.variables)?;
            subscribe(session, &filter, qos(*level))?;
            Ok(None)
        }
        Step::Publish { topic, payload, qos: level, retain, properties } => {
            let topic = render(topic, &session.variables)?;
            validate_topic_name(&topic).map_err(|error| format!("'{topic}': {error}"))?;
            let payload = render(payload, &session.variables)?;
            let fill = |text: &Option<String>| text.as_ref().map(|text| render(text, &session.variables)).transpose();
            let properties = crate::mqtt::MessageProperties {
                content_type: fill(&properties.content_type)?,
                response_topic: fill(&properties.response_topic)?,
                correlation_data: fill(&properties.correlation_data)?.map(String::into_bytes),
                message_expiry_interval: properties.message_expiry_secs,
                user_properties: properties.user_properties.clone(),
                ..Default::default()
            };
            publish(session, &topic, payload.into_bytes(), qos(*level), *retain, properties)
        }
        Step::Request { topic, payload, response_topic, within_ms, matchers, capture } => {
            let topic = render(topic, &session.variables)?;
            validate_topic_name(&topic).map_err(|error| format!("'{topic}': {error}"))?;
            let response_topic = render(response_topic, &session.variables)?;
            validate_topic_name(&response_topic)
                .map_err(|error| format!("response topic '{response_topic}': {error}"))?;
            let payload = render(payload, &session.variables)?;
            subscribe(session, &response_topic, Qos::AtLeastOnce)?;
            let correlation = uuid::Uuid::new_v4().to_string();
            let properties = crate::mqtt::MessageProperties {
                response_topic: Some(response_topic.clone()),
                correlation_data: Some(correlation.clone().into_bytes()),
                ..Default::default()
            };
            publish(session, &topic, payload.into_bytes(), Qos::AtLeastOnce, false, properties)?;
            let reply = Expectation {
                topic: response_topic,
                matchers: std::iter::once(super::Matcher::CorrelationData(correlation))
                    .chain(matchers.iter().cloned())
                    .collect(),
                within_ms: *within_ms,
                count: 1,
                not: false,
                capture: capture.clone(),
            };
            expect(session, &reply)
        }
        Step::Expect(expectation) => expect(session, expectation),
        // Run by `run_reported`, round by round or as another client.
        Step::Repeat { .. } | Step::As { .. } => Ok(None),
        Step::Wait { ms } => {
            let deadline = Instant::now() + Duration::from_millis(*ms);
            while session.next(deadline).is_some() {}
            Ok(None)
        }
        Step::Disconnect => {
            session.send(Command::Disconnect { connection: session.connection() })?;
            session.peer_mut().connected = false;
            let deadline = Instant::now() + ANSWER_WAIT;
            loop {
                match session.next(deadline) {
                    Some(ConnectionEvent::State(ConnectionState::Disconnected)) => return Ok(None),
                    Some(_) => {}
                    None => return Err("the disconnect did not finish".into()),
                }
            }
        }
    }
}

/// Subscribes and waits for the broker's answer.
fn subscribe(session: &mut Session, filter: &str, level: Qos) -> Result<(), String> {
    validate_topic_filter(filter).map_err(|error| format!("'{filter}': {error}"))?;
    let id = SubscriptionId(session.next_subscription);
    session.next_subscription += 1;
    let subscription = SubscriptionSpec { id, filter: filter.to_owned(), qos: level, options: Default::default() };
    session.send(Command::Subscribe { connection: session.connection(), subscription })?;
    let deadline = Instant::now() + ANSWER_WAIT;
    loop {
        match session.next(deadline) {
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

/// Publishes and waits until it is written (QoS 0) or acknowledged; the
/// acknowledgement's round trip is the measured time.
fn publish(
    session: &mut Session,
    topic: &str,
    payload: Vec<u8>,
    level: Qos,
    retain: bool,
    properties: crate::mqtt::MessageProperties,
) -> Result<Option<Duration>, String> {
    let id = PublishId::Request(session.next_request.take_next());
    let properties = (!properties.is_empty()).then(|| Box::new(properties));
    let request =
        PublishRequest { id, topic: topic.to_owned(), payload: payload.into(), qos: level, retain, properties };
    session.peer_mut().last_publish_at = Some(Instant::now());
    session.send(Command::Publish { connection: session.connection(), request })?;
    let deadline = Instant::now() + ANSWER_WAIT;
    loop {
        match session.next(deadline) {
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

/// A connection lost mid-step fails it.
fn lost(event: &ConnectionEvent) -> Result<(), String> {
    match event {
        ConnectionEvent::State(ConnectionState::Reconnecting { error, .. } | ConnectionState::Failed(error)) => {
            Err(format!("the connection was lost: {error}"))
        }
        _ => Ok(()),
    }
}

fn expect(session: &mut Session, expectation: &Expectation) -> Result<Option<Duration>, String> {
    let filter = render(&expectation.topic, &session.variables)?;
    validate_topic_filter(&filter).map_err(|error| format!("'{filter}': {error}"))?;
    let started = Instant::now();
    let deadline = started + Duration::from_millis(expectation.within_ms);
    let from = session.peer().last_publish_at.unwrap_or(started);
    let wanted = usize::try_from(expectation.count).unwrap_or(usize::MAX);
    let mut nearest: Option<(String, String)> = None;
    loop {
        let mut matched = Vec::new();
        let peer = session.peer();
        for (index, (at, message)) in peer.received.iter().enumerate().skip(peer.cursor) {
            if !topic_matches(&filter, &message.topic) {
                continue;
            }
            match test_all(&expectation.matchers, message) {
                Ok(()) => matched.push((index, *at)),
                Err(reason) => nearest = Some((String::from_utf8_lossy(&message.payload).into_owned(), reason)),
            }
        }
        if expectation.not {
            if let Some((index, _)) = matched.first() {
                let (_, message) = &session.peer().received[*index];
                return Err(format!(
                    "a message arrived on {}: {}",
                    message.topic,
                    crate::diff::short_text(&String::from_utf8_lossy(&message.payload), 200)
                ));
            }
        } else if matched.len() >= wanted {
            let (last_index, last_at) = matched[wanted - 1];
            session.peer_mut().cursor = last_index + 1;
            let message = session.peer().received[last_index].1.clone();
            capture_into(&mut session.variables, &expectation.capture, &message)?;
            return Ok(Some(last_at.saturating_duration_since(from)));
        }
        if Instant::now() >= deadline {
            if expectation.not {
                return Ok(None);
            }
            let got = matched.len();
            let what = if wanted == 1 {
                "no matching message".to_owned()
            } else {
                format!("{got} of {wanted} matching messages")
            };
            return Err(match nearest {
                Some((payload, reason)) => format!(
                    "{what} on {filter} within {} ms; the nearest was {} ({reason})",
                    expectation.within_ms,
                    crate::diff::short_text(&payload, 200)
                ),
                None => format!("{what} on {filter} within {} ms; nothing arrived on it", expectation.within_ms),
            });
        }
        if let Some(event) = session.next(deadline) {
            lost(&event)?;
        }
    }
}
