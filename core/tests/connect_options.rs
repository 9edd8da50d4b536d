//! Every connect option of a profile, against real brokers on 127.0.0.1:
//! mutual TLS, wrong CA, the insecure switch, WebSocket (plain and TLS), last
//! will, client id suffix, the reconnect limit and MQTT 5 no-local.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail the test on error

mod common;

use std::path::PathBuf;

use common::{Driver, Mosquitto, Relay, brokers, local_profile};
use topicscope_core::broker::{BrokerConfig, EmbeddedBroker};
use topicscope_core::engine::{
    Command, ConnectionEvent, ConnectionFailure, ConnectionState, DeliveryOutcome, EventKind, SubscriptionSpec,
};
use topicscope_core::ids::{ConnectionId, SubscriptionId};
use topicscope_core::mqtt::{ProtocolVersion, Qos, SubscribeOptions};
use topicscope_core::payload::PayloadFormat;
use topicscope_core::profile::{ConnectionProfile, LastWill, TransportKind};

struct Certificates {
    dir: PathBuf,
}

impl Certificates {
    fn new(tag: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("topicscope-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        common::make_test_certificates(&dir);
        Self { dir }
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    fn server_config(&self) -> String {
        let dir = self.dir.display();
        format!("cafile {dir}/ca.crt\ncertfile {dir}/server.crt\nkeyfile {dir}/server.key\n")
    }
}

impl Drop for Certificates {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn failed_state(driver: &mut Driver, connection: ConnectionId) -> ConnectionFailure {
    driver.wait_for("a failure", |events| {
        events.iter().any(|event| {
            matches!(&event.kind, EventKind::Connection { connection: c, event: ConnectionEvent::State(ConnectionState::Failed(_)) } if *c == connection)
        })
    });
    match driver.state(connection) {
        Some(ConnectionState::Failed(failure)) => failure,
        other => panic!("expected a failure, got {other:?}"),
    }
}

fn tls_profile(port: u16, protocol: ProtocolVersion, id: &str) -> ConnectionProfile {
    let mut profile = local_profile(port, protocol, id);
    profile.transport = TransportKind::Tls;
    profile.reconnect = false;
    profile
}

fn round_trip(driver: &mut Driver, connection: ConnectionId, topic: &str) {
    driver.subscribe(connection, 1, topic, Qos::AtLeastOnce);
    let request = driver.publish(connection, topic, b"ping", Qos::AtLeastOnce, false);
    assert_eq!(driver.delivery(connection, request), DeliveryOutcome::Acknowledged);
    assert!(driver.wait_messages(connection, 1).iter().any(|m| m.topic == topic));
}

#[test]
fn mutual_tls_needs_the_client_certificate() {
    let certificates = Certificates::new("mtls");
    let port = common::free_port();
    let _broker = Mosquitto::start_on(
        port,
        &format!("allow_anonymous true\n{}require_certificate true\n", certificates.server_config()),
    );
    for protocol in [ProtocolVersion::V311, ProtocolVersion::V5] {
        let mut driver = Driver::new();
        let mut profile = tls_profile(port, protocol, "mtls-client");
        profile.tls.ca_file = Some(certificates.file("ca.crt"));
        // Without a client certificate the broker ends the handshake.
        driver.send(Command::Connect {
            connection: ConnectionId(1),
            profile: Box::new(profile.clone()),
            subscriptions: Vec::new(),
        });
        let failure = failed_state(&mut driver, ConnectionId(1));
        assert!(!matches!(failure, ConnectionFailure::InvalidSettings(_)), "{protocol}: {failure}");
        // With it, the connection works.
        profile.tls.client_certificate_file = Some(certificates.file("client.crt"));
        profile.tls.client_key_file = Some(certificates.file("client.key"));
        driver.connect(ConnectionId(2), profile, Vec::new());
        round_trip(&mut driver, ConnectionId(2), "mtls/hello");
    }
}

#[test]
fn a_wrong_ca_is_an_unknown_issuer_and_the_insecure_switch_connects_anyway() {
    let certificates = Certificates::new("wrong-ca");
    let port = common::free_port();
    let _broker = Mosquitto::start_on(port, &format!("allow_anonymous true\n{}", certificates.server_config()));
    for protocol in [ProtocolVersion::V311, ProtocolVersion::V5] {
        let mut driver = Driver::new();
        let mut profile = tls_profile(port, protocol, "wrong-ca");
        profile.tls.ca_file = Some(certificates.file("other-ca.crt"));
        driver.send(Command::Connect {
            connection: ConnectionId(1),
            profile: Box::new(profile.clone()),
            subscriptions: Vec::new(),
        });
        match failed_state(&mut driver, ConnectionId(1)) {
            ConnectionFailure::Tls(reason) => assert!(reason.contains("UnknownIssuer"), "{protocol}: {reason}"),
            other => panic!("{protocol}: expected a TLS failure, got {other}"),
        }
        profile.tls.ca_file = None;
        profile.tls.dangerously_accept_invalid_certificates = true;
        driver.connect(ConnectionId(2), profile, Vec::new());
        round_trip(&mut driver, ConnectionId(2), "insecure/hello");
    }
}

#[test]
fn websocket_and_secure_websocket_transports_work() {
    let certificates = Certificates::new("websocket");
    let dir = certificates.dir.display();
    let (_broker, ports) = Mosquitto::start_with_ports(2, |ports| {
        format!(
            "allow_anonymous true\nlistener {} 127.0.0.1\nprotocol websockets\n\
             listener {} 127.0.0.1\nprotocol websockets\ncafile {dir}/ca.crt\ncertfile {dir}/server.crt\nkeyfile {dir}/server.key\n",
            ports[0], ports[1]
        )
    });
    let (ws_port, wss_port) = (ports[0], ports[1]);
    for protocol in [ProtocolVersion::V311, ProtocolVersion::V5] {
        let mut driver = Driver::new();
        let mut plain = local_profile(ws_port, protocol, "ws-client");
        plain.transport = TransportKind::WebSocket;
        driver.connect(ConnectionId(1), plain, Vec::new());
        round_trip(&mut driver, ConnectionId(1), "ws/hello");

        let mut secure = local_profile(wss_port, protocol, "wss-client");
        secure.transport = TransportKind::WebSocketTls;
        secure.tls.ca_file = Some(certificates.file("ca.crt"));
        driver.connect(ConnectionId(2), secure, Vec::new());
        round_trip(&mut driver, ConnectionId(2), "wss/hello");
    }
}

#[test]
fn last_will_is_delivered_when_the_connection_vanishes() {
    for broker in brokers() {
        let name = broker.name();
        for protocol in [ProtocolVersion::V311, ProtocolVersion::V5] {
            let mut driver = Driver::new();
            // A client id per round: taking over the last round's session
            // right after it left is answered 0x88 by rmqtt now and then
            // (issue 22); this test is about the will.
            let watcher = format!("watcher-{protocol}");
            driver.connect(ConnectionId(1), local_profile(broker.port(), ProtocolVersion::V5, &watcher), Vec::new());
            driver.subscribe(ConnectionId(1), 1, "wills/#", Qos::AtLeastOnce);
            let relay = Relay::start(broker.port());
            let mut profile = local_profile(relay.port, protocol, &format!("doomed-{protocol}"));
            profile.reconnect = false;
            profile.last_will = Some(LastWill {
                topic: "wills/doomed".into(),
                payload: "{\"online\": false}".into(),
                payload_format: PayloadFormat::Json,
                qos: Qos::AtLeastOnce,
                content_type: Some("application/json".into()),
                ..LastWill::default()
            });
            driver.connect(ConnectionId(2), profile, Vec::new());
            relay.cut();
            let received = driver.wait_messages(ConnectionId(1), 1);
            assert_eq!(received[0].topic, "wills/doomed", "{name} {protocol}");
            assert_eq!(&received[0].payload[..], b"{\"online\": false}");
            if protocol == ProtocolVersion::V5 {
                let content_type = received[0].properties.as_ref().and_then(|p| p.content_type.clone());
                assert_eq!(content_type.as_deref(), Some("application/json"), "{name}: will properties");
            }
        }
    }
}

#[test]
fn a_clean_disconnect_does_not_publish_the_will() {
    for broker in brokers() {
        let name = broker.name();
        let mut driver = Driver::new();
        driver.connect(ConnectionId(1), local_profile(broker.port(), ProtocolVersion::V5, "watcher"), Vec::new());
        driver.subscribe(ConnectionId(1), 1, "wills/#", Qos::AtLeastOnce);
        let mut profile = local_profile(broker.port(), ProtocolVersion::V311, "polite");
        profile.last_will =
            Some(LastWill { topic: "wills/polite".into(), payload: "gone".into(), ..LastWill::default() });
        driver.connect(ConnectionId(2), profile, Vec::new());
        driver.send(Command::Disconnect { connection: ConnectionId(2) });
        driver.wait_for("disconnected", |_| true);
        assert!(common::wait_until(common::WAIT, || {
            driver.drain();
            driver.state(ConnectionId(2)) == Some(ConnectionState::Disconnected)
        }));
        let marker = driver.publish(ConnectionId(1), "wills/marker", b"m", Qos::AtLeastOnce, false);
        driver.delivery(ConnectionId(1), marker);
        let received = driver.wait_messages(ConnectionId(1), 1);
        assert_eq!(received.len(), 1, "{name}: {received:?}");
        assert_eq!(received[0].topic, "wills/marker", "{name}");
    }
}

#[test]
fn random_client_id_suffix_and_reconnect_limit() {
    let broker = EmbeddedBroker::start(BrokerConfig::ephemeral()).expect("embedded");
    let mut driver = Driver::new();
    let mut profile = local_profile(broker.local_addr().port(), ProtocolVersion::V5, "suffixed");
    profile.random_client_id_suffix = true;
    driver.connect(ConnectionId(1), profile, Vec::new());
    match driver.state(ConnectionId(1)) {
        Some(ConnectionState::Connected { client_id, .. }) => {
            assert!(client_id.starts_with("suffixed-") && client_id.len() == "suffixed-".len() + 6, "{client_id}")
        }
        other => panic!("{other:?}"),
    }

    let mut limited = local_profile(common::free_port(), ProtocolVersion::V311, "limited");
    limited.reconnect_max_attempts = 2;
    limited.reconnect_backoff_cap_secs = 1;
    driver.send(Command::Connect {
        connection: ConnectionId(2),
        profile: Box::new(limited),
        subscriptions: Vec::new(),
    });
    match failed_state(&mut driver, ConnectionId(2)) {
        ConnectionFailure::GaveUp { attempts: 2, last } => {
            assert!(matches!(*last, ConnectionFailure::Refused(_)), "{last}")
        }
        other => panic!("expected GaveUp, got {other}"),
    }
}

#[test]
fn no_local_subscriptions_skip_our_own_publishes() {
    for broker in brokers() {
        let name = broker.name();
        let mut driver = Driver::new();
        driver.connect(ConnectionId(1), local_profile(broker.port(), ProtocolVersion::V5, "no-local"), Vec::new());
        let options = SubscribeOptions { no_local: true, ..SubscribeOptions::default() };
        driver.send(Command::Subscribe {
            connection: ConnectionId(1),
            subscription: SubscriptionSpec {
                id: SubscriptionId(1),
                filter: "echo/#".into(),
                qos: Qos::AtLeastOnce,
                options,
            },
        });
        driver.wait_for("SUBACK", |events| !common::suback_outcomes(events, ConnectionId(1), 1).is_empty());
        driver.connect(ConnectionId(2), local_profile(broker.port(), ProtocolVersion::V5, "other"), Vec::new());
        let own = driver.publish(ConnectionId(1), "echo/own", b"mine", Qos::AtLeastOnce, false);
        driver.delivery(ConnectionId(1), own);
        let other = driver.publish(ConnectionId(2), "echo/other", b"theirs", Qos::AtLeastOnce, false);
        driver.delivery(ConnectionId(2), other);
        let received = driver.wait_messages(ConnectionId(1), 1);
        assert!(received.iter().all(|m| m.topic != "echo/own"), "{name}: {received:?}");
        assert_eq!(received[0].topic, "echo/other", "{name}");
    }
}

#[test]
fn a_subscription_identifier_reaches_the_broker_and_comes_back_on_its_messages() {
    // mosquitto tags deliveries with the identifier (MQTT 5 §3.3.2.3.8);
    // the embedded rmqtt 0.24 sends none back (a gap of the broker, not of
    // the client: the identifier is on the wire either way).
    let broker = common::Mosquitto::start();
    let mut driver = Driver::new();
    driver.connect(ConnectionId(1), local_profile(broker.port, ProtocolVersion::V5, "tagged"), Vec::new());
    let options = SubscribeOptions { identifier: Some(4242), ..SubscribeOptions::default() };
    driver.send(Command::Subscribe {
        connection: ConnectionId(1),
        subscription: SubscriptionSpec {
            id: SubscriptionId(1),
            filter: "tagged/#".into(),
            qos: Qos::AtLeastOnce,
            options,
        },
    });
    driver.wait_for("SUBACK", |events| !common::suback_outcomes(events, ConnectionId(1), 1).is_empty());
    let sent = driver.publish(ConnectionId(1), "tagged/x", b"1", Qos::AtLeastOnce, false);
    driver.delivery(ConnectionId(1), sent);
    let received = driver.wait_messages(ConnectionId(1), 1);
    let identifiers = received[0].properties.as_ref().map(|p| p.subscription_identifiers.clone()).unwrap_or_default();
    assert_eq!(identifiers, [4242]);
}

#[test]
fn passwords_from_the_keychain_a_file_and_the_profile_reach_the_broker() {
    use topicscope_core::profile::PasswordSource;
    let port = common::free_port();
    let dir = std::env::temp_dir().join(format!("topicscope-secrets-{}-{port}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let password_file = dir.join("passwords");
    std::fs::write(&password_file, "alice:wonderland\n").expect("write");
    let status = std::process::Command::new("mosquitto_passwd").arg("-U").arg(&password_file).status();
    assert!(status.is_ok_and(|s| s.success()), "mosquitto_passwd must be installed");
    let _broker =
        Mosquitto::start_on(port, &format!("allow_anonymous false\npassword_file {}\n", password_file.display()));
    keyring_core::set_default_store(keyring_core::mock::Store::new().expect("mock keychain"));
    topicscope_core::secrets::store_password("alice@secured", "wonderland").expect("keychain");
    let secret_file = dir.join("secret");
    std::fs::write(&secret_file, "wonderland\n").expect("secret file");
    let sources = [
        PasswordSource::Keychain("alice@secured".into()),
        PasswordSource::File(secret_file.clone()),
        PasswordSource::InProfile("wonderland".into()),
    ];
    let mut driver = Driver::new();
    for (index, source) in sources.into_iter().enumerate() {
        let mut profile = local_profile(port, ProtocolVersion::V5, &format!("secret-{index}"));
        profile.username = "alice".into();
        profile.password_source = source;
        driver.connect(ConnectionId(index as u64 + 1), profile, Vec::new());
    }
    // A source that cannot provide the password fails before connecting, naming it.
    let mut profile = local_profile(port, ProtocolVersion::V5, "no-secret");
    profile.username = "alice".into();
    profile.password_source = PasswordSource::Keychain("nobody@secured".into());
    driver.send(Command::Connect {
        connection: ConnectionId(9),
        profile: Box::new(profile),
        subscriptions: Vec::new(),
    });
    match failed_state(&mut driver, ConnectionId(9)) {
        ConnectionFailure::InvalidSettings(reason) => assert!(reason.contains("nobody@secured"), "{reason}"),
        other => panic!("expected a settings failure, got {other}"),
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_certificate_can_be_verified_for_another_name() {
    let certificates = Certificates::new("server-name");
    let port = common::free_port();
    let _broker = Mosquitto::start_on(port, &format!("allow_anonymous true\n{}", certificates.server_config()));
    let mut driver = Driver::new();
    let mut profile = tls_profile(port, ProtocolVersion::V5, "renamed");
    profile.tls.ca_file = Some(certificates.file("ca.crt"));
    profile.tls.server_name = Some("wrong.test".into());
    driver.send(Command::Connect {
        connection: ConnectionId(1),
        profile: Box::new(profile.clone()),
        subscriptions: Vec::new(),
    });
    match failed_state(&mut driver, ConnectionId(1)) {
        ConnectionFailure::Tls(reason) => assert!(reason.contains("not valid for name \"wrong.test\""), "{reason}"),
        other => panic!("expected a TLS name failure, got {other}"),
    }
    // The certificate names broker.test (and 127.0.0.1): verifying for that name works.
    profile.tls.server_name = Some("broker.test".into());
    driver.connect(ConnectionId(2), profile, Vec::new());
    round_trip(&mut driver, ConnectionId(2), "renamed/hello");
}

#[test]
fn connections_go_through_an_http_connect_proxy_with_credentials() {
    use topicscope_core::profile::ProxyOptions;
    let broker = EmbeddedBroker::start(BrokerConfig::ephemeral()).expect("embedded");
    let port = broker.local_addr().port();
    let proxy = common::ConnectProxy::start(Some("proxyuser:proxypass"));
    for protocol in [ProtocolVersion::V311, ProtocolVersion::V5] {
        let mut driver = Driver::new();
        let mut profile = local_profile(port, protocol, "proxied");
        profile.reconnect = false;
        profile.proxy = Some(ProxyOptions {
            host: "127.0.0.1".into(),
            port: proxy.port,
            username: "proxyuser".into(),
            password: "wrong".into(),
            ..ProxyOptions::default()
        });
        driver.send(Command::Connect {
            connection: ConnectionId(1),
            profile: Box::new(profile.clone()),
            subscriptions: Vec::new(),
        });
        match failed_state(&mut driver, ConnectionId(1)) {
            ConnectionFailure::Proxy(reason) => assert!(reason.contains("407"), "{protocol}: {reason}"),
            other => panic!("{protocol}: expected a proxy failure, got {other}"),
        }
        if let Some(proxy) = profile.proxy.as_mut() {
            proxy.password = "proxypass".into();
        }
        driver.connect(ConnectionId(2), profile, Vec::new());
        round_trip(&mut driver, ConnectionId(2), "proxied/hello");
    }
    let requests = proxy.requests.lock().expect("lock").clone();
    assert!(requests.iter().all(|line| line.starts_with(&format!("CONNECT 127.0.0.1:{port} "))), "{requests:?}");
}

#[test]
fn tls_session_keys_go_to_the_profiles_key_log_file_in_nss_format() {
    let certificates = Certificates::new("key-log");
    let (_broker, ports) = Mosquitto::start_with_ports(1, |ports| {
        format!("allow_anonymous true\nlistener {} 127.0.0.1\n{}", ports[0], certificates.server_config())
    });
    let key_log = certificates.file("keys.log");
    for (connection, protocol) in [(ConnectionId(1), ProtocolVersion::V311), (ConnectionId(2), ProtocolVersion::V5)] {
        let mut driver = Driver::new();
        let mut profile = tls_profile(ports[0], protocol, "key-logger");
        profile.tls.ca_file = Some(certificates.file("ca.crt"));
        profile.tls.dangerously_log_session_keys_to = Some(key_log.clone());
        driver.connect(connection, profile, Vec::new());
        round_trip(&mut driver, connection, "keys/hello");
    }
    let text = std::fs::read_to_string(&key_log).expect("the key log was written");
    let lines: Vec<&str> = text.lines().collect();
    // TLS 1.3: the handshake and traffic secrets of each connection.
    for label in [
        "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
        "SERVER_HANDSHAKE_TRAFFIC_SECRET",
        "CLIENT_TRAFFIC_SECRET_0",
        "SERVER_TRAFFIC_SECRET_0",
    ] {
        assert_eq!(
            lines.iter().filter(|line| line.starts_with(label)).count(),
            2,
            "{label} once per connection: {text}"
        );
    }
    for line in &lines {
        let fields: Vec<&str> = line.split(' ').collect();
        assert_eq!(fields.len(), 3, "{line}");
        assert_eq!(fields[1].len(), 64, "32-byte client random in hex: {line}");
        assert!(fields[1..].iter().all(|field| field.chars().all(|c| c.is_ascii_hexdigit())), "{line}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&key_log).expect("metadata").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "readable by its owner only");
    }
}
