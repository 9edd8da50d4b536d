//! Connecting and disconnecting the active tab, choosing its profile, and
//! the embedded broker the start tab connects to.

use std::net::SocketAddr;

use super::Workspace;
use super::notices::{NoticeKind, NoticeLevel};
use super::subscriptions::SubscriptionStatus;
use crate::broker::BrokerConfig;
use crate::engine::{BrokerState, Command, ConnectionState};
use crate::profile::{ConnectionProfile, ProfileError};
use crate::profile_exchange::{ImportReport, resolve_name_clashes};

impl Workspace {
    /// The command that starts the embedded broker, remembering to connect
    /// to it once it runs.
    pub fn start_embedded_broker(&mut self, config: BrokerConfig, connect_when_ready: bool) -> Command {
        self.auto_connect_embedded = connect_when_ready;
        self.broker_stopped_on_purpose = false;
        self.broker = BrokerState::Starting;
        Command::StartBroker(Box::new(config))
    }

    /// The command that stops the embedded broker at the user's request
    /// (its tabs then reconnect without toasting about it).
    pub fn stop_embedded_broker(&mut self) -> Command {
        self.broker_stopped_on_purpose = true;
        Command::StopBroker
    }

    /// True while the active tab's connection exists in any state but Disconnected/Failed.
    pub fn is_active(&self) -> bool {
        self.active_tab().is_active()
    }

    /// Selects a profile by name into the active tab's editor.
    /// While disconnected, the profile's saved subscriptions replace the
    /// current list; while connected, the list is left alone.
    pub fn select_profile(&mut self, name: &str) {
        if let Some(profile) = self.profiles.iter().find(|profile| profile.name == name).cloned() {
            if !self.is_active() {
                self.load_saved_subscriptions(&profile.subscriptions);
            }
            self.active_tab_mut().replace_profile(profile);
        }
    }

    /// Puts a profile (not necessarily one of the saved ones, e.g. from the
    /// command line) into the active tab, with its saved subscriptions
    /// while the tab is disconnected.
    pub fn use_profile(&mut self, profile: ConnectionProfile) {
        if !self.is_active() {
            self.load_saved_subscriptions(&profile.subscriptions);
        }
        self.active_tab_mut().replace_profile(profile);
    }

    /// Adds imported profiles (renamed on name clashes), turning the report's
    /// skipped fields and errors into notices. Returns the added profiles so
    /// the caller can save them.
    pub fn add_imported(&mut self, report: ImportReport, origin: &str) -> Vec<ConnectionProfile> {
        let ImportReport { mut profiles, skipped, errors, .. } = report;
        let existing: Vec<String> = self.profiles.iter().map(|profile| profile.name.clone()).collect();
        resolve_name_clashes(&existing, &mut profiles);
        for detail in skipped {
            self.record_notice(NoticeLevel::Warning, NoticeKind::ImportSkipped { origin: origin.to_owned(), detail });
        }
        for detail in errors {
            self.record_notice(NoticeLevel::Warning, NoticeKind::ImportRefused { origin: origin.to_owned(), detail });
        }
        self.profiles.extend(profiles.iter().cloned());
        profiles
    }

    /// Connects the active tab with its profile (replacing its current connection).
    pub fn connect(&mut self) -> Result<Vec<Command>, ProfileError> {
        self.active_tab().profile.validate()?;
        let mut commands = Vec::new();
        if let Some(old) = self.active_tab_mut().connection.take() {
            commands.push(Command::Disconnect { connection: old });
        }
        let id = self.next_connection.take_next();
        let tab_id = self.active_tab().id;
        self.connection_tabs.insert(id, tab_id);
        let subscriptions = self.subscription_specs();
        let tab = self.active_tab_mut();
        tab.connection = Some(id);
        tab.state = ConnectionState::Connecting { attempt: 1 };
        for subscription in &mut tab.subscriptions {
            subscription.status = SubscriptionStatus::Pending;
        }
        commands.push(Command::Connect { connection: id, profile: Box::new(tab.profile.clone()), subscriptions });
        if tab.mocks.any() {
            commands.push(tab.mocks.command(id));
        }
        Ok(commands)
    }

    /// Disconnects the active tab, if connected.
    pub fn disconnect(&mut self) -> Option<Command> {
        let connection = self.active_tab().connection?;
        Some(Command::Disconnect { connection })
    }

    /// The broker runs (again): point its profile at where it listens and
    /// connect when asked to, or follow it when it moved under a live tab.
    pub(super) fn embedded_broker_running(&mut self, addr: SocketAddr, fell_back_from: Option<u16>) -> Vec<Command> {
        let mut commands = Vec::new();
        if let Some(wanted) = fell_back_from {
            self.record_notice(NoticeLevel::Warning, NoticeKind::BrokerPortTaken { wanted, listening: addr.port() });
        }
        // A restart on another port (e.g. a free one) would leave the
        // active tab reconnecting to the old address: follow the broker.
        let tab = self.active_tab();
        let moved = tab.profile.name == self.embedded_profile_name
            && tab.is_active()
            && (tab.profile.host.as_str(), tab.profile.port) != (addr.ip().to_string().as_str(), addr.port());
        self.point_embedded_profile_at(addr);
        let asked = std::mem::take(&mut self.auto_connect_embedded);
        if asked {
            self.select_profile(&self.embedded_profile_name.clone());
        }
        if moved || asked {
            match self.connect() {
                Ok(connect) => commands.extend(connect),
                Err(error) => self.record_notice(NoticeLevel::Warning, NoticeKind::EmbeddedConnectFailed { error }),
            }
        }
        commands
    }

    fn point_embedded_profile_at(&mut self, addr: SocketAddr) {
        let name = self.embedded_profile_name.clone();
        let tabs = self.tabs.iter_mut().map(|tab| &mut tab.profile);
        for profile in self.profiles.iter_mut().chain(tabs) {
            if profile.name == name {
                profile.host = addr.ip().to_string();
                profile.port = addr.port();
            }
        }
    }
}
