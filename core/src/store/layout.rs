//! How the log lays messages out in memory: 40-byte records, payloads in
//! shared chunks, interned topic names.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use super::{PAYLOAD_CHUNK, PER_TOPIC_OVERHEAD};
use crate::ids::TabId;

/// How the store keeps one message: 40 bytes.
#[derive(Debug, Clone, Copy)]
pub(super) struct Record {
    /// Microseconds since the Unix epoch.
    pub(super) time_us: i64,
    /// Where the payload starts in the payload chunks (a running offset).
    pub(super) payload_at: u64,
    pub(super) payload_len: u32,
    pub(super) topic: u32,
    pub(super) tab: TabId,
    /// Subscription id, 0 for none (ids start at 1).
    pub(super) subscription: u32,
    pub(super) flags: u8,
}

pub(super) const OUTGOING: u8 = 1;

pub(super) const RETAIN: u8 = 2;

pub(super) const HAS_PROPERTIES: u8 = 4;

pub(super) const QOS_SHIFT: u8 = 3;

/// Payload bytes in chunks, appended at the back and freed from the front
/// in the same order as the records that point into them.
#[derive(Debug, Default)]
pub(super) struct PayloadChunks {
    pub(super) chunks: VecDeque<(u64, Vec<u8>)>,
    pub(super) end: u64,
    pub(super) capacity_bytes: usize,
}

impl PayloadChunks {
    pub(super) fn append(&mut self, payload: &[u8]) -> u64 {
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

    pub(super) fn get(&self, at: u64, len: u32) -> &[u8] {
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
    pub(super) fn release_before(&mut self, oldest: u64) {
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
pub(super) struct TopicNames {
    pub(super) ids: HashMap<Arc<str>, u32>,
    pub(super) slots: Vec<(Arc<str>, u32)>,
    pub(super) free: Vec<u32>,
    pub(super) bytes: usize,
}

impl TopicNames {
    pub(super) fn acquire(&mut self, topic: &str) -> u32 {
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

    pub(super) fn release(&mut self, id: u32) {
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

    pub(super) fn name(&self, id: u32) -> &str {
        self.slots.get(id as usize).map_or("", |(name, _)| name)
    }

    pub(super) fn clear(&mut self) {
        *self = Self::default();
    }
}
