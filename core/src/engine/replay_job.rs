//! Replay jobs: a recording sent on a connection with its relative timing
//! (or faster, or as fast as possible under a rate limit), round after
//! round. Like a repeat job, each message goes to the connection's queue
//! (waiting when it is full, so QoS 1/2 flow control holds) and progress is
//! reported as a [`RepeatReport`] a few times a second; the last report
//! says how late the messages went out.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::connection::ConnectionCommand;
use super::repeat::{Lateness, RepeatEnd, RepeatReport};
use super::{EventKind, EventSink, PublishRequest};
use crate::ids::{ConnectionId, PublishId, RepeatJobId};
use crate::replay::{Recorded, ReplayPlan};

/// How often a running job reports.
const REPORT_EVERY: Duration = Duration::from_millis(250);
/// Most lateness samples kept for the final figures (later ones count
/// towards the maximum only).
const MAX_SAMPLES: usize = 1_000_000;

/// What to replay, how, how many times.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplaySpec {
    /// Caller's id for the job (shared with repeat jobs: Stop works alike).
    pub job: RepeatJobId,
    /// The recording, in order.
    pub messages: Arc<Vec<Recorded>>,
    /// Speed, rate limit, topic prefix.
    pub plan: ReplayPlan,
    /// Rounds to play; `None` until stopped.
    pub rounds: Option<u32>,
}

/// Runs one replay until it is done, stopped or its connection is gone.
pub(crate) async fn run(
    connection: ConnectionId,
    spec: ReplaySpec,
    commands: mpsc::Sender<ConnectionCommand>,
    sink: EventSink,
    mut stop: tokio::sync::oneshot::Receiver<()>,
) {
    let mut late: Vec<Duration> = Vec::with_capacity(spec.messages.len().min(MAX_SAMPLES));
    let mut latest = Duration::ZERO;
    let (mut sent, mut round) = (0u64, 0u32);
    let (mut period_start, mut period_sent) = (Instant::now(), 0u64);
    let report = |sent: u64, rate: f64, ended: Option<RepeatEnd>, lateness: Option<Lateness>| {
        EventKind::Repeat(RepeatReport { job: spec.job, connection, sent, rate, ended, lateness })
    };
    let end = 'rounds: loop {
        if spec.rounds.is_some_and(|rounds| round >= rounds) || spec.messages.is_empty() {
            break RepeatEnd::Done;
        }
        round += 1;
        let started = Instant::now();
        for (index, recorded) in spec.messages.iter().enumerate() {
            let due = started + spec.plan.due(index, recorded.offset);
            tokio::select! {
                _ = &mut stop => break 'rounds RepeatEnd::Stopped,
                () = tokio::time::sleep_until(due) => {}
            }
            let request = PublishRequest {
                id: PublishId::Repeat { job: spec.job, message: sent + 1 },
                topic: spec.plan.topic(&recorded.topic),
                payload: Bytes::from(recorded.payload.clone()),
                qos: recorded.qos,
                retain: recorded.retain,
                properties: recorded.properties.clone().map(Box::new),
            };
            tokio::select! {
                _ = &mut stop => break 'rounds RepeatEnd::Stopped,
                queued = commands.send(ConnectionCommand::Publish(request)) => {
                    if queued.is_err() {
                        break 'rounds RepeatEnd::ConnectionClosed;
                    }
                }
            }
            let lateness = Instant::now().saturating_duration_since(due);
            latest = latest.max(lateness);
            if late.len() < MAX_SAMPLES {
                late.push(lateness);
            }
            sent += 1;
            period_sent += 1;
            let elapsed = period_start.elapsed();
            if elapsed >= REPORT_EVERY {
                let rate = period_sent as f64 / elapsed.as_secs_f64();
                sink.send(report(sent, rate, None, None)).await;
                (period_start, period_sent) = (Instant::now(), 0);
            }
        }
    };
    let elapsed = period_start.elapsed().as_secs_f64();
    let rate = if elapsed > 0.0 { period_sent as f64 / elapsed } else { 0.0 };
    let lateness = Lateness::of(&mut late, latest);
    sink.send(report(sent, rate, Some(end), lateness)).await;
}
