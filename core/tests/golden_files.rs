//! Golden files: every format Topicscope writes to disk, as it was first
//! shipped, must keep loading forever (profiles have their own in
//! profiles.rs). The broker's snapshot was written by the embedded broker
//! after independent clients (mosquitto_pub / mosquitto_sub) left retained
//! messages and persistent sessions with queued messages in it; reading it
//! back is checked with the same independent clients.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail the test on error

use std::path::PathBuf;
use std::process::Command as Process;
use std::time::Duration;

use topicscope_core::broker::auth::{Access, verify_password};
use topicscope_core::broker::persist::SNAPSHOT_FILE;
use topicscope_core::broker::settings::load_settings;
use topicscope_core::broker::{BrokerConfig, EmbeddedBroker};
use topicscope_core::mqtt::{ProtocolVersion, Qos};
use topicscope_core::payload::PayloadFormat;
use topicscope_core::profile::TransportKind;
use topicscope_core::profile_exchange::import_file;
use topicscope_core::saved_messages::SavedMessages;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats").join(name)
}

#[test]
fn saved_messages_of_the_first_format_still_load() {
    let saved = SavedMessages::load(&fixture("messages.ron")).expect("messages.ron loads");
    assert_eq!(saved.version, 1);
    let names: Vec<(&str, Option<&str>, usize)> = saved
        .collections
        .iter()
        .map(|collection| (collection.name.as_str(), collection.profile.as_deref(), collection.messages.len()))
        .collect();
    assert_eq!(names, [("Smoke tests", None, 2), ("Plant requests", Some("Plant floor"), 1)]);
    let ping = &saved.collections[0].messages[0];
    assert_eq!(
        (ping.topic.as_str(), ping.format, ping.qos),
        ("lab/{{site}}/ping", PayloadFormat::Json, Qos::AtLeastOnce)
    );
    assert!(ping.payload.contains("{{counter}}"));
    assert!(saved.collections[0].messages[1].retain);
    let request = &saved.collections[1].messages[0];
    assert_eq!(
        (request.format, request.qos, request.payload.as_str()),
        (PayloadFormat::Hex, Qos::ExactlyOnce, "00ff10")
    );
    let properties = &request.properties;
    assert_eq!(properties.response_topic, "replies/{{uuid}}");
    assert_eq!(properties.content_type, "application/json");
    assert_eq!(properties.message_expiry_secs, Some(60));
    assert!(properties.await_response);
    assert_eq!(properties.user_properties, [("origin".to_owned(), "topicscope".to_owned())]);
}

#[test]
fn broker_settings_of_the_first_format_still_load() {
    let config = load_settings(&fixture("broker.ron")).expect("broker.ron loads");
    assert_eq!((config.port, config.websocket_port, config.fall_back_to_free_port), (1884, Some(9001), false));
    let tls = config.tls.as_ref().expect("TLS listener");
    assert_eq!((tls.port, tls.cert_file.to_str()), (8883, Some("/etc/topicscope/broker.crt")));
    assert_eq!((config.max_packet_size, config.max_connections), (1_048_576, 500));
    assert_eq!(config.sys_interval, Duration::from_secs(30));
    assert_eq!(config.persistence.as_deref().and_then(|dir| dir.to_str()), Some("/var/lib/topicscope/broker"));
    assert!(!config.access.allow_anonymous);
    assert_eq!(verify_password(&config.access.users["alice"], b"wonderland"), Ok(true));
    let acl = config.access.acl.as_ref().expect("ACL");
    assert!(acl.allows(Some("alice"), "c", "lab/bench", Access::Write));
    assert!(!acl.allows(Some("alice"), "c", "lab/secret/key", Access::Read), "deny wins");
    assert!(acl.allows(Some("bob"), "sensor-9", "devices/sensor-9/state", Access::Write), "%c pattern");
}

