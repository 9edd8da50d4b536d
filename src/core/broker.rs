//! The embedded MQTT broker: rmqtt on its own thread and Tokio runtime.
//!
//! Why rmqtt (see ../shared/guides/mqtt-engine-notes.md): it serves MQTT
//! 3.1, 3.1.1 and 5.0 on one port, accepts keep-alive 0, delivers with
//! QoS = min(publish, subscription), reports the port it bound and stops
//! when its runtime stops. rumqttd cannot stop, refuses keep-alive 0 and
//! upgrades QoS; mqtt5 adds a user property to every forwarded message.
//!
//! This wrapper makes rmqtt deliver exactly what was published: the
//! listener's default message expiry is 0 (rmqtt would otherwise stamp a
//! 300 s Message-Expiry on MQTT 5 forwards) and retained messages come from
//! the `rmqtt-retainer` plugin in RAM with no TTL.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU16;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc as std_mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use thiserror::Error;
use tokio::sync::oneshot;

/// The port MQTT brokers conventionally listen on.
pub const STANDARD_MQTT_PORT: u16 = 1883;

/// How long `start` waits for the broker thread to report readiness.
const READY_TIMEOUT: Duration = Duration::from_secs(10);

/// Listener name rmqtt uses in its logs.
const LISTENER_NAME: &str = "mqttdesk/tcp";

/// What the embedded broker listens on and accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerConfig {
    /// Address to bind; loopback unless the user explicitly chooses otherwise.
    pub bind: IpAddr,
    /// TCP port; 0 picks any free port.
    pub port: u16,
    /// When `port` is taken, bind a free port instead of failing.
    pub fall_back_to_free_port: bool,
    /// Largest packet accepted (the MQTT maximum by default).
    pub max_packet_size: u32,
    /// Most simultaneous client connections.
    pub max_connections: usize,
    /// How often `$SYS/broker/...` status topics are published (mosquitto's
    /// `sys_interval`; zero turns them off).
    pub sys_interval: Duration,
}

impl Default for BrokerConfig {
    fn default() -> Self {
        Self {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: STANDARD_MQTT_PORT,
            fall_back_to_free_port: true,
            max_packet_size: crate::core::profile::DEFAULT_MAX_PACKET_SIZE,
            max_connections: 10_000,
            sys_interval: Duration::from_secs(10),
        }
    }
}

impl BrokerConfig {
    /// Loopback on a free port: what tests use.
    pub fn ephemeral() -> Self {
        Self { port: 0, ..Self::default() }
    }
}

/// Why the embedded broker could not start.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BrokerError {
    /// Binding the listening socket failed.
    #[error("cannot listen on {address}: {message}")]
    Bind {
        /// The address that was tried.
        address: SocketAddr,
        /// The OS error.
        message: String,
    },
    /// The broker's runtime or context could not be created.
    #[error("broker failed to start: {0}")]
    Startup(String),
    /// The broker thread never reported readiness.
    #[error("broker did not become ready within {} s", READY_TIMEOUT.as_secs())]
    NotReady,
}

