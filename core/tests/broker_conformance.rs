//! The embedded broker behaves like mosquitto: every behaviour here runs
//! against both, with topicscope's engine (rumqttc) and Debian's own
//! `mosquitto_pub` / `mosquitto_sub` as independent clients.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail the test on error

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Driver, brokers, local_profile};
use topicscope_core::engine::{Command as EngineCommand, ConnectionState, SubscriptionSpec};
use topicscope_core::ids::{ConnectionId, SubscriptionId};
use topicscope_core::mqtt::{ProtocolVersion, Qos, RetainHandling, SubscribeOptions};

/// Runs `mosquitto_sub` (which exits after `count` messages) while
/// publishing with `mosquitto_pub` every 100 ms until it has them, so the
/// result does not depend on when the subscription became active.
fn sub_while_publishing(port: u16, sub_args: &[&str], count: usize, pub_runs: &[&[&str]]) -> String {
    let port = port.to_string();
    let count = count.to_string();
    let subscriber = Command::new("mosquitto_sub")
        .args(["-h", "127.0.0.1", "-p", &port, "-C", &count, "-W", "10"])
        .args(sub_args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("mosquitto_sub (apt-get install mosquitto-clients)");
    let deadline = Instant::now() + Duration::from_secs(12);
    let mut subscriber = subscriber;
    while subscriber.try_wait().expect("wait").is_none() && Instant::now() < deadline {
        for pub_args in pub_runs {
            let status = Command::new("mosquitto_pub")
                .args(["-h", "127.0.0.1", "-p", &port])
                .args(*pub_args)
                .status()
                .expect("mosquitto_pub");
            assert!(status.success(), "mosquitto_pub {pub_args:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let output = subscriber.wait_with_output().expect("mosquitto_sub output");
    assert!(output.status.success(), "mosquitto_sub failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn mqtt5_properties_and_subscription_identifiers_are_forwarded() {
    for broker in brokers() {
        let output = sub_while_publishing(
            broker.port(),
            &[
                "-V",
                "mqttv5",
                "-t",
                "props/#",
                "-D",
                "subscribe",
                "subscription-identifier",
                "7",
                "-F",
                "%C|%R|%D|%P|%S|%E|%p",
            ],
            1,
            &[&[
                "-V",
                "mqttv5",
                "-t",
                "props/a",
                "-m",
                "hello",
                "-D",
                "publish",
                "content-type",
                "text/plain",
                "-D",
                "publish",
                "response-topic",
                "reply/here",
                "-D",
                "publish",
                "correlation-data",
                "abc123",
                "-D",
                "publish",
                "user-property",
                "site",
                "north",
                "-D",
                "publish",
                "message-expiry-interval",
                "120",
            ]],
        );
        let fields: Vec<&str> = output.trim_end().split('|').collect();
        let name = broker.name();
        assert_eq!(fields.len(), 7, "{name}: {output}");
        assert_eq!(fields[0], "text/plain", "{name}: content type");
        assert_eq!(fields[1], "reply/here", "{name}: response topic");
        assert_eq!(fields[2], "abc123", "{name}: correlation data");
        assert_eq!(fields[3], "site:north", "{name}: user property");
        assert_eq!(fields[4], "7", "{name}: subscription identifier");
        let expiry: u32 = fields[5].parse().unwrap_or_else(|_| panic!("{name}: expiry '{}'", fields[5]));
        assert!((110..=120).contains(&expiry), "{name}: expiry counts down from 120, got {expiry}");
        assert_eq!(fields[6], "hello", "{name}: payload");
    }
}

#[test]
fn dollar_topics_are_not_matched_by_leading_wildcards() {
    for broker in brokers() {
        let publishes: &[&[&str]] = &[&["-t", "$app/status", "-m", "dollar"], &["-t", "app/status", "-m", "plain"]];
        let everything = sub_while_publishing(broker.port(), &["-t", "#", "-F", "%t"], 3, publishes);
        assert!(everything.lines().all(|topic| topic == "app/status"), "{}: '#' got {everything}", broker.name());
        let single = sub_while_publishing(broker.port(), &["-t", "+/status", "-F", "%t"], 3, publishes);
        assert!(single.lines().all(|topic| topic == "app/status"), "{}: '+/status' got {single}", broker.name());
        let dollar = sub_while_publishing(broker.port(), &["-t", "$app/#", "-F", "%t"], 1, publishes);
        assert_eq!(dollar.trim(), "$app/status", "{}: an explicit $ filter matches", broker.name());
    }
}

#[test]
fn shared_subscriptions_spread_messages_across_the_group() {
    for broker in brokers() {
        let port = broker.port();
        let mut clients = Driver::new();
        for (connection, id) in [(ConnectionId(1), "worker-a"), (ConnectionId(2), "worker-b")] {
            clients.connect(connection, local_profile(port, ProtocolVersion::V5, id), Vec::new());
            clients.subscribe(connection, 1, "$share/workers/jobs/#", Qos::AtLeastOnce);
        }
        clients.connect(ConnectionId(3), local_profile(port, ProtocolVersion::V5, "dispatcher"), Vec::new());
        for n in 0..40 {
            let request = clients.publish(
                ConnectionId(3),
                &format!("jobs/{n}"),
                n.to_string().as_bytes(),
                Qos::AtLeastOnce,
                false,
            );
            clients.delivery(ConnectionId(3), request);
        }
        let deadline = Instant::now() + common::WAIT;
        while clients.messages(ConnectionId(1)).len() + clients.messages(ConnectionId(2)).len() < 40
            && Instant::now() < deadline
        {
            clients.drain();
            std::thread::sleep(Duration::from_millis(20));
        }
        let (a, b) = (clients.messages(ConnectionId(1)), clients.messages(ConnectionId(2)));
        assert_eq!(a.len() + b.len(), 40, "{}: each job once to the group", broker.name());
        assert!(!a.is_empty() && !b.is_empty(), "{}: both workers get jobs ({} / {})", broker.name(), a.len(), b.len());
        let mut topics: Vec<String> = a.iter().chain(&b).map(|m| m.topic.clone()).collect();
        topics.sort();
        topics.dedup();
        assert_eq!(topics.len(), 40, "{}: no job delivered twice", broker.name());
    }
}

#[test]
fn persistent_sessions_keep_subscriptions_and_queue_qos1_while_away() {
    for broker in brokers() {
        for protocol in [ProtocolVersion::V311, ProtocolVersion::V5] {
            let port = broker.port();
            let mut device = Driver::new();
            let mut profile = local_profile(port, protocol, &format!("persistent-{protocol:?}"));
            profile.clean_start = false;
            profile.mqtt5.session_expiry_secs = Some(300);
            device.connect(ConnectionId(1), profile.clone(), Vec::new());
            device.subscribe(ConnectionId(1), 1, "queue/#", Qos::AtLeastOnce);
            device.disconnect(ConnectionId(1));

            let mut sender = Driver::new();
            sender.connect(ConnectionId(1), local_profile(port, protocol, "sender"), Vec::new());
            let request = sender.publish(ConnectionId(1), "queue/job", b"while you were away", Qos::AtLeastOnce, false);
            sender.delivery(ConnectionId(1), request);

            // Same client id, no subscriptions sent: the session has them.
            device.connect(ConnectionId(2), profile, Vec::new());
            let resumed =
                matches!(device.state(ConnectionId(2)), Some(ConnectionState::Connected { session_present: true, .. }));
            assert!(resumed, "{} {protocol:?}: session present", broker.name());
            let received = device.wait_messages(ConnectionId(2), 1);
            assert_eq!(&received[0].payload[..], b"while you were away", "{} {protocol:?}", broker.name());
        }
    }
}

#[test]
fn sixteen_megabyte_payloads_arrive_intact() {
    let payload: Vec<u8> = (0..16 * 1024 * 1024).map(|n: u32| (n.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
    for broker in brokers() {
        let mut clients = Driver::new();
        clients.connect(ConnectionId(1), local_profile(broker.port(), ProtocolVersion::V5, "big-sub"), Vec::new());
        clients.subscribe(ConnectionId(1), 1, "big", Qos::AtLeastOnce);
        clients.connect(ConnectionId(2), local_profile(broker.port(), ProtocolVersion::V311, "big-pub"), Vec::new());
        let request = clients.publish(ConnectionId(2), "big", &payload, Qos::AtLeastOnce, false);
        clients.delivery(ConnectionId(2), request);
        let received = clients.wait_messages(ConnectionId(1), 1);
        assert_eq!(received[0].payload.len(), payload.len(), "{}", broker.name());
        assert!(received[0].payload[..] == payload[..], "{}: bytes differ", broker.name());
    }
}

/// Sends a raw MQTT 5 CONNECT with an empty client id and clean start (our
/// own engine would generate an id, so it cannot be used for this) and
/// returns the CONNACK's reason code and Assigned Client Identifier.
fn connect_with_empty_client_id(port: u16) -> (u8, Option<String>) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
    // CONNECT: "MQTT", level 5, clean start, keep-alive 60, no properties, empty client id.
    stream.write_all(&[0x10, 13, 0, 4, b'M', b'Q', b'T', b'T', 5, 0x02, 0, 60, 0, 0, 0]).expect("send CONNECT");
    let mut header = [0u8; 2];
    stream.read_exact(&mut header).expect("CONNACK header");
    assert_eq!(header[0], 0x20, "CONNACK expected");
    assert!(header[1] < 128, "short CONNACK");
    let mut body = vec![0u8; usize::from(header[1])];
    stream.read_exact(&mut body).expect("CONNACK body");
    let reason = body[1];
    let properties_length = usize::from(body[2]);
    let mut properties = &body[3..3 + properties_length];
    let mut assigned = None;
    let take = |bytes: &mut &[u8], n: usize| {
        let (head, tail) = bytes.split_at(n);
        *bytes = tail;
        head.to_vec()
    };
    while let Some((&id, rest)) = properties.split_first() {
        properties = rest;
        let string_length = |bytes: &[u8]| usize::from(u16::from_be_bytes([bytes[0], bytes[1]]));
        match id {
            0x12 => {
                let length = string_length(properties);
                let value = take(&mut properties, 2 + length);
                assigned = Some(String::from_utf8_lossy(&value[2..]).into_owned());
            }
            0x15 | 0x16 | 0x1A | 0x1C | 0x1F => {
                let length = string_length(properties);
                take(&mut properties, 2 + length);
            }
            0x26 => {
                let key = string_length(properties);
                take(&mut properties, 2 + key);
                let value = string_length(properties);
                take(&mut properties, 2 + value);
            }
            0x11 | 0x27 => {
                take(&mut properties, 4);
            }
            0x13 | 0x21 | 0x22 => {
                take(&mut properties, 2);
            }
            0x17 | 0x19 | 0x24 | 0x25 | 0x28 | 0x29 | 0x2A => {
                take(&mut properties, 1);
            }
            other => panic!("unexpected CONNACK property {other:#x}"),
        }
    }
    (reason, assigned)
}

#[test]
fn an_empty_client_id_gets_one_assigned() {
    for broker in brokers() {
        let (reason, assigned) = connect_with_empty_client_id(broker.port());
        assert_eq!(reason, 0, "{}: accepted", broker.name());
        assert!(
            assigned.as_deref().is_some_and(|id| !id.is_empty()),
            "{}: the CONNACK carries the assigned id ({assigned:?})",
            broker.name()
        );
    }
}

/// Subscribes with MQTT 5 options and waits for the SUBACK.
fn subscribe_with(clients: &mut Driver, connection: ConnectionId, id: u32, filter: &str, options: SubscribeOptions) {
    clients.send(EngineCommand::Subscribe {
        connection,
        subscription: SubscriptionSpec {
            id: SubscriptionId(id),
            filter: filter.into(),
            qos: Qos::AtLeastOnce,
            options,
        },
    });
    clients.wait_for("SUBACK", |events| !common::suback_outcomes(events, connection, id).is_empty());
}

#[test]
fn retain_handling_and_retain_as_published_are_honoured() {
    for broker in brokers() {
        let name = broker.name();
        let port = broker.port();
        let mut clients = Driver::new();
        clients.connect(ConnectionId(1), local_profile(port, ProtocolVersion::V5, "retainer"), Vec::new());
        let request = clients.publish(ConnectionId(1), "lamp/state", b"on", Qos::AtLeastOnce, true);
        clients.delivery(ConnectionId(1), request);

        clients.connect(ConnectionId(2), local_profile(port, ProtocolVersion::V5, "watcher"), Vec::new());
        // 2 = never send retained messages on subscribe.
        let never = SubscribeOptions { retain_handling: RetainHandling::DoNotSend, ..SubscribeOptions::default() };
        subscribe_with(&mut clients, ConnectionId(2), 1, "lamp/#", never);
        // 1 = only for a new subscription: once here, not again when repeated.
        let if_new =
            SubscribeOptions { retain_handling: RetainHandling::SendIfNewSubscription, ..SubscribeOptions::default() };
        subscribe_with(&mut clients, ConnectionId(2), 2, "lamp/state", if_new);
        subscribe_with(&mut clients, ConnectionId(2), 3, "lamp/state", if_new);
        // A live retained publish keeps its flag only with retain-as-published.
        subscribe_with(
            &mut clients,
            ConnectionId(2),
            4,
            "live/#",
            SubscribeOptions { retain_as_published: true, ..SubscribeOptions::default() },
        );
        clients.connect(ConnectionId(3), local_profile(port, ProtocolVersion::V5, "plain"), Vec::new());
        clients.subscribe(ConnectionId(3), 1, "live/#", Qos::AtLeastOnce);
        let request = clients.publish(ConnectionId(1), "live/flag", b"kept", Qos::AtLeastOnce, true);
        clients.delivery(ConnectionId(1), request);

        let watcher = clients.wait_messages(ConnectionId(2), 2);
        let plain = clients.wait_messages(ConnectionId(3), 1);
        let lamp: Vec<_> = watcher.iter().filter(|m| m.topic == "lamp/state").collect();
        assert_eq!(lamp.len(), 1, "{name}: one retained replay (new subscription only), got {watcher:?}");
        assert!(lamp[0].retain, "{name}: a replay carries the retain flag");
        let live = watcher.iter().find(|m| m.topic == "live/flag").expect("live message");
        assert!(live.retain, "{name}: retain-as-published keeps the flag");
        assert!(!plain[0].retain, "{name}: without it the live flag is cleared");
        // Clean up the retained messages this test left behind.
        for topic in ["lamp/state", "live/flag"] {
            let request = clients.publish(ConnectionId(1), topic, b"", Qos::AtLeastOnce, true);
            clients.delivery(ConnectionId(1), request);
        }
    }
}

#[test]
fn fifty_clients_times_a_thousand_qos1_messages_lose_nothing() {
    const CLIENTS: usize = 50;
    const PER_CLIENT: usize = 1_000;
    let broker = topicscope_core::broker::EmbeddedBroker::start(topicscope_core::broker::BrokerConfig::ephemeral())
        .expect("embedded broker");
    let port = broker.local_addr().port().to_string();
    let mut subscriber = Driver::new();
    subscriber.connect(
        ConnectionId(1),
        local_profile(broker.local_addr().port(), ProtocolVersion::V5, "stress-sub"),
        Vec::new(),
    );
    subscriber.subscribe(ConnectionId(1), 1, "stress/#", Qos::AtLeastOnce);

    // Independent publishers: mosquitto_pub -l sends each stdin line as a QoS 1 message.
    let publishers: Vec<std::process::Child> = (0..CLIENTS)
        .map(|client| {
            let mut child = Command::new("mosquitto_pub")
                .args(["-h", "127.0.0.1", "-p", &port, "-q", "1", "-t", &format!("stress/{client}"), "-l"])
                .stdin(Stdio::piped())
                .spawn()
                .expect("mosquitto_pub");
            let lines: String = (0..PER_CLIENT).map(|n| format!("{client}:{n}\n")).collect();
            let mut stdin = child.stdin.take().expect("stdin");
            std::thread::Builder::new()
                .name(format!("stress-feed-{client}"))
                .spawn(move || std::io::Write::write_all(&mut stdin, lines.as_bytes()))
                .expect("feeder thread");
            child
        })
        .collect();
    for mut publisher in publishers {
        assert!(publisher.wait().expect("mosquitto_pub").success(), "a publisher failed");
    }

    let deadline = Instant::now() + Duration::from_secs(60);
    while subscriber.messages(ConnectionId(1)).len() < CLIENTS * PER_CLIENT && Instant::now() < deadline {
        subscriber.drain();
        std::thread::sleep(Duration::from_millis(50));
    }
    let received = subscriber.messages(ConnectionId(1));
    let mut payloads: Vec<&[u8]> = received.iter().map(|message| &message.payload[..]).collect();
    payloads.sort_unstable();
    payloads.dedup();
    assert_eq!(received.len(), CLIENTS * PER_CLIENT, "every message arrives");
    assert_eq!(payloads.len(), CLIENTS * PER_CLIENT, "each exactly once");
    // Each publisher's messages arrive in the order sent (MQTT ordered topics).
    let mut next = vec![0usize; CLIENTS];
    for message in &received {
        let text = String::from_utf8_lossy(&message.payload);
        let (client, n) = text.split_once(':').expect("client:n");
        let (client, n): (usize, usize) = (client.parse().expect("client"), n.parse().expect("n"));
        assert_eq!(n, next[client], "client {client} out of order");
        next[client] += 1;
    }
}

#[test]
fn mosquitto_clients_get_qos_0_1_2_downgraded_to_the_subscription() {
    for broker in brokers() {
        for (publish_qos, subscribe_qos, delivered) in
            [("2", "2", "2"), ("2", "1", "1"), ("1", "2", "1"), ("0", "2", "0")]
        {
            let output = sub_while_publishing(
                broker.port(),
                &["-V", "mqttv5", "-t", "qos/t", "-q", subscribe_qos, "-F", "%q %p"],
                1,
                &[&["-V", "mqttv5", "-t", "qos/t", "-q", publish_qos, "-m", "m"]],
            );
            assert_eq!(
                output.trim(),
                format!("{delivered} m"),
                "{}: published at {publish_qos}, subscribed at {subscribe_qos}",
                broker.name()
            );
        }
    }
}

#[test]
fn a_killed_mosquitto_client_leaves_its_will_and_a_clean_one_does_not() {
    for broker in brokers() {
        let port = broker.port();
        let mut watcher = Driver::new();
        watcher.connect(ConnectionId(1), local_profile(port, ProtocolVersion::V5, "will-watcher"), Vec::new());
        watcher.subscribe(ConnectionId(1), 1, "wills/#", Qos::AtLeastOnce);
        let client = |id: &str, will: &str| {
            Command::new("mosquitto_sub")
                .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-i", id, "-t", "idle/#"])
                .args(["--will-topic", &format!("wills/{will}"), "--will-payload", "gone", "--will-qos", "1"])
                .args(["-W", "1"]) // exits cleanly (DISCONNECT) after a second
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("mosquitto_sub")
        };
        let mut killed = client("abrupt", "abrupt");
        let mut clean = client("polite", "polite");
        std::thread::sleep(Duration::from_millis(500));
        killed.kill().expect("SIGKILL");
        let _ = killed.wait();
        let _ = clean.wait();
        let received = watcher.wait_messages(ConnectionId(1), 1);
        std::thread::sleep(Duration::from_millis(500));
        watcher.drain();
        let topics: Vec<String> = watcher.messages(ConnectionId(1)).iter().map(|m| m.topic.clone()).collect();
        assert_eq!(topics, vec!["wills/abrupt"], "{}: only the killed client's will ({received:?})", broker.name());
    }
}
