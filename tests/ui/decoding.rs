//! Decoded payloads in the window: Sparkplug B with no settings, protobuf
//! from a folder of .proto files set in the profile's Decoding section,
//! the inspector's decoded tree with field numbers and types, a failed
//! decode's reason above the raw bytes, and "View as". Payloads come from
//! independent encoders (protoc, Eclipse Tahu) through mosquitto_pub.

use egui_kittest::kittest::Queryable as _;

use crate::helpers::*;

fn fixture(path: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("core/tests/fixtures").join(path)
}

fn open_row(harness: &mut egui_kittest::Harness<'_, topicscope::ui::TopicscopeApp>, topic: &str) {
    step_until(harness, topic, |app| received_on(app, topic) == 1);
    harness.run_steps(2);
    harness.get_all_by_label(topic).next().expect("the row").click();
    harness.run_steps(3);
}

#[test]
fn sparkplug_is_decoded_in_the_log_and_the_inspector_with_no_settings() {
    let mut harness = harness();
    connected(&mut harness);
    let birth = fixture("sparkplug/nbirth.bin");
    mosquitto_pub(&harness, "spBv1.0/plant/NBIRTH/edge1", &["-f", &birth.display().to_string()]);
    step_until(&mut harness, "the birth", |app| received_on(app, "spBv1.0/plant/NBIRTH/edge1") == 1);
    harness.run_steps(2);
    assert!(
        harness
            .query_by_label_contains("{\"timestamp\":1764849600000,\"seq\":0,\"metrics\":[{\"name\":\"bdSeq\"")
            .is_some(),
        "the log row shows the decoded payload"
    );
    open_row(&mut harness, "spBv1.0/plant/NBIRTH/edge1");
    assert_eq!(harness.state().ui.inspector.tab, topicscope::ui::state::InspectorTab::Decoded, "opens decoded");
    assert!(harness.query_by_label_contains("Sparkplug B · seq 0").is_some());
    assert!(harness.query_by_label("Temperature").is_some(), "a metric row");
    assert!(harness.query_by_label("Offset8").is_some());
    assert!(harness.query_by_label("-5").is_some(), "Int8 with its sign");
    assert!(harness.query_by_label("Int8").is_some(), "the data type by name");

    // Plain text on a Sparkplug topic: the reason, then the bytes — never `{}`.
    mosquitto_pub(&harness, "spBv1.0/plant/NDATA/edge1", &["-m", "hello"]);
    open_row(&mut harness, "spBv1.0/plant/NDATA/edge1");
    assert!(harness.query_by_label_contains("⚠ not Sparkplug B: ").is_some(), "the failure says why");
    assert!(harness.query_by_label_contains("The bytes as they arrived").is_some());
    assert!(harness.query_by_label_contains("68 65 6c 6c 6f").is_some(), "the raw bytes below it");
}

#[test]
fn protobuf_schemas_from_the_profile_decode_with_field_numbers_and_types() {
    let mut harness = harness_without_file_dialogs();
    connected(&mut harness);
    // Decoding → Add folder…, the path typed (no system dialog here); a
    // file is not a folder. Loading runs off the UI thread.
    harness.state_mut().ui.profiles.open = true;
    harness.run_steps(2);
    harness.get_by_label("Decoding").click();
    harness.run_steps(2);
    harness.get_by_label("Add folder…").click();
    step_until(&mut harness, "the path prompt", |app| app.ui.path_prompt.is_some());
    harness.run_steps(2);
    replace_text(&mut harness, "Path", &fixture("proto/telemetry.bin").display().to_string());
    harness.get_by_label("OK").click();
    harness.run_steps(2);
    assert!(harness.query_by_label("there is no folder at this path").is_some());
    replace_text(&mut harness, "Path", &fixture("proto/schemas").display().to_string());
    harness.get_by_label("OK").click();
    step_until(&mut harness, "the folder in the profile", |app| {
        app.workspace.active_tab().profile.decoding.proto_paths == [fixture("proto/schemas")]
    });
    harness.state_mut().ui.profiles.open = false;
    step_until(&mut harness, "schemas loaded", |app| {
        let decoding = &app.workspace.active_tab().decoding;
        !decoding.is_loading() && !decoding.decoders().schemas().message_names().is_empty()
    });
    mosquitto_pub(&harness, "unit/7/telemetry", &["-f", &fixture("proto/telemetry.bin").display().to_string()]);
    step_until(&mut harness, "the telemetry", |app| received_on(app, "unit/7/telemetry") == 1);
    harness.run_steps(2);
    assert!(harness.query_by_label_contains("{\"device_id\":\"unit-7\",\"temperature\":21.5").is_some());
    open_row(&mut harness, "unit/7/telemetry");
    assert!(harness.query_by_label("= -9007199254740993").is_some(), "64-bit exact");
    assert!(harness.query_by_label("#3").is_some(), "field numbers");
    assert!(harness.query_all_by_label("int64").count() >= 1, "field types");
    assert!(harness.query_by_label("= STATUS_ALARM (2)").is_some(), "enums by name");
    assert!(harness.query_by_label_contains("location  #10  demo.common.Location").is_some(), "nested messages");

    // View as: the same bytes as another type, chosen in the inspector.
    harness.get_by_value("By rule: protobuf demo.Telemetry").click();
    harness.run_steps(2);
    harness.get_by_label("hex").click();
    harness.run_steps(3);
    assert_eq!(
        harness.state().ui.inspector.decode_as.get("unit/7/telemetry"),
        Some(&topicscope::core::decoders::PayloadDecoder::Hex)
    );
    assert!(harness.query_by_label_contains("Shown in the raw views").is_some());

    // The Decoding section shows what loaded, and a broken file's place.
    harness.state_mut().workspace.active_tab_mut().profile.decoding.proto_paths =
        vec![fixture("proto/broken/bad.proto")];
    step_until(&mut harness, "the bad schema's error", |app| app.workspace.active_tab().decoding.error().is_some());
    harness.state_mut().ui.profiles.open = true;
    harness.run_steps(2);
    harness.get_by_label("Decoding").click();
    harness.run_steps(3);
    assert!(harness.query_by_label_contains("The schemas did not load: bad.proto:7:3: ").is_some());
}