/// A running embedded broker. Dropping it stops the broker.
#[derive(Debug)]
pub struct EmbeddedBroker {
    local_addr: SocketAddr,
    requested_port: u16,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl EmbeddedBroker {
    /// Starts the broker and returns once it is listening (or why it cannot).
    pub fn start(config: BrokerConfig) -> Result<Self, BrokerError> {
        let (ready_tx, ready_rx) = std_mpsc::sync_channel::<Result<SocketAddr, BrokerError>>(1);
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let requested_port = config.port;
        let thread = std::thread::Builder::new()
            .name("mqttdesk-broker".into())
            .spawn(move || run_broker_thread(config, ready_tx, stop_rx))
            .map_err(|error| BrokerError::Startup(format!("cannot spawn broker thread: {error}")))?;
        match ready_rx.recv_timeout(READY_TIMEOUT) {
            Ok(Ok(local_addr)) => Ok(Self { local_addr, requested_port, stop: Some(stop_tx), thread: Some(thread) }),
            Ok(Err(error)) => {
                let _ = thread.join();
                Err(error)
            }
            Err(_) => Err(BrokerError::NotReady),
        }
    }

    /// The address clients connect to.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The port asked for, when a different free port had to be used.
    pub fn fell_back_from(&self) -> Option<u16> {
        (self.requested_port != 0 && self.requested_port != self.local_addr.port()).then_some(self.requested_port)
    }

    /// Stops the broker, closing every client connection, and waits for its thread.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for EmbeddedBroker {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn run_broker_thread(
    config: BrokerConfig,
    ready: std_mpsc::SyncSender<Result<SocketAddr, BrokerError>>,
    stop: oneshot::Receiver<()>,
) {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("mqttdesk-broker-rt")
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            let _ = ready.send(Err(BrokerError::Startup(format!("cannot create runtime: {error}"))));
            return;
        }
    };
    runtime.block_on(async move {
        let (server, sys_context) = match build_server(&config).await {
            Ok((server, addr, scx)) => {
                let _ = ready.send(Ok(addr));
                (server, scx)
            }
            Err(error) => {
                let _ = ready.send(Err(error));
                return;
            }
        };
        let sys_interval = config.sys_interval;
        tokio::select! {
            () = publish_sys_topics(sys_context, sys_interval), if !sys_interval.is_zero() => {}
            result = server.run() => {
                if let Err(error) = result {
                    tracing::error!("embedded broker stopped: {error}");
                }
            }
            _ = stop => {}
        }
    });
    // Dropping the runtime cancels every connection task; give them a moment.
    runtime.shutdown_timeout(Duration::from_secs(2));
}

async fn build_server(
    config: &BrokerConfig,
) -> Result<(rmqtt::server::MqttServer, SocketAddr, rmqtt::context::ServerContext), BrokerError> {
    let scx =
        rmqtt::context::ServerContext::new().plugins_config_map_add("rmqtt-retainer", RETAINER_CONFIG).build().await;
    rmqtt_retainer::register(&scx, true, false)
        .await
        .map_err(|error| BrokerError::Startup(format!("retained-message store: {error}")))?;
    *scx.extends.shared_subscription_mut().await = Box::new(RoundRobinSharedSubscription::default());
    let listener = bind_listener(config)?;
    let addr =
        listener.local_addr().map_err(|error| BrokerError::Startup(format!("cannot read bound address: {error}")))?;
    let listener = listener.tcp().map_err(|error| BrokerError::Startup(error.to_string()))?;
    let server = rmqtt::server::MqttServer::new(scx.clone()).listener_by_id(listener, 1).build();
    Ok((server, addr, scx))
}

