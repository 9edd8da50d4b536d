//! Filtered views kept up to date incrementally: new messages are
//! checked as they arrive, a changed filter rescans in time-bounded slices.

use std::collections::VecDeque;

use super::filter::CompiledFilter;
use super::{FilterError, LogFilter, MessageStore, StoredMessage};

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
pub(super) struct SeqList {
    base: u64,
    offsets: VecDeque<u32>,
}

impl SeqList {
    pub(super) fn clear(&mut self) {
        self.offsets.clear();
    }

    pub(super) fn len(&self) -> usize {
        self.offsets.len()
    }

    pub(super) fn get(&self, index: usize) -> Option<u64> {
        self.offsets.get(index).map(|offset| self.base + u64::from(*offset))
    }

    pub(super) fn front(&self) -> Option<u64> {
        self.get(0)
    }

    pub(super) fn pop_front(&mut self) {
        self.offsets.pop_front();
    }

    pub(super) fn push_back(&mut self, seq: u64) {
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
    pub(super) fn count_before(&self, boundary: u64) -> usize {
        match boundary.checked_sub(self.base) {
            None => 0,
            Some(offset) => match u32::try_from(offset) {
                Ok(offset) => self.offsets.partition_point(|entry| *entry < offset),
                Err(_) => self.offsets.len(),
            },
        }
    }

    pub(super) fn position(&self, seq: u64) -> Option<usize> {
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
