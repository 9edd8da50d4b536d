//! A tab's recorded packets: bounded like the message log (oldest go
//! first, and how many went is shown), filtered by type, direction, packet
//! id, topic and free text, and exported as JSON Lines.

use std::collections::{BTreeSet, VecDeque};

use base64::Engine as _;
use serde_json::{Value, json};

use super::record::{Direction, PacketKind, PacketRecord};
use crate::topic::{has_wildcards, topic_matches};

/// Packets a tab keeps before the oldest are dropped.
pub const PACKET_LOG_CAPACITY: usize = 20_000;

/// The packets of one tab's connections, newest last.
#[derive(Debug, Clone)]
pub struct PacketLog {
    records: VecDeque<PacketRecord>,
    capacity: usize,
    /// Dropped here to stay within the capacity.
    evicted: u64,
    /// Never recorded because the engine's reader fell behind.
    unrecorded: u64,
    /// Changes whenever the content does (for cached filter results).
    generation: u64,
    /// Counts clears: positions from before a clear mean nothing after it.
    epoch: u64,
}

impl Default for PacketLog {
    fn default() -> Self {
        Self::with_capacity(PACKET_LOG_CAPACITY)
    }
}

impl PacketLog {
    /// A log keeping at most `capacity` packets (at least 1).
    pub fn with_capacity(capacity: usize) -> Self {
        Self { records: VecDeque::new(), capacity: capacity.max(1), evicted: 0, unrecorded: 0, generation: 0, epoch: 0 }
    }

    /// Adds a batch from the engine.
    pub fn push_batch(&mut self, records: Vec<PacketRecord>, unrecorded: u64) {
        self.unrecorded += unrecorded;
        for record in records {
            if self.records.len() == self.capacity {
                self.records.pop_front();
                self.evicted += 1;
            }
            self.records.push_back(record);
        }
        self.generation += 1;
    }

    /// Forgets every packet (the counts too).
    pub fn clear(&mut self) {
        self.records.clear();
        self.evicted = 0;
        self.unrecorded = 0;
        self.generation += 1;
        self.epoch += 1;
    }

    /// Packets held.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// True when no packet is held.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The packet at `index` (0 = oldest held).
    pub fn get(&self, index: usize) -> Option<&PacketRecord> {
        self.records.get(index)
    }

    /// Packets no longer held (over capacity) plus never recorded.
    pub fn dropped(&self) -> u64 {
        self.evicted + self.unrecorded
    }

    /// Changes whenever packets are added or cleared.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Changes when the log is cleared (positions start again).
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// Positions of the packets held: each packet keeps its position while
    /// older ones are dropped, so a view can add only what is new.
    pub fn positions(&self) -> std::ops::Range<u64> {
        self.evicted..self.evicted + self.records.len() as u64
    }

    /// The packet at a position, if still held.
    pub fn at_position(&self, position: u64) -> Option<&PacketRecord> {
        let index = position.checked_sub(self.evicted)?;
        self.records.get(usize::try_from(index).ok()?)
    }

    /// Positions from `from` on that `filter` lets through, oldest first.
    pub fn matching_from(&self, filter: &PacketFilter, from: u64) -> Vec<u64> {
        let search = filter.search.trim().to_lowercase();
        let skip = usize::try_from(from.saturating_sub(self.evicted)).unwrap_or(usize::MAX);
        self.records
            .iter()
            .enumerate()
            .skip(skip)
            .filter(|(_, record)| filter.admits(record) && (search.is_empty() || searchable(record).contains(&search)))
            .map(|(index, _)| self.evicted + index as u64)
            .collect()
    }

    /// Indices of the packets `filter` lets through, oldest first.
    pub fn matching(&self, filter: &PacketFilter) -> Vec<usize> {
        let search = filter.search.trim().to_lowercase();
        self.records
            .iter()
            .enumerate()
            .filter(|(_, record)| filter.admits(record) && (search.is_empty() || searchable(record).contains(&search)))
            .map(|(index, _)| index)
            .collect()
    }

    /// The packets at `indices` as JSON Lines (one object per line).
    pub fn json_lines(&self, indices: &[usize]) -> String {
        json_lines(indices.iter().filter_map(|index| self.records.get(*index)))
    }
}

/// Packets as JSON Lines (one object per line, see [`export_value`]).
pub fn json_lines<'a>(records: impl IntoIterator<Item = &'a PacketRecord>) -> String {
    let mut out = String::new();
    for record in records {
        out.push_str(&export_value(record).to_string());
        out.push('\n');
    }
    out
}

