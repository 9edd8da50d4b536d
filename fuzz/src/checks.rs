//! What each fuzz target feeds and checks. One function per target, taking
//! the fuzzer's bytes: it must never panic, and where a simple property
//! holds (a round trip, a reference implementation) it is asserted. The
//! same functions replay the committed corpora in `cargo test`
//! (core/tests/fuzz_corpora.rs), so every input the fuzzer kept is checked
//! on every CI run.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, Utc};
use rand::SeedableRng;
use topicscope_core::mqtt::{IncomingMessage, MessageProperties, Qos};
use topicscope_core::payload::{self, PayloadFormat};

/// What a target runs on one input.
pub type Check = fn(&[u8]);

/// Every target: its name (the folder of its corpus) and its check.
pub const TARGETS: &[(&str, Check)] = &[
    ("sub_format", sub_format),
    ("template", template),
    ("topic", topic),
    ("profile_import", profile_import),
    ("saved_messages", saved_messages),
    ("broker_settings", broker_settings),
    ("mosquitto_files", mosquitto_files),
    ("payload_views", payload_views),
    ("composer_payload", composer_payload),
    ("chart_numbers", chart_numbers),
    ("diff", diff),
    ("wire_capture", wire_capture),
    ("payload_decoders", payload_decoders),
    ("proto_schema", proto_schema),
    ("automation_files", automation_files),
];

/// Splits the input at the first 0xFF byte (never part of UTF-8), so one
/// input can carry two texts.
fn two_parts(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().position(|byte| *byte == 0xff) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &[]),
    }
}

fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

fn fixed_time() -> DateTime<Utc> {
    DateTime::from_timestamp(1_700_000_000, 123_456_789).unwrap_or_default()
}

/// `sub -F FORMAT`: parse the format (first part), render a message whose
/// topic and payload come from the second part, with MQTT 5 properties.
pub fn sub_format(data: &[u8]) {
    let (format, rest) = two_parts(data);
    let Ok(format) = topicscope_core::sub_format::OutputFormat::parse(&text(format)) else { return };
    let (topic, payload) = two_parts(rest);
    let message = IncomingMessage {
        topic: text(topic),
        payload: bytes::Bytes::copy_from_slice(payload),
        qos: Qos::AtLeastOnce,
        retain: true,
        duplicate: false,
        packet_id: 7,
        properties: Some(Box::new(MessageProperties {
            payload_format_indicator: Some(1),
            message_expiry_interval: Some(60),
            content_type: Some(text(topic)),
            response_topic: Some("reply/to".into()),
            correlation_data: Some(payload.to_vec()),
            user_properties: vec![(text(topic), text(payload))],
            subscription_identifiers: vec![1, 268_435_455],
        })),
    };
    let _ = format.render(&message, fixed_time());
}

/// Message templates: parse, list variables, check and render with a few
/// variables defined and a seeded random source.
pub fn template(data: &[u8]) {
    let Ok(template) = topicscope_core::template::Template::parse(&text(data)) else { return };
    let _ = template.is_literal();
    let mut variables: BTreeMap<String, String> = BTreeMap::new();
    for name in template.variables() {
        if name.len() % 2 == 0 {
            variables.insert(name.to_owned(), name.repeat(2));
        }
    }
    let _ = template.check(&variables);
    let context =
        topicscope_core::template::RenderContext { variables: &variables, counter: u64::MAX, now: fixed_time() };
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let _ = template.render(&context, &mut rng);
}

/// The MQTT matching rules written the plainest way, to check
/// `topic_matches` against.
fn reference_matches(filter: &str, topic: &str) -> bool {
    fn levels(filter: &[&str], topic: &[&str]) -> bool {
        match (filter.split_first(), topic.split_first()) {
            (None, None) => true,
            (Some((&"#", _)), _) => true,
            (Some((&"+", filter_rest)), Some((_, topic_rest))) => levels(filter_rest, topic_rest),
            (Some((literal, filter_rest)), Some((level, topic_rest))) => {
                literal == level && levels(filter_rest, topic_rest)
            }
            _ => false,
        }
    }
    let inner = match filter.strip_prefix("$share/") {
        Some(rest) => rest.split_once('/').map_or(filter, |(_, inner)| inner),
        None => filter,
    };
    let filter_levels: Vec<&str> = inner.split('/').collect();
    let topic_levels: Vec<&str> = topic.split('/').collect();
    if topic.starts_with('$') && matches!(filter_levels.first(), Some(&"+" | &"#")) {
        return false;
    }
    levels(&filter_levels, &topic_levels)
}

