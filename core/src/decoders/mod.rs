//! Payload decoding by rule: a profile's table of topic filter → decoder
//! (protobuf from the user's schemas, Sparkplug B, CBOR, MessagePack, JSON,
//! text, hex, image, raw) decides how each message is read, and every view
//! — log preview, inspector, history, diff, charts, export, `sub` — asks
//! the same [`PayloadDecoders`]. A decode that fails says why (offset,
//! field); the raw bytes are always kept.

pub mod binary;
pub mod image;
pub mod previews;
pub mod proto_tree;
mod proto_wire;
pub mod protobuf;
pub mod rules;
pub mod sparkplug;
pub mod sparkplug_namespace;

use std::sync::Arc;

use serde_json::Value as Json;

pub use self::proto_tree::{DecodedField, DecodedMessage, DecodedValue};
pub use self::protobuf::{ProtoDecodeError, ProtoSchemas, SchemaError};
pub use self::rules::{DecoderRule, DecoderSettings, DecoderTable, PayloadDecoder, RuleError, SPARKPLUG_FILTER};
use self::sparkplug::{HostState, MessageKind, SparkplugPayload};

/// Why a payload is not what its rule says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeFailure {
    /// The decoder tried, as the UI names it (`protobuf pkg.Msg`).
    pub decoder: String,
    /// The explanation, in the user's terms with the detail after it.
    pub reason: String,
    /// Byte offset of the first broken part, when known.
    pub offset: Option<usize>,
    /// The field path, when known.
    pub field: Option<String>,
}

impl std::fmt::Display for DecodeFailure {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "not {}: {}", self.decoder, self.reason)
    }
}

/// A payload read by its rule.
#[derive(Debug, Clone, PartialEq)]
pub enum Decoded {
    /// No rule: the views read it as they always did (JSON, text, bytes).
    Auto,
    /// The rule asks to see the bytes themselves (text, hex, raw, image).
    Bytes(PayloadDecoder),
    /// JSON, CBOR or MessagePack, as a JSON value.
    Json(Json),
    /// A protobuf message.
    Protobuf(DecodedMessage),
    /// A Sparkplug B payload.
    Sparkplug(SparkplugPayload),
    /// A Sparkplug host application's `STATE`.
    SparkplugState(HostState),
    /// The rule's decoder refused the payload.
    Failed(DecodeFailure),
}

impl Decoded {
    /// The decoded form as JSON (what charts, diffs, exports and
    /// `sub --decode` use); `None` when there is nothing decoded.
    pub fn json(&self) -> Option<Json> {
        match self {
            Self::Json(value) => Some(value.clone()),
            Self::Protobuf(message) => Some(message.to_json()),
            Self::Sparkplug(payload) => Some(payload.to_json()),
            Self::SparkplugState(state) => {
                let mut object = serde_json::Map::new();
                object.insert("online".into(), Json::Bool(state.online));
                if let Some(timestamp) = state.timestamp {
                    object.insert("timestamp".into(), Json::from(timestamp));
                }
                Some(Json::Object(object))
            }
            Self::Auto | Self::Bytes(_) | Self::Failed(_) => None,
        }
    }

    /// One line for the log's payload column, at most `max_chars`
    /// characters; `None` when the plain preview serves.
    pub fn preview(&self, max_chars: usize) -> Option<String> {
        match self {
            Self::Failed(failure) => Some(crate::diff::short_text(&failure.to_string(), max_chars)),
            other => other.json().map(|value| crate::diff::short_json(&value, max_chars)),
        }
    }

    /// The failure, when the decoder refused the payload.
    pub fn failure(&self) -> Option<&DecodeFailure> {
        match self {
            Self::Failed(failure) => Some(failure),
            _ => None,
        }
    }
}

/// The decoders in force for one connection: its rule table and compiled
/// schemas. Cheap to clone and share across threads.
#[derive(Debug, Clone, Default)]
pub struct PayloadDecoders {
    table: DecoderTable,
    schemas: Arc<ProtoSchemas>,
}

fn failure(decoder: &PayloadDecoder, reason: impl Into<String>) -> Decoded {
    Decoded::Failed(DecodeFailure { decoder: decoder.label(), reason: reason.into(), offset: None, field: None })
}

fn proto_failure(decoder: &PayloadDecoder, error: ProtoDecodeError) -> Decoded {
    match error {
        ProtoDecodeError::Invalid { offset, field, reason, .. } => {
            Decoded::Failed(DecodeFailure { decoder: decoder.label(), reason, offset, field })
        }
        unknown @ ProtoDecodeError::UnknownType(_) => failure(decoder, unknown.to_string()),
    }
}

