//! Bridges from the embedded broker to other brokers, mosquitto-style: for
//! each bridge a client (rumqttc, MQTT 3.1.1) on the remote broker that
//! subscribes to the `in` topics and publishes what the embedded broker's
//! clients send on the `out` topics, prefixes applied, reconnecting with a
//! back-off after the remote broker goes away. What comes in is put into
//! the embedded broker directly (not through a client of its own), so it
//! is never sent back out; for `both` topics an echo of what was just sent
//! out is recognised and dropped.

pub mod config;

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::sync::mpsc;

pub use config::{BridgeConfig, BridgeDirection, BridgeTopic, parse_bridges};

use super::monitor::{BrokerMonitor, LogLevel};

/// Messages waiting to go out on one bridge; past it they are dropped and
/// counted (the remote broker is away or slower than the local clients).
const OUTBOUND_QUEUE: usize = 10_000;
/// Longest wait between reconnection attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// An inbound message equal to one sent out this recently is an echo.
const ECHO_WINDOW: Duration = Duration::from_secs(10);

/// A bridge's state, for the broker panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BridgeStatus {
    /// Its name.
    pub name: String,
    /// host:port.
    pub remote: String,
    /// Connected to the remote broker now.
    pub connected: bool,
    /// Why it is not connected, when it is not.
    pub problem: Option<String>,
    /// Messages carried in and out, and dropped because the way out was full.
    pub carried_in: u64,
    /// See `carried_in`.
    pub carried_out: u64,
    /// See `carried_in`.
    pub dropped_out: u64,
}

/// One message leaving through a bridge.
#[derive(Debug)]
struct Outbound {
    topic: String,
    payload: Bytes,
    qos: u8,
    retain: bool,
}

#[derive(Default)]
struct Counters {
    carried_in: AtomicU64,
    carried_out: AtomicU64,
    dropped_out: AtomicU64,
}

/// A `topic` line with its two filters worked out once (not per message).
struct Line {
    topic: BridgeTopic,
    local_filter: String,
    remote_filter: String,
}

fn lines_of(config: &BridgeConfig) -> Arc<Vec<Line>> {
    let lines = config.topics.iter().map(|topic| Line {
        topic: topic.clone(),
        local_filter: topic.local_filter(),
        remote_filter: topic.remote_filter(),
    });
    Arc::new(lines.collect())
}

fn rumqttc_qos(qos: u8) -> rumqttc::QoS {
    match qos {
        0 => rumqttc::QoS::AtMostOnce,
        1 => rumqttc::QoS::AtLeastOnce,
        _ => rumqttc::QoS::ExactlyOnce,
    }
}

struct Route {
    config: BridgeConfig,
    lines: Arc<Vec<Line>>,
    outbound: mpsc::Sender<Outbound>,
    counters: Arc<Counters>,
    /// What went out recently (remote topic, payload), for `both` topics.
    recent: Arc<std::sync::Mutex<VecDeque<(Instant, String, Bytes)>>>,
}

/// The publish hook's way into the bridges (cheap to clone).
#[derive(Clone, Default)]
pub(super) struct Bridges {
    routes: Arc<Vec<Route>>,
}

impl Bridges {
    /// Hands a client's publish to every bridge with an `out` topic for it.
    pub fn route(&self, monitor: &BrokerMonitor, topic: &str, payload: &Bytes, qos: u8, retain: bool) {
        for route in self.routes.iter() {
            let Some((line, remote)) = route.lines.iter().filter(|l| l.topic.direction.outbound()).find_map(|l| {
                let rest = topic.strip_prefix(l.topic.local_prefix.as_str())?;
                crate::topic::topic_matches(&l.local_filter, topic)
                    .then(|| (&l.topic, format!("{}{rest}", l.topic.remote_prefix)))
            }) else {
                continue;
            };
            let message = Outbound { topic: remote, payload: payload.clone(), qos: qos.min(line.qos), retain };
            if line.direction == BridgeDirection::Both {
                remember(&route.recent, &message.topic, &message.payload);
            }
            if route.outbound.try_send(message).is_err() {
                let dropped = route.counters.dropped_out.fetch_add(1, Ordering::Relaxed) + 1;
                if dropped.is_power_of_two() {
                    monitor.log(
                        LogLevel::Warning,
                        format!(
                            "bridge {}: {dropped} messages not carried out so far: the remote broker is away or slower than this one",
                            route.config.name
                        ),
                    );
                }
            }
        }
    }

