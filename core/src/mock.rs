//! Device mocks: rules that answer messages as a device, a cloud service or
//! a request/response peer would. When a message on a rule's filter
//! satisfies its matchers, a response is published — its topic and payload
//! templated with values captured from the message (`{{topic}}`,
//! `{{payload}}`, `{{level.N}}` of the topic, JSON pointers), after a delay,
//! with its QoS, retain and MQTT 5 properties; `reply: true` answers on the
//! request's response topic with its correlation data. This module decides
//! what to answer; a runner (the CLI's `mock`) sends it.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::mqtt::{IncomingMessage, MessageProperties, Qos};
use crate::scenario::Matcher;
use crate::scenario::matchers::test_all;
use crate::template::{RenderContext, Template};
use crate::topic::{topic_matches, validate_topic_filter};

/// A file of mock rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MockFile {
    /// What it mocks.
    pub name: String,
    /// Fixed values for placeholders.
    #[serde(default)]
    pub variables: BTreeMap<String, String>,
    /// The rules, tried in order: the first that matches answers.
    pub rules: Vec<MockRule>,
}

/// When to answer, and how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MockRule {
    /// The topic filter it listens on.
    pub filter: String,
    /// Every matcher must hold for the rule to answer.
    #[serde(default)]
    pub matchers: Vec<Matcher>,
    /// Values from the message for the response: name → JSON pointer
    /// (`""` for the whole payload).
    #[serde(default)]
    pub capture: BTreeMap<String, String>,
    /// The answer.
    pub respond: MockResponse,
}

/// A templated answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MockResponse {
    /// Where to publish it; ignored with `reply`.
    #[serde(default)]
    pub topic: String,
    /// Answer on the request's MQTT 5 response topic, with its
    /// correlation data.
    #[serde(default)]
    pub reply: bool,
    /// The payload template.
    #[serde(default)]
    pub payload: String,
    /// QoS 0, 1 or 2.
    #[serde(default)]
    pub qos: u8,
    /// Retain it.
    #[serde(default)]
    pub retain: bool,
    /// Wait this long first.
    #[serde(default)]
    pub delay_ms: u64,
    /// Content type (MQTT 5).
    #[serde(default)]
    pub content_type: Option<String>,
}

/// Longest delay a rule may ask for (one hour).
pub const MAX_DELAY_MS: u64 = 3_600_000;

/// Why a mock file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MockError {
    /// Not valid RON for a mock file.
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
    /// A rule that cannot work.
    #[error("{origin}: rule {rule}: {message}")]
    Rule {
        /// The file.
        origin: String,
        /// 1-based rule number.
        rule: usize,
        /// What is wrong.
        message: String,
    },
}

/// A message to send in answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockAnswer {
    /// 1-based number of the rule that answered.
    pub rule: usize,
    /// After this long.
    pub delay: Duration,
    /// To this topic.
    pub topic: String,
    /// These bytes.
    pub payload: Vec<u8>,
    /// With this QoS.
    pub qos: Qos,
    /// Retained or not.
    pub retain: bool,
    /// MQTT 5 properties (correlation data of a reply, content type).
    pub properties: Option<MessageProperties>,
}

