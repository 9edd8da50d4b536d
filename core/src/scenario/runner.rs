//! Runs a scenario against a broker on the engine the window and the CLI
//! use: each step passes or fails with its measured time, and a failed
//! `Expect` says what arrived instead. The first failed step ends the run
//! (the rest are reported skipped): later steps usually depend on it.

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
const CONNECTION: ConnectionId = ConnectionId(1);
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

/// The engine and what it reported so far.
struct Session {
    engine: Engine,
    woken: Receiver<()>,
    received: Vec<(Instant, IncomingMessage)>,
    /// Messages before this one were matched by an earlier `Expect`.
    cursor: usize,
    next_request: RequestId,
    next_subscription: u32,
    last_publish_at: Option<Instant>,
    connected: bool,
}

impl Session {
    /// The next event for this run's connection, waiting at most until
    /// `deadline`; messages are kept as they pass.
    fn next(&mut self, deadline: Instant) -> Option<ConnectionEvent> {
        loop {
            while let Some(event) = self.engine.try_recv() {
                let EventKind::Connection { connection, event } = event.kind else { continue };
                if connection != CONNECTION {
                    continue;
                }
                if let ConnectionEvent::Messages(batch) = &event {
                    let now = Instant::now();
                    self.received.extend(batch.iter().map(|(_, message)| (now, message.clone())));
                }
                return Some(event);
            }
            let left = deadline.checked_duration_since(Instant::now())?;
            let _ = self.woken.recv_timeout(left.min(Duration::from_millis(50)));
        }
    }

    fn send(&self, command: Command) -> Result<(), String> {
        self.engine.send(command).map_err(|error| error.to_string())
    }
}

fn render(text: &str, scenario: &Scenario) -> Result<String, String> {
    let template = Template::parse(text).map_err(|error| error.to_string())?;
    let context = RenderContext { variables: &scenario.variables, counter: 0, now: Utc::now() };
    template.render(&context, &mut rand::rng()).map_err(|error| error.to_string())
}

fn qos(level: u8) -> Qos {
    Qos::from_level(level).unwrap_or_default()
}

/// The step in a few words, placeholders filled where they can be.
fn label(step: &Step, scenario: &Scenario) -> String {
    let filled = |text: &str| render(text, scenario).unwrap_or_else(|_| text.to_owned());
    let step = match step {
        Step::Subscribe { filter, qos } => Step::Subscribe { filter: filled(filter), qos: *qos },
        Step::Publish { topic, payload, qos, retain } => {
            Step::Publish { topic: filled(topic), payload: payload.clone(), qos: *qos, retain: *retain }
        }
        Step::Expect(expectation) => {
            Step::Expect(Expectation { topic: filled(&expectation.topic), ..expectation.clone() })
        }
        other => other.clone(),
    };
    match &step {
        Step::Subscribe { filter, qos } => format!("Subscribe {filter} (QoS {qos})"),
        Step::Publish { topic, qos, .. } => format!("Publish {topic} (QoS {qos})"),
        Step::Expect(expectation) if expectation.not => {
            format!("Expect nothing on {} within {} ms", expectation.topic, expectation.within_ms)
        }
        Step::Expect(expectation) => format!("Expect {} within {} ms", expectation.topic, expectation.within_ms),
        Step::Wait { ms } => format!("Wait {ms} ms"),
        Step::Disconnect => "Disconnect".into(),
    }
}

/// Runs `scenario` with `profile` (its saved subscriptions are not used:
/// the scenario subscribes).
pub fn run(scenario: &Scenario, profile: ConnectionProfile) -> Result<ScenarioReport, RunError> {
    let started = Instant::now();
    let (wake, woken) = sync_channel::<()>(1);
    let engine = Engine::start(Arc::new(move || {
        let _ = wake.try_send(());
    }))
    .map_err(|error| RunError::Engine(error.to_string()))?;
    let mut session = Session {
        engine,
        woken,
        received: Vec::new(),
        cursor: 0,
        next_request: RequestId(1),
        next_subscription: 1,
        last_publish_at: None,
        connected: false,
    };
    let connect_wait = Duration::from_secs(u64::from(profile.connect_timeout_secs) + 2);
    session
        .send(Command::Connect { connection: CONNECTION, profile: Box::new(profile), subscriptions: Vec::new() })
        .map_err(RunError::Engine)?;
    let deadline = Instant::now() + connect_wait;
    loop {
        match session.next(deadline) {
            Some(ConnectionEvent::State(ConnectionState::Connected { .. })) => break,
            Some(ConnectionEvent::State(
                ConnectionState::Reconnecting { error, .. } | ConnectionState::Failed(error),
            )) => {
                let _ = session.send(Command::Disconnect { connection: CONNECTION });
                return Err(RunError::Unreachable(error.to_string()));
            }
            Some(_) => {}
            None => return Err(RunError::Unreachable(format!("no answer within {} s", connect_wait.as_secs()))),
        }
    }
    session.connected = true;
    let mut steps = Vec::with_capacity(scenario.steps.len());
    let mut failed = false;
    for (index, step) in scenario.steps.iter().enumerate() {
        let number = index + 1;
        if failed {
            steps.push(StepReport {
                number,
                label: label(step, scenario),
                status: StepStatus::Skipped,
                elapsed: Duration::ZERO,
                measured: None,
            });
            continue;
        }
        let step_started = Instant::now();
        let (status, measured) = match run_step(&mut session, scenario, step) {
            Ok(measured) => (StepStatus::Passed, measured),
            Err(reason) => {
                failed = true;
                (StepStatus::Failed(reason), None)
            }
        };
        steps.push(StepReport {
            number,
            label: label(step, scenario),
            status,
            elapsed: step_started.elapsed(),
            measured,
        });
    }
    if session.connected {
        let _ = session.send(Command::Disconnect { connection: CONNECTION });
        let deadline = Instant::now() + Duration::from_secs(2);
        while let Some(event) = session.next(deadline) {
            if matches!(event, ConnectionEvent::State(ConnectionState::Disconnected)) {
                break;
            }
        }
    }
    Ok(ScenarioReport { name: scenario.name.clone(), steps, elapsed: started.elapsed() })
}

