//! What the app can see inside the running embedded broker: its log
//! (connects, disconnects, refusals, protocol errors), its clients and its
//! message rates. The broker thread writes; the UI reads without waiting on
//! the network (a short mutex hold, never across an await).

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Utc};

/// Log entries kept; older ones are dropped and counted.
pub const MAX_LOG_ENTRIES: usize = 5_000;
/// Clients listed at most (the count is always exact).
pub const MAX_LISTED_CLIENTS: usize = 10_000;

/// How serious a broker log entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LogLevel {
    /// Normal traffic: connects, clean disconnects.
    Info,
    /// Something a tester should notice: refusals, abnormal disconnects.
    Warning,
    /// The broker itself failed at something.
    Error,
}

impl LogLevel {
    /// Short label for the log view.
    pub fn label(self) -> &'static str {
        match self {
            LogLevel::Info => "info",
            LogLevel::Warning => "warning",
            LogLevel::Error => "error",
        }
    }
}

/// One line of the broker log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    /// When it happened.
    pub at: DateTime<Utc>,
    /// How serious.
    pub level: LogLevel,
    /// What happened, in one sentence.
    pub text: String,
}

/// A client session the broker holds, online or kept for a persistent client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientInfo {
    /// Its client id.
    pub client_id: String,
    /// Where it connects from.
    pub address: Option<SocketAddr>,
    /// The user name it sent.
    pub user: Option<String>,
    /// "3.1", "3.1.1" or "5.0".
    pub protocol: &'static str,
    /// Keep-alive in seconds (0: none).
    pub keep_alive: u16,
    /// Clean start / clean session flag.
    pub clean_start: bool,
    /// Subscriptions held.
    pub subscriptions: usize,
    /// QoS 1/2 messages sent and not yet acknowledged.
    pub inflight: usize,
    /// Messages waiting to be sent.
    pub queued: usize,
    /// False for a persistent session whose client is away.
    pub connected: bool,
}

/// Messages and bytes per second over the last sampling period, plus totals.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Rates {
    /// PUBLISH packets received from clients per second.
    pub messages_in: f64,
    /// Messages delivered to clients per second.
    pub messages_out: f64,
    /// Payload bytes received per second.
    pub bytes_in: f64,
    /// Payload bytes delivered per second.
    pub bytes_out: f64,
    /// Messages received since start.
    pub total_in: u64,
    /// Messages delivered since start.
    pub total_out: u64,
    /// What the limits dropped since start.
    pub dropped: super::limits::Dropped,
    /// Retained topics kept (clients' messages; `$SYS` aside) and their
    /// payload bytes.
    pub retained: (usize, u64),
}

/// What the monitor holds.
#[derive(Debug, Default)]
pub struct MonitorState {
    /// Newest last.
    pub log: VecDeque<LogEntry>,
    /// Entries dropped because the log was full.
    pub log_dropped: u64,
    /// Sessions, sorted by client id (at most [`MAX_LISTED_CLIENTS`]).
    pub clients: Vec<ClientInfo>,
    /// All sessions, including those not listed.
    pub session_count: usize,
    /// Rates and totals.
    pub rates: Rates,
    /// The bridges to other brokers, in their configured order.
    pub bridges: Vec<super::bridge::BridgeStatus>,
}

/// Asks a window to repaint.
pub type Waker = Arc<dyn Fn() + Send + Sync>;

/// Receives each log entry as it happens (the headless broker prints them).
pub type LogSink = Arc<dyn Fn(&LogEntry) + Send + Sync>;

/// Shared view into a running broker; cheap to clone.
#[derive(Clone, Default)]
pub struct BrokerMonitor {
    state: Arc<Mutex<MonitorState>>,
    waker: Arc<Mutex<Option<Waker>>>,
    sink: Arc<Mutex<Option<LogSink>>>,
}

impl std::fmt::Debug for BrokerMonitor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BrokerMonitor").finish_non_exhaustive()
    }
}

/// Two handles are equal when they watch the same broker.
impl PartialEq for BrokerMonitor {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.state, &other.state)
    }
}