#[test]
fn profile_bundles_of_the_first_format_still_import() {
    let report = import_file(&fixture("profile-bundle.ron")).expect("the bundle imports");
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let profiles: Vec<(&str, &str, u16, ProtocolVersion, TransportKind)> = report
        .profiles
        .iter()
        .map(|profile| {
            (profile.name.as_str(), profile.host.as_str(), profile.port, profile.protocol, profile.transport)
        })
        .collect();
    assert_eq!(
        profiles,
        [
            ("Plant floor", "10.20.30.40", 8883, ProtocolVersion::V5, TransportKind::Tcp),
            ("Lab over WebSocket", "lab.local", 9001, ProtocolVersion::V311, TransportKind::WebSocket),
        ]
    );
    let plant = &report.profiles[0];
    assert_eq!((plant.client_id.as_str(), plant.username.as_str()), ("tester-1", "operator"));
    assert_eq!(plant.subscriptions.len(), 1);
    assert_eq!((plant.subscriptions[0].filter.as_str(), plant.subscriptions[0].colour), ("plant/#", Some(3)));
}

/// Runs mosquitto_sub against the broker and returns what it printed.
fn mosquitto_sub(port: u16, args: &[&str]) -> String {
    let output = Process::new("mosquitto_sub")
        .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-W", "10"])
        .args(args)
        .output()
        .expect("mosquitto_sub must be installed (apt-get install mosquitto-clients)");
    assert!(output.status.success(), "mosquitto_sub {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn a_broker_snapshot_of_the_first_format_is_restored() {
    let dir = std::env::temp_dir().join(format!("topicscope-golden-snapshot-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    // As if it had just been written: sessions expire by the clock (the
    // 3.1.1 one after rmqtt's two hours), the format does not.
    let bytes = std::fs::read(fixture("broker-snapshot").join(SNAPSHOT_FILE)).expect("fixture");
    let mut snapshot: ciborium::Value = ciborium::from_reader(bytes.as_slice()).expect("CBOR");
    let ciborium::Value::Map(fields) = &mut snapshot else { panic!("a snapshot is a map") };
    let saved_at = fields
        .iter_mut()
        .find(|(key, _)| key.as_text() == Some("saved_at_ms"))
        .map(|(_, value)| value)
        .expect("saved_at_ms");
    *saved_at = ciborium::Value::Integer(chrono::Utc::now().timestamp_millis().into());
    let mut fresh = Vec::new();
    ciborium::into_writer(&snapshot, &mut fresh).expect("encoded");
    std::fs::write(dir.join(SNAPSHOT_FILE), fresh).expect("written");
    let broker = EmbeddedBroker::start(BrokerConfig { persistence: Some(dir.clone()), ..BrokerConfig::ephemeral() })
        .expect("the broker starts from the snapshot");
    let port = broker.local_addr().port();
    let log = broker.monitor().lock().log.iter().map(|entry| entry.text.clone()).collect::<Vec<_>>().join("\n");
    assert!(log.contains("restored 2 retained messages and 2 persistent sessions (2 queued messages)"), "{log}");

    let retained = mosquitto_sub(port, &["-t", "plant/#", "-v", "-C", "2"]);
    let mut lines: Vec<&str> = retained.lines().collect();
    lines.sort_unstable();
    assert_eq!(lines, ["plant/temp {\"c\": 21.5}", "plant/valve/7/state open"]);
    // The sessions come back with what was queued for them while away.
    let watcher = mosquitto_sub(
        port,
        &["-V", "mqttv5", "-i", "golden-watcher", "-c", "-x", "3600", "-q", "1", "-t", "alerts/#", "-v", "-C", "1"],
    );
    assert_eq!(watcher.trim(), "alerts/boiler over temperature");
    let orders = mosquitto_sub(port, &["-i", "golden-orders", "-c", "-q", "2", "-t", "orders/+", "-v", "-C", "1"]);
    assert_eq!(orders.trim(), "orders/42 ship");
    broker.stop();
    let _ = std::fs::remove_dir_all(&dir);
}
