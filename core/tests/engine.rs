//! The engine against real brokers on 127.0.0.1: the embedded one and
//! Debian's mosquitto. Every behaviour is checked on both.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail the test on error

mod common;

use common::{Driver, Mosquitto, brokers, connected_count, local_profile, wait_until};
use topicscope_core::broker::{BrokerConfig, EmbeddedBroker};
use topicscope_core::engine::{
    BrokerState, Command, ConnectionFailure, ConnectionState, DeliveryOutcome, EventKind, SubscribeOutcome,
    SubscriptionSpec,
};
use topicscope_core::ids::{ConnectionId, SubscriptionId};
use topicscope_core::mqtt::{ProtocolVersion, Qos};

#[test]
fn connects_with_mqtt_311_and_5_on_one_port() {
    for broker in brokers() {
        let mut driver = Driver::new();
        for (connection, protocol) in [(ConnectionId(1), ProtocolVersion::V311), (ConnectionId(2), ProtocolVersion::V5)]
        {
            let profile = local_profile(broker.port(), protocol, &format!("version-{connection}"));
            driver.connect(connection, profile, Vec::new());
            assert!(
                matches!(driver.state(connection), Some(ConnectionState::Connected { ref client_id, .. }) if client_id == &format!("version-{connection}")),
                "{}: {protocol}",
                broker.name()
            );
        }
        driver.send(Command::Disconnect { connection: ConnectionId(1) });
        driver.wait_for("clean disconnect", |_| true);
        assert!(
            wait_until(common::WAIT, || {
                driver.drain();
                driver.state(ConnectionId(1)) == Some(ConnectionState::Disconnected)
            }),
            "{}: disconnect",
            broker.name()
        );
    }
}

#[test]
fn wildcard_subscription_and_qos_round_trips() {
    for broker in brokers() {
        for protocol in [ProtocolVersion::V311, ProtocolVersion::V5] {
            let mut driver = Driver::new();
            driver.connect(ConnectionId(1), local_profile(broker.port(), protocol, "round-trip"), Vec::new());
            let granted = driver.subscribe(ConnectionId(1), 10, "plant/+/temp/#", Qos::ExactlyOnce);
            assert_eq!(granted, SubscribeOutcome::Granted(Qos::ExactlyOnce), "{} {protocol}", broker.name());
            let topics = ["plant/a/temp", "plant/b/temp/probe1", "plant/c/temp"];
            let mut requests = Vec::new();
            for (index, qos) in Qos::ALL.into_iter().enumerate() {
                requests.push((
                    qos,
                    driver.publish(ConnectionId(1), topics[index], format!("v{index}").as_bytes(), qos, false),
                ));
            }
            driver.publish(ConnectionId(1), "plant/a/humidity", b"ignored", Qos::AtMostOnce, false);
            for (qos, request) in requests {
                let expected = match qos {
                    Qos::AtMostOnce => DeliveryOutcome::Written,
                    Qos::AtLeastOnce => DeliveryOutcome::Acknowledged,
                    Qos::ExactlyOnce => DeliveryOutcome::Completed,
                };
                assert_eq!(driver.delivery(ConnectionId(1), request), expected, "{} {protocol} {qos}", broker.name());
            }
            let received = driver.wait_messages(ConnectionId(1), 3);
            let mut summary: Vec<(String, Qos, Vec<u8>)> =
                received.iter().map(|m| (m.topic.clone(), m.qos, m.payload.to_vec())).collect();
            summary.sort();
            assert_eq!(
                summary,
                vec![
                    ("plant/a/temp".into(), Qos::AtMostOnce, b"v0".to_vec()),
                    ("plant/b/temp/probe1".into(), Qos::AtLeastOnce, b"v1".to_vec()),
                    ("plant/c/temp".into(), Qos::ExactlyOnce, b"v2".to_vec()),
                ],
                "{} {protocol}",
                broker.name()
            );
            // The unmatched topic never arrives.
            let last = driver.publish(ConnectionId(1), "plant/z/temp", b"end", Qos::AtLeastOnce, false);
            driver.delivery(ConnectionId(1), last);
            let received = driver.wait_messages(ConnectionId(1), 4);
            assert!(received.iter().all(|m| m.topic != "plant/a/humidity"));
        }
    }
}

