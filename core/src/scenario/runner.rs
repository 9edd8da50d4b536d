//! Runs a scenario against a broker on the engine the window and the CLI
//! use: each step passes or fails with its measured time, and a failed
//! `Expect` says what arrived instead. The first failed step ends the run
//! (the rest are reported skipped): later steps usually depend on it.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use thiserror::Error;

use super::matchers::{expected_payload, test_all};
use super::session::{ANSWER_WAIT, Hub, Peer, STOPPED, Session, lost, render};
use super::{Expectation, Scenario, Step};
use crate::ids::ConnectionId;
use crate::mqtt::{IncomingMessage, Qos};
use crate::profile::ConnectionProfile;
use crate::topic::{topic_matches, validate_topic_filter, validate_topic_name};

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
    /// A failed expectation: the nearest message that arrived instead.
    pub arrived: Option<Box<Arrived>>,
}

/// What arrived instead of an expected message, to compare with what was
/// expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arrived {
    /// Its topic.
    pub topic: String,
    /// Its payload (the first [`ARRIVED_BYTES_KEPT`] bytes).
    pub payload: Vec<u8>,
    /// What the matchers expected instead, when they say (see
    /// [`super::matchers::expected_payload`]).
    pub expected: Option<Vec<u8>>,
}

/// Most payload bytes a report keeps of what arrived instead.
pub const ARRIVED_BYTES_KEPT: usize = 1024 * 1024;

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

/// The client a scenario's steps act as unless an `As` block says otherwise.
pub const MAIN_CLIENT: &str = "main";

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
        Step::Connect => "Connect".into(),
        Step::Repeat { times, steps } => format!("Repeat {times} × {} steps", steps.len()),
        Step::Parallel(branches) => format!("Parallel: {} branches", branches.len()),
        Step::Mock(files) if files.is_empty() => "Mocks off".into(),
        Step::Mock(files) => format!("Mock {}", files.join(", ")),
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
    // main, then each extra client, each with its profile.
    let mut clients = vec![(MAIN_CLIENT.to_owned(), profile.clone())];
    for (name, saved) in &scenario.clients {
        let client_profile = match saved {
            Some(saved) => profiles(saved).map_err(RunError::Unreachable)?,
            None => ConnectionProfile { random_client_id_suffix: true, ..profile.clone() },
        };
        clients.push((name.clone(), client_profile));
    }
    let hub = Hub::start(on_step)?;
    let mut session = Session {
        hub: &hub,
        peers: Vec::new(),
        current: 0,
        variables: scenario.variables.clone(),
        mock_files: &scenario.mock_files,
        arrived: None,
    };
    for (index, (name, client_profile)) in clients.into_iter().enumerate() {
        session.peers.push((name.clone(), Peer::new(ConnectionId(index as u64 + 1))));
        session.current = index;
        session.connect(client_profile).map_err(|error| match error {
            RunError::Unreachable(reason) if index > 0 => RunError::Unreachable(format!("client '{name}': {reason}")),
            other => other,
        })?;
    }
    session.current = 0;
    let mut steps = Vec::with_capacity(scenario.steps.len());
    for (index, step) in scenario.steps.iter().enumerate() {
        run_reported(&mut session, step, index + 1, "", &mut steps);
    }
    for index in 0..session.peers.len() {
        session.current = index;
        if session.peer().connected {
            let _ = session.disconnect(Duration::from_secs(2));
        }
    }
    Ok(ScenarioReport { name: scenario.name.clone(), steps, elapsed: started.elapsed() })
}

/// Records a step's report and tells whoever watches the run.
fn push_report(session: &Session, reports: &mut Vec<StepReport>, report: StepReport) {
    session.hub.report(&report);
    reports.push(report);
}

/// Runs a step (a block's steps in turn, round by round, as another client
/// or in parallel) and reports it, or reports it skipped after a failure.
/// `prefix` names the enclosing blocks (`round 2/3 › `, `[device] `).
fn run_reported(session: &mut Session, step: &Step, number: usize, prefix: &str, reports: &mut Vec<StepReport>) {
    match step {
        Step::As { client, steps } => {
            let Some(index) = session.peers.iter().position(|(name, _)| name == client) else {
                // The file's check makes sure the client exists.
                let status = StepStatus::Failed(format!("no client named '{client}' in `clients`"));
                session.hub.fail();
                let label = format!("{prefix}As {client}");
                push_report(
                    session,
                    reports,
                    StepReport { number, label, status, elapsed: Duration::ZERO, measured: None, arrived: None },
                );
                return;
            };
            let before = std::mem::replace(&mut session.current, index);
            let inner = format!("{prefix}[{client}] ");
            for nested in steps {
                run_reported(session, nested, number, &inner, reports);
            }
            session.current = before;
        }
        Step::Repeat { times, steps } => {
            for round in 1..=*times {
                let inner = format!("{prefix}round {round}/{times} › ");
                for nested in steps {
                    run_reported(session, nested, number, &inner, reports);
                }
                if session.hub.failed() {
                    break;
                }
            }
        }
        Step::Parallel(branches) => run_parallel(session, branches, number, prefix, reports),
        _ => run_single(session, step, number, prefix, reports),
    }
}

