//! The message log's storage: a ring bounded by count and bytes that counts
//! what it receives and what it has to evict, plus incrementally maintained
//! filtered views so the UI never rescans the whole log every frame.
//!
//! Memory is the point of its layout: a message costs a 40-byte record,
//! its payload bytes (copied into large shared chunks, not one allocation
//! each) and nothing for its topic beyond the first message on it (topics
//! are interned and freed with their last message). Records and payload
//! chunks are allocated in blocks, so the log never copies itself to grow
//! (no frame hitch at a million messages) and eviction frees whole blocks.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use bytes::Bytes;
use chrono::{DateTime, Utc};

use crate::ids::{SubscriptionId, TabId};
use crate::mqtt::{Direction, MessageProperties, Qos};
use crate::topic::topic_matches;

/// Why a log filter cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    /// The search is marked as a regular expression and is not one.
    #[error("invalid regular expression: {0}")]
    Regex(String),
}

/// Default cap on stored messages.
pub const DEFAULT_MAX_MESSAGES: usize = 1_000_000;
/// Default cap on stored bytes (records + payloads + topics).
pub const DEFAULT_MAX_BYTES: usize = 512 * 1024 * 1024;

/// Bytes of bookkeeping per message on top of its payload.
pub const PER_MESSAGE_OVERHEAD: usize = std::mem::size_of::<Record>();
/// Bytes charged per distinct topic held, on top of its name (the interner's
/// map entry, slot and shared string header).
const PER_TOPIC_OVERHEAD: usize = 64;
/// Records per allocation block.
const RECORD_BLOCK: usize = 16 * 1024;
/// Payload bytes per shared chunk; larger payloads get a chunk of their own.
const PAYLOAD_CHUNK: usize = 1 << 20;

/// The store's caps; whichever is reached first evicts the oldest messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreLimits {
    /// Most messages kept.
    pub max_messages: usize,
    /// Most bytes kept, as counted by [`MessageStore::bytes`].
    pub max_bytes: usize,
}

impl Default for StoreLimits {
    fn default() -> Self {
        Self { max_messages: DEFAULT_MAX_MESSAGES, max_bytes: DEFAULT_MAX_BYTES }
    }
}

/// One logged message, incoming or outgoing, as the store hands it out
/// (borrowing from the store) and takes it in ([`MessageStore::push`]).
#[derive(Debug, Clone, Copy)]
pub struct StoredMessage<'a> {
    /// Position in the log since start; never reused, survives eviction of
    /// others. Ignored by `push`, which assigns it.
    pub seq: u64,
    /// The connection tab it belongs to.
    pub tab: TabId,
    /// When the engine saw it (µs precision is kept, ms is shown).
    pub time: DateTime<Utc>,
    /// In or out.
    pub direction: Direction,
    /// Topic name.
    pub topic: &'a str,
    /// Full payload, never truncated.
    pub payload: &'a [u8],
    /// QoS it was delivered or sent with.
    pub qos: Qos,
    /// Retain flag.
    pub retain: bool,
    /// The first of our subscriptions whose filter matches (gives the colour).
    pub subscription: Option<SubscriptionId>,
    /// MQTT 5 properties, when present.
    pub properties: Option<&'a MessageProperties>,
}

impl<'a> StoredMessage<'a> {
    /// A received message as the log stores it (`seq` is assigned by `push`).
    pub fn received(
        tab: TabId,
        time: DateTime<Utc>,
        message: &'a crate::mqtt::IncomingMessage,
        subscription: Option<SubscriptionId>,
    ) -> Self {
        Self {
            seq: 0,
            tab,
            time,
            direction: Direction::Incoming,
            topic: &message.topic,
            payload: &message.payload,
            qos: message.qos,
            retain: message.retain,
            subscription,
            properties: message.properties.as_deref(),
        }
    }

    /// An owned copy, for work that outlives the store's borrow (exports
    /// on a background thread, saving a payload).
    pub fn to_owned_message(&self) -> OwnedMessage {
        OwnedMessage {
            seq: self.seq,
            tab: self.tab,
            time: self.time,
            direction: self.direction,
            topic: Arc::from(self.topic),
            payload: Bytes::copy_from_slice(self.payload),
            qos: self.qos,
            retain: self.retain,
            subscription: self.subscription,
            properties: self.properties.map(|properties| Box::new(properties.clone())),
        }
    }
}

