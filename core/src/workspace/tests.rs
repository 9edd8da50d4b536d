//! The workspace's model tests: tabs, subscriptions, publishing, events.

use std::net::SocketAddr;

use bytes::Bytes;
use chrono::{DateTime, Utc};

use super::*;
use crate::broker::BrokerConfig;
use crate::chart::SeriesKey;
use crate::engine::ConnectionFailure;
use crate::engine::{Command, ConnectionEvent, ConnectionState, Event, EventKind, SubscribeOutcome};
use crate::mqtt::IncomingMessage;
use crate::mqtt::Qos;
use crate::payload::{PayloadError, PayloadFormat};
use crate::profile::SavedSubscription;
use crate::topic::TopicError;

pub(super) fn event(kind: EventKind) -> Event {
    Event { at: Utc::now(), kind }
}

pub(super) fn connected(workspace: &mut Workspace) -> ConnectionId {
    let commands = workspace.connect().expect("valid profile");
    assert!(matches!(commands.last(), Some(Command::Connect { .. })));
    let id = workspace.active_tab().connection.expect("id");
    workspace.apply(event(EventKind::Connection {
        connection: id,
        event: ConnectionEvent::State(ConnectionState::Connected { session_present: false, client_id: "c".into() }),
    }));
    id
}

#[test]
fn broker_running_points_the_embedded_profile_and_connects() {
    let mut workspace = Workspace::new(crate::profile::shipped_profiles(), StoreLimits::default());
    let _ = workspace.start_embedded_broker(BrokerConfig::default(), true);
    let addr: SocketAddr = "127.0.0.1:41883".parse().expect("addr");
    let commands = workspace.apply(event(EventKind::Broker(BrokerState::Running {
        addr,
        fell_back_from: Some(1883),
        listeners: Vec::new(),
        monitor: Default::default(),
    })));
    match commands.as_slice() {
        [Command::Connect { profile, .. }] => assert_eq!(profile.port, 41883),
        other => panic!("expected one connect, got {other:?}"),
    }
    assert_eq!(workspace.notices.len(), 1);
    assert!(workspace.notices[0].kind.to_string().contains("41883"));
}

#[test]
fn subscriptions_validate_get_colours_and_suback_status() {
    let mut workspace = Workspace::new(vec![ConnectionProfile::default()], StoreLimits::default());
    assert!(matches!(workspace.subscribe("a/#/b", Qos::AtMostOnce), Err(SubscribeError::Filter(_))));
    assert!(matches!(workspace.subscribe("a/#", Qos::AtLeastOnce), Ok(None)));
    assert!(matches!(workspace.subscribe("a/#", Qos::AtMostOnce), Err(SubscribeError::Duplicate(_))));
    let id = connected(&mut workspace);
    let command = workspace.subscribe("b/+", Qos::ExactlyOnce).expect("valid");
    assert!(matches!(command, Some(Command::Subscribe { .. })));
    assert_ne!(workspace.active_tab().subscriptions[0].colour, workspace.active_tab().subscriptions[1].colour);
    let second = workspace.active_tab().subscriptions[1].id;
    workspace.apply(event(EventKind::Connection {
        connection: id,
        event: ConnectionEvent::Subscribed {
            subscription: second,
            outcome: SubscribeOutcome::Granted(Qos::AtLeastOnce),
        },
    }));
    assert_eq!(workspace.active_tab().subscriptions[1].status, SubscriptionStatus::Granted(Qos::AtLeastOnce));
    assert!(matches!(workspace.unsubscribe(second), Some(Command::Unsubscribe { .. })));
    workspace.apply(event(EventKind::Connection {
        connection: id,
        event: ConnectionEvent::Unsubscribed { subscription: second, reasons: Vec::new() },
    }));
    assert_eq!(workspace.active_tab().subscriptions.len(), 1);
}

#[test]
fn publish_validates_topic_payload_and_connection() {
    let mut workspace = Workspace::new(vec![ConnectionProfile::default()], StoreLimits::default());
    assert!(matches!(workspace.publish(), Err(PublishError::NotConnected)));
    let _ = connected(&mut workspace);
    workspace.active_tab_mut().draft.topic = "a/+".into();
    assert!(matches!(workspace.publish(), Err(PublishError::Topic(TopicError::WildcardInName('+')))));
    workspace.active_tab_mut().draft.topic = "a/b".into();
    workspace.active_tab_mut().draft.payload = "{oops".into();
    assert!(matches!(workspace.publish(), Err(PublishError::Payload(PayloadError::Json { .. }))));
    workspace.active_tab_mut().draft.format = PayloadFormat::Text;
    let mut commands = workspace.publish().expect("valid");
    let Some(Command::Publish { request, .. }) = commands.pop() else { panic!("not a publish") };
    assert!(commands.is_empty(), "a plain publish is one command");
    assert_eq!(&request.payload[..], b"{oops");
}

