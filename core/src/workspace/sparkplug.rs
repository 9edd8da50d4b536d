//! Watching a tab's Sparkplug B namespace: the model is built from what
//! the log already holds when the view opens, then follows new messages,
//! a bounded amount of work per frame so a flood never stalls the window.
//! And the Rebirth command, published from the tab's connection.

use std::time::{Duration, Instant};

use bytes::Bytes;

use super::{DeliveryReport, PublishError, Workspace};
use crate::decoders::sparkplug_namespace::{SparkplugNamespace, rebirth_command};
use crate::engine::{Command, PublishRequest};
use crate::ids::{PublishId, TabId};
use crate::mqtt::{Direction, Qos};
use crate::store::MessageStore;

/// A tab's namespace as far as its messages have been read.
#[derive(Debug, Clone)]
pub struct SparkplugWatch {
    /// The tab watched.
    pub tab: TabId,
    /// What its messages built.
    pub namespace: SparkplugNamespace,
    /// The next message (by sequence number) to read.
    next_seq: u64,
    /// Messages the log dropped before they were read.
    pub missed: u64,
}

impl SparkplugWatch {
    /// Starts from the oldest message the log holds.
    pub fn new(tab: TabId, store: &MessageStore) -> Self {
        Self { tab, namespace: SparkplugNamespace::default(), next_seq: store.first_seq(), missed: 0 }
    }

    /// Reads new messages for at most `budget`; true when caught up.
    pub fn step(&mut self, store: &MessageStore, budget: Duration) -> bool {
        let started = Instant::now();
        if self.next_seq < store.first_seq() {
            self.missed += store.first_seq() - self.next_seq;
            self.next_seq = store.first_seq();
        }
        while self.next_seq < store.next_seq() {
            if let Some(message) = store.get(self.next_seq)
                && message.tab == self.tab
                && message.direction == Direction::Incoming
            {
                self.namespace.apply(message.topic, message.payload);
            }
            self.next_seq += 1;
            // Checked every 64 messages: the clock costs more than a message.
            if self.next_seq.is_multiple_of(64) && started.elapsed() >= budget {
                break;
            }
        }
        self.next_seq >= store.next_seq()
    }

    /// Messages not read yet.
    pub fn behind(&self, store: &MessageStore) -> u64 {
        store.next_seq().saturating_sub(self.next_seq)
    }
}

impl Workspace {
    /// Asks an edge node to publish its births again: the `NCMD` with
    /// `Node Control/Rebirth` = true, QoS 0, from the active tab.
    pub fn sparkplug_rebirth(&mut self, group: &str, node: &str) -> Result<Command, PublishError> {
        let connection = self.connected_connection()?;
        let now = u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or(0);
        let (topic, payload) = rebirth_command(group, node, now);
        crate::topic::validate_topic_name(&topic)?;
        let id = self.next_request.take_next();
        self.active_tab_mut().last_delivery = Some(DeliveryReport {
            request: id,
            topic: topic.clone(),
            qos: Qos::AtMostOnce,
            outcome: None,
            round_trip: None,
        });
        Ok(Command::Publish {
            connection,
            request: PublishRequest {
                id: PublishId::Request(id),
                topic,
                payload: Bytes::from(payload),
                qos: Qos::AtMostOnce,
                retain: false,
                properties: None,
            },
        })
    }
}
