//! The Sparkplug B namespace as a host application sees it: groups → edge
//! nodes → devices → metrics, built from the messages that flow. Births
//! define metrics and aliases (node and device alias spaces apart; a new
//! birth replaces, never merges), data messages update them by name or
//! alias, deaths mark nodes and devices stale, `bdSeq` ties a node's death
//! to its birth, sequence numbers are checked (0–255, gaps counted), and
//! host applications' `STATE` is tracked. What breaks the rules is written
//! down as a [`NamespaceIssue`], never silently fixed.

use std::collections::{BTreeMap, HashMap, VecDeque};

use super::sparkplug::{
    self, HostState, MessageKind, Metric, MetricValue, SparkplugPayload, SparkplugTopic, decode_payload,
};

/// Most issues kept (the oldest go first).
pub const ISSUE_LIMIT: usize = 1_000;
/// Most metrics kept per node or device (a hostile birth cannot grow it
/// without bound).
pub const METRIC_LIMIT: usize = 100_000;
/// Most edge nodes (all groups together) tracked.
pub const NODE_LIMIT: usize = 10_000;

/// A metric's latest state.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricState {
    /// Its name from the birth.
    pub name: String,
    /// Its alias from the birth.
    pub alias: Option<u64>,
    /// Its data type number from the birth.
    pub datatype: Option<u32>,
    /// The latest value.
    pub value: MetricValue,
    /// When it was measured (ms since the epoch), if said.
    pub timestamp: Option<u64>,
    /// The latest value is explicitly null.
    pub is_null: bool,
    /// The latest value is historical.
    pub is_historical: bool,
    /// The latest value is transient.
    pub is_transient: bool,
    /// How many values it has had since its birth.
    pub updates: u64,
}

/// The metrics of a node or device, with the alias space its birth set up.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MetricTable {
    /// Metrics by name.
    pub metrics: BTreeMap<String, MetricState>,
    aliases: HashMap<u64, String>,
}

impl MetricTable {
    /// A table from a birth's metrics (names required there).
    fn from_birth(metrics: &[Metric], issues: &mut Vec<String>) -> Self {
        let mut table = Self::default();
        for metric in metrics {
            let Some(name) = metric.name.clone() else {
                issues.push("a birth metric has no name".into());
                continue;
            };
            if table.metrics.len() >= METRIC_LIMIT {
                issues.push(format!("more than {METRIC_LIMIT} metrics in one birth; the rest are not tracked"));
                break;
            }
            if let Some(alias) = metric.alias
                && let Some(previous) = table.aliases.insert(alias, name.clone())
                && previous != name
            {
                issues.push(format!("alias {alias} is given to both '{previous}' and '{name}'"));
            }
            table.metrics.insert(
                name.clone(),
                MetricState {
                    name,
                    alias: metric.alias,
                    datatype: metric.datatype,
                    value: metric.value.clone(),
                    timestamp: metric.timestamp,
                    is_null: metric.is_null,
                    is_historical: metric.is_historical,
                    is_transient: metric.is_transient,
                    updates: 1,
                },
            );
        }
        table
    }

    /// Applies a data message's metrics; names what cannot be resolved.
    fn update(&mut self, metrics: &[Metric], issues: &mut Vec<String>) {
        for metric in metrics {
            let name = match (&metric.name, metric.alias) {
                (Some(name), _) => Some(name.clone()),
                (None, Some(alias)) => self.aliases.get(&alias).cloned(),
                (None, None) => None,
            };
            let Some(state) = name.as_ref().and_then(|name| self.metrics.get_mut(name)) else {
                issues.push(match (&metric.name, metric.alias) {
                    (Some(name), _) => format!("metric '{name}' was not in the birth"),
                    (None, Some(alias)) => format!("alias {alias} was not in the birth"),
                    (None, None) => "a metric has neither name nor alias".into(),
                });
                continue;
            };
            // Historical values are history, not the current value.
            if !metric.is_historical {
                state.value = metric.value.clone();
                state.timestamp = metric.timestamp.or(state.timestamp);
                state.is_null = metric.is_null;
                state.is_transient = metric.is_transient;
            }
            state.is_historical = metric.is_historical;
            state.updates += 1;
        }
    }

    /// The metric with this alias.
    pub fn by_alias(&self, alias: u64) -> Option<&MetricState> {
        self.aliases.get(&alias).and_then(|name| self.metrics.get(name))
    }
}

