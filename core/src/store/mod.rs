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

mod filter;
mod layout;
mod rate;
#[cfg(test)]
mod tests;
mod view;

use std::collections::VecDeque;
use std::sync::Arc;

use bytes::Bytes;
use chrono::{DateTime, Utc};

use crate::ids::{SubscriptionId, TabId};
use crate::mqtt::{Direction, MessageProperties, Qos};

pub use filter::{FilterError, LogFilter};
pub use rate::RateMeter;
pub use view::{FilteredView, ViewProgress};

use layout::{HAS_PROPERTIES, OUTGOING, PayloadChunks, QOS_SHIFT, RETAIN, Record, TopicNames};

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
    /// Held messages per tab, so a tab's log can say how many are its own.
    per_tab: std::collections::HashMap<TabId, usize>,
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
            per_tab: std::collections::HashMap::new(),
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
        *self.per_tab.entry(message.tab).or_default() += 1;
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
        if let Some(count) = self.per_tab.get_mut(&record.tab) {
            *count -= 1;
            if *count == 0 {
                self.per_tab.remove(&record.tab);
            }
        }
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
        self.per_tab.clear();
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

    /// Messages held for one tab (what its log holds before any filter).
    pub fn len_of_tab(&self, tab: TabId) -> usize {
        self.per_tab.get(&tab).copied().unwrap_or(0)
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
