//! Resource limits that keep a desktop broker responsive whatever its
//! clients do: keep-alive, messages in flight and queued per session,
//! subscriptions per client, session expiry, and retained messages by count
//! and bytes. rmqtt enforces the first ones from its listener settings; the
//! retained limits are enforced here (rmqtt has no byte limit), by a ledger
//! of the retained topics the broker's publish hook keeps. What a limit
//! drops is counted ([`DropCounters`]) and shown in the panel and `$SYS`.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Largest packet the broker accepts by default: 32 MiB, room for 16 MiB
/// camera frames and firmware images, far from MQTT's 256 MiB that a
/// single client could use to make the app hold a quarter of a gigabyte.
pub const DEFAULT_MAX_PACKET_SIZE: u32 = 32 * 1024 * 1024;

/// The limits; saved in `broker.ron` as `limits: (...)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BrokerLimits {
    /// Longest keep-alive a client may ask for, in seconds (mosquitto's
    /// `max_keepalive`): an MQTT 5 client asking for more (or 0) is given
    /// this as Server Keep Alive in its CONNACK; a 3.1.1 client asking for
    /// more is refused. 65535 means no limit.
    pub max_keepalive_secs: u16,
    /// QoS 1 and 2 messages in flight to one client before its
    /// acknowledgements (mosquitto's `max_inflight_messages`); announced to
    /// MQTT 5 clients as the broker's Receive Maximum.
    pub max_inflight: u16,
    /// Messages queued for one session (offline, or behind its in-flight
    /// window); past it the oldest are dropped to make room, so a client
    /// coming back gets the newest (mosquitto's `max_queued_messages`
    /// drops the new ones instead).
    pub max_queued_messages: usize,
    /// Subscriptions one client may hold; more are refused in the SUBACK.
    pub max_subscriptions_per_client: usize,
    /// Longest a persistent session is kept after its client left, in
    /// seconds (an MQTT 5 client asking for more gets this).
    pub max_session_expiry_secs: u32,
    /// Retained topics kept; a new one past this is delivered but not kept.
    pub max_retained_messages: usize,
    /// Payload bytes of all retained messages together; likewise.
    pub max_retained_bytes: u64,
    /// MQTT 5 topic aliases, each way (0: off, as mosquitto): clients may
    /// use this many, and the broker replaces repeated topics with aliases
    /// for clients that allow them (saving the topic's bytes on every
    /// message after the first).
    pub topic_aliases: u16,
}

impl Default for BrokerLimits {
    fn default() -> Self {
        Self {
            max_keepalive_secs: u16::MAX,
            // A test tool must take a burst (50 publishers × 1,000 QoS 1
            // messages to one subscriber arrive complete), yet bounded.
            max_inflight: 1_000,
            max_queued_messages: 100_000,
            max_subscriptions_per_client: 10_000,
            max_session_expiry_secs: 7 * 24 * 3600,
            max_retained_messages: 100_000,
            max_retained_bytes: 256 * 1024 * 1024,
            topic_aliases: 0,
        }
    }
}

/// A limit that cannot work, naming it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LimitsError {
    /// Zero where at least one is needed.
    #[error("{0} must be at least 1")]
    Zero(&'static str),
}

