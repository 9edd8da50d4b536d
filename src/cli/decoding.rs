//! Payload decoding for `pub` and `sub`: the profile's decoder rules and
//! schemas, `--proto-file` / `--proto-type` on top, Sparkplug B on
//! `spBv1.0/#` with no options at all. `sub --decode` prints the decoded
//! form; `pub --proto-type` encodes JSON into the message type.

use std::path::PathBuf;

use bytes::Bytes;
use topicscope::core::decoders::{
    Decoded, DecoderRule, DecoderSettings, PayloadDecoder, PayloadDecoders, ProtoSchemas,
};
use topicscope::core::profile::ConnectionProfile;

use super::client::{ExitKind, Failure};

/// The decoders a run uses: the profile's settings, plus the flags'
/// schemas, plus `--proto-type` as a rule for every topic.
pub(crate) fn decoders_for(
    profile: &ConnectionProfile,
    proto_files: &[PathBuf],
    proto_type: Option<&str>,
) -> Result<PayloadDecoders, Failure> {
    let mut settings: DecoderSettings = profile.decoding.clone();
    settings.proto_paths.extend(proto_files.iter().cloned());
    settings.validate().map_err(|error| Failure::new(ExitKind::Usage, error.to_string()))?;
    if let Some(message_type) = proto_type {
        // The flag beats every saved rule: it goes first, on every topic.
        settings.rules.insert(0, DecoderRule::new("#", PayloadDecoder::Protobuf(message_type.trim().to_owned())));
    }
    let schemas = if settings.proto_paths.is_empty() {
        ProtoSchemas::default()
    } else {
        ProtoSchemas::load(&settings.proto_paths)
            .map_err(|error| Failure::new(ExitKind::Usage, format!("cannot load the protobuf schemas: {error}")))?
    };
    if let Some(message_type) = proto_type
        && schemas.message(message_type).is_none()
    {
        let known = schemas.message_names();
        let hint = if known.is_empty() {
            "no schemas loaded: add --proto-file FILE_OR_FOLDER".to_owned()
        } else {
            format!("the schemas have {}", known.join(", "))
        };
        return Err(Failure::new(
            ExitKind::Usage,
            format!("--proto-type {message_type}: no such message type ({hint})"),
        ));
    }
    Ok(PayloadDecoders::new(&settings, schemas))
}

/// `pub`: the bytes to send for `payload` on `topic` — JSON encoded into
/// the protobuf type the flags or the schemas' topic options name, or the
/// payload as given when no protobuf rule applies.
pub(crate) fn encode_for_publish(decoders: &PayloadDecoders, topic: &str, payload: Bytes) -> Result<Bytes, Failure> {
    let PayloadDecoder::Protobuf(message_type) = decoders.decoder_for(topic) else {
        return Ok(payload);
    };
    let text = std::str::from_utf8(&payload).map_err(|error| {
        Failure::new(ExitKind::Usage, format!("the message for {message_type} must be JSON text: {error}"))
    })?;
    decoders
        .schemas()
        .encode_json(message_type, text)
        .map(Bytes::from)
        .map_err(|error| Failure::new(ExitKind::Usage, error.to_string()))
}

/// `sub --decode`: the decoded form of a payload as compact JSON, or why it
/// could not be decoded (the caller prints the raw payload then). `None`
/// when no rule decodes the topic.
pub(crate) fn decoded_text(decoders: &PayloadDecoders, topic: &str, payload: &[u8]) -> Option<Result<String, String>> {
    match decoders.decode(topic, payload) {
        Decoded::Auto | Decoded::Bytes(_) => None,
        Decoded::Failed(failure) => Some(Err(failure.to_string())),
        decoded => decoded.json().map(|value| Ok(value.to_string())),
    }
}
