//! Turns the composer's draft into the message that is sent: placeholders
//! filled from the profile's variables and the built-ins, then the topic
//! checked and the payload encoded. The preview the composer shows is this
//! same value, and Publish sends it (not a second rendering).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use thiserror::Error;

use crate::core::payload::{PayloadError, PayloadFormat, encode_payload};
use crate::core::template::{Template, TemplateError};
use crate::core::topic::{TopicError, validate_topic_name};

/// Drafts larger than this are resolved only when sent (not every frame).
pub const PREVIEW_LIMIT: usize = 256 * 1024;

/// A template that renders differently from one second to the next is
/// previewed again this often.
pub const TIME_PREVIEW_REFRESH_MS: i64 = 1_000;

/// What the composer holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftText<'a> {
    /// Topic as typed (may hold placeholders).
    pub topic: &'a str,
    /// Payload as typed (may hold placeholders).
    pub payload: &'a str,
    /// How the payload text is encoded after rendering.
    pub format: PayloadFormat,
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
}

/// Does the text hold placeholders (so it needs rendering and a preview)?
pub fn has_placeholders(text: &str) -> bool {
    text.contains("{{")
}

/// Does the draft use a built-in that changes with time?
pub fn uses_time(draft: &DraftText<'_>) -> bool {
    let timed = |text: &str| text.contains("timestamp") || text.contains("iso_time");
    timed(draft.topic) || timed(draft.payload)
}

/// Renders, checks and encodes a draft for message number `counter`.
pub fn resolve(
    draft: &DraftText<'_>,
    variables: &BTreeMap<String, String>,
    counter: u64,
    now: DateTime<Utc>,
    rng: &mut impl rand::Rng,
) -> Result<ResolvedMessage, ComposeError> {
    let context = crate::core::template::RenderContext { variables, counter, now };
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
    Ok(ResolvedMessage { topic, payload_text, payload })
}

/// The rendered draft the composer shows, kept until the draft, the
/// variables or the message number change (or, for time placeholders, a
/// second passes).
#[derive(Debug, Clone)]
pub struct Preview {
    topic: String,
    payload: String,
    format: PayloadFormat,
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
            && self.variables == *variables
            && !(uses_time(draft) && (now - self.rendered_at).num_milliseconds() >= TIME_PREVIEW_REFRESH_MS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft<'a>(topic: &'a str, payload: &'a str) -> DraftText<'a> {
        DraftText { topic, payload, format: PayloadFormat::Json }
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