#[test]
fn a_logged_message_is_published_again_byte_for_byte_without_filling_placeholders() {
    let mut workspace = Workspace::new(vec![ConnectionProfile::default()], StoreLimits::default());
    assert!(matches!(workspace.publish_again(0), Err(PublishError::NotConnected)));
    let id = connected(&mut workspace);
    let (time, mut message) = incoming("plant/{{counter}}", b"\xff{{uuid}}");
    message.properties = Some(Box::new(crate::mqtt::MessageProperties {
        content_type: Some("text/x".into()),
        subscription_identifiers: vec![4],
        ..Default::default()
    }));
    workspace.apply(event(EventKind::Connection {
        connection: id,
        event: ConnectionEvent::Messages(vec![(time, message)]),
    }));
    let seq = workspace.store.first_seq();
    let mut commands = workspace.publish_again(seq).expect("connected");
    let Some(Command::Publish { request, .. }) = commands.pop() else { panic!("not a publish") };
    assert_eq!((request.topic.as_str(), &request.payload[..]), ("plant/{{counter}}", &b"\xff{{uuid}}"[..]));
    let properties = request.properties.expect("properties");
    assert_eq!(properties.content_type.as_deref(), Some("text/x"));
    assert!(properties.subscription_identifiers.is_empty(), "set by brokers only");
    assert_eq!(workspace.active_tab().history.len(), 1, "kept in the composer's history");
    assert!(matches!(workspace.publish_again(seq + 99), Err(PublishError::MessageGone)));
}

/// A received QoS 0 message as the engine reports it.
fn incoming(topic: &str, payload: &'static [u8]) -> (DateTime<Utc>, IncomingMessage) {
    let message = IncomingMessage {
        topic: topic.into(),
        payload: Bytes::from_static(payload),
        qos: Qos::AtMostOnce,
        retain: false,
        duplicate: false,
        packet_id: 0,
        properties: None,
    };
    (Utc::now(), message)
}

