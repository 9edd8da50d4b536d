//! topicscope's own log, for bug reports: every `tracing` event the app
//! records goes to stderr, to a daily log file in the platform's data
//! folder (written off the emitting thread) and into a bounded in-memory
//! list that the window's "Application log" pane shows.

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use chrono::{DateTime, Local};
use serde::{Deserialize, Serialize};
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::Context;

/// Most entries the in-memory list keeps (older ones are dropped, counted).
pub const MAX_ENTRIES: usize = 5_000;
/// Daily log files kept in the log folder.
pub const LOG_FILES_KEPT: usize = 7;

/// How severe an entry is, as the pane filters it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
pub enum LevelFilter {
    /// Errors only.
    Error,
    /// Warnings and errors.
    Warn,
    /// Information, warnings and errors.
    #[default]
    Info,
    /// Everything recorded.
    Debug,
}

impl LevelFilter {
    /// Every filter, least to most verbose.
    pub const ALL: [LevelFilter; 4] = [LevelFilter::Error, LevelFilter::Warn, LevelFilter::Info, LevelFilter::Debug];

    /// Does an entry of this level pass?
    pub fn shows(self, level: tracing::Level) -> bool {
        let rank = |level: tracing::Level| match level {
            tracing::Level::ERROR => LevelFilter::Error,
            tracing::Level::WARN => LevelFilter::Warn,
            tracing::Level::INFO => LevelFilter::Info,
            _ => LevelFilter::Debug,
        };
        rank(level) <= self
    }
}

/// One recorded event.
#[derive(Debug, Clone)]
pub struct AppLogEntry {
    /// When (local time).
    pub at: DateTime<Local>,
    /// Severity.
    pub level: tracing::Level,
    /// Module that recorded it.
    pub target: String,
    /// The message and any extra fields.
    pub message: String,
}

impl AppLogEntry {
    /// One line, as the log file has it.
    pub fn line(&self) -> String {
        format!("{} {:>5} {}: {}", self.at.format("%Y-%m-%d %H:%M:%S%.3f"), self.level, self.target, self.message)
    }
}

/// The in-memory list the pane reads.
#[derive(Debug, Default)]
pub struct AppLog {
    entries: Mutex<VecDeque<AppLogEntry>>,
    dropped: AtomicU64,
    recorded: AtomicU64,
}

impl AppLog {
    /// Adds an entry, dropping the oldest beyond [`MAX_ENTRIES`].
    pub fn push(&self, entry: AppLogEntry) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        entries.push_back(entry);
        if entries.len() > MAX_ENTRIES {
            entries.pop_front();
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
        self.recorded.fetch_add(1, Ordering::Relaxed);
    }

    /// The entries a filter and a text search let through, oldest first.
    pub fn matching(&self, level: LevelFilter, text: &str) -> Vec<AppLogEntry> {
        let needle = text.to_lowercase();
        self.entries.lock().map_or_else(
            |_| Vec::new(),
            |entries| {
                entries
                    .iter()
                    .filter(|entry| level.shows(entry.level))
                    .filter(|entry| {
                        needle.is_empty()
                            || entry.message.to_lowercase().contains(&needle)
                            || entry.target.contains(&needle)
                    })
                    .cloned()
                    .collect()
            },
        )
    }

    /// Entries dropped because the list was full.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Entries recorded since start (changes whenever one arrives).
    pub fn recorded(&self) -> u64 {
        self.recorded.load(Ordering::Relaxed)
    }

    /// Empties the list (the log file keeps everything).
    pub fn clear(&self) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.clear();
        }
    }
}

/// The process's application log.
pub fn global() -> &'static Arc<AppLog> {
    static LOG: OnceLock<Arc<AppLog>> = OnceLock::new();
    LOG.get_or_init(|| Arc::new(AppLog::default()))
}

/// Where the log files go: `<data dir>/logs` (e.g.
/// `~/.local/share/topicscope/logs` on Linux).
pub fn log_dir() -> Option<PathBuf> {
    crate::app_dirs::data_dir().map(|dir| dir.join("logs"))
}

/// A `tracing` layer that copies events into an [`AppLog`].
pub struct CaptureLayer {
    log: Arc<AppLog>,
}

impl CaptureLayer {
    /// Captures into `log`.
    pub fn new(log: Arc<AppLog>) -> Self {
        Self { log }
    }
}

#[derive(Default)]
struct MessageVisitor {
    message: String,
    fields: String,
}

impl Visit for MessageVisitor {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            let _ = write!(self.fields, " {}={value}", field.name());
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            let _ = write!(self.fields, " {}={value:?}", field.name());
        }
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for CaptureLayer {
    fn on_event(&self, event: &tracing::Event<'_>, _context: Context<'_, S>) {
        let mut visitor = MessageVisitor::default();
        event.record(&mut visitor);
        let metadata = event.metadata();
        self.log.push(AppLogEntry {
            at: Local::now(),
            level: *metadata.level(),
            target: metadata.target().to_owned(),
            message: visitor.message + &visitor.fields,
        });
    }
}

#[cfg(test)]
mod tests {
    use tracing_subscriber::layer::SubscriberExt as _;

    use super::*;

    #[test]
    fn events_are_captured_with_their_fields_and_filtered_by_level_and_text() {
        let log = Arc::new(AppLog::default());
        let subscriber = tracing_subscriber::registry().with(CaptureLayer::new(log.clone()));
        tracing::subscriber::with_default(subscriber, || {
            tracing::info!(port = 1883, "broker listening");
            tracing::warn!("connection lost: {}", "reset by peer");
            tracing::debug!("detail");
        });
        let all = log.matching(LevelFilter::Debug, "");
        assert_eq!(all.len(), 3);
        assert_eq!(all[0].message, "broker listening port=1883");
        assert!(all[0].line().contains(" INFO "), "{}", all[0].line());
        assert_eq!(log.matching(LevelFilter::Warn, "").len(), 1);
        assert_eq!(log.matching(LevelFilter::Info, "").len(), 2);
        assert_eq!(log.matching(LevelFilter::Debug, "RESET").len(), 1);
        assert_eq!(log.recorded(), 3);
    }

    #[test]
    fn the_list_is_bounded_and_counts_what_it_dropped() {
        let log = AppLog::default();
        for n in 0..MAX_ENTRIES + 7 {
            log.push(AppLogEntry {
                at: Local::now(),
                level: tracing::Level::INFO,
                target: "t".into(),
                message: n.to_string(),
            });
        }
        let entries = log.matching(LevelFilter::Debug, "");
        assert_eq!(entries.len(), MAX_ENTRIES);
        assert_eq!(entries[0].message, "7");
        assert_eq!(log.dropped(), 7);
        log.clear();
        assert!(log.matching(LevelFilter::Debug, "").is_empty());
    }
}
