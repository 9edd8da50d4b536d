//! Messages per second over the last second.

use std::collections::VecDeque;

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