/// Runs one step that is not a block.
fn run_single(session: &mut Session, step: &Step, number: usize, prefix: &str, reports: &mut Vec<StepReport>) {
    let label = format!("{prefix}{}", label(step, &session.variables));
    if session.hub.failed() {
        let report = StepReport {
            number,
            label,
            status: StepStatus::Skipped,
            elapsed: Duration::ZERO,
            measured: None,
            arrived: None,
        };
        push_report(session, reports, report);
        return;
    }
    let started = Instant::now();
    let (status, measured) = match run_step(session, step) {
        Ok(measured) => (StepStatus::Passed, measured),
        Err(reason) if reason == STOPPED => (StepStatus::Skipped, None),
        Err(reason) => {
            session.hub.fail();
            (StepStatus::Failed(reason), None)
        }
    };
    let arrived = session.arrived.take().filter(|_| matches!(status, StepStatus::Failed(_)));
    push_report(session, reports, StepReport { number, label, status, elapsed: started.elapsed(), measured, arrived });
}

/// Runs each branch on its own thread with the clients it acts as (the
/// file's check made sure no two branches share one). What the branches
/// capture is kept, in branch order; their steps are reported branch by
/// branch (live as they end).
fn run_parallel(session: &mut Session, branches: &[Step], number: usize, prefix: &str, reports: &mut Vec<StepReport>) {
    let current = session.peers[session.current].0.clone();
    let current = current.as_str();
    let mut lent: Vec<Vec<(usize, String, Peer)>> = Vec::new();
    for branch in branches {
        let mut names = Vec::new();
        super::clients_of(branch, current, &mut names);
        let mut own = Vec::new();
        for name in names {
            if let Some(index) = session.peers.iter().position(|(peer, _)| peer == name) {
                let stand_in = Peer::new(session.peers[index].1.connection);
                own.push((index, name.to_owned(), std::mem::replace(&mut session.peers[index].1, stand_in)));
            }
        }
        lent.push(own);
    }
    let (hub, mock_files, variables) = (session.hub, session.mock_files, &session.variables);
    let joined = std::thread::scope(|scope| {
        let mut handles = Vec::new();
        for (index, (branch, own)) in branches.iter().zip(lent.iter_mut()).enumerate() {
            let peers: Vec<(String, Peer)> = own
                .iter_mut()
                .map(|(_, name, peer)| (name.clone(), std::mem::replace(peer, Peer::new(peer.connection))))
                .collect();
            let inner = format!("{prefix}‖{} ", index + 1);
            let work = move || {
                let start = peers.iter().position(|(name, _)| *name == current).unwrap_or(0);
                let mut branch_session =
                    Session { hub, peers, current: start, variables: variables.clone(), mock_files, arrived: None };
                let mut branch_reports = Vec::new();
                if branch_session.peers.is_empty() {
                    // A branch that only waits acts as no client.
                    if let Step::Wait { ms } = branch {
                        let started = Instant::now();
                        std::thread::sleep(Duration::from_millis(*ms));
                        let label = format!("{inner}Wait {ms} ms");
                        let report = StepReport {
                            number,
                            label,
                            status: StepStatus::Passed,
                            elapsed: started.elapsed(),
                            measured: None,
                            arrived: None,
                        };
                        hub.report(&report);
                        branch_reports.push(report);
                    }
                } else {
                    run_reported(&mut branch_session, branch, number, &inner, &mut branch_reports);
                }
                (branch_reports, branch_session.variables, branch_session.peers)
            };
            handles.push(
                std::thread::Builder::new().name(format!("topicscope-branch-{}", index + 1)).spawn_scoped(scope, work),
            );
        }
        handles
            .into_iter()
            .map(|handle| match handle {
                Ok(handle) => handle.join().map_err(|_| "the branch's thread panicked".to_owned()),
                Err(error) => Err(format!("cannot start the branch's thread: {error}")),
            })
            .collect::<Vec<_>>()
    });
    let before = session.variables.clone();
    for ((index, result), own) in joined.into_iter().enumerate().zip(lent) {
        match result {
            Ok((branch_reports, branch_variables, peers)) => {
                for ((slot, _, _), (_, peer)) in own.into_iter().zip(peers) {
                    session.peers[slot].1 = peer;
                }
                // What the branch captured (a later branch wins a clash).
                for (name, value) in branch_variables {
                    if before.get(&name) != Some(&value) {
                        session.variables.insert(name, value);
                    }
                }
                reports.extend(branch_reports);
            }
            Err(reason) => {
                // Its clients stay stand-ins: the run is over.
                session.hub.fail();
                let label = format!("{prefix}‖{}", index + 1);
                let status = StepStatus::Failed(reason);
                let report =
                    StepReport { number, label, status, elapsed: Duration::ZERO, measured: None, arrived: None };
                push_report(session, reports, report);
            }
        }
    }
}