/// A [`StoredMessage`] that owns its data.
#[derive(Debug, Clone)]
pub struct OwnedMessage {
    /// See [`StoredMessage::seq`].
    pub seq: u64,
    /// See [`StoredMessage::tab`].
    pub tab: TabId,
    /// See [`StoredMessage::time`].
    pub time: DateTime<Utc>,
    /// See [`StoredMessage::direction`].
    pub direction: Direction,
    /// See [`StoredMessage::topic`].
    pub topic: Arc<str>,
    /// See [`StoredMessage::payload`].
    pub payload: Bytes,
    /// See [`StoredMessage::qos`].
    pub qos: Qos,
    /// See [`StoredMessage::retain`].
    pub retain: bool,
    /// See [`StoredMessage::subscription`].
    pub subscription: Option<SubscriptionId>,
    /// See [`StoredMessage::properties`].
    pub properties: Option<Box<MessageProperties>>,
}

impl OwnedMessage {
    /// Borrows it as the store's message type.
    pub fn view(&self) -> StoredMessage<'_> {
        StoredMessage {
            seq: self.seq,
            tab: self.tab,
            time: self.time,
            direction: self.direction,
            topic: &self.topic,
            payload: &self.payload,
            qos: self.qos,
            retain: self.retain,
            subscription: self.subscription,
            properties: self.properties.as_deref(),
        }
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

/// How the store keeps one message: 40 bytes.
#[derive(Debug, Clone, Copy)]
struct Record {
    /// Microseconds since the Unix epoch.
    time_us: i64,
    /// Where the payload starts in the payload chunks (a running offset).
    payload_at: u64,
    payload_len: u32,
    topic: u32,
    tab: TabId,
    /// Subscription id, 0 for none (ids start at 1).
    subscription: u32,
    flags: u8,
}

const OUTGOING: u8 = 1;
const RETAIN: u8 = 2;
const HAS_PROPERTIES: u8 = 4;
const QOS_SHIFT: u8 = 3;

/// Payload bytes in chunks, appended at the back and freed from the front
/// in the same order as the records that point into them.
#[derive(Debug, Default)]
struct PayloadChunks {
    chunks: VecDeque<(u64, Vec<u8>)>,
    end: u64,
    capacity_bytes: usize,
}

impl PayloadChunks {
    fn append(&mut self, payload: &[u8]) -> u64 {
        let fits = self.chunks.back().is_some_and(|(_, chunk)| chunk.capacity() - chunk.len() >= payload.len());
        if !fits && !payload.is_empty() {
            if let Some((_, full)) = self.chunks.back_mut() {
                // Hand back the unused tail of the chunk being left.
                self.capacity_bytes -= full.capacity();
                full.shrink_to_fit();
                self.capacity_bytes += full.capacity();
            }
            let chunk = Vec::with_capacity(PAYLOAD_CHUNK.max(payload.len()));
            self.capacity_bytes += chunk.capacity();
            self.chunks.push_back((self.end, chunk));
        }
        let at = self.end;
        if let Some((_, chunk)) = self.chunks.back_mut() {
            chunk.extend_from_slice(payload);
        }
        self.end += payload.len() as u64;
        at
    }

    fn get(&self, at: u64, len: u32) -> &[u8] {
        if len == 0 {
            return &[];
        }
        // The chunk holding `at` is the last one starting at or before it.
        let index = self.chunks.partition_point(|(start, _)| *start <= at).saturating_sub(1);
        self.chunks
            .get(index)
            .and_then(|(start, chunk)| {
                let from = usize::try_from(at - start).ok()?;
                chunk.get(from..from + len as usize)
            })
            .unwrap_or(&[])
    }

