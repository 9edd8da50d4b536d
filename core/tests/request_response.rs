//! MQTT 5 request/response from the composer against the embedded broker
//! and mosquitto, with a responder client: the request carries a response
//! topic and (generated) correlation data, the response topic is
//! subscribed to automatically, a reply with other correlation data is
//! not taken for the answer, and the round trip is measured.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail the test on error

mod common;

use std::sync::Arc;

use common::{Driver, brokers, local_profile, pump_workspace};
use topicscope_core::engine::{Command, ConnectionState, Engine, PublishRequest};
use topicscope_core::ids::{ConnectionId, PublishId, RequestId};
use topicscope_core::mqtt::{MessageProperties, ProtocolVersion, Qos};
use topicscope_core::payload::PayloadFormat;
use topicscope_core::store::StoreLimits;
use topicscope_core::workspace::{SubscriptionStatus, Workspace};

/// The responder answers on the request's response topic with these bytes as correlation data.
fn reply(responder: &mut Driver, response_topic: &str, correlation: &[u8], payload: &[u8], id: PublishId) {
    responder.send(Command::Publish {
        connection: ConnectionId(1),
        request: PublishRequest {
            id,
            topic: response_topic.into(),
            payload: payload.to_vec().into(),
            qos: Qos::AtLeastOnce,
            retain: false,
            properties: Some(Box::new(MessageProperties {
                correlation_data: Some(correlation.to_vec()),
                ..MessageProperties::default()
            })),
        },
    });
    responder.delivery(ConnectionId(1), id);
}

#[test]
fn a_request_is_answered_matched_by_correlation_data_and_timed() {
    for broker in brokers() {
        let mut responder = Driver::new();
        responder.connect(ConnectionId(1), local_profile(broker.port(), ProtocolVersion::V5, "responder"), Vec::new());
        responder.subscribe(ConnectionId(1), 1, "svc/ping", Qos::AtLeastOnce);

        let mut engine = Engine::start(Arc::new(|| {})).expect("engine");
        let profile = local_profile(broker.port(), ProtocolVersion::V5, "requester");
        let mut workspace = Workspace::new(vec![profile.clone()], StoreLimits::default());
        workspace.active_tab_mut().profile = profile;
        for command in workspace.connect().expect("profile") {
            engine.send(command).expect("send");
        }
        pump_workspace(&mut engine, &mut workspace, "connected", |w| {
            matches!(w.active_tab().state, ConnectionState::Connected { .. })
        });

        let draft = &mut workspace.active_tab_mut().draft;
        draft.topic = "svc/ping".into();
        draft.payload = "ping {{counter}}".into();
        draft.format = PayloadFormat::Text;
        draft.qos = Qos::AtLeastOnce;
        draft.properties.response_topic = "svc/replies/{{counter}}".into();
        draft.properties.await_response = true;
        let commands = workspace.publish().expect("valid request");
        assert_eq!(commands.len(), 2, "subscribe to the response topic, then publish: {commands:?}");
        for command in commands {
            engine.send(command).expect("send");
        }
        pump_workspace(&mut engine, &mut workspace, "response topic granted and request sent", |w| {
            w.active_tab().subscriptions.iter().any(|s| {
                s.filter == "svc/replies/1" && matches!(s.status, SubscriptionStatus::Granted(Qos::AtLeastOnce))
            }) && w.active_tab().requests.latest().is_some_and(|request| request.sent_at.is_some())
        });

        let request = responder.wait_messages(ConnectionId(1), 1).remove(0);
        assert_eq!(&request.payload[..], b"ping 1", "on {}", broker.name());
        let properties = request.properties.expect("MQTT 5 properties");
        let response_topic = properties.response_topic.expect("response topic");
        let correlation = properties.correlation_data.expect("correlation data");
        assert_eq!(response_topic, "svc/replies/1");
        assert_eq!(correlation.len(), 36, "a generated UUID: {}", String::from_utf8_lossy(&correlation));

        reply(&mut responder, &response_topic, b"someone else's", b"decoy", PublishId::Request(RequestId(100)));
        reply(&mut responder, &response_topic, &correlation, b"pong", PublishId::Request(RequestId(101)));
        pump_workspace(&mut engine, &mut workspace, "the reply matched", |w| {
            w.active_tab().requests.latest().is_some_and(|request| request.reply.is_some())
        });
        let tracked = workspace.active_tab().requests.latest().expect("tracked");
        let answer = tracked.reply.as_ref().expect("reply");
        assert_eq!((answer.topic.as_str(), answer.preview.as_str()), ("svc/replies/1", "pong"), "on {}", broker.name());
        let round_trip = tracked.round_trip().expect("timed");
        assert!(round_trip > chrono::TimeDelta::zero() && round_trip < chrono::TimeDelta::seconds(15), "{round_trip}");
        assert_eq!(workspace.active_tab().requests.answered(), 1);

        // A second request reuses the subscription it needs (a new topic per counter gets its own).
        workspace.active_tab_mut().draft.properties.response_topic = "svc/replies/1".into();
        let commands = workspace.publish().expect("valid request");
        assert_eq!(commands.len(), 1, "already subscribed to the response topic");
    }
}
