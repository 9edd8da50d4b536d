//! What the embedded broker must not lose, as the journal and the snapshot
//! record it: retained messages, and each persistent session with its
//! subscriptions and the QoS 1/2 messages it has not acknowledged yet.
//! One `apply` serves the live hooks and the replay at start-up, so both
//! reach the same state.

use std::collections::{BTreeMap, HashMap, VecDeque};

use rmqtt::types::{ConnectInfo, From, Id, Publish, Retain, SubscriptionOptions, TopicFilter, TopicName};
use serde::{Deserialize, Serialize};

/// One change to the durable state; the journal holds them in order.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(in crate::broker) enum Change {
    /// A retained message was kept on a topic.
    Retain(TopicName, Retain),
    /// The retained message of a topic was cleared.
    Unretain(TopicName),
    /// A client connected with a persistent session (`present`: it resumed
    /// the one it had; otherwise any earlier one is replaced).
    SessionUp { id: Id, conn_info: ConnectInfo, created_at: i64, expiry_ms: i64, present: bool },
    /// Its connection ended; the session lives `expiry_ms` from `at`.
    SessionDown { id: Id, at: i64, expiry_ms: i64 },
    /// The session ended (expired, or its client started clean).
    SessionEnd { client: String },
    /// A subscription was added or changed.
    Subscribe { client: String, filter: TopicFilter, options: SubscriptionOptions },
    /// A subscription was removed.
    Unsubscribe { client: String, filter: TopicFilter },
    /// A QoS 1/2 message was accepted for these sessions (client, QoS).
    Queued { targets: Vec<(String, u8)>, key: u64, from: From, publish: Publish },
    /// A session acknowledged (or dropped) the message with this key.
    Done { client: String, key: u64 },
}

/// A message a session still owes its client.
#[derive(Debug, Clone)]
pub(in crate::broker) struct Pending {
    pub key: u64,
    pub from: From,
    pub publish: Publish,
}

/// A persistent session as the durable state knows it.
#[derive(Debug, Clone)]
pub(in crate::broker) struct DurableSession {
    pub id: Id,
    pub conn_info: ConnectInfo,
    pub created_at: i64,
    /// When it went away; None while its client is connected.
    pub disconnected_at: Option<i64>,
    pub expiry_ms: i64,
    pub subscriptions: Vec<(TopicFilter, SubscriptionOptions)>,
    pub pending: VecDeque<Pending>,
}

impl DurableSession {
    /// Milliseconds it has left at `now` (its whole expiry while connected).
    pub fn expires_in_ms(&self, now: i64) -> i64 {
        match self.disconnected_at {
            Some(at) => self.expiry_ms.saturating_sub(now.saturating_sub(at)),
            None => self.expiry_ms,
        }
    }
}

/// The durable state.
#[derive(Debug, Default)]
pub(in crate::broker) struct DurableState {
    /// The sequence number of the last change applied.
    pub seq: u64,
    pub retained: BTreeMap<String, (TopicName, Retain)>,
    pub sessions: HashMap<String, DurableSession>,
    /// Most messages kept per session (older ones go first, as rmqtt's
    /// queue does).
    pub max_pending: usize,
}

/// A message's identity for acknowledgements: the same publisher, topic
/// and payload. Two such messages are interchangeable, so the first one
/// pending is the one acknowledged. CRC-32 twice: stable across builds.
pub(in crate::broker) fn message_key(from: &From, publish: &Publish) -> u64 {
    let mut head = crc32fast::Hasher::new();
    head.update(from.id.client_id.as_bytes());
    head.update(&[0]);
    head.update(publish.topic.as_bytes());
    let mut body = crc32fast::Hasher::new();
    body.update(&publish.payload);
    (u64::from(head.finalize()) << 32) | u64::from(body.finalize())
}

impl DurableState {
    /// Applies one change (live or replayed).
    pub fn apply(&mut self, change: Change) {
        match change {
            Change::Retain(topic, retain) => {
                self.retained.insert(topic.to_string(), (topic, retain));
            }
            Change::Unretain(topic) => {
                self.retained.remove(topic.as_ref() as &str);
            }
            Change::SessionUp { id, conn_info, created_at, expiry_ms, present } => {
                let client = id.client_id.to_string();
                match self.sessions.get_mut(&client) {
                    Some(session) if present => {
                        session.id = id;
                        session.conn_info = conn_info;
                        session.disconnected_at = None;
                        session.expiry_ms = expiry_ms;
                    }
                    _ => {
                        let session = DurableSession {
                            id,
                            conn_info,
                            created_at,
                            disconnected_at: None,
                            expiry_ms,
                            subscriptions: Vec::new(),
                            pending: VecDeque::new(),
                        };
                        self.sessions.insert(client, session);
                    }
                }
            }
            Change::SessionDown { id, at, expiry_ms } => {
                if let Some(session) = self.sessions.get_mut(id.client_id.as_ref() as &str)
                    && session.id == id
                {
                    session.disconnected_at = Some(at);
                    session.expiry_ms = expiry_ms;
                }
            }
            Change::SessionEnd { client } => {
                self.sessions.remove(&client);
            }
            Change::Subscribe { client, filter, options } => {
                if let Some(session) = self.sessions.get_mut(&client) {
                    match session.subscriptions.iter_mut().find(|(known, _)| *known == filter) {
                        Some((_, known)) => *known = options,
                        None => session.subscriptions.push((filter, options)),
                    }
                }
            }
            Change::Unsubscribe { client, filter } => {
                if let Some(session) = self.sessions.get_mut(&client) {
                    session.subscriptions.retain(|(known, _)| *known != filter);
                }
            }
            Change::Queued { targets, key, from, publish } => {
                for (client, qos) in targets {
                    let Some(session) = self.sessions.get_mut(&client) else { continue };
                    let mut copy = publish.clone();
                    copy.qos = rmqtt::codec::types::QoS::try_from(qos).unwrap_or(publish.qos);
                    copy.dup = false;
                    copy.packet_id = None;
                    session.pending.push_back(Pending { key, from: from.clone(), publish: copy });
                    if self.max_pending > 0 && session.pending.len() > self.max_pending {
                        session.pending.pop_front();
                    }
                }
            }
            Change::Done { client, key } => {
                if let Some(session) = self.sessions.get_mut(&client)
                    && let Some(index) = session.pending.iter().position(|pending| pending.key == key)
                {
                    session.pending.remove(index);
                }
            }
        }
    }

    /// The persistent sessions a message from `from` on `topic` reaches
    /// with QoS 1 or 2, and that QoS: what must be written before it is
    /// acknowledged. `may_read` applies the ACL. Shared subscriptions are
    /// left out (which member gets a message is the broker's choice).
    pub fn targets(&self, from: &From, publish: &Publish, may_read: impl Fn(&Id, &str) -> bool) -> Vec<(String, u8)> {
        let publish_qos = publish.qos as u8;
        if publish_qos == 0 {
            return Vec::new();
        }
        let topic: &str = publish.topic.as_ref();
        let mut targets = Vec::new();
        for (client, session) in &self.sessions {
            let mut best = 0;
            for (filter, options) in &session.subscriptions {
                if options.shared_group().is_some() || !crate::topic::topic_matches(filter.as_ref(), topic) {
                    continue;
                }
                if options.no_local() == Some(true) && session.id.client_id == from.id.client_id {
                    continue;
                }
                best = best.max((options.qos() as u8).min(publish_qos));
            }
            if best > 0 && may_read(&session.id, topic) {
                targets.push((client.clone(), best));
            }
        }
        targets
    }
}
