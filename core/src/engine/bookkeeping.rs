//! One connection's protocol bookkeeping, without I/O: which of our
//! requests each packet id answers, what a (re)connect must subscribe
//! again, what a lost connection fails, and when to retry or give up. The
//! connection task does the I/O and emits the events these methods return;
//! the unit tests below drive them directly, packet by packet.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use super::adapter::SubscribeOutcome;
use super::{ConnectionEvent, ConnectionFailure, DeliveryOutcome, PublishRequest, SubscriptionSpec};
use crate::ids::{PublishId, SubscriptionId};
use crate::mqtt::Qos;
use crate::profile::ConnectionProfile;

/// A subscription and whether the broker holds it.
#[derive(Debug)]
struct Tracked {
    spec: SubscriptionSpec,
    /// The broker has acknowledged it (on this connection, or on the session
    /// it resumes).
    confirmed: bool,
}

/// A publish on the wire, waiting for PUBACK / PUBREC / PUBCOMP.
#[derive(Debug, Clone, Copy)]
struct InFlight {
    request: PublishId,
    written: Instant,
}

/// What a CONNACK asks of the connection.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct AfterConnect {
    /// Held by the resumed session: reported, not sent again.
    pub resumed: Vec<SubscriptionId>,
    /// To send now, in the order they were added.
    pub subscribe: Vec<SubscriptionId>,
}

/// What to do after the connection failed.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum AfterFailure {
    /// Stop: the failure needs the user, or the policy says so.
    Stop(ConnectionFailure),
    /// Connect again after `delay`, as attempt `attempt`.
    Retry {
        /// The attempt that will be made.
        attempt: u32,
        /// How long to wait first.
        delay: Duration,
    },
}

/// The delay before reconnect attempt `attempt` (1-based): 0.5 s doubling
/// up to `cap`.
pub fn backoff_delay(attempt: u32, cap: Duration) -> Duration {
    const FIRST_MS: u64 = 500;
    let exponent = attempt.saturating_sub(1).min(16);
    Duration::from_millis(FIRST_MS.saturating_mul(1 << exponent)).min(cap)
}

/// The bookkeeping itself.
#[derive(Debug)]
pub(super) struct Ledger {
    subscriptions: Vec<Tracked>,
    /// Publishes handed to rumqttc, in order, not yet on the wire.
    queued_publishes: VecDeque<PublishRequest>,
    /// Publishes on the wire, by packet id.
    inflight_publishes: HashMap<u16, InFlight>,
    queued_subscribes: VecDeque<SubscriptionId>,
    inflight_subscribes: HashMap<u16, SubscriptionId>,
    queued_unsubscribes: VecDeque<SubscriptionId>,
    inflight_unsubscribes: HashMap<u16, SubscriptionId>,
    /// The connect attempt in progress or next (1 after a CONNACK).
    attempt: u32,
    /// The last CONNACK, and the attempt count before it: a connection
    /// that fails within [`STABLE_CONNECTION`] continues that count, so a
    /// broker that accepts and then breaks every connection is retried with
    /// a growing back-off instead of every half second for ever.
    connected: Option<(std::time::Instant, u32)>,
}

/// How long a connection must last for its next failure to start the
/// back-off again from the shortest delay.
pub const STABLE_CONNECTION: Duration = Duration::from_secs(10);

impl Ledger {
    /// Starts with the subscriptions to make on every CONNACK.
    pub fn new(subscriptions: Vec<SubscriptionSpec>) -> Self {
        Self {
            subscriptions: subscriptions.into_iter().map(|spec| Tracked { spec, confirmed: false }).collect(),
            queued_publishes: VecDeque::new(),
            inflight_publishes: HashMap::new(),
            queued_subscribes: VecDeque::new(),
            inflight_subscribes: HashMap::new(),
            queued_unsubscribes: VecDeque::new(),
            inflight_unsubscribes: HashMap::new(),
            attempt: 1,
            connected: None,
        }
    }

    /// The attempt in progress.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// Adds (or replaces, by id) a subscription; returns its id.
    pub fn add_subscription(&mut self, spec: SubscriptionSpec) -> SubscriptionId {
        let id = spec.id;
        self.subscriptions.retain(|existing| existing.spec.id != id);
        self.subscriptions.push(Tracked { spec, confirmed: false });
        id
    }

    /// Forgets a subscription; returns it if it was there.
    pub fn remove_subscription(&mut self, id: SubscriptionId) -> Option<SubscriptionSpec> {
        let index = self.subscriptions.iter().position(|tracked| tracked.spec.id == id)?;
        Some(self.subscriptions.remove(index).spec)
    }

