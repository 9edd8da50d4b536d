//! What a log view shows: search text or regex, topic filters, tab,
//! direction, QoS, retained only.

use crate::ids::TabId;
use crate::mqtt::{Direction, Qos};
use crate::topic::topic_matches;

use super::StoredMessage;

/// Why a log filter cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    /// The search is marked as a regular expression and is not one.
    #[error("invalid regular expression: {0}")]
    Regex(String),
}

/// What the log is filtered by. An empty filter shows everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogFilter {
    /// Searched in topic and payload: a case-insensitive substring, or a
    /// regular expression when `search_is_regex`.
    pub search: String,
    /// Treat `search` as a regular expression.
    pub search_is_regex: bool,
    /// Only messages whose topic matches these MQTT filters (all of them),
    /// e.g. a subscription's and one typed in the filter bar.
    pub topic_filters: Vec<String>,
    /// Only this connection tab.
    pub tab: Option<TabId>,
    /// Only incoming or only outgoing messages.
    pub direction: Option<Direction>,
    /// Only this QoS.
    pub qos: Option<Qos>,
    /// Only retained messages.
    pub retained_only: bool,
    /// Messages of these (muted) subscriptions are hidden.
    pub hidden_subscriptions: Vec<crate::ids::SubscriptionId>,
}

/// A [`LogFilter`] prepared for scanning many messages.
#[derive(Debug, Clone)]
pub(super) struct CompiledFilter {
    lower_search: String,
    regex: Option<regex::bytes::Regex>,
}

impl LogFilter {
    /// True when the filter lets everything through.
    pub fn is_empty(&self) -> bool {
        self.search.is_empty()
            && self.topic_filters.is_empty()
            && self.tab.is_none()
            && self.direction.is_none()
            && self.qos.is_none()
            && !self.retained_only
            && self.hidden_subscriptions.is_empty()
    }

    /// Compiles the search; an invalid regular expression is an error
    /// naming the problem.
    pub(super) fn compile(&self) -> Result<CompiledFilter, FilterError> {
        let regex = if self.search_is_regex && !self.search.is_empty() {
            let regex = regex::bytes::RegexBuilder::new(&self.search)
                .case_insensitive(true)
                .size_limit(1 << 20)
                .build()
                .map_err(|error| FilterError::Regex(error.to_string()))?;
            Some(regex)
        } else {
            None
        };
        Ok(CompiledFilter { lower_search: self.search.to_lowercase(), regex })
    }

    /// True when `message` passes the filter (an invalid regex matches nothing).
    pub fn accepts(&self, message: &StoredMessage<'_>) -> bool {
        self.compile().is_ok_and(|compiled| self.accepts_with(message, &compiled))
    }

    pub(super) fn accepts_with(&self, message: &StoredMessage<'_>, compiled: &CompiledFilter) -> bool {
        if self.tab.is_some_and(|tab| tab != message.tab)
            || self.direction.is_some_and(|direction| direction != message.direction)
            || self.qos.is_some_and(|qos| qos != message.qos)
            || (self.retained_only && !message.retain)
            || message.subscription.is_some_and(|id| self.hidden_subscriptions.contains(&id))
        {
            return false;
        }
        if !self.topic_filters.iter().all(|filter| topic_matches(filter, message.topic)) {
            return false;
        }
        if let Some(regex) = &compiled.regex {
            return regex.is_match(message.topic.as_bytes()) || regex.is_match(message.payload);
        }
        let needle = compiled.lower_search.as_str();
        needle.is_empty()
            || contains_ignore_case(message.topic.as_bytes(), needle)
            || contains_ignore_case(message.payload, needle)
    }
}

/// Case-insensitive for ASCII letters; other characters (already
/// lower-cased in the needle) must match exactly.
fn contains_ignore_case(haystack: &[u8], lower_needle: &str) -> bool {
    contains_ignore_ascii_case(haystack, lower_needle.as_bytes())
}

fn contains_ignore_ascii_case(haystack: &[u8], needle: &[u8]) -> bool {
    if needle.is_empty() {
        return true;
    }
    if needle.len() > haystack.len() {
        return false;
    }
    let first = needle[0].to_ascii_lowercase();
    haystack
        .windows(needle.len())
        .any(|window| window[0].to_ascii_lowercase() == first && window.eq_ignore_ascii_case(needle))
}
