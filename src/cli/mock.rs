//! `topicscope mock FILE`: answers messages as a device or service would,
//! by the rules in a mock file, until Ctrl+C (or `-C N` answers, or `-W`
//! seconds). Each answer is printed on stdout as it goes.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use topicscope::core::engine::{Command, ConnectionEvent, PublishRequest, SubscribeOutcome, SubscriptionSpec};
use topicscope::core::ids::{PublishId, RequestId, SubscriptionId};
use topicscope::core::mock::{MockAnswer, MockFile};
use topicscope::core::mqtt::Qos;

use super::args::{ClientArgs, MAX_WAIT_SECS};
use super::client::{CONNECTION, Client, ExitKind, Failure, Next, build_profile, finish};

/// `topicscope mock` options.
#[derive(Debug, clap::Args)]
#[command(disable_help_flag = true)]
pub struct MockArgs {
    #[command(flatten)]
    pub(crate) client: ClientArgs,
    /// The mock rules (RON).
    #[arg(value_name = "FILE")]
    pub(crate) file: PathBuf,
    /// Exit after this many answers.
    #[arg(short = 'C', long = "count", value_name = "N")]
    pub(crate) count: Option<u64>,
    /// Exit after this many seconds.
    #[arg(short = 'W', long = "timeout", value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=MAX_WAIT_SECS))]
    pub(crate) timeout: Option<u64>,
}

/// Runs `topicscope mock`.
pub fn run_mock(args: &MockArgs) -> ExitCode {
    finish("mock", args.client.quiet, mock(args))
}

fn mock(args: &MockArgs) -> Result<(), Failure> {
    let origin = args.file.display().to_string();
    let text = std::fs::read_to_string(&args.file)
        .map_err(|error| Failure::new(ExitKind::Other, format!("cannot read {origin}: {error}")))?;
    let rules = MockFile::parse(&text, &origin).map_err(|error| Failure::new(ExitKind::Usage, error.to_string()))?;
    let profile = build_profile(&args.client, "mock")?;
    let filters = rules.filters();
    let subscriptions: Vec<SubscriptionSpec> = filters
        .iter()
        .enumerate()
        .map(|(index, filter)| SubscriptionSpec {
            id: SubscriptionId(u32::try_from(index).unwrap_or(u32::MAX)),
            filter: filter.clone(),
            qos: Qos::AtLeastOnce,
            options: Default::default(),
        })
        .collect();
    let mut client = Client::start("mock", &args.client)?;
    client.connect(&profile, subscriptions)?;
    let stop_at = args.timeout.map(|seconds| Instant::now() + Duration::from_secs(seconds));
    let mut due: Vec<(Instant, MockAnswer, String)> = Vec::new();
    let (mut answered, mut granted) = (0u64, 0usize);
    let mut next_id = RequestId(1);
    let mut out = std::io::stdout();
    loop {
        if args.count.is_some_and(|count| answered >= count) && due.is_empty() {
            break;
        }
        if stop_at.is_some_and(|stop| Instant::now() >= stop) {
            break;
        }
        // Answers whose delay is over go out now.
        let now = Instant::now();
        while let Some(position) = due.iter().position(|(at, _, _)| *at <= now) {
            let (_, answer, from) = due.remove(position);
            let request = PublishRequest {
                id: PublishId::Request(next_id.take_next()),
                topic: answer.topic.clone(),
                payload: answer.payload.clone().into(),
                qos: answer.qos,
                retain: answer.retain,
                properties: answer.properties.clone().map(Box::new),
            };
            if client.send(Command::Publish { connection: CONNECTION, request }).is_err() {
                client.say(&format!("could not answer {from}: the engine is busy or stopped"));
                continue;
            }
            answered += 1;
            let _ = writeln!(
                out,
                "answered {from} on {} (rule {}, after {} ms)",
                answer.topic,
                answer.rule,
                answer.delay.as_millis()
            );
            let _ = out.flush();
        }
        let wake = due.iter().map(|(at, _, _)| *at).chain(stop_at).min();
        match client.next(wake) {
            Next::Event(ConnectionEvent::Messages(batch)) => {
                for (_, message) in batch {
                    match rules.answer(&message) {
                        Some(Ok(answer)) => {
                            let at = Instant::now() + answer.delay;
                            due.push((at, answer, message.topic.clone()));
                        }
                        Some(Err(reason)) => {
                            client.say(&format!("'{}' matched but cannot be answered: {reason}", message.topic))
                        }
                        None => {}
                    }
                }
            }
            Next::Event(ConnectionEvent::Subscribed { subscription, outcome }) => {
                let filter = filters.get(subscription.0 as usize).map_or("?", String::as_str);
                match outcome {
                    SubscribeOutcome::Granted(_) => {
                        granted += 1;
                        if granted == filters.len() {
                            client.say(&format!("answering on {} (Ctrl+C to stop)", filters.join(", ")));
                        }
                    }
                    SubscribeOutcome::Refused(reason) => {
                        client.disconnect();
                        return Err(Failure::new(
                            ExitKind::Refused,
                            format!("the broker refused '{filter}': {reason}"),
                        ));
                    }
                }
            }
            Next::Event(ConnectionEvent::State(
                topicscope::core::engine::ConnectionState::Reconnecting { error, .. }
                | topicscope::core::engine::ConnectionState::Failed(error),
            )) => {
                let _ = client.send(Command::Disconnect { connection: CONNECTION });
                return Err(Failure::new(ExitKind::for_failure(&error), error.to_string()));
            }
            Next::Interrupted => break,
            _ => {}
        }
    }
    client.disconnect();
    Ok(())
}
