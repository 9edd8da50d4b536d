//! `topicscope profiles list|show|export|import|from-command` and `--save-profile`: the real binary over a
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

#[test]
fn a_mosquitto_sub_command_line_becomes_a_saved_profile() {
    let dir = std::env::temp_dir().join(format!("topicscope-from-command-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let command = "mosquitto_sub -h broker.example -p 1884 -u alice -P s3cret -V mqttv5 -t 'plant/+/temp' -q 1 -v";
    let made = profiles_cli(&dir, &["from-command", command, "--name", "Plant", "--save"]);
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let stderr = String::from_utf8_lossy(&made.stderr);
    assert!(stderr.contains("left out (not connection settings): -v"), "{stderr}");
    assert!(stderr.contains("the password is not saved"), "{stderr}");
    let (saved, errors) = load_profiles(&dir);
    assert!(errors.is_empty(), "{errors:?}");
    let plant = saved.iter().find(|profile| profile.name == "Plant").expect("saved");
    assert_eq!((plant.host.as_str(), plant.port, plant.username.as_str()), ("broker.example", 1884, "alice"));
    assert_eq!(plant.subscriptions.first().map(|s| s.filter.as_str()), Some("plant/+/temp"));
    let file = std::fs::read_to_string(dir.join("Plant.ron")).expect("file");
    assert!(!file.contains("s3cret"), "the password never reaches the file");

    let bad = profiles_cli(&dir, &["from-command", "mosquitto_sub -p 99999"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("-p: '99999' is not a port from 1 to 65535"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sub_and_pub_keep_their_flags_as_a_profile_with_save_profile() {
    let dir = std::env::temp_dir().join(format!("topicscope-save-profile-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let broker = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = broker.local_addr().expect("addr").port().to_string();
    drop(broker);
    let mosquitto = std::process::Command::new("mosquitto")
        .args(["-p", &port])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("mosquitto starts");
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let _mosquitto = Kill(mosquitto);
    let listening = (0..100).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(50));
        std::net::TcpStream::connect(("127.0.0.1", port.parse::<u16>().unwrap_or(0))).is_ok()
    });
    assert!(listening, "mosquitto listens on {port}");
    let dir_arg = dir.to_str().expect("path");
    let sub = std::process::Command::new(env!("CARGO_BIN_EXE_topicscope"))
        .args(["sub", "-h", "127.0.0.1", "-p", &port, "-t", "line/#", "-t", "alarms", "-q", "2", "-E"])
        .args(["--profiles-dir", dir_arg, "--save-profile", "Line watch"])
        .output()
        .expect("runs");
    assert!(sub.status.success(), "{}", String::from_utf8_lossy(&sub.stderr));
    assert!(String::from_utf8_lossy(&sub.stderr).contains("saved profile 'Line watch'"));
    let published = std::process::Command::new(env!("CARGO_BIN_EXE_topicscope"))
        .args(["pub", "-h", "127.0.0.1", "-p", &port, "-t", "x", "-m", "1", "-u", "bob", "-P", "pw"])
        .args(["--profiles-dir", dir_arg, "--save-profile", "Publisher"])
        .output()
        .expect("runs");
    assert!(published.status.success(), "{}", String::from_utf8_lossy(&published.stderr));
    let (saved, _) = load_profiles(&dir);
    let watch = saved.iter().find(|profile| profile.name == "Line watch").expect("saved");
    assert_eq!(watch.port.to_string(), port);
    let filters: Vec<(&str, u8)> = watch.subscriptions.iter().map(|s| (s.filter.as_str(), s.qos.level())).collect();
    assert_eq!(filters, [("line/#", 2), ("alarms", 2)]);
    let publisher = saved.iter().find(|profile| profile.name == "Publisher").expect("saved before connecting");
    assert_eq!(publisher.username, "bob");
    assert!(!std::fs::read_to_string(dir.join("Publisher.ron")).expect("file").contains("\"pw\""), "no password");
    let _ = std::fs::remove_dir_all(&dir);
}