    /// Frees the chunks entirely before `oldest` (the oldest payload still needed).
    fn release_before(&mut self, oldest: u64) {
        while let Some((start, chunk)) = self.chunks.front() {
            let is_current = self.chunks.len() == 1;
            if start + chunk.len() as u64 > oldest || (is_current && oldest < self.end) {
                break;
            }
            if let Some((_, chunk)) = self.chunks.pop_front() {
                self.capacity_bytes -= chunk.capacity();
            }
        }
    }
}

/// Topic names held once each, with how many records use them.
#[derive(Debug, Default)]
struct TopicNames {
    ids: HashMap<Arc<str>, u32>,
    slots: Vec<(Arc<str>, u32)>,
    free: Vec<u32>,
    bytes: usize,
}

impl TopicNames {
    fn acquire(&mut self, topic: &str) -> u32 {
        if let Some(&id) = self.ids.get(topic) {
            self.slots[id as usize].1 += 1;
            return id;
        }
        let name: Arc<str> = Arc::from(topic);
        self.bytes += topic.len() + PER_TOPIC_OVERHEAD;
        let id = match self.free.pop() {
            Some(id) => {
                self.slots[id as usize] = (name.clone(), 1);
                id
            }
            None => {
                self.slots.push((name.clone(), 1));
                u32::try_from(self.slots.len() - 1).unwrap_or(u32::MAX)
            }
        };
        self.ids.insert(name, id);
        id
    }

    fn release(&mut self, id: u32) {
        let Some((name, uses)) = self.slots.get_mut(id as usize) else {
            return;
        };
        *uses = uses.saturating_sub(1);
        if *uses == 0 {
            self.bytes -= name.len() + PER_TOPIC_OVERHEAD;
            self.ids.remove(&**name);
            *name = Arc::from("");
            self.free.push(id);
        }
    }

    fn name(&self, id: u32) -> &str {
        self.slots.get(id as usize).map_or("", |(name, _)| name)
    }

    fn clear(&mut self) {
        *self = Self::default();
    }
}

/// The bounded message log.
#[derive(Debug)]
pub struct MessageStore {
    /// Blocks of [`RECORD_BLOCK`] records; the first `head` of the first block are gone.
    blocks: VecDeque<Vec<Record>>,
    head: usize,
    len: usize,
    payloads: PayloadChunks,
    topics: TopicNames,
    /// MQTT 5 properties by sequence number (few messages have any).
    properties: VecDeque<(u64, Box<MessageProperties>)>,
    next_seq: u64,
    /// Charged bytes: records, payloads and properties (topics are in `topics`).
    charged: usize,
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
        Self {
            blocks: VecDeque::new(),
            head: 0,
            len: 0,
            payloads: PayloadChunks::default(),
            topics: TopicNames::default(),
            properties: VecDeque::new(),
            next_seq: 0,
            charged: 0,
            limits,
            counters: StoreCounters::default(),
        }
    }

