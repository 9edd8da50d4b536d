//! The analysis views' models fed by real brokers: mosquitto's `$SYS`
//! status becomes the broker status summary, and a live topic becomes a
//! chart series.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail the test on error

mod common;

use std::sync::Arc;

use common::{Driver, Mosquitto, local_profile, pump_workspace};
use topicscope_core::chart::SeriesKey;
use topicscope_core::engine::{ConnectionState, Engine};
use topicscope_core::ids::ConnectionId;
use topicscope_core::mqtt::{ProtocolVersion, Qos};
use topicscope_core::store::StoreLimits;
use topicscope_core::workspace::{SubscriptionStatus, Workspace};

/// A workspace connected to 127.0.0.1:`port` with these subscriptions granted.
fn connected_workspace(port: u16, filters: &[&str]) -> (Engine, Workspace) {
    let mut engine = Engine::start(Arc::new(|| {})).expect("engine");
    let profile = local_profile(port, ProtocolVersion::V5, "analysis");
    let mut workspace = Workspace::new(vec![profile.clone()], StoreLimits::default());
    workspace.active_tab_mut().profile = profile;
    for filter in filters {
        let _ = workspace.subscribe(filter, Qos::AtMostOnce).expect("filter");
    }
    for command in workspace.connect().expect("profile") {
        engine.send(command).expect("send");
    }
    pump_workspace(&mut engine, &mut workspace, "connected and subscribed", |w| {
        matches!(w.active_tab().state, ConnectionState::Connected { .. })
            && w.active_tab().subscriptions.iter().all(|s| matches!(s.status, SubscriptionStatus::Granted(_)))
    });
    (engine, workspace)
}

#[test]
fn mosquitto_sys_topics_fill_the_broker_status() {
    let mosquitto = Mosquitto::start_on(common::free_port(), "allow_anonymous true\nsys_interval 1\n");
    let (mut engine, mut workspace) = connected_workspace(mosquitto.port, &["$SYS/#"]);
    // The first values are the retained ones from before we connected; the
    // next periodic update (every second here) counts us.
    pump_workspace(&mut engine, &mut workspace, "version, uptime and us among the clients", |w| {
        let summary = w.active_tab().broker_status.summary();
        summary.version.is_some() && summary.uptime.is_some() && summary.clients_connected.as_deref() == Some("1")
    });
    let summary = workspace.active_tab().broker_status.summary();
    assert!(summary.version.as_deref().is_some_and(|v| v.starts_with("mosquitto version")), "{summary:?}");
    assert!(summary.uptime.as_deref().is_some_and(|u| u.ends_with(" s")), "{summary:?}");
    assert!(workspace.active_tab().broker_status.entries().count() > 10, "every $SYS value is listed");
}

#[test]
fn the_embedded_broker_publishes_sys_topics_in_mosquitto_naming() {
    let config = topicscope_core::broker::BrokerConfig {
        sys_interval: std::time::Duration::from_secs(1),
        ..topicscope_core::broker::BrokerConfig::ephemeral()
    };
    let broker = topicscope_core::broker::EmbeddedBroker::start(config).expect("embedded broker");
    let (mut engine, mut workspace) = connected_workspace(broker.local_addr().port(), &["$SYS/#"]);
    pump_workspace(&mut engine, &mut workspace, "version, uptime and us among the clients", |w| {
        let summary = w.active_tab().broker_status.summary();
        summary.version.is_some() && summary.uptime.is_some() && summary.clients_connected.as_deref() == Some("1")
    });
    let summary = workspace.active_tab().broker_status.summary();
    assert!(summary.version.as_deref().is_some_and(|v| v.starts_with("topicscope ")), "{summary:?}");
    assert!(summary.subscriptions.is_some() && summary.retained.is_some() && summary.clients_total.is_some());

    // Message counters and per-minute load follow real traffic.
    let mut device = Driver::new();
    device.connect(
        ConnectionId(1),
        local_profile(broker.local_addr().port(), ProtocolVersion::V311, "counted"),
        Vec::new(),
    );
    for _ in 0..5 {
        let request = device.publish(ConnectionId(1), "counted/x", b"1", Qos::AtLeastOnce, false);
        device.delivery(ConnectionId(1), request);
    }
    let counter = |w: &Workspace, topic: &str| {
        w.active_tab().broker_status.entries().find(|(t, _)| *t == topic).and_then(|(_, v)| v.text.parse::<f64>().ok())
    };
    pump_workspace(&mut engine, &mut workspace, "5 messages counted, with a per-minute load", |w| {
        counter(w, "$SYS/broker/messages/received").is_some_and(|n| n >= 5.0)
            && counter(w, "$SYS/broker/bytes/received").is_some_and(|n| n >= 5.0)
            && counter(w, "$SYS/broker/messages/sent").is_some_and(|n| n >= 1.0)
            && counter(w, "$SYS/broker/load/messages/received/1min").is_some_and(|rate| rate > 0.0)
    });
    let summary = workspace.active_tab().broker_status.summary();
    assert!(summary.messages_received.as_deref().is_some_and(|v| v.ends_with(" /min")), "{summary:?}");

    // Retained like mosquitto's: a late subscriber gets them at once.
    let output = std::process::Command::new("mosquitto_sub")
        .args(["-h", "127.0.0.1", "-p", &broker.local_addr().port().to_string()])
        .args(["-t", "$SYS/broker/version", "-C", "1", "-W", "5", "-F", "%r %p"])
        .output()
        .expect("mosquitto_sub");
    let line = String::from_utf8_lossy(&output.stdout);
    assert!(line.starts_with("1 topicscope "), "retained version for a new subscriber: {line:?}");
}

#[test]
fn a_live_json_field_is_charted_from_another_clients_messages() {
    let mosquitto = Mosquitto::start();
    let (mut engine, mut workspace) = connected_workspace(mosquitto.port, &["meter/#"]);
    workspace.add_chart(SeriesKey { topic: "meter/power".into(), pointer: Some("/watts".into()) }).expect("chartable");
    let mut device = Driver::new();
    device.connect(ConnectionId(1), local_profile(mosquitto.port, ProtocolVersion::V311, "meter"), Vec::new());
    for payload in [r#"{"watts": 100}"#, r#"{"watts": "n/a"}"#, r#"{"watts": 250.5}"#] {
        let request = device.publish(ConnectionId(1), "meter/power", payload.as_bytes(), Qos::AtLeastOnce, false);
        device.delivery(ConnectionId(1), request);
    }
    pump_workspace(&mut engine, &mut workspace, "two points and one skipped message", |w| {
        let series = &w.active_tab().charts.series()[0];
        series.points.len() == 2 && series.skipped == 1
    });
    let series = &workspace.active_tab().charts.series()[0];
    assert_eq!(series.points.iter().map(|p| p[1]).collect::<Vec<_>>(), vec![100.0, 250.5]);
    assert_eq!(series.last_problem.as_ref().map(ToString::to_string).as_deref(), Some("'n/a' is not a number"));
}