/// Topic names and filters: validation never panics, and for a valid pair
/// `topic_matches` agrees with the reference above.
pub fn topic(data: &[u8]) {
    use topicscope_core::topic::{
        has_wildcards, shared_subscription_inner, topic_matches, validate_topic_filter, validate_topic_name,
    };
    let (filter, topic) = two_parts(data);
    let (filter, topic) = (text(filter), text(topic));
    let _ = has_wildcards(&filter);
    let _ = shared_subscription_inner(&filter);
    let filter_ok = validate_topic_filter(&filter).is_ok();
    let topic_ok = validate_topic_name(&topic).is_ok();
    if filter_ok && topic_ok {
        assert_eq!(
            topic_matches(&filter, &topic),
            reference_matches(&filter, &topic),
            "filter {filter:?} topic {topic:?}"
        );
    }
    // A valid name is also a valid filter that matches exactly itself.
    if topic_ok && !topic.starts_with("$share/") {
        assert!(validate_topic_filter(&topic).is_ok(), "{topic:?}");
        assert!(topic_matches(&topic, &topic), "{topic:?}");
    }
}

/// Every importer (bundle, single profile, MQTTX JSON/CSV/YAML, MQTT.fx
/// XML) and the profile file parser; a parsed profile saves and loads back
/// equal, and an imported one never reads local secrets.
pub fn profile_import(data: &[u8]) {
    use topicscope_core::profile::{PasswordSource, parse_profile, profile_to_ron};
    let input = text(data);
    if let Ok(report) = topicscope_core::profile_exchange::import_text(&input, "fuzz") {
        for profile in &report.profiles {
            assert!(
                matches!(
                    profile.password_source,
                    PasswordSource::AskOnConnect | PasswordSource::NotSaved | PasswordSource::InProfile(_)
                ),
                "an import brought {:?}",
                profile.password_source
            );
            let _ = profile.validate();
        }
    }
    if let Ok(profile) = parse_profile(&input, "fuzz") {
        let _ = profile.validate();
        if let Ok(saved) = profile_to_ron(&profile) {
            let again = parse_profile(&saved, "fuzz").unwrap_or_else(|error| panic!("{error}\n{saved}"));
            assert_eq!(again, profile, "saved as {saved}");
        }
    }
}

/// `messages.ron` and collection exports: parse, save, parse back equal.
pub fn saved_messages(data: &[u8]) {
    use topicscope_core::saved_messages::SavedMessages;
    let Ok(messages) = SavedMessages::parse(&text(data), "fuzz") else { return };
    for (index, _) in messages.visible_for("fuzz") {
        let _ = messages.export(Some(index));
    }
    if let Ok(saved) = messages.to_ron() {
        let again = SavedMessages::parse(&saved, "fuzz").unwrap_or_else(|error| panic!("{error}\n{saved}"));
        assert_eq!(again, messages, "saved as {saved}");
    }
}

/// `broker.ron` (the embedded broker's settings) and their validation.
pub fn broker_settings(data: &[u8]) {
    if let Ok(config) = topicscope_core::broker::settings::parse_settings(&text(data), "fuzz") {
        let _ = config.validate();
        let _ = topicscope_core::broker::settings::SettingsDraft::from_config(&config);
    }
}