    /// True when a subscription the caller asked for (not a device mock's)
    /// has this filter.
    pub fn holds_own_filter(&self, filter: &str) -> bool {
        self.subscriptions
            .iter()
            .any(|tracked| tracked.spec.filter == filter && !super::mocks::is_mock_subscription(tracked.spec.id))
    }

    /// A subscription by id.
    pub fn subscription(&self, id: SubscriptionId) -> Option<&SubscriptionSpec> {
        self.subscriptions.iter().map(|tracked| &tracked.spec).find(|spec| spec.id == id)
    }

    /// rumqttc took a publish; it goes on the wire in this order.
    pub fn publish_queued(&mut self, request: PublishRequest) {
        self.queued_publishes.push_back(request);
    }

    /// rumqttc took a SUBSCRIBE.
    pub fn subscribe_queued(&mut self, id: SubscriptionId) {
        self.queued_subscribes.push_back(id);
    }

    /// rumqttc took an UNSUBSCRIBE.
    pub fn unsubscribe_queued(&mut self, id: SubscriptionId) {
        self.queued_unsubscribes.push_back(id);
    }

    /// CONNACK: the attempt count starts again; subscriptions the resumed
    /// session still holds are reported, the others sent again.
    pub fn connected(&mut self, session_present: bool) -> AfterConnect {
        self.connected_at(session_present, std::time::Instant::now())
    }

    /// [`Self::connected`] at a given time (tests pass the clock).
    pub fn connected_at(&mut self, session_present: bool, now: std::time::Instant) -> AfterConnect {
        self.connected = Some((now, self.attempt));
        self.attempt = 1;
        let mut plan = AfterConnect::default();
        for tracked in &self.subscriptions {
            if session_present && tracked.confirmed {
                plan.resumed.push(tracked.spec.id);
            } else {
                plan.subscribe.push(tracked.spec.id);
            }
        }
        plan
    }

    /// The next queued PUBLISH went on the wire with `pkid` (0 for QoS 0):
    /// it is logged as sent, and a QoS 0 publish is done.
    pub fn publish_written(&mut self, pkid: u16, now: Instant) -> Vec<ConnectionEvent> {
        if pkid != 0 && self.inflight_publishes.contains_key(&pkid) {
            return Vec::new(); // a retransmission after a reconnect
        }
        let Some(message) = self.queued_publishes.pop_front() else {
            return Vec::new();
        };
        let request = message.id;
        let qos = message.qos;
        let mut events = vec![ConnectionEvent::PublishSent { request, message }];
        if pkid == 0 || qos == Qos::AtMostOnce {
            events.push(ConnectionEvent::Delivery { request, outcome: DeliveryOutcome::Written, round_trip: None });
        } else {
            self.inflight_publishes.insert(pkid, InFlight { request, written: now });
        }
        events
    }

    /// PUBREC: QoS 2 half way, or refused (MQTT 5 reason code).
    pub fn publish_received(&mut self, pkid: u16, refused: Option<String>, now: Instant) -> Option<ConnectionEvent> {
        let inflight = *self.inflight_publishes.get(&pkid)?;
        let outcome = match refused {
            Some(reason) => {
                self.inflight_publishes.remove(&pkid);
                DeliveryOutcome::Refused(reason)
            }
            None => DeliveryOutcome::Received,
        };
        let round_trip = Some(now.saturating_duration_since(inflight.written));
        Some(ConnectionEvent::Delivery { request: inflight.request, outcome, round_trip })
    }

    /// PUBACK or PUBCOMP: the publish is done (or refused).
    pub fn publish_acked(
        &mut self,
        pkid: u16,
        refused: Option<String>,
        complete: bool,
        now: Instant,
    ) -> Option<ConnectionEvent> {
        let inflight = self.inflight_publishes.remove(&pkid)?;
        let outcome = match (refused, complete) {
            (Some(reason), _) => DeliveryOutcome::Refused(reason),
            (None, true) => DeliveryOutcome::Completed,
            (None, false) => DeliveryOutcome::Acknowledged,
        };
        let round_trip = Some(now.saturating_duration_since(inflight.written));
        Some(ConnectionEvent::Delivery { request: inflight.request, outcome, round_trip })
    }

    /// The next queued SUBSCRIBE went on the wire.
    pub fn subscribe_written(&mut self, pkid: u16) {
        if let Some(id) = self.queued_subscribes.pop_front() {
            self.inflight_subscribes.insert(pkid, id);
        }
    }