/// Publishes mosquitto-style `$SYS/broker/...` status topics, retained, every
/// `interval`, so `$SYS/#` subscribers (and mqttdesk's broker status panel)
/// see the embedded broker the way they see mosquitto.
async fn publish_sys_topics(scx: rmqtt::context::ServerContext, interval: Duration) {
    let started = std::time::Instant::now();
    // rmqtt counts connections and sessions but not messages: count them with hooks.
    let counters = std::sync::Arc::new(MessageCounters::default());
    let hooks = scx.extends.hook_mgr().register();
    hooks.add(rmqtt::hook::Type::MessagePublish, Box::new(CountingHook(counters.clone()))).await;
    hooks.add(rmqtt::hook::Type::MessageDelivered, Box::new(CountingHook(counters.clone()))).await;
    hooks.start().await;
    let publisher = rmqtt::types::Id::new(scx.node.id(), 0, None, None, "$SYS".into(), None);
    let version = format!("mqttdesk {} (rmqtt embedded broker)", env!("CARGO_PKG_VERSION"));
    let mut ticker = tokio::time::interval(interval);
    // The previous sample of (received, sent, when), for per-minute rates.
    let mut previous: Option<(usize, usize, std::time::Instant)> = None;
    loop {
        ticker.tick().await;
        let stats = scx.stats.clone(&scx).await;
        let (received, sent) = counters.messages();
        let now = std::time::Instant::now();
        let per_minute = |count: usize, before: usize, since: std::time::Instant| {
            let seconds = now.duration_since(since).as_secs_f64().max(0.001);
            format!("{:.2}", count.saturating_sub(before) as f64 * 60.0 / seconds)
        };
        let (received_rate, sent_rate) = match previous {
            Some((before_received, before_sent, since)) => {
                (per_minute(received, before_received, since), per_minute(sent, before_sent, since))
            }
            None => ("0.00".to_owned(), "0.00".to_owned()),
        };
        previous = Some((received, sent, now));
        let values = [
            ("$SYS/broker/version", version.clone()),
            ("$SYS/broker/uptime", format!("{} seconds", started.elapsed().as_secs())),
            ("$SYS/broker/clients/connected", stats.connections.count().to_string()),
            ("$SYS/broker/clients/total", stats.sessions.count().to_string()),
            ("$SYS/broker/subscriptions/count", stats.subscriptions.count().to_string()),
            ("$SYS/broker/retained messages/count", stats.retaineds.count().to_string()),
            ("$SYS/broker/messages/received", received.to_string()),
            ("$SYS/broker/messages/sent", sent.to_string()),
            ("$SYS/broker/bytes/received", counters.bytes_received.load(Ordering::Relaxed).to_string()),
            ("$SYS/broker/bytes/sent", counters.bytes_sent.load(Ordering::Relaxed).to_string()),
            ("$SYS/broker/load/messages/received/1min", received_rate),
            ("$SYS/broker/load/messages/sent/1min", sent_rate),
        ];
        for (topic, value) in values {
            let packet = rmqtt::types::CodecPublish {
                dup: false,
                retain: true,
                qos: rmqtt::types::QoS::AtMostOnce,
                topic: topic.into(),
                packet_id: None,
                payload: value.into(),
                properties: None,
            };
            let publish =
                rmqtt::types::Publish::new(Box::new(packet), None, None, Some(chrono::Utc::now().timestamp_millis()));
            let from = rmqtt::types::From::from_system(publisher.clone());
            let retain = rmqtt::types::Retain { msg_id: None, from: from.clone(), publish: publish.clone() };
            if let Err(error) = scx.extends.retain().await.set(&topic.into(), retain, None).await {
                tracing::debug!("$SYS value not retained: {error}");
            }
            if let Err((_, failures)) = scx.extends.shared().await.forwards(None, from, publish).await {
                tracing::debug!("$SYS value not delivered to {} subscribers", failures.len());
            }
        }
    }
}

/// Messages (and their payload bytes) received from clients and sent to
/// them, as mosquitto's `$SYS/broker/messages/...` and `bytes/...` count them.
#[derive(Debug, Default)]
struct MessageCounters {
    received: AtomicUsize,
    sent: AtomicUsize,
    bytes_received: AtomicUsize,
    bytes_sent: AtomicUsize,
}

impl MessageCounters {
    fn messages(&self) -> (usize, usize) {
        (self.received.load(Ordering::Relaxed), self.sent.load(Ordering::Relaxed))
    }
}

/// Feeds [`MessageCounters`] from rmqtt's publish and delivery hooks.
struct CountingHook(std::sync::Arc<MessageCounters>);

