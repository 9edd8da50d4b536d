//! `topicscope pub`: one message, a file, stdin whole or line by line,
//! repeated or not, each followed to its acknowledgement.

use super::args::{PubArgs, qos};
use super::client::{CONNECTION, Client, ExitKind, Failure, Next, build_profile, finish, save_profile_if_asked};
use std::collections::{HashSet, VecDeque};
use std::io::{BufRead as _, Read as _};
use std::process::ExitCode;
use std::sync::mpsc as std_mpsc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use topicscope::core::engine::{
    Command, ConnectionEvent, ConnectionFailure, ConnectionState, DeliveryOutcome, PublishRequest, SendError,
};
use topicscope::core::ids::{PublishId, RequestId};
use topicscope::core::topic::validate_topic_name;

/// Where `pub`'s messages come from.
pub(crate) enum Source {
    /// One message (-m, -f, -n, -s), sent `--repeat` times.
    Once(Bytes),
    /// One message per line of standard input (-l).
    Lines,
}

pub(crate) fn read_source(args: &PubArgs) -> Result<Source, Failure> {
    if let Some(message) = &args.message {
        return Ok(Source::Once(Bytes::from(message.clone().into_bytes())));
    }
    if let Some(file) = &args.file {
        let bytes = std::fs::read(file)
            .map_err(|error| Failure::new(ExitKind::Other, format!("cannot read {}: {error}", file.display())))?;
        return Ok(Source::Once(Bytes::from(bytes)));
    }
    if args.null_message {
        return Ok(Source::Once(Bytes::new()));
    }
    if args.stdin_file {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .map_err(|error| Failure::new(ExitKind::Other, format!("cannot read standard input: {error}")))?;
        return Ok(Source::Once(Bytes::from(bytes)));
    }
    if args.stdin_line {
        return Ok(Source::Lines);
    }
    Err(Failure::new(ExitKind::Usage, "say what to send: -m, -f, -n, -s or -l"))
}

/// Runs `topicscope pub`.
pub fn run_pub(args: &PubArgs) -> ExitCode {
    finish("pub", args.client.quiet, publish(args))
}

