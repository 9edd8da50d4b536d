//! Test scenarios: "publish X, expect Y on Z within N ms", written down in
//! a readable RON file and run again tomorrow or in CI. This module holds
//! the file format and its parsing (errors as `file:line:col`); the
//! matchers are in [`matchers`], running them against a broker in
//! [`runner`].

pub mod matchers;
pub mod report;
pub mod runner;
mod session;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::mock::MockFile;

pub use self::matchers::Matcher;

/// One scenario file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// What it checks, in a few words (the test's name in reports).
    pub name: String,
    /// Why, for whoever reads the report.
    #[serde(default)]
    pub description: String,
    /// The saved profile to connect with (the runner's default otherwise).
    #[serde(default)]
    pub profile: Option<String>,
    /// Values for `{{name}}` placeholders in topics and payloads.
    #[serde(default)]
    pub variables: BTreeMap<String, String>,
    /// More clients for multi-client tests, by name: a saved profile, or
    /// `None` for the run's own broker settings (under its own client id).
    /// Steps act as `main` unless an `As` block names another.
    #[serde(default)]
    pub clients: BTreeMap<String, Option<String>>,
    /// What to do, in order.
    pub steps: Vec<Step>,
    /// The mock files `Mock` steps name, read by [`Scenario::load`].
    #[serde(skip)]
    pub mock_files: BTreeMap<String, MockFile>,
}

/// One step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Step {
    /// Subscribe and wait for the broker's answer (refused fails the step).
    Subscribe {
        /// The topic filter.
        filter: String,
        /// QoS 0, 1 or 2.
        #[serde(default)]
        qos: u8,
    },
    /// Publish and wait until it is sent (QoS 0) or acknowledged.
    Publish {
        /// The topic (placeholders filled).
        topic: String,
        /// The payload as text (placeholders filled).
        #[serde(default)]
        payload: String,
        /// QoS 0, 1 or 2.
        #[serde(default)]
        qos: u8,
        /// Retain it.
        #[serde(default)]
        retain: bool,
        /// MQTT 5 properties (placeholders filled).
        #[serde(default)]
        properties: PublishProperties,
    },
    /// Wait for messages that match.
    Expect(Expectation),
    /// MQTT 5 request/response: subscribe to the response topic, publish
    /// with it and fresh correlation data, wait for the reply carrying the
    /// same correlation data; the round trip is the step's measured time.
    Request {
        /// Where the request goes.
        topic: String,
        /// The request's payload.
        #[serde(default)]
        payload: String,
        /// Where the reply is expected.
        response_topic: String,
        /// How long to wait for the reply.
        #[serde(default = "default_within_ms")]
        within_ms: u64,
        /// Conditions on the reply.
        #[serde(default)]
        matchers: Vec<Matcher>,
        /// Values taken from the reply into variables (name → JSON pointer,
        /// `""` for the whole payload).
        #[serde(default)]
        capture: BTreeMap<String, String>,
    },
    /// Do nothing for a while.
    Wait {
        /// Milliseconds.
        ms: u64,
    },
    /// Disconnect cleanly (later steps have no connection until `Connect`).
    Disconnect,
    /// Connect again after a `Disconnect`, with the same settings and
    /// client id (so a kept session resumes); every client connects at the
    /// start without this step.
    Connect,
    /// These steps, as another client named in `clients`.
    As {
        /// The client's name.
        client: String,
        /// Its steps.
        steps: Vec<Step>,
    },
    /// These steps at the same time, each on its own thread: each entry
    /// is one branch (usually an `As` block), and no two branches may act
    /// as the same client. The block ends when every branch has.
    Parallel(Vec<Step>),
    /// Put these device mock files (paths relative to the scenario file)
    /// in force on the client, replacing any before; `Mock([])` stops them.
    /// The step ends when the mocks' subscriptions are granted.
    Mock(Vec<String>),
    /// These steps, this many times in a row (each round reported).
    Repeat {
        /// How many rounds (1 to 100,000).
        times: u32,
        /// The steps of one round.
        steps: Vec<Step>,
    },
}

/// What an `Expect` step waits for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expectation {
    /// A topic or filter the message must arrive on (placeholders filled);
    /// a subscription must cover it.
    pub topic: String,
    /// Every matcher must hold.
    #[serde(default)]
    pub matchers: Vec<Matcher>,
    /// How long to wait, from the step's start.
    #[serde(default = "default_within_ms")]
    pub within_ms: u64,
    /// How many matching messages must arrive (default 1).
    #[serde(default = "default_count")]
    pub count: u32,
    /// Nothing may match within the time (e.g. no alarm after a good value).
    #[serde(default)]
    pub not: bool,
    /// Values taken from the (last) matching message into variables for
    /// later steps: name → JSON pointer (`""` for the whole payload).
    #[serde(default)]
    pub capture: BTreeMap<String, String>,
}

/// MQTT 5 properties of a published message.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PublishProperties {
    /// Content type.
    pub content_type: Option<String>,
    /// Response topic.
    pub response_topic: Option<String>,
    /// Correlation data (text).
    pub correlation_data: Option<String>,
    /// Message expiry interval in seconds.
    pub message_expiry_secs: Option<u32>,
    /// User properties, in order.
    pub user_properties: Vec<(String, String)>,
}

