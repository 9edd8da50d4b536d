//! Bridges from the embedded broker to Debian's mosquitto on 127.0.0.1
//! (issue 22): messages cross both ways with the prefixes applied, a
//! `both` topic delivers once (no echo), the state is published on
//! `$SYS/broker/connection/<client id>/state` on both brokers, and the
//! bridge comes back after mosquitto restarts. Independent clients:
//! mosquitto_pub / mosquitto_sub.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail the test on error

mod common;

use std::process::{Command as Process, Stdio};
use std::time::{Duration, Instant};

use common::{Mosquitto, free_port, wait_until};
use topicscope_core::broker::bridge::{BridgeConfig, parse_bridges};
use topicscope_core::broker::{BrokerConfig, EmbeddedBroker};

const BRIDGE: &str = "\
connection lab
address 127.0.0.1:PORT
topic sensors/# out 1 local/ remote/
topic commands/# in 1 local/ remote/
topic shared/# both 1
keepalive_interval 5
";

/// Runs mosquitto_sub on `sub_port` (exiting after `count` messages or 10
/// s) while mosquitto_pub sends on `pub_port` every 200 ms: the result does
/// not depend on when a subscription (or the bridge) became active.
/// Returns what it printed and how many times mosquitto_pub ran.
fn across(sub_port: u16, sub_args: &[&str], count: usize, pub_port: u16, pub_args: &[&str]) -> (String, usize) {
    let subscriber = Process::new("mosquitto_sub")
        .args(["-h", "127.0.0.1", "-p", &sub_port.to_string(), "-C", &count.to_string(), "-W", "10", "-v"])
        .args(sub_args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("mosquitto_sub (apt-get install mosquitto-clients)");
    let mut subscriber = subscriber;
    let deadline = Instant::now() + Duration::from_secs(12);
    let mut runs = 0;
    while subscriber.try_wait().expect("wait").is_none() && Instant::now() < deadline {
        let status = Process::new("mosquitto_pub")
            .args(["-h", "127.0.0.1", "-p", &pub_port.to_string()])
            .args(pub_args)
            .status()
            .expect("mosquitto_pub");
        assert!(status.success(), "mosquitto_pub {pub_args:?}");
        runs += 1;
        std::thread::sleep(Duration::from_millis(200));
    }
    let output = subscriber.wait_with_output().expect("mosquitto_sub output");
    (String::from_utf8_lossy(&output.stdout).into_owned(), runs)
}

fn retained(port: u16, topic: &str) -> String {
    let output = Process::new("mosquitto_sub")
        .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-t", topic, "-C", "1", "-W", "3"])
        .output()
        .expect("mosquitto_sub");
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

fn bridge_connected(broker: &EmbeddedBroker) -> bool {
    broker.monitor().lock().bridges.first().is_some_and(|status| status.connected)
}

#[test]
fn a_bridge_to_mosquitto_carries_both_ways_and_comes_back_after_a_restart() {
    let port = free_port();
    let mut mosquitto = Mosquitto::start_on(port, "allow_anonymous true\n");
    let (bridges, notes) =
        parse_bridges(&BRIDGE.replace("PORT", &port.to_string()), std::path::Path::new("/")).expect("bridge lines");
    assert!(notes.is_empty(), "{notes:?}");
    let broker =
        EmbeddedBroker::start(BrokerConfig { bridges, ..BrokerConfig::ephemeral() }).expect("embedded broker starts");
    let local = broker.local_addr().port();
    assert!(wait_until(Duration::from_secs(10), || bridge_connected(&broker)), "the bridge connects");

    // Out: local/sensors/… on the embedded broker → remote/sensors/… on mosquitto.
    let (out, _) =
        across(port, &["-t", "remote/sensors/#"], 1, local, &["-t", "local/sensors/t1", "-m", "21.5", "-q", "1"]);
    assert_eq!(out.trim(), "remote/sensors/t1 21.5");
    // In: remote/commands/… on mosquitto → local/commands/… here.
    let (inbound, _) =
        across(local, &["-t", "local/commands/#"], 1, port, &["-t", "remote/commands/valve", "-m", "open", "-q", "1"]);
    assert_eq!(inbound.trim(), "local/commands/valve open");
    // Both: published here, it reaches mosquitto, and comes back here once only.
    // Line-buffered (stdbuf), so its SUBACK line arrives when it happens.
    let mut watcher = Process::new("stdbuf")
        .args([
            "-oL",
            "mosquitto_sub",
            "-h",
            "127.0.0.1",
            "-p",
            &local.to_string(),
            "-t",
            "shared/#",
            "-v",
            "-W",
            "4",
            "-d",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("mosquitto_sub");
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(watcher.stdout.take().expect("stdout")));
    // -d prints the SUBACK: from then on it sees everything published here.
    assert!(
        lines.by_ref().map_while(Result::ok).any(|line| line.contains("received SUBACK")),
        "the watcher subscribed"
    );
    let (both, runs) = across(port, &["-t", "shared/#"], 1, local, &["-t", "shared/x", "-m", "ping", "-q", "1"]);
    assert_eq!(both.trim(), "shared/x ping");
    let here: Vec<String> = lines.map_while(Result::ok).filter(|line| line.starts_with("shared/")).collect();
    let _ = watcher.wait();
    let pings = here.iter().filter(|line| *line == "shared/x ping").count();
    // mosquitto_pub ran once per 200 ms until mosquitto had one: each run
    // seen here exactly once (an echo would double it).
    assert_eq!((pings, here.len()), (runs, runs), "each of {runs} pings seen once here, no echo: {here:?}");
    // Its state, retained on both brokers.
    let state = "$SYS/broker/connection/lab.topicscope/state";
    assert_eq!(retained(local, state), "1");
    assert_eq!(retained(port, state), "1");

    // mosquitto goes away: the bridge says so; it comes back: the bridge reconnects.
    drop(mosquitto);
    assert!(wait_until(Duration::from_secs(15), || !bridge_connected(&broker)), "the loss is noticed");
    assert_eq!(retained(local, state), "0");
    mosquitto = Mosquitto::start_on(port, "allow_anonymous true\n");
    assert!(wait_until(Duration::from_secs(20), || bridge_connected(&broker)), "the bridge reconnects");
    let (again, _) =
        across(port, &["-t", "remote/sensors/#"], 1, local, &["-t", "local/sensors/t2", "-m", "22", "-q", "1"]);
    assert_eq!(again.trim(), "remote/sensors/t2 22");
    assert_eq!(retained(local, state), "1");
    let status = broker.monitor().lock().bridges[0].clone();
    assert!(status.carried_out >= 2 && status.carried_in >= 1, "{status:?}");
    let log = broker.monitor().lock().log.iter().map(|entry| entry.text.clone()).collect::<Vec<_>>().join("\n");
    assert!(log.contains("bridge lab: lost 127.0.0.1:") && log.contains("bridge lab: connected to"), "{log}");
    broker.stop();
    drop(mosquitto);
}

#[test]
fn mosquitto_conf_bridge_sections_are_imported() {
    let dir = std::env::temp_dir().join(format!("topicscope-bridge-import-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let conf = dir.join("mosquitto.conf");
    std::fs::write(
        &conf,
        "listener 1883 127.0.0.1\nallow_anonymous true\n\
         connection cloud\naddress mqtt.example.com\ntopic telemetry/# out 1 \"\" site-7/\n\
         remote_username bridge\nremote_password secret\ncleansession true\ntry_private false\n\
         bridge_cafile ca.pem\n",
    )
    .expect("conf");
    let (config, notes) = topicscope_core::broker::settings::import_mosquitto_conf(&conf).expect("imports");
    let expected = BridgeConfig {
        name: "cloud".into(),
        host: "mqtt.example.com".into(),
        port: 8883,
        remote_username: Some("bridge".into()),
        remote_password: Some("secret".into()),
        clean_session: true,
        ..config.bridges[0].clone()
    };
    assert_eq!(config.bridges, [expected]);
    assert_eq!(config.bridges[0].topics[0].remote_filter(), "site-7/telemetry/#");
    assert_eq!(config.bridges[0].tls.as_ref().and_then(|tls| tls.ca_file.clone()), Some(dir.join("ca.pem")));
    assert!(notes.iter().any(|note| note.contains("'try_private' has no equivalent")), "{notes:?}");
    let _ = std::fs::remove_dir_all(&dir);
}