/// A device behind an edge node.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Device {
    /// Born and not dead since (a node's death takes its devices too).
    pub online: bool,
    /// Its metrics.
    pub metrics: MetricTable,
}

/// An edge node.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EdgeNode {
    /// Born and not dead since.
    pub online: bool,
    /// The `bdSeq` of its current birth.
    pub bd_seq: Option<u64>,
    /// The last sequence number seen from it.
    pub last_seq: Option<u64>,
    /// Messages found missing by sequence gaps since the birth (less those
    /// that arrived late).
    pub missing: u64,
    /// The sequence numbers counted missing (at most 256: one cycle).
    missing_seqs: std::collections::BTreeSet<u64>,
    /// Its metrics.
    pub metrics: MetricTable,
    /// Its devices by id.
    pub devices: BTreeMap<String, Device>,
    /// Messages seen from it (births, data, deaths).
    pub messages: u64,
}

/// Something in the traffic that breaks Sparkplug's rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamespaceIssue {
    /// The topic it came on.
    pub topic: String,
    /// What is wrong, in the user's terms.
    pub text: String,
}

/// The namespace seen so far.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SparkplugNamespace {
    /// Groups → edge nodes by id.
    pub groups: BTreeMap<String, BTreeMap<String, EdgeNode>>,
    /// Host applications' last `STATE`.
    pub hosts: BTreeMap<String, HostState>,
    /// Rule breaks, oldest first (at most [`ISSUE_LIMIT`]).
    pub issues: VecDeque<NamespaceIssue>,
    /// Messages on Sparkplug topics that did not decode.
    pub undecodable: u64,
    nodes: usize,
}

/// `bdSeq`'s value in a birth or death payload.
fn bd_seq(payload: &SparkplugPayload) -> Option<u64> {
    payload.metric("bdSeq").and_then(|metric| match metric.value {
        MetricValue::UInt(value) => Some(value),
        MetricValue::Int(value) => u64::try_from(value).ok(),
        _ => None,
    })
}

impl SparkplugNamespace {
    /// Applies one message; returns false when the topic is not Sparkplug's.
    pub fn apply(&mut self, topic: &str, payload: &[u8]) -> bool {
        let Some(parsed) = sparkplug::parse_topic(topic) else { return false };
        let mut issues = Vec::new();
        if parsed.kind == MessageKind::State {
            match sparkplug::decode_state(payload) {
                Some(state) => {
                    self.hosts.insert(parsed.node.clone(), state);
                }
                None => issues.push("the STATE payload is neither 3.0's JSON nor 2.2's ONLINE/OFFLINE".into()),
            }
        } else {
            match decode_payload(payload) {
                Ok(decoded) => self.apply_payload(&parsed, &decoded, &mut issues),
                Err(error) => {
                    self.undecodable += 1;
                    issues.push(format!("not a Sparkplug B payload: {error}"));
                }
            }
        }
        for text in issues {
            if self.issues.len() == ISSUE_LIMIT {
                self.issues.pop_front();
            }
            self.issues.push_back(NamespaceIssue { topic: topic.to_owned(), text });
        }
        true
    }