fn default_within_ms() -> u64 {
    1_000
}

fn default_count() -> u32 {
    1
}

/// Longest wait a step may ask for (one hour): a typo must not hang CI.
pub const MAX_WAIT_MS: u64 = 3_600_000;

/// Why a scenario file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ScenarioError {
    /// Not valid RON for a scenario: where and why.
    #[error("{origin}:{line}:{column}: {message}")]
    Syntax {
        /// The file.
        origin: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser said.
        message: String,
    },
    /// The file (or a mock file it names) cannot be read.
    #[error("{origin}: {message}")]
    Read {
        /// The file.
        origin: String,
        /// Why.
        message: String,
    },
    /// Valid RON, but a step that cannot run.
    #[error("{origin}: step {step}: {message}")]
    Step {
        /// The file.
        origin: String,
        /// 1-based step number.
        step: usize,
        /// What is wrong.
        message: String,
    },
}

impl Scenario {
    /// Parses a scenario file's text; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Self, ScenarioError> {
        let scenario: Scenario = ron::from_str(text).map_err(|error| ScenarioError::Syntax {
            origin: origin.to_owned(),
            line: error.span.start.line,
            column: error.span.start.col,
            message: error.code.to_string(),
        })?;
        scenario.check(origin)?;
        Ok(scenario)
    }

    /// Reads and parses a scenario file, and the mock files its `Mock`
    /// steps name (relative to its folder).
    pub fn load(path: &std::path::Path) -> Result<Self, ScenarioError> {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|error| ScenarioError::Read {
            origin: origin.clone(),
            message: format!("cannot read it: {error}"),
        })?;
        let mut scenario = Self::parse(&text, &origin)?;
        let folder = path.parent().unwrap_or(std::path::Path::new(""));
        let mut named = Vec::new();
        for (index, step) in scenario.steps.iter().enumerate() {
            mock_paths(step, index + 1, &mut named);
        }
        for (step, name) in named {
            if scenario.mock_files.contains_key(&name) {
                continue;
            }
            let mock_path = folder.join(&name);
            let fail = |message: String| ScenarioError::Step { origin: origin.clone(), step, message };
            let text = std::fs::read_to_string(&mock_path)
                .map_err(|error| fail(format!("cannot read mock file {}: {error}", mock_path.display())))?;
            let file = MockFile::parse(&text, &mock_path.display().to_string())
                .map_err(|error| fail(format!("mock file {error}")))?;
            scenario.mock_files.insert(name, file);
        }
        Ok(scenario)
    }

    /// Checks what RON cannot: QoS levels, waits, regular expressions,
    /// topic filters, which client each branch of a `Parallel` acts as.
    fn check(&self, origin: &str) -> Result<(), ScenarioError> {
        let clients: Vec<&str> =
            std::iter::once(runner::MAIN_CLIENT).chain(self.clients.keys().map(String::as_str)).collect();
        for (index, step) in self.steps.iter().enumerate() {
            check_step(step, index + 1, origin, 0, &clients, runner::MAIN_CLIENT)?;
        }
        Ok(())
    }
}

/// The mock files a step (and its blocks) names, with its step number.
fn mock_paths(step: &Step, number: usize, found: &mut Vec<(usize, String)>) {
    match step {
        Step::Mock(files) => found.extend(files.iter().map(|file| (number, file.clone()))),
        Step::As { steps, .. } | Step::Repeat { steps, .. } | Step::Parallel(steps) => {
            for nested in steps {
                mock_paths(nested, number, found);
            }
        }
        _ => {}
    }
}

/// The clients a step acts as when `current` is the client around it.
pub(crate) fn clients_of<'a>(step: &'a Step, current: &'a str, found: &mut Vec<&'a str>) {
    match step {
        Step::As { client, steps } => {
            for nested in steps {
                clients_of(nested, client, found);
            }
        }
        Step::Repeat { steps, .. } | Step::Parallel(steps) => {
            for nested in steps {
                clients_of(nested, current, found);
            }
        }
        Step::Wait { .. } => {}
        _ => {
            if !found.contains(&current) {
                found.push(current);
            }
        }
    }
}

/// Most branches of one `Parallel` block.
pub const MAX_BRANCHES: usize = 16;

/// Deepest nesting of `Repeat` blocks.
const MAX_NESTING: usize = 8;
/// Most rounds one `Repeat` may ask for.
pub const MAX_REPEAT: u32 = 100_000;

