//! `topicscope replay FILE`: sends a recording (the log export's or
//! `sub --json`'s JSON Lines) to a broker with the original relative
//! timing, N times faster or as fast as possible, under a rate limit,
//! another topic prefix, once or in a loop; says how late it sent.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use topicscope::core::engine::repeat::{Lateness, RepeatEnd};
use topicscope::core::engine::replay_job::ReplaySpec;
use topicscope::core::engine::{Command, ConnectionEvent, ConnectionState, DeliveryOutcome};
use topicscope::core::ids::RepeatJobId;
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
    // The engine sends it with its timing (as it does for the window).
    let job = RepeatJobId(1);
    let rounds = (!args.forever).then_some(args.times);
    let spec = ReplaySpec { job, messages: Arc::new(recording), plan, rounds };
    client
        .send(Command::StartReplay { connection: CONNECTION, spec: Box::new(spec) })
        .map_err(|error| Failure::new(ExitKind::Other, error.to_string()))?;
    let (mut confirmed, mut refused) = (0u64, 0u64);
    let started = Instant::now();
    let mut stopping = false;
    let end = loop {
        match client.next(None) {
            Next::Event(event) => handle(&mut client, event, &mut confirmed, &mut refused)?,
            Next::Job(report) if report.job == job => {
                if let Some(ended) = report.ended {
                    break (report.sent, ended, report.lateness);
                }
            }
            Next::Interrupted if !stopping => {
                stopping = true;
                let _ = client.send(Command::StopRepeat { job });
            }
            _ => {}
        }
    };
    let (sent, ended, lateness) = end;
    if let RepeatEnd::ConnectionClosed | RepeatEnd::Failed(_) = &ended {
        client.disconnect();
        return Err(Failure::new(ExitKind::Network, format!("the replay ended after {sent} messages: {ended:?}")));
    }
    // Every acknowledgement in before leaving.
    let deadline = Instant::now() + Duration::from_secs(30);
    while confirmed + refused < sent {
        match client.next(Some(deadline)) {
            Next::Event(event) => handle(&mut client, event, &mut confirmed, &mut refused)?,
            Next::TimedOut | Next::Interrupted => break,
            _ => {}
        }
    }
    client.disconnect();
    let ms = |duration: Duration| duration.as_secs_f64() * 1000.0;
    let lateness = lateness.unwrap_or(Lateness { median: Duration::ZERO, p99: Duration::ZERO, max: Duration::ZERO });
    client.say(&format!(
        "replayed {sent} messages in {:.3} s; sent late by median {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        started.elapsed().as_secs_f64(),
        ms(lateness.median),
        ms(lateness.p99),
        ms(lateness.max),
    ));
    if refused > 0 {
        return Err(Failure::new(ExitKind::Refused, format!("{refused} of {sent} messages refused")));
    }
    if confirmed + refused < sent {
        return Err(Failure::new(ExitKind::Network, format!("{} messages not confirmed", sent - confirmed - refused)));
    }
    Ok(())
}

fn handle(client: &mut Client, event: ConnectionEvent, confirmed: &mut u64, refused: &mut u64) -> Result<(), Failure> {
    match event {
        ConnectionEvent::Delivery { request, outcome, .. } => match outcome {
            DeliveryOutcome::Received => {}
            DeliveryOutcome::Written | DeliveryOutcome::Acknowledged | DeliveryOutcome::Completed => {
                *confirmed += 1;
            }
            DeliveryOutcome::Refused(reason) => {
                client.say(&format!("the broker refused message {request}: {reason}"));
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
