//! `topicscope sub`: subscribe and print, with mosquitto_sub's output
//! formats, counts, timeouts and retained-message handling.

use super::args::{SubArgs, qos};
use super::client::{CONNECTION, Client, ExitKind, Failure, Next, build_profile, finish, save_profile_if_asked};
use std::collections::VecDeque;
use std::io::Write as _;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use bytes::Bytes;
use topicscope::core::engine::{
    Command, ConnectionEvent, ConnectionFailure, ConnectionState, DeliveryOutcome, PublishRequest, SendError,
    SubscribeOutcome, SubscriptionSpec,
};
use topicscope::core::ids::{PublishId, RequestId, SubscriptionId, TabId};
use topicscope::core::mqtt::{Qos, SubscribeOptions};
use topicscope::core::store::StoredMessage;
use topicscope::core::sub_format::OutputFormat;
use topicscope::core::topic::{topic_matches, validate_topic_filter};

/// How `sub` prints a message.
pub(crate) enum Printer {
    Payload,
    Verbose,
    Format(OutputFormat),
    Json { pretty: bool },
}

impl Printer {
    pub(crate) fn print(
        &self,
        out: &mut impl std::io::Write,
        at: chrono::DateTime<chrono::Utc>,
        message: &topicscope::core::mqtt::IncomingMessage,
        decoded: Option<String>,
        newline: bool,
    ) -> Result<Result<(), String>, std::io::Error> {
        // -F, -v and plain output print the decoded form as the payload;
        // --json keeps the payload and adds the decoded form.
        let substituted;
        let message = match (&decoded, self) {
            (Some(text), Self::Payload | Self::Verbose | Self::Format(_)) => {
                substituted = topicscope::core::mqtt::IncomingMessage {
                    payload: Bytes::from(text.clone().into_bytes()),
                    ..message.clone()
                };
                &substituted
            }
            _ => message,
        };
        match self {
            Self::Payload => out.write_all(&message.payload)?,
            Self::Verbose => {
                out.write_all(message.topic.as_bytes())?;
                out.write_all(b" ")?;
                out.write_all(&message.payload)?;
            }
            Self::Format(format) => match format.render(message, at) {
                Ok(bytes) => out.write_all(&bytes)?,
                Err(reason) => return Ok(Err(reason.to_string())),
            },
            Self::Json { pretty } => {
                let mut value = topicscope::core::export::message_json(&StoredMessage::received(
                    TabId::default(),
                    at,
                    message,
                    None,
                ));
                if let (Some(text), Some(object)) = (&decoded, value.as_object_mut()) {
                    let decoded_value = serde_json::from_str(text).unwrap_or(serde_json::Value::Null);
                    object.insert("decoded".into(), decoded_value);
                }
                let text = if *pretty { serde_json::to_string_pretty(&value) } else { serde_json::to_string(&value) };
                out.write_all(text.map_err(std::io::Error::other)?.as_bytes())?;
            }
        }
        if newline {
            out.write_all(b"\n")?;
        }
        Ok(Ok(()))
    }
}

/// Runs `topicscope sub`.
pub fn run_sub(args: &SubArgs) -> ExitCode {
    finish("sub", args.client.quiet, subscribe(args))
}