fn run_step(session: &mut Session, step: &Step) -> Result<Option<Duration>, String> {
    if !session.peer().connected && !matches!(step, Step::Wait { .. } | Step::Connect) {
        return Err("not connected (an earlier step disconnected)".into());
    }
    match step {
        Step::Subscribe { filter, qos: level } => {
            let filter = render(filter, &session.variables)?;
            session.subscribe(&filter, qos(*level))?;
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
            session.publish(&topic, payload.into_bytes(), qos(*level), *retain, properties)
        }
        Step::Request { topic, payload, response_topic, within_ms, matchers, capture } => {
            let topic = render(topic, &session.variables)?;
            validate_topic_name(&topic).map_err(|error| format!("'{topic}': {error}"))?;
            let response_topic = render(response_topic, &session.variables)?;
            validate_topic_name(&response_topic)
                .map_err(|error| format!("response topic '{response_topic}': {error}"))?;
            let payload = render(payload, &session.variables)?;
            session.subscribe(&response_topic, Qos::AtLeastOnce)?;
            let correlation = uuid::Uuid::new_v4().to_string();
            let properties = crate::mqtt::MessageProperties {
                response_topic: Some(response_topic.clone()),
                correlation_data: Some(correlation.clone().into_bytes()),
                ..Default::default()
            };
            session.publish(&topic, payload.into_bytes(), Qos::AtLeastOnce, false, properties)?;
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
        Step::Mock(files) => {
            session.set_mocks(files)?;
            Ok(None)
        }
        // Run by `run_reported`.
        Step::Repeat { .. } | Step::As { .. } | Step::Parallel(_) => Ok(None),
        Step::Wait { ms } => {
            let deadline = Instant::now() + Duration::from_millis(*ms);
            while session.watch(deadline).is_some() {}
            if session.hub.failed() {
                return Err(STOPPED.into());
            }
            Ok(None)
        }
        Step::Disconnect => session.disconnect(ANSWER_WAIT).map(|()| None),
        Step::Connect => session.reconnect().map(|()| None),
    }
}

fn expect(session: &mut Session, expectation: &Expectation) -> Result<Option<Duration>, String> {
    let filter = render(&expectation.topic, &session.variables)?;
    validate_topic_filter(&filter).map_err(|error| format!("'{filter}': {error}"))?;
    let started = Instant::now();
    let deadline = started + Duration::from_millis(expectation.within_ms);
    let from = session.peer().last_publish_at.unwrap_or(started);
    let wanted = usize::try_from(expectation.count).unwrap_or(usize::MAX);
    let mut nearest: Option<(usize, String)> = None;
    loop {
        let mut matched = Vec::new();
        let peer = session.peer();
        for (index, (at, message)) in peer.received.iter().enumerate().skip(peer.cursor) {
            if !topic_matches(&filter, &message.topic) {
                continue;
            }
            match test_all(&expectation.matchers, message) {
                Ok(()) => matched.push((index, *at)),
                Err(reason) => nearest = Some((index, reason)),
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
                Some((index, reason)) => {
                    let message = &session.peer().received[index].1;
                    let payload = String::from_utf8_lossy(&message.payload).into_owned();
                    let kept = message.payload.len().min(ARRIVED_BYTES_KEPT);
                    session.arrived = Some(Box::new(Arrived {
                        topic: message.topic.clone(),
                        payload: message.payload[..kept].to_vec(),
                        expected: expected_payload(&expectation.matchers, &message.payload),
                    }));
                    format!(
                        "{what} on {filter} within {} ms; the nearest was {} ({reason})",
                        expectation.within_ms,
                        crate::diff::short_text(&payload, 200)
                    )
                }
                None => format!("{what} on {filter} within {} ms; nothing arrived on it", expectation.within_ms),
            });
        }
        if session.hub.failed() {
            return Err(STOPPED.into());
        }
        if let Some(event) = session.watch(deadline) {
            lost(&event)?;
        }
    }
}