#[test]
fn delivered_qos_is_the_minimum_of_publish_and_subscription() {
    for broker in brokers() {
        let mut driver = Driver::new();
        driver.connect(ConnectionId(1), local_profile(broker.port(), ProtocolVersion::V5, "downgrade"), Vec::new());
        driver.subscribe(ConnectionId(1), 1, "q/low", Qos::AtMostOnce);
        driver.subscribe(ConnectionId(1), 2, "q/high", Qos::ExactlyOnce);
        let a = driver.publish(ConnectionId(1), "q/low", b"2->0", Qos::ExactlyOnce, false);
        let b = driver.publish(ConnectionId(1), "q/high", b"0->0", Qos::AtMostOnce, false);
        driver.delivery(ConnectionId(1), a);
        driver.delivery(ConnectionId(1), b);
        let received = driver.wait_messages(ConnectionId(1), 2);
        for message in received {
            assert_eq!(message.qos, Qos::AtMostOnce, "{}: {}", broker.name(), message.topic);
            // A test client's broker must not add properties to what was published.
            assert!(message.properties.is_none(), "{}: {:?}", broker.name(), message.properties);
        }
    }
}

#[test]
fn retained_message_reaches_a_late_subscriber_and_empty_retain_clears_it() {
    for broker in brokers() {
        let mut driver = Driver::new();
        driver.connect(ConnectionId(1), local_profile(broker.port(), ProtocolVersion::V311, "retainer"), Vec::new());
        let request = driver.publish(ConnectionId(1), "retained/state", b"on", Qos::AtLeastOnce, true);
        assert_eq!(driver.delivery(ConnectionId(1), request), DeliveryOutcome::Acknowledged);
        driver.connect(ConnectionId(2), local_profile(broker.port(), ProtocolVersion::V5, "late"), Vec::new());
        driver.subscribe(ConnectionId(2), 1, "retained/#", Qos::AtLeastOnce);
        let received = driver.wait_messages(ConnectionId(2), 1);
        assert_eq!(received[0].topic, "retained/state", "{}", broker.name());
        assert_eq!(&received[0].payload[..], b"on");
        assert!(received[0].retain, "{}: retain flag on late delivery", broker.name());

        let clear = driver.publish(ConnectionId(1), "retained/state", b"", Qos::AtLeastOnce, true);
        driver.delivery(ConnectionId(1), clear);
        driver.connect(ConnectionId(3), local_profile(broker.port(), ProtocolVersion::V5, "later"), Vec::new());
        driver.subscribe(ConnectionId(3), 1, "retained/#", Qos::AtLeastOnce);
        let marker = driver.publish(ConnectionId(1), "retained/marker", b"m", Qos::AtLeastOnce, false);
        driver.delivery(ConnectionId(1), marker);
        let received = driver.wait_messages(ConnectionId(3), 1);
        assert_eq!(received.len(), 1, "{}: cleared retained message must not arrive", broker.name());
        assert_eq!(received[0].topic, "retained/marker");
    }
}

#[test]
fn large_payload_arrives_intact() {
    for broker in brokers() {
        let mut driver = Driver::new();
        driver.connect(ConnectionId(1), local_profile(broker.port(), ProtocolVersion::V5, "large"), Vec::new());
        driver.subscribe(ConnectionId(1), 1, "big", Qos::AtLeastOnce);
        let payload: Vec<u8> = (0..2 * 1024 * 1024).map(|index: u32| (index % 251) as u8).collect();
        let request = driver.publish(ConnectionId(1), "big", &payload, Qos::AtLeastOnce, false);
        assert_eq!(driver.delivery(ConnectionId(1), request), DeliveryOutcome::Acknowledged, "{}", broker.name());
        let received = driver.wait_messages(ConnectionId(1), 1);
        assert_eq!(received[0].payload.len(), payload.len(), "{}", broker.name());
        assert!(received[0].payload[..] == payload[..], "{}", broker.name());
    }
}