    /// The bridges' states.
    pub fn statuses(&self, connected: &[bool], problems: &[Option<String>]) -> Vec<BridgeStatus> {
        self.routes
            .iter()
            .enumerate()
            .map(|(index, route)| BridgeStatus {
                name: route.config.name.clone(),
                remote: format!("{}:{}", route.config.host, route.config.port),
                connected: connected.get(index).copied().unwrap_or(false),
                problem: problems.get(index).cloned().flatten(),
                carried_in: route.counters.carried_in.load(Ordering::Relaxed),
                carried_out: route.counters.carried_out.load(Ordering::Relaxed),
                dropped_out: route.counters.dropped_out.load(Ordering::Relaxed),
            })
            .collect()
    }
}

fn remember(recent: &std::sync::Mutex<VecDeque<(Instant, String, Bytes)>>, topic: &str, payload: &Bytes) {
    let mut recent = recent.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let now = Instant::now();
    while recent.front().is_some_and(|(at, _, _)| now.duration_since(*at) > ECHO_WINDOW) || recent.len() >= 4096 {
        recent.pop_front();
    }
    recent.push_back((now, topic.to_owned(), payload.clone()));
}

/// True (and forgotten) when this is an echo of something sent out.
fn is_echo(recent: &std::sync::Mutex<VecDeque<(Instant, String, Bytes)>>, topic: &str, payload: &[u8]) -> bool {
    let mut recent = recent.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    match recent.iter().position(|(_, sent, body)| sent == topic && body.as_ref() == payload) {
        Some(index) => {
            recent.remove(index);
            true
        }
        None => false,
    }
}

/// Starts every bridge on the broker's runtime; returns the hook's handle.
pub(super) fn start(
    bridges: &[BridgeConfig],
    scx: &rmqtt::context::ServerContext,
    monitor: &BrokerMonitor,
    durable: &Arc<std::sync::OnceLock<super::durable::Durable>>,
    access: &Arc<super::auth::AccessControl>,
) -> Bridges {
    let mut routes = Vec::new();
    for (index, config) in bridges.iter().enumerate() {
        let (outbound, receiver) = mpsc::channel(OUTBOUND_QUEUE);
        let route = Route {
            config: config.clone(),
            lines: lines_of(config),
            outbound,
            counters: Arc::new(Counters::default()),
            recent: Arc::new(std::sync::Mutex::new(VecDeque::new())),
        };
        let link = Link {
            index,
            config: config.clone(),
            lines: route.lines.clone(),
            scx: scx.clone(),
            monitor: monitor.clone(),
            counters: route.counters.clone(),
            recent: route.recent.clone(),
            durable: durable.clone(),
            access: access.clone(),
        };
        tokio::spawn(link.run(receiver));
        routes.push(route);
    }
    let handle = Bridges { routes: Arc::new(routes) };
    monitor.lock().bridges = handle.statuses(&[], &[]);
    handle
}

/// One bridge's connection to its remote broker.
struct Link {
    index: usize,
    config: BridgeConfig,
    lines: Arc<Vec<Line>>,
    scx: rmqtt::context::ServerContext,
    monitor: BrokerMonitor,
    counters: Arc<Counters>,
    recent: Arc<std::sync::Mutex<VecDeque<(Instant, String, Bytes)>>>,
    /// With persistence on: what comes in for persistent sessions is
    /// journalled before it is delivered, as a client's publish is.
    durable: Arc<std::sync::OnceLock<super::durable::Durable>>,
    access: Arc<super::auth::AccessControl>,
}