/// mosquitto.conf (first part), a password file and an ACL file (the
/// second part, read as both); an ACL parses back from what it writes.
pub fn mosquitto_files(data: &[u8]) {
    use topicscope_core::broker::auth::{Acl, check_hash};
    let (conf, rest) = two_parts(data);
    let _ = topicscope_core::broker::settings::parse_mosquitto_conf(&text(conf), "fuzz", Path::new("/nonexistent"));
    let rest = text(rest);
    let _ = topicscope_core::broker::settings::parse_password_file(&rest, "fuzz");
    let _ = check_hash(&rest);
    if let Ok(acl) = Acl::parse_mosquitto(&rest) {
        let written = acl.to_mosquitto();
        let again = Acl::parse_mosquitto(&written).unwrap_or_else(|error| panic!("{error}\n{written}"));
        assert_eq!(again, acl, "written as {written}");
        let _ = acl.allows(Some("u"), "c", "a/b", topicscope_core::broker::auth::Access::Read);
        let _ = acl.allows_subscription(None, "c", "a/#");
    }
}

/// The payload views: JSON (pretty, tokens), XML, CBOR, MessagePack, hex
/// dump, preview, file name; hex and base64 renderings read back as the
/// same bytes.
pub fn payload_views(data: &[u8]) {
    use topicscope_core::decode::{decode_cbor, decode_msgpack, pretty_xml};
    let _ = decode_cbor(data);
    let _ = decode_msgpack(data);
    let _ = pretty_xml(data);
    if let Some(pretty) = payload::pretty_json(data) {
        let mut in_string = false;
        for line in pretty.lines() {
            in_string = payload::json_tokens(line, in_string).1;
        }
    }
    let mut in_string = false;
    for line in text(data).lines() {
        in_string = payload::json_tokens(line, in_string).1;
    }
    let _ = payload::preview(data, 80);
    let _ = payload::is_text(data);
    for per_line in [4, 8, 16] {
        for line in 0..payload::hex_dump_line_count(data.len(), per_line).min(64) {
            let _ = payload::hex_dump_line(data, line, per_line);
        }
    }
    let (topic, payload_bytes) = two_parts(data);
    let _ = payload::payload_file_name(&text(topic), payload_bytes);
    for format in [PayloadFormat::Hex, PayloadFormat::Base64] {
        let rendered = payload::render_in_format(data, format);
        let back = payload::encode_payload(&rendered, format).unwrap_or_else(|error| panic!("{error}: {rendered}"));
        assert_eq!(back, data, "{format:?} round trip");
    }
}

/// What a user types into the composer in each format.
pub fn composer_payload(data: &[u8]) {
    let input = text(data);
    for format in [PayloadFormat::Text, PayloadFormat::Json, PayloadFormat::Hex, PayloadFormat::Base64] {
        let _ = payload::encode_payload(&input, format);
    }
    let _ = payload::validate_json(&input);
}

/// The chart's number extraction: a JSON pointer (first part) into a payload.
pub fn chart_numbers(data: &[u8]) {
    use topicscope_core::chart::{extract_number, numeric_pointers};
    let (pointer, payload) = two_parts(data);
    let pointer = text(pointer);
    let _ = extract_number(payload, None);
    let _ = extract_number(payload, Some(&pointer));
    for found in numeric_pointers(payload, 32) {
        assert!(extract_number(payload, Some(&found)).is_ok(), "{found} was offered but reads no number");
    }
}

/// The payload diff between two messages.
pub fn diff(data: &[u8]) {
    let (old, new) = two_parts(data);
    let _ = topicscope_core::diff::diff_payloads(old, new);
}

/// The packet recorder on bytes a broker (or this client) put on the wire:
/// the first byte picks the protocol, the direction and a read size; the
/// rest is the stream. Never panics, and splitting the stream into reads
/// of any size gives the same packets as one read.
pub fn wire_capture(data: &[u8]) {
    use topicscope_core::mqtt::ProtocolVersion;
    use topicscope_core::wire::{Direction, PacketRecord, WireCapture};
    let Some((&mode, stream)) = data.split_first() else { return };
    let protocol = if mode & 1 == 0 { ProtocolVersion::V311 } else { ProtocolVersion::V5 };
    let direction = if mode & 2 == 0 { Direction::Sent } else { Direction::Received };
    let record = |reads: &[&[u8]]| -> Vec<PacketRecord> {
        let mut capture = WireCapture::new(protocol);
        capture.start_link();
        for read in reads {
            capture.feed(direction, read, 0);
        }
        capture.end_link();
        capture.take().0
    };
    let whole = record(&[stream]);
    let step = usize::from(mode >> 2) + 1;
    let pieces = record(&stream.chunks(step).collect::<Vec<_>>());
    assert_eq!(whole, pieces, "read size {step} changed what was recorded");
    for packet in &whole {
        let _ = topicscope_core::wire::log::export_value(packet).to_string();
        let _ = topicscope_core::wire::mosquitto_debug::debug_lines("fuzz", packet);
        let _ = packet.reasons();
    }
    // Complete packets never claim more bytes than arrived (a cut-off one
    // says how many of its bytes did).
    let complete: usize = whole
        .iter()
        .filter(|packet| packet.problem.as_deref().is_none_or(|problem| !problem.starts_with("incomplete")))
        .map(|packet| packet.size)
        .sum();
    assert!(complete <= stream.len(), "{complete} bytes of packets from {} bytes", stream.len());
}

