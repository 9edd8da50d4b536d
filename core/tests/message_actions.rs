//! "Copy as mosquitto_pub command" for real: the copied command, run by a
//! shell with Debian's mosquitto_pub against Debian's mosquitto, delivers
//! the same bytes, QoS, retain flag and MQTT 5 properties to a subscriber.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail the test on error

mod common;

use common::{Driver, Mosquitto, local_profile};
use topicscope_core::ids::{ConnectionId, TabId};
use topicscope_core::message_actions::mosquitto_pub_command;
use topicscope_core::mqtt::{Direction, MessageProperties, ProtocolVersion, Qos};
use topicscope_core::store::StoredMessage;

#[test]
fn the_copied_command_publishes_the_same_message_again() {
    let broker = Mosquitto::start();
    let properties = MessageProperties {
        content_type: Some("application/octet-stream".into()),
        response_topic: Some("replies/it's here".into()),
        correlation_data: Some(b"req-42".to_vec()),
        user_properties: vec![("site".into(), "plant $7 \"north\"".into()), ("line".into(), "3".into())],
        ..Default::default()
    };
    let payloads: [&[u8]; 3] =
        [b"{\"temp\": 21.5, \"note\": \"it's `hot` $HOME\"}", &[0, 1, b'%', b'\\', b'\'', 0xfe, 0xff], b""];
    let profile = local_profile(broker.port, ProtocolVersion::V5, "copied-command");
    for (index, payload) in payloads.iter().enumerate() {
        let topic = format!("copied/{index}/it's here");
        let original = StoredMessage {
            seq: 0,
            tab: TabId(1),
            time: chrono::Utc::now(),
            direction: Direction::Incoming,
            topic: &topic,
            payload,
            qos: Qos::AtLeastOnce,
            retain: true,
            subscription: None,
            properties: Some(&properties),
        };
        let command = mosquitto_pub_command(&profile, &original).expect("a TCP profile");
        let status = std::process::Command::new("sh").arg("-c").arg(&command).status().expect("sh runs");
        assert!(status.success(), "{command}");

        // A subscriber arriving afterwards gets it as the broker keeps it (retained).
        let mut subscriber = Driver::new();
        let connection = ConnectionId(index as u64 + 1);
        subscriber.connect(connection, local_profile(broker.port, ProtocolVersion::V5, "checker"), Vec::new());
        subscriber.subscribe(connection, 1, &topic, Qos::AtLeastOnce);
        if payload.is_empty() {
            // An empty retained publish clears: nothing is kept, which is what it said.
            std::thread::sleep(std::time::Duration::from_millis(300));
            assert!(subscriber.messages(connection).is_empty(), "{command}");
            continue;
        }
        let received = subscriber.wait_messages(connection, 1).remove(0);
        assert_eq!(&received.payload[..], *payload, "{command}");
        assert_eq!((received.qos, received.retain), (Qos::AtLeastOnce, true), "{command}");
        let got = received.properties.expect("properties");
        assert_eq!(got.content_type, properties.content_type);
        assert_eq!(got.response_topic, properties.response_topic);
        assert_eq!(got.correlation_data, properties.correlation_data);
        assert_eq!(got.user_properties, properties.user_properties, "{command}");
    }
}