/// What the inspector shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PacketFilter {
    /// Types hidden (empty: all shown).
    pub hidden_kinds: BTreeSet<PacketKind>,
    /// Only this direction, if set.
    pub direction: Option<Direction>,
    /// Only this packet id, if set.
    pub packet_id: Option<u16>,
    /// A topic, or a filter with `+` / `#`, that PUBLISH topics must match
    /// (and SUBSCRIBE / UNSUBSCRIBE filters contain); other types are
    /// hidden while it is set.
    pub topic: String,
    /// Text anywhere in the row (type, topic, reason, property, problem).
    pub search: String,
}

impl PacketFilter {
    fn admits(&self, record: &PacketRecord) -> bool {
        if self.hidden_kinds.contains(&record.kind) {
            return false;
        }
        if self.direction.is_some_and(|direction| direction != record.direction) {
            return false;
        }
        if self.packet_id.is_some() && record.packet_id != self.packet_id {
            return false;
        }
        let topic = self.topic.trim();
        if topic.is_empty() {
            return true;
        }
        let matches = |name: &str| {
            if has_wildcards(topic) { topic_matches(topic, name) } else { name.contains(topic) }
        };
        match record.kind {
            PacketKind::Publish => record.topic.as_deref().is_some_and(matches),
            PacketKind::Subscribe | PacketKind::Unsubscribe => {
                // Subscriptions match by their text (a/+ is not inside a/#).
                record.filters.iter().any(|filter| filter.filter.contains(topic))
            }
            _ => false,
        }
    }
}

/// Everything a search may find in a record, lower case.
fn searchable(record: &PacketRecord) -> String {
    let mut text = format!("{} {}", record.kind.name(), record.topic.as_deref().unwrap_or_default());
    for reason in record.reasons() {
        text.push(' ');
        text.push_str(&reason);
    }
    for field in &record.fields {
        text.push_str(&format!(" {} {}", field.name, field.value));
    }
    for filter in &record.filters {
        text.push(' ');
        text.push_str(&filter.filter);
    }
    for property in &record.properties {
        text.push_str(&format!(" {} {}", property.name, property.value));
    }
    if let Some(problem) = &record.problem {
        text.push(' ');
        text.push_str(problem);
    }
    if let Some(preview) = &record.payload_preview {
        text.push(' ');
        text.push_str(&String::from_utf8_lossy(preview));
    }
    text.to_lowercase()
}

