//! Payload decoders against fixtures made by independent encoders
//! (scripts/decoder_fixtures.sh): protoc encodes the protobuf messages and
//! writes the descriptor set; Eclipse Tahu's JavaScript encoder makes the
//! Sparkplug B payloads and says what it reads back.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail the test on error

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use topicscope_core::decoders::ProtoDecodeError as ProtoDecodeErrorKind;
use topicscope_core::decoders::sparkplug::{self, MetricValue};
use topicscope_core::decoders::{
    Decoded, DecodedValue, DecoderRule, DecoderSettings, PayloadDecoder, PayloadDecoders, ProtoSchemas, SchemaError,
};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn read(path: &str) -> Vec<u8> {
    std::fs::read(fixtures().join(path)).unwrap_or_else(|error| panic!("fixture {path}: {error}"))
}

fn schemas() -> ProtoSchemas {
    ProtoSchemas::load(&[fixtures().join("proto/schemas")]).unwrap_or_else(|error| panic!("schemas: {error}"))
}

/// What protoc wrote into telemetry.txtpb, read back as this decoder's JSON.
fn expected_telemetry() -> Value {
    json!({
        "device_id": "unit-7",
        "temperature": 21.5,
        "counter": -9_007_199_254_740_993_i64,
        "serial": 18_446_744_073_709_551_615_u64,
        "offset": -42,
        "checksum": 12_345_678_901_234_567_890_u64,
        "status": "STATUS_ALARM",
        "samples": [1, -2, 3],
        "tags": {"floor": -1, "zone": 4},
        "location": {"lat": 52.52, "lon": 13.405},
        "channel": 9,
        "taken_at": "2025-12-04T12:00:00.500Z",
        "uptime": "90.25s",
        "extra": {"@type": "type.googleapis.com/demo.Note", "text": "hello"},
        "raw": "AQL/",
        "ratio": 0.25,
        "healthy": true,
    })
}

#[test]
fn a_folder_of_proto_files_compiles_with_imports_and_declares_topic_rules() {
    let schemas = schemas();
    let names = schemas.message_names();
    for name in ["demo.Telemetry", "demo.Note", "demo.Command", "demo.common.Location"] {
        assert!(names.contains(&name.to_owned()), "{name} missing from {names:?}");
    }
    assert_eq!(
        schemas.topic_rules(),
        &[
            DecoderRule::new("unit/+/command", PayloadDecoder::Protobuf("demo.Command".into())),
            DecoderRule::new("unit/+/telemetry", PayloadDecoder::Protobuf("demo.Telemetry".into())),
        ]
    );
}

#[test]
fn protoc_encoded_messages_decode_exactly_with_names_numbers_and_types() {
    let decoded =
        schemas().decode("demo.Telemetry", &read("proto/telemetry.bin")).unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(decoded.to_json(), expected_telemetry());
    let field = |name: &str| decoded.fields.iter().find(|field| field.name == name).unwrap_or_else(|| panic!("{name}"));
    assert_eq!((field("counter").number, field("counter").type_name.as_str()), (3, "int64"));
    assert_eq!(field("counter").value, DecodedValue::Int(-9_007_199_254_740_993));
    assert_eq!(field("status").value, DecodedValue::Enum { number: 2, name: Some("STATUS_ALARM".into()) });
    assert_eq!(field("samples").type_name, "repeated int32");
    assert_eq!(field("tags").type_name, "map<string, int32>");
    assert_eq!(field("location").type_name, "demo.common.Location");
    assert_eq!(field("channel").type_name, "uint32 (oneof source)", "the member of a oneof says so");
    assert_eq!(field("taken_at").type_name, "google.protobuf.Timestamp");
    // Fields come in number order, as protoc prints them.
    let numbers: Vec<u32> = decoded.fields.iter().map(|field| field.number).collect();
    assert!(numbers.windows(2).all(|pair| pair[0] < pair[1]), "{numbers:?}");
}

#[test]
fn a_descriptor_set_from_protoc_decodes_the_same() {
    let from_set = ProtoSchemas::load(&[fixtures().join("proto/schemas.pb")]).unwrap_or_else(|error| panic!("{error}"));
    let decoded =
        from_set.decode("demo.Telemetry", &read("proto/telemetry.bin")).unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(decoded.to_json(), expected_telemetry());
    assert_eq!(from_set.topic_rules().len(), 2, "the option survives in a descriptor set");
}

