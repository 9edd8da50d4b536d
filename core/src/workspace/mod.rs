//! The application model: connection tabs (each with its profile, state,
//! subscriptions, composer and what it received) and what they share — the
//! profiles, the message log, the embedded broker, notices, repeat jobs. It
//! turns user intentions into engine [`Command`]s and engine [`Event`]s
//! into state. No UI toolkit here: the UI renders this and calls its
//! methods, and tests drive it directly.
//!
//! One file per concern: [`tab`] (tabs and their order), [`connections`]
//! (connect, profiles, the embedded broker), [`profile_drafts`] (edits not
//! yet saved, kept across a restart), [`subscriptions`],
//! [`publishing`], [`repeat_jobs`], [`notices`] and [`events`] (engine
//! events routed to their tab).

mod connections;
pub mod decoding;
mod events;
pub mod mocks;
mod notices;
mod profile_drafts;
mod publishing;
mod repeat_jobs;
mod retained_scan;
pub mod sparkplug;
mod subscription_edits;
mod subscriptions;
mod tab;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

pub use notices::{Notice, NoticeKind, NoticeLevel};
pub use profile_drafts::ProfileDraft;
pub use publishing::{DeliveryReport, PublishError};
pub use repeat_jobs::RepeatJob;
pub use retained_scan::{RetainedScan, SCAN_LIMIT, SCAN_QUIET, ScanError, ScanState};
pub use subscription_edits::SubscriptionEdit;
pub use subscriptions::{SUBSCRIPTION_PALETTE_SIZE, SubscribeError, Subscription, SubscriptionStatus};
pub use tab::Tab;

use crate::chart::{ChartError, SeriesKey};
use crate::engine::BrokerState;
use crate::ids::{ConnectionId, RepeatJobId, RequestId, SubscriptionId, TabId};
use crate::mqtt::Direction;
use crate::profile::ConnectionProfile;
use crate::store::{MessageStore, RateMeter, StoreLimits};

/// The whole application model: the connection tabs in order (one active)
/// and what they share (profiles, log, broker, notices).
#[derive(Debug)]
pub struct Workspace {
    /// The tabs in tab order; never empty.
    tabs: Vec<Tab>,
    /// Index of the active tab in `tabs`.
    active: usize,
    /// Known profiles to pick from.
    pub profiles: Vec<ConnectionProfile>,
    /// Name of the profile that tracks the embedded broker.
    pub embedded_profile_name: String,
    /// The message log shared by all tabs (messages carry their tab id).
    pub store: MessageStore,
    /// Incoming messages per second.
    pub rate_in: RateMeter,
    /// Outgoing messages per second.
    pub rate_out: RateMeter,
    /// The embedded broker's state.
    pub broker: BrokerState,
    /// Recent warnings and errors, newest last.
    pub notices: Vec<Notice>,
    /// Notices recorded since start (the list itself is bounded): the
    /// window toasts the ones it has not toasted yet.
    pub notices_recorded: u64,
    /// Repeat jobs, running and ended (until dismissed), by job id.
    pub repeats: BTreeMap<RepeatJobId, RepeatJob>,
    /// Connect to the embedded broker as soon as it is running.
    pub auto_connect_embedded: bool,
    /// The user stopped the embedded broker (its tabs losing it is expected).
    pub broker_stopped_on_purpose: bool,
    /// Profile files that could not be loaded, as `file:line:col: problem`.
    pub profile_problems: Vec<String>,
    next_tab: TabId,
    next_connection: ConnectionId,
    next_subscription: SubscriptionId,
    next_request: RequestId,
    next_repeat_job: RepeatJobId,
    /// Which tab opened each engine connection (late events of a replaced
    /// connection still find their tab).
    connection_tabs: HashMap<ConnectionId, TabId>,
    clock_origin: Instant,
}

impl Workspace {
    /// A workspace with the given profiles; the first is selected.
    pub fn new(profiles: Vec<ConnectionProfile>, limits: StoreLimits) -> Self {
        let profile = profiles.first().cloned().unwrap_or_default();
        let saved = profile.subscriptions.clone();
        let mut next_tab = TabId(1);
        let mut workspace = Self {
            embedded_profile_name: profile.name.clone(),
            tabs: vec![Tab::new(next_tab.take_next(), profile)],
            active: 0,
            profiles,
            store: MessageStore::new(limits),
            rate_in: RateMeter::default(),
            rate_out: RateMeter::default(),
            broker: BrokerState::Stopped,
            notices: Vec::new(),
            notices_recorded: 0,
            repeats: BTreeMap::new(),
            auto_connect_embedded: false,
            broker_stopped_on_purpose: false,
            profile_problems: Vec::new(),
            next_tab,
            next_connection: ConnectionId(1),
            next_subscription: SubscriptionId(1),
            next_request: RequestId(1),
            next_repeat_job: RepeatJobId(1),
            connection_tabs: HashMap::new(),
            clock_origin: Instant::now(),
        };
        workspace.load_saved_subscriptions(&saved);
        workspace
    }

    /// Milliseconds since the workspace was created (for rate meters).
    pub fn now_ms(&self) -> u64 {
        self.clock_origin.elapsed().as_millis() as u64
    }

    /// Charts a numeric value of the active tab: the topic's payload, or
    /// the value at a JSON pointer in it. The series starts with what the
    /// log still holds for that topic, so it is not empty until the next
    /// message.
    pub fn add_chart(&mut self, key: SeriesKey) -> Result<(), ChartError> {
        let index = self.active_index();
        let tab = &mut self.tabs[index];
        let series = tab.charts.add(key.clone())?;
        for index_in_store in 0..self.store.len() {
            let Some(message) = self.store.at(index_in_store) else { break };
            if message.tab == tab.id && message.direction == Direction::Incoming && *message.topic == *key.topic {
                let charted = tab.decoding.comparable(message.topic, message.payload);
                tab.charts.observe_into(series, message.time, &charted);
            }
        }
        Ok(())
    }
}