/// A schema with every shape the protobuf decoder handles: scalars of
/// each width, an enum, nested, repeated, map, oneof and well-known types.
const FUZZ_SCHEMA: &str = r#"
syntax = "proto3";
package fuzz;
import "google/protobuf/any.proto";
import "google/protobuf/timestamp.proto";
import "google/protobuf/duration.proto";
enum Colour { NONE = 0; RED = 1; GREEN = 2; }
message Inner { double x = 1; repeated Inner children = 2; bytes blob = 3; }
message Everything {
  string text = 1; int64 wide = 2; uint64 big = 3; sint64 zigzag = 4; fixed64 fixed = 5;
  sfixed32 small = 6; float ratio = 7; bool flag = 8; Colour colour = 9;
  repeated int32 packed = 10; map<string, Inner> named = 11; Inner inner = 12;
  oneof choice { string a = 13; uint32 b = 14; }
  google.protobuf.Timestamp at = 15; google.protobuf.Duration took = 16; google.protobuf.Any extra = 17;
}
"#;

/// Payload decoders on hostile bytes (the first byte picks the decoder
/// and a topic): protobuf, Sparkplug B (and the namespace it feeds), image
/// and numeric views. Never panics; a failure's offset lies inside the
/// payload; a decoded message's JSON is valid JSON.
pub fn payload_decoders(data: &[u8]) {
    use std::sync::OnceLock;
    use topicscope_core::decoders::binary::{Endian, numbers_at};
    use topicscope_core::decoders::sparkplug_namespace::SparkplugNamespace;
    use topicscope_core::decoders::{Decoded, DecoderSettings, PayloadDecoder, PayloadDecoders, ProtoSchemas};
    static DECODERS: OnceLock<PayloadDecoders> = OnceLock::new();
    let decoders = DECODERS.get_or_init(|| {
        let schemas = ProtoSchemas::from_source("fuzz.proto", FUZZ_SCHEMA).unwrap_or_default();
        PayloadDecoders::new(&DecoderSettings::default(), schemas)
    });
    let Some((&mode, payload)) = data.split_first() else { return };
    let decoder = match mode % 6 {
        0 => PayloadDecoder::Protobuf("fuzz.Everything".into()),
        1 => PayloadDecoder::Protobuf("fuzz.Inner".into()),
        2 => PayloadDecoder::SparkplugB,
        3 => PayloadDecoder::Image,
        4 => PayloadDecoder::Cbor,
        _ => PayloadDecoder::MessagePack,
    };
    let topics =
        ["spBv1.0/g/NBIRTH/n", "spBv1.0/g/NDATA/n", "spBv1.0/g/DBIRTH/n/d", "spBv1.0/g/NDEATH/n", "spBv1.0/STATE/h"];
    let topic = topics[usize::from(mode / 6) % topics.len()];
    let decoded = decoders.decode_as(&decoder, topic, payload);
    if let Decoded::Failed(failure) = &decoded {
        assert!(failure.offset.is_none_or(|offset| offset <= payload.len()), "{failure:?} for {} bytes", payload.len());
    }
    if let Some(json) = decoded.json() {
        let text = json.to_string();
        assert!(serde_json::from_str::<serde_json::Value>(&text).is_ok(), "decoded JSON does not parse: {text}");
    }
    let _ = decoded.preview(160);
    if decoder == PayloadDecoder::SparkplugB {
        let mut namespace = SparkplugNamespace::default();
        for topic in topics {
            namespace.apply(topic, payload);
        }
    }
    if decoder == PayloadDecoder::Image {
        let _ = topicscope_core::decoders::image::decode_rgba(payload);
    }
    for offset in [0, 1, payload.len() / 2, payload.len().saturating_sub(1), usize::MAX] {
        let _ = numbers_at(payload, offset, if mode & 1 == 0 { Endian::Little } else { Endian::Big });
    }
}