pub(crate) fn subscribe(args: &SubArgs) -> Result<(), Failure> {
    let filters: Vec<String> =
        args.topic.iter().chain(args.client.url.as_ref().map(|url| &url.topic)).cloned().collect();
    for filter in filters.iter().chain(&args.filter_out).chain(&args.unsubscribe) {
        validate_topic_filter(filter).map_err(|error| Failure::new(ExitKind::Usage, format!("'{filter}': {error}")))?;
    }
    let printer = match &args.format {
        Some(format) => Printer::Format(
            OutputFormat::parse(format).map_err(|error| Failure::new(ExitKind::Usage, error.to_string()))?,
        ),
        None if args.json || args.pretty => Printer::Json { pretty: args.pretty },
        None if args.verbose => Printer::Verbose,
        None => Printer::Payload,
    };
    let profile = build_profile(&args.client, "sub")?;
    let decoding = args.decode || args.proto_type.is_some() || !args.proto_file.is_empty();
    let decoders = if decoding {
        Some(super::decoding::decoders_for(&profile, &args.proto_file, args.proto_type.as_deref())?)
    } else {
        None
    };
    let saved: Vec<topicscope::core::profile::SavedSubscription> = filters
        .iter()
        .map(|filter| topicscope::core::profile::SavedSubscription {
            filter: filter.clone(),
            qos: qos(args.qos),
            ..Default::default()
        })
        .collect();
    save_profile_if_asked(&args.client, &profile, saved)?;
    let subscriptions: Vec<SubscriptionSpec> = filters
        .iter()
        .enumerate()
        .map(|(index, filter)| SubscriptionSpec {
            id: SubscriptionId(u32::try_from(index).unwrap_or(u32::MAX)),
            filter: filter.clone(),
            qos: qos(args.qos),
            options: SubscribeOptions::default(),
        })
        .collect();
    let mut client = Client::start("sub", &args.client)?;
    client.connect(&profile, subscriptions.clone())?;
    // -U: ids after the subscriptions'.
    let first_unsubscribe = u32::try_from(subscriptions.len()).unwrap_or(u32::MAX);
    for (offset, filter) in args.unsubscribe.iter().enumerate() {
        let subscription = SubscriptionId(first_unsubscribe.saturating_add(u32::try_from(offset).unwrap_or(u32::MAX)));
        let command = Command::UnsubscribeFilter { connection: CONNECTION, subscription, filter: filter.clone() };
        client.send(command).map_err(|error| Failure::new(ExitKind::Other, error.to_string()))?;
    }
    let unsubscribed_from = |subscription: SubscriptionId| {
        let index = subscription.0.checked_sub(first_unsubscribe)? as usize;
        args.unsubscribe.get(index).map(String::as_str)
    };
    let mut unsubscribes_answered = 0usize;
    let everything_answered = |answered: usize, unsubscribes_answered: usize| {
        answered == subscriptions.len() && unsubscribes_answered == args.unsubscribe.len()
    };
    let deadline = args.timeout.map(|seconds| Instant::now() + Duration::from_secs(seconds));
    let (mut answered, mut refused) = (0usize, 0usize);
    let mut received = 0u64;
    let mut clearing = RetainedClearing::default();
    // -C reached, --retained-only saw a live message, or stdout was closed.
    let mut done = false;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let result = loop {
        if done || args.count.is_some_and(|count| received >= count) {
            break Ok(());
        }
        clearing.send(&client);
        match client.next(deadline) {
            Next::Event(ConnectionEvent::Messages(batch)) => {
                for (at, message) in &batch {
                    if args.count.is_some_and(|count| received >= count) {
                        break;
                    }
                    // As mosquitto_sub: cleared before -T, -R and --retained-only apply.
                    if args.remove_retained && message.retain {
                        clearing.waiting.push_back(message.topic.to_string());
                    }
                    if args.filter_out.iter().any(|filter| topic_matches(filter, &message.topic)) {
                        continue;
                    }
                    if args.no_retained && message.retain {
                        continue;
                    }
                    if args.retained_only && !message.retain {
                        done = true;
                        break;
                    }
                    if args.random_filter.is_some_and(|chance| rand::random::<f64>() * 100.0 >= chance) {
                        continue;
                    }
                    // --decode: the decoded form in place of the payload (the
                    // raw payload and a warning when it does not decode).
                    let decoded = decoders
                        .as_ref()
                        .and_then(|decoders| super::decoding::decoded_text(decoders, &message.topic, &message.payload));
                    if let Some(Err(reason)) = &decoded {
                        client.say(&format!("'{}': {reason}", message.topic));
                    }
                    match printer.print(&mut out, *at, message, decoded.and_then(Result::ok), !args.no_newline) {
                        Ok(Ok(())) => received += 1,
                        Ok(Err(reason)) => client.say(&reason),
                        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => {
                            done = true;
                            break;
                        }
                        Err(error) => {
                            client.disconnect();
                            return Err(Failure::new(ExitKind::Other, format!("cannot write: {error}")));
                        }
                    }
                }
                if let Err(error) = out.flush()
                    && error.kind() != std::io::ErrorKind::BrokenPipe
                {
                    client.disconnect();
                    return Err(Failure::new(ExitKind::Other, format!("cannot write: {error}")));
                }
            }
            Next::Event(ConnectionEvent::Subscribed { subscription, outcome }) => {
                answered += 1;
                let filter = subscriptions.get(subscription.0 as usize).map_or("?", |spec| spec.filter.as_str());
                match outcome {
                    SubscribeOutcome::Granted(granted) => {
                        client.debug(&format!("subscribed to '{filter}' ({granted})"))
                    }
                    SubscribeOutcome::Refused(reason) => {
                        refused += 1;
                        client.say(&format!("subscription to '{filter}' refused: {reason}"));
                    }
                }
                if refused == subscriptions.len() {
                    break Err(Failure::new(ExitKind::Refused, "every subscription was refused"));
                }
                if args.exit_after_subscribe && everything_answered(answered, unsubscribes_answered) {
                    break Ok(());
                }
            }
            Next::Event(ConnectionEvent::SubscriptionResumed { .. }) => {
                answered += 1;
                if args.exit_after_subscribe && everything_answered(answered, unsubscribes_answered) {
                    break Ok(());
                }
            }
            Next::Event(ConnectionEvent::Unsubscribed { subscription, reasons }) => {
                if let Some(filter) = unsubscribed_from(subscription) {
                    unsubscribes_answered += 1;
                    // 0x00 Success needs no word; anything else is worth one.
                    let unusual: Vec<String> =
                        reasons.into_iter().filter(|reason| !reason.starts_with("0x00")).collect();
                    if unusual.is_empty() {
                        client.debug(&format!("unsubscribed from '{filter}'"));
                    } else {
                        client.say(&format!("unsubscribed from '{filter}': {}", unusual.join(", ")));
                    }
                }
                let only_unsubscribing = subscriptions.is_empty() || args.exit_after_subscribe;
                if only_unsubscribing && everything_answered(answered, unsubscribes_answered) {
                    break Ok(());
                }
            }
            Next::Event(ConnectionEvent::SubscriptionFailed { subscription, reason }) => {
                if let Some(filter) = unsubscribed_from(subscription) {
                    break Err(Failure::new(
                        ExitKind::Network,
                        format!("cannot unsubscribe from '{filter}': {reason}"),
                    ));
                }
            }
            Next::Event(ConnectionEvent::Delivery { request, outcome, .. }) => {
                clearing.delivered(&client, request, &outcome);
            }
            // A broker that breaks the protocol would only do it again.
            Next::Event(ConnectionEvent::State(ConnectionState::Reconnecting {
                error: error @ ConnectionFailure::Protocol(_),
                ..
            })) => {
                break Err(Failure::new(ExitKind::Network, error.to_string()));
            }
            Next::Event(ConnectionEvent::State(ConnectionState::Reconnecting { error, .. })) => {
                client.say(&format!("{error}; reconnecting"));
            }
            Next::Event(ConnectionEvent::State(ConnectionState::Failed(error))) => {
                break Err(Failure::new(ExitKind::for_failure(&error), error.to_string()));
            }
            Next::Event(ConnectionEvent::State(ConnectionState::Connected { client_id, .. })) => {
                client.debug(&format!("connected again as {client_id}"));
            }
            Next::TimedOut => {
                break match args.count {
                    Some(count) => Err(Failure::new(
                        ExitKind::Timeout,
                        format!("timed out after {} s: {received} of {count} messages", args.timeout.unwrap_or(0)),
                    )),
                    None => Ok(()),
                };
            }
            Next::Interrupted => break Ok(()),
            _ => {}
        }
    };
    let _ = out.flush();
    // Exit only once the broker has the retained messages cleared.
    let clear_deadline = Instant::now() + Duration::from_secs(10);
    while !clearing.is_done() {
        clearing.send(&client);
        match client.next(Some(clear_deadline)) {
            Next::Event(ConnectionEvent::Delivery { request, outcome, .. }) => {
                clearing.delivered(&client, request, &outcome);
            }
            Next::Event(ConnectionEvent::State(ConnectionState::Reconnecting { .. } | ConnectionState::Failed(_)))
            | Next::TimedOut
            | Next::Interrupted => {
                clearing.failed += clearing.waiting.len() + clearing.sent.len();
                break;
            }
            _ => {}
        }
    }
    client.disconnect();
    match result {
        Ok(()) if clearing.failed > 0 => {
            Err(Failure::new(ExitKind::Refused, format!("{} retained messages were not cleared", clearing.failed)))
        }
        other => other,
    }
}

