//! Replaying recorded traffic: a recording is the JSON Lines the log
//! export and `sub --json` write (time, topic, payload as UTF-8 or base64,
//! QoS, retain, MQTT 5 properties). A replay sends the same messages in the
//! same order with the same relative timing — or N times faster, or as fast
//! as possible, under a rate limit — optionally under another topic prefix
//! and in a loop. The plan is computed here; sending is the caller's.

use std::time::Duration;

use base64::Engine as _;
use chrono::{DateTime, Utc};
use serde_json::Value;
use thiserror::Error;

use crate::mqtt::{MessageProperties, Qos};

/// Most messages one recording may hold.
pub const MAX_RECORDED: usize = 10_000_000;

/// One recorded message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// Time since the recording's first message.
    pub offset: Duration,
    /// Its topic.
    pub topic: String,
    /// Its payload bytes.
    pub payload: Vec<u8>,
    /// Its QoS.
    pub qos: Qos,
    /// Its retain flag.
    pub retain: bool,
    /// Its MQTT 5 properties (set by publishers; subscription ids left out).
    pub properties: Option<MessageProperties>,
}

/// Why a recording cannot be replayed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ReplayError {
    /// A line that is not a recorded message.
    #[error("{origin}:{line}: {message}")]
    Line {
        /// The file.
        origin: String,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// Nothing to replay.
    #[error("{0} holds no messages")]
    Empty(String),
    /// Too many messages.
    #[error("{0} holds more than {MAX_RECORDED} messages")]
    TooLarge(String),
}

fn field<'a>(object: &'a Value, name: &str) -> Result<&'a Value, String> {
    object.get(name).ok_or_else(|| format!("no \"{name}\""))
}

fn properties(value: Option<&Value>) -> Result<Option<MessageProperties>, String> {
    let Some(value) = value.filter(|value| !value.is_null()) else { return Ok(None) };
    let text = |name: &str| value.get(name).and_then(Value::as_str).map(str::to_owned);
    let correlation = match value.get("correlation_data_base64").and_then(Value::as_str) {
        Some(encoded) => Some(
            base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .map_err(|error| format!("correlation_data_base64 is not base64 ({error})"))?,
        ),
        None => None,
    };
    let user_properties = value
        .get("user_properties")
        .and_then(Value::as_array)
        .map(|pairs| {
            pairs
                .iter()
                .filter_map(|pair| Some((pair.get(0)?.as_str()?.to_owned(), pair.get(1)?.as_str()?.to_owned())))
                .collect()
        })
        .unwrap_or_default();
    let properties = MessageProperties {
        content_type: text("content_type"),
        response_topic: text("response_topic"),
        correlation_data: correlation,
        message_expiry_interval: value
            .get("message_expiry_interval")
            .and_then(Value::as_u64)
            .and_then(|v| u32::try_from(v).ok()),
        payload_format_indicator: value
            .get("payload_format_indicator")
            .and_then(Value::as_u64)
            .and_then(|v| u8::try_from(v).ok()),
        user_properties,
        subscription_identifiers: Vec::new(),
    };
    Ok((!properties.is_empty()).then_some(properties))
}

fn message(line: &str, first: &mut Option<DateTime<Utc>>, previous: Duration) -> Result<Recorded, String> {
    let object: Value = serde_json::from_str(line).map_err(|error| format!("not JSON ({error})"))?;
    let time = field(&object, "time")?.as_str().ok_or("\"time\" is not text")?;
    let time =
        DateTime::parse_from_rfc3339(time).map_err(|error| format!("\"time\" {time:?}: {error}"))?.with_timezone(&Utc);
    let start = *first.get_or_insert(time);
    // A clock that went back keeps the order: no negative waits.
    let offset = (time - start).to_std().unwrap_or(Duration::ZERO).max(previous);
    let topic = field(&object, "topic")?.as_str().ok_or("\"topic\" is not text")?.to_owned();
    crate::topic::validate_topic_name(&topic).map_err(|error| format!("topic {topic:?}: {error}"))?;
    let payload = field(&object, "payload")?.as_str().ok_or("\"payload\" is not text")?;
    let payload = match object.get("payload_encoding").and_then(Value::as_str).unwrap_or("utf-8") {
        "utf-8" => payload.as_bytes().to_vec(),
        "base64" => base64::engine::general_purpose::STANDARD
            .decode(payload)
            .map_err(|error| format!("payload is not base64 ({error})"))?,
        other => return Err(format!("payload_encoding {other:?} (utf-8 or base64)")),
    };
    let qos = object.get("qos").and_then(Value::as_u64).unwrap_or(0);
    let qos = u8::try_from(qos).ok().and_then(Qos::from_level).ok_or_else(|| format!("QoS {qos} does not exist"))?;
    let retain = object.get("retain").and_then(Value::as_bool).unwrap_or(false);
    Ok(Recorded { offset, topic, payload, qos, retain, properties: properties(object.get("properties"))? })
}