/// Hostile `.proto` text: compiles or says where it is wrong
/// (`file:line:col` within the text), never panics; what compiles decodes
/// an empty message of each of its types.
pub fn proto_schema(data: &[u8]) {
    use topicscope_core::decoders::{ProtoSchemas, SchemaError};
    let Ok(text) = std::str::from_utf8(data) else { return };
    match ProtoSchemas::from_source("fuzz.proto", text) {
        Ok(schemas) => {
            for name in schemas.message_names() {
                let _ = schemas.decode(&name, &[]);
            }
            let _ = schemas.topic_rules();
        }
        Err(SchemaError::Compile { location, .. }) => {
            assert!(!location.is_empty());
        }
        Err(_) => {}
    }
}

/// Test automation files: the first part as a scenario, a mock file and a
/// recording; the second as a received message's payload (on a topic made
/// from it) that a parsed mock file answers and a parsed scenario's
/// matchers test. Errors name where (`file:line:col`, a step, a rule, a
/// line); a recording's offsets never go back.
pub fn automation_files(data: &[u8]) {
    use topicscope_core::mock::MockFile;
    use topicscope_core::mqtt::{IncomingMessage, MessageProperties, Qos};
    use topicscope_core::scenario::{Scenario, Step, matchers};
    let (first, second) = two_parts(data);
    let file = text(first);
    let topic = text(second).chars().filter(|c| !matches!(c, '+' | '#' | '\0')).take(64).collect::<String>();
    let message = IncomingMessage {
        topic: if topic.is_empty() { "a/b".into() } else { topic },
        payload: second.to_vec().into(),
        qos: Qos::AtLeastOnce,
        retain: false,
        duplicate: false,
        packet_id: 1,
        properties: Some(Box::new(MessageProperties {
            response_topic: Some("reply/me".into()),
            correlation_data: Some(second.to_vec()),
            content_type: Some("application/json".into()),
            ..MessageProperties::default()
        })),
    };
    match Scenario::parse(&file, "fuzz.ron") {
        Ok(scenario) => {
            fn each(steps: &[Step], message: &IncomingMessage) {
                for step in steps {
                    match step {
                        Step::Expect(expectation) => {
                            let _ = matchers::test_all(&expectation.matchers, message);
                            let _ = matchers::expected_payload(&expectation.matchers, &message.payload);
                        }
                        Step::As { steps, .. } | Step::Repeat { steps, .. } | Step::Parallel(steps) => {
                            each(steps, message)
                        }
                        _ => {}
                    }
                }
            }
            each(&scenario.steps, &message);
        }
        Err(error) => assert!(error.to_string().starts_with("fuzz.ron:"), "{error}"),
    }
    match MockFile::parse(&file, "fuzz.ron") {
        Ok(mocks) => {
            let _ = mocks.filters();
            if let Some(Ok(answer)) = mocks.answer(&message) {
                assert!(topicscope_core::topic::validate_topic_name(&answer.topic).is_ok(), "{}", answer.topic);
            }
        }
        Err(error) => assert!(error.to_string().starts_with("fuzz.ron:"), "{error}"),
    }
    match topicscope_core::replay::read_recording(&file, "fuzz.jsonl") {
        Ok(recording) => {
            assert!(recording.windows(2).all(|pair| pair[0].offset <= pair[1].offset), "offsets go back");
        }
        Err(error) => assert!(error.to_string().starts_with("fuzz.jsonl"), "{error}"),
    }
}
