//! The load generator (a rumqttc publisher, optionally paced) and a counting
//! rumqttc subscriber, each on its own thread with its own runtime.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS};
use topicscope::core::engine::ConnectionState;
use topicscope::core::mqtt::{ProtocolVersion, Qos};
use topicscope::core::profile::{ConnectionProfile, SavedSubscription};
use topicscope::core::store::StoreLimits;
use topicscope::core::workspace::SubscriptionStatus;
use topicscope::ui::app::EVENT_BUDGET;
use topicscope::ui::{AppOptions, TopicscopeApp};

/// What to publish.
#[derive(Debug, Clone)]
pub struct Load {
    /// Messages in total.
    pub messages: usize,
    /// Distinct topics, used round-robin: `{prefix}/{index}`.
    pub topics: usize,
    /// Topic prefix (the subscribers' filter is `{prefix}/#`).
    pub prefix: String,
    /// Payload size in bytes.
    pub payload_bytes: usize,
    /// QoS of every publish.
    pub qos: QoS,
    /// Messages per second, or as fast as the broker takes them.
    pub rate: Option<u64>,
    /// These bytes as every payload instead of `payload_bytes` of `x`
    /// (encoded protobuf or Sparkplug B for the decoding scenarios).
    pub payload: Option<bytes::Bytes>,
}

impl Load {
    /// The standard load: 64-byte payloads over 1,000 topics, unpaced.
    pub fn standard(messages: usize, qos: QoS) -> Self {
        Self { messages, topics: 1000, prefix: "bench/topic".into(), payload_bytes: 64, qos, rate: None, payload: None }
    }

    /// The filter that receives the whole load.
    pub fn filter(&self) -> String {
        format!("{}/#", self.prefix)
    }

    /// Raw bytes of topic + payload per message, on average.
    pub fn raw_bytes_per_message(&self) -> f64 {
        let topic_bytes: usize = (0..self.topics).map(|index| format!("{}/{index}", self.prefix).len()).sum();
        topic_bytes as f64 / self.topics.max(1) as f64 + self.payload_bytes as f64
    }
}

/// What the publisher did.
#[derive(Debug, Clone, Copy)]
pub struct Published {
    /// Messages handed to the broker (QoS 1: acknowledged).
    pub count: usize,
    /// From the first publish to the last (QoS 1: to the last PUBACK).
    pub elapsed: Duration,
}

/// Publishes `load` to 127.0.0.1:`port`; blocks until done.
pub fn publish(port: u16, load: &Load) -> Result<Published, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| format!("load generator runtime: {error}"))?;
    let load = load.clone();
    runtime.block_on(async move {
        let mut options = MqttOptions::new(format!("perf-load-{}", std::process::id()), "127.0.0.1", port);
        options.set_max_packet_size(1 << 20, 1 << 20).set_keep_alive(Duration::from_secs(60)).set_inflight(1000);
        let (client, mut event_loop) = AsyncClient::new(options, 10_000);
        let acknowledged = Arc::new(AtomicUsize::new(0));
        let failed = Arc::new(AtomicBool::new(false));
        let driver = {
            let acknowledged = acknowledged.clone();
            let failed = failed.clone();
            tokio::spawn(async move {
                loop {
                    match event_loop.poll().await {
                        Ok(Event::Incoming(Packet::PubAck(_))) => {
                            acknowledged.fetch_add(1, Ordering::Relaxed);
                        }
                        Ok(Event::Outgoing(rumqttc::Outgoing::Disconnect)) => break,
                        Ok(_) => {}
                        Err(_) => {
                            failed.store(true, Ordering::Relaxed);
                            break;
                        }
                    }
                }
            })
        };
        let payload = load.payload.clone().unwrap_or_else(|| bytes::Bytes::from(vec![b'x'; load.payload_bytes]));
        let topics: Vec<String> = (0..load.topics).map(|index| format!("{}/{index}", load.prefix)).collect();
        let started = Instant::now();
        let mut ticker = tokio::time::interval(Duration::from_millis(1));
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
        let mut sent = 0;
        while sent < load.messages {
            let batch = match load.rate {
                // Paced: what the rate allows by now, in 1 ms steps.
                Some(rate) => {
                    ticker.tick().await;
                    let due = (started.elapsed().as_secs_f64() * rate as f64) as usize;
                    due.min(load.messages).saturating_sub(sent)
                }
                None => load.messages - sent,
            };
            for _ in 0..batch {
                client
                    .publish_bytes(topics[sent % topics.len()].as_str(), load.qos, false, payload.clone())
                    .await
                    .map_err(|error| format!("publish: {error}"))?;
                sent += 1;
            }
            if failed.load(Ordering::Relaxed) {
                return Err("the load generator lost its connection".to_owned());
            }
        }
        if load.qos != QoS::AtMostOnce {
            let deadline = Instant::now() + Duration::from_secs(60);
            while acknowledged.load(Ordering::Relaxed) < load.messages && Instant::now() < deadline {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        }
        let elapsed = started.elapsed();
        let _ = client.disconnect().await;
        let _ = tokio::time::timeout(Duration::from_secs(5), driver).await;
        let count = if load.qos == QoS::AtMostOnce { sent } else { acknowledged.load(Ordering::Relaxed) };
        Ok(Published { count, elapsed })
    })
}