impl BrokerLimits {
    /// Checks each limit can admit at least something.
    pub fn validate(&self) -> Result<(), LimitsError> {
        let checks: [(&'static str, u64); 6] = [
            ("max keep-alive", u64::from(self.max_keepalive_secs)),
            ("max in-flight messages", u64::from(self.max_inflight)),
            ("max queued messages", self.max_queued_messages as u64),
            ("max subscriptions per client", self.max_subscriptions_per_client as u64),
            ("max retained messages", self.max_retained_messages as u64),
            ("max retained bytes", self.max_retained_bytes),
        ];
        match checks.iter().find(|(_, value)| *value == 0) {
            Some((name, _)) => Err(LimitsError::Zero(name)),
            None => Ok(()),
        }
    }

    /// Applies the limits rmqtt enforces to a listener's settings.
    pub(super) fn apply(&self, builder: rmqtt::net::Builder) -> rmqtt::net::Builder {
        let inflight = std::num::NonZeroU16::new(self.max_inflight).unwrap_or(std::num::NonZeroU16::MIN);
        let expiry = Duration::from_secs(u64::from(self.max_session_expiry_secs));
        builder
            .max_keepalive(self.max_keepalive_secs)
            // With a limit, keep-alive 0 ("never") is more than the limit:
            // refused (3.1.1) as mosquitto does.
            .allow_zero_keepalive(self.max_keepalive_secs == u16::MAX)
            .max_inflight(inflight)
            .max_mqueue_len(self.max_queued_messages)
            .max_subscriptions(self.max_subscriptions_per_client)
            .max_session_expiry_interval(expiry)
            .max_topic_aliases(self.topic_aliases)
    }
}

/// What the limits dropped since the broker started.
#[derive(Debug, Default)]
pub struct DropCounters {
    /// Messages a session's full queue turned away.
    pub queue_full: AtomicU64,
    /// Messages whose MQTT 5 expiry passed before delivery.
    pub expired: AtomicU64,
    /// Publishes the ACL refused.
    pub refused: AtomicU64,
    /// Other drops rmqtt reported (e.g. a client gone mid-delivery).
    pub other: AtomicU64,
    /// Retained messages delivered but not kept (count or bytes limit).
    pub retained_not_kept: AtomicU64,
}

/// A snapshot of [`DropCounters`] for the panel.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Dropped {
    /// See [`DropCounters::queue_full`].
    pub queue_full: u64,
    /// See [`DropCounters::expired`].
    pub expired: u64,
    /// See [`DropCounters::refused`].
    pub refused: u64,
    /// See [`DropCounters::other`].
    pub other: u64,
    /// See [`DropCounters::retained_not_kept`].
    pub retained_not_kept: u64,
}

impl Dropped {
    /// Messages dropped, retained ones not kept aside (they were delivered).
    pub fn messages(&self) -> u64 {
        self.queue_full + self.expired + self.refused + self.other
    }
}

impl DropCounters {
    /// Counts a drop rmqtt reported.
    pub(super) fn count(&self, reason: &rmqtt::types::Reason) {
        use rmqtt::types::Reason;
        let counter = match reason {
            Reason::MessageQueueFull => &self.queue_full,
            Reason::MessageExpiration => &self.expired,
            Reason::PublishResult(_) => &self.refused,
            _ => &self.other,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// The counts now.
    pub fn snapshot(&self) -> Dropped {
        let load = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        Dropped {
            queue_full: load(&self.queue_full),
            expired: load(&self.expired),
            refused: load(&self.refused),
            other: load(&self.other),
            retained_not_kept: load(&self.retained_not_kept),
        }
    }
}

/// The retained topics and their payload sizes, as the publish hook sees
/// them, to hold the count and byte limits.
#[derive(Debug, Default)]
pub(super) struct RetainedLedger {
    inner: Mutex<LedgerInner>,
}

#[derive(Debug, Default)]
struct LedgerInner {
    sizes: HashMap<String, usize>,
    bytes: u64,
}

/// What to do with a retained publish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RetainVerdict {
    /// Keep it (replacing, or clearing with an empty payload).
    Keep,
    /// Deliver it but do not keep it: the count limit.
    OverCount,
    /// Likewise: the byte limit.
    OverBytes,
}

impl RetainedLedger {
    /// Records a retained message already kept (restored at start).
    pub(super) fn seed(&self, topic: &str, size: usize) {
        let mut inner = self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let old = inner.sizes.insert(topic.to_owned(), size).unwrap_or(0);
        inner.bytes = inner.bytes.saturating_sub(old as u64) + size as u64;
    }

    /// Decides on a retained publish of `size` bytes to `topic` under
    /// `limits`, recording it when kept.
    pub(super) fn admit(&self, topic: &str, size: usize, limits: &BrokerLimits) -> RetainVerdict {
        let mut inner = self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if size == 0 {
            if let Some(old) = inner.sizes.remove(topic) {
                inner.bytes = inner.bytes.saturating_sub(old as u64);
            }
            return RetainVerdict::Keep;
        }
        let old = inner.sizes.get(topic).copied();
        if old.is_none() && inner.sizes.len() >= limits.max_retained_messages {
            return RetainVerdict::OverCount;
        }
        let bytes = inner.bytes.saturating_sub(old.unwrap_or(0) as u64) + size as u64;
        if bytes > limits.max_retained_bytes {
            return RetainVerdict::OverBytes;
        }
        inner.sizes.insert(topic.to_owned(), size);
        inner.bytes = bytes;
        RetainVerdict::Keep
    }

