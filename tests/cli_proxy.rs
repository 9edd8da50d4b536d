//! `pub` / `sub` through a SOCKS5 proxy with a password (microsocks), side
//! by side with mosquitto_pub / mosquitto_sub's own `--proxy`, and a saved
//! profile whose proxy password comes from an environment variable.
#![cfg(unix)]
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail the test on error

#[path = "../core/tests/common/mod.rs"]
mod common;

use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{Microsocks, Mosquitto};
use topicscope_core::profile::{ConnectionProfile, PasswordSource, ProxyKind, ProxyOptions};

fn finish(mut child: Child) -> Output {
    let deadline = Instant::now() + Duration::from_secs(20);
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.wait_with_output().expect("output")
}

fn spawn(program: &str, args: &[&str]) -> Child {
    Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn")
}

#[test]
fn pub_and_sub_go_through_socks5_as_mosquitto_does() {
    let broker = Mosquitto::start();
    let proxy = Microsocks::start("scout", "s3cret");
    let url = format!("socks5h://scout:s3cret@127.0.0.1:{}", proxy.port);
    let port = broker.port.to_string();
    let ours = env!("CARGO_BIN_EXE_topicscope");
    let base = ["-h", "localhost", "-p", port.as_str(), "--proxy", url.as_str()];
    // Retained, so the order of starting does not matter.
    for (publisher, subscriber, topic) in [("mosquitto_pub", ours, "via/theirs"), (ours, "mosquitto_sub", "via/ours")] {
        let mut publish_args = if publisher == ours { vec!["pub"] } else { Vec::new() };
        publish_args.extend(base);
        publish_args.extend(["-t", topic, "-m", "through socks", "-r", "-q", "1"]);
        let published = finish(spawn(publisher, &publish_args));
        assert!(published.status.success(), "{publisher}: {}", String::from_utf8_lossy(&published.stderr));
        let mut subscribe_args = if subscriber == ours { vec!["sub"] } else { Vec::new() };
        subscribe_args.extend(base);
        subscribe_args.extend(["-t", topic, "-C", "1", "-W", "10"]);
        let received = finish(spawn(subscriber, &subscribe_args));
        assert!(received.status.success(), "{subscriber}: {}", String::from_utf8_lossy(&received.stderr));
        assert_eq!(String::from_utf8_lossy(&received.stdout), "through socks\n", "{publisher} → {subscriber}");
    }
    // A wrong password says which hop failed.
    let wrong = format!("socks5h://scout:nope@127.0.0.1:{}", proxy.port);
    let refused =
        finish(spawn(ours, &["pub", "-h", "localhost", "-p", &port, "--proxy", &wrong, "-t", "x", "-m", "1"]));
    let said = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(3), "{said}");
    assert!(said.contains("refused the user name or password"), "{said}");
    let bad =
        finish(spawn(ours, &["pub", "-h", "localhost", "-p", &port, "--proxy", "socks9://h", "-t", "x", "-m", "1"]));
    assert_eq!(bad.status.code(), Some(2), "a malformed --proxy is a usage error");
    assert!(String::from_utf8_lossy(&bad.stderr).contains("proxy scheme 'socks9' is not supported"));
}

#[test]
fn a_saved_profile_reads_its_proxy_password_from_the_environment() {
    let broker = Mosquitto::start();
    let proxy = Microsocks::start("scout", "from-env");
    let dir = std::env::temp_dir().join(format!("topicscope-cli-proxy-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let profile = ConnectionProfile {
        name: "Behind SOCKS".into(),
        host: "localhost".into(),
        port: broker.port,
        proxy: Some(ProxyOptions {
            kind: ProxyKind::Socks5,
            host: "127.0.0.1".into(),
            port: proxy.port,
            username: "scout".into(),
            password: String::new(),
            password_source: PasswordSource::Environment("TOPICSCOPE_TEST_PROXY_PASSWORD".into()),
        }),
        ..ConnectionProfile::default()
    };
    topicscope_core::profile::save_profile(&dir, &profile).expect("saved");
    let dir_arg = dir.display().to_string();
    let run = |password: Option<&str>| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_topicscope"));
        command.args(["pub", "--profile", "Behind SOCKS", "--profiles-dir", &dir_arg, "-t", "env/x", "-m", "1"]);
        command.env_remove("TOPICSCOPE_TEST_PROXY_PASSWORD");
        if let Some(password) = password {
            command.env("TOPICSCOPE_TEST_PROXY_PASSWORD", password);
        }
        command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        finish(command.spawn().expect("spawn"))
    };
    let ok = run(Some("from-env"));
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let missing = run(None);
    let said = String::from_utf8_lossy(&missing.stderr);
    assert!(!missing.status.success());
    assert!(said.contains("proxy password: environment variable TOPICSCOPE_TEST_PROXY_PASSWORD is not set"), "{said}");
    let _ = std::fs::remove_dir_all(&dir);
}