/// Checks one step (and a block's steps, reported under the block's number).
fn check_step(
    step: &Step,
    number: usize,
    origin: &str,
    depth: usize,
    clients: &[&str],
    current: &str,
) -> Result<(), ScenarioError> {
    let fail = |step: usize, message: String| ScenarioError::Step { origin: origin.to_owned(), step, message };
    if matches!(step, Step::As { .. } | Step::Repeat { .. } | Step::Parallel(_)) && depth >= MAX_NESTING {
        return Err(fail(number, format!("blocks nested more than {MAX_NESTING} deep")));
    }
    match step {
        Step::As { client, steps } => {
            if !clients.contains(&client.as_str()) {
                return Err(fail(number, format!("no client named '{client}': add it to `clients`")));
            }
            for nested in steps {
                check_step(nested, number, origin, depth + 1, clients, client)?;
            }
        }
        Step::Parallel(branches) => {
            if !(2..=MAX_BRANCHES).contains(&branches.len()) {
                return Err(fail(
                    number,
                    format!("a parallel block has 2 to {MAX_BRANCHES} branches, not {}", branches.len()),
                ));
            }
            let mut taken: Vec<(&str, usize)> = Vec::new();
            for (index, branch) in branches.iter().enumerate() {
                check_step(branch, number, origin, depth + 1, clients, current)?;
                let mut used = Vec::new();
                clients_of(branch, current, &mut used);
                for client in used {
                    if let Some((_, other)) = taken.iter().find(|(name, _)| *name == client) {
                        return Err(fail(
                            number,
                            format!(
                                "branches {} and {} both act as '{client}': give each branch its own client (As)",
                                other + 1,
                                index + 1
                            ),
                        ));
                    }
                    taken.push((client, index));
                }
            }
        }
        Step::Mock(files) if files.iter().any(|file| file.trim().is_empty()) => {
            return Err(fail(number, "a mock file's path is empty".into()));
        }
        Step::Repeat { times, steps } => {
            if !(1..=MAX_REPEAT).contains(times) {
                return Err(fail(number, format!("repeat {times} times: 1 to {MAX_REPEAT}")));
            }
            for nested in steps {
                check_step(nested, number, origin, depth + 1, clients, current)?;
            }
        }
        Step::Subscribe { qos, .. } | Step::Publish { qos, .. } if *qos > 2 => {
            return Err(fail(number, format!("QoS {qos} does not exist (0, 1 or 2)")));
        }
        Step::Wait { ms } if *ms > MAX_WAIT_MS => {
            return Err(fail(number, format!("a wait of {ms} ms is longer than an hour")));
        }
        Step::Request { within_ms, matchers, .. } => {
            if *within_ms > MAX_WAIT_MS {
                return Err(fail(number, format!("within_ms {within_ms} is longer than an hour")));
            }
            for matcher in matchers {
                matcher.check().map_err(|message| fail(number, message))?;
            }
        }
        Step::Expect(expectation) => {
            if expectation.not && !expectation.capture.is_empty() {
                return Err(fail(number, "`not` expects nothing, so there is nothing to capture".into()));
            }
            if expectation.within_ms > MAX_WAIT_MS {
                return Err(fail(number, format!("within_ms {} is longer than an hour", expectation.within_ms)));
            }
            if expectation.count == 0 && !expectation.not {
                return Err(fail(number, "count 0 expects nothing: write `not: true` for that".into()));
            }
            for matcher in &expectation.matchers {
                matcher.check().map_err(|message| fail(number, message))?;
            }
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scenario_reads_from_ron_with_its_defaults() {
        let text = r#"(
            name: "thermostat answers",
            variables: {"unit": "7"},
            steps: [
                Subscribe(filter: "unit/{{unit}}/state", qos: 1),
                Publish(topic: "unit/{{unit}}/set", payload: "{\"target\": 21}", qos: 1),
                Expect((topic: "unit/{{unit}}/state", matchers: [JsonEquals(pointer: "/target", value: 21)])),
                Wait(ms: 10),
                Disconnect,
            ],
        )"#;
        let scenario = Scenario::parse(text, "t.ron").unwrap_or_else(|error| panic!("{error}"));
        let Step::Expect(expectation) = &scenario.steps[2] else { panic!("an expectation") };
        assert_eq!((expectation.within_ms, expectation.count, expectation.not), (1_000, 1, false));
        assert_eq!(scenario.variables["unit"], "7");
    }

    #[test]
    fn errors_say_file_line_and_column_or_the_step() {
        let error = Scenario::parse("(\n  name: \"x\",\n  steps: [Publish(topik: \"a\")],\n)", "bad.ron").err();
        let Some(ScenarioError::Syntax { line, column, .. }) = &error else { panic!("{error:?}") };
        assert_eq!((*line, *column), (3, 19), "the typo'd field: {error:?}");
        assert!(
            error
                .map(|error| error.to_string())
                .unwrap_or_default()
                .starts_with("bad.ron:3:19: Unexpected field named `topik`")
        );
        let error =
            Scenario::parse("(name: \"x\", steps: [Wait(ms: 1), Subscribe(filter: \"a\", qos: 3)])", "q.ron").err();
        assert_eq!(
            error.map(|error| error.to_string()).as_deref(),
            Some("q.ron: step 2: QoS 3 does not exist (0, 1 or 2)")
        );
        let error = Scenario::parse(
            "(name: \"x\", steps: [Expect((topic: \"a\", matchers: [Regex(\"(unclosed\")]))])",
            "r.ron",
        )
        .err()
        .map(|error| error.to_string())
        .unwrap_or_default();
        assert!(error.starts_with("r.ron: step 1: regular expression "), "{error}");
    }
}
