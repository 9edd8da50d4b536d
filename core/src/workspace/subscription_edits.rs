//! Managing subscriptions already in the list: pause (unsubscribed at the
//! broker, kept to resume), mute (received and stored, hidden from the
//! log), and edit (alias and colour in place; a new filter, QoS or options
//! replace the subscription at the broker, in the same place in the list).

use super::Workspace;
use super::subscriptions::{SUBSCRIPTION_PALETTE_SIZE, SubscribeError, Subscription, SubscriptionStatus};
use crate::engine::{Command, SubscriptionSpec};
use crate::ids::SubscriptionId;
use crate::mqtt::{Qos, SubscribeOptions};
use crate::topic::validate_topic_filter;

/// A subscription's settings as the edit form holds them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionEdit {
    /// The filter.
    pub filter: String,
    /// Requested QoS.
    pub qos: Qos,
    /// MQTT 5 options.
    pub options: SubscribeOptions,
    /// Display name ("" for none).
    pub alias: String,
    /// Palette index.
    pub colour: usize,
}

impl SubscriptionEdit {
    /// The form filled with a subscription's current settings.
    pub fn of(subscription: &Subscription) -> Self {
        Self {
            filter: subscription.filter.clone(),
            qos: subscription.qos,
            options: subscription.options,
            alias: subscription.alias.clone(),
            colour: subscription.colour,
        }
    }
}

impl Workspace {
    /// Pauses a subscription: unsubscribed at the broker, kept in the list.
    pub fn pause_subscription(&mut self, id: SubscriptionId) -> Option<Command> {
        let connection = self.live_connection();
        let entry = self.active_tab_mut().subscriptions.iter_mut().find(|s| s.id == id)?;
        if !entry.status.is_wanted() {
            return None;
        }
        entry.status = SubscriptionStatus::Paused;
        connection.map(|connection| Command::Unsubscribe { connection, subscription: id })
    }

    /// Resumes a paused subscription: subscribed again when connected.
    pub fn resume_subscription(&mut self, id: SubscriptionId) -> Option<Command> {
        let connection = self.live_connection();
        let entry = self.active_tab_mut().subscriptions.iter_mut().find(|s| s.id == id)?;
        if entry.status != SubscriptionStatus::Paused {
            return None;
        }
        entry.status = SubscriptionStatus::Pending;
        let spec = SubscriptionSpec { id, filter: entry.filter.clone(), qos: entry.qos, options: entry.options };
        connection.map(|connection| Command::Subscribe { connection, subscription: spec })
    }

    /// Hides (or shows again) a subscription's messages in the log; they
    /// are still received, stored and counted.
    pub fn set_muted(&mut self, id: SubscriptionId, muted: bool) {
        if let Some(entry) = self.active_tab_mut().subscriptions.iter_mut().find(|s| s.id == id) {
            entry.muted = muted;
        }
    }

    /// Muted subscriptions of every tab (the log hides their messages).
    pub fn muted_subscriptions(&self) -> Vec<SubscriptionId> {
        self.tabs().iter().flat_map(|tab| &tab.subscriptions).filter(|s| s.muted).map(|s| s.id).collect()
    }

