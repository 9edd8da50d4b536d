//! The message log's storage: a ring bounded by count and bytes that counts
//! what it receives and what it has to evict, plus incrementally maintained
//! filtered views so the UI never rescans the whole log every frame.

use std::collections::VecDeque;
use std::sync::Arc;

use bytes::Bytes;
use chrono::{DateTime, Utc};

use crate::core::mqtt::{Direction, MessageProperties, Qos, SubscriptionId};
use crate::core::topic::topic_matches;

/// Default cap on stored messages.
pub const DEFAULT_MAX_MESSAGES: usize = 1_000_000;
/// Default cap on stored bytes (topics + payloads + per-message overhead).
pub const DEFAULT_MAX_BYTES: usize = 512 * 1024 * 1024;

/// Bookkeeping bytes charged per message on top of topic and payload.
pub const PER_MESSAGE_OVERHEAD: usize = std::mem::size_of::<StoredMessage>();

/// The store's caps; whichever is reached first evicts the oldest messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreLimits {
    /// Most messages kept.
    pub max_messages: usize,
    /// Most bytes kept, as counted by [`StoredMessage::charged_bytes`].
    pub max_bytes: usize,
}

impl Default for StoreLimits {
    fn default() -> Self {
        Self { max_messages: DEFAULT_MAX_MESSAGES, max_bytes: DEFAULT_MAX_BYTES }
    }
}

/// One logged message, incoming or outgoing.
#[derive(Debug, Clone)]
pub struct StoredMessage {
    /// Position in the log since start; never reused, survives eviction of others.
    pub seq: u64,
    /// The connection tab (session) it belongs to.
    pub session: u64,
    /// When the engine saw it (ms precision is shown).
    pub time: DateTime<Utc>,
    /// In or out.
    pub direction: Direction,
    /// Topic name; shared so repeated topics cost one allocation each.
    pub topic: Arc<str>,
    /// Full payload, never truncated.
    pub payload: Bytes,
    /// QoS it was delivered or sent with.
    pub qos: Qos,
    /// Retain flag.
    pub retain: bool,
    /// The first of our subscriptions whose filter matches (gives the colour).
    pub subscription: Option<SubscriptionId>,
    /// MQTT 5 properties, when present.
    pub properties: Option<Box<MessageProperties>>,
}

impl StoredMessage {
    /// Bytes this message counts against [`StoreLimits::max_bytes`].
    pub fn charged_bytes(&self) -> usize {
        self.topic.len() + self.payload.len() + PER_MESSAGE_OVERHEAD
    }
}

/// Running totals the status bar shows; never reset by eviction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StoreCounters {
    /// Incoming messages ever added.
    pub received: u64,
    /// Outgoing messages ever added.
    pub sent: u64,
    /// Messages dropped because a cap was reached.
    pub evicted: u64,
    /// Messages removed by the user's Clear.
    pub cleared: u64,
}

/// The bounded message log.
#[derive(Debug)]
pub struct MessageStore {
    messages: VecDeque<StoredMessage>,
    next_seq: u64,
    bytes: usize,
    limits: StoreLimits,
    counters: StoreCounters,
}

impl Default for MessageStore {
    fn default() -> Self {
        Self::new(StoreLimits::default())
    }
}

impl MessageStore {
    /// An empty store with the given caps.
    pub fn new(limits: StoreLimits) -> Self {
        Self { messages: VecDeque::new(), next_seq: 0, bytes: 0, limits, counters: StoreCounters::default() }
    }

    /// Adds a message (its `seq` is assigned here) and evicts the oldest
    /// messages until both caps hold again. Returns the assigned sequence.
    pub fn push(&mut self, mut message: StoredMessage) -> u64 {
        message.seq = self.next_seq;
        self.next_seq += 1;
        match message.direction {
            Direction::Incoming => self.counters.received += 1,
            Direction::Outgoing => self.counters.sent += 1,
        }
        self.bytes += message.charged_bytes();
        self.messages.push_back(message);
        while self.messages.len() > self.limits.max_messages.max(1)
            || (self.bytes > self.limits.max_bytes && self.messages.len() > 1)
        {
            if let Some(evicted) = self.messages.pop_front() {
                self.bytes -= evicted.charged_bytes();
                self.counters.evicted += 1;
            }
        }
        self.next_seq - 1
    }

