//! Turns both directions of a connection's MQTT byte stream into
//! [`PacketRecord`]s: splits packets, decodes them, numbers and time-stamps
//! them, resolves topic aliases and times each acknowledgement against the
//! packet it answers. Fed by the engine's stream wrapper; drained by the
//! connection task.

use std::collections::HashMap;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use super::frames::FrameSplitter;
use super::parse::{Frame, decode};
#[cfg(test)]
use super::record::PropertyValue;
use super::record::{AckTiming, Direction, PacketKind, PacketRecord};
use crate::mqtt::ProtocolVersion;

/// Most records waiting to be taken; beyond it new packets are counted as
/// dropped instead of held (the connection task drains every few ms, so
/// this only fills when the reader of the engine's events stalls).
pub const PENDING_LIMIT: usize = 65_536;

/// Most bytes of topics remembered per direction for topic aliases.
const ALIAS_BYTES_LIMIT: usize = 8 * 1024 * 1024;

/// Which exchange an acknowledgement belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Flow {
    Connect,
    Publish,
    Subscribe,
    Unsubscribe,
    Ping,
}

/// The last packet of an exchange still waiting for its answer.
#[derive(Debug, Clone, Copy)]
struct Waiting {
    last: PacketKind,
    at: i64,
    started: i64,
}

/// Wall-clock microseconds that never go backwards within a run.
#[derive(Debug)]
struct Clock {
    base: Instant,
    base_micros: i64,
}

impl Clock {
    fn new() -> Self {
        let since_epoch = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
        Self { base: Instant::now(), base_micros: i64::try_from(since_epoch.as_micros()).unwrap_or(i64::MAX) }
    }

    fn now(&self) -> i64 {
        let elapsed = i64::try_from(self.base.elapsed().as_micros()).unwrap_or(i64::MAX);
        self.base_micros.saturating_add(elapsed)
    }
}

#[derive(Debug, Default)]
struct Aliases {
    topics: HashMap<u16, String>,
    bytes: usize,
}

/// One connection's packet recorder (across its reconnects).
#[derive(Debug)]
pub struct WireCapture {
    protocol: ProtocolVersion,
    clock: Clock,
    link: u32,
    seq: u64,
    sent: FrameSplitter,
    received: FrameSplitter,
    waiting: HashMap<(Direction, Flow, u16), Waiting>,
    sent_aliases: Aliases,
    received_aliases: Aliases,
    records: Vec<PacketRecord>,
    dropped: u64,
    /// When bytes last went each way (a packet cut off by the end of the
    /// connection is stamped with the time its last bytes went).
    last_sent_at: i64,
    last_received_at: i64,
}

impl WireCapture {
    /// A recorder for a connection speaking `protocol` (a CONNECT that says
    /// otherwise wins).
    pub fn new(protocol: ProtocolVersion) -> Self {
        Self {
            protocol,
            clock: Clock::new(),
            link: 0,
            seq: 0,
            sent: FrameSplitter::new(),
            received: FrameSplitter::new(),
            waiting: HashMap::new(),
            sent_aliases: Aliases::default(),
            received_aliases: Aliases::default(),
            records: Vec::new(),
            dropped: 0,
            last_sent_at: 0,
            last_received_at: 0,
        }
    }

    /// A new network connection starts (its packets share nothing with
    /// the last one's: no half packets, aliases or pending answers).
    pub fn start_link(&mut self) {
        self.end_link();
        self.link = self.link.saturating_add(1);
        self.sent = FrameSplitter::new();
        self.received = FrameSplitter::new();
        self.waiting.clear();
        self.sent_aliases = Aliases::default();
        self.received_aliases = Aliases::default();
    }

    /// The network connection ended: a packet cut off part-way is recorded
    /// as incomplete.
    pub fn end_link(&mut self) {
        for direction in [Direction::Sent, Direction::Received] {
            let last_bytes_at = match direction {
                Direction::Sent => self.last_sent_at,
                Direction::Received => self.last_received_at,
            };
            let mut frames = Vec::new();
            self.splitter(direction).finish(&mut |frame, note| frames.push(owned(frame, note)));
            for (first_byte, remaining_length, header_length, body, note) in frames {
                let frame = Frame { first_byte, remaining_length, header_length, body: &body };
                self.record(frame, note, direction, last_bytes_at);
            }
        }
    }

    /// Bytes written to the connection now.
    pub fn sent(&mut self, bytes: &[u8]) {
        let now = self.clock.now();
        self.feed(Direction::Sent, bytes, now);
    }

    /// Bytes read from the connection now.
    pub fn received(&mut self, bytes: &[u8]) {
        let now = self.clock.now();
        self.feed(Direction::Received, bytes, now);
    }