#[test]
fn reconnects_and_resubscribes_after_mosquitto_restarts() {
    let port = common::free_port();
    let first = Mosquitto::start_on(port, "allow_anonymous true\n");
    let mut driver = Driver::new();
    let subscription = SubscriptionSpec {
        id: SubscriptionId(7),
        filter: "restart/#".into(),
        qos: Qos::AtLeastOnce,
        ..SubscriptionSpec::default()
    };
    driver.connect(ConnectionId(1), local_profile(port, ProtocolVersion::V311, "restarter"), vec![subscription]);
    driver.wait_for("initial SUBACK", |events| !common::suback_outcomes(events, ConnectionId(1), 7).is_empty());
    drop(first);
    driver.wait_for("reconnecting state", |events| {
        events.iter().any(|event| {
            matches!(
                &event.kind,
                EventKind::Connection {
                    event: topicscope_core::engine::ConnectionEvent::State(ConnectionState::Reconnecting { .. }),
                    ..
                }
            )
        })
    });
    let _second = Mosquitto::start_on(port, "allow_anonymous true\n");
    driver.wait_for("second CONNACK", |events| connected_count(events, ConnectionId(1)) >= 2);
    driver.wait_for("resubscribed", |events| common::suback_outcomes(events, ConnectionId(1), 7).len() >= 2);
    let request = driver.publish(ConnectionId(1), "restart/after", b"flows again", Qos::AtLeastOnce, false);
    assert_eq!(driver.delivery(ConnectionId(1), request), DeliveryOutcome::Acknowledged);
    let received = driver.wait_messages(ConnectionId(1), 1);
    assert_eq!(received[0].topic, "restart/after");
}

#[test]
fn reconnects_after_the_embedded_broker_restarts() {
    let broker = EmbeddedBroker::start(BrokerConfig::ephemeral()).expect("start");
    let port = broker.local_addr().port();
    let mut driver = Driver::new();
    let subscription = SubscriptionSpec {
        id: SubscriptionId(3),
        filter: "again/+".into(),
        qos: Qos::AtLeastOnce,
        ..SubscriptionSpec::default()
    };
    driver.connect(ConnectionId(1), local_profile(port, ProtocolVersion::V5, "phoenix"), vec![subscription]);
    driver.wait_for("initial SUBACK", |events| !common::suback_outcomes(events, ConnectionId(1), 3).is_empty());
    broker.stop();
    driver.wait_for("reconnecting state", |events| {
        events.iter().any(|event| {
            matches!(
                &event.kind,
                EventKind::Connection {
                    event: topicscope_core::engine::ConnectionEvent::State(ConnectionState::Reconnecting { .. }),
                    ..
                }
            )
        })
    });
    let _restarted =
        EmbeddedBroker::start(BrokerConfig { port, fall_back_to_free_port: false, ..BrokerConfig::default() })
            .expect("restart on the same port");
    driver.wait_for("second CONNACK", |events| connected_count(events, ConnectionId(1)) >= 2);
    driver.wait_for("resubscribed", |events| common::suback_outcomes(events, ConnectionId(1), 3).len() >= 2);
    let request = driver.publish(ConnectionId(1), "again/x", b"1", Qos::AtLeastOnce, false);
    driver.delivery(ConnectionId(1), request);
    assert_eq!(driver.wait_messages(ConnectionId(1), 1)[0].topic, "again/x");
}

#[test]
fn refused_port_backs_off_with_a_specific_reason() {
    let port = common::free_port();
    let mut driver = Driver::new();
    driver.send(Command::Connect {
        connection: ConnectionId(1),
        profile: Box::new(local_profile(port, ProtocolVersion::V311, "nobody-home")),
        subscriptions: Vec::new(),
    });
    driver.wait_for("reconnecting after refusal", |events| {
        events.iter().any(|event| {
            matches!(
                &event.kind,
                EventKind::Connection {
                    event: topicscope_core::engine::ConnectionEvent::State(ConnectionState::Reconnecting {
                        error: ConnectionFailure::Refused(_),
                        attempt: 2,
                        ..
                    }),
                    ..
                }
            )
        })
    });
    driver.send(Command::Disconnect { connection: ConnectionId(1) });
    driver.wait_for("disconnected", |events| {
        events.iter().any(|event| {
            matches!(
                &event.kind,
                EventKind::Connection {
                    event: topicscope_core::engine::ConnectionEvent::State(ConnectionState::Disconnected),
                    ..
                }
            )
        })
    });
}