    /// Removes every message, counting them as cleared (not evicted).
    pub fn clear(&mut self) {
        self.counters.cleared += self.messages.len() as u64;
        self.messages.clear();
        self.bytes = 0;
    }

    /// Changes the caps, evicting immediately if they shrank.
    pub fn set_limits(&mut self, limits: StoreLimits) {
        self.limits = limits;
        while self.messages.len() > limits.max_messages.max(1)
            || (self.bytes > limits.max_bytes && self.messages.len() > 1)
        {
            if let Some(evicted) = self.messages.pop_front() {
                self.bytes -= evicted.charged_bytes();
                self.counters.evicted += 1;
            }
        }
    }

    /// Current caps.
    pub fn limits(&self) -> StoreLimits {
        self.limits
    }

    /// Messages currently held.
    pub fn len(&self) -> usize {
        self.messages.len()
    }

    /// True when nothing is held.
    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }

    /// Bytes currently charged.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Running totals.
    pub fn counters(&self) -> StoreCounters {
        self.counters
    }

    /// Sequence number of the oldest held message (or the next one if empty).
    pub fn first_seq(&self) -> u64 {
        self.messages.front().map_or(self.next_seq, |message| message.seq)
    }

    /// Sequence number the next pushed message will get.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// The message with this sequence number, if still held.
    pub fn get(&self, seq: u64) -> Option<&StoredMessage> {
        let first = self.first_seq();
        let index = usize::try_from(seq.checked_sub(first)?).ok()?;
        self.messages.get(index)
    }

    /// The held message at a position (0 = oldest).
    pub fn at(&self, index: usize) -> Option<&StoredMessage> {
        self.messages.get(index)
    }

    /// The message received before `seq` on the same topic and connection
    /// tab, if the log still holds one (for "compare with previous").
    pub fn previous_on_topic(&self, seq: u64) -> Option<u64> {
        let message = self.get(seq)?;
        let end = usize::try_from(seq.checked_sub(self.first_seq())?).ok()?;
        (0..end)
            .rev()
            .filter_map(|index| self.at(index))
            .find(|candidate| {
                candidate.session == message.session
                    && candidate.direction == Direction::Incoming
                    && candidate.topic == message.topic
            })
            .map(|candidate| candidate.seq)
    }

    /// Updates the subscription tag of held messages (e.g. after the user
    /// unsubscribes, so their colour no longer points at a dead row).
    pub fn retag(&mut self, mut tag: impl FnMut(&StoredMessage) -> Option<SubscriptionId>) {
        for message in &mut self.messages {
            message.subscription = tag(message);
        }
    }
}

/// What the log is filtered by. An empty filter shows everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogFilter {
    /// Searched in topic and payload: a case-insensitive substring, or a
    /// regular expression when `search_is_regex`.
    pub search: String,
    /// Treat `search` as a regular expression.
    pub search_is_regex: bool,
    /// Only messages whose topic matches these MQTT filters (all of them),
    /// e.g. a subscription's and one typed in the filter bar.
    pub topic_filters: Vec<String>,
    /// Only this connection tab (session).
    pub session: Option<u64>,
    /// Only incoming or only outgoing messages.
    pub direction: Option<Direction>,
    /// Only this QoS.
    pub qos: Option<Qos>,
    /// Only retained messages.
    pub retained_only: bool,
}

/// A [`LogFilter`] prepared for scanning many messages.
#[derive(Debug, Clone)]
struct CompiledFilter {
    lower_search: String,
    regex: Option<regex::bytes::Regex>,
}

impl LogFilter {
    /// True when the filter lets everything through.
    pub fn is_empty(&self) -> bool {
        self.search.is_empty()
            && self.topic_filters.is_empty()
            && self.session.is_none()
            && self.direction.is_none()
            && self.qos.is_none()
            && !self.retained_only
    }

    /// Compiles the search; an invalid regular expression is an error
    /// naming the problem.
    fn compile(&self) -> Result<CompiledFilter, String> {
        let regex = if self.search_is_regex && !self.search.is_empty() {
            let regex = regex::bytes::RegexBuilder::new(&self.search)
                .case_insensitive(true)
                .size_limit(1 << 20)
                .build()
                .map_err(|error| format!("invalid regular expression: {error}"))?;
            Some(regex)
        } else {
            None
        };
        Ok(CompiledFilter { lower_search: self.search.to_lowercase(), regex })
    }