/// `sub --remove-retained`: an empty retained QoS 1 publish per retained
/// message received, each followed to its acknowledgement.
#[derive(Default)]
pub(crate) struct RetainedClearing {
    /// Topics to clear, in arrival order, not yet taken by the engine.
    pub(crate) waiting: VecDeque<String>,
    /// Request id → topic, sent and not yet acknowledged.
    pub(crate) sent: std::collections::HashMap<PublishId, String>,
    pub(crate) next_request: RequestId,
    /// Clears the broker refused or that were lost.
    pub(crate) failed: usize,
}

impl RetainedClearing {
    /// Hands waiting clears to the engine while its queue takes them.
    pub(crate) fn send(&mut self, client: &Client) {
        while let Some(topic) = self.waiting.front() {
            let id = PublishId::Request(self.next_request);
            let request = PublishRequest {
                id,
                topic: topic.clone(),
                payload: Bytes::new(),
                qos: Qos::AtLeastOnce,
                retain: true,
                properties: None,
            };
            match client.send(Command::Publish { connection: CONNECTION, request }) {
                Ok(()) => {
                    self.next_request.take_next();
                    if let Some(topic) = self.waiting.pop_front() {
                        self.sent.insert(id, topic);
                    }
                }
                Err(SendError::Busy) => return,
                Err(SendError::Stopped) => {
                    client.say("the network engine stopped; retained messages not cleared");
                    self.waiting.clear();
                    return;
                }
            }
        }
    }

    pub(crate) fn delivered(&mut self, client: &Client, request: PublishId, outcome: &DeliveryOutcome) {
        let reason = match outcome {
            DeliveryOutcome::Acknowledged | DeliveryOutcome::Completed => None,
            DeliveryOutcome::Refused(reason) | DeliveryOutcome::Failed(reason) => Some(reason),
            DeliveryOutcome::Written | DeliveryOutcome::Received => return,
        };
        let Some(topic) = self.sent.remove(&request) else { return };
        match reason {
            None => client.debug(&format!("cleared the retained message on '{topic}'")),
            Some(reason) => {
                self.failed += 1;
                client.say(&format!("the retained message on '{topic}' was not cleared: {reason}"));
            }
        }
    }

    pub(crate) fn is_done(&self) -> bool {
        self.waiting.is_empty() && self.sent.is_empty()
    }
}
