//! Device mocks running inside a connection: the rules of the mock files
//! the app, a scenario or `topicscope mock` switched on answer the messages
//! this connection receives, after their delay, on the same connection.
//! Running them here (not in the UI or a CLI loop) means one implementation
//! for all three, answers that keep their timing whatever the window does,
//! and delays that end with the connection.
//!
//! The mocks' filters are subscribed under ids of their own
//! ([`is_mock_subscription`]); a filter the connection already holds is not
//! subscribed twice, and leaving a mock never unsubscribes a filter the
//! connection still wants.

use std::collections::VecDeque;
use std::time::Duration;

use bytes::Bytes;
use tokio::time::Instant;

use super::{PublishRequest, SubscriptionSpec};
use crate::ids::{PublishId, SubscriptionId};
use crate::mock::{MockAnswer, MockFile};
use crate::mqtt::{IncomingMessage, Qos};

/// Subscription ids at or above this one are the mocks' own (callers count
/// theirs up from 0 or 1, so the two never meet).
const FIRST_MOCK_SUBSCRIPTION: u32 = u32::MAX - 65_535;

/// True for the subscriptions the engine made for mocks, which no caller
/// asked for (the app does not list them; their SUBACKs tell a scenario
/// its mock is listening).
pub fn is_mock_subscription(id: SubscriptionId) -> bool {
    id.0 >= FIRST_MOCK_SUBSCRIPTION
}

/// Most answers in one second. A rule whose answer matches its own filter
/// answers itself for ever; past this the mocks stop and say so.
pub const MAX_ANSWERS_PER_SECOND: u32 = 5_000;

/// Most answers waiting for their delay; a flood of requests to a slow
/// mock must not grow memory without end.
const MAX_PENDING_ANSWERS: usize = 100_000;

/// What a connection's mocks did, for the app's Mocks window, a scenario
/// and the CLI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MockReport {
    /// The mocks now in force (none when switched off) and the filters they
    /// listen on, each with the subscription made for it (`None` when the
    /// connection already held that filter).
    Listening {
        /// The mock files' names, in order.
        files: Vec<String>,
        /// Filter and its mock subscription.
        filters: Vec<(String, Option<SubscriptionId>)>,
    },
    /// An answer went out (handed to the connection after its delay).
    Answered {
        /// The mock file's name.
        file: String,
        /// 1-based rule number in that file.
        rule: usize,
        /// The topic of the message answered.
        request_topic: String,
        /// The answer's topic.
        topic: String,
        /// The delay the rule asked for.
        delay: Duration,
    },
    /// A rule matched but its answer could not be filled (e.g. no response
    /// topic to reply on, a capture that found nothing).
    Unanswerable {
        /// The mock file's name.
        file: String,
        /// The topic of the message that matched.
        request_topic: String,
        /// Why, in the user's words.
        reason: String,
    },
    /// The mocks stopped answering (they stay listed; switching them on
    /// again starts them afresh).
    Stopped {
        /// Why.
        reason: String,
    },
}

/// One filter the mocks listen on.
struct MockFilter {
    filter: String,
    /// The subscription made for it; `None` while the connection holds
    /// the filter anyway.
    own: Option<SubscriptionId>,
}

/// An answer waiting for its delay.
struct Pending {
    at: Instant,
    file: usize,
    request_topic: String,
    answer: MockAnswer,
}

/// The mocks of one connection.
#[derive(Default)]
pub(crate) struct MockResponder {
    files: Vec<MockFile>,
    filters: Vec<MockFilter>,
    next_subscription: u32,
    /// In the order they are due.
    pending: VecDeque<Pending>,
    answers: u64,
    window: Option<(Instant, u32)>,
    stopped: bool,
}

/// What switching mocks asks of the connection's subscriptions.
pub(crate) struct MockSubscriptionChanges {
    /// Mock subscriptions to forget; each with whether to send UNSUBSCRIBE
    /// (not when the connection still wants the filter).
    pub(crate) remove: Vec<(SubscriptionId, bool)>,
    /// Mock subscriptions to add.
    pub(crate) add: Vec<SubscriptionSpec>,
}

