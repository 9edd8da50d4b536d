//! The engine against a broker that misbehaves on purpose (see
//! common/fake_broker.rs): no panic, a specific error in the user's terms,
//! the right connection state, and memory within a stated bound.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod common;

use std::time::Duration;

use common::fake_broker::{FakeBroker, Session, kind, wire};
use common::{Driver, local_profile, wait_until};
use topicscope_core::engine::{ConnectionEvent, ConnectionFailure, ConnectionState, EventKind, SubscriptionSpec};
use topicscope_core::ids::{ConnectionId, SubscriptionId};
use topicscope_core::mqtt::{ProtocolVersion, Qos};
use topicscope_core::profile::ConnectionProfile;

const CONNECTION: ConnectionId = ConnectionId(1);

fn subscription(filter: &str) -> SubscriptionSpec {
    SubscriptionSpec {
        id: SubscriptionId(1),
        filter: filter.into(),
        qos: Qos::AtMostOnce,
        ..SubscriptionSpec::default()
    }
}

fn profile(broker: &FakeBroker, protocol: ProtocolVersion) -> ConnectionProfile {
    let mut profile = local_profile(broker.port, protocol, "hostile");
    profile.connect_timeout_secs = 2;
    profile.reconnect_backoff_cap_secs = 1;
    profile
}

/// Connects with one subscription and returns the first failure the engine
/// reports (reconnecting or failed), with every state seen until then.
fn first_failure(broker: &FakeBroker, profile: ConnectionProfile) -> (ConnectionFailure, Driver) {
    let mut driver = Driver::new();
    driver.send(topicscope_core::engine::Command::Connect {
        connection: CONNECTION,
        profile: Box::new(profile),
        subscriptions: vec![subscription("#")],
    });
    let mut failure = None;
    driver.wait_for("a failure", |events| {
        failure = events.iter().find_map(|event| match &event.kind {
            EventKind::Connection {
                event:
                    ConnectionEvent::State(
                        ConnectionState::Reconnecting { error, .. } | ConnectionState::Failed(error),
                    ),
                ..
            } => Some(error.clone()),
            _ => None,
        });
        failure.is_some()
    });
    let _ = broker;
    (failure.expect("failure"), driver)
}

fn send_alias(alias_script: fn(&mut Session)) -> impl Fn(Session) + Send + Sync + 'static {
    move |mut session: Session| {
        if session.accept_and_grant_subscribe().is_none() {
            return;
        }
        alias_script(&mut session);
        session.hold();
    }
}

#[test]
fn an_undefined_topic_alias_is_a_named_protocol_error_and_the_engine_reconnects() {
    let broker = FakeBroker::start(send_alias(|session| {
        session.send(&wire::publish_v5(b"", Some(7), b"where am I"));
    }));
    let mut profile = profile(&broker, ProtocolVersion::V5);
    profile.mqtt5.topic_alias_maximum = Some(10);
    let (failure, _driver) = first_failure(&broker, profile);
    assert!(matches!(failure, ConnectionFailure::Protocol(_)), "{failure:?}");
    let text = failure.to_string();
    assert!(text.contains("topic alias 7") && text.contains("never defined"), "{text}");
    // Reconnects per the policy (back-off 1 s).
    assert!(wait_until(Duration::from_secs(10), || broker.connections() >= 2), "no reconnect");
}

#[test]
fn topic_alias_zero_is_refused() {
    let broker = FakeBroker::start(send_alias(|session| {
        session.send(&wire::publish_v5(b"a/b", Some(0), b"zero"));
    }));
    let mut profile = profile(&broker, ProtocolVersion::V5);
    profile.mqtt5.topic_alias_maximum = Some(10);
    let (failure, _driver) = first_failure(&broker, profile);
    assert!(failure.to_string().contains("topic alias 0"), "{failure}");
}

#[test]
fn a_topic_alias_above_the_announced_maximum_is_refused() {
    let broker = FakeBroker::start(send_alias(|session| {
        for alias in 1..=20u16 {
            session.send(&wire::publish_v5(format!("t/{alias}").as_bytes(), Some(alias), b"x"));
        }
    }));
    let mut profile = profile(&broker, ProtocolVersion::V5);
    profile.mqtt5.topic_alias_maximum = Some(5);
    let (failure, driver) = first_failure(&broker, profile);
    let text = failure.to_string();
    assert!(text.contains("topic alias 6") && text.contains("at most 5"), "{text}");
    // The five defined aliases were delivered with their topics.
    let topics: Vec<String> = driver.messages(CONNECTION).into_iter().map(|message| message.topic).collect();
    assert_eq!(topics, ["t/1", "t/2", "t/3", "t/4", "t/5"]);
}

#[test]
fn a_topic_alias_when_none_were_allowed_is_refused() {
    let broker = FakeBroker::start(send_alias(|session| {
        session.send(&wire::publish_v5(b"a/b", Some(1), b"x"));
    }));
    let (failure, _driver) = first_failure(&broker, profile(&broker, ProtocolVersion::V5));
    assert!(failure.to_string().contains("topic alias 1"), "{failure}");
}

#[test]
fn defined_aliases_resolve_and_a_new_connection_forgets_them() {
    let broker = FakeBroker::start(|mut session: Session| {
        if session.accept_and_grant_subscribe().is_none() {
            return;
        }
        session.send(&wire::publish_v5(b"plant/1/temp", Some(3), b"20"));
        session.send(&wire::publish_v5(b"", Some(3), b"21"));
        session.hold();
    });
    let mut profile = profile(&broker, ProtocolVersion::V5);
    profile.mqtt5.topic_alias_maximum = Some(10);
    let mut driver = Driver::new();
    driver.connect(CONNECTION, profile, vec![subscription("#")]);
    let messages = driver.wait_messages(CONNECTION, 2);
    assert_eq!(messages[1].topic, "plant/1/temp");
    assert_eq!(&messages[1].payload[..], b"21");
    let _ = kind::PUBLISH;
}