    /// SUBACK: granted (the broker now holds it) or refused.
    pub fn subscribe_acked(&mut self, pkid: u16, outcomes: Vec<SubscribeOutcome>) -> Option<ConnectionEvent> {
        let id = self.inflight_subscribes.remove(&pkid)?;
        let outcome = outcomes.into_iter().next().unwrap_or_else(|| SubscribeOutcome::Refused("empty SUBACK".into()));
        if let Some(tracked) = self.subscriptions.iter_mut().find(|tracked| tracked.spec.id == id) {
            tracked.confirmed = matches!(outcome, SubscribeOutcome::Granted(_));
        }
        Some(ConnectionEvent::Subscribed { subscription: id, outcome })
    }

    /// The next queued UNSUBSCRIBE went on the wire.
    pub fn unsubscribe_written(&mut self, pkid: u16) {
        if let Some(id) = self.queued_unsubscribes.pop_front() {
            self.inflight_unsubscribes.insert(pkid, id);
        }
    }

    /// UNSUBACK.
    pub fn unsubscribe_acked(&mut self, pkid: u16, reasons: Vec<String>) -> Option<ConnectionEvent> {
        let id = self.inflight_unsubscribes.remove(&pkid)?;
        Some(ConnectionEvent::Unsubscribed { subscription: id, reasons })
    }

    /// The connection is gone: every request it can no longer answer fails
    /// (`held` are publishes rumqttc never took), unsubscriptions are done
    /// (the broker drops them with the session), and subscriptions stay
    /// confirmed only in a session the broker keeps.
    pub fn connection_lost(
        &mut self,
        failure: &ConnectionFailure,
        session_kept: bool,
        held: VecDeque<PublishRequest>,
    ) -> Vec<ConnectionEvent> {
        for tracked in &mut self.subscriptions {
            tracked.confirmed = tracked.confirmed && session_kept;
        }
        let mut events = Vec::new();
        let not_sent = DeliveryOutcome::Failed(format!("not sent: {failure}"));
        for request in std::mem::take(&mut self.queued_publishes).into_iter().chain(held) {
            events.push(ConnectionEvent::Delivery { request: request.id, outcome: not_sent.clone(), round_trip: None });
        }
        let unanswered = DeliveryOutcome::Failed(format!("no acknowledgement: {failure}"));
        let mut inflight: Vec<(u16, InFlight)> = std::mem::take(&mut self.inflight_publishes).into_iter().collect();
        inflight.sort_by_key(|(_, inflight)| inflight.written);
        for (_, inflight) in inflight {
            let outcome = unanswered.clone();
            events.push(ConnectionEvent::Delivery { request: inflight.request, outcome, round_trip: None });
        }
        self.queued_subscribes.clear();
        self.inflight_subscribes.clear();
        let unsubscribed = std::mem::take(&mut self.queued_unsubscribes)
            .into_iter()
            .chain(std::mem::take(&mut self.inflight_unsubscribes).into_values());
        events.extend(
            unsubscribed.map(|subscription| ConnectionEvent::Unsubscribed { subscription, reasons: Vec::new() }),
        );
        events
    }

    /// The profile's reconnect policy applied to a failure: stop, or retry
    /// after the back-off (counting the attempt).
    pub fn after_failure(&mut self, failure: ConnectionFailure, profile: &ConnectionProfile) -> AfterFailure {
        self.after_failure_at(failure, profile, std::time::Instant::now())
    }