    /// Adds a message (its `seq` is assigned here) and evicts the oldest
    /// messages until both caps hold again. Returns the assigned sequence.
    pub fn push(&mut self, message: StoredMessage<'_>) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        match message.direction {
            Direction::Incoming => self.counters.received += 1,
            Direction::Outgoing => self.counters.sent += 1,
        }
        let mut flags = message.qos.level() << QOS_SHIFT;
        if message.direction == Direction::Outgoing {
            flags |= OUTGOING;
        }
        if message.retain {
            flags |= RETAIN;
        }
        if let Some(properties) = message.properties {
            flags |= HAS_PROPERTIES;
            self.charged += properties_bytes(properties);
            self.properties.push_back((seq, Box::new(properties.clone())));
        }
        // Payloads over 4 GiB cannot arrive: MQTT caps a packet at 256 MiB.
        let payload_len = u32::try_from(message.payload.len()).unwrap_or(u32::MAX);
        let record = Record {
            time_us: message.time.timestamp_micros(),
            payload_at: self.payloads.append(message.payload),
            payload_len,
            topic: self.topics.acquire(message.topic),
            tab: message.tab,
            subscription: message.subscription.map_or(0, |id| id.0),
            flags,
        };
        self.charged += PER_MESSAGE_OVERHEAD + payload_len as usize;
        if self.blocks.back().is_none_or(|block| block.len() == RECORD_BLOCK) {
            self.blocks.push_back(Vec::with_capacity(RECORD_BLOCK));
        }
        if let Some(block) = self.blocks.back_mut() {
            block.push(record);
        }
        self.len += 1;
        self.enforce_limits();
        seq
    }

    fn enforce_limits(&mut self) {
        while self.len > self.limits.max_messages.max(1) || (self.bytes() > self.limits.max_bytes && self.len > 1) {
            self.evict_oldest();
            self.counters.evicted += 1;
        }
        self.release_unused();
    }

    fn evict_oldest(&mut self) {
        let Some(record) = self.record(0).copied() else {
            return;
        };
        self.topics.release(record.topic);
        self.charged -= PER_MESSAGE_OVERHEAD + record.payload_len as usize;
        if record.flags & HAS_PROPERTIES != 0
            && let Some((_, properties)) = self.properties.pop_front()
        {
            self.charged -= properties_bytes(&properties);
        }
        self.head += 1;
        self.len -= 1;
        if self.head == RECORD_BLOCK || self.len == 0 {
            if self.len == 0 {
                self.blocks.clear();
            } else {
                self.blocks.pop_front();
            }
            self.head = 0;
        }
    }

    /// Frees payload chunks no held message points into.
    fn release_unused(&mut self) {
        let oldest = self.record(0).map_or(self.payloads.end, |record| record.payload_at);
        self.payloads.release_before(oldest);
    }

    /// Removes every message, counting them as cleared (not evicted).
    pub fn clear(&mut self) {
        self.counters.cleared += self.len as u64;
        self.blocks.clear();
        self.head = 0;
        self.len = 0;
        self.payloads = PayloadChunks::default();
        self.topics.clear();
        self.properties.clear();
        self.charged = 0;
    }

    /// Changes the caps, evicting immediately if they shrank.
    pub fn set_limits(&mut self, limits: StoreLimits) {
        self.limits = limits;
        self.enforce_limits();
    }

    /// Current caps.
    pub fn limits(&self) -> StoreLimits {
        self.limits
    }

    /// Messages currently held.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when nothing is held.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes the held messages use: records, payloads, topic names and
    /// properties — what the byte cap limits.
    pub fn bytes(&self) -> usize {
        self.charged + self.topics.bytes
    }

    /// Bytes actually allocated for the held messages (blocks and chunks
    /// included): [`Self::bytes`] plus at most a block and a chunk.
    pub fn allocated_bytes(&self) -> usize {
        self.blocks.len() * RECORD_BLOCK * PER_MESSAGE_OVERHEAD
            + self.payloads.capacity_bytes
            + self.topics.bytes
            + self.properties.len() * std::mem::size_of::<(u64, Box<MessageProperties>)>()
    }

    /// Running totals.
    pub fn counters(&self) -> StoreCounters {
        self.counters
    }

    /// Sequence number of the oldest held message (or the next one if empty).
    pub fn first_seq(&self) -> u64 {
        self.next_seq - self.len as u64
    }

    /// Sequence number the next pushed message will get.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    fn record(&self, index: usize) -> Option<&Record> {
        if index >= self.len {
            return None;
        }
        let position = self.head + index;
        self.blocks.get(position / RECORD_BLOCK)?.get(position % RECORD_BLOCK)
    }

    fn message(&self, index: usize, record: &Record) -> StoredMessage<'_> {
        let seq = self.first_seq() + index as u64;
        let properties = if record.flags & HAS_PROPERTIES != 0 {
            let at = self.properties.partition_point(|(with, _)| *with < seq);
            self.properties.get(at).filter(|(with, _)| *with == seq).map(|(_, properties)| &**properties)
        } else {
            None
        };
        StoredMessage {
            seq,
            tab: record.tab,
            time: DateTime::from_timestamp_micros(record.time_us).unwrap_or_default(),
            direction: if record.flags & OUTGOING != 0 { Direction::Outgoing } else { Direction::Incoming },
            topic: self.topics.name(record.topic),
            payload: self.payloads.get(record.payload_at, record.payload_len),
            qos: Qos::ALL.get(usize::from((record.flags >> QOS_SHIFT) & 3)).copied().unwrap_or_default(),
            retain: record.flags & RETAIN != 0,
            subscription: (record.subscription != 0).then_some(SubscriptionId(record.subscription)),
            properties,
        }
    }

    /// The message with this sequence number, if still held.
    pub fn get(&self, seq: u64) -> Option<StoredMessage<'_>> {
        let index = usize::try_from(seq.checked_sub(self.first_seq())?).ok()?;
        self.at(index)
    }

    /// The held message at a position (0 = oldest).
    pub fn at(&self, index: usize) -> Option<StoredMessage<'_>> {
        self.record(index).map(|record| self.message(index, record))
    }

    /// Held messages from position `from` on, oldest first.
    pub fn iter_from(&self, from: usize) -> impl Iterator<Item = StoredMessage<'_>> + '_ {
        (from..self.len).filter_map(|index| self.at(index))
    }

    /// The message received before `seq` on the same topic and connection
    /// tab, if the log still holds one (for "compare with previous").
    pub fn previous_on_topic(&self, seq: u64) -> Option<u64> {
        let end = usize::try_from(seq.checked_sub(self.first_seq())?).ok()?;
        let record = *self.record(end)?;
        (0..end)
            .rev()
            .find(|&index| {
                self.record(index).is_some_and(|candidate| {
                    candidate.topic == record.topic && candidate.tab == record.tab && candidate.flags & OUTGOING == 0
                })
            })
            .map(|index| self.first_seq() + index as u64)
    }

    /// Updates the subscription tag of held messages (e.g. after the user
    /// unsubscribes, so their colour no longer points at a dead row).
    pub fn retag(&mut self, mut tag: impl FnMut(&StoredMessage<'_>) -> Option<SubscriptionId>) {
        for index in 0..self.len {
            let Some(record) = self.record(index).copied() else { continue };
            let subscription = tag(&self.message(index, &record)).map_or(0, |id| id.0);
            let position = self.head + index;
            if let Some(record) =
                self.blocks.get_mut(position / RECORD_BLOCK).and_then(|block| block.get_mut(position % RECORD_BLOCK))
            {
                record.subscription = subscription;
            }
        }
    }
}