impl MockResponder {
    /// Puts `files` in force (none switches mocks off). `held` tells
    /// whether the connection holds a filter under a subscription of its
    /// own. Answers still waiting for their delay are dropped.
    pub(crate) fn replace(
        &mut self,
        files: Vec<MockFile>,
        held: &dyn Fn(&str) -> bool,
    ) -> (MockSubscriptionChanges, MockReport) {
        let mut wanted: Vec<String> = Vec::new();
        for file in &files {
            for filter in file.filters() {
                if !wanted.contains(&filter) {
                    wanted.push(filter);
                }
            }
        }
        let mut changes = MockSubscriptionChanges { remove: Vec::new(), add: Vec::new() };
        let mut kept = Vec::new();
        for old in std::mem::take(&mut self.filters) {
            if wanted.contains(&old.filter) {
                kept.push(old);
            } else if let Some(id) = old.own {
                changes.remove.push((id, !held(&old.filter)));
            }
        }
        for filter in wanted {
            if kept.iter().any(|existing| existing.filter == filter) {
                continue;
            }
            let own = if held(&filter) {
                None
            } else {
                let id = self.take_subscription_id();
                changes.add.push(SubscriptionSpec {
                    id,
                    filter: filter.clone(),
                    qos: Qos::AtLeastOnce,
                    options: Default::default(),
                });
                Some(id)
            };
            kept.push(MockFilter { filter, own });
        }
        self.filters = kept;
        self.files = files;
        self.pending.clear();
        self.window = None;
        self.stopped = false;
        (changes, self.listening())
    }

    fn take_subscription_id(&mut self) -> SubscriptionId {
        let id = SubscriptionId(FIRST_MOCK_SUBSCRIPTION + self.next_subscription % 65_536);
        self.next_subscription = self.next_subscription.wrapping_add(1);
        id
    }

    fn listening(&self) -> MockReport {
        MockReport::Listening {
            files: self.files.iter().map(|file| file.name.clone()).collect(),
            filters: self.filters.iter().map(|filter| (filter.filter.clone(), filter.own)).collect(),
        }
    }

    /// The connection stopped holding `filter` under its own subscription:
    /// a mock that listened on it through that one needs its own now.
    pub(crate) fn filter_released(&mut self, filter: &str) -> Option<SubscriptionSpec> {
        let index = self.filters.iter().position(|mock| mock.filter == filter && mock.own.is_none())?;
        let id = self.take_subscription_id();
        self.filters[index].own = Some(id);
        Some(SubscriptionSpec { id, filter: filter.to_owned(), qos: Qos::AtLeastOnce, options: Default::default() })
    }

    /// A message arrived: schedules the first matching rule's answer, or
    /// says why it cannot be filled or why the mocks stopped.
    pub(crate) fn on_message(&mut self, message: &IncomingMessage, now: Instant) -> Option<MockReport> {
        if self.files.is_empty() || self.stopped {
            return None;
        }
        let (file, answer) = self
            .files
            .iter()
            .enumerate()
            .find_map(|(index, file)| file.answer(message).map(|answer| (index, answer)))?;
        let answer = match answer {
            Ok(answer) => answer,
            Err(reason) => {
                return Some(MockReport::Unanswerable {
                    file: self.files[file].name.clone(),
                    request_topic: message.topic.clone(),
                    reason,
                });
            }
        };
        let (started, count) =
            self.window.filter(|(started, _)| now < *started + Duration::from_secs(1)).unwrap_or((now, 0));
        self.window = Some((started, count + 1));
        if count + 1 > MAX_ANSWERS_PER_SECOND || self.pending.len() >= MAX_PENDING_ANSWERS {
            self.stopped = true;
            self.pending.clear();
            let reason = if count + 1 > MAX_ANSWERS_PER_SECOND {
                format!(
                    "more than {MAX_ANSWERS_PER_SECOND} answers in one second (rule {} of '{}' answered '{}' on '{}'): \
                     a rule probably answers its own answers",
                    answer.rule, self.files[file].name, message.topic, answer.topic
                )
            } else {
                format!("more than {MAX_PENDING_ANSWERS} answers waiting for their delay")
            };
            return Some(MockReport::Stopped { reason });
        }
        let at = now + answer.delay;
        let position = self.pending.partition_point(|pending| pending.at <= at);
        self.pending.insert(position, Pending { at, file, request_topic: message.topic.clone(), answer });
        None
    }

    /// When the next answer is due.
    pub(crate) fn next_due(&self) -> Option<Instant> {
        self.pending.front().map(|pending| pending.at)
    }

