//! The last messages sent from a tab's composer, newest first, to browse
//! with Up/Down like a shell's history and to send again. What is kept is
//! the draft as typed (placeholders included), so sending again renders
//! fresh values, plus the topic it was sent to.

use std::collections::VecDeque;

use chrono::{DateTime, Utc};

use crate::compose::PublishDraft;

/// Entries kept per tab.
pub const HISTORY_LIMIT: usize = 100;

/// One sent message.
#[derive(Debug, Clone, PartialEq)]
pub struct SentDraft {
    /// The composer's fields when it was sent.
    pub draft: PublishDraft,
    /// The topic it went to (placeholders filled).
    pub sent_topic: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// A tab's publish history and where Up/Down browsing stands.
#[derive(Debug, Clone, Default)]
pub struct PublishHistory {
    /// Newest first.
    entries: VecDeque<SentDraft>,
    /// The entry the composer shows while browsing (0 = newest).
    cursor: Option<usize>,
    /// What the composer held before browsing started (Down past the
    /// newest brings it back).
    stash: Option<PublishDraft>,
}

impl PublishHistory {
    /// Records a send; a repeat of the newest draft is not listed twice.
    pub fn record(&mut self, draft: PublishDraft, sent_topic: String, at: DateTime<Utc>) {
        self.cursor = None;
        self.stash = None;
        if self.entries.front().is_some_and(|newest| newest.draft == draft) {
            if let Some(newest) = self.entries.front_mut() {
                newest.sent_topic = sent_topic;
                newest.at = at;
            }
            return;
        }
        self.entries.push_front(SentDraft { draft, sent_topic, at });
        self.entries.truncate(HISTORY_LIMIT);
    }

    /// Newest first.
    pub fn entries(&self) -> impl Iterator<Item = &SentDraft> {
        self.entries.iter()
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when nothing was sent yet.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// One entry, 0 = newest.
    pub fn get(&self, index: usize) -> Option<&SentDraft> {
        self.entries.get(index)
    }

    /// Up: the next older draft (the current one is kept to come back to).
    pub fn older(&mut self, current: &PublishDraft) -> Option<PublishDraft> {
        let next = self.cursor.map_or(0, |cursor| cursor + 1);
        let entry = self.entries.get(next)?;
        if self.cursor.is_none() {
            self.stash = Some(current.clone());
        }
        self.cursor = Some(next);
        Some(entry.draft.clone())
    }

    /// Down: the next newer draft, and past the newest what was there
    /// before browsing.
    pub fn newer(&mut self) -> Option<PublishDraft> {
        match self.cursor? {
            0 => {
                self.cursor = None;
                self.stash.take()
            }
            cursor => {
                self.cursor = Some(cursor - 1);
                self.entries.get(cursor - 1).map(|entry| entry.draft.clone())
            }
        }
    }

    /// Editing the draft ends browsing (Up starts from the newest again).
    pub fn stop_browsing(&mut self) {
        self.cursor = None;
        self.stash = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(topic: &str) -> PublishDraft {
        PublishDraft { topic: topic.into(), ..PublishDraft::default() }
    }

    #[test]
    fn up_and_down_walk_the_history_and_come_back_to_the_draft() {
        let mut history = PublishHistory::default();
        for topic in ["a", "b", "c"] {
            history.record(draft(topic), topic.into(), Utc::now());
        }
        let typing = draft("typing");
        assert_eq!(history.older(&typing).map(|d| d.topic), Some("c".into()));
        assert_eq!(history.older(&typing).map(|d| d.topic), Some("b".into()));
        assert_eq!(history.older(&typing).map(|d| d.topic), Some("a".into()));
        assert_eq!(history.older(&typing), None, "nothing older than the oldest");
        assert_eq!(history.newer().map(|d| d.topic), Some("b".into()));
        assert_eq!(history.newer().map(|d| d.topic), Some("c".into()));
        assert_eq!(history.newer().map(|d| d.topic), Some("typing".into()), "back to what was typed");
        assert_eq!(history.newer(), None);
    }

    #[test]
    fn repeats_are_listed_once_and_the_history_is_bounded() {
        let mut history = PublishHistory::default();
        history.record(draft("same"), "same".into(), Utc::now());
        history.record(draft("same"), "same".into(), Utc::now());
        assert_eq!(history.len(), 1);
        for n in 0..HISTORY_LIMIT + 10 {
            history.record(draft(&n.to_string()), n.to_string(), Utc::now());
        }
        assert_eq!(history.len(), HISTORY_LIMIT);
        assert_eq!(history.get(0).map(|e| e.sent_topic.as_str()), Some("109"));
    }
}
