//! `topicscope replay FILE`: sends a recording (the log export's or
//! `sub --json`'s JSON Lines) to a broker with the original relative
//! timing, N times faster or as fast as possible, under a rate limit,
//! another topic prefix, once or in a loop; says how late it sent.

use std::collections::HashSet;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use topicscope::core::engine::{Command, ConnectionEvent, ConnectionState, DeliveryOutcome, PublishRequest, SendError};
use topicscope::core::ids::{PublishId, RequestId};
use topicscope::core::replay::{ReplayPlan, read_recording};

use super::args::ClientArgs;
use super::client::{CONNECTION, Client, ExitKind, Failure, Next, build_profile, finish};

/// `topicscope replay` options.
#[derive(Debug, clap::Args)]
#[command(disable_help_flag = true)]
pub struct ReplayArgs {
    #[command(flatten)]
    pub(crate) client: ClientArgs,
    /// The recording: JSON Lines from the log's export or `sub --json`.
    #[arg(value_name = "FILE")]
    pub(crate) file: PathBuf,
    /// Play N times as fast (0.01 to 1000; 1 keeps the recorded timing).
    #[arg(long, default_value_t = 1.0, value_name = "N")]
    pub(crate) speed: f64,
    /// Send as fast as the broker takes them (ignores the timing).
    #[arg(long, conflicts_with = "speed")]
    pub(crate) as_fast_as_possible: bool,
    /// At most this many messages per second.
    #[arg(long, value_name = "PER_SECOND")]
    pub(crate) max_rate: Option<f64>,
    /// Put this in front of every topic (e.g. `replay/`).
    #[arg(long, value_name = "PREFIX")]
    pub(crate) topic_prefix: Option<String>,
    /// Play it again and again until Ctrl+C.
    #[arg(long = "loop", conflicts_with = "times")]
    pub(crate) forever: bool,
    /// Play it this many times.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub(crate) times: u32,
}

/// Runs `topicscope replay`.
pub fn run_replay(args: &ReplayArgs) -> ExitCode {
    finish("replay", args.client.quiet, replay(args))
}

fn replay(args: &ReplayArgs) -> Result<(), Failure> {
    let usage = |message: String| Failure::new(ExitKind::Usage, message);
    if !(args.speed.is_finite() && (0.01..=1000.0).contains(&args.speed)) {
        return Err(usage(format!("--speed: expected 0.01 to 1000, not {}", args.speed)));
    }
    if let Some(rate) = args.max_rate
        && !(rate.is_finite() && rate > 0.0 && rate <= 10_000_000.0)
    {
        return Err(usage(format!("--max-rate: expected more than 0 messages per second, not {rate}")));
    }
    let origin = args.file.display().to_string();
    let text = std::fs::read_to_string(&args.file)
        .map_err(|error| Failure::new(ExitKind::Other, format!("cannot read {origin}: {error}")))?;
    let recording = read_recording(&text, &origin).map_err(|error| usage(error.to_string()))?;
    let plan = ReplayPlan {
        speed: (!args.as_fast_as_possible).then_some(args.speed),
        topic_prefix: args.topic_prefix.clone(),
        max_rate: args.max_rate,
    };
    if let Some(prefix) = &plan.topic_prefix {
        topicscope::core::topic::validate_topic_name(&format!("{prefix}x"))
            .map_err(|error| usage(format!("--topic-prefix {prefix:?}: {error}")))?;
    }
    let profile = build_profile(&args.client, "replay")?;
    let mut client = Client::start("replay", &args.client)?;
    client.connect(&profile, Vec::new())?;
    let mut pending: HashSet<PublishId> = HashSet::new();
    let (mut next_id, mut sent, mut refused) = (RequestId(1), 0u64, 0u64);
    let mut lateness: Vec<Duration> = Vec::with_capacity(recording.len().min(1_000_000));
    let mut round = 0u32;
    let started_all = Instant::now();
    'rounds: while args.forever || round < args.times {
        round += 1;
        let started = Instant::now();
        for (index, recorded) in recording.iter().enumerate() {
            let due = started + plan.due(index, recorded.offset);
            // Wait for the message's time, handling answers meanwhile.
            while Instant::now() < due {
                match client.next(Some(due)) {
                    Next::Event(event) => handle(&mut client, event, &mut pending, &mut refused)?,
                    Next::Interrupted => break 'rounds,
                    Next::TimedOut | Next::Woken => {}
                }
            }
            let id = PublishId::Request(next_id.take_next());
            let request = || PublishRequest {
                id,
                topic: plan.topic(&recorded.topic),
                payload: recorded.payload.clone().into(),
                qos: recorded.qos,
                retain: recorded.retain,
                properties: recorded.properties.clone().map(Box::new),
            };
            loop {
                match client.send(Command::Publish { connection: CONNECTION, request: request() }) {
                    Ok(()) => break,
                    // The engine's queue is full: take answers, then try again.
                    Err(SendError::Busy) => {
                        if let Next::Event(event) = client.next(Some(Instant::now() + Duration::from_millis(5))) {
                            handle(&mut client, event, &mut pending, &mut refused)?;
                        }
                    }
                    Err(SendError::Stopped) => return Err(Failure::new(ExitKind::Other, "the network engine stopped")),
                }
            }
            lateness.push(Instant::now().saturating_duration_since(due));
            pending.insert(id);
            sent += 1;
        }
    }
    // Every acknowledgement in before leaving.
    let deadline = Instant::now() + Duration::from_secs(30);
    while !pending.is_empty() {
        match client.next(Some(deadline)) {
            Next::Event(event) => handle(&mut client, event, &mut pending, &mut refused)?,
            Next::TimedOut | Next::Interrupted => break,
            Next::Woken => {}
        }
    }
    client.disconnect();
    lateness.sort();
    let quantile = |q: f64| {
        lateness.get(((lateness.len().saturating_sub(1)) as f64 * q).round() as usize).copied().unwrap_or_default()
    };
    client.say(&format!(
        "replayed {sent} messages in {:.3} s; sent late by median {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        started_all.elapsed().as_secs_f64(),
        quantile(0.5).as_secs_f64() * 1000.0,
        quantile(0.99).as_secs_f64() * 1000.0,
        lateness.last().copied().unwrap_or_default().as_secs_f64() * 1000.0,
    ));
    if refused > 0 {
        return Err(Failure::new(ExitKind::Refused, format!("{refused} of {sent} messages refused")));
    }
    if !pending.is_empty() {
        return Err(Failure::new(ExitKind::Network, format!("{} messages not confirmed", pending.len())));
    }
    Ok(())
}

fn handle(
    client: &mut Client,
    event: ConnectionEvent,
    pending: &mut HashSet<PublishId>,
    refused: &mut u64,
) -> Result<(), Failure> {
    match event {
        ConnectionEvent::Delivery { request, outcome, .. } => match outcome {
            DeliveryOutcome::Received => {}
            DeliveryOutcome::Written | DeliveryOutcome::Acknowledged | DeliveryOutcome::Completed => {
                pending.remove(&request);
            }
            DeliveryOutcome::Refused(reason) => {
                client.say(&format!("the broker refused message {request}: {reason}"));
                pending.remove(&request);
                *refused += 1;
            }
            DeliveryOutcome::Failed(reason) => {
                return Err(Failure::new(ExitKind::Network, format!("message {request} was not delivered: {reason}")));
            }
        },
        ConnectionEvent::State(ConnectionState::Reconnecting { error, .. } | ConnectionState::Failed(error)) => {
            return Err(Failure::new(ExitKind::for_failure(&error), error.to_string()));
        }
        _ => {}
    }
    Ok(())
}