/// Runs [`publish`] on a thread of its own.
pub fn spawn_load(port: u16, load: &Load) -> Result<std::thread::JoinHandle<Result<Published, String>>, String> {
    let load = load.clone();
    std::thread::Builder::new()
        .name("load-generator".into())
        .spawn(move || publish(port, &load))
        .map_err(|error| format!("load generator thread: {error}"))
}

/// A rumqttc subscriber counting what arrives, on its own thread.
pub struct CountingSubscriber {
    received: Arc<AtomicUsize>,
    last_at: Arc<std::sync::Mutex<Option<Instant>>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl CountingSubscriber {
    /// Connects, subscribes to `filter` at `qos` and returns once the SUBACK is in.
    pub fn start(port: u16, name: &str, filter: &str, qos: QoS) -> Result<Self, String> {
        Self::start_with(port, name, filter, qos, true)
    }

    /// [`Self::start`] with a persistent session when not `clean_session`.
    pub fn start_with(port: u16, name: &str, filter: &str, qos: QoS, clean_session: bool) -> Result<Self, String> {
        let received = Arc::new(AtomicUsize::new(0));
        let last_at = Arc::new(std::sync::Mutex::new(None));
        let stop = Arc::new(AtomicBool::new(false));
        let (ready_tx, ready_rx) = std::sync::mpsc::sync_channel::<Result<(), String>>(1);
        let thread = {
            let (received, last_at, stop) = (received.clone(), last_at.clone(), stop.clone());
            let (name, filter) = (name.to_owned(), filter.to_owned());
            std::thread::Builder::new()
                .name(name.clone())
                .spawn(move || {
                    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                        Ok(runtime) => runtime,
                        Err(error) => {
                            let _ = ready_tx.send(Err(error.to_string()));
                            return;
                        }
                    };
                    runtime.block_on(async move {
                        let mut options = MqttOptions::new(name, "127.0.0.1", port);
                        options
                            .set_max_packet_size(1 << 20, 1 << 20)
                            .set_keep_alive(Duration::from_secs(60))
                            .set_clean_session(clean_session);
                        let (client, mut event_loop) = AsyncClient::new(options, 100);
                        if let Err(error) = client.subscribe(filter, qos).await {
                            let _ = ready_tx.send(Err(error.to_string()));
                            return;
                        }
                        let mut ready = Some(ready_tx);
                        while !stop.load(Ordering::Relaxed) {
                            let polled = tokio::time::timeout(Duration::from_millis(100), event_loop.poll()).await;
                            match polled {
                                Ok(Ok(Event::Incoming(Packet::Publish(_)))) => {
                                    received.fetch_add(1, Ordering::Relaxed);
                                    if let Ok(mut last) = last_at.lock() {
                                        *last = Some(Instant::now());
                                    }
                                }
                                Ok(Ok(Event::Incoming(Packet::SubAck(_)))) => {
                                    if let Some(ready) = ready.take() {
                                        let _ = ready.send(Ok(()));
                                    }
                                }
                                Ok(Ok(_)) | Err(_) => {}
                                Ok(Err(error)) => {
                                    if let Some(ready) = ready.take() {
                                        let _ = ready.send(Err(error.to_string()));
                                    }
                                    break;
                                }
                            }
                        }
                        let _ = client.disconnect().await;
                        let _ = tokio::time::timeout(Duration::from_secs(1), event_loop.poll()).await;
                    });
                })
                .map_err(|error| format!("subscriber thread: {error}"))?
        };
        match ready_rx.recv_timeout(Duration::from_secs(10)) {
            Ok(Ok(())) => Ok(Self { received, last_at, stop, thread: Some(thread) }),
            Ok(Err(error)) => Err(format!("subscriber: {error}")),
            Err(_) => Err("subscriber: no SUBACK within 10 s".to_owned()),
        }
    }