#[async_trait::async_trait]
impl rmqtt::hook::Handler for CountingHook {
    async fn hook(
        &self,
        param: &rmqtt::hook::Parameter,
        acc: Option<rmqtt::hook::HookResult>,
    ) -> rmqtt::hook::ReturnType {
        match param {
            // From a client (system publishes such as $SYS have no session).
            rmqtt::hook::Parameter::MessagePublish(Some(_), _, publish) => {
                self.0.received.fetch_add(1, Ordering::Relaxed);
                self.0.bytes_received.fetch_add(publish.payload.len(), Ordering::Relaxed);
            }
            rmqtt::hook::Parameter::MessageDelivered(_, _, publish) => {
                self.0.sent.fetch_add(1, Ordering::Relaxed);
                self.0.bytes_sent.fetch_add(publish.payload.len(), Ordering::Relaxed);
            }
            _ => {}
        }
        (true, acc)
    }
}

/// `$share/{group}/{filter}`: each message goes to one member of the
/// group, taking online members in turn (rmqtt's built-in strategy reports
/// shared subscriptions as unsupported, so without this they get nothing).
#[derive(Debug, Default)]
struct RoundRobinSharedSubscription {
    next: AtomicUsize,
}

#[async_trait::async_trait]
impl rmqtt::subscribe::SharedSubscription for RoundRobinSharedSubscription {
    fn is_supported(&self) -> bool {
        true
    }

    async fn choice(
        &self,
        _scx: &rmqtt::context::ServerContext,
        _group: &rmqtt::types::SharedGroup,
        _publisher: &rmqtt::types::Id,
        _topic: &rmqtt::types::TopicName,
        members: &[(
            rmqtt::types::NodeId,
            rmqtt::types::ClientId,
            rmqtt::types::SubscriptionOptions,
            Option<Vec<rmqtt::types::SubscriptionIdentifier>>,
            Option<rmqtt::types::IsOnline>,
        )],
    ) -> Option<(usize, rmqtt::types::IsOnline)> {
        if members.is_empty() {
            return None;
        }
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        let online = (0..members.len())
            .map(|offset| (start + offset) % members.len())
            .find(|index| members[*index].4.unwrap_or(true));
        // Nobody online: queue for one of them (a persistent session gets it later).
        Some(online.map_or((start % members.len(), false), |index| (index, true)))
    }
}

/// Retained messages in RAM, no count limit, payloads up to the MQTT
/// maximum, and no TTL (a retained message lives until cleared).
const RETAINER_CONFIG: &str = r#"
storage.type = "ram"
max_retained_messages = 0
max_payload_size = "256MB"
retained_message_ttl = "0s"
"#;

fn bind_listener(config: &BrokerConfig) -> Result<rmqtt::net::Listener, BrokerError> {
    let attempt = |port: u16| {
        let address = SocketAddr::new(config.bind, port);
        listener_builder(config, address)
            .bind()
            .map_err(|error| BrokerError::Bind { address, message: error.to_string() })
    };
    match attempt(config.port) {
        Ok(listener) => Ok(listener),
        Err(error) if config.fall_back_to_free_port && config.port != 0 => {
            tracing::warn!("{error}; using a free port instead");
            attempt(0)
        }
        Err(error) => Err(error),
    }
}

fn listener_builder(config: &BrokerConfig, address: SocketAddr) -> rmqtt::net::Builder {
    let max_inflight = NonZeroU16::new(u16::MAX).unwrap_or(NonZeroU16::MIN);
    rmqtt::net::Builder::new()
        .name(LISTENER_NAME)
        .laddr(address)
        // SO_REUSEADDR lets a restarted broker take its port back at once on
        // Unix; on Windows it would let two brokers share a port, so not there.
        .reuseaddr(Some(cfg!(unix)))
        .nodelay(true)
        .max_connections(config.max_connections)
        .max_packet_size(config.max_packet_size)
        .allow_anonymous(true)
        .allow_zero_keepalive(true)
        .max_inflight(max_inflight)
        .max_mqueue_len(100_000)
        .max_clientid_len(65_535)
        .max_topic_levels(0)
        .message_expiry_interval(Duration::ZERO)
        .max_subscriptions(0)
}