    /// Bytes that went `direction` at `time_micros` (tests give the time).
    pub fn feed(&mut self, direction: Direction, bytes: &[u8], time_micros: i64) {
        match direction {
            Direction::Sent => self.last_sent_at = time_micros,
            Direction::Received => self.last_received_at = time_micros,
        }
        let mut splitter = std::mem::take(self.splitter(direction));
        splitter.feed(bytes, &mut |frame, note| self.record(frame, note, direction, time_micros));
        *self.splitter(direction) = splitter;
    }

    /// Records waiting, and how many were dropped since the last call.
    pub fn take(&mut self) -> (Vec<PacketRecord>, u64) {
        (std::mem::take(&mut self.records), std::mem::take(&mut self.dropped))
    }

    /// True when records are waiting to be taken.
    pub fn has_records(&self) -> bool {
        !self.records.is_empty() || self.dropped > 0
    }

    fn splitter(&mut self, direction: Direction) -> &mut FrameSplitter {
        match direction {
            Direction::Sent => &mut self.sent,
            Direction::Received => &mut self.received,
        }
    }

    fn record(&mut self, frame: Frame<'_>, note: Option<String>, direction: Direction, time_micros: i64) {
        self.seq += 1;
        if self.records.len() >= PENDING_LIMIT {
            self.dropped += 1;
            return;
        }
        let mut record = decode(&frame, self.protocol, direction);
        if record.kind == PacketKind::Connect && direction == Direction::Sent {
            self.protocol = record.protocol;
        }
        record.seq = self.seq;
        record.link = self.link;
        record.time_micros = time_micros;
        if note.is_some() {
            record.problem = note;
        }
        self.resolve_alias(&mut record);
        record.timing = self.time(&record);
        self.records.push(record);
    }

    fn resolve_alias(&mut self, record: &mut PacketRecord) {
        let (Some(alias), Some(topic)) = (record.topic_alias, record.topic.as_ref()) else {
            return;
        };
        let aliases = match record.direction {
            Direction::Sent => &mut self.sent_aliases,
            Direction::Received => &mut self.received_aliases,
        };
        if topic.is_empty() {
            match aliases.topics.get(&alias) {
                Some(known) => {
                    record.topic = Some(known.clone());
                    record.topic_from_alias = true;
                }
                None => {
                    record
                        .problem
                        .get_or_insert_with(|| format!("topic alias {alias} was never defined on this connection"));
                }
            }
        } else if aliases.bytes + topic.len() <= ALIAS_BYTES_LIMIT {
            aliases.bytes += topic.len();
            if let Some(old) = aliases.topics.insert(alias, topic.clone()) {
                aliases.bytes -= old.len();
            }
        }
    }

    /// The answer's timing, and what this packet now waits for.
    fn time(&mut self, record: &PacketRecord) -> Option<AckTiming> {
        let direction = record.direction;
        let pkid = record.packet_id.unwrap_or(0);
        let now = record.time_micros;
        let start = |flow| (direction, flow, pkid);
        let answer = |flow| (direction.opposite(), flow, pkid);
        let (key, keep, total, waits) = match record.kind {
            PacketKind::Connect => (None, false, false, Some(start(Flow::Connect))),
            PacketKind::ConnAck => (Some(answer(Flow::Connect)), false, false, None),
            PacketKind::Publish if record.qos_bits() > 0 && record.qos_bits() < 3 => {
                (None, false, false, Some(start(Flow::Publish)))
            }
            PacketKind::PubAck => (Some(answer(Flow::Publish)), false, false, None),
            PacketKind::PubRec => (Some(answer(Flow::Publish)), true, false, None),
            // PUBREL goes the way the PUBLISH went.
            PacketKind::PubRel => (Some(start(Flow::Publish)), true, false, None),
            PacketKind::PubComp => (Some(answer(Flow::Publish)), false, true, None),
            PacketKind::Subscribe => (None, false, false, Some(start(Flow::Subscribe))),
            PacketKind::SubAck => (Some(answer(Flow::Subscribe)), false, false, None),
            PacketKind::Unsubscribe => (None, false, false, Some(start(Flow::Unsubscribe))),
            PacketKind::UnsubAck => (Some(answer(Flow::Unsubscribe)), false, false, None),
            PacketKind::PingReq => (None, false, false, Some(start(Flow::Ping))),
            PacketKind::PingResp => (Some(answer(Flow::Ping)), false, false, None),
            _ => (None, false, false, None),
        };
        if let Some(waits) = waits {
            self.waiting.insert(waits, Waiting { last: record.kind, at: now, started: now });
            return None;
        }
        let key = key?;
        let waiting = if keep { self.waiting.get_mut(&key).copied() } else { self.waiting.remove(&key) }?;
        if keep && let Some(entry) = self.waiting.get_mut(&key) {
            entry.last = record.kind;
            entry.at = now;
        }
        let micros = |from: i64| u64::try_from(now.saturating_sub(from)).unwrap_or(0);
        Some(AckTiming {
            answers: waiting.last,
            micros: micros(waiting.at),
            total_micros: total.then(|| micros(waiting.started)),
        })
    }
}