fn run_step(session: &mut Session, scenario: &Scenario, step: &Step) -> Result<Option<Duration>, String> {
    if !session.connected && !matches!(step, Step::Wait { .. }) {
        return Err("not connected (an earlier step disconnected)".into());
    }
    match step {
        Step::Subscribe { filter, qos: level } => {
            let filter = render(filter, scenario)?;
            validate_topic_filter(&filter).map_err(|error| format!("'{filter}': {error}"))?;
            let id = SubscriptionId(session.next_subscription);
            session.next_subscription += 1;
            let subscription =
                SubscriptionSpec { id, filter: filter.clone(), qos: qos(*level), options: Default::default() };
            session.send(Command::Subscribe { connection: CONNECTION, subscription })?;
            let deadline = Instant::now() + ANSWER_WAIT;
            loop {
                match session.next(deadline) {
                    Some(ConnectionEvent::Subscribed { subscription, outcome }) if subscription == id => {
                        return match outcome {
                            SubscribeOutcome::Granted(_) => Ok(None),
                            SubscribeOutcome::Refused(reason) => {
                                Err(format!("the broker refused '{filter}': {reason}"))
                            }
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
        Step::Publish { topic, payload, qos: level, retain } => {
            let topic = render(topic, scenario)?;
            validate_topic_name(&topic).map_err(|error| format!("'{topic}': {error}"))?;
            let payload = render(payload, scenario)?;
            let id = PublishId::Request(session.next_request.take_next());
            let request = PublishRequest {
                id,
                topic: topic.clone(),
                payload: payload.into_bytes().into(),
                qos: qos(*level),
                retain: *retain,
                properties: None,
            };
            session.last_publish_at = Some(Instant::now());
            session.send(Command::Publish { connection: CONNECTION, request })?;
            let deadline = Instant::now() + ANSWER_WAIT;
            loop {
                match session.next(deadline) {
                    Some(ConnectionEvent::Delivery { request, outcome, round_trip }) if request == id => {
                        match outcome {
                            DeliveryOutcome::Received => {}
                            DeliveryOutcome::Written | DeliveryOutcome::Acknowledged | DeliveryOutcome::Completed => {
                                return Ok(round_trip);
                            }
                            DeliveryOutcome::Refused(reason) => return Err(format!("the broker refused it: {reason}")),
                            DeliveryOutcome::Failed(reason) => return Err(format!("not delivered: {reason}")),
                        }
                    }
                    Some(event) => lost(&event)?,
                    None => return Err(format!("no acknowledgement within {} s", ANSWER_WAIT.as_secs())),
                }
            }
        }
        Step::Expect(expectation) => expect(session, scenario, expectation),
        Step::Wait { ms } => {
            let deadline = Instant::now() + Duration::from_millis(*ms);
            while session.next(deadline).is_some() {}
            Ok(None)
        }
        Step::Disconnect => {
            session.send(Command::Disconnect { connection: CONNECTION })?;
            session.connected = false;
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

/// A connection lost mid-step fails it.
fn lost(event: &ConnectionEvent) -> Result<(), String> {
    match event {
        ConnectionEvent::State(ConnectionState::Reconnecting { error, .. } | ConnectionState::Failed(error)) => {
            Err(format!("the connection was lost: {error}"))
        }
        _ => Ok(()),
    }
}

fn expect(session: &mut Session, scenario: &Scenario, expectation: &Expectation) -> Result<Option<Duration>, String> {
    let filter = render(&expectation.topic, scenario)?;
    validate_topic_filter(&filter).map_err(|error| format!("'{filter}': {error}"))?;
    let started = Instant::now();
    let deadline = started + Duration::from_millis(expectation.within_ms);
    let from = session.last_publish_at.unwrap_or(started);
    let wanted = usize::try_from(expectation.count).unwrap_or(usize::MAX);
    let mut nearest: Option<(String, String)> = None;
    loop {
        let mut matched = Vec::new();
        for (index, (at, message)) in session.received.iter().enumerate().skip(session.cursor) {
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
                let (_, message) = &session.received[*index];
                return Err(format!(
                    "a message arrived on {}: {}",
                    message.topic,
                    crate::diff::short_text(&String::from_utf8_lossy(&message.payload), 200)
                ));
            }
        } else if matched.len() >= wanted {
            let (last_index, last_at) = matched[wanted - 1];
            session.cursor = last_index + 1;
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