/// One exported packet: names as well as numbers, times as text and
/// microseconds, the payload preview as text when it is UTF-8.
pub fn export_value(record: &PacketRecord) -> Value {
    let time = chrono::DateTime::from_timestamp_micros(record.time_micros)
        .map(|time| time.to_rfc3339_opts(chrono::SecondsFormat::Micros, true));
    let mut value = json!({
        "seq": record.seq,
        "link": record.link,
        "time": time,
        "time_micros": record.time_micros,
        "direction": match record.direction { Direction::Sent => "sent", Direction::Received => "received" },
        "type": record.kind.name(),
        "flags": record.flags,
        "size": record.size,
        "basis": "wire",
    });
    let object = value.as_object_mut();
    let Some(object) = object else { return value };
    if record.kind == PacketKind::Publish {
        object.insert("dup".into(), json!(record.duplicate()));
        object.insert("qos".into(), json!(record.qos_bits()));
        object.insert("retain".into(), json!(record.retain()));
    }
    if let Some(id) = record.packet_id {
        object.insert("packet_id".into(), json!(id));
    }
    if let Some(topic) = &record.topic {
        object.insert("topic".into(), json!(topic));
    }
    if let Some(alias) = record.topic_alias {
        object.insert("topic_alias".into(), json!(alias));
        object.insert("topic_from_alias".into(), json!(record.topic_from_alias));
    }
    if !record.reason_codes.is_empty() {
        let reasons: Vec<Value> = record
            .reason_codes
            .iter()
            .zip(record.reasons())
            .map(|(code, described)| json!({ "code": code, "name": described }))
            .collect();
        object.insert("reason_codes".into(), Value::Array(reasons));
    }
    if !record.fields.is_empty() {
        let fields: Vec<Value> =
            record.fields.iter().map(|field| json!({ "name": field.name, "value": field.value })).collect();
        object.insert("fields".into(), Value::Array(fields));
    }
    if !record.filters.is_empty() {
        let filters: Vec<Value> =
            record.filters.iter().map(|filter| json!({ "filter": filter.filter, "options": filter.options })).collect();
        object.insert("filters".into(), Value::Array(filters));
    }
    if !record.properties.is_empty() {
        let properties: Vec<Value> = record
            .properties
            .iter()
            .map(|property| json!({ "id": property.id, "name": property.name, "value": property.value.to_string() }))
            .collect();
        object.insert("properties".into(), Value::Array(properties));
    }
    if let Some(size) = record.payload_size {
        object.insert("payload_size".into(), json!(size));
    }
    if let Some(preview) = &record.payload_preview {
        match std::str::from_utf8(preview) {
            Ok(text) => object.insert("payload_preview".into(), json!(text)),
            Err(_) => object.insert(
                "payload_preview_base64".into(),
                json!(base64::engine::general_purpose::STANDARD.encode(preview)),
            ),
        };
    }
    if let Some(timing) = record.timing {
        object.insert(
            "ack".into(),
            json!({ "answers": timing.answers.name(), "micros": timing.micros, "total_micros": timing.total_micros }),
        );
    }
    if let Some(problem) = &record.problem {
        object.insert("problem".into(), json!(problem));
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mqtt::ProtocolVersion;
    use crate::wire::WireCapture;

    /// SUBSCRIBE a/#, SUBACK, PUBLISH a/b (QoS 1, id 7), PUBACK 7, PUBLISH c/d.
    fn sample() -> Vec<PacketRecord> {
        let mut capture = WireCapture::new(ProtocolVersion::V311);
        capture.start_link();
        capture.feed(Direction::Sent, &[0x82, 8, 0, 1, 0, 3, b'a', b'/', b'#', 1], 10);
        capture.feed(Direction::Received, &[0x90, 3, 0, 1, 1], 20);
        capture.feed(Direction::Received, &[0x32, 9, 0, 3, b'a', b'/', b'b', 0, 7, b'h', b'i'], 30);
        capture.feed(Direction::Sent, &[0x40, 2, 0, 7], 40);
        capture.feed(Direction::Received, &[0x30, 6, 0, 3, b'c', b'/', b'd', 0xFF], 50);
        capture.take().0
    }

    #[test]
    fn the_oldest_go_first_and_are_counted() {
        let mut log = PacketLog::with_capacity(3);
        log.push_batch(sample(), 2);
        assert_eq!(log.len(), 3);
        assert_eq!(log.dropped(), 4, "2 evicted + 2 never recorded");
        assert_eq!(log.get(0).map(|record| record.kind), Some(PacketKind::Publish));
        // Positions survive eviction, so a view only scans what is new.
        assert_eq!(log.positions(), 2..5);
        assert_eq!(log.at_position(1), None);
        assert_eq!(log.at_position(4).map(|record| record.kind), Some(PacketKind::Publish));
        assert_eq!(log.matching_from(&PacketFilter::default(), 3), [3, 4]);
        log.clear();
        assert_eq!((log.positions(), log.epoch()), (0..0, 1));
    }

    #[test]
    fn filters_combine_and_keep_wire_order() {
        let mut log = PacketLog::default();
        log.push_batch(sample(), 0);
        let all = PacketFilter::default();
        assert_eq!(log.matching(&all), [0, 1, 2, 3, 4]);
        let by_topic = PacketFilter { topic: "a/+".into(), ..PacketFilter::default() };
        assert_eq!(log.matching(&by_topic), [2], "wildcard filters match PUBLISH topics");
        let by_id = PacketFilter { packet_id: Some(7), ..PacketFilter::default() };
        assert_eq!(log.matching(&by_id), [2, 3]);
        let sent = PacketFilter { direction: Some(Direction::Sent), ..PacketFilter::default() };
        assert_eq!(log.matching(&sent), [0, 3]);
        let mut no_publish = PacketFilter::default();
        no_publish.hidden_kinds.insert(PacketKind::Publish);
        assert_eq!(log.matching(&no_publish), [0, 1, 3]);
        let search = PacketFilter { search: "MAXIMUM QOS 1".into(), ..PacketFilter::default() };
        assert_eq!(log.matching(&search), [1], "reason names are searchable");
    }

    #[test]
    fn json_lines_name_everything_and_keep_binary_previews_exact() {
        let mut log = PacketLog::default();
        log.push_batch(sample(), 0);
        let text = log.json_lines(&[1, 3, 4]);
        let lines: Vec<Value> = text.lines().map(|line| serde_json::from_str(line).unwrap_or(Value::Null)).collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0]["type"], "SUBACK");
        assert_eq!(lines[0]["reason_codes"][0]["name"], "0x01 Success, maximum QoS 1");
        assert_eq!(lines[1]["ack"]["answers"], "PUBLISH");
        assert_eq!(lines[1]["ack"]["micros"], 10);
        assert_eq!(lines[1]["direction"], "sent");
        assert_eq!(lines[2]["payload_preview_base64"], "/w==");
        assert_eq!(lines[2]["time"], "1970-01-01T00:00:00.000050Z");
    }
}
