//! What the embedded broker says about itself: mosquitto-style `$SYS`
//! topics for any subscriber, and the client list and rates sampled for the
//! app's broker panel.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use super::hooks::{MessageCounters, protocol_label};
use super::monitor::{self, BrokerMonitor, ClientInfo, Rates};

/// How often the client list and rates are sampled for the app.
const SAMPLE_INTERVAL: Duration = Duration::from_secs(1);

/// Publishes mosquitto-style `$SYS/broker/...` status topics, retained, every
/// `interval`, so `$SYS/#` subscribers (and topicscope's broker status panel)
/// see the embedded broker the way they see mosquitto.
pub(super) async fn publish_sys_topics(
    scx: rmqtt::context::ServerContext,
    counters: Arc<MessageCounters>,
    interval: Duration,
) {
    let started = std::time::Instant::now();
    let publisher = rmqtt::types::Id::new(scx.node.id(), 0, None, None, "$SYS".into(), None);
    let version = format!("topicscope {} (rmqtt embedded broker)", env!("CARGO_PKG_VERSION"));
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
        let dropped = counters.drops.snapshot();
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
            ("$SYS/broker/bytes/sent", counters.delivered.payload_bytes.load(Ordering::Relaxed).to_string()),
            ("$SYS/broker/load/messages/received/1min", received_rate),
            ("$SYS/broker/load/messages/sent/1min", sent_rate),
            // mosquitto's name for messages dropped, then why (topicscope's).
            ("$SYS/broker/publish/messages/dropped", dropped.messages().to_string()),
            ("$SYS/broker/publish/messages/dropped/queue full", dropped.queue_full.to_string()),
            ("$SYS/broker/publish/messages/dropped/expired", dropped.expired.to_string()),
            ("$SYS/broker/publish/messages/dropped/refused", dropped.refused.to_string()),
            ("$SYS/broker/retained messages/not kept", dropped.retained_not_kept.to_string()),
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

/// Samples sessions and rates into the monitor every [`SAMPLE_INTERVAL`].
pub(super) async fn sample_clients(
    scx: rmqtt::context::ServerContext,
    counters: Arc<MessageCounters>,
    monitor: BrokerMonitor,
) {
    let mut ticker = tokio::time::interval(SAMPLE_INTERVAL);
    let mut previous = (0_usize, 0_usize, 0_usize, 0_usize, std::time::Instant::now());
    loop {
        ticker.tick().await;
        let shared = scx.extends.shared().await;
        let mut clients = Vec::new();
        let mut session_count = 0;
        for entry in shared.iter() {
            let Some(session) = entry.session() else { continue };
            session_count += 1;
            if clients.len() >= monitor::MAX_LISTED_CLIENTS {
                continue;
            }
            let info = session.connect_info().await.ok();
            let subscriptions = match session.subscriptions().await {
                Ok(subscriptions) => subscriptions.len().await,
                Err(_) => 0,
            };
            clients.push(ClientInfo {
                client_id: session.id.client_id.to_string(),
                address: session.id.remote_addr,
                user: session.id.username.as_ref().map(|name| name.to_string()),
                protocol: info.as_ref().map_or("?", |info| protocol_label(info.proto_ver())),
                keep_alive: info.as_ref().map_or(0, |info| info.keep_alive()),
                clean_start: info.as_ref().is_none_or(|info| info.clean_start()),
                subscriptions,
                inflight: session.out_inflight().read().await.len(),
                queued: session.deliver_queue().len(),
                connected: entry.is_connected().await,
            });
        }
        drop(shared);
        let now = std::time::Instant::now();
        let (received, sent) = counters.messages();
        let bytes_in = counters.bytes_received.load(Ordering::Relaxed);
        let bytes_out = counters.delivered.payload_bytes.load(Ordering::Relaxed);
        let seconds = now.duration_since(previous.4).as_secs_f64().max(0.001);
        let rate = |now: usize, before: usize| now.saturating_sub(before) as f64 / seconds;
        let rates = Rates {
            messages_in: rate(received, previous.0),
            messages_out: rate(sent, previous.1),
            bytes_in: rate(bytes_in, previous.2),
            bytes_out: rate(bytes_out, previous.3),
            total_in: received as u64,
            total_out: sent as u64,
            dropped: counters.drops.snapshot(),
            retained: counters.retained.totals(),
        };
        previous = (received, sent, bytes_in, bytes_out, now);
        monitor.update(clients, session_count, rates);
    }
}
