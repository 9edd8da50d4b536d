//! What an expected message must look like: its exact payload, a value at
//! a JSON pointer (equal, present, in a range), a regular expression, its
//! QoS or retain flag. Each says in the user's words why a message did not
//! match, so a failed step shows what arrived instead.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::mqtt::IncomingMessage;

/// One condition on a received message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Matcher {
    /// The payload is exactly this text.
    Payload(String),
    /// The JSON payload has this value at the pointer (`/a/0/b`).
    JsonEquals {
        /// An RFC 6901 JSON pointer.
        pointer: String,
        /// The value expected there.
        value: Value,
    },
    /// The JSON payload has something at the pointer.
    JsonExists(String),
    /// The JSON payload has a number at the pointer within the bounds.
    JsonRange {
        /// An RFC 6901 JSON pointer.
        pointer: String,
        /// Smallest allowed value.
        #[serde(default)]
        min: Option<f64>,
        /// Largest allowed value.
        #[serde(default)]
        max: Option<f64>,
    },
    /// The payload (as text) matches this regular expression.
    Regex(String),
    /// It was delivered with this QoS.
    Qos(u8),
    /// Its retain flag is this.
    Retain(bool),
    /// MQTT 5: its content type is this.
    ContentType(String),
    /// MQTT 5: it carries this user property (key and value).
    UserProperty {
        /// The key.
        key: String,
        /// The value.
        value: String,
    },
    /// MQTT 5: its response topic is this.
    ResponseTopic(String),
    /// MQTT 5: its correlation data is this text.
    CorrelationData(String),
}

fn json(message: &IncomingMessage) -> Result<Value, String> {
    serde_json::from_slice(&message.payload).map_err(|error| format!("the payload is not JSON ({error})"))
}

fn at<'a>(document: &'a Value, pointer: &str) -> Result<&'a Value, String> {
    document.pointer(pointer).ok_or_else(|| format!("nothing at {pointer}"))
}

impl Matcher {
    /// Checks what a file cannot: pointers start with `/`, regular
    /// expressions compile, QoS exists, ranges are ordered.
    pub fn check(&self) -> Result<(), String> {
        let pointer_ok = |pointer: &str| {
            if pointer.is_empty() || pointer.starts_with('/') {
                Ok(())
            } else {
                Err(format!("JSON pointer '{pointer}' must start with '/'"))
            }
        };
        match self {
            Self::JsonEquals { pointer, .. } | Self::JsonExists(pointer) => pointer_ok(pointer),
            Self::JsonRange { pointer, min, max } => {
                pointer_ok(pointer)?;
                match (min, max) {
                    (Some(min), Some(max)) if min > max => Err(format!("range {min}..{max} is empty")),
                    (None, None) => Err("a range needs min, max or both".into()),
                    _ => Ok(()),
                }
            }
            Self::Regex(pattern) => {
                regex::Regex::new(pattern).map(drop).map_err(|error| format!("regular expression {pattern:?}: {error}"))
            }
            Self::Qos(qos) if *qos > 2 => Err(format!("QoS {qos} does not exist (0, 1 or 2)")),
            _ => Ok(()),
        }
    }

