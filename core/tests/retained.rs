//! The retained-message manager's core function against the embedded
//! broker: publish a retained subtree, find it in the topic tree, clear it,
//! and check with a fresh subscriber that nothing under it is retained.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail the test on error

mod common;

use std::sync::Arc;

use common::{Driver, local_profile, pump_workspace as pump};
use topicscope_core::broker::{BrokerConfig, EmbeddedBroker};
use topicscope_core::engine::{ConnectionState, Engine};
use topicscope_core::ids::ConnectionId;
use topicscope_core::mqtt::{ProtocolVersion, Qos};
use topicscope_core::store::StoreLimits;
use topicscope_core::workspace::{SubscriptionStatus, Workspace};

#[test]
fn a_retained_subtree_is_found_and_cleared() {
    let broker = EmbeddedBroker::start(BrokerConfig::ephemeral()).expect("broker");
    let port = broker.local_addr().port();

    // Another client leaves retained messages behind.
    let mut publisher = Driver::new();
    publisher.connect(ConnectionId(1), local_profile(port, ProtocolVersion::V311, "device"), Vec::new());
    for topic in ["site/a/1", "site/a/2", "site/b/3", "other/keep"] {
        let request = publisher.publish(ConnectionId(1), topic, b"state", Qos::AtLeastOnce, true);
        publisher.delivery(ConnectionId(1), request);
    }

    // topicscope's model subscribes to everything and sees them as retained.
    let mut engine = Engine::start(Arc::new(|| {})).expect("engine");
    let profile = local_profile(port, ProtocolVersion::V5, "manager");
    let mut workspace = Workspace::new(vec![profile.clone()], StoreLimits::default());
    workspace.active_tab_mut().profile = profile;
    let _ = workspace.subscribe("#", Qos::AtLeastOnce).expect("filter");
    for command in workspace.connect().expect("profile") {
        engine.send(command).expect("send");
    }
    pump(&mut engine, &mut workspace, "connected and subscribed", |w| {
        matches!(w.active_tab().state, ConnectionState::Connected { .. })
            && w.active_tab().subscriptions.iter().all(|s| matches!(s.status, SubscriptionStatus::Granted(_)))
    });
    pump(&mut engine, &mut workspace, "retained replays", |w| w.active_tab().tree.retained_topics(None).len() == 4);
    let under_site = workspace.active_tab().tree.retained_topics(Some("site"));
    assert_eq!(under_site, vec!["site/a/1", "site/a/2", "site/b/3"]);

    // Clear the subtree through the manager's core function.
    let commands = workspace.clear_retained(&under_site).expect("connected");
    assert_eq!(commands.len(), 3);
    for command in commands {
        engine.send(command).expect("send");
    }
    // The broker has processed them once it forwards them back to our '#'.
    pump(&mut engine, &mut workspace, "the three empty publishes echoed back", |w| {
        let echoed = (0..w.store.len())
            .filter_map(|i| w.store.at(i))
            .filter(|m| m.direction == topicscope_core::mqtt::Direction::Incoming && m.payload.is_empty())
            .count();
        w.store.counters().sent == 3 && echoed == 3
    });
    assert_eq!(workspace.active_tab().tree.retained_topics(None), vec!["other/keep"]);

    // A fresh subscriber gets only what is still retained.
    publisher.connect(ConnectionId(2), local_profile(port, ProtocolVersion::V5, "fresh"), Vec::new());
    publisher.subscribe(ConnectionId(2), 1, "#", Qos::AtLeastOnce);
    let marker = publisher.publish(ConnectionId(1), "marker", b"m", Qos::AtLeastOnce, false);
    publisher.delivery(ConnectionId(1), marker);
    let received = publisher.wait_messages(ConnectionId(2), 2);
    let retained: Vec<&str> = received.iter().filter(|m| m.retain).map(|m| m.topic.as_str()).collect();
    assert_eq!(retained, vec!["other/keep"], "{received:?}");
}