    /// True when `message` passes the filter (an invalid regex matches nothing).
    pub fn accepts(&self, message: &StoredMessage) -> bool {
        self.compile().is_ok_and(|compiled| self.accepts_with(message, &compiled))
    }

    fn accepts_with(&self, message: &StoredMessage, compiled: &CompiledFilter) -> bool {
        if self.session.is_some_and(|session| session != message.session)
            || self.direction.is_some_and(|direction| direction != message.direction)
            || self.qos.is_some_and(|qos| qos != message.qos)
            || (self.retained_only && !message.retain)
        {
            return false;
        }
        if !self.topic_filters.iter().all(|filter| topic_matches(filter, &message.topic)) {
            return false;
        }
        if let Some(regex) = &compiled.regex {
            return regex.is_match(message.topic.as_bytes()) || regex.is_match(&message.payload);
        }
        let needle = compiled.lower_search.as_str();
        needle.is_empty()
            || contains_ignore_case(message.topic.as_bytes(), needle)
            || contains_ignore_case(&message.payload, needle)
    }
}

/// Case-insensitive for ASCII letters; other characters (already
/// lower-cased in the needle) must match exactly.
fn contains_ignore_case(haystack: &[u8], lower_needle: &str) -> bool {
    contains_ignore_ascii_case(haystack, lower_needle.as_bytes())
}

fn contains_ignore_ascii_case(haystack: &[u8], needle: &[u8]) -> bool {
    if needle.is_empty() {
        return true;
    }
    if needle.len() > haystack.len() {
        return false;
    }
    let first = needle[0].to_ascii_lowercase();
    haystack
        .windows(needle.len())
        .any(|window| window[0].to_ascii_lowercase() == first && window.eq_ignore_ascii_case(needle))
}

/// The rows a filtered log shows, maintained incrementally: each refresh
/// looks only at messages added since the last one (or, after the filter
/// changed, rescans under a per-call budget so the UI stays responsive).
#[derive(Debug, Default)]
pub struct FilteredView {
    filter: LogFilter,
    compiled: Option<CompiledFilter>,
    error: Option<String>,
    paused_at: Option<u64>,
    matching: VecDeque<u64>,
    scanned_up_to: u64,
    cleared_generation: u64,
}

/// Where a [`FilteredView`] stands after a refresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewProgress {
    /// Every held message has been looked at.
    Complete,
    /// Still scanning: `scanned` of `total` held messages looked at.
    Scanning {
        /// Messages looked at so far.
        scanned: u64,
        /// Messages to look at in total.
        total: u64,
    },
}

impl FilteredView {
    /// The active filter.
    pub fn filter(&self) -> &LogFilter {
        &self.filter
    }

    /// Replaces the filter; the next refreshes rebuild the rows.
    pub fn set_filter(&mut self, filter: LogFilter) {
        if filter != self.filter || (self.compiled.is_none() && self.error.is_none()) {
            match filter.compile() {
                Ok(compiled) => {
                    self.compiled = Some(compiled);
                    self.error = None;
                }
                Err(error) => {
                    self.compiled = None;
                    self.error = Some(error);
                }
            }
            self.filter = filter;
            self.matching.clear();
            self.scanned_up_to = 0;
        }
    }

    /// Brings the rows up to date with the store, looking at no more than
    /// `max_scan` messages. Call once per frame.
    pub fn refresh(&mut self, store: &MessageStore, max_scan: usize) -> ViewProgress {
        let first = store.first_seq();
        let cleared = store.counters().cleared;
        if cleared != self.cleared_generation {
            self.cleared_generation = cleared;
            self.matching.clear();
        }
        while self.matching.front().is_some_and(|seq| *seq < first) {
            self.matching.pop_front();
        }
        if self.filter.is_empty() {
            self.scanned_up_to = store.next_seq();
            return ViewProgress::Complete;
        }
        let start = self.scanned_up_to.max(first);
        let end = store.next_seq().min(start.saturating_add(max_scan as u64));
        for seq in start..end {
            if let Some(message) = store.get(seq)
                && let Some(compiled) = &self.compiled
                && self.filter.accepts_with(message, compiled)
            {
                self.matching.push_back(seq);
            }
        }
        self.scanned_up_to = end;
        if end == store.next_seq() {
            ViewProgress::Complete
        } else {
            ViewProgress::Scanning { scanned: end - first, total: store.next_seq() - first }
        }
    }

