//! The first start after the rename from "mqttdesk" carries the old
//! configuration over, says so once, and leaves the old folder alone: the
//! real binary, with a private home whose XDG folders hold an old setup.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

fn topicscope(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_topicscope"))
        .args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .output()
        .expect("runs")
}

#[test]
fn the_first_start_copies_the_old_names_profiles_and_says_so_once() {
    let home = std::env::temp_dir().join(format!("topicscope-rename-home-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    let old_config = home.join(".config/mqttdesk");
    std::fs::create_dir_all(old_config.join("profiles")).unwrap();
    std::fs::write(old_config.join("profiles/plant-a.ron"), "(name: \"Plant A\", host: \"plant-a.local\", port: 1884)")
        .unwrap();
    std::fs::write(old_config.join("broker.ron"), "(port: 1999)").unwrap();
    std::fs::write(old_config.join("messages.ron"), "(collections: [])").unwrap();

    let first = topicscope(&home, &["profiles", "list"]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let stdout = String::from_utf8_lossy(&first.stdout);
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(stdout.lines().any(|line| line.starts_with("Plant A\tplant-a.local:1884")), "{stdout}");
    assert!(stderr.contains("copied 1 profile, saved messages, broker settings"), "{stderr}");
    assert!(stderr.contains(".config/mqttdesk") && stderr.contains(".config/topicscope"), "{stderr}");
    for file in ["profiles/plant-a.ron", "broker.ron", "messages.ron"] {
        assert!(home.join(".config/topicscope").join(file).is_file(), "{file} copied");
        assert!(old_config.join(file).is_file(), "{file} left in the old folder");
    }

    let second = topicscope(&home, &["profiles", "list"]);
    assert!(second.status.success());
    assert!(String::from_utf8_lossy(&second.stdout).contains("Plant A\t"));
    assert!(!String::from_utf8_lossy(&second.stderr).contains("copied"), "said once only");
    let _ = std::fs::remove_dir_all(&home);
}