/// Bytes charged for a message's MQTT 5 properties.
fn properties_bytes(properties: &MessageProperties) -> usize {
    std::mem::size_of::<MessageProperties>() + 16 + properties.heap_bytes()
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
    /// Only this connection tab.
    pub tab: Option<TabId>,
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
            && self.tab.is_none()
            && self.direction.is_none()
            && self.qos.is_none()
            && !self.retained_only
    }

    /// Compiles the search; an invalid regular expression is an error
    /// naming the problem.
    fn compile(&self) -> Result<CompiledFilter, FilterError> {
        let regex = if self.search_is_regex && !self.search.is_empty() {
            let regex = regex::bytes::RegexBuilder::new(&self.search)
                .case_insensitive(true)
                .size_limit(1 << 20)
                .build()
                .map_err(|error| FilterError::Regex(error.to_string()))?;
            Some(regex)
        } else {
            None
        };
        Ok(CompiledFilter { lower_search: self.search.to_lowercase(), regex })
    }

    /// True when `message` passes the filter (an invalid regex matches nothing).
    pub fn accepts(&self, message: &StoredMessage<'_>) -> bool {
        self.compile().is_ok_and(|compiled| self.accepts_with(message, &compiled))
    }

    fn accepts_with(&self, message: &StoredMessage<'_>, compiled: &CompiledFilter) -> bool {
        if self.tab.is_some_and(|tab| tab != message.tab)
            || self.direction.is_some_and(|direction| direction != message.direction)
            || self.qos.is_some_and(|qos| qos != message.qos)
            || (self.retained_only && !message.retain)
        {
            return false;
        }
        if !self.topic_filters.iter().all(|filter| topic_matches(filter, message.topic)) {
            return false;
        }
        if let Some(regex) = &compiled.regex {
            return regex.is_match(message.topic.as_bytes()) || regex.is_match(message.payload);
        }
        let needle = compiled.lower_search.as_str();
        needle.is_empty()
            || contains_ignore_case(message.topic.as_bytes(), needle)
            || contains_ignore_case(message.payload, needle)
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
    error: Option<FilterError>,
    paused_at: Option<u64>,
    matching: SeqList,
    scanned_up_to: u64,
    cleared_generation: u64,
}