    /// Messages counted so far.
    pub fn received(&self) -> usize {
        self.received.load(Ordering::Relaxed)
    }

    /// When the last message arrived.
    pub fn last_at(&self) -> Option<Instant> {
        self.last_at.lock().ok().and_then(|last| *last)
    }
}

impl Drop for CountingSubscriber {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Waits until `count()` reaches `expected` or stops moving for `stall`;
/// returns the final count.
pub fn wait_for_count(expected: usize, stall: Duration, mut count: impl FnMut() -> usize) -> usize {
    let mut last = count();
    let mut moved_at = Instant::now();
    loop {
        let now = count();
        if now >= expected {
            return now;
        }
        if now != last {
            last = now;
            moved_at = Instant::now();
        } else if moved_at.elapsed() > stall {
            return now;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// topicscope's side: the app's model (no window) connected to 127.0.0.1:`port` with `filter` granted.
pub fn connected_app(port: u16, filter: &str, qos: Qos, limits: StoreLimits) -> Result<TopicscopeApp, String> {
    connected_app_recording(port, filter, qos, limits, true)
}

/// [`connected_app`], with the packet inspector's recording on or off.
pub fn connected_app_recording(
    port: u16,
    filter: &str,
    qos: Qos,
    limits: StoreLimits,
    record_packets: bool,
) -> Result<TopicscopeApp, String> {
    let profile = ConnectionProfile {
        record_packets,
        name: "perf".into(),
        port,
        protocol: ProtocolVersion::V311,
        client_id: format!("topicscope-perf-{}", std::process::id()),
        subscriptions: vec![SavedSubscription { filter: filter.to_owned(), qos, ..SavedSubscription::default() }],
        ..ConnectionProfile::default()
    };
    let mut app = TopicscopeApp::with_repaint(
        Arc::new(|| {}),
        AppOptions {
            start_embedded_broker: false,
            profile_dir: None,
            initial_profile: Some(profile),
            connect_on_start: true,
            limits,
            ..AppOptions::default()
        },
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while !(matches!(app.workspace.active_tab().state, ConnectionState::Connected { .. })
        && !app.workspace.active_tab().subscriptions.is_empty()
        && app.workspace.active_tab().subscriptions.iter().all(|s| matches!(s.status, SubscriptionStatus::Granted(_))))
    {
        if Instant::now() > deadline {
            return Err(format!("topicscope did not connect and subscribe: {:?}", app.workspace.notices));
        }
        app.drain_events(EVENT_BUDGET);
        std::thread::sleep(Duration::from_millis(5));
    }
    Ok(app)
}
