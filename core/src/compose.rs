//! Turns the composer's draft into the message that is sent: placeholders
//! filled from the profile's variables and the built-ins, then the topic
//! checked and the payload encoded. The preview the composer shows is this
//! same value, and Publish sends it (not a second rendering).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use thiserror::Error;

use serde::{Deserialize, Serialize};

use crate::mqtt::MessageProperties;
use crate::mqtt::Qos;
use crate::payload::{PayloadError, PayloadFormat, encode_payload};
use crate::template::{Template, TemplateError};
use crate::topic::{TopicError, validate_topic_name};

/// The publish composer's fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishDraft {
    /// Topic to publish to.
    pub topic: String,
    /// Payload as typed.
    pub payload: String,
    /// How the payload text is encoded.
    pub format: PayloadFormat,
    /// QoS.
    pub qos: Qos,
    /// Retain flag.
    pub retain: bool,
    /// MQTT 5 publish properties.
    pub properties: DraftProperties,
}

impl PublishDraft {
    /// The fields templates are rendered from.
    pub fn text(&self) -> DraftText<'_> {
        DraftText { topic: &self.topic, payload: &self.payload, format: self.format, properties: &self.properties }
    }
}

impl Default for PublishDraft {
    fn default() -> Self {
        Self {
            topic: "topicscope/demo".into(),
            payload: "{\n  \"temperature\": 21.5,\n  \"unit\": \"C\"\n}".into(),
            format: PayloadFormat::Json,
            qos: Qos::AtMostOnce,
            retain: false,
            properties: DraftProperties::default(),
        }
    }
}

/// Drafts larger than this are resolved only when sent (not every frame).
pub const PREVIEW_LIMIT: usize = 256 * 1024;

/// A template that renders differently from one second to the next is
/// previewed again this often.
pub const TIME_PREVIEW_REFRESH_MS: i64 = 1_000;

/// The MQTT 5 publish properties a user sets on a message, as typed
/// (response topic and correlation data may hold placeholders, so a
/// request can carry `{{uuid}}`). Empty fields are not sent; on 3.1.1
/// connections nothing is.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct DraftProperties {
    /// MIME type of the payload ("application/json").
    pub content_type: String,
    /// Where a responder should answer.
    pub response_topic: String,
    /// Text linking a response to its request (sent as its UTF-8 bytes).
    pub correlation_data: String,
    /// Seconds until the broker discards the message.
    pub message_expiry_secs: Option<u32>,
    /// Declare the payload UTF-8 text (payload format indicator 1).
    pub payload_is_utf8: bool,
    /// Key/value pairs, in order.
    pub user_properties: Vec<(String, String)>,
    /// Request/response: subscribe to the response topic and match the
    /// reply carrying the same correlation data.
    pub await_response: bool,
}

impl DraftProperties {
    /// True when nothing would be sent.
    pub fn is_empty(&self) -> bool {
        self.content_type.is_empty()
            && self.response_topic.is_empty()
            && self.correlation_data.is_empty()
            && self.message_expiry_secs.is_none()
            && !self.payload_is_utf8
            && self.user_properties.is_empty()
    }

    /// How many fields are set (shown on the composer's properties toggle).
    pub fn count(&self) -> usize {
        [
            !self.content_type.is_empty(),
            !self.response_topic.is_empty(),
            !self.correlation_data.is_empty(),
            self.message_expiry_secs.is_some(),
            self.payload_is_utf8,
        ]
        .into_iter()
        .filter(|set| *set)
        .count()
            + self.user_properties.len()
    }
}

/// What the composer holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftText<'a> {
    /// Topic as typed (may hold placeholders).
    pub topic: &'a str,
    /// Payload as typed (may hold placeholders).
    pub payload: &'a str,
    /// How the payload text is encoded after rendering.
    pub format: PayloadFormat,
    /// MQTT 5 properties as typed.
    pub properties: &'a DraftProperties,
}

