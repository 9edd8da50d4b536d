//! What a broker says about itself on `$SYS/#`: every value seen (bounded),
//! and a summary (version, uptime, clients, message and byte rates) read
//! from mosquitto's names, with EMQX-style `$SYS/brokers/<node>/...` names
//! as a fallback.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

/// Most distinct `$SYS` topics remembered (brokers publish a few dozen).
pub const MAX_SYS_TOPICS: usize = 2_000;
/// Longest value kept per topic.
const MAX_VALUE_CHARS: usize = 200;

/// The latest `$SYS` values of one connection.
#[derive(Debug, Clone, Default)]
pub struct BrokerStatus {
    values: BTreeMap<String, SysValue>,
    /// `$SYS` topics not remembered because the map was full.
    pub ignored_topics: u64,
}

/// One `$SYS` topic's latest value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SysValue {
    /// The payload as text (cut at 200 characters).
    pub text: String,
    /// When it was received.
    pub time: DateTime<Utc>,
}

/// The headline figures, where the broker publishes them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatusSummary {
    /// Broker name and version.
    pub version: Option<String>,
    /// Uptime, readable ("2 h 03 min 10 s").
    pub uptime: Option<String>,
    /// Clients connected now.
    pub clients_connected: Option<String>,
    /// Clients known (connected and persistent disconnected).
    pub clients_total: Option<String>,
    /// Messages received per minute (1-minute average) or in total.
    pub messages_received: Option<String>,
    /// Messages sent per minute (1-minute average) or in total.
    pub messages_sent: Option<String>,
    /// Bytes received per minute (1-minute average) or in total.
    pub bytes_received: Option<String>,
    /// Bytes sent per minute (1-minute average) or in total.
    pub bytes_sent: Option<String>,
    /// Active subscriptions.
    pub subscriptions: Option<String>,
    /// Retained messages held.
    pub retained: Option<String>,
}

impl BrokerStatus {
    /// Remembers a message if its topic is a `$SYS` topic.
    pub fn observe(&mut self, topic: &str, payload: &[u8], time: DateTime<Utc>) {
        if !topic.starts_with("$SYS/") {
            return;
        }
        if !self.values.contains_key(topic) && self.values.len() >= MAX_SYS_TOPICS {
            self.ignored_topics += 1;
            return;
        }
        let text: String = String::from_utf8_lossy(payload).trim().chars().take(MAX_VALUE_CHARS).collect();
        self.values.insert(topic.to_owned(), SysValue { text, time });
    }

    /// True when no `$SYS` message was seen.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Every `$SYS` topic seen, sorted, with its latest value.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &SysValue)> {
        self.values.iter().map(|(topic, value)| (topic.as_str(), value))
    }

    /// Forgets everything (e.g. on reconnect to another broker).
    pub fn clear(&mut self) {
        self.values.clear();
        self.ignored_topics = 0;
    }

    /// The first value whose topic ends with one of the suffixes, tried in order.
    fn find(&self, suffixes: &[&str]) -> Option<&str> {
        suffixes.iter().find_map(|suffix| {
            self.values.iter().find(|(topic, _)| topic.ends_with(suffix)).map(|(_, value)| value.text.as_str())
        })
    }

    /// The headline figures.
    pub fn summary(&self) -> StatusSummary {
        let per_minute = |load: &str, total: &str| {
            self.find(&[load]).map(|value| format!("{value} /min")).or_else(|| self.find(&[total]).map(str::to_owned))
        };
        // Byte counts read as sizes (1771806 → 1.7 MiB), rates too.
        let bytes = |load: &str, total: &str| {
            self.find(&[load])
                .map(|value| format!("{} /min", readable_bytes(value)))
                .or_else(|| self.find(&[total]).map(readable_bytes))
        };
        StatusSummary {
            version: self.find(&["/broker/version", "/version"]).map(str::to_owned),
            uptime: self.find(&["/broker/uptime", "/uptime"]).map(readable_uptime),
            clients_connected: self
                .find(&["/broker/clients/connected", "/broker/clients/active", "/stats/connections/count"])
                .map(str::to_owned),
            clients_total: self.find(&["/broker/clients/total"]).map(str::to_owned),
            messages_received: per_minute("/broker/load/messages/received/1min", "/broker/messages/received"),
            messages_sent: per_minute("/broker/load/messages/sent/1min", "/broker/messages/sent"),
            bytes_received: bytes("/broker/load/bytes/received/1min", "/broker/bytes/received"),
            bytes_sent: bytes("/broker/load/bytes/sent/1min", "/broker/bytes/sent"),
            subscriptions: self.find(&["/broker/subscriptions/count", "/stats/subscriptions/count"]).map(str::to_owned),
            retained: self.find(&["/broker/retained messages/count", "/stats/retained/count"]).map(str::to_owned),
        }
    }
}