    /// Retained topics and bytes recorded.
    pub(super) fn totals(&self) -> (usize, u64) {
        let inner = self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        (inner.sizes.len(), inner.bytes)
    }
}

/// A mosquitto.conf line that sets a limit: applied and `Some(Ok)`, or
/// `Some(Err)` with what is wrong; `None` when `key` is not a limit.
pub(super) fn mosquitto_key(limits: &mut BrokerLimits, key: &str, value: &str) -> Option<Result<(), String>> {
    let number = || value.parse::<i64>().map_err(|_| format!("{key}: '{value}' is not a number"));
    let result = match key {
        // mosquitto: 0 means no limit for these.
        "max_keepalive" => number().and_then(|n| {
            let n = if n <= 0 { i64::from(u16::MAX) } else { n };
            u16::try_from(n)
                .map(|n| limits.max_keepalive_secs = n)
                .map_err(|_| format!("{key}: {value} is above 65535"))
        }),
        "max_inflight_messages" => number().map(|n| {
            limits.max_inflight = if n <= 0 { u16::MAX } else { u16::try_from(n).unwrap_or(u16::MAX) };
        }),
        "max_queued_messages" => number().map(|n| {
            limits.max_queued_messages = if n <= 0 { usize::MAX } else { usize::try_from(n).unwrap_or(usize::MAX) };
        }),
        "persistent_client_expiration" => expiration(value).map(|secs| limits.max_session_expiry_secs = secs),
        _ => return None,
    };
    Some(result)
}

/// mosquitto's `persistent_client_expiration`: a number and h, d, w, m or y.
fn expiration(value: &str) -> Result<u32, String> {
    let bad = || format!("persistent_client_expiration: '{value}' is not a number followed by h, d, w, m or y");
    let (number, unit) = value.split_at(value.len().saturating_sub(1));
    let count: u64 = number.parse().map_err(|_| bad())?;
    let hours = match unit {
        "h" => 1,
        "d" => 24,
        "w" => 24 * 7,
        "m" => 24 * 30,
        "y" => 24 * 365,
        _ => return Err(bad()),
    };
    Ok(u32::try_from(count.saturating_mul(hours * 3600)).unwrap_or(u32::MAX))
}

/// The limits as the panel's form holds them (text as typed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitsDraft {
    /// See [`BrokerLimits::max_keepalive_secs`].
    pub max_keepalive_secs: String,
    /// See [`BrokerLimits::max_inflight`].
    pub max_inflight: String,
    /// See [`BrokerLimits::max_queued_messages`].
    pub max_queued_messages: String,
    /// See [`BrokerLimits::max_subscriptions_per_client`].
    pub max_subscriptions_per_client: String,
    /// See [`BrokerLimits::max_session_expiry_secs`].
    pub max_session_expiry_secs: String,
    /// See [`BrokerLimits::max_retained_messages`].
    pub max_retained_messages: String,
    /// See [`BrokerLimits::max_retained_bytes`].
    pub max_retained_bytes: String,
    /// See [`BrokerLimits::topic_aliases`].
    pub topic_aliases: String,
}

impl Default for LimitsDraft {
    fn default() -> Self {
        Self::from_limits(&BrokerLimits::default())
    }
}

impl LimitsDraft {
    /// The form for `limits`.
    pub fn from_limits(limits: &BrokerLimits) -> Self {
        Self {
            max_keepalive_secs: limits.max_keepalive_secs.to_string(),
            max_inflight: limits.max_inflight.to_string(),
            max_queued_messages: limits.max_queued_messages.to_string(),
            max_subscriptions_per_client: limits.max_subscriptions_per_client.to_string(),
            max_session_expiry_secs: limits.max_session_expiry_secs.to_string(),
            max_retained_messages: limits.max_retained_messages.to_string(),
            max_retained_bytes: limits.max_retained_bytes.to_string(),
            topic_aliases: limits.topic_aliases.to_string(),
        }
    }

