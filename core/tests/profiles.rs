//! Profile files: every shipped and every golden file keeps loading, and a
//! profile with every field set survives a save / load round trip.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail the test on error

use std::path::{Path, PathBuf};
use topicscope_core::decoders::{DecoderRule, DecoderSettings, PayloadDecoder};

use topicscope_core::mqtt::{ProtocolVersion, Qos};
use topicscope_core::payload::PayloadFormat;
use topicscope_core::profile::{
    ConnectionProfile, LastWill, Mqtt5Options, PasswordSource, ProfileError, ProxyKind, ProxyOptions, RetainHandling,
    SHIPPED_PROFILE_FILES, SavedSubscription, TlsOptions, TransportKind, load_profiles, parse_profile, save_profile,
};

/// A file of this crate (its fixtures).
fn repo_file(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// A file of the repository root (the shipped profiles live in `profiles/`).
fn shipped_file(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

#[test]
fn every_file_in_profiles_loads_and_is_built_in() {
    let (profiles, errors) = load_profiles(&shipped_file("profiles"));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(
        profiles.len(),
        SHIPPED_PROFILE_FILES.len(),
        "a file in profiles/ is missing from SHIPPED_PROFILE_FILES"
    );
    for (origin, text) in SHIPPED_PROFILE_FILES {
        assert_eq!(std::fs::read_to_string(shipped_file(origin)).expect("read"), text, "{origin}");
    }
    // None of the shipped profiles carries a secret.
    assert!(
        profiles.iter().all(|p| !matches!(p.password_source, PasswordSource::InProfile(_)) && p.password.is_empty())
    );
}

#[test]
fn golden_version_1_files_keep_loading() {
    let text = std::fs::read_to_string(repo_file("tests/fixtures/profiles/v1-tls-with-ca.ron")).expect("fixture");
    let profile = parse_profile(&text, "v1-tls-with-ca.ron").expect("v1 parses");
    assert_eq!(profile.version, 2, "migrated to the current version");
    assert_eq!(profile.name, "Site A / prod");
    assert_eq!((profile.host.as_str(), profile.port), ("10.1.2.3", 8883));
    assert_eq!(profile.protocol, ProtocolVersion::V311);
    assert_eq!(profile.transport, TransportKind::Tls);
    assert_eq!(profile.tls.ca_file.as_deref(), Some(Path::new("/etc/ssl/site-a-ca.pem")), "ca_file moved into tls");
    assert_eq!(profile.legacy_ca_file, None);
    assert!(!profile.clean_start && !profile.reconnect);
    assert_eq!((profile.keep_alive_secs, profile.connect_timeout_secs, profile.max_packet_size), (30, 7, 1_048_576));

    let text = std::fs::read_to_string(repo_file("tests/fixtures/profiles/v1-minimal.ron")).expect("fixture");
    let profile = parse_profile(&text, "v1-minimal.ron").expect("minimal parses");
    assert_eq!((profile.name.as_str(), profile.port, profile.keep_alive_secs), ("old", 1884, 60));
}

#[test]
fn golden_version_2_full_file_keeps_loading() {
    let text = std::fs::read_to_string(repo_file("tests/fixtures/profiles/v2-full.ron")).expect("fixture");
    let profile = parse_profile(&text, "v2-full.ron").expect("v2 parses");
    // Fields added since the file was written take their defaults.
    let full = full_profile();
    let subscriptions =
        full.subscriptions.iter().map(|s| SavedSubscription { identifier: None, ..s.clone() }).collect();
    let proxy = full.proxy.clone().map(|proxy| ProxyOptions {
        kind: ProxyKind::Http,
        password_source: PasswordSource::NotSaved,
        ..proxy
    });
    let expected = ConnectionProfile {
        tls: TlsOptions { server_name: None, dangerously_log_session_keys_to: None, ..full.tls.clone() },
        proxy,
        record_packets: true,
        variables: Vec::new(),
        decoding: DecoderSettings::default(),
        mocks: Vec::new(),
        subscriptions,
        ..full
    };
    assert_eq!(profile, expected, "the golden file must equal the all-fields profile of its time");
}

/// A profile with every field set to a non-default value.
fn full_profile() -> ConnectionProfile {
    ConnectionProfile {
        version: 2,
        name: "Everything".into(),
        host: "broker.internal".into(),
        port: 8084,
        client_id: "tester".into(),
        random_client_id_suffix: true,
        protocol: ProtocolVersion::V5,
        transport: TransportKind::WebSocketTls,
        websocket_path: "/ws/mqtt".into(),
        tls: TlsOptions {
            ca_file: Some("/certs/ca.pem".into()),
            client_certificate_file: Some("/certs/client.pem".into()),
            client_key_file: Some("/certs/client.key".into()),
            alpn_protocols: vec!["mqtt".into()],
            server_name: Some("broker.example.com".into()),
            dangerously_accept_invalid_certificates: true,
            dangerously_log_session_keys_to: Some("/home/tester/sslkeys.log".into()),
        },
        legacy_ca_file: None,
        proxy: Some(ProxyOptions {
            kind: ProxyKind::Socks5,
            host: "proxy.internal".into(),
            port: 3128,
            username: "bob".into(),
            password: String::new(),
            password_source: PasswordSource::Environment("PROXY_PASSWORD".into()),
        }),
        username: "alice".into(),
        password_source: PasswordSource::Environment("BROKER_PASSWORD".into()),
        password: String::new(),
        keep_alive_secs: 15,
        clean_start: false,
        connect_timeout_secs: 3,
        max_packet_size: 65_536,
        record_packets: false,
        reconnect: true,
        reconnect_max_attempts: 5,
        reconnect_backoff_cap_secs: 10,
        last_will: Some(LastWill {
            topic: "devices/tester/status".into(),
            payload: "{\"online\": false}".into(),
            payload_format: PayloadFormat::Json,
            qos: Qos::AtLeastOnce,
            retain: true,
            delay_interval_secs: Some(5),
            message_expiry_secs: Some(3600),
            content_type: Some("application/json".into()),
            response_topic: Some("devices/tester/ack".into()),
            correlation_data: Some("will-1".into()),
            user_properties: vec![("site".into(), "A".into())],
        }),
        mqtt5: Mqtt5Options {
            session_expiry_secs: Some(600),
            receive_maximum: Some(100),
            topic_alias_maximum: Some(10),
            request_response_information: true,
            request_problem_information: false,
            user_properties: vec![("client".into(), "topicscope".into())],
        },
        subscriptions: vec![
            SavedSubscription {
                filter: "devices/+/status".into(),
                qos: Qos::AtLeastOnce,
                ..SavedSubscription::default()
            },
            SavedSubscription {
                filter: "$share/testers/telemetry/#".into(),
                qos: Qos::ExactlyOnce,
                colour: Some(3),
                no_local: true,
                retain_as_published: true,
                retain_handling: RetainHandling::DoNotSend,
                identifier: Some(42),
            },
        ],
        variables: vec![("site".into(), "plant-2".into()), ("unit".into(), "°C".into())],
        decoding: DecoderSettings {
            rules: vec![
                DecoderRule::new("unit/+/telemetry", PayloadDecoder::Protobuf("demo.Telemetry".into())),
                DecoderRule::new("cameras/#", PayloadDecoder::Image),
            ],
            proto_paths: vec!["/home/tester/protos".into()],
            sparkplug_builtin: false,
        },
        mocks: vec!["/home/tester/scenarios/mocks/thermostat.ron".into()],
    }
}

#[test]
fn a_profile_with_every_field_round_trips_without_secrets() {
    let dir = std::env::temp_dir().join(format!("topicscope-profiles-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut profile = full_profile();
    profile.password = "session-only".into();
    if let Some(proxy) = profile.proxy.as_mut() {
        proxy.password = "proxy-secret".into();
    }
    let path = save_profile(&dir, &profile).expect("save");
    let bytes = std::fs::read(&path).expect("read back");
    let text = String::from_utf8(bytes).expect("utf-8");
    assert!(!text.contains("session-only") && !text.contains("proxy-secret"), "{text}");
    let (loaded, errors) = load_profiles(&dir);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(loaded, vec![full_profile()]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_password_stored_by_choice_is_kept() {
    let profile = ConnectionProfile {
        password_source: PasswordSource::InProfile("written-on-purpose".into()),
        ..ConnectionProfile::default()
    };
    let text = topicscope_core::profile::profile_to_ron(&profile).expect("serialise");
    let loaded = parse_profile(&text, "inline").expect("parse");
    assert_eq!(loaded.resolve_password().as_deref(), Ok("written-on-purpose"));
}

#[test]
fn a_malformed_file_reports_file_line_and_column_and_the_others_still_load() {
    let dir = std::env::temp_dir().join(format!("topicscope-malformed-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    save_profile(&dir, &ConnectionProfile { name: "good".into(), ..ConnectionProfile::default() }).expect("save");
    let broken = dir.join("broken.ron");
    let original = "ConnectionProfile(\n    name: \"broken\",\n    port: \"not a number\",\n)\n";
    std::fs::write(&broken, original).expect("write");
    let (profiles, errors) = load_profiles(&dir);
    assert_eq!(profiles.len(), 1);
    assert_eq!(errors.len(), 1);
    let message = errors[0].to_string();
    assert!(message.starts_with(&format!("{}:3:", broken.display())), "{message}");
    assert_eq!(std::fs::read_to_string(&broken).expect("still there"), original, "the broken file is untouched");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn invalid_fields_are_named() {
    let base = ConnectionProfile::default();
    let missing_ca = ConnectionProfile {
        transport: TransportKind::Tls,
        tls: TlsOptions { ca_file: Some("/nonexistent/ca.pem".into()), ..TlsOptions::default() },
        ..base.clone()
    };
    assert_eq!(
        missing_ca.validate(),
        Err(ProfileError::MissingFile { what: "CA file", path: "/nonexistent/ca.pem".into() })
    );
    let will_with_wildcard = ConnectionProfile {
        last_will: Some(LastWill { topic: "status/#".into(), ..LastWill::default() }),
        ..base.clone()
    };
    assert!(matches!(will_with_wildcard.validate(), Err(ProfileError::WillTopic(_))));
    let bad_will_payload = ConnectionProfile {
        last_will: Some(LastWill {
            topic: "status".into(),
            payload: "{".into(),
            payload_format: PayloadFormat::Json,
            ..LastWill::default()
        }),
        ..base.clone()
    };
    assert!(matches!(bad_will_payload.validate(), Err(ProfileError::WillPayload(_))));
    let ws = ConnectionProfile { transport: TransportKind::WebSocket, websocket_path: "mqtt".into(), ..base.clone() };
    assert_eq!(ws.validate(), Err(ProfileError::BadWebSocketPath));
    let bad_subscription = ConnectionProfile {
        subscriptions: vec![SavedSubscription { filter: "a/#/b".into(), ..SavedSubscription::default() }],
        ..base.clone()
    };
    assert!(matches!(bad_subscription.validate(), Err(ProfileError::SavedSubscription { .. })));
    let proxy = ConnectionProfile { proxy: Some(ProxyOptions::default()), ..base };
    assert_eq!(proxy.validate(), Err(ProfileError::IncompleteProxy));
}

#[test]
fn password_sources_resolve_or_name_what_is_missing() {
    let from_file = std::env::temp_dir().join(format!("topicscope-secret-{}", std::process::id()));
    std::fs::write(&from_file, "s3cret\n").expect("write");
    let profile =
        ConnectionProfile { password_source: PasswordSource::File(from_file.clone()), ..ConnectionProfile::default() };
    assert_eq!(profile.resolve_password().as_deref(), Ok("s3cret"));
    let _ = std::fs::remove_file(&from_file);
    let missing = ConnectionProfile {
        password_source: PasswordSource::Environment("TOPICSCOPE_TEST_SURELY_UNSET_VARIABLE".into()),
        ..ConnectionProfile::default()
    };
    assert!(missing.resolve_password().unwrap_err().to_string().contains("TOPICSCOPE_TEST_SURELY_UNSET_VARIABLE"));
}

#[test]
fn an_mqttx_export_is_mapped_field_by_field_with_a_skipped_report() {
    use topicscope_core::profile_exchange::import_file;
    let report = import_file(&repo_file("tests/fixtures/import/mqttx-export.json")).expect("readable");
    assert_eq!(report.profiles.len(), 2, "{report:#?}");
    assert_eq!(report.errors, vec!["No host here: has no host".to_owned()]);

    let factory = &report.profiles[0];
    assert_eq!(factory.name, "Factory floor (WebSocket)");
    assert_eq!((factory.host.as_str(), factory.port), ("broker.factory.local", 8083));
    assert_eq!(factory.transport, TransportKind::WebSocket);
    assert_eq!(factory.websocket_path, "/mqtt");
    assert_eq!(factory.protocol, ProtocolVersion::V5);
    assert_eq!(
        (factory.client_id.as_str(), factory.clean_start, factory.keep_alive_secs),
        ("mqttx_factory", false, 30)
    );
    assert!(factory.random_client_id_suffix);
    assert_eq!(factory.username, "operator");
    assert_eq!(factory.password, "hunter2");
    assert_eq!(factory.password_source, PasswordSource::NotSaved, "imported passwords are not written to files");
    assert_eq!(factory.mqtt5.session_expiry_secs, Some(3600));
    assert_eq!(factory.mqtt5.receive_maximum, Some(50));
    assert_eq!(factory.mqtt5.topic_alias_maximum, Some(5));
    assert!(factory.mqtt5.request_response_information && !factory.mqtt5.request_problem_information);
    assert_eq!(factory.max_packet_size, 1_048_576);
    // In the export's order.
    assert_eq!(
        factory.mqtt5.user_properties,
        vec![("site".into(), "north".into()), ("line".into(), "1".into()), ("line".into(), "2".into())]
    );
    let will = factory.last_will.as_ref().expect("will");
    assert_eq!(
        (will.topic.as_str(), will.payload.as_str(), will.qos, will.retain),
        ("factory/operator/status", "offline", Qos::AtLeastOnce, true)
    );
    assert_eq!((will.delay_interval_secs, will.message_expiry_secs), (Some(10), Some(120)));
    assert_eq!(will.content_type.as_deref(), Some("text/plain"));
    assert_eq!(will.correlation_data.as_deref(), Some("w-1"));
    assert_eq!(factory.subscriptions.len(), 2);
    let first = &factory.subscriptions[0];
    assert_eq!((first.filter.as_str(), first.qos), ("factory/+/temperature", Qos::AtLeastOnce));
    assert!(first.no_local && first.retain_as_published);
    assert_eq!(first.retain_handling, RetainHandling::DoNotSend);
    assert_eq!(factory.validate(), Ok(()));

    let cloud = &report.profiles[1];
    assert_eq!((cloud.port, cloud.transport, cloud.protocol), (8883, TransportKind::Tls, ProtocolVersion::V311));
    assert!(cloud.tls.dangerously_accept_invalid_certificates);
    assert_eq!(cloud.tls.ca_file.as_deref(), Some(Path::new("/home/me/certs/ca.pem")));
    assert_eq!(cloud.tls.client_key_file.as_deref(), Some(Path::new("/home/me/certs/client.key")));
    assert_eq!(cloud.tls.alpn_protocols, vec!["mqtt".to_owned(), "x-amzn-mqtt-ca".to_owned()]);
    assert!(!cloud.reconnect);

    let skipped = report.skipped.join("\n");
    for expected in [
        "Factory floor (WebSocket): reconnectPeriod",
        "Factory floor (WebSocket): password (kept for this session only",
        "Factory floor (WebSocket): authenticationMethod",
        "Factory floor (WebSocket): 1 stored messages",
        "Factory floor (WebSocket): 2 subscription colours",
        "Cloud TLS: customField (no equivalent)",
    ] {
        assert!(skipped.contains(expected), "missing '{expected}' in:\n{skipped}");
    }
    assert!(!skipped.contains("createAt") && !skipped.contains("pushProps"), "{skipped}");
}

#[test]
fn exports_leave_passwords_out_unless_asked() {
    use topicscope_core::profile_exchange::{export_bundle, import_text};
    let profiles = vec![
        ConnectionProfile { name: "typed".into(), password: "typed-secret".into(), ..ConnectionProfile::default() },
        ConnectionProfile {
            name: "stored".into(),
            password_source: PasswordSource::InProfile("stored-secret".into()),
            ..ConnectionProfile::default()
        },
    ];
    let safe = export_bundle(&profiles, false).expect("export");
    assert!(!safe.contains("typed-secret") && !safe.contains("stored-secret"), "{safe}");
    let with_secrets = export_bundle(&profiles, true).expect("export");
    assert!(with_secrets.contains("typed-secret") && with_secrets.contains("stored-secret"));
    let report = import_text(&safe, "bundle.ron").expect("bundle imports");
    let names: Vec<&str> = report.profiles.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, vec!["typed", "stored"]);
    assert!(report.profiles.iter().all(|p| p.resolve_password().is_ok_and(|password| password.is_empty())));
}

#[test]
fn an_mqttfx_configuration_is_mapped_with_a_skipped_report() {
    use topicscope_core::profile_exchange::import_file;
    let report = import_file(&repo_file("tests/fixtures/import/mqttfx-config.xml")).expect("readable");
    assert_eq!(report.errors, vec!["connection profile 3: half done: it has no brokerAddress".to_owned()]);
    assert_eq!(report.profiles.len(), 2);
    let local = &report.profiles[0];
    assert_eq!(local.name, "MQTT.fx local mosquitto");
    assert_eq!((local.host.as_str(), local.port, local.protocol), ("127.0.0.1", 1883, ProtocolVersion::V311));
    assert_eq!(
        (local.client_id.as_str(), local.username.as_str(), local.password.as_str()),
        ("MQTT_FX_Client", "tester", "pa55")
    );
    assert!(!local.clean_start);
    assert_eq!((local.connect_timeout_secs, local.keep_alive_secs), (30, 45));
    assert_eq!(local.transport, TransportKind::Tcp);
    assert_eq!(local.subscriptions.len(), 1);
    assert_eq!((local.subscriptions[0].filter.as_str(), local.subscriptions[0].qos), ("home/#", Qos::AtLeastOnce));
    let plant = &report.profiles[1];
    assert_eq!((plant.protocol, plant.transport, plant.port), (ProtocolVersion::V5, TransportKind::Tls, 8883));
    assert_eq!(plant.tls.client_key_file.as_deref(), Some(Path::new("/opt/certs/plant.key")));
    let skipped = report.skipped.join("\n");
    for expected in [
        "MQTT.fx local mosquitto: connectionOptions/maxInflight (no equivalent)",
        "MQTT.fx local mosquitto: 2 predefined messages",
        "MQTT.fx local mosquitto: recentPublishTopics (no equivalent)",
        "MQTT.fx local mosquitto: 1 recent subscription topics became saved subscriptions",
        "MQTT.fx local mosquitto: password (kept for this session only",
        "MQTT.fx secure plant: TLS settings",
    ] {
        assert!(skipped.contains(expected), "missing '{expected}' in:\n{skipped}");
    }
}

#[test]
fn keychain_passwords_resolve_through_the_installed_store() {
    use topicscope_core::secrets::{read_password, store_password};
    // An in-memory keyring-core store stands in for the OS keychain.
    keyring_core::set_default_store(keyring_core::mock::Store::new().expect("mock store"));
    store_password("alice@Plant", "from-the-keychain").expect("stored");
    let profile = ConnectionProfile {
        password_source: PasswordSource::Keychain("alice@Plant".into()),
        ..ConnectionProfile::default()
    };
    assert_eq!(profile.resolve_password().as_deref(), Ok("from-the-keychain"));
    let missing = ConnectionProfile {
        password_source: PasswordSource::Keychain("nobody@Nowhere".into()),
        ..ConnectionProfile::default()
    };
    let error = missing.resolve_password().unwrap_err().to_string();
    assert!(error.contains("no password for 'nobody@Nowhere'"), "{error}");
    assert_eq!(read_password("alice@Plant").as_deref(), Ok("from-the-keychain"));
    // The account name is written to the profile file, the password never.
    let text = topicscope_core::profile::profile_to_ron(&profile).expect("serialise");
    assert!(text.contains("Keychain(\"alice@Plant\")") && !text.contains("from-the-keychain"), "{text}");
}

#[test]
fn mqttx_csv_and_yaml_exports_import_the_same_profiles_as_its_json() {
    use topicscope_core::profile_exchange::import_file;
    // Made from the JSON fixture by json2csv and js-yaml, the encoders MQTTX's
    // exports use (fixtures/import/make-mqttx-csv-yaml.js).
    let json = import_file(&repo_file("tests/fixtures/import/mqttx-export.json")).expect("readable");
    for other in ["mqttx-export.csv", "mqttx-export.yaml"] {
        let report = import_file(&repo_file(&format!("tests/fixtures/import/{other}"))).expect(other);
        assert_eq!(report.profiles, json.profiles, "{other}");
        assert_eq!(report.errors, json.errors, "{other}");
        assert_eq!(report.skipped, json.skipped, "{other}");
    }
}

#[test]
fn an_imported_profile_never_reads_this_machines_secrets_or_silently_skips_certificate_checks() {
    use topicscope_core::profile_exchange::{export_bundle, import_text};
    // Issue 18, defect 1: a shared bundle whose profiles read a local file,
    // variable or keychain entry on connect would send it to their broker.
    let secret = std::env::temp_dir().join(format!("topicscope-secret-{}", std::process::id()));
    std::fs::write(&secret, "my-own-secret").expect("write");
    let sources = [
        PasswordSource::File(secret.clone()),
        PasswordSource::Environment("HOME".into()),
        PasswordSource::Keychain("work account".into()),
    ];
    let shared: Vec<ConnectionProfile> = sources
        .iter()
        .enumerate()
        .map(|(index, source)| ConnectionProfile {
            name: format!("shared {index}"),
            host: "attacker.example".into(),
            username: "me".into(),
            password_source: source.clone(),
            ..ConnectionProfile::default()
        })
        .chain([ConnectionProfile {
            name: "unchecked".into(),
            transport: TransportKind::Tls,
            tls: topicscope_core::profile::TlsOptions {
                dangerously_accept_invalid_certificates: true,
                ..Default::default()
            },
            ..ConnectionProfile::default()
        }])
        .chain([ConnectionProfile {
            name: "eavesdropped".into(),
            transport: TransportKind::Tls,
            tls: topicscope_core::profile::TlsOptions {
                // Issue 19: a shared profile must not make this machine
                // write its TLS session keys anywhere.
                dangerously_log_session_keys_to: Some("/tmp/collected-keys.log".into()),
                ..Default::default()
            },
            ..ConnectionProfile::default()
        }])
        .collect();
    let bundle = export_bundle(&shared, false).expect("bundle");
    let report = import_text(&bundle, "shared.ron").expect("imports");
    for profile in &report.profiles[..3] {
        assert_eq!(profile.password_source, PasswordSource::AskOnConnect, "{}", profile.name);
        assert_eq!(profile.resolve_password().ok().as_deref(), Some(""), "nothing local is read for {}", profile.name);
    }
    let said = report.skipped.join("\n");
    assert!(said.contains(&format!("the file {}", secret.display())), "{said}");
    assert!(
        said.contains("the environment variable HOME") && said.contains("the keychain entry 'work account'"),
        "{said}"
    );
    assert!(said.contains("unchecked: certificate verification is OFF"), "{said}");
    assert_eq!(report.profiles[4].tls.dangerously_log_session_keys_to, None);
    assert!(said.contains("eavesdropped: it wrote TLS session keys to /tmp/collected-keys.log; dropped"), "{said}");
    let _ = std::fs::remove_file(secret);
}

#[test]
fn profiles_whose_names_share_a_file_name_each_keep_their_own_file() {
    let dir = std::env::temp_dir().join(format!("topicscope-collide-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    // All four names become `Site-A.ron` (case ignored, as macOS and Windows do).
    let names = ["Site A", "Site-A", "Site/A", "site a"];
    for (index, name) in names.into_iter().enumerate() {
        let profile =
            ConnectionProfile { name: name.into(), port: 1000 + index as u16, ..ConnectionProfile::default() };
        save_profile(&dir, &profile).expect("save");
    }
    // A second save of one of them goes back to its own file.
    let again = ConnectionProfile { name: "Site-A".into(), port: 2001, ..ConnectionProfile::default() };
    let path = save_profile(&dir, &again).expect("save again");
    assert_eq!(path.file_name().and_then(|name| name.to_str()), Some("Site-A-2.ron"));
    let (profiles, errors) = load_profiles(&dir);
    assert!(errors.is_empty(), "{errors:?}");
    let mut found: Vec<(String, u16)> = profiles.into_iter().map(|profile| (profile.name, profile.port)).collect();
    found.sort();
    assert_eq!(
        found,
        [("Site A".into(), 1000), ("Site-A".into(), 2001), ("Site/A".into(), 1002), ("site a".into(), 1003)]
    );
    let files = std::fs::read_dir(&dir).expect("list").count();
    assert_eq!(files, 4);
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn a_saved_profile_and_its_folder_are_readable_by_the_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = std::env::temp_dir().join(format!("topicscope-private-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let profile = ConnectionProfile {
        name: "stored".into(),
        password_source: PasswordSource::InProfile("s3cret".into()),
        ..ConnectionProfile::default()
    };
    let path = save_profile(&dir, &profile).expect("save");
    let mode = |path: &Path| std::fs::metadata(path).expect("metadata").permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(&dir), 0o700);
    let bundle = dir.join("exported").join("bundle.ron");
    topicscope_core::profile_exchange::write_bundle(&bundle, &[profile], true).expect("bundle");
    assert_eq!(mode(&bundle), 0o600);
    let _ = std::fs::remove_dir_all(&dir);
}