impl PayloadDecoders {
    /// Decoders from settings and the schemas loaded for them (loading
    /// reads files: the caller does it off the UI thread).
    pub fn new(settings: &DecoderSettings, schemas: ProtoSchemas) -> Self {
        Self::with_shared(settings, Arc::new(schemas))
    }

    /// Decoders sharing schemas already loaded (a rule edit rebuilds the
    /// table without reading the schemas again).
    pub fn with_shared(settings: &DecoderSettings, schemas: Arc<ProtoSchemas>) -> Self {
        let table = DecoderTable::new(settings, schemas.topic_rules());
        Self { table, schemas }
    }

    /// Loads the schemas `settings` names and builds the decoders.
    pub fn load(settings: &DecoderSettings) -> Result<Self, SchemaError> {
        let schemas = if settings.proto_paths.is_empty() {
            ProtoSchemas::default()
        } else {
            ProtoSchemas::load(&settings.proto_paths)?
        };
        Ok(Self::new(settings, schemas))
    }

    /// The rule table in force.
    pub fn table(&self) -> &DecoderTable {
        &self.table
    }

    /// The compiled schemas.
    pub fn schemas(&self) -> &ProtoSchemas {
        &self.schemas
    }

    /// The decoder for payloads on `topic`.
    pub fn decoder_for(&self, topic: &str) -> &PayloadDecoder {
        self.table.decoder_for(topic)
    }

    /// Reads `payload` as the rule for `topic` says.
    pub fn decode(&self, topic: &str, payload: &[u8]) -> Decoded {
        self.decode_as(self.decoder_for(topic), topic, payload)
    }

    /// Reads `payload` with `decoder` (the inspector's "view as").
    pub fn decode_as(&self, decoder: &PayloadDecoder, topic: &str, payload: &[u8]) -> Decoded {
        match decoder {
            PayloadDecoder::Auto => Decoded::Auto,
            PayloadDecoder::Raw | PayloadDecoder::Hex => Decoded::Bytes(decoder.clone()),
            PayloadDecoder::Text => match std::str::from_utf8(payload) {
                Ok(_) => Decoded::Bytes(decoder.clone()),
                Err(error) => Decoded::Failed(DecodeFailure {
                    decoder: decoder.label(),
                    reason: format!("byte {} is not UTF-8", error.valid_up_to()),
                    offset: Some(error.valid_up_to()),
                    field: None,
                }),
            },
            PayloadDecoder::Image => match image::sniff(payload) {
                Some(_) => Decoded::Bytes(decoder.clone()),
                None => failure(decoder, "no PNG, JPEG, GIF, WebP or BMP signature at byte 0"),
            },
            PayloadDecoder::Json => match serde_json::from_slice::<Json>(payload) {
                Ok(value) => Decoded::Json(value),
                Err(error) => failure(decoder, error.to_string()),
            },
            PayloadDecoder::Cbor => crate::decode::decode_cbor(payload)
                .map_or_else(|error| failure(decoder, strip_not(&error.to_string())), Decoded::Json),
            PayloadDecoder::MessagePack => crate::decode::decode_msgpack(payload)
                .map_or_else(|error| failure(decoder, strip_not(&error.to_string())), Decoded::Json),
            PayloadDecoder::Protobuf(message_type) => match self.schemas.decode(message_type, payload) {
                Ok(message) => Decoded::Protobuf(message),
                Err(error) => proto_failure(decoder, error),
            },
            PayloadDecoder::SparkplugB => {
                if sparkplug::parse_topic(topic).is_some_and(|parsed| parsed.kind == MessageKind::State) {
                    return match sparkplug::decode_state(payload) {
                        Some(state) => Decoded::SparkplugState(state),
                        None => failure(
                            decoder,
                            "a STATE payload is {\"online\": true|false, \"timestamp\": …} (3.0) or ONLINE/OFFLINE (2.2)",
                        ),
                    };
                }
                match sparkplug::decode_payload(payload) {
                    Ok(payload) => Decoded::Sparkplug(payload),
                    Err(error) => proto_failure(decoder, error),
                }
            }
        }
    }
}

/// `not CBOR: reason` → `reason` (the badge names the decoder itself).
fn strip_not(text: &str) -> String {
    text.split_once(": ").map_or(text, |(_, reason)| reason).to_owned()
}
