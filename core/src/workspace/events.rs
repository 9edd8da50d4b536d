//! Engine events into state: each connection's events go to the tab that
//! opened it; broker and repeat events to what they are about.

use std::time::Instant;

use chrono::{DateTime, Utc};

use super::Workspace;
use super::notices::{NoticeKind, NoticeLevel};
use super::subscriptions::{SubscriptionStatus, retag_tab};
use super::tab::Tab;
use super::{RetainedScan, ScanState};
use crate::engine::{
    BrokerState, Command, ConnectionEvent, ConnectionState, DeliveryOutcome, Event, EventKind, SubscribeOutcome,
};
use crate::ids::{ConnectionId, PublishId, SubscriptionId};
use crate::mqtt::{Direction, IncomingMessage};
use crate::store::{MessageStore, StoredMessage};

impl Workspace {
    /// Applies one engine event; returns follow-up commands (e.g. the
    /// automatic connect once the embedded broker runs).
    pub fn apply(&mut self, event: Event) -> Vec<Command> {
        match event.kind {
            EventKind::Broker(state) => self.apply_broker(state),
            EventKind::Repeat(report) => {
                self.apply_repeat(report);
                Vec::new()
            }
            EventKind::Connection { connection, event: connection_event } => {
                self.apply_connection(connection, event.at, connection_event);
                Vec::new()
            }
        }
    }

    fn apply_broker(&mut self, state: BrokerState) -> Vec<Command> {
        let commands = match &state {
            BrokerState::Running { addr, fell_back_from, .. } => self.embedded_broker_running(*addr, *fell_back_from),
            BrokerState::Failed(reason) | BrokerState::DamagedStore(reason) => {
                self.record_notice(NoticeLevel::Error, NoticeKind::BrokerFailed { reason: reason.clone() });
                Vec::new()
            }
            BrokerState::Stopped | BrokerState::Starting => Vec::new(),
        };
        self.broker = state;
        commands
    }

    fn apply_connection(&mut self, connection: ConnectionId, at: DateTime<Utc>, event: ConnectionEvent) {
        let now_ms = self.now_ms();
        let Some(tab_id) = self.connection_tabs.get(&connection).copied() else { return };
        if let ConnectionEvent::Mock(report) = event {
            self.record_mock(tab_id, at, report);
            return;
        }
        // A mock's deliveries are its own business (it reports what it answered).
        if let ConnectionEvent::Delivery { request: PublishId::Mock(_), .. } = &event {
            return;
        }
        // A repeat job's deliveries count towards the job, not the tab.
        if let ConnectionEvent::Delivery { request: PublishId::Repeat { job, .. }, outcome, .. } = &event {
            if matches!(outcome, DeliveryOutcome::Failed(_) | DeliveryOutcome::Refused(_)) {
                self.count_repeat_failure(*job);
            }
            return;
        }
        let Some(index) = self.tabs.iter().position(|tab| tab.id == tab_id) else { return };
        let tab = &mut self.tabs[index];
        if tab.retained_scan.as_ref().is_some_and(|scan| scan.connection == connection) {
            if let ConnectionEvent::Messages(batch) = event {
                // Only what the broker keeps: live traffic during the scan is
                // the tab's own connection's to show.
                let retained: Vec<_> = batch.into_iter().filter(|(_, message)| message.retain).collect();
                if let Some(scan) = tab.retained_scan.as_mut().filter(|_| !retained.is_empty()) {
                    scan.found += retained.len();
                    scan.last_retained = Some(Instant::now());
                }
                let count = retained.len() as u64;
                ingest(&mut self.store, tab, retained, now_ms);
                self.rate_in.record(now_ms, count);
            } else if let Some(scan) = tab.retained_scan.as_mut() {
                scan_event(scan, event);
            }
            return;
        }
        let current = tab.connection == Some(connection);
        let notice = match event {
            ConnectionEvent::Messages(batch) => {
                let count = batch.len() as u64;
                ingest(&mut self.store, tab, batch, now_ms);
                self.rate_in.record(now_ms, count);
                None
            }
            ConnectionEvent::Packets { records, dropped } => {
                tab.packets.push_batch(records, dropped);
                None
            }
            ConnectionEvent::State(state) if current => apply_state(tab, state),
            ConnectionEvent::State(_) => None,
            ConnectionEvent::Subscribed { subscription, outcome } => {
                if let Some(entry) = find_subscription(tab, subscription)
                    && entry.status.is_wanted()
                {
                    entry.status = match outcome {
                        SubscribeOutcome::Granted(qos) => SubscriptionStatus::Granted(qos),
                        SubscribeOutcome::Refused(reason) => SubscriptionStatus::Refused(reason),
                    };
                }
                None
            }
            ConnectionEvent::SubscriptionResumed { subscription } => {
                if let Some(entry) = find_subscription(tab, subscription) {
                    entry.status = SubscriptionStatus::Resumed;
                }
                None
            }
            ConnectionEvent::SubscriptionFailed { subscription, reason } => {
                if let Some(entry) = find_subscription(tab, subscription) {
                    entry.status = SubscriptionStatus::Failed(reason);
                }
                None
            }
            ConnectionEvent::Unsubscribed { subscription, reasons } => {
                let filter = find_subscription(tab, subscription).map(|entry| entry.filter.clone()).unwrap_or_default();
                // A paused one stays listed, to resume.
                tab.subscriptions.retain(|s| s.id != subscription || s.status == SubscriptionStatus::Paused);
                retag_tab(&mut self.store, tab);
                // 0x00 Success needs no word; anything else is worth one.
                let unusual: Vec<&String> = reasons.iter().filter(|reason| !reason.starts_with("0x00")).collect();
                (!unusual.is_empty()).then(|| {
                    let reasons = unusual.iter().map(|reason| reason.as_str()).collect::<Vec<_>>().join(", ");
                    (NoticeLevel::Warning, NoticeKind::UnsubscribeAnswered { tab: tab.title(), filter, reasons })
                })
            }
            ConnectionEvent::ConnAck(details) => {
                tab.connack = Some(details);
                None
            }
            ConnectionEvent::PublishSent { request, message } => {
                if let PublishId::Request(request) = request
                    && !tab.requests.is_empty()
                {
                    tab.requests.sent(request, at);
                }
                self.store.push(StoredMessage {
                    seq: 0,
                    tab: tab.id,
                    time: at,
                    direction: Direction::Outgoing,
                    topic: &message.topic,
                    payload: &message.payload,
                    qos: message.qos,
                    retain: message.retain,
                    subscription: None,
                    properties: message.properties.as_deref(),
                });
                self.rate_out.record(now_ms, 1);
                None
            }
            ConnectionEvent::Delivery { request: PublishId::Request(request), outcome, round_trip } => {
                if let Some(report) = tab.last_delivery.as_mut().filter(|report| report.request == request) {
                    report.round_trip = round_trip;
                    report.outcome = Some(outcome.clone());
                }
                match outcome {
                    DeliveryOutcome::Failed(reason) | DeliveryOutcome::Refused(reason) => {
                        Some((NoticeLevel::Error, NoticeKind::PublishFailed { tab: tab.title(), request, reason }))
                    }
                    _ => None,
                }
            }
            ConnectionEvent::Delivery { request: PublishId::Repeat { .. } | PublishId::Mock(_), .. }
            | ConnectionEvent::Mock(_) => None,
        };
        let Some((level, kind)) = notice else { return };
        // Losing the embedded broker the user just stopped is no news.
        let on_purpose = self.broker_stopped_on_purpose
            && self.tab(tab_id).is_some_and(|tab| tab.profile.name == self.embedded_profile_name);
        if on_purpose {
            self.record_quiet_notice(level, kind);
        } else {
            self.record_notice(level, kind);
        }
    }
}

