//! Connection tabs: each holds one profile's connection, subscriptions,
//! composer and what it received; the workspace keeps them in tab order
//! with one active.

use chrono::{DateTime, Utc};

use super::Workspace;
use super::publishing::DeliveryReport;
use super::subscriptions::Subscription;
use crate::chart::Charts;
use crate::compose::{self, DraftText, Preview, PublishDraft};
use crate::engine::{Command, ConnectionState};
use crate::ids::{ConnectionId, SubscriptionId, TabId};
use crate::profile::ConnectionProfile;
use crate::publish_history::PublishHistory;
use crate::requests::Requests;
use crate::sys_status::BrokerStatus;
use crate::topic::topic_matches;
use crate::topic_tree::TopicTree;

/// One connection tab: its profile, state, subscriptions and composer.
#[derive(Debug, Clone)]
pub struct Tab {
    /// Stable id; messages in the shared log are tagged with it.
    pub id: TabId,
    /// The connection settings being edited / used.
    pub profile: ConnectionProfile,
    /// The profile as last opened or saved: edits are what differs from it.
    pub(super) saved_profile: ConnectionProfile,
    /// The profile has no saved state to differ from (a draft of the last
    /// run with no tab to go into, or one pasted from a command line):
    /// unsaved until saved.
    pub(super) not_saved_yet: bool,
    /// The engine connection of the latest connect, if any.
    pub connection: Option<ConnectionId>,
    /// Its state.
    pub state: ConnectionState,
    /// Subscriptions, in the order added.
    pub subscriptions: Vec<Subscription>,
    /// The composer.
    pub draft: PublishDraft,
    /// The last publish's progress.
    pub last_delivery: Option<DeliveryReport>,
    /// The topics this tab has received, as a hierarchy.
    pub tree: TopicTree,
    /// Numeric series charted from this tab's messages.
    pub charts: Charts,
    /// What the broker publishes about itself on `$SYS/#`.
    pub broker_status: BrokerStatus,
    /// Messages published from the composer (`{{counter}}` of the next is this + 1).
    pub published: u64,
    /// The composer's rendered draft, when it has placeholders.
    pub preview: Option<Preview>,
    /// Messages sent from the composer, newest first.
    pub history: PublishHistory,
    /// MQTT 5 requests sent from the composer and their replies.
    pub requests: Requests,
    /// The latest scan of the broker for retained messages.
    pub retained_scan: Option<super::RetainedScan>,
    /// Every packet its connections sent and received (the packet inspector).
    pub packets: crate::wire::PacketLog,
    /// How its payloads are decoded (kept in step with the profile).
    pub decoding: super::decoding::TabDecoding,
    /// Its device mocks (kept in step with the profile).
    pub mocks: super::mocks::TabMocks,
    /// What the broker announced in the last CONNACK (connection details).
    pub connack: Option<Box<crate::engine::connack_details::ConnAckDetails>>,
}

impl Tab {
    pub(super) fn new(id: TabId, profile: ConnectionProfile) -> Self {
        Self {
            id,
            saved_profile: profile.clone(),
            not_saved_yet: false,
            profile,
            connection: None,
            state: ConnectionState::Disconnected,
            subscriptions: Vec::new(),
            draft: PublishDraft::default(),
            last_delivery: None,
            tree: TopicTree::default(),
            charts: Charts::default(),
            broker_status: BrokerStatus::default(),
            published: 0,
            preview: None,
            history: PublishHistory::default(),
            requests: Requests::default(),
            retained_scan: None,
            packets: crate::wire::PacketLog::default(),
            decoding: super::decoding::TabDecoding::default(),
            mocks: super::mocks::TabMocks::default(),
            connack: None,
        }
    }

    /// The draft as the composer holds it.
    pub fn draft_text(&self) -> DraftText<'_> {
        self.draft.text()
    }

    /// The rendered draft for the next message, rendered again only when
    /// it is out of date; `None` when the draft has no placeholders (or is
    /// too large to render every frame: it is rendered when sent).
    pub fn refresh_preview(&mut self, now: DateTime<Utc>) -> Option<&Preview> {
        let draft = self.draft_text();
        let templated = compose::has_placeholders(draft.topic)
            || (draft.payload.len() <= compose::PREVIEW_LIMIT && compose::has_placeholders(draft.payload));
        if !templated {
            self.preview = None;
            return None;
        }
        let variables = self.profile.variables_map();
        let counter = self.published + 1;
        if !self.preview.as_ref().is_some_and(|preview| preview.is_current(&draft, &variables, counter, now)) {
            self.preview = Some(Preview::render(&draft, &variables, counter, now));
        }
        self.preview.as_ref()
    }

    /// True while a connection exists in any state but Disconnected/Failed.
    pub fn is_active(&self) -> bool {
        self.connection.is_some() && !matches!(self.state, ConnectionState::Disconnected | ConnectionState::Failed(_))
    }

    /// A short tab title.
    pub fn title(&self) -> String {
        self.profile.name.clone()
    }

    /// The most specific subscription matching a topic (most literal
    /// levels; the earliest added on a tie), which gives a row its colour:
    /// `sensors/+/temp` wins over `#` for `sensors/a/temp`.
    pub fn subscription_for(&self, topic: &str) -> Option<SubscriptionId> {
        let mut best: Option<(usize, SubscriptionId)> = None;
        for subscription in self.subscriptions.iter().filter(|s| s.status.is_wanted()) {
            if !topic_matches(&subscription.filter, topic) {
                continue;
            }
            let literal_levels = subscription.filter.split('/').filter(|level| *level != "+" && *level != "#").count();
            if best.is_none_or(|(score, _)| literal_levels > score) {
                best = Some((literal_levels, subscription.id));
            }
        }
        best.map(|(_, id)| id)
    }
}

