//! The bytes of received messages waiting between the engine and whoever
//! reads its events (the window, or `sub` writing to a slow pipe). Counting
//! messages was not enough: 1024 batches of 2048 large messages is
//! gigabytes. Above [`QUEUED_BYTES_LIMIT`] a connection waits before
//! handing over its next batch, so it stops reading the socket and TCP
//! slows the broker down — back-pressure, nothing dropped.

use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::Notify;

use super::{ConnectionEvent, EventKind};
use crate::mqtt::IncomingMessage;

/// Most message bytes (topics, payloads, properties) queued towards the
/// reader of the engine's events. One batch larger than this still passes
/// when nothing else is queued, so a single huge message is never stuck.
pub const QUEUED_BYTES_LIMIT: usize = 64 * 1024 * 1024;

/// What a queued message costs beyond its topic, payload and properties.
const PER_MESSAGE_OVERHEAD: usize = 96;

/// The shared count, with a wake-up for waiting connections.
#[derive(Debug)]
pub(crate) struct QueuedBytes {
    bytes: AtomicUsize,
    freed: Notify,
    limit: usize,
}

impl QueuedBytes {
    pub(crate) fn new(limit: usize) -> Self {
        Self { bytes: AtomicUsize::new(0), freed: Notify::new(), limit }
    }

    /// Bytes queued now.
    pub(crate) fn queued(&self) -> usize {
        self.bytes.load(Ordering::Acquire)
    }

    /// Waits until `kind` fits under the limit, then counts it in.
    pub(crate) async fn reserve(&self, kind: &EventKind) {
        self.reserve_bytes(cost(kind)).await;
    }

    /// Counts `kind` out once its reader took it.
    pub(crate) fn release(&self, kind: &EventKind) {
        self.release_bytes(cost(kind));
    }

    /// Waits until `size` more bytes fit under the limit, then counts them in.
    pub(crate) async fn reserve_bytes(&self, size: usize) {
        if size == 0 {
            return;
        }
        loop {
            let freed = self.freed.notified();
            let queued = self.bytes.load(Ordering::Acquire);
            if queued == 0 || queued + size <= self.limit {
                break;
            }
            freed.await;
        }
        self.bytes.fetch_add(size, Ordering::AcqRel);
    }

    /// Counts `size` bytes out.
    pub(crate) fn release_bytes(&self, size: usize) {
        if size > 0 {
            self.bytes.fetch_sub(size, Ordering::AcqRel);
            self.freed.notify_waiters();
        }
    }
}

/// Most bytes of received messages between a connection's network task
/// and its control task (the same back-pressure one step earlier).
pub(crate) const NET_QUEUED_BYTES_LIMIT: usize = 8 * 1024 * 1024;

/// The bytes an event holds in received messages and packet records (0
/// for other events).
fn cost(kind: &EventKind) -> usize {
    match kind {
        EventKind::Connection { event: ConnectionEvent::Messages(batch), .. } => {
            batch.iter().map(|(_, message)| message_cost(message)).sum()
        }
        EventKind::Connection { event: ConnectionEvent::Packets { records, .. }, .. } => {
            records.iter().map(crate::wire::PacketRecord::heap_bytes).sum()
        }
        _ => 0,
    }
}

/// What one received message holds in memory, as counted here.
pub(crate) fn message_cost(message: &IncomingMessage) -> usize {
    message.topic.len()
        + message.payload.len()
        + message.properties.as_ref().map_or(0, |properties| properties.heap_bytes())
        + PER_MESSAGE_OVERHEAD
}