    /// The limits the form describes, or the field that is wrong and why.
    pub fn to_limits(&self) -> Result<BrokerLimits, (&'static str, String)> {
        fn parse<T: std::str::FromStr + TryFrom<u64>>(
            label: &'static str,
            text: &str,
        ) -> Result<T, (&'static str, String)> {
            let text = text.trim();
            let number: u64 = text.parse().map_err(|_| (label, format!("'{text}' is not a whole number")))?;
            if number == 0 {
                return Err((label, "at least 1".into()));
            }
            T::try_from(number).map_err(|_| (label, format!("{number} is too large")))
        }
        Ok(BrokerLimits {
            max_keepalive_secs: parse("Max keep-alive", &self.max_keepalive_secs)?,
            max_inflight: parse("Max in-flight", &self.max_inflight)?,
            max_queued_messages: parse("Max queued", &self.max_queued_messages)?,
            max_subscriptions_per_client: parse("Max subscriptions", &self.max_subscriptions_per_client)?,
            max_session_expiry_secs: parse("Max session expiry", &self.max_session_expiry_secs)?,
            max_retained_messages: parse("Max retained", &self.max_retained_messages)?,
            max_retained_bytes: parse("Max retained bytes", &self.max_retained_bytes)?,
            topic_aliases: {
                let text = self.topic_aliases.trim();
                text.parse().map_err(|_| ("Topic aliases", format!("'{text}' is not 0 to 65535")))?
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ledger_keeps_replacements_and_clears_and_refuses_past_either_limit() {
        let limits = BrokerLimits { max_retained_messages: 2, max_retained_bytes: 100, ..BrokerLimits::default() };
        let ledger = RetainedLedger::default();
        assert_eq!(ledger.admit("a", 40, &limits), RetainVerdict::Keep);
        assert_eq!(ledger.admit("b", 40, &limits), RetainVerdict::Keep);
        assert_eq!(ledger.admit("c", 1, &limits), RetainVerdict::OverCount, "a third topic");
        assert_eq!(ledger.admit("a", 60, &limits), RetainVerdict::Keep, "a replacement within the bytes");
        assert_eq!(ledger.admit("b", 41, &limits), RetainVerdict::OverBytes, "60 + 41 > 100");
        assert_eq!(ledger.totals(), (2, 100));
        assert_eq!(ledger.admit("a", 0, &limits), RetainVerdict::Keep, "cleared");
        assert_eq!(ledger.admit("c", 10, &limits), RetainVerdict::Keep, "room again");
        assert_eq!(ledger.totals(), (2, 50));
    }

    #[test]
    fn mosquitto_lines_and_the_form_set_the_limits() {
        let mut limits = BrokerLimits::default();
        for (key, value) in [
            ("max_keepalive", "120"),
            ("max_inflight_messages", "20"),
            ("max_queued_messages", "0"),
            ("persistent_client_expiration", "2d"),
        ] {
            assert_eq!(mosquitto_key(&mut limits, key, value), Some(Ok(())), "{key}");
        }
        assert_eq!(
            (
                limits.max_keepalive_secs,
                limits.max_inflight,
                limits.max_queued_messages,
                limits.max_session_expiry_secs
            ),
            (120, 20, usize::MAX, 2 * 24 * 3600)
        );
        assert_eq!(mosquitto_key(&mut limits, "listener", "1883"), None);
        assert!(matches!(mosquitto_key(&mut limits, "persistent_client_expiration", "2x"), Some(Err(_))));
        let mut draft = LimitsDraft::from_limits(&limits);
        assert_eq!(draft.to_limits(), Ok(limits));
        draft.max_inflight = "70000".into();
        assert_eq!(draft.to_limits(), Err(("Max in-flight", "70000 is too large".into())));
    }

    #[test]
    fn limits_name_the_one_that_is_zero() {
        assert_eq!(BrokerLimits::default().validate(), Ok(()));
        let limits = BrokerLimits { max_queued_messages: 0, ..BrokerLimits::default() };
        assert_eq!(
            limits.validate().map_err(|error| error.to_string()),
            Err("max queued messages must be at least 1".into())
        );
    }
}