impl Workspace {
    /// The active tab's index: `active` is kept in range by every method
    /// that changes `tabs`, and there is always at least one tab.
    pub(super) fn active_index(&self) -> usize {
        self.active.min(self.tabs.len() - 1)
    }

    /// The active tab.
    pub fn active_tab(&self) -> &Tab {
        &self.tabs[self.active_index()]
    }

    /// The active tab, to change it.
    pub fn active_tab_mut(&mut self) -> &mut Tab {
        let index = self.active_index();
        &mut self.tabs[index]
    }

    /// The tabs, in tab order.
    pub fn tabs(&self) -> &[Tab] {
        &self.tabs
    }

    /// True for the active tab's id.
    pub fn is_active_tab(&self, id: TabId) -> bool {
        self.active_tab().id == id
    }

    /// A tab by id.
    pub fn tab(&self, id: TabId) -> Option<&Tab> {
        self.tabs.iter().find(|tab| tab.id == id)
    }

    /// A tab by id, to change.
    pub fn tab_mut(&mut self, id: TabId) -> Option<&mut Tab> {
        self.tabs.iter_mut().find(|tab| tab.id == id)
    }

    /// Opens a new tab with a copy of a profile and makes it active.
    pub fn open_tab(&mut self, profile: ConnectionProfile) -> TabId {
        let id = self.next_tab.take_next();
        let saved = profile.subscriptions.clone();
        self.tabs.push(Tab::new(id, profile));
        self.active = self.tabs.len() - 1;
        self.load_saved_subscriptions(&saved);
        id
    }

    /// Reopens the tabs of a previous run (profile names in tab order),
    /// behind the active tab: the active tab's own profile is not opened a
    /// second time, names no longer among the profiles are skipped. Nothing
    /// connects. Returns how many tabs were opened.
    pub fn restore_tabs(&mut self, names: &[String]) -> usize {
        let start = self.active_tab().id;
        let own_name = self.active_tab().profile.name.clone();
        let mut skipped_own = false;
        let mut opened = 0;
        for name in names {
            if !skipped_own && *name == own_name {
                skipped_own = true;
                continue;
            }
            let Some(profile) = self.profiles.iter().find(|profile| profile.name == *name).cloned() else {
                continue;
            };
            self.open_tab(profile);
            opened += 1;
        }
        self.activate(start);
        opened
    }

    /// The profile names of the open tabs, in tab order.
    pub fn open_profile_names(&self) -> Vec<String> {
        self.tabs.iter().map(|tab| tab.profile.name.clone()).collect()
    }

    /// Makes a tab active.
    pub fn activate(&mut self, id: TabId) {
        if let Some(index) = self.tabs.iter().position(|tab| tab.id == id) {
            self.active = index;
        }
    }

    /// Closes a tab (never the last one); returns the command that
    /// disconnects it cleanly, if it was connected. The tab before it (or
    /// after it, for the first) becomes active when it was.
    pub fn close_tab(&mut self, id: TabId) -> Option<Command> {
        if self.tabs.len() <= 1 {
            return None;
        }
        let index = self.tabs.iter().position(|tab| tab.id == id)?;
        let closed = self.tabs.remove(index);
        if self.active > index || (self.active == index && index > 0) {
            self.active -= 1;
        }
        self.active = self.active.min(self.tabs.len() - 1);
        closed.connection.map(|connection| Command::Disconnect { connection })
    }

    /// A tab's title: its profile name, numbered when several tabs share it.
    pub fn tab_title(&self, id: TabId) -> String {
        let Some(tab) = self.tab(id) else {
            return "closed tab".into();
        };
        let name = tab.title();
        let same: Vec<TabId> = self.tabs.iter().filter(|t| t.title() == name).map(|t| t.id).collect();
        match same.iter().position(|other| *other == id) {
            Some(index) if index > 0 => format!("{name} ({})", index + 1),
            _ => name,
        }
    }
}
