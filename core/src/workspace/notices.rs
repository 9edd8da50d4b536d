//! Warnings and errors for the user, recorded as what happened and its
//! parameters (not as English sentences): the window says them in the
//! interface language, the log file and tests read their English form.

use chrono::{DateTime, Utc};
use thiserror::Error;

use super::Workspace;
use crate::engine::ConnectionFailure;
use crate::ids::RequestId;
use crate::profile::ProfileError;
use crate::saved_messages::SavedMessagesError;

/// Most notices kept.
const MAX_NOTICES: usize = 200;

/// A warning or error to show the user beside where it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// When it happened.
    pub at: DateTime<Utc>,
    /// How bad it is.
    pub level: NoticeLevel,
    /// What happened, with its parameters.
    pub kind: NoticeKind,
    /// How many times it happened in a row (a reconnect loop says the same
    /// thing every attempt: one notice, counted).
    pub repeated: u32,
    /// Worth a toast: false for what the user just did on purpose (e.g.
    /// stopping the broker the tab is connected to).
    pub toast: bool,
}

/// How bad a notice is (toasts and the notifications list colour by it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeLevel {
    /// Something to know about; work goes on.
    Warning,
    /// Something failed.
    Error,
}

/// What a notice is about. The English texts (`Display`) are for the log
/// file; the window translates each kind through its catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NoticeKind {
    /// Said by the window itself, already in the interface language.
    #[error("{0}")]
    Said(String),
    /// The embedded broker's port was taken and it listens on another.
    #[error("port {wanted} is taken; the embedded broker listens on {listening} instead")]
    BrokerPortTaken {
        /// The port asked for.
        wanted: u16,
        /// The port it listens on.
        listening: u16,
    },
    /// The embedded broker could not start or stopped with an error.
    #[error("embedded broker: {reason}")]
    BrokerFailed {
        /// Why, as the broker said it.
        reason: String,
    },
    /// Connecting (or reconnecting after a port change) to the embedded
    /// broker was not possible with its profile.
    #[error("cannot connect to the embedded broker: {error}")]
    EmbeddedConnectFailed {
        /// What is wrong with the profile.
        error: ProfileError,
    },
    /// An import left something out.
    #[error("import {origin}: skipped {detail}")]
    ImportSkipped {
        /// The file or source imported.
        origin: String,
        /// What was skipped and why.
        detail: String,
    },
    /// An import could not take a profile at all.
    #[error("import {origin}: not imported: {detail}")]
    ImportRefused {
        /// The file or source imported.
        origin: String,
        /// What was not imported and why.
        detail: String,
    },
    /// A repeat job stopped because a message could not be made or sent.
    #[error("repeat of {what}: {reason}")]
    RepeatFailed {
        /// The topic or collection it repeated.
        what: String,
        /// Why it failed.
        reason: String,
    },
    /// A tab's connection failed for good.
    #[error("{tab}: connection failed: {failure}")]
    ConnectionFailed {
        /// The tab's title.
        tab: String,
        /// Why.
        failure: ConnectionFailure,
    },
    /// A tab's connection was lost; it reconnects by its policy.
    #[error("{tab}: {failure}; reconnecting")]
    ConnectionLost {
        /// The tab's title.
        tab: String,
        /// Why.
        failure: ConnectionFailure,
    },
    /// The network engine's command queue was full; the command was not taken.
    #[error("the engine is busy (command queue full); try again")]
    EngineBusy,
    /// The network engine has stopped; nothing reaches the network.
    #[error("the network engine has stopped")]
    EngineStopped,
    /// The network engine could not start.
    #[error("cannot start the network engine: {reason}")]
    EngineNotStarted {
        /// What the system said.
        reason: String,
    },
    /// The file writer could not start; nothing can be saved.
    #[error("cannot start the file writer: {reason}")]
    FileWriterNotStarted {
        /// What the system said.
        reason: String,
    },
    /// messages.ron could not be read; it is kept (moved aside, or left
    /// in place with saving refused) and never written over.
    #[error("saved messages not loaded: {error}; {kept}")]
    SavedMessagesNotLoaded {
        /// Why (file:line:column for a damaged file).
        error: SavedMessagesError,
        /// Where the unreadable file is now, and what saving will do.
        kept: String,
    },
    /// The broker answered an UNSUBSCRIBE with something other than success.
    #[error("{tab}: unsubscribe from {filter}: {reasons}")]
    UnsubscribeAnswered {
        /// The tab's title.
        tab: String,
        /// The filter.
        filter: String,
        /// Its reason codes, e.g. `0x11 No subscription existed`.
        reasons: String,
    },
    /// A publish was refused by the broker or could not be sent.
    #[error("{tab}: publish #{request} failed: {reason}")]
    PublishFailed {
        /// The tab's title.
        tab: String,
        /// Which publish.
        request: RequestId,
        /// Why.
        reason: String,
    },
}

impl NoticeKind {
    /// True when `next` is this notice again: the same, or the next attempt
    /// of the same tab's reconnect loop (whose reason may change, e.g.
    /// "lost" and then "refused").
    fn continues(&self, next: &NoticeKind) -> bool {
        match (self, next) {
            (NoticeKind::ConnectionLost { tab, .. }, NoticeKind::ConnectionLost { tab: next_tab, .. }) => {
                tab == next_tab
            }
            _ => self == next,
        }
    }
}

impl Workspace {
    /// Records a warning the window said in its own words.
    pub fn notice(&mut self, text: impl Into<String>) {
        self.record_notice(NoticeLevel::Warning, NoticeKind::Said(text.into()));
    }

    /// Records a failure the window said in its own words.
    pub fn error(&mut self, text: impl Into<String>) {
        self.record_notice(NoticeLevel::Error, NoticeKind::Said(text.into()));
    }

    /// Records a notice for the notices list (and the log file), toasted.
    pub fn record_notice(&mut self, level: NoticeLevel, kind: NoticeKind) {
        self.record(level, kind, true);
    }

    /// Records a notice the user caused (listed, not toasted).
    pub fn record_quiet_notice(&mut self, level: NoticeLevel, kind: NoticeKind) {
        self.record(level, kind, false);
    }

    fn record(&mut self, level: NoticeLevel, kind: NoticeKind, toast: bool) {
        match level {
            NoticeLevel::Warning => tracing::warn!("{kind}"),
            NoticeLevel::Error => tracing::error!("{kind}"),
        }
        // The same thing again right after (or the next attempt of the same
        // reconnect loop): count it on the last notice, which says the
        // latest reason, instead of adding (and toasting) another.
        if let Some(last) = self.notices.last_mut().filter(|last| last.level == level && last.kind.continues(&kind)) {
            last.repeated = last.repeated.saturating_add(1);
            last.at = Utc::now();
            last.kind = kind;
            return;
        }
        self.notices.push(Notice { at: Utc::now(), level, kind, repeated: 1, toast });
        self.notices_recorded += 1;
        if self.notices.len() > MAX_NOTICES {
            self.notices.remove(0);
        }
    }
}
