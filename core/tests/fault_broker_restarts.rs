//! mosquitto stopped and started again 20 times during a 10,000-message
//! QoS 1 stream to a subscriber with a persistent session: every message
//! arrives (duplicates are allowed at QoS 1, and counted) — issue 18, faults.
//! The publisher is the engine as the window drives it: a publish that
//! failed (not connected, no acknowledgement) is sent again.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod common;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::{Driver, Mosquitto, free_port, local_profile};
use topicscope_core::engine::{
    Command, ConnectionEvent, ConnectionState, DeliveryOutcome, EventKind, PublishRequest, SubscriptionSpec,
};
use topicscope_core::ids::{ConnectionId, PublishId, RequestId, SubscriptionId};
use topicscope_core::mqtt::{ProtocolVersion, Qos};

const MESSAGES: u32 = 10_000;
const RESTARTS: usize = 20;
const PUBLISHER: ConnectionId = ConnectionId(1);
const SUBSCRIBER: ConnectionId = ConnectionId(2);

#[test]
fn twenty_broker_restarts_lose_no_qos1_message() {
    let port = free_port();
    let data = std::env::temp_dir().join(format!("topicscope-restarts-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(&data).expect("data folder");
    // Started as root, mosquitto drops to its own user before it saves.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o777)).expect("chmod");
    }
    // No queue limit: mosquitto drops messages for an away session beyond
    // max_queued_messages (1000 by default), which would be its loss, not ours.
    let config = format!(
        "allow_anonymous true\nmax_queued_messages 0\npersistence true\npersistence_location {}/\n",
        data.display()
    );
    let broker = Mosquitto::start_on(port, &config);

    let mut subscriber = Driver::new();
    let mut profile = local_profile(port, ProtocolVersion::V5, "restart-subscriber");
    profile.clean_start = false;
    profile.mqtt5.session_expiry_secs = Some(3600);
    profile.reconnect_backoff_cap_secs = 1;
    let subscription = SubscriptionSpec {
        id: SubscriptionId(1),
        filter: "stream/#".into(),
        qos: Qos::AtLeastOnce,
        ..SubscriptionSpec::default()
    };
    subscriber.connect(SUBSCRIBER, profile, vec![subscription]);
    subscriber.wait_for("SUBACK", |events| !common::suback_outcomes(events, SUBSCRIBER, 1).is_empty());

    // mosquitto's own client beside ours, as the peer: what it misses is
    // the broker's doing, not ours.
    let peer_output = data.join("mosquitto_sub.txt");
    let mut peer = std::process::Command::new("mosquitto_sub")
        .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-V", "mqttv5", "-q", "1", "-c", "-i", "restart-peer"])
        .args(["-x", "3600", "-t", "stream/#"])
        .stdout(std::fs::File::create(&peer_output).expect("peer output"))
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("mosquitto_sub");
    std::thread::sleep(Duration::from_millis(300));

    let mut publisher = Driver::new();
    let mut profile = local_profile(port, ProtocolVersion::V5, "restart-publisher");
    profile.reconnect_backoff_cap_secs = 1;
    publisher.connect(PUBLISHER, profile, Vec::new());

    // Restarts in the background while the stream runs.
    let streaming = Arc::new(AtomicBool::new(true));
    let restarts = Arc::new(AtomicUsize::new(0));
    let restarter = {
        let (streaming, restarts) = (streaming.clone(), restarts.clone());
        std::thread::Builder::new()
            .name("restarter".into())
            .spawn(move || {
                let mut broker = broker;
                for _ in 0..RESTARTS {
                    std::thread::sleep(Duration::from_millis(300));
                    broker.terminate();
                    broker = Mosquitto::start_on(port, &config);
                    restarts.fetch_add(1, Ordering::SeqCst);
                }
                while streaming.load(Ordering::SeqCst) {
                    std::thread::sleep(Duration::from_millis(20));
                }
                broker
            })
            .expect("thread")
    };

    // The publisher: at most 100 unanswered, paced so the stream spans the
    // restarts, failed ones sent again.
    let mut next_request = 1u64;
    let mut waiting: HashMap<PublishId, u32> = HashMap::new();
    let mut to_send: Vec<u32> = (0..MESSAGES).rev().collect();
    let (mut acknowledged, mut resent) = (0u32, 0u32);
    let mut received: BTreeMap<u32, u32> = BTreeMap::new();
    let mut resumed: Vec<bool> = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut all_acknowledged_at: Option<Instant> = None;
    while (acknowledged < MESSAGES || received.len() < MESSAGES as usize)
        && Instant::now() < deadline
        && all_acknowledged_at.is_none_or(|at| at.elapsed() < Duration::from_secs(15))
    {
        if acknowledged == MESSAGES && all_acknowledged_at.is_none() {
            all_acknowledged_at = Some(Instant::now());
        }
        let restarting = restarts.load(Ordering::SeqCst) < RESTARTS;
        let burst = if restarting { 5 } else { 100 };
        for _ in 0..burst {
            if waiting.len() >= 100 {
                break;
            }
            let Some(seq) = to_send.pop() else { break };
            let id = PublishId::Request(RequestId(next_request));
            next_request += 1;
            let request = PublishRequest {
                id,
                topic: format!("stream/{}", seq % 10),
                payload: seq.to_string().into_bytes().into(),
                qos: Qos::AtLeastOnce,
                retain: false,
                properties: None,
            };
            if publisher.engine.send(Command::Publish { connection: PUBLISHER, request }).is_ok() {
                waiting.insert(id, seq);
            } else {
                to_send.push(seq);
            }
        }
        while let Some(event) = publisher.engine.try_recv() {
            if let EventKind::Connection { event: ConnectionEvent::Delivery { request, outcome, .. }, .. } = event.kind
            {
                let answered = matches!(
                    outcome,
                    DeliveryOutcome::Acknowledged | DeliveryOutcome::Failed(_) | DeliveryOutcome::Refused(_)
                );
                let Some(seq) = answered.then(|| waiting.remove(&request)).flatten() else { continue };
                if outcome == DeliveryOutcome::Acknowledged {
                    acknowledged += 1;
                } else {
                    to_send.push(seq);
                    resent += 1;
                }
            }
        }
        while let Some(event) = subscriber.engine.try_recv() {
            match event.kind {
                EventKind::Connection { event: ConnectionEvent::Messages(batch), .. } => {
                    for (_, message) in batch {
                        let seq: u32 = String::from_utf8_lossy(&message.payload).parse().expect("a sequence number");
                        *received.entry(seq).or_default() += 1;
                    }
                }
                EventKind::Connection {
                    event: ConnectionEvent::State(ConnectionState::Connected { session_present, .. }),
                    ..
                } => resumed.push(session_present),
                _ => {}
            }
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    streaming.store(false, Ordering::SeqCst);
    let broker = restarter.join().expect("restarter");
    let _ = peer.kill();
    let _ = peer.wait();
    let mut peer_received: BTreeMap<u32, u32> = BTreeMap::new();
    for line in std::fs::read_to_string(&peer_output).unwrap_or_default().lines() {
        if let Ok(seq) = line.trim().parse::<u32>() {
            *peer_received.entry(seq).or_default() += 1;
        }
    }
    let peer_missing: Vec<u32> = (0..MESSAGES).filter(|seq| !peer_received.contains_key(seq)).collect();
    eprintln!(
        "mosquitto_sub beside it: {} distinct received, missing {:?}",
        peer_received.len(),
        &peer_missing[..peer_missing.len().min(20)]
    );
    eprintln!("subscriber reconnects, session present: {resumed:?}");
    let duplicates: u32 = received.values().map(|count| count - 1).sum();
    let missing: Vec<u32> = (0..MESSAGES).filter(|seq| !received.contains_key(seq)).take(20).collect();
    eprintln!(
        "{} restarts; {acknowledged} acknowledged, {resent} sent again, {} distinct received, {duplicates} duplicates",
        restarts.load(Ordering::SeqCst),
        received.len()
    );
    assert_eq!(restarts.load(Ordering::SeqCst), RESTARTS);
    assert!(missing.is_empty(), "lost: {missing:?}…");
    drop(broker);
    let _ = std::fs::remove_dir_all(&data);
}