/// mosquitto with a hashed password file (alice / wonderland) and an ACL
/// that lets alice use `allowed/#` only; anonymous clients are refused.
fn secured_mosquitto() -> Mosquitto {
    let port = common::free_port();
    let dir = std::env::temp_dir().join(format!("topicscope-secured-{}-{port}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let password_file = dir.join("passwords");
    std::fs::write(&password_file, "alice:wonderland\n").expect("password file");
    let status = std::process::Command::new("mosquitto_passwd").arg("-U").arg(&password_file).status();
    assert!(status.is_ok_and(|s| s.success()), "mosquitto_passwd must be installed");
    let acl_file = dir.join("acl");
    std::fs::write(&acl_file, "user alice\ntopic readwrite allowed/#\n").expect("acl file");
    Mosquitto::start_on(
        port,
        &format!("allow_anonymous false\npassword_file {}\nacl_file {}\n", password_file.display(), acl_file.display()),
    )
}

#[test]
fn refused_credentials_fail_without_retrying() {
    // mosquitto 2.0 answers a wrong password and an anonymous connect alike
    // with "not authorised" (3.1.1 code 5, MQTT 5 reason 0x87); bad user name
    // or password (code 4 / 0x86) maps to BadCredentials in the adapter.
    let broker = secured_mosquitto();
    for protocol in [ProtocolVersion::V311, ProtocolVersion::V5] {
        let mut driver = Driver::new();
        let mut profile = local_profile(broker.port, protocol, "intruder");
        profile.username = "alice".into();
        profile.password = "wrong".into();
        driver.send(Command::Connect {
            connection: ConnectionId(1),
            profile: Box::new(profile.clone()),
            subscriptions: Vec::new(),
        });
        assert_eq!(driver.failure(ConnectionId(1)), ConnectionFailure::NotAuthorized, "{protocol}");
        // No retry follows a permanent failure.
        assert!(!driver.events.iter().any(|event| matches!(
            &event.kind,
            EventKind::Connection {
                event: topicscope_core::engine::ConnectionEvent::State(ConnectionState::Reconnecting { .. }),
                ..
            }
        )));

        let anonymous = local_profile(broker.port, protocol, "anonymous");
        driver.send(Command::Connect {
            connection: ConnectionId(2),
            profile: Box::new(anonymous),
            subscriptions: Vec::new(),
        });
        assert_eq!(driver.failure(ConnectionId(2)), ConnectionFailure::NotAuthorized, "{protocol}");

        profile.password = "wonderland".into();
        driver.connect(ConnectionId(3), profile, Vec::new());
    }
}

#[test]
fn suback_reports_a_lower_granted_qos() {
    let broker = Mosquitto::start_on(common::free_port(), "allow_anonymous true\nmax_qos 1\n");
    for protocol in [ProtocolVersion::V311, ProtocolVersion::V5] {
        let mut driver = Driver::new();
        driver.connect(ConnectionId(1), local_profile(broker.port, protocol, "capped"), Vec::new());
        assert_eq!(
            driver.subscribe(ConnectionId(1), 1, "capped/#", Qos::ExactlyOnce),
            SubscribeOutcome::Granted(Qos::AtLeastOnce),
            "{protocol}"
        );
    }
}

#[test]
fn silent_server_times_out_with_the_configured_timeout() {
    // Accepts TCP but never answers CONNECT.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let holder = std::thread::Builder::new()
        .name("silent-server".into())
        .spawn(move || {
            let held: Vec<_> = listener.incoming().take(2).collect();
            std::thread::sleep(std::time::Duration::from_secs(5));
            drop(held);
        })
        .expect("thread");
    let mut driver = Driver::new();
    let mut profile = local_profile(port, ProtocolVersion::V311, "patient");
    profile.connect_timeout_secs = 1;
    driver.send(Command::Connect {
        connection: ConnectionId(1),
        profile: Box::new(profile),
        subscriptions: Vec::new(),
    });
    driver.wait_for("timeout failure", |events| {
        events.iter().any(|event| {
            matches!(
                &event.kind,
                EventKind::Connection {
                    event: topicscope_core::engine::ConnectionEvent::State(ConnectionState::Reconnecting {
                        error: ConnectionFailure::Timeout(1),
                        ..
                    }),
                    ..
                }
            )
        })
    });
    driver.send(Command::Disconnect { connection: ConnectionId(1) });
    drop(holder);
}

#[test]
fn engine_starts_and_stops_the_embedded_broker() {
    let mut driver = Driver::new();
    driver.send(Command::StartBroker(Box::new(BrokerConfig::ephemeral())));
    let mut addr = None;
    driver.wait_for("broker running", |events| {
        addr = events.iter().find_map(|event| match &event.kind {
            EventKind::Broker(BrokerState::Running { addr, .. }) => Some(*addr),
            _ => None,
        });
        addr.is_some()
    });
    let port = addr.expect("addr").port();
    driver.connect(ConnectionId(1), local_profile(port, ProtocolVersion::V311, "inside"), Vec::new());
    driver.send(Command::StopBroker);
    driver.wait_for("broker stopped and client reconnecting", |events| {
        events.iter().any(|e| matches!(e.kind, EventKind::Broker(BrokerState::Stopped)))
            && events.iter().any(|event| {
                matches!(
                    &event.kind,
                    EventKind::Connection {
                        event: topicscope_core::engine::ConnectionEvent::State(ConnectionState::Reconnecting { .. }),
                        ..
                    }
                )
            })
    });
}

#[test]
fn embedded_broker_falls_back_to_a_free_port_when_taken() {
    let first = EmbeddedBroker::start(BrokerConfig::ephemeral()).expect("first");
    let taken = first.local_addr().port();
    let second = EmbeddedBroker::start(BrokerConfig { port: taken, ..BrokerConfig::default() }).expect("second");
    assert_ne!(second.local_addr().port(), taken);
    assert_eq!(second.fell_back_from(), Some(taken));
    let strict =
        EmbeddedBroker::start(BrokerConfig { port: taken, fall_back_to_free_port: false, ..BrokerConfig::default() });
    let error = strict.expect_err("port is taken");
    assert!(error.to_string().contains(&taken.to_string()), "{error}");
}

#[test]
fn keep_alive_zero_is_accepted_by_both_brokers() {
    // MQTT allows keep-alive 0 ("no keep-alive"); rumqttd refused it.
    for broker in brokers() {
        let mut driver = Driver::new();
        let mut profile = local_profile(broker.port(), ProtocolVersion::V311, "no-keepalive");
        profile.keep_alive_secs = 0;
        driver.connect(ConnectionId(1), profile, Vec::new());
        driver.subscribe(ConnectionId(1), 1, "k/zero", Qos::AtLeastOnce);
        let request = driver.publish(ConnectionId(1), "k/zero", b"still here", Qos::AtLeastOnce, false);
        assert_eq!(driver.delivery(ConnectionId(1), request), DeliveryOutcome::Acknowledged, "{}", broker.name());
        assert_eq!(driver.wait_messages(ConnectionId(1), 1)[0].topic, "k/zero");
    }
}

#[test]
fn tls_connects_with_the_profile_ca_and_names_the_certificate_problem_otherwise() {
    let port = common::free_port();
    let dir = std::env::temp_dir().join(format!("topicscope-tls-{}-{port}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    common::make_test_certificates(&dir);
    let _broker = Mosquitto::start_on(
        port,
        &format!(
            "allow_anonymous true\ncafile {0}/ca.crt\ncertfile {0}/server.crt\nkeyfile {0}/server.key\n",
            dir.display()
        ),
    );
    for protocol in [ProtocolVersion::V311, ProtocolVersion::V5] {
        let mut driver = Driver::new();
        let mut profile = local_profile(port, protocol, "tls-client");
        profile.transport = topicscope_core::profile::TransportKind::Tls;
        profile.reconnect = false;
        // The system roots do not know our CA: a TLS failure that says why.
        driver.send(Command::Connect {
            connection: ConnectionId(1),
            profile: Box::new(profile.clone()),
            subscriptions: Vec::new(),
        });
        driver.wait_for("TLS failure", |events| {
            events.iter().any(|event| {
                matches!(
                    &event.kind,
                    EventKind::Connection {
                        connection: ConnectionId(1),
                        event: topicscope_core::engine::ConnectionEvent::State(ConnectionState::Failed(_))
                    }
                )
            })
        });
        match driver.state(ConnectionId(1)) {
            Some(ConnectionState::Failed(ConnectionFailure::Tls(reason))) => {
                assert!(reason.to_lowercase().contains("certificate"), "{protocol}: {reason}")
            }
            other => panic!("{protocol}: expected a TLS failure, got {other:?}"),
        }
        // With the CA file it connects and messages flow.
        profile.tls.ca_file = Some(dir.join("ca.crt"));
        driver.connect(ConnectionId(2), profile, Vec::new());
        driver.subscribe(ConnectionId(2), 1, "secure/#", Qos::AtLeastOnce);
        let request = driver.publish(ConnectionId(2), "secure/hello", b"over TLS", Qos::AtLeastOnce, false);
        assert_eq!(driver.delivery(ConnectionId(2), request), DeliveryOutcome::Acknowledged, "{protocol}");
        assert_eq!(driver.wait_messages(ConnectionId(2), 1)[0].topic, "secure/hello");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