    /// Why the filter cannot be applied (e.g. an invalid regex), if so.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Pauses the view at the store's current end (new rows are held back,
    /// still received and stored) or resumes it.
    pub fn set_paused(&mut self, store: &MessageStore, paused: bool) {
        self.paused_at = paused.then(|| self.paused_at.unwrap_or(store.next_seq()));
    }

    /// True while paused.
    pub fn is_paused(&self) -> bool {
        self.paused_at.is_some()
    }

    fn all_rows(&self, store: &MessageStore) -> usize {
        if self.filter.is_empty() { store.len() } else { self.matching.len() }
    }

    /// Number of rows shown (rows arriving while paused are held back).
    pub fn len(&self, store: &MessageStore) -> usize {
        let Some(boundary) = self.paused_at else {
            return self.all_rows(store);
        };
        if self.filter.is_empty() {
            usize::try_from(boundary.saturating_sub(store.first_seq())).unwrap_or(usize::MAX).min(store.len())
        } else {
            self.matching.partition_point(|seq| *seq < boundary)
        }
    }

    /// Rows that arrived while paused and are not shown yet.
    pub fn held_back(&self, store: &MessageStore) -> usize {
        self.all_rows(store) - self.len(store)
    }

    /// True when there are no rows.
    pub fn is_empty(&self, store: &MessageStore) -> bool {
        self.len(store) == 0
    }

    /// The message shown in row `row` (0 = oldest).
    pub fn row<'a>(&self, store: &'a MessageStore, row: usize) -> Option<&'a StoredMessage> {
        if self.filter.is_empty() { store.at(row) } else { self.matching.get(row).and_then(|seq| store.get(*seq)) }
    }

    /// The row showing the message with this sequence number, if any.
    pub fn row_of(&self, store: &MessageStore, seq: u64) -> Option<usize> {
        if self.filter.is_empty() {
            let first = store.first_seq();
            (seq >= first && seq < store.next_seq()).then(|| (seq - first) as usize)
        } else {
            self.matching.binary_search(&seq).ok()
        }
    }
}

/// Messages per second over a sliding one-second window, for the status bar.
#[derive(Debug, Default, Clone)]
pub struct RateMeter {
    buckets: VecDeque<(u64, u64)>,
}

/// Width of one rate bucket in milliseconds.
const RATE_BUCKET_MS: u64 = 100;

impl RateMeter {
    /// Records `count` events at `now_ms` (any monotonic millisecond clock).
    pub fn record(&mut self, now_ms: u64, count: u64) {
        let bucket = now_ms / RATE_BUCKET_MS;
        match self.buckets.back_mut() {
            Some((last, total)) if *last == bucket => *total += count,
            _ => self.buckets.push_back((bucket, count)),
        }
        self.expire(now_ms);
    }

    /// Events per second over the last second.
    pub fn per_second(&mut self, now_ms: u64) -> u64 {
        self.expire(now_ms);
        self.buckets.iter().map(|(_, count)| count).sum()
    }

    /// Events per second over the last second, without mutating (for views).
    pub fn rate_at(&self, now_ms: u64) -> u64 {
        let oldest = (now_ms / RATE_BUCKET_MS).saturating_sub(1000 / RATE_BUCKET_MS - 1);
        let newest = now_ms / RATE_BUCKET_MS;
        self.buckets.iter().filter(|(bucket, _)| *bucket >= oldest && *bucket <= newest).map(|(_, count)| count).sum()
    }

    fn expire(&mut self, now_ms: u64) {
        let oldest = (now_ms / RATE_BUCKET_MS).saturating_sub(1000 / RATE_BUCKET_MS - 1);
        while self.buckets.front().is_some_and(|(bucket, _)| *bucket < oldest) {
            self.buckets.pop_front();
        }
    }
}