#[test]
fn the_sparkplug_window_builds_the_namespace_from_the_log_and_asks_for_a_rebirth() {
    let mut harness = harness();
    connected(&mut harness);
    let steps = [
        ("spBv1.0/plant/NBIRTH/edge1", "nbirth"),
        ("spBv1.0/plant/NDATA/edge1", "ndata"),
        ("spBv1.0/plant/DBIRTH/edge1/pump", "dbirth"),
        ("spBv1.0/plant/DDATA/edge1/pump", "ddata"),
        ("spBv1.0/plant/NDATA/edge1", "ndata_gap"),
    ];
    for (count, (topic, name)) in steps.iter().enumerate() {
        mosquitto_pub(&harness, topic, &["-f", &fixture(&format!("sparkplug/{name}.bin")).display().to_string()]);
        let total = count + 1;
        step_until(&mut harness, name, |app| {
            steps
                .iter()
                .map(|(topic, _)| *topic)
                .collect::<std::collections::BTreeSet<_>>()
                .iter()
                .map(|topic| received_on(app, topic))
                .sum::<usize>()
                == total
        });
    }
    // Opened after the traffic: it reads what the log holds.
    menu(&mut harness, "View", "Sparkplug");
    harness.run_steps(3);
    assert!(harness.query_by_label("1 group · 1 edge node").is_some());
    assert!(harness.query_by_label("bdSeq 3 · seq 6").is_some());
    assert!(harness.query_by_label("2 missing").is_some(), "seq 3 → 6");
    assert!(harness.query_by_label("pump").is_some(), "the device");
    assert!(harness.query_by_label_contains("1 rule break found").is_some());
    harness.get_by_label("edge1").click();
    harness.run_steps(2);
    assert!(harness.query_by_label("Temperature").is_some());
    assert!(harness.query_by_label("23.5").is_some(), "alias 1 resolved to Temperature, latest value");
    assert!(harness.query_by_label("transient").is_some(), "quality flags: Label's latest value is transient");
    assert!(harness.query_by_label("Measured").is_some(), "the measurement time column");

    harness.get_by_label("Rebirth").click();
    step_until(&mut harness, "the NCMD back through the broker", |app| {
        received_on(app, "spBv1.0/plant/NCMD/edge1") == 1
    });
    let app = harness.state();
    let seq = (app.workspace.store.first_seq()..app.workspace.store.next_seq())
        .find(|seq| app.workspace.store.get(*seq).is_some_and(|m| m.topic == "spBv1.0/plant/NCMD/edge1"))
        .expect("logged");
    let message = app.workspace.store.get(seq).expect("held");
    let command = topicscope::core::decoders::sparkplug::decode_payload(message.payload).expect("decodes");
    let metric = command.metric("Node Control/Rebirth").expect("the rebirth metric");
    assert_eq!(metric.value, topicscope::core::decoders::sparkplug::MetricValue::Bool(true));
    assert_eq!(metric.datatype, Some(11), "Boolean");
}

#[test]
fn the_composer_encodes_json_into_the_topics_protobuf_type() {
    let mut harness = harness();
    connected(&mut harness);
    harness.state_mut().workspace.active_tab_mut().profile.decoding.proto_paths.push(fixture("proto/schemas"));
    step_until(&mut harness, "schemas loaded", |app| {
        !app.workspace.active_tab().decoding.decoders().schemas().message_names().is_empty()
    });
    harness.state_mut().workspace.active_tab_mut().draft.format = topicscope::core::payload::PayloadFormat::Json;
    // A value that does not fit: named before anything is sent.
    publish_through_composer_without_sending(&mut harness, "unit/5/telemetry", r#"{"temperature": "warm"}"#);
    harness.run_steps(2);
    assert!(harness.query_by_label_contains("Sent as protobuf demo.Telemetry").is_some());
    assert!(harness.query_by_label_contains("field Telemetry.temperature: ").is_some(), "the field is named");

    publish_through_composer(&mut harness, "unit/5/telemetry", r#"{"device_id": "ui", "counter": -9007199254740993}"#);
    step_until(&mut harness, "our message back", |app| received_on(app, "unit/5/telemetry") == 1);
    let app = harness.state();
    let store = &app.workspace.store;
    let message = (0..store.len())
        .filter_map(|index| store.at(index))
        .find(|m| m.direction == topicscope::core::mqtt::Direction::Incoming && m.topic == "unit/5/telemetry")
        .expect("received");
    // protoc reads what went over the wire.
    let mut protoc = std::process::Command::new("protoc")
        .args(["-I", "schemas", "--decode=demo.Telemetry", "telemetry.proto"])
        .current_dir(fixture("proto"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("protoc");
    std::io::Write::write_all(&mut protoc.stdin.take().expect("stdin"), message.payload).expect("write");
    let output = protoc.wait_with_output().expect("protoc output");
    assert_eq!(String::from_utf8_lossy(&output.stdout), "device_id: \"ui\"\ncounter: -9007199254740993\n");
}
