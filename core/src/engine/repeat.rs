//! Repeat / timed publish: one task per job renders the draft for message
//! 1, 2, 3 … (so `{{counter}}`, `{{timestamp}}` and random values change
//! per message), paces it every N ms, and hands each publish to its
//! connection's queue like a composer publish (waiting when the queue is
//! full, so QoS 1/2 flow control holds). It reports its count and
//! achieved rate a few times a second and once when it ends.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::sync::mpsc;

use crate::compose;
use crate::compose::PublishDraft;
use crate::engine::connection::ConnectionCommand;
use crate::engine::{EventKind, EventSink, PublishRequest};
use crate::ids::{ConnectionId, PublishId, RepeatJobId};

/// How often a running job reports.
const REPORT_EVERY: Duration = Duration::from_millis(250);

/// What to send, how often, how many times.
#[derive(Debug, Clone, PartialEq)]
pub struct RepeatSpec {
    /// Caller's id for the job.
    pub job: RepeatJobId,
    /// What one round sends, in order: the composer's message, or a whole
    /// saved collection (placeholders rendered per round).
    pub drafts: Vec<PublishDraft>,
    /// The profile's variables.
    pub variables: BTreeMap<String, String>,
    /// Time between rounds (at least 1 ms).
    pub interval: Duration,
    /// Rounds to send; `None` until stopped.
    pub count: Option<u64>,
}

/// Why a job ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RepeatEnd {
    /// All `count` messages were handed to the connection.
    Done,
    /// Stopped by the user.
    Stopped,
    /// The connection went away.
    ConnectionClosed,
    /// Message `n` could not be rendered or encoded.
    Failed(String),
}

/// A job's progress.
#[derive(Debug, Clone, PartialEq)]
pub struct RepeatReport {
    /// Which job.
    pub job: RepeatJobId,
    /// The connection it publishes on.
    pub connection: ConnectionId,
    /// Messages handed to the connection so far.
    pub sent: u64,
    /// Messages per second over the last report period.
    pub rate: f64,
    /// Set when the job has ended.
    pub ended: Option<RepeatEnd>,
    /// A replay's last report: how late its messages went out.
    pub lateness: Option<Lateness>,
}

/// How late a replay sent its messages, against the recording's timing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lateness {
    /// Half were later than this.
    pub median: Duration,
    /// 1 in 100 was later than this.
    pub p99: Duration,
    /// The latest.
    pub max: Duration,
}

impl Lateness {
    /// The figures of `samples` (sorted here); `max` counts samples not kept.
    pub fn of(samples: &mut [Duration], max: Duration) -> Option<Self> {
        if samples.is_empty() {
            return None;
        }
        samples.sort_unstable();
        let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
        Some(Self { median: at(0.5), p99: at(0.99), max: max.max(samples[samples.len() - 1]) })
    }
}

/// Runs one job until it is done, stopped (the task is aborted after a
/// final report) or its connection is gone.
pub(crate) async fn run(
    connection: ConnectionId,
    spec: RepeatSpec,
    commands: mpsc::Sender<ConnectionCommand>,
    sink: EventSink,
    mut stop: tokio::sync::oneshot::Receiver<()>,
) {
    let interval = spec.interval.max(Duration::from_millis(1));
    let mut ticker = tokio::time::interval(interval);
    // Behind schedule (a full queue, a busy machine): send the missed
    // messages at once rather than fewer messages.
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let (mut sent, mut rounds) = (0u64, 0u64);
    let (mut period_start, mut period_sent) = (Instant::now(), 0u64);
    let report = |sent: u64, rate: f64, ended: Option<RepeatEnd>| {
        EventKind::Repeat(RepeatReport { job: spec.job, connection, sent, rate, ended, lateness: None })
    };
    let end = 'rounds: loop {
        if spec.count.is_some_and(|count| rounds >= count) || spec.drafts.is_empty() {
            break RepeatEnd::Done;
        }
        tokio::select! {
            _ = &mut stop => break RepeatEnd::Stopped,
            _ = ticker.tick() => {}
        }
        rounds += 1;
        for draft in &spec.drafts {
            let n = sent + 1;
            // {{counter}} is the round, so a collection's messages share it.
            let rendered =
                compose::resolve(&draft.text(), &spec.variables, rounds, chrono::Utc::now(), &mut rand::rng());
            let message = match rendered {
                Ok(message) => message,
                Err(error) => break 'rounds RepeatEnd::Failed(format!("message {n}: {error}")),
            };
            let request = PublishRequest {
                id: PublishId::Repeat { job: spec.job, message: n },
                topic: message.topic,
                payload: Bytes::from(message.payload),
                qos: draft.qos,
                retain: draft.retain,
                properties: message.properties.map(Box::new),
            };
            tokio::select! {
                _ = &mut stop => break 'rounds RepeatEnd::Stopped,
                queued = commands.send(ConnectionCommand::Publish(request)) => {
                    if queued.is_err() {
                        break 'rounds RepeatEnd::ConnectionClosed;
                    }
                }
            }
            sent = n;
            period_sent += 1;
        }
        let elapsed = period_start.elapsed();
        if elapsed >= REPORT_EVERY {
            let rate = period_sent as f64 / elapsed.as_secs_f64();
            sink.send(report(sent, rate, None)).await;
            (period_start, period_sent) = (Instant::now(), 0);
        }
    };
    let elapsed = period_start.elapsed().as_secs_f64();
    let rate = if elapsed > 0.0 { period_sent as f64 / elapsed } else { 0.0 };
    sink.send(report(sent, rate, Some(end))).await;
}