/// A received QoS 0 message on tab 1, for tests across the core.
#[cfg(test)]
pub(crate) fn test_message(topic: &str, payload: &[u8]) -> StoredMessage {
    StoredMessage {
        seq: 0,
        session: 1,
        time: Utc::now(),
        direction: Direction::Incoming,
        topic: Arc::from(topic),
        payload: Bytes::copy_from_slice(payload),
        qos: Qos::AtMostOnce,
        retain: false,
        subscription: None,
        properties: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(topic: &str, payload: &[u8]) -> StoredMessage {
        test_message(topic, payload)
    }

    #[test]
    fn the_previous_message_on_a_topic_is_found_within_its_tab() {
        let mut store = MessageStore::new(StoreLimits::default());
        let first = store.push(message("a", b"1"));
        let _other_topic = store.push(message("b", b"2"));
        let _other_tab = store.push(StoredMessage { session: 2, ..message("a", b"3") });
        let _sent = store.push(StoredMessage { direction: Direction::Outgoing, ..message("a", b"4") });
        let latest = store.push(message("a", b"5"));
        assert_eq!(store.previous_on_topic(latest), Some(first));
        assert_eq!(store.previous_on_topic(first), None);
        assert_eq!(store.previous_on_topic(99), None, "unknown messages have none");
    }

    #[test]
    fn count_cap_evicts_oldest_and_counts_it() {
        let mut store = MessageStore::new(StoreLimits { max_messages: 3, max_bytes: usize::MAX });
        for index in 0..5 {
            store.push(message(&format!("t/{index}"), b"x"));
        }
        assert_eq!(store.len(), 3);
        assert_eq!(store.counters().received, 5);
        assert_eq!(store.counters().evicted, 2);
        assert_eq!(store.first_seq(), 2);
        assert_eq!(store.get(1).map(|m| m.seq), None);
        assert_eq!(store.get(4).map(|m| &*m.topic), Some("t/4"));
    }

    #[test]
    fn byte_cap_evicts_until_it_holds() {
        let per_message = message("t", &[0; 100]).charged_bytes();
        let mut store = MessageStore::new(StoreLimits { max_messages: 100, max_bytes: per_message * 2 });
        for _ in 0..4 {
            store.push(message("t", &[0; 100]));
        }
        assert_eq!(store.len(), 2);
        assert_eq!(store.bytes(), per_message * 2);
        assert_eq!(store.counters().evicted, 2);
        // A single message larger than the cap is still kept, never lost unseen.
        store.push(message("t", &[0; 10_000]));
        assert_eq!(store.len(), 1);
        assert_eq!(store.counters().evicted, 4);
    }

    #[test]
    fn clear_is_counted_separately_and_shrinking_limits_evicts() {
        let mut store = MessageStore::default();
        for _ in 0..10 {
            store.push(message("a", b"1"));
        }
        store.set_limits(StoreLimits { max_messages: 4, max_bytes: usize::MAX });
        assert_eq!((store.len(), store.counters().evicted), (4, 6));
        store.clear();
        assert_eq!((store.len(), store.bytes(), store.counters().cleared), (0, 0, 4));
        assert_eq!(store.push(message("a", b"1")), 10);
    }

    #[test]
    fn filtered_view_tracks_new_messages_and_eviction() {
        let mut store = MessageStore::new(StoreLimits { max_messages: 4, max_bytes: usize::MAX });
        let mut view = FilteredView::default();
        view.set_filter(LogFilter { topic_filters: vec!["a/+".into()], ..LogFilter::default() });
        store.push(message("a/1", b"x"));
        store.push(message("b/1", b"x"));
        assert_eq!(view.refresh(&store, 100), ViewProgress::Complete);
        assert_eq!(view.len(&store), 1);
        store.push(message("a/2", b"x"));
        store.push(message("a/3", b"x"));
        store.push(message("b/2", b"x")); // evicts a/1
        view.refresh(&store, 100);
        assert_eq!(view.len(&store), 2);
        assert_eq!(view.row(&store, 0).map(|m| &*m.topic), Some("a/2"));
        assert_eq!(view.row_of(&store, 3), Some(1));
        store.clear();
        view.refresh(&store, 100);
        assert!(view.is_empty(&store));
    }

    #[test]
    fn search_is_case_insensitive_over_topic_and_payload() {
        let filter = LogFilter { search: "TEMP".into(), ..LogFilter::default() };
        assert!(filter.accepts(&message("home/temp", b"")));
        assert!(filter.accepts(&message("x", b"{\"Temp\": 3}")));
        assert!(!filter.accepts(&message("x", b"humidity")));
        let unicode = LogFilter { search: "温度".into(), ..LogFilter::default() };
        assert!(unicode.accepts(&message("家/温度", b"")));
        assert!(unicode.accepts(&message("x", "{\"温度\": 3}".as_bytes())));
        let by_connection = LogFilter { session: Some(2), ..LogFilter::default() };
        assert!(!by_connection.accepts(&message("x", b"")));
    }

    #[test]
    fn direction_qos_retained_topic_and_regex_filters_combine() {
        let mut retained = message("a/1", b"temp=21");
        retained.retain = true;
        retained.qos = Qos::AtLeastOnce;
        let mut outgoing = message("a/2", b"temp=22");
        outgoing.direction = Direction::Outgoing;
        let plain = message("b/1", b"humidity=40");
        let by_direction = LogFilter { direction: Some(Direction::Outgoing), ..LogFilter::default() };
        assert!(by_direction.accepts(&outgoing) && !by_direction.accepts(&plain));
        let by_qos = LogFilter { qos: Some(Qos::AtLeastOnce), ..LogFilter::default() };
        assert!(by_qos.accepts(&retained) && !by_qos.accepts(&plain));
        let retained_only = LogFilter { retained_only: true, ..LogFilter::default() };
        assert!(retained_only.accepts(&retained) && !retained_only.accepts(&outgoing));
        let both_filters = LogFilter { topic_filters: vec!["a/#".into(), "+/2".into()], ..LogFilter::default() };
        assert!(both_filters.accepts(&outgoing) && !both_filters.accepts(&retained));
        let regex = LogFilter { search: r"temp=2[12]$".into(), search_is_regex: true, ..LogFilter::default() };
        assert!(regex.accepts(&retained) && regex.accepts(&outgoing) && !regex.accepts(&plain));
        let broken = LogFilter { search: "temp=(".into(), search_is_regex: true, ..LogFilter::default() };
        let mut view = FilteredView::default();
        view.set_filter(broken);
        assert!(
            view.error().is_some_and(|error| error.starts_with("invalid regular expression")),
            "{:?}",
            view.error()
        );
    }

    #[test]
    fn pausing_holds_new_rows_back_until_resumed() {
        let mut store = MessageStore::default();
        let mut view = FilteredView::default();
        store.push(message("a", b"1"));
        view.refresh(&store, 100);
        view.set_paused(&store, true);
        store.push(message("a", b"2"));
        store.push(message("a", b"3"));
        view.refresh(&store, 100);
        assert_eq!((view.len(&store), view.held_back(&store)), (1, 2));
        view.set_filter(LogFilter { search: "a".into(), ..LogFilter::default() });
        view.refresh(&store, 100);
        assert_eq!((view.len(&store), view.held_back(&store)), (1, 2), "filtered views pause too");
        view.set_paused(&store, false);
        assert_eq!((view.len(&store), view.held_back(&store)), (3, 0));
    }

    #[test]
    fn rescans_respect_the_budget() {
        let mut store = MessageStore::default();
        for index in 0..10 {
            store.push(message(if index % 2 == 0 { "even" } else { "odd" }, b""));
        }
        let mut view = FilteredView::default();
        view.set_filter(LogFilter { search: "even".into(), ..LogFilter::default() });
        assert_eq!(view.refresh(&store, 4), ViewProgress::Scanning { scanned: 4, total: 10 });
        assert_eq!(view.len(&store), 2);
        assert_eq!(view.refresh(&store, 100), ViewProgress::Complete);
        assert_eq!(view.len(&store), 5);
        view.set_filter(LogFilter::default());
        view.refresh(&store, 0);
        assert_eq!(view.len(&store), 10);
    }

    #[test]
    fn rate_meter_counts_the_last_second() {
        let mut meter = RateMeter::default();
        meter.record(0, 10);
        meter.record(500, 5);
        assert_eq!(meter.per_second(900), 15);
        assert_eq!(meter.per_second(1_050), 5);
        assert_eq!(meter.per_second(3_000), 0);
    }
}
