//! Messages per second through mqttdesk's log: engine + workspace (the very
//! model the UI renders: message store, subscription tagging, counters),
//! measured against `mosquitto_sub` subscribed to the same broker and load
//! in the same run.
//!
//! Run: `cargo bench --bench log_throughput` (env: MESSAGES, default 200000;
//! BROKER=mosquitto to use Debian's mosquitto instead of the embedded one).
#![allow(clippy::expect_used, clippy::print_stdout, clippy::unwrap_used, missing_docs)]

use std::process::{Command as Process, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use mqttdesk::core::broker::{BrokerConfig, EmbeddedBroker};
use mqttdesk::core::engine::{ConnectionState, Engine};
use mqttdesk::core::mqtt::{ProtocolVersion, Qos};
use mqttdesk::core::profile::ConnectionProfile;
use mqttdesk::core::store::StoreLimits;
use mqttdesk::core::workspace::{SubscriptionStatus, Workspace};

const TOPICS: usize = 1000;
const PAYLOAD_BYTES: usize = 64;

fn main() {
    let total: usize = std::env::var("MESSAGES").ok().and_then(|value| value.parse().ok()).unwrap_or(200_000);
    let use_mosquitto = std::env::var("BROKER").is_ok_and(|value| value == "mosquitto");
    let mut mosquitto = None;
    let mut embedded = None;
    let port = if use_mosquitto {
        let port = free_port();
        let dir = std::env::temp_dir().join(format!("mqttdesk-bench-{port}"));
        std::fs::create_dir_all(&dir).expect("dir");
        let config = dir.join("mosquitto.conf");
        std::fs::write(&config, format!("listener {port} 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\n"))
            .expect("config");
        mosquitto = Some(
            Process::new("mosquitto")
                .arg("-c")
                .arg(&config)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("mosquitto installed"),
        );
        std::thread::sleep(Duration::from_millis(500));
        port
    } else {
        let broker = EmbeddedBroker::start(BrokerConfig::ephemeral()).expect("embedded broker");
        let port = broker.local_addr().port();
        embedded = Some(broker);
        port
    };

    // mqttdesk: engine + workspace, drained the way App::logic drains it.
    let mut engine = Engine::start(Arc::new(|| {})).expect("engine");
    let profile = ConnectionProfile {
        name: "bench".into(),
        port,
        protocol: ProtocolVersion::V311,
        client_id: "mqttdesk-bench".into(),
        ..ConnectionProfile::default()
    };
    let mut workspace = Workspace::new(vec![profile.clone()], StoreLimits::default());
    workspace.session.profile = profile;
    // Subscribed before connecting: the connect carries the subscription.
    let _ = workspace.subscribe("bench/#", Qos::AtMostOnce).expect("valid filter");
    for command in workspace.connect().expect("profile") {
        engine.send(command).expect("send");
    }
    wait(&mut engine, &mut workspace, |w| matches!(w.session.state, ConnectionState::Connected { .. }));
    wait(&mut engine, &mut workspace, |w| {
        w.session.subscriptions.iter().all(|s| matches!(s.status, SubscriptionStatus::Granted(_)))
    });

    // The peer: mosquitto_sub on the same broker, same filter, same load.
    let peer_started = Instant::now();
    let mut peer = Process::new("mosquitto_sub")
        .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-t", "bench/#", "-q", "0", "-C", &total.to_string()])
        .stdout(Stdio::null())
        .spawn()
        .expect("mosquitto_sub installed");
    std::thread::sleep(Duration::from_millis(500));

    let started = Instant::now();
    let generator = std::thread::Builder::new()
        .name("load-generator".into())
        .spawn(move || generate(port, total))
        .expect("generator thread");
    let mut last_progress = Instant::now();
    let mut last_count = 0;
    let mut finished_at = started;
    loop {
        while let Some(event) = engine.try_recv() {
            for command in workspace.apply(event) {
                let _ = engine.send(command);
            }
        }
        let received = workspace.store.counters().received as usize;
        if received != last_count {
            last_count = received;
            last_progress = Instant::now();
            finished_at = last_progress;
        }
        if received >= total || last_progress.elapsed() > Duration::from_secs(3) {
            break;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let ours = finished_at.duration_since(started);
    let published = generator.join().expect("generator");
    let peer_deadline = Instant::now() + Duration::from_secs(10);
    let peer_elapsed = loop {
        if let Ok(Some(_)) = peer.try_wait() {
            break Some(peer_started.elapsed().saturating_sub(Duration::from_millis(500)));
        }
        if Instant::now() > peer_deadline {
            let _ = peer.kill();
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let ours_rate = last_count as f64 / ours.as_secs_f64();
    println!("broker: {}", if use_mosquitto { "mosquitto" } else { "embedded (rmqtt)" });
    println!(
        "load: {total} QoS 0 messages, {PAYLOAD_BYTES}-byte payloads, {TOPICS} topics; publisher took {published:.2?}"
    );
    println!("mqttdesk engine+store: {last_count} received in {ours:.2?} = {ours_rate:.0} msg/s");
    match peer_elapsed {
        Some(elapsed) => {
            let peer_rate = total as f64 / elapsed.as_secs_f64();
            println!("mosquitto_sub:         {total} received in {elapsed:.2?} = {peer_rate:.0} msg/s");
            println!("ratio mqttdesk / mosquitto_sub: {:.2}", ours_rate / peer_rate);
        }
        None => println!("mosquitto_sub did not receive all {total} messages within 10 s after the load"),
    }
    drop(engine);
    drop(embedded);
    if let Some(mut child) = mosquitto {
        let _ = child.kill();
    }
}

fn wait(engine: &mut Engine, workspace: &mut Workspace, predicate: impl Fn(&Workspace) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !predicate(workspace) {
        while let Some(event) = engine.try_recv() {
            for command in workspace.apply(event) {
                let _ = engine.send(command);
            }
        }
        assert!(Instant::now() < deadline, "timed out; notices: {:?}", workspace.notices);
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("port")
}

/// Publishes `total` QoS 0 messages as fast as rumqttc can, returns the time taken.
fn generate(port: u16, total: usize) -> Duration {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    runtime.block_on(async move {
        let mut options = rumqttc::MqttOptions::new("mqttdesk-load", "127.0.0.1", port);
        options.set_request_channel_capacity(10_000).set_max_packet_size(1 << 20, 1 << 20);
        let (client, mut event_loop) = rumqttc::AsyncClient::new(options, 10_000);
        let driver = tokio::spawn(async move { while event_loop.poll().await.is_ok() {} });
        let payload = vec![b'x'; PAYLOAD_BYTES];
        let topics: Vec<String> = (0..TOPICS).map(|index| format!("bench/topic/{index}")).collect();
        let started = Instant::now();
        for index in 0..total {
            client
                .publish(topics[index % TOPICS].as_str(), rumqttc::QoS::AtMostOnce, false, payload.clone())
                .await
                .expect("publish");
        }
        let elapsed = started.elapsed();
        let _ = client.disconnect().await;
        let _ = tokio::time::timeout(Duration::from_secs(5), driver).await;
        elapsed
    })
}