    /// [`Self::after_failure`] at a given time (tests pass the clock).
    pub fn after_failure_at(
        &mut self,
        failure: ConnectionFailure,
        profile: &ConnectionProfile,
        now: std::time::Instant,
    ) -> AfterFailure {
        if let Some((since, before)) = self.connected.take()
            && now.saturating_duration_since(since) < STABLE_CONNECTION
        {
            self.attempt = before;
        }
        if failure.is_permanent() || !profile.reconnect {
            return AfterFailure::Stop(failure);
        }
        let limit = profile.reconnect_max_attempts;
        if limit > 0 && self.attempt >= limit {
            return AfterFailure::Stop(ConnectionFailure::GaveUp { attempts: limit, last: Box::new(failure) });
        }
        let cap = Duration::from_secs(u64::from(profile.reconnect_backoff_cap_secs));
        let delay = backoff_delay(self.attempt, cap);
        self.attempt += 1;
        AfterFailure::Retry { attempt: self.attempt, delay }
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;
    use crate::ids::RequestId;

    fn spec(id: u32, filter: &str) -> SubscriptionSpec {
        SubscriptionSpec { id: SubscriptionId(id), filter: filter.into(), ..SubscriptionSpec::default() }
    }

    fn request(id: u64, qos: Qos) -> PublishRequest {
        PublishRequest {
            id: PublishId::Request(RequestId(id)),
            topic: "t".into(),
            payload: Bytes::from_static(b"x"),
            qos,
            retain: false,
            properties: None,
        }
    }

    fn delivery(event: &ConnectionEvent) -> (PublishId, DeliveryOutcome, Option<Duration>) {
        match event {
            ConnectionEvent::Delivery { request, outcome, round_trip } => (*request, outcome.clone(), *round_trip),
            other => panic!("not a delivery: {other:?}"),
        }
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let cap = Duration::from_secs(30);
        let delays: Vec<u64> = (1..=9).map(|attempt| backoff_delay(attempt, cap).as_millis() as u64).collect();
        assert_eq!(delays, vec![500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
        assert_eq!(backoff_delay(0, cap).as_millis(), 500);
        assert_eq!(backoff_delay(u32::MAX, cap).as_millis(), 30_000);
        assert_eq!(backoff_delay(5, Duration::from_secs(3)).as_millis(), 3_000);
    }

    #[test]
    fn packet_ids_answer_the_requests_that_were_written_with_them() {
        let mut ledger = Ledger::new(Vec::new());
        let start = Instant::now();
        ledger.publish_queued(request(1, Qos::AtLeastOnce));
        ledger.publish_queued(request(2, Qos::ExactlyOnce));
        ledger.publish_queued(request(3, Qos::AtMostOnce));
        let first = ledger.publish_written(7, start);
        assert!(matches!(&first[..], [ConnectionEvent::PublishSent { .. }]), "QoS 1 waits for PUBACK");
        assert!(ledger.publish_written(7, start).is_empty(), "a retransmission is not a new publish");
        ledger.publish_written(8, start);
        let qos0 = ledger.publish_written(0, start);
        assert_eq!(delivery(&qos0[1]).1, DeliveryOutcome::Written, "QoS 0 is done once written");

        let later = start + Duration::from_millis(3);
        let received = ledger.publish_received(8, None, later).expect("PUBREC for #2");
        assert_eq!(
            delivery(&received),
            (PublishId::Request(RequestId(2)), DeliveryOutcome::Received, Some(Duration::from_millis(3)))
        );
        let acked = ledger.publish_acked(7, None, false, later).expect("PUBACK for #1");
        assert_eq!(delivery(&acked).1, DeliveryOutcome::Acknowledged);
        let complete = ledger.publish_acked(8, None, true, later).expect("PUBCOMP for #2");
        assert_eq!(delivery(&complete).1, DeliveryOutcome::Completed);
        assert!(ledger.publish_acked(8, None, true, later).is_none(), "answered once");
        assert!(ledger.publish_acked(99, None, false, later).is_none(), "an id we never used");
    }

    #[test]
    fn a_refusal_ends_the_publish_at_pubrec() {
        let mut ledger = Ledger::new(Vec::new());
        let now = Instant::now();
        ledger.publish_queued(request(1, Qos::ExactlyOnce));
        ledger.publish_written(3, now);
        let refused = ledger.publish_received(3, Some("0x87 Not authorized".into()), now).expect("refused");
        assert_eq!(delivery(&refused).1, DeliveryOutcome::Refused("0x87 Not authorized".into()));
        assert!(ledger.publish_acked(3, None, true, now).is_none(), "nothing left to complete");
    }

    #[test]
    fn a_resumed_session_keeps_only_acknowledged_subscriptions() {
        let mut ledger = Ledger::new(vec![spec(1, "a/#"), spec(2, "b/#")]);
        let first = ledger.connected(false);
        assert_eq!(first.subscribe, [SubscriptionId(1), SubscriptionId(2)]);
        ledger.subscribe_queued(SubscriptionId(1));
        ledger.subscribe_queued(SubscriptionId(2));
        ledger.subscribe_written(10);
        ledger.subscribe_written(11);
        let granted = ledger.subscribe_acked(10, vec![SubscribeOutcome::Granted(Qos::AtLeastOnce)]);
        assert!(matches!(granted, Some(ConnectionEvent::Subscribed { subscription: SubscriptionId(1), .. })));
        ledger.subscribe_acked(11, vec![SubscribeOutcome::Refused("0x87".into())]);

        let kept = ledger.connection_lost(&ConnectionFailure::Lost("reset".into()), true, VecDeque::new());
        assert!(kept.is_empty());
        let resumed = ledger.connected(true);
        assert_eq!((resumed.resumed, resumed.subscribe), (vec![SubscriptionId(1)], vec![SubscriptionId(2)]));
        ledger.connection_lost(&ConnectionFailure::Lost("reset".into()), false, VecDeque::new());
        assert_eq!(ledger.connected(true).subscribe.len(), 2, "a clean session keeps nothing");
    }

    #[test]
    fn a_lost_connection_fails_what_it_cannot_answer_oldest_first() {
        let mut ledger = Ledger::new(Vec::new());
        let now = Instant::now();
        ledger.publish_queued(request(1, Qos::AtLeastOnce));
        ledger.publish_queued(request(2, Qos::AtLeastOnce));
        ledger.publish_written(5, now);
        ledger.publish_written(6, now + Duration::from_millis(1));
        ledger.publish_queued(request(3, Qos::AtLeastOnce));
        ledger.unsubscribe_queued(SubscriptionId(4));
        let held = VecDeque::from([request(9, Qos::AtMostOnce)]);
        let events = ledger.connection_lost(&ConnectionFailure::Lost("reset".into()), false, held);
        let failed: Vec<(u64, String)> = events
            .iter()
            .filter_map(|event| match event {
                ConnectionEvent::Delivery {
                    request: PublishId::Request(id),
                    outcome: DeliveryOutcome::Failed(why),
                    ..
                } => Some((id.0, why.split(':').next().unwrap_or_default().to_owned())),
                _ => None,
            })
            .collect();
        let expected = [(3, "not sent"), (9, "not sent"), (1, "no acknowledgement"), (2, "no acknowledgement")];
        assert_eq!(failed, expected.map(|(id, why)| (id, why.to_owned())));
        assert!(matches!(events.last(), Some(ConnectionEvent::Unsubscribed { subscription: SubscriptionId(4), .. })));
        assert!(ledger.publish_acked(5, None, false, now).is_none(), "nothing in flight any more");
    }

    #[test]
    fn the_reconnect_policy_retries_with_back_off_and_gives_up_when_told() {
        let mut profile = ConnectionProfile { reconnect_max_attempts: 3, ..ConnectionProfile::default() };
        profile.reconnect_backoff_cap_secs = 30;
        let mut ledger = Ledger::new(Vec::new());
        let lost = || ConnectionFailure::Lost("reset".into());
        assert_eq!(
            ledger.after_failure(lost(), &profile),
            AfterFailure::Retry { attempt: 2, delay: Duration::from_millis(500) }
        );
        assert_eq!(
            ledger.after_failure(lost(), &profile),
            AfterFailure::Retry { attempt: 3, delay: Duration::from_secs(1) }
        );
        assert_eq!(
            ledger.after_failure(lost(), &profile),
            AfterFailure::Stop(ConnectionFailure::GaveUp { attempts: 3, last: Box::new(lost()) })
        );
        ledger.connected(false);
        assert_eq!(ledger.attempt(), 1, "a CONNACK starts the count again");
        // ... once the connection has lasted (see the next test).
        assert_eq!(
            ledger.after_failure(ConnectionFailure::BadCredentials, &profile),
            AfterFailure::Stop(ConnectionFailure::BadCredentials),
            "retrying cannot fix credentials"
        );
        profile.reconnect = false;
        assert_eq!(ledger.after_failure(lost(), &profile), AfterFailure::Stop(lost()));
    }

    #[test]
    fn a_connection_that_fails_right_after_connack_keeps_backing_off() {
        let profile = ConnectionProfile { reconnect_backoff_cap_secs: 30, ..ConnectionProfile::default() };
        let lost = || ConnectionFailure::Protocol("the broker used topic alias 7".into());
        let mut ledger = Ledger::new(Vec::new());
        let start = std::time::Instant::now();
        let mut delays = Vec::new();
        for round in 0..6u32 {
            let at = start + Duration::from_secs(u64::from(round) * 2);
            ledger.connected_at(false, at);
            match ledger.after_failure_at(lost(), &profile, at + Duration::from_millis(50)) {
                AfterFailure::Retry { delay, .. } => delays.push(delay.as_millis()),
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(delays, [500, 1000, 2000, 4000, 8000, 16_000], "grows while every connection fails at once");
        // A connection that lasted starts from the shortest delay again.
        let later = start + Duration::from_secs(100);
        ledger.connected_at(false, later);
        let after = ledger.after_failure_at(lost(), &profile, later + STABLE_CONNECTION);
        assert_eq!(after, AfterFailure::Retry { attempt: 2, delay: Duration::from_millis(500) });
    }
}