/// Reads a recording (JSON Lines; empty lines skipped). Only received
/// messages are replayed when the file marks directions (`"direction"`).
pub fn read_recording(text: &str, origin: &str) -> Result<Vec<Recorded>, ReplayError> {
    let mut messages = Vec::new();
    let mut first = None;
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        if messages.len() >= MAX_RECORDED {
            return Err(ReplayError::TooLarge(origin.to_owned()));
        }
        let outgoing = serde_json::from_str::<Value>(line)
            .ok()
            .is_some_and(|value| value.get("direction").and_then(Value::as_str) == Some("out"));
        if outgoing {
            continue;
        }
        let previous = messages.last().map_or(Duration::ZERO, |last: &Recorded| last.offset);
        let recorded = message(line, &mut first, previous).map_err(|message| ReplayError::Line {
            origin: origin.to_owned(),
            line: index + 1,
            message,
        })?;
        messages.push(recorded);
    }
    if messages.is_empty() {
        return Err(ReplayError::Empty(origin.to_owned()));
    }
    Ok(messages)
}

/// How to replay.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReplayPlan {
    /// `Some(2.0)`: twice as fast; `None`: as fast as possible.
    pub speed: Option<f64>,
    /// Put this in front of every topic (`lab/` turns `a/b` into `lab/a/b`).
    pub topic_prefix: Option<String>,
    /// At most this many messages per second.
    pub max_rate: Option<f64>,
}

impl ReplayPlan {
    /// When message `index` (with its recorded `offset`) is due, from the
    /// replay's start.
    pub fn due(&self, index: usize, offset: Duration) -> Duration {
        let timed = match self.speed {
            Some(speed) if speed > 0.0 => offset.div_f64(speed),
            _ => Duration::ZERO,
        };
        let paced = match self.max_rate {
            Some(rate) if rate > 0.0 => Duration::from_secs_f64(index as f64 / rate),
            _ => Duration::ZERO,
        };
        timed.max(paced)
    }

    /// The topic a recorded message is sent to.
    pub fn topic(&self, recorded: &str) -> String {
        match &self.topic_prefix {
            Some(prefix) => format!("{prefix}{recorded}"),
            None => recorded.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RECORDING: &str = r#"{"time":"2026-12-04T10:00:00.000Z","direction":"in","topic":"a/1","qos":1,"retain":false,"size":2,"payload_encoding":"utf-8","payload":"hi"}
{"time":"2026-12-04T10:00:00.250Z","direction":"out","topic":"mine","qos":0,"retain":false,"size":1,"payload_encoding":"utf-8","payload":"x"}

{"time":"2026-12-04T10:00:00.500Z","direction":"in","topic":"a/2","qos":0,"retain":true,"size":3,"payload_encoding":"base64","payload":"AP8B","properties":{"content_type":"bin","correlation_data_base64":"YzE=","user_properties":[["k","v"]],"subscription_identifiers":[3]}}
{"time":"2026-12-04T10:00:00.400Z","topic":"a/3","payload":"late clock"}
"#;

    #[test]
    fn a_recording_reads_back_with_offsets_bytes_and_properties() {
        let messages = read_recording(RECORDING, "rec.jsonl").unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(messages.len(), 3, "our own publishes are not replayed");
        assert_eq!(messages[0].offset, Duration::ZERO);
        assert_eq!((messages[0].qos, messages[0].payload.as_slice()), (Qos::AtLeastOnce, &b"hi"[..]));
        assert_eq!(messages[1].offset, Duration::from_millis(500));
        assert_eq!(messages[1].payload, vec![0, 255, 1]);
        assert!(messages[1].retain);
        let properties = messages[1].properties.clone().unwrap_or_default();
        assert_eq!(properties.correlation_data.as_deref(), Some(&b"c1"[..]));
        assert_eq!(properties.user_properties, vec![("k".to_owned(), "v".to_owned())]);
        assert!(properties.subscription_identifiers.is_empty(), "set by brokers, never sent");
        assert_eq!(messages[2].offset, Duration::from_millis(500), "a clock that went back keeps the order");
    }

    #[test]
    fn bad_lines_are_named_and_plans_time_each_message() {
        let error =
            read_recording("{\"time\":\"2026-12-04T10:00:00Z\",\"topic\":\"a/#\",\"payload\":\"x\"}", "r.jsonl").err();
        assert_eq!(
            error.map(|error| error.to_string()).as_deref(),
            Some("r.jsonl:1: topic \"a/#\": wildcard '#' is not allowed in a topic you publish to")
        );
        assert!(matches!(read_recording("\n\n", "e.jsonl"), Err(ReplayError::Empty(_))));
        let plan = ReplayPlan { speed: Some(2.0), topic_prefix: Some("lab/".into()), max_rate: None };
        assert_eq!(plan.due(5, Duration::from_secs(3)), Duration::from_millis(1500));
        assert_eq!(plan.topic("a/b"), "lab/a/b");
        let fastest = ReplayPlan { speed: None, topic_prefix: None, max_rate: Some(100.0) };
        assert_eq!(fastest.due(50, Duration::from_secs(3)), Duration::from_millis(500), "the rate limit paces it");
    }
}
