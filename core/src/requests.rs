//! MQTT 5 request/response from the composer: a request carries a
//! response topic and correlation data; the reply is the message on that
//! topic carrying the same correlation data. The round trip is measured
//! between the engine's timestamps (request written, reply read), so UI
//! frames do not count.

use std::collections::VecDeque;

use chrono::{DateTime, Utc};

use crate::ids::RequestId;
use crate::mqtt::MessageProperties;
use crate::topic::topic_matches;

/// Requests a tab remembers (older ones are forgotten, replied or not).
pub const REQUESTS_KEPT: usize = 50;

/// The reply that matched a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// When the engine read it.
    pub at: DateTime<Utc>,
    /// The topic it came on.
    pub topic: String,
    /// Its position in the message log (to select it).
    pub seq: u64,
    /// The start of its payload as text, for the composer's status line.
    pub preview: String,
}

/// One request sent from the composer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The publish request id (as in delivery reports).
    pub request: RequestId,
    /// Where the reply is expected.
    pub response_topic: String,
    /// What the reply must carry.
    pub correlation: Vec<u8>,
    /// When the PUBLISH went on the wire.
    pub sent_at: Option<DateTime<Utc>>,
    /// The matching reply, once it came.
    pub reply: Option<Reply>,
}

impl Request {
    /// Request written → reply read, when both happened.
    pub fn round_trip(&self) -> Option<chrono::TimeDelta> {
        Some(self.reply.as_ref()?.at - self.sent_at?)
    }
}

/// A tab's requests, newest last.
#[derive(Debug, Clone, Default)]
pub struct Requests {
    list: VecDeque<Request>,
}

impl Requests {
    /// Starts tracking a request that is about to be sent.
    pub fn track(&mut self, request: RequestId, response_topic: String, correlation: Vec<u8>) {
        if self.list.len() == REQUESTS_KEPT {
            self.list.pop_front();
        }
        self.list.push_back(Request { request, response_topic, correlation, sent_at: None, reply: None });
    }

    /// The request's PUBLISH was written at `at`.
    pub fn sent(&mut self, request: RequestId, at: DateTime<Utc>) {
        if let Some(entry) = self.list.iter_mut().rev().find(|entry| entry.request == request) {
            entry.sent_at.get_or_insert(at);
        }
    }

    /// Offers a received message; true when it answered a waiting request
    /// (first reply wins; a second one with the same data is just a message).
    pub fn observe(
        &mut self,
        topic: &str,
        properties: Option<&MessageProperties>,
        at: DateTime<Utc>,
        seq: u64,
        payload: &[u8],
    ) -> bool {
        let Some(correlation) = properties.and_then(|properties| properties.correlation_data.as_deref()) else {
            return false;
        };
        let waiting = self.list.iter_mut().rev().find(|entry| {
            entry.reply.is_none() && entry.correlation == correlation && topic_matches(&entry.response_topic, topic)
        });
        let Some(entry) = waiting else { return false };
        let text = String::from_utf8_lossy(&payload[..payload.len().min(256)]);
        entry.reply = Some(Reply { at, topic: topic.to_owned(), seq, preview: text.chars().take(120).collect() });
        true
    }

    /// The newest request.
    pub fn latest(&self) -> Option<&Request> {
        self.list.back()
    }

    /// True when any request is being tracked (the log checks replies only then).
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// How many requests got their reply.
    pub fn answered(&self) -> usize {
        self.list.iter().filter(|entry| entry.reply.is_some()).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_correlation(data: &[u8]) -> MessageProperties {
        MessageProperties { correlation_data: Some(data.to_vec()), ..MessageProperties::default() }
    }

    #[test]
    fn a_reply_matches_by_correlation_data_and_topic() {
        let mut requests = Requests::default();
        let start = Utc::now();
        requests.track(RequestId(1), "replies/a".into(), b"c-1".to_vec());
        requests.track(RequestId(2), "replies/a".into(), b"c-2".to_vec());
        requests.sent(RequestId(1), start);
        requests.sent(RequestId(2), start + chrono::Duration::milliseconds(1));
        let later = start + chrono::Duration::milliseconds(25);
        assert!(!requests.observe("replies/a", None, later, 1, b"no data"), "no correlation data");
        assert!(!requests.observe("replies/b", Some(&with_correlation(b"c-1")), later, 2, b"x"), "other topic");
        assert!(!requests.observe("replies/a", Some(&with_correlation(b"c-9")), later, 3, b"x"), "other request");
        assert!(requests.observe("replies/a", Some(&with_correlation(b"c-1")), later, 4, b"{\"ok\":true}"));
        assert!(!requests.observe("replies/a", Some(&with_correlation(b"c-1")), later, 5, b"again"), "answered");
        assert_eq!(requests.answered(), 1);
        let first = requests.list.iter().find(|entry| entry.request == RequestId(1)).expect("tracked");
        assert_eq!(first.round_trip(), Some(chrono::Duration::milliseconds(25)));
        assert_eq!(first.reply.as_ref().map(|reply| (reply.seq, reply.preview.as_str())), Some((4, "{\"ok\":true}")));
        assert_eq!(requests.latest().map(|latest| latest.reply.is_none()), Some(true), "request 2 still waits");
    }

    #[test]
    fn old_requests_are_forgotten() {
        let mut requests = Requests::default();
        for n in 0..(REQUESTS_KEPT as u64 + 5) {
            requests.track(RequestId(n), "r".into(), n.to_be_bytes().to_vec());
        }
        assert_eq!(requests.list.len(), REQUESTS_KEPT);
        assert_eq!(requests.list.front().map(|entry| entry.request), Some(RequestId(5)));
    }
}