/// A retained scan's connection moved on.
fn scan_event(scan: &mut RetainedScan, event: ConnectionEvent) {
    if scan.state != ScanState::Running {
        return;
    }
    match event {
        ConnectionEvent::Subscribed { outcome: SubscribeOutcome::Granted(_), .. } => {
            scan.subscribed = Some(Instant::now());
        }
        ConnectionEvent::Subscribed { outcome: SubscribeOutcome::Refused(reason), .. }
        | ConnectionEvent::SubscriptionFailed { reason, .. } => scan.state = ScanState::Refused(reason),
        ConnectionEvent::State(ConnectionState::Failed(failure)) => scan.state = ScanState::Failed(failure),
        ConnectionEvent::State(ConnectionState::Disconnected) => scan.state = ScanState::Finished(scan.found),
        _ => {}
    }
}

fn find_subscription(tab: &mut Tab, id: SubscriptionId) -> Option<&mut super::Subscription> {
    tab.subscriptions.iter_mut().find(|s| s.id == id)
}

/// A tab's connection changed state; returns the notice it deserves.
fn apply_state(tab: &mut Tab, state: ConnectionState) -> Option<(NoticeLevel, NoticeKind)> {
    let notice = match &state {
        ConnectionState::Failed(failure) => {
            Some((NoticeLevel::Error, NoticeKind::ConnectionFailed { tab: tab.title(), failure: failure.clone() }))
        }
        ConnectionState::Reconnecting { error, .. } => {
            for subscription in &mut tab.subscriptions {
                if subscription.status.is_wanted() {
                    subscription.status = SubscriptionStatus::Pending;
                }
            }
            Some((NoticeLevel::Warning, NoticeKind::ConnectionLost { tab: tab.title(), failure: error.clone() }))
        }
        ConnectionState::Disconnected => {
            tab.subscriptions.retain(|s| s.status != SubscriptionStatus::Removing);
            for subscription in tab.subscriptions.iter_mut().filter(|s| s.status.is_wanted()) {
                subscription.status = SubscriptionStatus::Pending;
            }
            None
        }
        _ => None,
    };
    tracing::info!("{}: {}", tab.title(), state.summary(Instant::now()));
    tab.state = state;
    notice
}

/// Stores a batch of received messages, tagged with their tab and colour.
fn ingest(store: &mut MessageStore, tab: &mut Tab, batch: Vec<(DateTime<Utc>, IncomingMessage)>, now_ms: u64) {
    // Consecutive messages often share a topic: reuse its subscription match
    // (the topic is remembered in one reused buffer, not one copy per message).
    let mut last_topic = String::new();
    let mut last_match: Option<Option<SubscriptionId>> = None;
    for (time, message) in batch {
        let subscription = match last_match {
            Some(subscription) if last_topic == message.topic => subscription,
            _ => {
                let subscription = tab.subscription_for(&message.topic);
                last_topic.clear();
                last_topic.push_str(&message.topic);
                last_match = Some(subscription);
                subscription
            }
        };
        let topic = message.topic.as_str();
        tab.decoding.observe(topic, &message.payload);
        if !tab.charts.is_empty() && tab.charts.plots(topic) {
            // Decoded payloads (protobuf, Sparkplug…) are charted from their JSON.
            let charted = tab.decoding.comparable(topic, &message.payload);
            tab.charts.observe(topic, time, &charted);
        }
        tab.broker_status.observe(topic, &message.payload, time);
        let seq = store.push(StoredMessage::received(tab.id, time, &message, subscription));
        if !tab.requests.is_empty() {
            tab.requests.observe(topic, message.properties.as_deref(), time, seq, &message.payload);
        }
        tab.tree.insert(topic, seq, message.payload.len(), message.retain, now_ms);
    }
}