impl MockFile {
    /// Parses a mock file; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Self, MockError> {
        let file: MockFile = ron::from_str(text).map_err(|error| MockError::Syntax {
            origin: origin.to_owned(),
            line: error.span.start.line,
            column: error.span.start.col,
            message: error.code.to_string(),
        })?;
        for (index, rule) in file.rules.iter().enumerate() {
            let fail = |message: String| MockError::Rule { origin: origin.to_owned(), rule: index + 1, message };
            validate_topic_filter(&rule.filter).map_err(|error| fail(format!("filter '{}': {error}", rule.filter)))?;
            for matcher in &rule.matchers {
                matcher.check().map_err(fail)?;
            }
            let respond = &rule.respond;
            if respond.qos > 2 {
                return Err(fail(format!("QoS {} does not exist (0, 1 or 2)", respond.qos)));
            }
            if respond.delay_ms > MAX_DELAY_MS {
                return Err(fail(format!("a delay of {} ms is longer than an hour", respond.delay_ms)));
            }
            if !respond.reply && respond.topic.trim().is_empty() {
                return Err(fail("say where to answer: `topic`, or `reply: true`".into()));
            }
            for text in [&respond.topic, &respond.payload] {
                Template::parse(text).map_err(|error| fail(error.to_string()))?;
            }
        }
        Ok(file)
    }

    /// The topic filters to subscribe to.
    pub fn filters(&self) -> Vec<String> {
        let mut filters: Vec<String> = self.rules.iter().map(|rule| rule.filter.clone()).collect();
        filters.dedup();
        filters
    }

    /// What to answer to `message`, if a rule matches: `Err` when the
    /// matching rule cannot fill its response (the reason, to report).
    pub fn answer(&self, message: &IncomingMessage) -> Option<Result<MockAnswer, String>> {
        let (index, rule) = self.rules.iter().enumerate().find(|(_, rule)| {
            topic_matches(&rule.filter, &message.topic) && test_all(&rule.matchers, message).is_ok()
        })?;
        Some(self.fill(index + 1, rule, message))
    }

    fn fill(&self, number: usize, rule: &MockRule, message: &IncomingMessage) -> Result<MockAnswer, String> {
        let mut variables = self.variables.clone();
        variables.insert("topic".into(), message.topic.clone());
        variables.insert("payload".into(), String::from_utf8_lossy(&message.payload).into_owned());
        for (index, level) in message.topic.split('/').enumerate() {
            variables.insert(format!("level.{index}"), level.to_owned());
        }
        crate::scenario::runner::capture_into(&mut variables, &rule.capture, message)?;
        let context = RenderContext { variables: &variables, counter: 0, now: chrono::Utc::now() };
        let render = |text: &str| {
            Template::parse(text)
                .and_then(|template| template.render(&context, &mut rand::rng()))
                .map_err(|error| error.to_string())
        };
        let respond = &rule.respond;
        let request = message.properties.as_deref();
        let (topic, correlation) = if respond.reply {
            let topic = request
                .and_then(|properties| properties.response_topic.clone())
                .ok_or("the message has no response topic to reply on (MQTT 5)")?;
            (topic, request.and_then(|properties| properties.correlation_data.clone()))
        } else {
            (render(&respond.topic)?, None)
        };
        crate::topic::validate_topic_name(&topic).map_err(|error| format!("answer topic '{topic}': {error}"))?;
        let properties = MessageProperties {
            correlation_data: correlation,
            content_type: respond.content_type.clone(),
            ..MessageProperties::default()
        };
        Ok(MockAnswer {
            rule: number,
            delay: Duration::from_millis(respond.delay_ms),
            topic,
            payload: render(&respond.payload)?.into_bytes(),
            qos: Qos::from_level(respond.qos).unwrap_or_default(),
            retain: respond.retain,
            properties: (!properties.is_empty()).then_some(properties),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(topic: &str, payload: &str, properties: Option<MessageProperties>) -> IncomingMessage {
        IncomingMessage {
            topic: topic.into(),
            payload: payload.to_owned().into_bytes().into(),
            qos: Qos::AtMostOnce,
            retain: false,
            duplicate: false,
            packet_id: 0,
            properties: properties.map(Box::new),
        }
    }

    const FILE: &str = r#"(
        name: "thermostat",
        variables: {"site": "A"},
        rules: [
            (filter: "dev/+/get", matchers: [JsonExists("/id")], capture: {"id": "/id"},
             respond: (topic: "dev/{{level.1}}/state", payload: "{\"id\": \"{{id}}\", \"site\": \"{{site}}\"}", delay_ms: 50, qos: 1)),
            (filter: "svc/echo", respond: (reply: true, payload: "echo: {{payload}}", content_type: Some("text/plain"))),
        ],
    )"#;

    #[test]
    fn rules_answer_with_captures_topic_levels_and_replies() {
        let mocks = MockFile::parse(FILE, "m.ron").unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(mocks.filters(), ["dev/+/get", "svc/echo"]);
        let answer = mocks.answer(&message("dev/7/get", r#"{"id": "t-1"}"#, None)).and_then(Result::ok);
        let answer = answer.unwrap_or_else(|| panic!("rule 1 answers"));
        assert_eq!((answer.rule, answer.topic.as_str(), answer.delay), (1, "dev/7/state", Duration::from_millis(50)));
        assert_eq!(String::from_utf8_lossy(&answer.payload), r#"{"id": "t-1", "site": "A"}"#);
        assert!(mocks.answer(&message("dev/7/get", "{}", None)).is_none(), "the matcher holds it back");
        let request = MessageProperties {
            response_topic: Some("svc/reply/9".into()),
            correlation_data: Some(b"c-9".to_vec()),
            ..MessageProperties::default()
        };
        let reply = mocks
            .answer(&message("svc/echo", "hi", Some(request)))
            .and_then(Result::ok)
            .unwrap_or_else(|| panic!("a reply"));
        assert_eq!(reply.topic, "svc/reply/9");
        assert_eq!(reply.properties.and_then(|p| p.correlation_data), Some(b"c-9".to_vec()));
        let error = mocks.answer(&message("svc/echo", "hi", None)).and_then(Result::err).unwrap_or_default();
        assert_eq!(error, "the message has no response topic to reply on (MQTT 5)");
    }

    #[test]
    fn bad_rules_are_named() {
        let error =
            MockFile::parse("(name: \"x\", rules: [(filter: \"a/#/b\", respond: (topic: \"t\"))])", "b.ron").err();
        assert!(
            error.map(|error| error.to_string()).unwrap_or_default().starts_with("b.ron: rule 1: filter 'a/#/b': ")
        );
        let error =
            MockFile::parse("(name: \"x\", rules: [(filter: \"a\", respond: (payload: \"p\"))])", "c.ron").err();
        assert_eq!(
            error.map(|error| error.to_string()).as_deref(),
            Some("c.ron: rule 1: say where to answer: `topic`, or `reply: true`")
        );
    }
}
