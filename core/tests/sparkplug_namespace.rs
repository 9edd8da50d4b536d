//! The Sparkplug namespace model fed with Eclipse Tahu's own encodings
//! (scripts/decoder_fixtures.sh): births, alias-only data, device births
//! and data, sequence gaps, deaths with matching and stale bdSeq, rebirths
//! that replace metrics, host STATE, and the rebirth command we send.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail the test on error

use std::path::Path;

use topicscope_core::decoders::sparkplug::{self, MetricValue};
use topicscope_core::decoders::sparkplug_namespace::{SparkplugNamespace, rebirth_command};

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sparkplug").join(format!("{name}.bin"));
    std::fs::read(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

const NODE: &str = "spBv1.0/plant/{}/edge1";

fn node_topic(kind: &str) -> String {
    NODE.replace("{}", kind)
}

fn issues(namespace: &SparkplugNamespace) -> Vec<String> {
    namespace.issues.iter().map(|issue| issue.text.clone()).collect()
}

#[test]
fn births_data_and_deaths_build_the_namespace_with_aliases_resolved() {
    let mut namespace = SparkplugNamespace::default();
    assert!(namespace.apply(&node_topic("NBIRTH"), &fixture("nbirth")));
    assert!(namespace.apply(&node_topic("NDATA"), &fixture("ndata")));
    assert!(namespace.apply("spBv1.0/plant/DBIRTH/edge1/pump", &fixture("dbirth")));
    assert!(namespace.apply("spBv1.0/plant/DDATA/edge1/pump", &fixture("ddata")));
    assert!(!namespace.apply("plant/other", b"x"), "not a Sparkplug topic");
    assert_eq!(issues(&namespace), Vec::<String>::new());

    let node = namespace.node("plant", "edge1").expect("node");
    assert!(node.online);
    assert_eq!(node.bd_seq, Some(3));
    assert_eq!(node.last_seq, Some(3));
    // NDATA sent alias 1 only: it is Temperature, and the live value wins
    // over the historical one that came after it.
    let temperature = &node.metrics.metrics["Temperature"];
    assert_eq!(temperature.value, MetricValue::Float(22.75));
    assert!(temperature.is_historical, "the last update was historical");
    assert_eq!(temperature.updates, 3);
    assert_eq!(node.metrics.by_alias(5).map(|metric| metric.value.clone()), Some(MetricValue::Int(-1)));
    assert!(node.metrics.metrics["Label"].is_transient);
    // Device aliases are their own space: alias 1 there is Speed.
    let pump = &node.devices["pump"];
    assert!(pump.online);
    assert_eq!(
        pump.metrics.by_alias(1).map(|metric| (metric.name.clone(), metric.value.clone())),
        Some(("Speed".into(), MetricValue::UInt(1250)))
    );

    // Two messages lost: seq 3 → 6.
    namespace.apply(&node_topic("NDATA"), &fixture("ndata_gap"));
    assert_eq!(issues(&namespace), vec!["seq jumped from 3 to 6: 2 message(s) missing".to_owned()]);
    assert_eq!(namespace.node("plant", "edge1").map(|node| node.missing), Some(2));

    // The will of an earlier session (bdSeq 2) changes nothing.
    namespace.apply(&node_topic("NDEATH"), &fixture("ndeath_old"));
    assert!(namespace.node("plant", "edge1").is_some_and(|node| node.online));
    assert!(
        issues(&namespace)[1].starts_with("NDEATH bdSeq 2 does not match the NBIRTH's bdSeq 3"),
        "{:?}",
        issues(&namespace)
    );

    // This session's will takes the node and its devices down.
    namespace.apply(&node_topic("NDEATH"), &fixture("ndeath"));
    let node = namespace.node("plant", "edge1").expect("node");
    assert!(!node.online && !node.devices["pump"].online);
    assert_eq!(namespace.issues.len(), 2);
}

#[test]
fn a_rebirth_replaces_metrics_and_aliases_instead_of_merging() {
    let mut namespace = SparkplugNamespace::default();
    namespace.apply(&node_topic("NBIRTH"), &fixture("nbirth"));
    namespace.apply("spBv1.0/plant/DBIRTH/edge1/pump", &fixture("dbirth"));
    namespace.apply(&node_topic("NBIRTH"), &fixture("nbirth_again"));
    let node = namespace.node("plant", "edge1").expect("node");
    assert_eq!(node.bd_seq, Some(4));
    let names: Vec<&str> = node.metrics.metrics.keys().map(String::as_str).collect();
    assert_eq!(names, ["Humidity", "bdSeq"], "the old metrics are gone");
    assert_eq!(node.metrics.by_alias(1).map(|metric| metric.name.as_str()), Some("Humidity"));
    assert!(!node.devices["pump"].online, "devices wait for their own birth again");
    // Data for a device that died: flagged, not applied silently.
    namespace.apply("spBv1.0/plant/DDEATH/edge1/pump", &fixture("ddeath"));
    namespace.apply("spBv1.0/plant/DDATA/edge1/pump", &fixture("ddata"));
    assert!(
        issues(&namespace).iter().any(|issue| issue == "DDATA from device 'pump' that is not born"),
        "{:?}",
        issues(&namespace)
    );
}

#[test]
fn host_state_and_undecodable_payloads_are_tracked() {
    let mut namespace = SparkplugNamespace::default();
    namespace.apply("spBv1.0/STATE/scada", br#"{"online": true, "timestamp": 1764849600000}"#);
    namespace.apply("STATE/legacy", b"OFFLINE");
    assert!(namespace.hosts["scada"].online);
    assert!(!namespace.hosts["legacy"].online);
    namespace.apply(&node_topic("NDATA"), b"plain text");
    assert_eq!(namespace.undecodable, 1);
    assert!(issues(&namespace)[0].starts_with("not a Sparkplug B payload: "));
}

#[test]
fn the_rebirth_command_is_what_tahus_encoder_writes() {
    let (topic, payload) = rebirth_command("plant", "edge1", 1_764_849_605_000);
    assert_eq!(topic, "spBv1.0/plant/NCMD/edge1");
    // Tahu's JavaScript encoder wrote the same command (same timestamp).
    let tahu = fixture("ncmd_rebirth");
    let ours = sparkplug::decode_payload(&payload).expect("decodes");
    assert_eq!(ours, sparkplug::decode_payload(&tahu).expect("decodes"));
    assert_eq!(payload, tahu, "byte for byte");
}

#[test]
fn messages_out_of_order_are_late_not_a_cycle_missing() {
    // Published as 0, 2, 1, 3, 6: one late, two missing.
    let mut namespace = SparkplugNamespace::default();
    namespace.apply(&node_topic("NBIRTH"), &fixture("nbirth"));
    namespace.apply("spBv1.0/plant/DBIRTH/edge1/pump", &fixture("dbirth"));
    assert_eq!(namespace.node("plant", "edge1").map(|node| node.missing), Some(1));
    namespace.apply(&node_topic("NDATA"), &fixture("ndata"));
    namespace.apply("spBv1.0/plant/DDATA/edge1/pump", &fixture("ddata"));
    namespace.apply(&node_topic("NDATA"), &fixture("ndata_gap"));
    assert_eq!(
        issues(&namespace),
        [
            "seq jumped from 0 to 2: 1 message(s) missing",
            "seq 1 arrived late, after 2",
            "seq jumped from 3 to 6: 2 message(s) missing",
        ]
    );
    let node = namespace.node("plant", "edge1").expect("node");
    assert_eq!((node.missing, node.last_seq), (2, Some(6)));
    // The same message again is a repeat, not a late one.
    namespace.apply(&node_topic("NDATA"), &fixture("ndata"));
    assert_eq!(issues(&namespace).last().map(String::as_str), Some("seq 1 came again or out of order, after 6"));
}