    /// `Ok` when `message` satisfies it, else why not.
    pub fn test(&self, message: &IncomingMessage) -> Result<(), String> {
        match self {
            Self::Payload(expected) => {
                if message.payload.as_ref() == expected.as_bytes() {
                    return Ok(());
                }
                // Two JSON documents: say which values differ, not just that they do.
                if let crate::diff::PayloadDiff::Json { changes, .. } =
                    crate::diff::diff_payloads(expected.as_bytes(), &message.payload)
                    && !changes.is_empty()
                {
                    let shown: Vec<String> = changes.iter().take(5).map(describe_change).collect();
                    let more = changes.len().saturating_sub(shown.len());
                    let more = if more > 0 { format!(" and {more} more") } else { String::new() };
                    return Err(format!("the JSON differs from the expected: {}{more}", shown.join("; ")));
                }
                Err(format!("payload is {:?}, expected {expected:?}", String::from_utf8_lossy(&message.payload)))
            }
            Self::JsonEquals { pointer, value } => {
                let document = json(message)?;
                let found = at(&document, pointer)?;
                // 21 and 21.0 are one number.
                let same = match (found.as_f64(), value.as_f64()) {
                    (Some(a), Some(b)) => a == b,
                    _ => found == value,
                };
                if same { Ok(()) } else { Err(format!("{pointer} is {found}, expected {value}")) }
            }
            Self::JsonExists(pointer) => at(&json(message)?, pointer).map(drop),
            Self::JsonRange { pointer, min, max } => {
                let document = json(message)?;
                let found = at(&document, pointer)?;
                let number = found.as_f64().ok_or_else(|| format!("{pointer} is {found}, not a number"))?;
                let above = min.is_none_or(|min| number >= min);
                let below = max.is_none_or(|max| number <= max);
                if above && below {
                    Ok(())
                } else {
                    let bound = |value: Option<f64>| value.map_or_else(String::new, |value| value.to_string());
                    Err(format!("{pointer} is {number}, expected {}..{}", bound(*min), bound(*max)))
                }
            }
            Self::Regex(pattern) => {
                let regex = regex::Regex::new(pattern).map_err(|error| error.to_string())?;
                let text = String::from_utf8_lossy(&message.payload);
                if regex.is_match(&text) { Ok(()) } else { Err(format!("payload does not match /{pattern}/")) }
            }
            Self::Qos(qos) => {
                let got = message.qos.level();
                if got == *qos { Ok(()) } else { Err(format!("QoS is {got}, expected {qos}")) }
            }
            Self::Retain(retain) => {
                if message.retain == *retain {
                    Ok(())
                } else {
                    Err(format!("retain is {}, expected {retain}", message.retain))
                }
            }
            Self::ContentType(expected) => {
                property("content type", properties(message).and_then(|p| p.content_type.clone()), expected)
            }
            Self::ResponseTopic(expected) => {
                property("response topic", properties(message).and_then(|p| p.response_topic.clone()), expected)
            }
            Self::CorrelationData(expected) => property(
                "correlation data",
                properties(message)
                    .and_then(|p| p.correlation_data.as_ref().map(|data| String::from_utf8_lossy(data).into_owned())),
                expected,
            ),
            Self::UserProperty { key, value } => {
                let pairs = properties(message).map(|p| p.user_properties.as_slice()).unwrap_or_default();
                if pairs.iter().any(|(k, v)| k == key && v == value) {
                    Ok(())
                } else {
                    let found: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
                    Err(format!(
                        "no user property {key}={value} (it has: {})",
                        if found.is_empty() { "none".into() } else { found.join(", ") }
                    ))
                }
            }
        }
    }
}

/// One JSON difference, expected → received: `/a is 2, expected 1`.
fn describe_change(change: &crate::diff::JsonChange) -> String {
    use crate::diff::JsonChangeKind;
    let at = if change.pointer.is_empty() { "the document" } else { change.pointer.as_str() };
    match &change.kind {
        JsonChangeKind::Added(value) => format!("{at} is {value}, not expected"),
        JsonChangeKind::Removed(value) => format!("{at} is missing, expected {value}"),
        JsonChangeKind::Changed { old, new } => format!("{at} is {new}, expected {old}"),
    }
}

fn properties(message: &IncomingMessage) -> Option<&crate::mqtt::MessageProperties> {
    message.properties.as_deref()
}

fn property(what: &str, found: Option<String>, expected: &str) -> Result<(), String> {
    match found {
        Some(found) if found == expected => Ok(()),
        Some(found) => Err(format!("{what} is {found:?}, expected {expected:?}")),
        None => Err(format!("no {what} (MQTT 5 property), expected {expected:?}")),
    }
}

/// Every matcher's verdict on a message: `Ok` when all hold, else the
/// first reason.
pub fn test_all(matchers: &[Matcher], message: &IncomingMessage) -> Result<(), String> {
    matchers.iter().try_for_each(|matcher| matcher.test(message))
}