#[test]
fn charts_start_from_the_log_and_follow_new_messages_and_sys_topics_feed_the_status() {
    let mut workspace = Workspace::new(vec![ConnectionProfile::default()], StoreLimits::default());
    let id = connected(&mut workspace);
    workspace.apply(event(EventKind::Connection {
        connection: id,
        event: ConnectionEvent::Messages(vec![
            incoming("plant/temp", br#"{"v": 20.5}"#),
            incoming("plant/other", br#"{"v": 99}"#),
            incoming("$SYS/broker/version", b"mosquitto version 2.0.11"),
        ]),
    }));
    let key = SeriesKey { topic: "plant/temp".into(), pointer: Some("/v".into()) };
    workspace.add_chart(key.clone()).expect("charted");
    assert!(workspace.add_chart(key).is_err(), "twice is refused");
    workspace.apply(event(EventKind::Connection {
        connection: id,
        event: ConnectionEvent::Messages(vec![incoming("plant/temp", br#"{"v": 21}"#)]),
    }));
    let values: Vec<f64> = workspace.active_tab().charts.series()[0].points.iter().map(|point| point[1]).collect();
    assert_eq!(values, vec![20.5, 21.0]);
    assert_eq!(workspace.active_tab().broker_status.summary().version.as_deref(), Some("mosquitto version 2.0.11"));
}

#[test]
fn decoded_payloads_are_charted_from_their_json() {
    // Eclipse Tahu's encoding of an NDATA (scripts/decoder_fixtures.sh):
    // decoded by the built-in Sparkplug rule with no settings at all.
    let ndata: &'static [u8] = include_bytes!("../../tests/fixtures/sparkplug/ndata.bin");
    let nbirth: &'static [u8] = include_bytes!("../../tests/fixtures/sparkplug/nbirth.bin");
    let mut workspace = Workspace::new(vec![ConnectionProfile::default()], StoreLimits::default());
    assert!(workspace.sync_decoders().is_empty(), "no schemas to load");
    let id = connected(&mut workspace);
    let topic = "spBv1.0/plant/NDATA/edge1";
    workspace.apply(event(EventKind::Connection {
        connection: id,
        event: ConnectionEvent::Messages(vec![incoming("spBv1.0/plant/NBIRTH/edge1", nbirth), incoming(topic, ndata)]),
    }));
    // The data message sends aliases only: the birth named them.
    workspace
        .add_chart(SeriesKey { topic: topic.into(), pointer: Some("/values/Temperature".into()) })
        .expect("charted");
    workspace.add_chart(SeriesKey { topic: topic.into(), pointer: Some("/metrics/0/value".into()) }).expect("charted");
    workspace.apply(event(EventKind::Connection {
        connection: id,
        event: ConnectionEvent::Messages(vec![incoming(topic, ndata), incoming(topic, b"not sparkplug")]),
    }));
    for series in workspace.active_tab().charts.series() {
        let values: Vec<f64> = series.points.iter().map(|point| point[1]).collect();
        assert_eq!(values, vec![22.75, 22.75], "{}: from the log, then live", series.key.label());
        assert_eq!(series.skipped, 1, "the payload that does not decode is counted, not plotted");
    }
    assert_eq!(workspace.active_tab().charts.series().len(), 2);
}

#[test]
fn messages_are_tagged_with_the_matching_subscription() {
    let mut workspace = Workspace::new(vec![ConnectionProfile::default()], StoreLimits::default());
    let id = connected(&mut workspace);
    let _ = workspace.subscribe("#", Qos::AtMostOnce);
    let _ = workspace.subscribe("sensors/+/temp", Qos::AtMostOnce);
    workspace.apply(event(EventKind::Connection {
        connection: id,
        event: ConnectionEvent::Messages(vec![incoming("sensors/a/temp", b"1"), incoming("other", b"1")]),
    }));
    assert_eq!(workspace.store.len(), 2);
    // The specific filter wins over '#'; other topics fall back to '#'.
    assert_eq!(workspace.store.at(0).and_then(|m| m.subscription), Some(workspace.active_tab().subscriptions[1].id));
    assert_eq!(workspace.store.at(1).and_then(|m| m.subscription), Some(workspace.active_tab().subscriptions[0].id));
    let hash = workspace.active_tab().subscriptions[0].id;
    let _ = workspace.unsubscribe(hash);
    workspace.apply(event(EventKind::Connection {
        connection: id,
        event: ConnectionEvent::Unsubscribed { subscription: hash, reasons: Vec::new() },
    }));
    assert_eq!(workspace.store.at(1).and_then(|m| m.subscription), None);
    assert_eq!(workspace.store.counters().received, 2);
}

#[test]
fn profiles_bring_their_subscriptions_and_saving_captures_them() {
    let saved = ConnectionProfile {
        name: "with subs".into(),
        subscriptions: vec![
            SavedSubscription {
                filter: "a/#".into(),
                qos: Qos::AtLeastOnce,
                colour: Some(4),
                ..SavedSubscription::default()
            },
            SavedSubscription { filter: "b/+".into(), no_local: true, ..SavedSubscription::default() },
        ],
        ..ConnectionProfile::default()
    };
    let plain = ConnectionProfile { name: "plain".into(), ..ConnectionProfile::default() };
    let mut workspace = Workspace::new(vec![plain, saved], StoreLimits::default());
    assert!(workspace.active_tab().subscriptions.is_empty());
    workspace.select_profile("with subs");
    let filters: Vec<&str> = workspace.active_tab().subscriptions.iter().map(|s| s.filter.as_str()).collect();
    assert_eq!(filters, vec!["a/#", "b/+"]);
    assert_eq!(workspace.active_tab().subscriptions[0].colour, 4);
    assert!(workspace.active_tab().subscriptions[1].options.no_local);
    assert!(matches!(workspace.subscribe("c", Qos::ExactlyOnce), Ok(None)));
    workspace.capture_subscriptions();
    assert_eq!(workspace.active_tab().profile.subscriptions.len(), 3);
    assert_eq!(workspace.active_tab().profile.subscriptions[2].qos, Qos::ExactlyOnce);
    // While connected, picking another profile keeps the live subscriptions.
    let _ = connected(&mut workspace);
    workspace.select_profile("plain");
    assert_eq!(workspace.active_tab().subscriptions.len(), 3);
}

#[test]
fn tabs_keep_their_own_state_subscriptions_and_messages() {
    let mut workspace = Workspace::new(vec![ConnectionProfile::default()], StoreLimits::default());
    let first = workspace.active_tab().id;
    let first_connection = connected(&mut workspace);
    let _ = workspace.subscribe("a/#", Qos::AtMostOnce);
    let second = workspace.open_tab(ConnectionProfile { name: "second".into(), ..ConnectionProfile::default() });
    assert_eq!(workspace.active_tab().id, second);
    assert!(workspace.active_tab().subscriptions.is_empty());
    assert!(!workspace.is_active(), "the new tab starts disconnected");
    let second_connection = connected(&mut workspace);
    let _ = workspace.subscribe("b/#", Qos::AtMostOnce);
    // Events for the background tab land there, not in the active one.
    workspace.apply(event(EventKind::Connection {
        connection: first_connection,
        event: ConnectionEvent::Messages(vec![incoming("a/1", b"1")]),
    }));
    workspace.apply(event(EventKind::Connection {
        connection: second_connection,
        event: ConnectionEvent::Messages(vec![incoming("b/1", b"1")]),
    }));
    workspace.apply(event(EventKind::Connection {
        connection: first_connection,
        event: ConnectionEvent::State(ConnectionState::Failed(ConnectionFailure::NotAuthorized)),
    }));
    assert!(matches!(workspace.active_tab().state, ConnectionState::Connected { .. }));
    assert_eq!(workspace.store.at(0).map(|m| m.tab), Some(first));
    assert_eq!(workspace.store.at(1).map(|m| m.tab), Some(second));
    assert!(workspace.store.at(0).and_then(|m| m.subscription).is_some(), "coloured by its own tab's subscription");
    workspace.activate(first);
    assert_eq!(workspace.active_tab().id, first);
    assert!(matches!(workspace.active_tab().state, ConnectionState::Failed(_)));
    assert_eq!(workspace.active_tab().subscriptions[0].filter, "a/#");
    let titles: Vec<(String, bool)> =
        workspace.tabs().iter().map(|tab| (tab.title(), workspace.is_active_tab(tab.id))).collect();
    assert_eq!(titles, vec![("New connection".to_owned(), true), ("second".to_owned(), false)]);
    let third = workspace.open_tab(ConnectionProfile::default());
    assert_eq!(workspace.tab_title(first), "New connection");
    assert_eq!(workspace.tab_title(third), "New connection (2)");
    let _ = workspace.close_tab(third);
    // Closing the connected background tab disconnects it.
    assert!(
        matches!(workspace.close_tab(second), Some(Command::Disconnect { connection }) if connection == second_connection)
    );
    assert_eq!(workspace.tabs().len(), 1);
    assert!(workspace.close_tab(first).is_none(), "the last tab stays");
}

#[test]
fn tabs_of_a_previous_run_reopen_behind_the_active_one() {
    let named = |name: &str| ConnectionProfile { name: name.into(), ..ConnectionProfile::default() };
    let mut workspace = Workspace::new(vec![named("embedded"), named("plant"), named("lab")], StoreLimits::default());
    let start = workspace.active_tab().id;
    let remembered = ["embedded", "lab", "deleted since", "plant", "embedded"].map(String::from);
    assert_eq!(workspace.restore_tabs(&remembered), 3);
    assert_eq!(workspace.active_tab().id, start, "the start tab stays active");
    assert_eq!(workspace.open_profile_names(), ["embedded", "lab", "plant", "embedded"]);
    assert!(workspace.tabs().iter().all(|tab| !tab.is_active()), "nothing connects");
}

#[test]
fn failures_become_notices_and_states() {
    let mut workspace = Workspace::new(vec![ConnectionProfile::default()], StoreLimits::default());
    let id = connected(&mut workspace);
    workspace.apply(event(EventKind::Connection {
        connection: id,
        event: ConnectionEvent::State(ConnectionState::Failed(ConnectionFailure::BadCredentials)),
    }));
    assert_eq!(workspace.active_tab().state, ConnectionState::Failed(ConnectionFailure::BadCredentials));
    assert!(workspace.notices.iter().any(|notice| notice.kind.to_string().contains("bad user name")));
    assert!(!workspace.is_active());
}

#[test]
fn closing_the_active_tab_activates_its_neighbour() {
    let named = |name: &str| ConnectionProfile { name: name.into(), ..ConnectionProfile::default() };
    let mut workspace = Workspace::new(vec![named("a")], StoreLimits::default());
    let first = workspace.active_tab().id;
    let second = workspace.open_tab(named("b"));
    let third = workspace.open_tab(named("c"));
    workspace.activate(first);
    assert!(workspace.close_tab(first).is_none(), "never connected: nothing to disconnect");
    assert_eq!(workspace.active_tab().id, second, "the first tab's neighbour is the one after it");
    workspace.activate(third);
    let _ = workspace.close_tab(third);
    assert_eq!(workspace.active_tab().id, second, "a later tab's neighbour is the one before it");
    let _ = workspace.open_tab(named("d"));
    workspace.activate(second);
    let _ = workspace.close_tab(workspace.tabs()[1].id);
    assert_eq!(workspace.active_tab().id, second, "closing another tab keeps the active one");
    assert_eq!(workspace.open_profile_names(), ["b"]);
}