/// The message a draft becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedMessage {
    /// The topic to publish to.
    pub topic: String,
    /// The payload text after rendering (before encoding).
    pub payload_text: String,
    /// The payload bytes to send.
    pub payload: Vec<u8>,
    /// MQTT 5 properties to send, if any is set.
    pub properties: Option<MessageProperties>,
}

/// Why a draft cannot be sent.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ComposeError {
    /// A placeholder in the topic is wrong.
    #[error("topic: {0}")]
    TopicTemplate(TemplateError),
    /// A placeholder in the payload is wrong.
    #[error("payload: {0}")]
    PayloadTemplate(TemplateError),
    /// The rendered topic is not a valid topic name.
    #[error("topic: {0}")]
    Topic(#[from] TopicError),
    /// The rendered payload does not match its format.
    #[error("payload: {0}")]
    Payload(#[from] PayloadError),
    /// A placeholder in the response topic is wrong.
    #[error("response topic: {0}")]
    ResponseTopicTemplate(TemplateError),
    /// The rendered response topic is not a valid topic name.
    #[error("response topic: {0}")]
    ResponseTopic(TopicError),
    /// A placeholder in the correlation data is wrong.
    #[error("correlation data: {0}")]
    CorrelationTemplate(TemplateError),
    /// A user property's name is empty.
    #[error("user property {0}: the name is empty")]
    UserPropertyName(usize),
    /// Waiting for a response needs a response topic.
    #[error("a request needs a response topic")]
    RequestWithoutResponseTopic,
}

/// Does the text hold placeholders (so it needs rendering and a preview)?
pub fn has_placeholders(text: &str) -> bool {
    text.contains("{{")
}

/// Does the draft use a built-in that changes with time?
pub fn uses_time(draft: &DraftText<'_>) -> bool {
    let timed = |text: &str| text.contains("timestamp") || text.contains("iso_time");
    timed(draft.topic)
        || timed(draft.payload)
        || timed(&draft.properties.response_topic)
        || timed(&draft.properties.correlation_data)
}

/// Renders, checks and encodes a draft for message number `counter`.
pub fn resolve(
    draft: &DraftText<'_>,
    variables: &BTreeMap<String, String>,
    counter: u64,
    now: DateTime<Utc>,
    rng: &mut impl rand::Rng,
) -> Result<ResolvedMessage, ComposeError> {
    let context = crate::template::RenderContext { variables, counter, now };
    let mut fill = |text: &str| {
        if has_placeholders(text) {
            Template::parse(text).and_then(|template| template.render(&context, rng))
        } else {
            Ok(text.to_owned())
        }
    };
    let topic = fill(draft.topic).map_err(ComposeError::TopicTemplate)?;
    validate_topic_name(&topic)?;
    let payload_text = fill(draft.payload).map_err(ComposeError::PayloadTemplate)?;
    let payload = encode_payload(&payload_text, draft.format)?;
    let wanted = draft.properties;
    if wanted.await_response && wanted.response_topic.trim().is_empty() {
        return Err(ComposeError::RequestWithoutResponseTopic);
    }
    if let Some(index) = wanted.user_properties.iter().position(|(name, _)| name.is_empty()) {
        return Err(ComposeError::UserPropertyName(index + 1));
    }
    let properties = if wanted.is_empty() {
        None
    } else {
        let response_topic = match wanted.response_topic.as_str() {
            "" => None,
            text => {
                let rendered = fill(text).map_err(ComposeError::ResponseTopicTemplate)?;
                validate_topic_name(&rendered).map_err(ComposeError::ResponseTopic)?;
                Some(rendered)
            }
        };
        // A request needs correlation data to be matched: a fresh UUID when none is typed.
        let correlation_text = match (wanted.correlation_data.as_str(), wanted.await_response) {
            ("", false) => None,
            ("", true) => Some("{{uuid}}"),
            (text, _) => Some(text),
        };
        let correlation_data = match correlation_text {
            Some(text) => Some(fill(text).map_err(ComposeError::CorrelationTemplate)?.into_bytes()),
            None => None,
        };
        Some(MessageProperties {
            payload_format_indicator: wanted.payload_is_utf8.then_some(1),
            message_expiry_interval: wanted.message_expiry_secs,
            content_type: (!wanted.content_type.is_empty()).then(|| wanted.content_type.clone()),
            response_topic,
            correlation_data,
            user_properties: wanted.user_properties.clone(),
            subscription_identifiers: Vec::new(),
        })
    };
    Ok(ResolvedMessage { topic, payload_text, payload, properties })
}

/// The rendered draft the composer shows, kept until the draft, the
/// variables or the message number change (or, for time placeholders, a
/// second passes).
#[derive(Debug, Clone)]
pub struct Preview {
    topic: String,
    payload: String,
    format: PayloadFormat,
    properties: DraftProperties,
    variables: BTreeMap<String, String>,
    /// The message number it was rendered for.
    pub counter: u64,
    /// When it was rendered.
    pub rendered_at: DateTime<Utc>,
    /// The message, or why there is none.
    pub result: Result<ResolvedMessage, ComposeError>,
}

impl Preview {
    /// Renders a draft now.
    pub fn render(
        draft: &DraftText<'_>,
        variables: &BTreeMap<String, String>,
        counter: u64,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            topic: draft.topic.to_owned(),
            payload: draft.payload.to_owned(),
            format: draft.format,
            properties: draft.properties.clone(),
            variables: variables.clone(),
            counter,
            rendered_at: now,
            result: resolve(draft, variables, counter, now, &mut rand::rng()),
        }
    }

    /// Is this still the preview of that draft at `now`?
    pub fn is_current(
        &self,
        draft: &DraftText<'_>,
        variables: &BTreeMap<String, String>,
        counter: u64,
        now: DateTime<Utc>,
    ) -> bool {
        self.counter == counter
            && self.format == draft.format
            && self.topic == draft.topic
            && self.payload == draft.payload
            && self.properties == *draft.properties
            && self.variables == *variables
            && !(uses_time(draft) && (now - self.rendered_at).num_milliseconds() >= TIME_PREVIEW_REFRESH_MS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NO_PROPERTIES: &DraftProperties = &DraftProperties {
        content_type: String::new(),
        response_topic: String::new(),
        correlation_data: String::new(),
        message_expiry_secs: None,
        payload_is_utf8: false,
        user_properties: Vec::new(),
        await_response: false,
    };

    fn draft<'a>(topic: &'a str, payload: &'a str) -> DraftText<'a> {
        DraftText { topic, payload, format: PayloadFormat::Json, properties: NO_PROPERTIES }
    }

    #[test]
    fn properties_are_rendered_checked_and_left_out_when_empty() {
        let variables = BTreeMap::from([("site".to_owned(), "plant-2".to_owned())]);
        let now = Utc::now();
        let plain = resolve(&draft("t", "1"), &variables, 1, now, &mut rand::rng()).expect("valid");
        assert_eq!(plain.properties, None, "nothing set, nothing sent");
        let properties = DraftProperties {
            content_type: "application/json".into(),
            response_topic: "replies/{{site}}".into(),
            correlation_data: "req-{{counter}}".into(),
            message_expiry_secs: Some(30),
            payload_is_utf8: true,
            user_properties: vec![("k".into(), "v".into())],
            await_response: true,
        };
        assert_eq!(properties.count(), 6);
        let text = DraftText { properties: &properties, ..draft("t", "1") };
        let message = resolve(&text, &variables, 7, now, &mut rand::rng()).expect("valid");
        let sent = message.properties.expect("properties");
        assert_eq!(sent.response_topic.as_deref(), Some("replies/plant-2"));
        assert_eq!(sent.correlation_data.as_deref(), Some(&b"req-7"[..]));
        assert_eq!(
            (sent.content_type.as_deref(), sent.message_expiry_interval, sent.payload_format_indicator),
            (Some("application/json"), Some(30), Some(1))
        );
        assert_eq!(sent.user_properties, vec![("k".to_owned(), "v".to_owned())]);

        let wildcard = DraftProperties { response_topic: "replies/#".into(), ..properties.clone() };
        let error =
            resolve(&DraftText { properties: &wildcard, ..draft("t", "1") }, &variables, 1, now, &mut rand::rng())
                .expect_err("a response topic is a topic name");
        assert!(matches!(error, ComposeError::ResponseTopic(_)), "{error}");
        let unknown = DraftProperties { correlation_data: "{{nope}}".into(), ..properties.clone() };
        let error =
            resolve(&DraftText { properties: &unknown, ..draft("t", "1") }, &variables, 1, now, &mut rand::rng())
                .expect_err("unknown variable");
        assert_eq!(error.to_string(), "correlation data: unknown variable '{{nope}}' at position 1");
        let generated = DraftProperties { correlation_data: String::new(), ..properties.clone() };
        let message =
            resolve(&DraftText { properties: &generated, ..draft("t", "1") }, &variables, 1, now, &mut rand::rng())
                .expect("valid");
        let correlation = message.properties.and_then(|p| p.correlation_data).expect("a request gets correlation data");
        assert_eq!(correlation.len(), 36, "a UUID: {}", String::from_utf8_lossy(&correlation));
        let no_topic = DraftProperties { response_topic: String::new(), ..properties.clone() };
        let error =
            resolve(&DraftText { properties: &no_topic, ..draft("t", "1") }, &variables, 1, now, &mut rand::rng())
                .expect_err("a request needs somewhere to answer");
        assert_eq!(error, ComposeError::RequestWithoutResponseTopic);
        let unnamed = DraftProperties { user_properties: vec![(String::new(), "v".into())], ..properties };
        let error =
            resolve(&DraftText { properties: &unnamed, ..draft("t", "1") }, &variables, 1, now, &mut rand::rng())
                .expect_err("a user property needs a name");
        assert_eq!(error.to_string(), "user property 1: the name is empty");
    }

    #[test]
    fn the_payload_is_validated_after_rendering() {
        let variables = BTreeMap::from([("site".to_owned(), "plant-2".to_owned())]);
        let now = Utc::now();
        let message = resolve(&draft("t/{{site}}", r#"{"n": {{counter}}}"#), &variables, 3, now, &mut rand::rng())
            .expect("valid once rendered");
        assert_eq!(message.topic, "t/plant-2");
        assert_eq!(message.payload, br#"{"n": 3}"#);
        let error = resolve(&draft("t/{{site}}/#", "1"), &variables, 1, now, &mut rand::rng()).expect_err("wildcard");
        assert!(matches!(error, ComposeError::Topic(_)), "{error}");
        let error = resolve(&draft("t", "{{nope}}"), &variables, 1, now, &mut rand::rng()).expect_err("unknown");
        assert_eq!(error.to_string(), "payload: unknown variable '{{nope}}' at position 1");
    }

    #[test]
    fn a_preview_stays_until_something_it_depends_on_changes() {
        let variables = BTreeMap::from([("v".to_owned(), "1".to_owned())]);
        let start = Utc::now();
        let plain = draft("t", r#"{"v": {{v}}, "id": "{{uuid}}"}"#);
        let preview = Preview::render(&plain, &variables, 1, start);
        let later = start + chrono::Duration::seconds(5);
        assert!(preview.is_current(&plain, &variables, 1, later), "random values do not flicker");
        assert!(!preview.is_current(&plain, &variables, 2, start), "the next message renders again");
        assert!(!preview.is_current(&draft("t2", plain.payload), &variables, 1, start));
        let changed = BTreeMap::from([("v".to_owned(), "2".to_owned())]);
        assert!(!preview.is_current(&plain, &changed, 1, start));
        let timed = draft("t", "{{timestamp}}");
        let preview = Preview::render(&timed, &variables, 1, start);
        assert!(preview.is_current(&timed, &variables, 1, start + chrono::Duration::milliseconds(500)));
        assert!(!preview.is_current(&timed, &variables, 1, later), "time placeholders refresh");
    }
}