type OwnedFrame = (u8, usize, usize, Vec<u8>, Option<String>);

fn owned(frame: Frame<'_>, note: Option<String>) -> OwnedFrame {
    (frame.first_byte, frame.remaining_length, frame.header_length, frame.body.to_vec(), note)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(protocol: ProtocolVersion, direction: Direction, bytes: &[u8]) -> Vec<PacketRecord> {
        let mut capture = WireCapture::new(protocol);
        capture.start_link();
        capture.feed(direction, bytes, 0);
        capture.end_link();
        capture.take().0
    }

    #[test]
    fn topic_aliases_resolve_per_direction_and_undefined_ones_are_named() {
        // PUBLISH "a/b" defining alias 1, then PUBLISH "" using it, then alias 2 unknown.
        let define = [0x30, 9, 0, 3, b'a', b'/', b'b', 3, 0x23, 0, 1];
        let reuse = [0x30, 7, 0, 0, 3, 0x23, 0, 1, b'x'];
        let unknown = [0x30, 6, 0, 0, 3, 0x23, 0, 2];
        let stream = [&define[..], &reuse, &unknown].concat();
        let received = records(ProtocolVersion::V5, Direction::Received, &stream);
        assert_eq!(received[1].topic.as_deref(), Some("a/b"));
        assert!(received[1].topic_from_alias);
        assert_eq!(received[1].topic_alias, Some(1));
        assert_eq!(received[1].payload_preview.as_deref(), Some(&b"x"[..]));
        assert_eq!(received[2].problem.as_deref(), Some("topic alias 2 was never defined on this connection"));
    }

    #[test]
    fn what_breaks_the_spec_is_named_with_its_offset() {
        let cases: [(&[u8], &str); 6] = [
            // PUBACK with reason 0x8E (only DISCONNECT may carry it).
            (&[0x40, 3, 0, 1, 0x8E], "0x8E is not a valid PUBACK reason code"),
            // SUBSCRIBE flags must be 0x2.
            (&[0x80, 6, 0, 1, 0, 0, 0, 0], "the flags of SUBSCRIBE must be 0x2, not 0x0"),
            // Packet type 0.
            (&[0x00, 0], "packet type 0 is reserved"),
            // Unknown property 0x04 in a DISCONNECT.
            (&[0xE0, 4, 0x00, 2, 0x04, 0], "unknown property 0x04 at byte 4"),
            // A topic length running past the packet.
            (&[0x30, 3, 0, 9, b'a'], "topic name at byte 2 needs 9 bytes but the packet ends after 1"),
            // QoS 3.
            (&[0x36, 5, 0, 1, b'a', 0, 1], "QoS bits are 3"),
        ];
        for (bytes, expected) in cases {
            let decoded = records(ProtocolVersion::V5, Direction::Received, bytes);
            let problem = decoded[0].problem.clone().unwrap_or_default();
            assert!(problem.contains(expected), "{bytes:02x?}: {problem}");
        }
        // A SUBACK's reason codes keep their order, valid or not.
        let suback = records(ProtocolVersion::V5, Direction::Received, &[0x90, 5, 0, 7, 0, 0x01, 0x87]);
        assert_eq!(suback[0].reasons(), ["0x01 Granted QoS 1", "0x87 Not authorized"]);
        assert_eq!(suback[0].problem, None);
    }

    #[test]
    fn authentication_data_is_never_kept() {
        // AUTH, reason 0x18, properties: method "SCRAM", data "secret".
        let auth = [
            0xF0, 19, 0x18, 17, 0x15, 0, 5, b'S', b'C', b'R', b'A', b'M', 0x16, 0, 6, b's', b'e', b'c', b'r', b'e',
            b't',
        ];
        let decoded = records(ProtocolVersion::V5, Direction::Sent, &auth);
        assert_eq!(decoded[0].problem, None);
        assert_eq!(decoded[0].property(0x16), Some(&PropertyValue::Hidden(6)));
        assert!(!format!("{decoded:?}").contains("secret"));
    }

    #[test]
    fn records_beyond_the_limit_are_counted_not_held() {
        let mut capture = WireCapture::new(ProtocolVersion::V311);
        capture.start_link();
        let pings: Vec<u8> = std::iter::repeat_n([0xD0u8, 0], PENDING_LIMIT + 10).flatten().collect();
        capture.feed(Direction::Received, &pings, 0);
        let (records, dropped) = capture.take();
        assert_eq!((records.len(), dropped), (PENDING_LIMIT, 10));
        assert!(!capture.has_records());
    }
}
