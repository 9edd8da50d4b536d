//! `topicscope profiles list|show|export|import`: the real binary over a
//! profile folder of its own.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::path::Path;

use topicscope_core::mqtt::ProtocolVersion;
use topicscope_core::profile::{ConnectionProfile, PasswordSource, TransportKind, load_profiles, save_profile};

/// `topicscope profiles …` with its own profile folder.
fn profiles_cli(dir: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_topicscope"))
        .arg("profiles")
        .arg("--dir")
        .arg(dir)
        .args(args)
        .output()
        .expect("runs")
}

#[test]
fn the_profiles_command_lists_shows_exports_and_imports() {
    let base = std::env::temp_dir().join(format!("topicscope-profiles-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let (mine, theirs) = (base.join("mine"), base.join("theirs"));
    let site = ConnectionProfile {
        name: "Site A".into(),
        host: "broker.internal".into(),
        port: 8084,
        protocol: ProtocolVersion::V5,
        transport: TransportKind::WebSocketTls,
        password_source: PasswordSource::InProfile("secret".into()),
        ..ConnectionProfile::default()
    };
    save_profile(&mine, &site).expect("save");

    let listed = profiles_cli(&mine, &["list"]);
    assert!(listed.status.success());
    let listed = String::from_utf8(listed.stdout).expect("utf-8");
    assert!(listed.lines().any(|line| line == "Site A\tbroker.internal:8084\tWebSocket + TLS\tMQTT 5.0"), "{listed}");
    assert!(listed.lines().any(|line| line.starts_with("Embedded broker\t")), "shipped profiles are listed too");

    let bundle = base.join("site-a.ron");
    let exported = profiles_cli(&mine, &["export", "Site A", "-o", bundle.to_str().expect("path")]);
    assert!(exported.status.success(), "{}", String::from_utf8_lossy(&exported.stderr));
    let text = std::fs::read_to_string(&bundle).expect("written");
    assert!(text.contains("Site A") && !text.contains("secret"), "no password without --include-passwords");

    let imported = profiles_cli(&theirs, &["import", bundle.to_str().expect("path")]);
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
    let (loaded, errors) = load_profiles(&theirs);
    assert!(errors.is_empty());
    assert_eq!(loaded.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["Site A"]);
    assert_eq!(loaded[0].host, "broker.internal");

    let missing = profiles_cli(&mine, &["show", "Nope"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no profile named 'Nope'"));
    let nothing = profiles_cli(&mine, &["export"]);
    assert_eq!(nothing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&nothing.stderr).contains("--all"));
    let _ = std::fs::remove_dir_all(&base);
}