/// Ascending sequence numbers at 4 bytes each (offsets from a base), so a
/// view matching most of a million-message log costs 4 MB, not 8.
#[derive(Debug, Default)]
struct SeqList {
    base: u64,
    offsets: VecDeque<u32>,
}

impl SeqList {
    fn clear(&mut self) {
        self.offsets.clear();
    }

    fn len(&self) -> usize {
        self.offsets.len()
    }

    fn get(&self, index: usize) -> Option<u64> {
        self.offsets.get(index).map(|offset| self.base + u64::from(*offset))
    }

    fn front(&self) -> Option<u64> {
        self.get(0)
    }

    fn pop_front(&mut self) {
        self.offsets.pop_front();
    }

    fn push_back(&mut self, seq: u64) {
        if self.offsets.is_empty() {
            self.base = seq;
        }
        if seq - self.base > u64::from(u32::MAX) {
            // Rebase on the oldest entry (held messages span far less than 2³² sequence numbers).
            let shift = self.offsets.front().copied().unwrap_or(0);
            self.offsets.iter_mut().for_each(|offset| *offset -= shift);
            self.base += u64::from(shift);
            if seq - self.base > u64::from(u32::MAX) {
                self.offsets.clear();
                self.base = seq;
            }
        }
        self.offsets.push_back(u32::try_from(seq - self.base).unwrap_or(u32::MAX));
    }

    /// How many entries are below `boundary`.
    fn count_before(&self, boundary: u64) -> usize {
        match boundary.checked_sub(self.base) {
            None => 0,
            Some(offset) => match u32::try_from(offset) {
                Ok(offset) => self.offsets.partition_point(|entry| *entry < offset),
                Err(_) => self.offsets.len(),
            },
        }
    }

    fn position(&self, seq: u64) -> Option<usize> {
        let offset = u32::try_from(seq.checked_sub(self.base)?).ok()?;
        self.offsets.binary_search(&offset).ok()
    }
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

    /// Brings the rows up to date with the store, scanning for at most
    /// `time` (in slices, so a slow filter — a regex over large payloads —
    /// cannot stall the frame). Call once per frame.
    pub fn refresh_within(&mut self, store: &MessageStore, time: std::time::Duration) -> ViewProgress {
        /// Messages scanned between looks at the clock.
        const SLICE: usize = 2048;
        let started = std::time::Instant::now();
        loop {
            let progress = self.refresh(store, SLICE);
            if progress == ViewProgress::Complete || started.elapsed() >= time {
                return progress;
            }
        }
    }