/// "7384 seconds" → "2 h 03 min 04 s"; anything else is shown as sent.
fn readable_uptime(text: &str) -> String {
    let seconds = text.strip_suffix("seconds").map(str::trim).unwrap_or(text).parse::<u64>();
    match seconds {
        Ok(total) => {
            let (days, hours, minutes, seconds) = (total / 86_400, total / 3_600 % 24, total / 60 % 60, total % 60);
            if days > 0 {
                format!("{days} d {hours:02} h {minutes:02} min")
            } else if hours > 0 {
                format!("{hours} h {minutes:02} min {seconds:02} s")
            } else {
                format!("{minutes} min {seconds:02} s")
            }
        }
        Err(_) => text.to_owned(),
    }
}

/// A byte count as a size; text that is not a count is shown as it came.
fn readable_bytes(value: &str) -> String {
    match value.trim().parse::<f64>() {
        Ok(count) if count.is_finite() && count >= 0.0 => crate::payload::human_size(count.round() as usize),
        _ => value.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mosquitto_sys_topics_make_a_summary() {
        let mut status = BrokerStatus::default();
        let now = Utc::now();
        for (topic, value) in [
            ("$SYS/broker/version", "mosquitto version 2.0.11"),
            ("$SYS/broker/uptime", "7384 seconds"),
            ("$SYS/broker/clients/connected", "3"),
            ("$SYS/broker/clients/total", "5"),
            ("$SYS/broker/load/messages/received/1min", "120.5"),
            ("$SYS/broker/messages/sent", "99"),
            ("$SYS/broker/retained messages/count", "12"),
            ("plant/temp", "21"),
        ] {
            status.observe(topic, value.as_bytes(), now);
        }
        let summary = status.summary();
        assert_eq!(summary.version.as_deref(), Some("mosquitto version 2.0.11"));
        assert_eq!(summary.uptime.as_deref(), Some("2 h 03 min 04 s"));
        assert_eq!(summary.clients_connected.as_deref(), Some("3"));
        assert_eq!(summary.clients_total.as_deref(), Some("5"));
        assert_eq!(summary.messages_received.as_deref(), Some("120.5 /min"));
        assert_eq!(summary.messages_sent.as_deref(), Some("99"), "total when no load figure");
        assert_eq!(summary.retained.as_deref(), Some("12"));
        assert_eq!(summary.bytes_sent, None);
        assert_eq!(status.entries().count(), 7, "non-$SYS topics are not kept");
    }

    #[test]
    fn emqx_style_names_and_odd_values_are_understood() {
        let mut status = BrokerStatus::default();
        let now = Utc::now();
        status.observe("$SYS/brokers/emqx@127.0.0.1/version", b"5.8.0", now);
        status.observe("$SYS/brokers/emqx@127.0.0.1/uptime", b"3 days", now);
        status.observe("$SYS/brokers/emqx@127.0.0.1/stats/connections/count", b"42", now);
        let summary = status.summary();
        assert_eq!(summary.version.as_deref(), Some("5.8.0"));
        assert_eq!(summary.uptime.as_deref(), Some("3 days"));
        assert_eq!(summary.clients_connected.as_deref(), Some("42"));
        assert_eq!(readable_uptime("90061 seconds"), "1 d 01 h 01 min");
        assert_eq!(readable_uptime("59 seconds"), "0 min 59 s");
    }

    #[test]
    fn the_map_is_bounded_and_counts_what_it_ignored() {
        let mut status = BrokerStatus::default();
        let now = Utc::now();
        for n in 0..MAX_SYS_TOPICS + 5 {
            status.observe(&format!("$SYS/x/{n}"), &[0xff, b'1'], now);
        }
        assert_eq!(status.entries().count(), MAX_SYS_TOPICS);
        assert_eq!(status.ignored_topics, 5);
        status.observe("$SYS/x/0", b"updated", now);
        assert_eq!(status.entries().next().map(|(_, v)| v.text.as_str()), Some("updated"));
        status.clear();
        assert!(status.is_empty());
    }

    #[test]
    fn byte_counts_read_as_sizes() {
        let mut status = BrokerStatus::default();
        let now = chrono::Utc::now();
        status.observe("$SYS/broker/bytes/received", b"1771806", now);
        status.observe("$SYS/broker/bytes/sent", b"512", now);
        let summary = status.summary();
        assert_eq!(summary.bytes_received.as_deref(), Some("1.7 MiB"));
        assert_eq!(summary.bytes_sent.as_deref(), Some("512 B"));
        status.observe("$SYS/broker/load/bytes/received/1min", b"2048.0", now);
        assert_eq!(status.summary().bytes_received.as_deref(), Some("2.0 KiB /min"));
        assert_eq!(readable_bytes("n/a"), "n/a");
    }
}