impl Eq for BrokerMonitor {}

impl BrokerMonitor {
    /// Reads the state; a panic elsewhere never makes it unreadable.
    pub fn lock(&self) -> MutexGuard<'_, MonitorState> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Called after every change so a window can repaint.
    pub fn set_waker(&self, waker: Waker) {
        *self.waker.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(waker);
    }

    /// Sends every new log entry to `sink` too (`None` stops that).
    pub fn set_log_sink(&self, sink: Option<LogSink>) {
        *self.sink.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = sink;
    }

    /// Adds a log entry.
    pub fn log(&self, level: LogLevel, text: impl Into<String>) {
        let entry = LogEntry { at: Utc::now(), level, text: text.into() };
        tracing::debug!(target: "topicscope::broker", "{}: {}", level.label(), entry.text);
        let sink = self.sink.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        if let Some(sink) = sink {
            sink(&entry);
        }
        {
            let mut state = self.lock();
            if state.log.len() >= MAX_LOG_ENTRIES {
                state.log.pop_front();
                state.log_dropped += 1;
            }
            state.log.push_back(entry);
        }
        self.wake();
    }

    /// Empties the log (the dropped count too).
    pub fn clear_log(&self) {
        {
            let mut state = self.lock();
            state.log.clear();
            state.log_dropped = 0;
        }
        self.wake();
    }

    /// Replaces the client list and rates with a new sample.
    pub fn update(&self, mut clients: Vec<ClientInfo>, session_count: usize, rates: Rates) {
        clients.sort_by(|a, b| a.client_id.cmp(&b.client_id));
        clients.truncate(MAX_LISTED_CLIENTS);
        let changed = {
            let mut state = self.lock();
            let changed = state.clients != clients || state.rates != rates;
            state.clients = clients;
            state.session_count = session_count;
            state.rates = rates;
            changed
        };
        if changed {
            self.wake();
        }
    }

    pub(super) fn wake(&self) {
        let waker = self.waker.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        if let Some(waker) = waker {
            waker();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Counts how often the monitor asks for a repaint.
    fn count_wakes(monitor: &BrokerMonitor) -> Arc<AtomicUsize> {
        let wakes = Arc::new(AtomicUsize::new(0));
        let counter = wakes.clone();
        monitor.set_waker(Arc::new(move || {
            counter.fetch_add(1, Ordering::Relaxed);
        }));
        wakes
    }

    #[test]
    fn the_log_is_bounded_and_counts_what_it_dropped() {
        let monitor = BrokerMonitor::default();
        let wakes = count_wakes(&monitor);
        for index in 0..MAX_LOG_ENTRIES + 3 {
            monitor.log(LogLevel::Info, format!("entry {index}"));
        }
        let state = monitor.lock();
        assert_eq!(state.log.len(), MAX_LOG_ENTRIES);
        assert_eq!(state.log_dropped, 3);
        assert_eq!(state.log.front().map(|entry| entry.text.as_str()), Some("entry 3"));
        assert_eq!(wakes.load(Ordering::Relaxed), MAX_LOG_ENTRIES + 3);
    }

    #[test]
    fn client_samples_are_sorted_and_only_wake_on_change() {
        let monitor = BrokerMonitor::default();
        let wakes = count_wakes(&monitor);
        let client = |id: &str| ClientInfo {
            client_id: id.into(),
            address: None,
            user: None,
            protocol: "5.0",
            keep_alive: 60,
            clean_start: true,
            subscriptions: 0,
            inflight: 0,
            queued: 0,
            connected: true,
        };
        monitor.update(vec![client("b"), client("a")], 2, Rates::default());
        monitor.update(vec![client("a"), client("b")], 2, Rates::default());
        assert_eq!(wakes.load(Ordering::Relaxed), 1);
        let ids: Vec<_> = monitor.lock().clients.iter().map(|client| client.client_id.clone()).collect();
        assert_eq!(ids, ["a", "b"]);
        assert_eq!(monitor, monitor.clone());
        assert_ne!(monitor, BrokerMonitor::default());
    }
}
