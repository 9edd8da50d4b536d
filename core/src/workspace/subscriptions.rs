//! The active tab's subscriptions: adding (validated, coloured), removing,
//! loading a profile's saved ones and saving them back, and re-colouring
//! the log when they change.

use thiserror::Error;

use super::Workspace;
use super::tab::Tab;
use crate::engine::{Command, SubscriptionSpec};
use crate::ids::{ConnectionId, SubscriptionId};
use crate::mqtt::{Direction, Qos, SubscribeOptions};
use crate::profile::SavedSubscription;
use crate::store::MessageStore;
use crate::topic::{TopicError, validate_topic_filter};

/// Number of distinct subscription colours the theme provides.
pub const SUBSCRIPTION_PALETTE_SIZE: usize = 10;

/// What the broker said about a subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubscriptionStatus {
    /// Waiting for a connection or a SUBACK.
    Pending,
    /// SUBACK granted this QoS (may be lower than requested).
    Granted(Qos),
    /// SUBACK refused it, with the reason code.
    Refused(String),
    /// The broker's resumed session still holds it.
    Resumed,
    /// It could not be sent.
    Failed(String),
    /// UNSUBSCRIBE sent, waiting for UNSUBACK.
    Removing,
    /// Paused by the user: not subscribed at the broker, kept in the list
    /// to resume.
    Paused,
}

impl SubscriptionStatus {
    /// True while the subscription is meant to be held at the broker (not
    /// being removed, not paused).
    pub fn is_wanted(&self) -> bool {
        !matches!(self, Self::Removing | Self::Paused)
    }
}

/// One row of the subscriptions panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    /// Stable id.
    pub id: SubscriptionId,
    /// The filter.
    pub filter: String,
    /// Requested QoS.
    pub qos: Qos,
    /// Index into the theme's subscription palette.
    pub colour: usize,
    /// MQTT 5 subscription options.
    pub options: SubscribeOptions,
    /// SUBACK outcome.
    pub status: SubscriptionStatus,
    /// A name shown instead of the filter ("" shows the filter).
    pub alias: String,
    /// Still received and stored, but hidden from the log.
    pub muted: bool,
}

impl Subscription {
    /// What the panel calls it: its alias, else its filter.
    pub fn label(&self) -> &str {
        if self.alias.trim().is_empty() { &self.filter } else { &self.alias }
    }
}

/// Why a subscription was not added.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SubscribeError {
    /// The filter is invalid.
    #[error("{0}")]
    Filter(#[from] TopicError),
    /// The same filter is already subscribed.
    #[error("already subscribed to '{0}'")]
    Duplicate(String),
    /// A subscription identifier outside 1 to 268,435,455.
    #[error("a subscription identifier is a number from 1 to 268435455, not {0}")]
    BadIdentifier(u32),
}

impl Workspace {
    /// Adds a subscription to the active tab; returns the command to send if connected.
    pub fn subscribe(&mut self, filter: &str, qos: Qos) -> Result<Option<Command>, SubscribeError> {
        self.subscribe_with(filter, qos, SubscribeOptions::default())
    }

    /// Adds a subscription with MQTT 5 options (no local, retain as
    /// published, retain handling); returns the command to send if connected.
    pub fn subscribe_with(
        &mut self,
        filter: &str,
        qos: Qos,
        options: SubscribeOptions,
    ) -> Result<Option<Command>, SubscribeError> {
        let filter = filter.trim();
        validate_topic_filter(filter)?;
        check_identifier(options)?;
        let taken = self
            .active_tab()
            .subscriptions
            .iter()
            .any(|s| s.filter == filter && s.status != SubscriptionStatus::Removing);
        if taken {
            return Err(SubscribeError::Duplicate(filter.to_owned()));
        }
        let id = self.next_subscription.take_next();
        let colour = self.free_colour(id);
        self.active_tab_mut().subscriptions.push(Subscription {
            id,
            filter: filter.to_owned(),
            qos,
            colour,
            options,
            status: SubscriptionStatus::Pending,
            alias: String::new(),
            muted: false,
        });
        Ok(self.live_connection().map(|connection| Command::Subscribe {
            connection,
            subscription: SubscriptionSpec { id, filter: filter.to_owned(), qos, options },
        }))
    }