pub(crate) fn publish(args: &PubArgs) -> Result<(), Failure> {
    let topic = match (&args.topic, &args.client.url) {
        (Some(topic), _) => topic.clone(),
        (None, Some(url)) => url.topic.clone(),
        (None, None) => return Err(Failure::new(ExitKind::Usage, "say where to publish: -t TOPIC or -L URL")),
    };
    validate_topic_name(&topic).map_err(|error| Failure::new(ExitKind::Usage, format!("-t: {error}")))?;
    let longest = super::args::MAX_WAIT_SECS as f64;
    if !(args.repeat_delay.is_finite() && (0.0..=longest).contains(&args.repeat_delay)) {
        let message = format!("--repeat-delay: expected seconds from 0 to {longest}, not {}", args.repeat_delay);
        return Err(Failure::new(ExitKind::Usage, message));
    }
    let profile = build_profile(&args.client, "pub")?;
    save_profile_if_asked(&args.client, &profile, Vec::new())?;
    let properties = super::properties::publish_properties(&args.client.properties, profile.protocol)?.map(Box::new);
    let decoders = if args.proto_type.is_some() || !args.proto_file.is_empty() {
        Some(super::decoding::decoders_for(&profile, &args.proto_file, args.proto_type.as_deref())?)
    } else {
        None
    };
    // JSON in, protobuf out, when a protobuf type applies to the topic.
    let encode = |payload: Bytes| match &decoders {
        Some(decoders) => super::decoding::encode_for_publish(decoders, &topic, payload),
        None => Ok(payload),
    };
    let source = match read_source(args)? {
        Source::Once(payload) => Source::Once(encode(payload)?),
        Source::Lines => Source::Lines,
    };
    let mut client = Client::start("pub", &args.client)?;
    client.connect(&profile, Vec::new())?;

    let request = |id: PublishId, payload: Bytes| PublishRequest {
        id,
        topic: topic.clone(),
        payload,
        qos: qos(args.qos),
        retain: args.retain,
        properties: properties.clone(),
    };
    // Messages ready to hand to the engine, in order.
    let mut ready: VecDeque<Bytes> = VecDeque::new();
    let mut lines: Option<std_mpsc::Receiver<Option<Vec<u8>>>> = None;
    let mut input_done = false;
    let (mut scheduled, mut next_at) = (0u64, Instant::now());
    let delay = Duration::from_secs_f64(args.repeat_delay);
    match &source {
        Source::Once(_) => {}
        Source::Lines => {
            let (line_tx, line_rx) = std_mpsc::sync_channel::<Option<Vec<u8>>>(256);
            let waker = client.waker.clone();
            let _ = std::thread::Builder::new().name("topicscope-stdin".into()).spawn(move || {
                let stdin = std::io::stdin();
                for line in stdin.lock().split(b'\n') {
                    let Ok(mut line) = line else { break };
                    if line.last() == Some(&b'\r') {
                        line.pop();
                    }
                    if !line.is_empty() && line_tx.send(Some(line)).is_err() {
                        return;
                    }
                    waker();
                }
                let _ = line_tx.send(None);
                waker();
            });
            lines = Some(line_rx);
        }
    }
    let mut pending: HashSet<PublishId> = HashSet::new();
    let (mut next_id, mut sent, mut refused) = (RequestId(1), 0u64, 0u64);
    let mut lost: Option<ConnectionFailure> = None;
    loop {
        // Take in what there is to send.
        match &source {
            Source::Once(payload) => {
                while scheduled < args.repeat && Instant::now() >= next_at {
                    ready.push_back(payload.clone());
                    scheduled += 1;
                    next_at = Instant::now() + delay;
                }
                input_done = scheduled >= args.repeat;
            }
            Source::Lines => {
                if let Some(receiver) = &lines {
                    while let Ok(line) = receiver.try_recv() {
                        match line {
                            Some(line) => match encode(Bytes::from(line)) {
                                Ok(payload) => ready.push_back(payload),
                                Err(failure) => {
                                    client.disconnect();
                                    return Err(failure);
                                }
                            },
                            None => input_done = true,
                        }
                    }
                }
            }
        }
        // Hand it over while the engine's queue has room.
        while let Some(payload) = ready.front().cloned() {
            let id = PublishId::Request(next_id);
            match client.send(Command::Publish { connection: CONNECTION, request: request(id, payload) }) {
                Ok(()) => {
                    ready.pop_front();
                    pending.insert(id);
                    next_id.take_next();
                }
                Err(SendError::Busy) => break,
                Err(SendError::Stopped) => return Err(Failure::new(ExitKind::Other, "the network engine stopped")),
            }
        }
        if input_done && ready.is_empty() && pending.is_empty() {
            break;
        }
        let deadline = match &source {
            Source::Once(_) if scheduled < args.repeat => Some(next_at),
            _ => None,
        };
        match client.next(deadline) {
            Next::Event(ConnectionEvent::Delivery { request, outcome, .. }) => match outcome {
                DeliveryOutcome::Received => {}
                DeliveryOutcome::Written | DeliveryOutcome::Acknowledged | DeliveryOutcome::Completed => {
                    client.debug(&format!("message {request}: {outcome}"));
                    pending.remove(&request);
                    sent += 1;
                }
                DeliveryOutcome::Refused(reason) => {
                    client.say(&format!("the broker refused message {request} on '{topic}': {reason}"));
                    pending.remove(&request);
                    refused += 1;
                }
                DeliveryOutcome::Failed(reason) => {
                    pending.remove(&request);
                    client.say(&format!("message {request} was not delivered: {reason}"));
                    lost.get_or_insert(ConnectionFailure::Lost(reason));
                }
            },
            Next::Event(ConnectionEvent::State(
                ConnectionState::Reconnecting { error, .. } | ConnectionState::Failed(error),
            )) => {
                let _ = client.send(Command::Disconnect { connection: CONNECTION });
                let unsent = pending.len() + ready.len();
                return Err(Failure::new(
                    ExitKind::for_failure(&error),
                    format!("{error} ({sent} sent, {unsent} not confirmed)"),
                ));
            }
            Next::Interrupted => {
                client.disconnect();
                let unsent = pending.len() + ready.len();
                if unsent == 0 && matches!(source, Source::Lines) {
                    return Ok(());
                }
                return Err(Failure::new(
                    ExitKind::Interrupted,
                    format!("interrupted: {sent} sent, {unsent} not confirmed"),
                ));
            }
            _ => {}
        }
    }
    client.disconnect();
    if let Some(error) = lost {
        return Err(Failure::new(ExitKind::Network, format!("{error} ({sent} sent)")));
    }
    if refused > 0 {
        return Err(Failure::new(ExitKind::Refused, format!("{refused} of {} messages refused", refused + sent)));
    }
    Ok(())
}