    fn apply_payload(&mut self, topic: &SparkplugTopic, payload: &SparkplugPayload, issues: &mut Vec<String>) {
        // Commands go to nodes; they change nothing until the node answers.
        if matches!(topic.kind, MessageKind::NCmd | MessageKind::DCmd) {
            return;
        }
        let known = self.groups.get(&topic.group).is_some_and(|nodes| nodes.contains_key(&topic.node));
        if !known && self.nodes >= NODE_LIMIT {
            issues.push(format!("more than {NODE_LIMIT} edge nodes; '{}' is not tracked", topic.node));
            return;
        }
        if !known {
            self.nodes += 1;
        }
        let node = self.groups.entry(topic.group.clone()).or_default().entry(topic.node.clone()).or_default();
        node.messages += 1;
        if let Some(seq) = payload.seq
            && seq > 255
        {
            issues.push(format!("seq {seq} is out of range (0–255)"));
        }
        match topic.kind {
            MessageKind::NBirth => {
                // A birth starts over: its metrics replace, its devices must be born again.
                node.online = true;
                node.bd_seq = bd_seq(payload);
                if node.bd_seq.is_none() {
                    issues.push("the NBIRTH has no bdSeq metric".into());
                }
                node.metrics = MetricTable::from_birth(&payload.metrics, issues);
                for device in node.devices.values_mut() {
                    device.online = false;
                }
                node.missing = 0;
                node.missing_seqs.clear();
                node.last_seq = payload.seq;
                if payload.seq.is_none() {
                    issues.push("the NBIRTH has no seq".into());
                }
            }
            MessageKind::NDeath => {
                // The broker sends the will of the session it belongs to:
                // an older session's will says nothing about this one.
                match (bd_seq(payload), node.bd_seq) {
                    (Some(death), Some(birth)) if death != birth => {
                        issues.push(format!(
                            "NDEATH bdSeq {death} does not match the NBIRTH's bdSeq {birth}: the will of an earlier session, ignored"
                        ));
                        return;
                    }
                    (None, _) => issues.push("the NDEATH has no bdSeq metric".into()),
                    _ => {}
                }
                node.online = false;
                for device in node.devices.values_mut() {
                    device.online = false;
                }
            }
            MessageKind::NData | MessageKind::DBirth | MessageKind::DData | MessageKind::DDeath => {
                check_seq(node, payload.seq, topic.kind, issues);
                if !node.online {
                    issues.push(format!(
                        "{} from an edge node that is not born (ask it to rebirth)",
                        topic.kind.as_str()
                    ));
                }
                let device_id = topic.device.clone().unwrap_or_default();
                match topic.kind {
                    MessageKind::NData => node.metrics.update(&payload.metrics, issues),
                    MessageKind::DBirth => {
                        let device = node.devices.entry(device_id).or_default();
                        device.online = true;
                        device.metrics = MetricTable::from_birth(&payload.metrics, issues);
                    }
                    MessageKind::DData => {
                        let device = node.devices.entry(device_id.clone()).or_default();
                        if !device.online {
                            issues.push(format!("DDATA from device '{device_id}' that is not born"));
                        }
                        device.metrics.update(&payload.metrics, issues);
                    }
                    _ => {
                        node.devices.entry(device_id).or_default().online = false;
                    }
                }
            }
            MessageKind::NCmd | MessageKind::DCmd | MessageKind::State => {}
        }
    }

    /// Edge nodes tracked, all groups together.
    pub fn node_count(&self) -> usize {
        self.nodes
    }

    /// One edge node.
    pub fn node(&self, group: &str, node: &str) -> Option<&EdgeNode> {
        self.groups.get(group).and_then(|nodes| nodes.get(node))
    }
}

/// Checks that `seq` follows the last one (mod 256): a jump ahead counts the
/// messages in between as missing; one behind is a late arrival (no longer
/// missing) or a repeat, and leaves the last sequence number as it was.
fn check_seq(node: &mut EdgeNode, seq: Option<u64>, kind: MessageKind, issues: &mut Vec<String>) {
    let Some(seq) = seq else {
        issues.push(format!("the {} has no seq", kind.as_str()));
        return;
    };
    if seq > 255 {
        return;
    }
    let Some(last) = node.last_seq else {
        node.last_seq = Some(seq);
        return;
    };
    let expected = (last + 1) % 256;
    let ahead = (seq + 256 - expected) % 256;
    if ahead == 0 {
        // In order; a number missing a whole cycle ago is not missing now.
        node.missing_seqs.remove(&seq);
        node.last_seq = Some(seq);
    } else if ahead < 128 {
        for step in 0..ahead {
            node.missing_seqs.insert((expected + step) % 256);
        }
        node.missing += ahead;
        issues.push(format!("seq jumped from {last} to {seq}: {ahead} message(s) missing"));
        node.last_seq = Some(seq);
    } else if node.missing_seqs.remove(&seq) {
        node.missing = node.missing.saturating_sub(1);
        issues.push(format!("seq {seq} arrived late, after {last}"));
    } else {
        issues.push(format!("seq {seq} came again or out of order, after {last}"));
    }
}

/// The `NCMD` that asks an edge node to publish its births again
/// (`Node Control/Rebirth` = true): the topic and the encoded payload.
pub fn rebirth_command(group: &str, node: &str, timestamp_ms: u64) -> (String, Vec<u8>) {
    let topic = format!("{}/{group}/NCMD/{node}", sparkplug::NAMESPACE);
    (topic, sparkplug::encode_rebirth(timestamp_ms))
}
