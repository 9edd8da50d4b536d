//! `topicscope mock FILE`: answers messages as a device or service would,
//! by the rules in a mock file, until Ctrl+C (or `-C N` answers, or `-W`
//! seconds). The engine runs the rules, as it does for the window and
//! scenarios; each answer is printed on stdout as it goes.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use topicscope::core::engine::mocks::MockReport;
use topicscope::core::engine::{Command, ConnectionEvent, SubscribeOutcome};
use topicscope::core::ids::SubscriptionId;
use topicscope::core::mock::MockFile;

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
    let mut client = Client::start("mock", &args.client)?;
    client.connect(&profile, Vec::new())?;
    // The engine runs the rules (as it does for the window and scenarios).
    client
        .send(Command::SetMocks { connection: CONNECTION, mocks: vec![rules] })
        .map_err(|error| Failure::new(ExitKind::Other, error.to_string()))?;
    let stop_at = args.timeout.map(|seconds| Instant::now() + Duration::from_secs(seconds));
    let mut waiting: Option<Vec<(SubscriptionId, String)>> = None;
    let mut answered = 0u64;
    let mut out = std::io::stdout();
    loop {
        if args.count.is_some_and(|count| answered >= count) {
            break;
        }
        if stop_at.is_some_and(|stop| Instant::now() >= stop) {
            break;
        }
        match client.next(stop_at) {
            Next::Event(ConnectionEvent::Mock(report)) => match report {
                MockReport::Listening { filters: listening, .. } => {
                    let own: Vec<_> = listening.into_iter().filter_map(|(filter, id)| Some((id?, filter))).collect();
                    if own.is_empty() {
                        client.say(&format!("answering on {} (Ctrl+C to stop)", filters.join(", ")));
                    }
                    waiting = Some(own);
                }
                MockReport::Answered { rule, request_topic, topic, delay, .. } => {
                    answered += 1;
                    let _ = writeln!(
                        out,
                        "answered {request_topic} on {topic} (rule {rule}, after {} ms)",
                        delay.as_millis()
                    );
                    let _ = out.flush();
                }
                MockReport::Unanswerable { request_topic, reason, .. } => {
                    client.say(&format!("'{request_topic}' matched but cannot be answered: {reason}"));
                }
                MockReport::Stopped { reason } => {
                    client.disconnect();
                    return Err(Failure::new(ExitKind::Other, format!("the mock stopped answering: {reason}")));
                }
            },
            Next::Event(ConnectionEvent::Subscribed { subscription, outcome }) => {
                let Some(list) = waiting.as_mut() else { continue };
                let Some(index) = list.iter().position(|(id, _)| *id == subscription) else { continue };
                let (_, filter) = list.remove(index);
                match outcome {
                    SubscribeOutcome::Granted(_) if list.is_empty() => {
                        client.say(&format!("answering on {} (Ctrl+C to stop)", filters.join(", ")));
                    }
                    SubscribeOutcome::Granted(_) => {}
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