/// What the matchers expected of a payload that arrived, to show beside
/// it as a diff: an exact `Payload`, or the arrived JSON with each
/// `JsonEquals` value put at its pointer. `None` when they say nothing
/// about the payload's content that way.
pub fn expected_payload(matchers: &[Matcher], arrived: &[u8]) -> Option<Vec<u8>> {
    if let Some(expected) = matchers.iter().find_map(|matcher| match matcher {
        Matcher::Payload(expected) => Some(expected),
        _ => None,
    }) {
        return Some(expected.clone().into_bytes());
    }
    let mut document: Value = serde_json::from_slice(arrived).ok()?;
    let mut applied = false;
    for matcher in matchers {
        let Matcher::JsonEquals { pointer, value } = matcher else { continue };
        if let Some(slot) = document.pointer_mut(pointer) {
            *slot = value.clone();
            applied = true;
            continue;
        }
        // Missing: put it into its parent object when there is one.
        let Some((parent, key)) = pointer.rsplit_once('/') else { continue };
        let key = key.replace("~1", "/").replace("~0", "~");
        if let Some(Value::Object(object)) = document.pointer_mut(parent) {
            object.insert(key, value.clone());
            applied = true;
        }
    }
    applied.then(|| serde_json::to_vec(&document).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_expected_payload_is_the_arrived_json_with_the_expected_values() {
        let matchers = [
            Matcher::JsonEquals { pointer: "/target".into(), value: serde_json::json!(21) },
            Matcher::JsonEquals { pointer: "/mode".into(), value: serde_json::json!("heat") },
            Matcher::Qos(1),
        ];
        let expected = expected_payload(&matchers, br#"{"target": 19, "unit": "C"}"#).unwrap_or_default();
        let expected: Value = serde_json::from_slice(&expected).unwrap_or_default();
        assert_eq!(expected, serde_json::json!({"target": 21, "unit": "C", "mode": "heat"}));
        assert_eq!(expected_payload(&[Matcher::Payload("on".into())], b"off"), Some(b"on".to_vec()));
        assert_eq!(expected_payload(&[Matcher::Qos(1)], b"{}"), None, "nothing said about the content");
        assert_eq!(expected_payload(&matchers, b"not json"), None);
    }
    use crate::mqtt::Qos;

    fn message(payload: &str) -> IncomingMessage {
        IncomingMessage {
            topic: "t".into(),
            payload: payload.to_owned().into_bytes().into(),
            qos: Qos::AtLeastOnce,
            retain: false,
            duplicate: false,
            packet_id: 1,
            properties: None,
        }
    }

    #[test]
    fn each_matcher_passes_and_fails_with_its_reason() {
        let reading = message(r#"{"target": 21.0, "mode": "heat", "ok": true}"#);
        let pass = [
            Matcher::JsonEquals { pointer: "/target".into(), value: serde_json::json!(21) },
            Matcher::JsonExists("/mode".into()),
            Matcher::JsonRange { pointer: "/target".into(), min: Some(20.0), max: Some(22.0) },
            Matcher::Regex("\"mode\":\\s*\"heat\"".into()),
            Matcher::Qos(1),
            Matcher::Retain(false),
        ];
        for matcher in &pass {
            assert_eq!(matcher.test(&reading), Ok(()), "{matcher:?}");
        }
        let fail = [
            (Matcher::Payload("x".into()), "payload is"),
            (
                Matcher::JsonEquals { pointer: "/mode".into(), value: serde_json::json!("cool") },
                "/mode is \"heat\", expected \"cool\"",
            ),
            (Matcher::JsonExists("/missing".into()), "nothing at /missing"),
            (
                Matcher::JsonRange { pointer: "/target".into(), min: None, max: Some(20.0) },
                "/target is 21, expected ..20",
            ),
            (
                Matcher::JsonRange { pointer: "/mode".into(), min: Some(1.0), max: None },
                "/mode is \"heat\", not a number",
            ),
            (Matcher::Regex("^cool".into()), "payload does not match /^cool/"),
            (Matcher::Qos(2), "QoS is 1, expected 2"),
            (Matcher::Retain(true), "retain is false, expected true"),
        ];
        for (matcher, reason) in &fail {
            let got = matcher.test(&reading).err().unwrap_or_default();
            assert!(got.starts_with(reason), "{matcher:?}: {got}");
        }
        assert!(
            Matcher::JsonExists("/a".into())
                .test(&message("not json"))
                .err()
                .unwrap_or_default()
                .starts_with("the payload is not JSON")
        );
    }
}