    /// Removes a subscription of the active tab; returns the command to send if connected.
    pub fn unsubscribe(&mut self, id: SubscriptionId) -> Option<Command> {
        let index = self.active_tab().subscriptions.iter().position(|s| s.id == id)?;
        match self.live_connection() {
            Some(connection) => {
                self.active_tab_mut().subscriptions[index].status = SubscriptionStatus::Removing;
                Some(Command::Unsubscribe { connection, subscription: id })
            }
            None => {
                self.active_tab_mut().subscriptions.remove(index);
                self.retag_log();
                None
            }
        }
    }

    /// The active tab's connection while it exists and is not down.
    pub(super) fn live_connection(&self) -> Option<ConnectionId> {
        self.active_tab().connection.filter(|_| self.is_active())
    }

    /// Replaces the active tab's subscriptions with a profile's saved ones.
    pub(super) fn load_saved_subscriptions(&mut self, saved: &[SavedSubscription]) {
        self.active_tab_mut().subscriptions.clear();
        for subscription in saved {
            let id = self.next_subscription.take_next();
            let colour = subscription.colour.map_or_else(|| self.free_colour(id), |c| c % SUBSCRIPTION_PALETTE_SIZE);
            self.active_tab_mut().subscriptions.push(Subscription {
                id,
                filter: subscription.filter.clone(),
                qos: subscription.qos,
                colour,
                options: subscription.options(),
                status: SubscriptionStatus::Pending,
                alias: String::new(),
                muted: false,
            });
        }
        self.retag_log();
    }

    fn free_colour(&self, id: SubscriptionId) -> usize {
        let used: Vec<usize> = self.active_tab().subscriptions.iter().map(|s| s.colour).collect();
        (0..SUBSCRIPTION_PALETTE_SIZE)
            .find(|colour| !used.contains(colour))
            .unwrap_or(id.0 as usize % SUBSCRIPTION_PALETTE_SIZE)
    }

    /// Writes the active tab's subscriptions into its profile (before saving it).
    pub fn capture_subscriptions(&mut self) {
        let tab = self.active_tab_mut();
        tab.profile.subscriptions = tab
            .subscriptions
            .iter()
            .filter(|s| s.status != SubscriptionStatus::Removing)
            .map(|s| SavedSubscription {
                filter: s.filter.clone(),
                qos: s.qos,
                colour: Some(s.colour),
                no_local: s.options.no_local,
                retain_as_published: s.options.retain_as_published,
                retain_handling: s.options.retain_handling,
                identifier: s.options.identifier,
            })
            .collect();
    }

    /// What the active tab subscribes to when it connects.
    pub(super) fn subscription_specs(&self) -> Vec<SubscriptionSpec> {
        self.active_tab()
            .subscriptions
            .iter()
            .filter(|s| s.status.is_wanted())
            .map(|s| SubscriptionSpec { id: s.id, filter: s.filter.clone(), qos: s.qos, options: s.options })
            .collect()
    }

    /// The most specific subscription of the active tab matching a topic.
    pub fn subscription_for(&self, topic: &str) -> Option<SubscriptionId> {
        self.active_tab().subscription_for(topic)
    }

    /// A subscription by id, in any tab.
    pub fn subscription(&self, id: SubscriptionId) -> Option<&Subscription> {
        self.tabs.iter().flat_map(|tab| tab.subscriptions.iter()).find(|s| s.id == id)
    }

    /// Re-colours the active tab's logged messages after its subscriptions changed.
    pub(super) fn retag_log(&mut self) {
        let index = self.active_index();
        retag_tab(&mut self.store, &self.tabs[index]);
    }
}

/// A subscription identifier, if set, is one MQTT 5 can carry.
pub(super) fn check_identifier(options: SubscribeOptions) -> Result<(), SubscribeError> {
    match options.identifier {
        Some(id) if id == 0 || id > crate::mqtt::MAX_SUBSCRIPTION_IDENTIFIER => Err(SubscribeError::BadIdentifier(id)),
        _ => Ok(()),
    }
}

/// Re-colours a tab's logged messages after its subscriptions changed.
pub(super) fn retag_tab(store: &mut MessageStore, tab: &Tab) {
    store.retag(|message| match message.direction {
        Direction::Incoming if message.tab == tab.id => tab.subscription_for(message.topic),
        _ => message.subscription,
    });
}