impl Link {
    fn options(&self) -> Result<rumqttc::MqttOptions, String> {
        let config = &self.config;
        let mut options = rumqttc::MqttOptions::new(config.client_id(), config.host.clone(), config.port);
        options
            .set_keep_alive(Duration::from_secs(u64::from(config.keepalive_secs)))
            .set_clean_session(config.clean_session)
            .set_max_packet_size(super::limits::DEFAULT_MAX_PACKET_SIZE as usize, 256 * 1024 * 1024);
        if let Some(user) = &config.remote_username {
            options.set_credentials(user.clone(), config.remote_password.clone().unwrap_or_default());
        }
        if config.notifications {
            options.set_last_will(rumqttc::LastWill::new(
                config.notification_topic(),
                "0",
                rumqttc::QoS::AtLeastOnce,
                true,
            ));
        }
        if let Some(tls) = &config.tls {
            let options_tls = crate::profile::TlsOptions {
                ca_file: tls.ca_file.clone(),
                client_certificate_file: tls.cert_file.clone(),
                client_key_file: tls.key_file.clone(),
                dangerously_accept_invalid_certificates: tls.insecure,
                ..crate::profile::TlsOptions::default()
            };
            let client_config = crate::engine::tls::client_config(&options_tls).map_err(|error| error.to_string())?;
            options.set_transport(rumqttc::Transport::Tls(rumqttc::TlsConfiguration::Rustls(client_config)));
        }
        Ok(options)
    }

    fn set_state(&self, connected: bool, problem: Option<String>) {
        let mut state = self.monitor.lock();
        if let Some(status) = state.bridges.get_mut(self.index) {
            status.connected = connected;
            status.problem = problem;
        }
        drop(state);
        self.monitor.wake();
    }

    fn refresh_counts(&self) {
        let mut state = self.monitor.lock();
        if let Some(status) = state.bridges.get_mut(self.index) {
            status.carried_in = self.counters.carried_in.load(Ordering::Relaxed);
            status.carried_out = self.counters.carried_out.load(Ordering::Relaxed);
            status.dropped_out = self.counters.dropped_out.load(Ordering::Relaxed);
        }
    }

    /// Puts a message from the remote broker into the embedded one.
    async fn deliver_locally(&self, topic: String, payload: Bytes, qos: rumqttc::QoS, retain: bool) {
        let qos = match qos {
            rumqttc::QoS::AtMostOnce => rmqtt::types::QoS::AtMostOnce,
            rumqttc::QoS::AtLeastOnce => rmqtt::types::QoS::AtLeastOnce,
            rumqttc::QoS::ExactlyOnce => rmqtt::types::QoS::ExactlyOnce,
        };
        let packet = rmqtt::types::CodecPublish {
            dup: false,
            retain,
            qos,
            topic: topic.clone().into(),
            packet_id: None,
            payload,
            properties: None,
        };
        let publish =
            rmqtt::types::Publish::new(Box::new(packet), None, None, Some(chrono::Utc::now().timestamp_millis()));
        let id = rmqtt::types::Id::new(
            self.scx.node.id(),
            0,
            None,
            None,
            format!("bridge:{}", self.config.name).into(),
            None,
        );
        let from = rmqtt::types::From::from_bridge(id);
        if retain {
            let retained = rmqtt::types::Retain { msg_id: None, from: from.clone(), publish: publish.clone() };
            if let Err(error) = self.scx.extends.retain().await.set(&topic.clone().into(), retained, None).await {
                tracing::debug!("bridge {}: retained message on {topic} not kept: {error}", self.config.name);
            }
        }
        if let Some(durable) = self.durable.get() {
            let may_read = |id: &rmqtt::types::Id, topic: &str| {
                self.access.acl.as_ref().is_none_or(|acl| {
                    let reader = id.username.as_ref().map(|name| name.as_ref());
                    acl.allows(reader, &id.client_id, topic, super::auth::Access::Read)
                })
            };
            durable.on_publish(&from, &publish, retain, may_read).await;
        }
        if let Err((_, failures)) = self.scx.extends.shared().await.forwards(None, from, publish).await {
            tracing::debug!("bridge {}: {} local deliveries failed", self.config.name, failures.len());
        }
    }