    /// Brings the rows up to date with the store, looking at no more than
    /// `max_scan` messages.
    pub fn refresh(&mut self, store: &MessageStore, max_scan: usize) -> ViewProgress {
        let first = store.first_seq();
        let cleared = store.counters().cleared;
        if cleared != self.cleared_generation {
            self.cleared_generation = cleared;
            self.matching.clear();
        }
        while self.matching.front().is_some_and(|seq| seq < first) {
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
                && self.filter.accepts_with(&message, compiled)
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
    pub fn error(&self) -> Option<&FilterError> {
        self.error.as_ref()
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
            self.matching.count_before(boundary)
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
    pub fn row<'a>(&self, store: &'a MessageStore, row: usize) -> Option<StoredMessage<'a>> {
        if self.filter.is_empty() { store.at(row) } else { self.matching.get(row).and_then(|seq| store.get(seq)) }
    }

    /// The row showing the message with this sequence number, if any.
    pub fn row_of(&self, store: &MessageStore, seq: u64) -> Option<usize> {
        if self.filter.is_empty() {
            let first = store.first_seq();
            (seq >= first && seq < store.next_seq()).then(|| (seq - first) as usize)
        } else {
            self.matching.position(seq)
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
pub(crate) fn test_message<'a>(topic: &'a str, payload: &'a [u8]) -> StoredMessage<'a> {
    StoredMessage {
        seq: 0,
        tab: TabId(1),
        time: Utc::now(),
        direction: Direction::Incoming,
        topic,
        payload,
        qos: Qos::AtMostOnce,
        retain: false,
        subscription: None,
        properties: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message<'a>(topic: &'a str, payload: &'a [u8]) -> StoredMessage<'a> {
        test_message(topic, payload)
    }

    #[test]
    fn the_previous_message_on_a_topic_is_found_within_its_tab() {
        let mut store = MessageStore::new(StoreLimits::default());
        let first = store.push(message("a", b"1"));
        let _other_topic = store.push(message("b", b"2"));
        let _other_tab = store.push(StoredMessage { tab: TabId(2), ..message("a", b"3") });
        let _sent = store.push(StoredMessage { direction: Direction::Outgoing, ..message("a", b"4") });
        let latest = store.push(message("a", b"5"));
        assert_eq!(store.previous_on_topic(latest), Some(first));
        assert_eq!(store.previous_on_topic(first), None);
        assert_eq!(store.previous_on_topic(99), None, "unknown messages have none");
    }

    #[test]
    fn payloads_across_chunks_come_back_intact_through_eviction() {
        // Sizes that straddle chunk ends, an empty one, and one larger than a chunk.
        let sizes = [0, 1, 700_000, 500_000, PAYLOAD_CHUNK + 3, 10, 999_999, 2];
        let payloads: Vec<Vec<u8>> = sizes
            .iter()
            .enumerate()
            .map(|(index, size)| (0..*size).map(|byte| (byte + index) as u8).collect())
            .collect();
        let mut store = MessageStore::new(StoreLimits { max_messages: 5, max_bytes: usize::MAX });
        for (index, payload) in payloads.iter().enumerate() {
            let seq = store.push(message(&format!("t/{index}"), payload));
            assert_eq!(store.get(seq).map(|m| m.payload), Some(&payload[..]), "message {index} right after push");
        }
        assert_eq!(store.len(), 5);
        for (offset, payload) in payloads[3..].iter().enumerate() {
            let held = store.at(offset).expect("held");
            assert_eq!((held.topic, held.payload), (format!("t/{}", offset + 3).as_str(), &payload[..]));
        }
        // Chunks before the oldest held payload were handed back.
        assert!(store.allocated_bytes() <= store.bytes() + RECORD_BLOCK * PER_MESSAGE_OVERHEAD + 2 * PAYLOAD_CHUNK);
    }

    #[test]
    fn topics_are_held_once_and_freed_with_their_last_message() {
        let mut store = MessageStore::new(StoreLimits { max_messages: 3, max_bytes: usize::MAX });
        store.push(message("rare/topic", b"1"));
        let with_one_topic = store.bytes();
        store.push(message("common", b"2"));
        let with_two_topics = store.bytes();
        store.push(message("common", b"3"));
        assert_eq!(store.bytes() - with_two_topics, PER_MESSAGE_OVERHEAD + 1, "a repeated topic costs nothing more");
        assert_eq!(with_two_topics - with_one_topic, PER_MESSAGE_OVERHEAD + 1 + "common".len() + PER_TOPIC_OVERHEAD);
        store.push(message("common", b"4")); // evicts the only rare/topic message
        assert_eq!(store.topics.ids.len(), 1, "rare/topic is gone from the names");
        assert_eq!(store.bytes(), 3 * (PER_MESSAGE_OVERHEAD + 1) + "common".len() + PER_TOPIC_OVERHEAD);
        store.push(message("new", b"5"));
        assert_eq!(store.topics.slots.len(), 2, "the freed slot is reused");
        assert_eq!(store.at(2).map(|m| m.topic), Some("new"));
    }

    #[test]
    fn properties_times_flags_and_tags_survive_storage() {
        let properties = MessageProperties { content_type: Some("text/plain".into()), ..MessageProperties::default() };
        let time = DateTime::from_timestamp_micros(1_790_000_000_123_456).expect("time");
        let mut store = MessageStore::new(StoreLimits { max_messages: 2, max_bytes: usize::MAX });
        store.push(StoredMessage { properties: Some(&properties), ..message("a", b"1") });
        let sent = StoredMessage {
            tab: TabId(7),
            time,
            direction: Direction::Outgoing,
            qos: Qos::ExactlyOnce,
            retain: true,
            subscription: Some(SubscriptionId(3)),
            ..message("b", b"2")
        };
        store.push(sent);
        let with_properties = store.at(0).expect("first");
        assert_eq!(with_properties.properties, Some(&properties));
        let held = store.at(1).expect("second");
        assert_eq!(
            (held.tab, held.time, held.direction, held.qos, held.retain, held.subscription, held.properties),
            (TabId(7), time, Direction::Outgoing, Qos::ExactlyOnce, true, Some(SubscriptionId(3)), None)
        );
        let charged = store.bytes();
        store.push(message("c", b"3")); // evicts the message with properties
        assert!(store.bytes() < charged, "its properties were uncharged");
        assert!(store.at(0).is_some_and(|m| m.properties.is_none()) && store.properties.is_empty());
        store.retag(|m| (m.topic == "c").then_some(SubscriptionId(9)));
        assert_eq!(
            (store.at(0).and_then(|m| m.subscription), store.at(1).and_then(|m| m.subscription)),
            (None, Some(SubscriptionId(9)))
        );
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
        assert_eq!(store.get(4).map(|m| m.topic), Some("t/4"));
    }

    #[test]
    fn byte_cap_evicts_until_it_holds() {
        // Two messages of 100 bytes on one topic: records, payloads and the topic once.
        let per_message = PER_MESSAGE_OVERHEAD + 100;
        let topic = 1 + PER_TOPIC_OVERHEAD;
        let mut store = MessageStore::new(StoreLimits { max_messages: 100, max_bytes: per_message * 2 + topic });
        for _ in 0..4 {
            store.push(message("t", &[0; 100]));
        }
        assert_eq!(store.len(), 2);
        assert_eq!(store.bytes(), per_message * 2 + topic);
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
        assert_eq!(view.row(&store, 0).map(|m| m.topic), Some("a/2"));
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
        let by_connection = LogFilter { tab: Some(TabId(2)), ..LogFilter::default() };
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
            view.error().is_some_and(|error| error.to_string().starts_with("invalid regular expression")),
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
    fn time_budgeted_refreshes_finish_when_given_time_and_stop_when_not() {
        let mut store = MessageStore::default();
        for index in 0..10_000 {
            store.push(message(&format!("t/{}", index % 10), b"some payload"));
        }
        let mut view = FilteredView::default();
        view.set_filter(LogFilter { search: "t/3".into(), ..LogFilter::default() });
        assert!(
            matches!(
                view.refresh_within(&store, std::time::Duration::ZERO),
                ViewProgress::Scanning { scanned: 2048, .. }
            ),
            "no time: one slice"
        );
        assert_eq!(view.refresh_within(&store, std::time::Duration::from_secs(60)), ViewProgress::Complete);
        assert_eq!(view.len(&store), 1000);
    }

    #[test]
    fn sequence_lists_rebase_far_apart_numbers() {
        let mut list = SeqList::default();
        for seq in [5, 9, 10] {
            list.push_back(seq);
        }
        assert_eq!(
            (list.get(1), list.count_before(10), list.position(9), list.position(8)),
            (Some(9), 2, Some(1), None)
        );
        list.pop_front();
        let far = 5 + u64::from(u32::MAX) + 2; // too far from base 5, close enough to 9
        list.push_back(far);
        assert_eq!((list.front(), list.get(2), list.len()), (Some(9), Some(far), 3), "rebased on 9");
        assert_eq!((list.count_before(far), list.count_before(far + 1), list.count_before(3)), (2, 3, 0));
        list.push_back(far + u64::from(u32::MAX) + 1);
        assert_eq!(list.len(), 1, "entries 2³² apart cannot share a base: the old ones go");
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
