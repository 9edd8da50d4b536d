//! Benchmark 4, broker throughput: the same load generator and the same
//! rumqttc subscribers against topicscope's embedded broker and Debian's
//! mosquitto, one after the other: 1 → 1 at QoS 0 and QoS 1, and 1 → 10
//! fan-out at QoS 0.

use std::time::{Duration, Instant};

use rumqttc::QoS;

use super::brokers::{BrokerKind, RunningBroker, installed};
use super::loadgen::{CountingSubscriber, Load, publish, wait_for_count};

/// One broker in one scenario.
#[derive(Debug, Clone)]
pub struct ThroughputRow {
    /// e.g. "1 → 10, QoS 0".
    pub scenario: String,
    /// Which broker.
    pub broker: BrokerKind,
    /// Messages delivered to all subscribers together.
    pub delivered: usize,
    /// Messages that should have been delivered.
    pub expected: usize,
    /// From the first publish to the last delivery.
    pub elapsed: Duration,
}

impl ThroughputRow {
    /// Deliveries per second.
    pub fn rate(&self) -> f64 {
        self.delivered as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Messages per publisher run.
#[derive(Debug, Clone, Copy)]
pub struct ThroughputSettings {
    /// Published per 1 → 1 scenario.
    pub messages: usize,
    /// Published in the fan-out scenario (each reaches 10 subscribers).
    pub fan_out_messages: usize,
}

/// Runs each scenario on each broker (mosquitto left out if not installed).
pub fn run(settings: ThroughputSettings) -> Result<Vec<ThroughputRow>, String> {
    let mut brokers = vec![BrokerKind::Embedded];
    if installed("mosquitto") {
        brokers.push(BrokerKind::Mosquitto);
    }
    // The last: persistence on and a persistent session, so the embedded
    // broker writes each message to its journal before acknowledging it
    // (mosquitto keeps it in memory until it exits).
    let scenarios = [
        ("1 → 1, QoS 0", settings.messages, QoS::AtMostOnce, 1, false),
        ("1 → 1, QoS 1", settings.messages, QoS::AtLeastOnce, 1, false),
        ("1 → 10, QoS 0", settings.fan_out_messages, QoS::AtMostOnce, 10, false),
        ("1 → 1, QoS 1, persistent session, persistence on", settings.messages, QoS::AtLeastOnce, 1, true),
    ];
    // PERF_SCENARIO=text keeps the scenarios whose name holds it (to profile one).
    let wanted = std::env::var("PERF_SCENARIO").unwrap_or_default();
    let mut rows = Vec::new();
    for (scenario, messages, qos, subscribers, durable) in scenarios {
        if !scenario.contains(wanted.as_str()) {
            continue;
        }
        for &kind in &brokers {
            let load = Load::standard(messages, qos);
            rows.push(run_one(kind, scenario, &load, subscribers, durable)?);
        }
    }
    Ok(rows)
}

fn run_one(
    kind: BrokerKind,
    scenario: &str,
    load: &Load,
    subscribers: usize,
    durable: bool,
) -> Result<ThroughputRow, String> {
    let broker = RunningBroker::start_with(kind, durable)?;
    let counters = (0..subscribers)
        .map(|index| {
            CountingSubscriber::start_with(
                broker.port,
                &format!("perf-sub-{index}"),
                &load.filter(),
                load.qos,
                !durable,
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    let started = Instant::now();
    publish(broker.port, load)?;
    let expected = load.messages * subscribers;
    let delivered =
        wait_for_count(expected, Duration::from_secs(3), || counters.iter().map(CountingSubscriber::received).sum());
    let last = counters.iter().filter_map(CountingSubscriber::last_at).max().unwrap_or(started);
    Ok(ThroughputRow {
        scenario: scenario.to_owned(),
        broker: kind,
        delivered,
        expected,
        elapsed: last.duration_since(started),
    })
}