    /// The local topic for a message from the remote broker, if an `in`
    /// topic covers it.
    fn local_topic(&self, remote: &str) -> Option<String> {
        self.lines.iter().filter(|l| l.topic.direction.inbound()).find_map(|l| {
            let rest = remote.strip_prefix(l.topic.remote_prefix.as_str())?;
            crate::topic::topic_matches(&l.remote_filter, remote).then(|| format!("{}{rest}", l.topic.local_prefix))
        })
    }

    async fn notify_locally(&self, state: &'static str) {
        if self.config.notifications {
            let topic = self.config.notification_topic();
            self.deliver_locally(topic, Bytes::from_static(state.as_bytes()), rumqttc::QoS::AtLeastOnce, true).await;
        }
    }

    async fn run(self, mut outbound: mpsc::Receiver<Outbound>) {
        let name = self.config.name.clone();
        let remote = format!("{}:{}", self.config.host, self.config.port);
        let options = match self.options() {
            Ok(options) => options,
            Err(error) => {
                self.monitor.log(LogLevel::Error, format!("bridge {name}: cannot start: {error}"));
                self.set_state(false, Some(error));
                return;
            }
        };
        let (client, mut events) = rumqttc::AsyncClient::new(options, 1_000);
        // Out: the local clients' messages, as the connection can take them.
        let sender = client.clone();
        let counters = self.counters.clone();
        tokio::spawn(async move {
            while let Some(message) = outbound.recv().await {
                let qos = rumqttc_qos(message.qos);
                if sender.publish_bytes(message.topic, qos, message.retain, message.payload).await.is_err() {
                    return;
                }
                counters.carried_out.fetch_add(1, Ordering::Relaxed);
            }
        });
        let mut backoff = Duration::from_secs(1);
        let mut connected = false;
        loop {
            match events.poll().await {
                Ok(rumqttc::Event::Incoming(rumqttc::Packet::ConnAck(_))) => {
                    connected = true;
                    backoff = Duration::from_secs(1);
                    self.monitor.log(LogLevel::Info, format!("bridge {name}: connected to {remote}"));
                    self.set_state(true, None);
                    self.notify_locally("1").await;
                    if self.config.notifications {
                        let _ =
                            client.try_publish(self.config.notification_topic(), rumqttc::QoS::AtLeastOnce, true, "1");
                    }
                    for line in self.lines.iter().filter(|l| l.topic.direction.inbound()) {
                        if let Err(error) =
                            client.try_subscribe(line.remote_filter.clone(), rumqttc_qos(line.topic.qos))
                        {
                            self.monitor.log(LogLevel::Warning, format!("bridge {name}: cannot subscribe: {error}"));
                        }
                    }
                }
                Ok(rumqttc::Event::Incoming(rumqttc::Packet::Publish(publish))) => {
                    let Some(local) = self.local_topic(&publish.topic) else { continue };
                    if is_echo(&self.recent, &publish.topic, &publish.payload) {
                        continue;
                    }
                    self.deliver_locally(local, publish.payload, publish.qos, publish.retain).await;
                    self.counters.carried_in.fetch_add(1, Ordering::Relaxed);
                    self.refresh_counts();
                }
                Ok(_) => self.refresh_counts(),
                Err(error) => {
                    let problem = error.to_string();
                    let first_failure =
                        self.monitor.lock().bridges.get(self.index).is_some_and(|status| status.problem.is_none());
                    if connected {
                        self.monitor
                            .log(LogLevel::Warning, format!("bridge {name}: lost {remote} ({problem}); trying again"));
                        self.notify_locally("0").await;
                    } else if first_failure {
                        self.monitor.log(
                            LogLevel::Warning,
                            format!("bridge {name}: cannot reach {remote} ({problem}); trying again"),
                        );
                    }
                    connected = false;
                    self.set_state(false, Some(problem));
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
        }
    }
}