#[test]
fn unknown_fields_are_shown_not_dropped() {
    // Encoded with a newer schema that added fields 99 and 100.
    let decoded =
        schemas().decode("demo.Telemetry", &read("proto/telemetry_v2.bin")).unwrap_or_else(|error| panic!("{error}"));
    let json = decoded.to_json();
    assert_eq!(json["device_id"], "unit-8");
    assert_eq!(json["temperature"], -3.25);
    let unknown: Vec<_> = decoded.fields.iter().filter(|field| field.unknown).collect();
    assert_eq!(unknown.len(), 2, "{:?}", decoded.fields);
    assert_eq!((unknown[0].name.as_str(), unknown[0].type_name.as_str()), ("#99", "length-delimited"));
    assert_eq!(unknown[0].value, DecodedValue::Bytes(b"2.4.1".to_vec()));
    assert_eq!((unknown[1].name.as_str(), unknown[1].value.clone()), ("#100", DecodedValue::UInt(77)));
}

#[test]
fn a_bad_proto_file_is_named_with_line_and_column() {
    let error = ProtoSchemas::load(&[fixtures().join("proto/broken/bad.proto")]).err();
    let Some(SchemaError::Compile { location, message }) = error else {
        panic!("expected a compile error, got {error:?}")
    };
    assert_eq!(location, "bad.proto:7:3", "{message}");
    assert!(message.contains("strng"), "{message}");
    let missing = ProtoSchemas::load(&[fixtures().join("proto/nothing-here")]).err().map(|error| error.to_string());
    assert!(missing.as_deref().is_some_and(|text| text.starts_with("cannot read ")), "{missing:?}");
}

#[test]
fn a_broken_payload_says_where_and_which_field() {
    let bytes = read("proto/telemetry.bin");
    let decoders = PayloadDecoders::new(&DecoderSettings::default(), schemas());
    // Cut inside the nested location message (field 10).
    let location_start =
        bytes.windows(2).position(|pair| pair == [0x52, 0x12]).unwrap_or_else(|| panic!("location tag"));
    let cut = &bytes[..location_start + 10];
    let decoded = decoders.decode_as(&PayloadDecoder::Protobuf("demo.Telemetry".into()), "unit/7/telemetry", cut);
    let Decoded::Failed(failure) = decoded else { panic!("expected a failure, got {decoded:?}") };
    assert_eq!(failure.decoder, "protobuf demo.Telemetry");
    assert_eq!(failure.field.as_deref(), Some("demo.Telemetry.location"));
    assert_eq!(failure.offset, Some(location_start));
    assert!(failure.reason.contains("runs past the end"), "{}", failure.reason);
    // Plain text is never silently a message: it fails with its reason.
    let text = decoders.decode_as(&PayloadDecoder::Protobuf("demo.Telemetry".into()), "t", b"hello world");
    assert!(matches!(text, Decoded::Failed(_)), "{text:?}");
}

#[test]
fn rules_decide_per_topic_including_the_schemas_own() {
    let settings = DecoderSettings {
        rules: vec![DecoderRule::new("unit/9/telemetry", PayloadDecoder::Hex)],
        ..DecoderSettings::default()
    };
    let decoders = PayloadDecoders::new(&settings, schemas());
    let bytes = read("proto/telemetry.bin");
    let Decoded::Protobuf(message) = decoders.decode("unit/7/telemetry", &bytes) else { panic!("unit/7 is protobuf") };
    assert_eq!(message.type_name, "demo.Telemetry");
    assert_eq!(decoders.decode("unit/9/telemetry", &bytes), Decoded::Bytes(PayloadDecoder::Hex));
    assert_eq!(decoders.decode("other", b"{}"), Decoded::Auto);
    let preview = decoders.decode("unit/7/telemetry", &bytes).preview(40).unwrap_or_default();
    assert!(preview.starts_with("{\"device_id\":\"unit-7\",\"temperature\":21.5"), "{preview}");
}