    /// The answers due by `now`, as publishes with what to report of each.
    pub(crate) fn take_due(&mut self, now: Instant) -> Vec<(PublishRequest, MockReport)> {
        let mut due = Vec::new();
        while self.pending.front().is_some_and(|pending| pending.at <= now) {
            let Some(Pending { file, request_topic, answer, .. }) = self.pending.pop_front() else { break };
            self.answers += 1;
            let report = MockReport::Answered {
                file: self.files.get(file).map(|file| file.name.clone()).unwrap_or_default(),
                rule: answer.rule,
                request_topic,
                topic: answer.topic.clone(),
                delay: answer.delay,
            };
            let request = PublishRequest {
                id: PublishId::Mock(self.answers),
                topic: answer.topic,
                payload: Bytes::from(answer.payload),
                qos: answer.qos,
                retain: answer.retain,
                properties: answer.properties.map(Box::new),
            };
            due.push((request, report));
        }
        due
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(topic: &str, payload: &str) -> IncomingMessage {
        IncomingMessage {
            topic: topic.into(),
            payload: payload.to_owned().into_bytes().into(),
            qos: Qos::AtMostOnce,
            retain: false,
            duplicate: false,
            packet_id: 0,
            properties: None,
        }
    }

    fn file(text: &str) -> MockFile {
        MockFile::parse(text, "m.ron").unwrap_or_else(|error| panic!("{error}"))
    }

    #[test]
    fn answers_come_due_in_delay_order_and_carry_their_rule() {
        let mut mocks = MockResponder::default();
        let rules = file(
            r#"(name: "m", rules: [
                (filter: "slow", respond: (topic: "slow/ok", delay_ms: 50)),
                (filter: "fast", respond: (topic: "fast/ok", delay_ms: 10)),
            ])"#,
        );
        let (changes, report) = mocks.replace(vec![rules], &|_| false);
        assert_eq!(changes.add.len(), 2);
        assert!(changes.add.iter().all(|spec| is_mock_subscription(spec.id)));
        assert!(matches!(report, MockReport::Listening { files, .. } if files == ["m"]));
        let start = Instant::now();
        assert_eq!(mocks.on_message(&message("slow", ""), start), None);
        assert_eq!(mocks.on_message(&message("fast", ""), start), None);
        assert_eq!(mocks.on_message(&message("other", ""), start), None);
        assert_eq!(mocks.next_due(), Some(start + Duration::from_millis(10)));
        assert!(mocks.take_due(start + Duration::from_millis(9)).is_empty());
        let topics: Vec<String> =
            mocks.take_due(start + Duration::from_millis(60)).into_iter().map(|(request, _)| request.topic).collect();
        assert_eq!(topics, ["fast/ok", "slow/ok"]);
    }

    #[test]
    fn a_rule_answering_itself_stops_the_mocks() {
        let mut mocks = MockResponder::default();
        mocks.replace(vec![file(r#"(name: "loop", rules: [(filter: "a/#", respond: (topic: "a/b"))])"#)], &|_| false);
        let now = Instant::now();
        let mut stopped = None;
        for _ in 0..=MAX_ANSWERS_PER_SECOND {
            if let Some(report) = mocks.on_message(&message("a/b", ""), now) {
                stopped = Some(report);
            }
        }
        let Some(MockReport::Stopped { reason }) = stopped else { panic!("stopped: {stopped:?}") };
        assert!(reason.contains("a rule probably answers its own answers"), "{reason}");
        assert_eq!(mocks.next_due(), None, "what was waiting is dropped");
        assert_eq!(mocks.on_message(&message("a/b", ""), now + Duration::from_secs(5)), None);
    }

    #[test]
    fn filters_the_connection_holds_are_not_subscribed_twice_nor_unsubscribed() {
        let mut mocks = MockResponder::default();
        let rules =
            file(r#"(name: "m", rules: [(filter: "x", respond: (topic: "y")), (filter: "z", respond: (topic: "y"))])"#);
        let (changes, _) = mocks.replace(vec![rules], &|filter| filter == "x");
        assert_eq!(changes.add.iter().map(|spec| spec.filter.as_str()).collect::<Vec<_>>(), ["z"]);
        // The connection lets go of "x": the mock subscribes it itself.
        let spec = mocks.filter_released("x").unwrap_or_else(|| panic!("the mock takes x over"));
        assert!(is_mock_subscription(spec.id));
        // Switched off while the connection holds "z" again: no UNSUBSCRIBE for it.
        let (changes, report) = mocks.replace(Vec::new(), &|filter| filter == "z");
        let sent: Vec<bool> = changes.remove.iter().map(|(_, send)| *send).collect();
        assert_eq!(sent, [true, false], "x is unsubscribed, z is kept");
        assert!(matches!(report, MockReport::Listening { files, filters } if files.is_empty() && filters.is_empty()));
    }
}