    /// Applies an edit; returns the commands to send.
    pub fn edit_subscription(
        &mut self,
        id: SubscriptionId,
        edit: SubscriptionEdit,
    ) -> Result<Vec<Command>, SubscribeError> {
        let filter = edit.filter.trim().to_owned();
        validate_topic_filter(&filter)?;
        super::subscriptions::check_identifier(edit.options)?;
        let Some(index) = self.active_tab().subscriptions.iter().position(|s| s.id == id) else {
            return Ok(Vec::new());
        };
        let duplicate = self
            .active_tab()
            .subscriptions
            .iter()
            .any(|s| s.id != id && s.filter == filter && s.status != SubscriptionStatus::Removing);
        if duplicate {
            return Err(SubscribeError::Duplicate(filter));
        }
        let old = self.active_tab().subscriptions[index].clone();
        let colour = edit.colour % SUBSCRIPTION_PALETTE_SIZE;
        if old.filter == filter && old.qos == edit.qos && old.options == edit.options {
            let entry = &mut self.active_tab_mut().subscriptions[index];
            entry.alias = edit.alias;
            entry.colour = colour;
            return Ok(Vec::new());
        }
        let paused = old.status == SubscriptionStatus::Paused;
        let new_id = self.next_subscription.take_next();
        let replacement = Subscription {
            id: new_id,
            filter: filter.clone(),
            qos: edit.qos,
            colour,
            options: edit.options,
            status: if paused { SubscriptionStatus::Paused } else { SubscriptionStatus::Pending },
            alias: edit.alias,
            muted: old.muted,
        };
        let mut commands = Vec::new();
        match self.live_connection().filter(|_| !paused) {
            Some(connection) => {
                self.active_tab_mut().subscriptions[index].status = SubscriptionStatus::Removing;
                commands.push(Command::Unsubscribe { connection, subscription: id });
                commands.push(Command::Subscribe {
                    connection,
                    subscription: SubscriptionSpec { id: new_id, filter, qos: edit.qos, options: edit.options },
                });
                self.active_tab_mut().subscriptions.insert(index + 1, replacement);
            }
            None => self.active_tab_mut().subscriptions[index] = replacement,
        }
        self.retag_log();
        Ok(commands)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::ConnectionProfile;
    use crate::store::StoreLimits;
    use crate::workspace::tests::connected;

    #[test]
    fn pausing_unsubscribes_but_keeps_the_entry_and_resuming_subscribes_again() {
        let mut workspace = Workspace::new(vec![ConnectionProfile::default()], StoreLimits::default());
        let _ = workspace.subscribe("a/#", Qos::AtLeastOnce);
        let connection = connected(&mut workspace);
        let id = workspace.active_tab().subscriptions[0].id;
        assert!(matches!(workspace.pause_subscription(id), Some(Command::Unsubscribe { .. })));
        workspace.apply(crate::workspace::tests::event(crate::engine::EventKind::Connection {
            connection,
            event: crate::engine::ConnectionEvent::Unsubscribed { subscription: id, reasons: Vec::new() },
        }));
        assert_eq!(workspace.active_tab().subscriptions[0].status, SubscriptionStatus::Paused, "kept, paused");
        assert!(workspace.subscription_specs().is_empty(), "a reconnect does not subscribe it");
        assert!(workspace.pause_subscription(id).is_none(), "already paused");
        let Some(Command::Subscribe { subscription, .. }) = workspace.resume_subscription(id) else {
            panic!("subscribe")
        };
        assert_eq!((subscription.filter.as_str(), subscription.qos), ("a/#", Qos::AtLeastOnce));
        assert_eq!(workspace.active_tab().subscriptions[0].status, SubscriptionStatus::Pending);
    }

    #[test]
    fn an_alias_or_colour_changes_nothing_at_the_broker_but_a_new_filter_replaces_it_in_place() {
        let mut workspace = Workspace::new(vec![ConnectionProfile::default()], StoreLimits::default());
        let _ = workspace.subscribe("a/#", Qos::AtMostOnce);
        let _ = workspace.subscribe("b/#", Qos::AtMostOnce);
        let _ = connected(&mut workspace);
        let id = workspace.active_tab().subscriptions[0].id;
        workspace.set_muted(id, true);
        let mut edit = SubscriptionEdit::of(&workspace.active_tab().subscriptions[0]);
        edit.alias = "Line A".into();
        edit.colour = 7;
        assert!(workspace.edit_subscription(id, edit.clone()).is_ok_and(|commands| commands.is_empty()));
        assert_eq!(workspace.active_tab().subscriptions[0].label(), "Line A");
        edit.filter = "b/#".into();
        assert!(matches!(workspace.edit_subscription(id, edit.clone()), Err(SubscribeError::Duplicate(_))));
        edit.filter = "a/+/temp".into();
        edit.qos = Qos::ExactlyOnce;
        let commands = workspace.edit_subscription(id, edit).expect("valid");
        assert!(matches!(commands.as_slice(), [Command::Unsubscribe { .. }, Command::Subscribe { .. }]));
        let tab = workspace.active_tab();
        assert_eq!(tab.subscriptions[0].status, SubscriptionStatus::Removing, "the old one goes");
        let replaced = &tab.subscriptions[1];
        assert_eq!(
            (replaced.filter.as_str(), replaced.qos, replaced.label(), replaced.colour),
            ("a/+/temp", Qos::ExactlyOnce, "Line A", 7)
        );
        assert!(replaced.muted, "still muted");
        assert!(workspace.muted_subscriptions().contains(&replaced.id));
    }
}