#[test]
fn json_encodes_into_a_message_protoc_reads_back() {
    let schemas = schemas();
    let json = r#"{"device_id": "unit-7", "counter": -9007199254740993, "serial": "18446744073709551615",
                   "status": "STATUS_OK", "tags": {"zone": 4}, "location": {"lat": 1.5}}"#;
    let bytes = schemas.encode_json("demo.Telemetry", json).unwrap_or_else(|error| panic!("{error}"));
    let decoded = schemas.decode("demo.Telemetry", &bytes).unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(
        decoded.to_json(),
        json!({"device_id": "unit-7", "counter": -9_007_199_254_740_993_i64, "serial": u64::MAX,
               "status": "STATUS_OK", "tags": {"zone": 4}, "location": {"lat": 1.5}})
    );
    // protoc, an independent decoder, reads the same values (CI installs protobuf-compiler).
    let mut protoc = std::process::Command::new("protoc")
        .args(["-I", "schemas", "--decode=demo.Telemetry", "telemetry.proto"])
        .current_dir(fixtures().join("proto"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| panic!("protoc (Debian protobuf-compiler): {error}"));
    if let Some(mut stdin) = protoc.stdin.take() {
        std::io::Write::write_all(&mut stdin, &bytes).unwrap_or_else(|error| panic!("{error}"));
    }
    let output = protoc.wait_with_output().unwrap_or_else(|error| panic!("{error}"));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{text}");
    for line in [
        "device_id: \"unit-7\"",
        "counter: -9007199254740993",
        "serial: 18446744073709551615",
        "status: STATUS_OK",
        "lat: 1.5",
    ] {
        assert!(text.contains(line), "protoc read:\n{text}\nmissing {line}");
    }
    let error =
        schemas.encode_json("demo.Telemetry", r#"{"temperature": "warm"}"#).err().map(|error| error.to_string());
    assert_eq!(
        error.as_deref(),
        Some("cannot encode as demo.Telemetry: field Telemetry.temperature: invalid float literal at line 1 column 22")
    );
    let error = schemas.encode_json("demo.Telemetry", r#"{"device_id": "x", "location": {"lat": true}}"#).err();
    let error = error.map(|error| error.to_string()).unwrap_or_default();
    assert!(error.contains("field Telemetry.location.lat: "), "{error}");
    let error = schemas.encode_json("demo.Nope", "{}").err().map(|error| error.to_string());
    assert_eq!(error.as_deref(), Some("no message type demo.Nope in the loaded schemas"));
}

/// Tahu's reading of one metric, with its 64-bit strings as numbers.
fn tahu_metric(metric: &Value) -> (Option<String>, Option<u64>, String, Value) {
    let number = |value: &Value| match value {
        Value::String(text) => text
            .parse::<i64>()
            .map(Value::from)
            .or_else(|_| text.parse::<u64>().map(Value::from))
            .unwrap_or(value.clone()),
        other => other.clone(),
    };
    (
        metric["name"].as_str().map(str::to_owned),
        metric.get("alias").map(|alias| number(alias).as_u64().unwrap_or(u64::MAX)),
        metric["type"].as_str().unwrap_or_default().to_owned(),
        number(&metric["value"]),
    )
}

#[test]
fn sparkplug_payloads_from_tahus_encoder_decode_as_tahu_reads_them() {
    let tahu: Value = serde_json::from_slice(&read("sparkplug/tahu_decoded.json")).unwrap_or_default();
    for name in [
        "nbirth",
        "ndata",
        "dbirth",
        "ddata",
        "ndeath",
        "ncmd_rebirth",
        "ndata_gap",
        "ndeath_old",
        "nbirth_again",
        "ddeath",
    ] {
        let payload = sparkplug::decode_payload(&read(&format!("sparkplug/{name}.bin")))
            .unwrap_or_else(|error| panic!("{name}: {error}"));
        let expected = &tahu[name];
        assert_eq!(
            payload.timestamp.map(Value::from),
            expected["timestamp"].as_str().and_then(|t| t.parse::<u64>().ok()).map(Value::from),
            "{name}"
        );
        assert_eq!(payload.seq, expected["seq"].as_str().and_then(|seq| seq.parse().ok()), "{name}");
        let metrics = expected["metrics"].as_array().cloned().unwrap_or_default();
        assert_eq!(payload.metrics.len(), metrics.len(), "{name}");
        for (ours, theirs) in payload.metrics.iter().zip(&metrics) {
            let (tahu_name, tahu_alias, tahu_type, tahu_value) = tahu_metric(theirs);
            assert_eq!(ours.name, tahu_name, "{name}");
            assert_eq!(ours.alias, tahu_alias, "{name} {tahu_name:?}");
            assert_eq!(sparkplug::datatype_name(ours.datatype.unwrap_or(0)), tahu_type, "{name} {tahu_name:?}");
            let ours_json = ours.value.to_json();
            match (ours_json.as_f64(), tahu_value.as_f64()) {
                // 20.0 and 20 are one number.
                (Some(a), Some(b)) if ours_json.is_f64() || tahu_value.is_f64() => {
                    assert_eq!(a, b, "{name} {tahu_name:?}")
                }
                _ => assert_eq!(ours_json, tahu_value, "{name} {tahu_name:?}"),
            }
            assert_eq!(ours.is_historical, theirs["isHistorical"] == true, "{name}");
            assert_eq!(ours.is_transient, theirs["isTransient"] == true, "{name}");
        }
    }
    let birth = sparkplug::decode_payload(&read("sparkplug/nbirth.bin")).unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(birth.metric("Offset8").map(|metric| metric.value.clone()), Some(MetricValue::Int(-5)));
    assert_eq!(birth.metric("Big").map(|metric| metric.value.clone()), Some(MetricValue::Int(-9_007_199_254_740_991)));
    assert!(birth.metric("Missing").is_some_and(|metric| metric.is_null && metric.value == MetricValue::None));
}

#[test]
fn sparkplug_is_decoded_by_the_built_in_rule_with_no_settings() {
    let decoders = PayloadDecoders::load(&DecoderSettings::default()).unwrap_or_default();
    let decoded = decoders.decode("spBv1.0/plant/NDATA/edge1", &read("sparkplug/ndata.bin"));
    let json = decoded.json().unwrap_or_default();
    assert_eq!(json["seq"], 1);
    assert_eq!(json["metrics"][0], json!({"alias": 1, "datatype": "Double", "value": 22.75}));
    assert_eq!(json["metrics"][3]["is_transient"], true);
    let state = decoders.decode("spBv1.0/STATE/scada1", br#"{"online": true, "timestamp": 1764849600000}"#);
    assert_eq!(state.json(), Some(json!({"online": true, "timestamp": 1_764_849_600_000_u64})));
    // Plain text on a Sparkplug topic is a failure with its reason, never `{}`.
    let text = decoders.decode("spBv1.0/plant/NDATA/edge1", b"hello");
    let failure = text.failure().map(ToString::to_string).unwrap_or_default();
    assert!(failure.starts_with("not Sparkplug B: "), "{failure}");
}

#[test]
fn sparkplug_topics_are_read_into_their_parts() {
    let topic = sparkplug::parse_topic("spBv1.0/plant/DDATA/edge1/pump").unwrap_or_else(|| panic!("device topic"));
    assert_eq!(
        (topic.kind, topic.group.as_str(), topic.node.as_str()),
        (sparkplug::MessageKind::DData, "plant", "edge1")
    );
    assert_eq!(topic.device.as_deref(), Some("pump"));
    assert_eq!(sparkplug::parse_topic("spBv1.0/STATE/host").map(|topic| topic.node), Some("host".into()));
    assert_eq!(sparkplug::parse_topic("STATE/host").map(|topic| topic.kind), Some(sparkplug::MessageKind::State));
    for bad in [
        "spBv1.0/plant/NDATA",
        "spBv1.0/plant/NDATA/edge/extra",
        "spBv1.0/plant/DDATA/edge",
        "spBv1.0/plant/XDATA/e",
        "a/b",
    ] {
        assert_eq!(sparkplug::parse_topic(bad), None, "{bad}");
    }
}

#[test]
fn exports_carry_the_decoded_form_or_why_not() {
    use topicscope_core::export::{ExportDecoders, ExportFormat, write_messages};
    use topicscope_core::ids::TabId;
    use topicscope_core::mqtt::{IncomingMessage, Qos};
    use topicscope_core::store::StoredMessage;

    let incoming = |topic: &str, payload: Vec<u8>| IncomingMessage {
        topic: topic.into(),
        payload: payload.into(),
        qos: Qos::AtMostOnce,
        retain: false,
        duplicate: false,
        packet_id: 0,
        properties: None,
    };
    let tab = TabId::default();
    let messages = [
        incoming("unit/7/telemetry", read("proto/telemetry.bin")),
        incoming("unit/8/telemetry", b"not protobuf at all".to_vec()),
        incoming("plain", b"hello".to_vec()),
    ];
    let decoders: ExportDecoders =
        [(tab, PayloadDecoders::new(&DecoderSettings::default(), schemas()))].into_iter().collect();
    let at = chrono::Utc::now();
    let stored = || messages.iter().map(|message| StoredMessage::received(tab, at, message, None));
    let mut out = Vec::new();
    write_messages(&mut out, stored(), ExportFormat::JsonLines, &decoders).unwrap();
    let lines: Vec<Value> =
        String::from_utf8(out).unwrap().lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    assert_eq!(lines[0]["decoded"], expected_telemetry());
    assert!(lines[1]["decode_error"].as_str().unwrap().starts_with("not protobuf demo.Telemetry: "), "{}", lines[1]);
    assert!(lines[2].get("decoded").is_none() && lines[2].get("decode_error").is_none());
    let mut csv = Vec::new();
    write_messages(&mut csv, stored(), ExportFormat::Csv, &decoders).unwrap();
    let csv = String::from_utf8(csv).unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let decoded: Value = serde_json::from_str(&rows[0][9]).unwrap();
    assert_eq!(decoded, expected_telemetry());
    assert_eq!(&rows[2][9], "");
}

#[test]
fn hostile_payloads_and_schema_folders_get_reasons_not_crashes() {
    let schemas = ProtoSchemas::from_source(
        "deep.proto",
        "syntax = \"proto3\"; package deep; message Node { Node child = 1; bytes blob = 2; repeated Node many = 3; }",
    )
    .unwrap_or_else(|error| panic!("{error}"));
    // 5,000 levels of nesting (prost stops at 100): refused with a reason, no stack overflow.
    let mut nested: Vec<u8> = Vec::new();
    for _ in 0..5_000 {
        let mut outer = vec![0x0A];
        let mut length = nested.len();
        loop {
            let byte = (length & 0x7F) as u8;
            length >>= 7;
            if length == 0 {
                outer.push(byte);
                break;
            }
            outer.push(byte | 0x80);
        }
        outer.extend_from_slice(&nested);
        nested = outer;
    }
    let error = schemas.decode("deep.Node", &nested).err().map(|error| error.to_string()).unwrap_or_default();
    assert!(error.starts_with("not deep.Node: "), "{error}");
    // A length that claims 2^63 bytes.
    let error = schemas.decode("deep.Node", &[0x12, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]).err();
    let Some(ProtoDecodeErrorKind::Invalid { offset, field, .. }) = error else { panic!("refused: {error:?}") };
    assert_eq!((offset, field.as_deref()), (Some(0), Some("deep.Node.blob")));
    // A million repeated empty children decode, and the JSON says so.
    let many: Vec<u8> = std::iter::repeat_n([0x1A, 0x00], 1_000_000).flatten().collect();
    let decoded = schemas.decode("deep.Node", &many).unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(decoded.to_json()["many"].as_array().map(Vec::len), Some(1_000_000));
    // A folder holding a file that imports itself, and one that is not UTF-8.
    let dir = std::env::temp_dir().join(format!("topicscope-hostile-protos-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("loop.proto"), "syntax = \"proto3\"; import \"loop.proto\"; message A {}").unwrap();
    let error = ProtoSchemas::load(std::slice::from_ref(&dir)).err().map(|error| error.to_string()).unwrap_or_default();
    assert!(error.contains("loop.proto"), "{error}");
    std::fs::write(dir.join("loop.proto"), [0xFF, 0xFE, 0x00]).unwrap();
    let error = ProtoSchemas::load(std::slice::from_ref(&dir)).err().map(|error| error.to_string()).unwrap_or_default();
    assert!(error.contains("loop.proto") && error.contains("utf-8"), "{error}");
    // A link loop is read once; too many files and too large a file are refused.
    std::fs::write(dir.join("loop.proto"), "syntax = \"proto3\"; package l; message A {}").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&dir, dir.join("again")).unwrap();
    let schemas = ProtoSchemas::load(std::slice::from_ref(&dir)).unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(schemas.message_names(), ["l.A"]);
    std::fs::File::create(dir.join("huge.proto")).unwrap().set_len(17 * 1024 * 1024).unwrap();
    let error = ProtoSchemas::load(std::slice::from_ref(&dir)).err().map(|error| error.to_string()).unwrap_or_default();
    assert!(error.ends_with("schema files above 16777216 bytes are not read"), "{error}");
    std::fs::remove_file(dir.join("huge.proto")).unwrap();
    let many = dir.join("many");
    std::fs::create_dir_all(&many).unwrap();
    for index in 0..=4_096 {
        std::fs::write(many.join(format!("f{index}.proto")), "").unwrap();
    }
    let error =
        ProtoSchemas::load(std::slice::from_ref(&many)).err().map(|error| error.to_string()).unwrap_or_default();
    assert!(error.contains("holds more than 4096 .proto files"), "{error}");
    std::fs::remove_dir_all(&many).unwrap();
    std::fs::remove_file(dir.join("loop.proto")).unwrap();
    // A descriptor set that is not one.
    std::fs::write(dir.join("junk.pb"), b"\x0A\xFF\xFF\xFF").unwrap();
    let error = ProtoSchemas::load(&[dir.join("junk.pb")]).err().map(|error| error.to_string()).unwrap_or_default();
    assert!(
        error.starts_with(&format!("{} is not a descriptor set (protoc -o): ", dir.join("junk.pb").display())),
        "{error}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn schemas_travel_with_an_export_bundle_when_asked() {
    use topicscope_core::profile::ConnectionProfile;
    use topicscope_core::profile_exchange::schemas::{bundle_schemas, place_imported_schemas};
    use topicscope_core::profile_exchange::{export_bundle, export_bundle_with_schemas, import_text};

    let mut profile = ConnectionProfile { name: "Plant A".into(), ..ConnectionProfile::default() };
    profile.decoding.proto_paths = vec![fixtures().join("proto/schemas")];
    let mut broken = ConnectionProfile { name: "Broken".into(), ..ConnectionProfile::default() };
    broken.decoding.proto_paths = vec![fixtures().join("proto/broken/bad.proto")];
    let profiles = [profile, broken];
    let (carried, problems) = bundle_schemas(&profiles);
    assert_eq!(carried.keys().collect::<Vec<_>>(), ["Plant A"]);
    assert!(
        problems.len() == 1 && problems[0].starts_with("Broken: its schemas were not included: bad.proto:7:3"),
        "{problems:?}"
    );
    assert!(!export_bundle(&profiles, false).unwrap().contains("schemas:"), "only when asked");
    let text = export_bundle_with_schemas(&profiles, false, carried).unwrap();

    let mut report = import_text(&text, "bundle.ron").unwrap();
    let dir = std::env::temp_dir().join(format!("topicscope-bundled-schemas-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let files = place_imported_schemas(&mut report, &dir);
    assert_eq!(files.len(), 1);
    let (path, bytes) = &files[0];
    assert!(path.starts_with(dir.join("schemas")) && path.extension().is_some_and(|e| e == "pb"), "{}", path.display());
    assert_eq!(report.profiles[0].decoding.proto_paths, vec![path.clone()]);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
    // The importer decodes the same payloads, topic options included.
    let imported = ProtoSchemas::load(&report.profiles[0].decoding.proto_paths).unwrap();
    let decoded = imported.decode("demo.Telemetry", &read("proto/telemetry.bin")).unwrap();
    assert_eq!(decoded.to_json(), expected_telemetry());
    assert_eq!(imported.topic_rules().len(), 2);
    // Damaged bundled schemas are reported, not imported.
    let tampered = text.replacen("\"Plant A\": \"", "\"Plant A\": \"!!", 1);
    let mut report = import_text(&tampered, "bundle.ron").unwrap();
    assert!(place_imported_schemas(&mut report, &dir).is_empty());
    assert!(
        report.skipped.iter().any(|line| line.starts_with("Plant A: its bundled schemas are not base64")),
        "{:?}",
        report.skipped
    );
    let _ = std::fs::remove_dir_all(&dir);
}
