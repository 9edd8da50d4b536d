//! The application model: one connection's state, its subscriptions, the
//! composer, the message log and counters. It turns user intentions into
//! engine [`Command`]s and engine [`Event`]s into state. No UI toolkit here: the
//! UI renders this and calls its methods, and tests drive it directly.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::Instant;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use thiserror::Error;

use crate::broker::BrokerConfig;
use crate::chart::{ChartError, Charts, SeriesKey};
use crate::compose::{self, ComposeError, DraftProperties, DraftText, Preview, PublishDraft};
use crate::engine::repeat::{self, RepeatEnd, RepeatReport, RepeatSpec};
use crate::engine::{
    BrokerState, Command, ConnectionEvent, ConnectionState, DeliveryOutcome, Event, EventKind, PublishRequest,
    SubscribeOutcome, SubscriptionSpec,
};
use crate::mqtt::{ConnectionId, Direction, Qos, SubscribeOptions, SubscriptionId};
use crate::payload::{PayloadError, PayloadFormat};
use crate::profile::{ConnectionProfile, ProfileError, SavedSubscription};
use crate::profile_exchange::{ImportReport, resolve_name_clashes};
use crate::publish_history::PublishHistory;
use crate::requests::Requests;
use crate::store::{MessageStore, RateMeter, StoreLimits, StoredMessage};
use crate::sys_status::BrokerStatus;
use crate::topic::{TopicError, topic_matches, validate_topic_filter, validate_topic_name};
use crate::topic_tree::TopicTree;

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
}

/// Why a publish was not sent.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PublishError {
    /// The topic is not a valid topic name.
    #[error("topic: {0}")]
    Topic(#[from] TopicError),
    /// The payload does not match its format.
    #[error("payload: {0}")]
    Payload(#[from] PayloadError),
    /// A placeholder cannot be filled.
    #[error("{0}")]
    Template(ComposeError),
    /// There is no live connection.
    #[error("not connected")]
    NotConnected,
}

impl From<ComposeError> for PublishError {
    fn from(error: ComposeError) -> Self {
        match error {
            ComposeError::Topic(error) => Self::Topic(error),
            ComposeError::Payload(error) => Self::Payload(error),
            template => Self::Template(template),
        }
    }
}

/// A repeat job as the composer lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct RepeatJob {
    /// The tab it publishes from.
    pub session: SessionId,
    /// What it sends: the topic as typed, or the collection's name and size.
    pub topic: String,
    /// Messages to send (`None`: until stopped).
    pub count: Option<u64>,
    /// Milliseconds between rounds (one message, or one pass over a collection).
    pub interval_ms: u64,
    /// The engine's latest report.
    pub sent: u64,
    /// Achieved messages per second.
    pub rate: f64,
    /// QoS 1/2 messages the broker refused or that failed.
    pub failed: u64,
    /// Set once the job has ended.
    pub ended: Option<RepeatEnd>,
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
}

/// The last publish and how far it got, for the composer's status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryReport {
    /// The request id.
    pub request: u64,
    /// Topic it went to.
    pub topic: String,
    /// QoS it was sent with.
    pub qos: Qos,
    /// Latest outcome (None while still queued).
    pub outcome: Option<DeliveryOutcome>,
    /// PUBLISH written → latest acknowledgement, measured in the engine.
    pub round_trip: Option<std::time::Duration>,
}

/// A warning or error to show the user beside where it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// When it happened.
    pub at: DateTime<Utc>,
    /// How bad it is.
    pub level: NoticeLevel,
    /// What happened.
    pub text: String,
}

/// How bad a notice is (toasts and the notifications list colour by it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeLevel {
    /// Something to know about; work goes on.
    Warning,
    /// Something failed.
    Error,
}

/// Identifies one connection tab; stable for the tab's life, across
/// reconnects (each connect gets a new engine [`ConnectionId`]).
pub type SessionId = u32;

/// One connection tab: its profile, state, subscriptions and composer.
#[derive(Debug, Clone)]
pub struct Session {
    /// Stable id; messages in the shared log are tagged with it.
    pub id: SessionId,
    /// The connection settings being edited / used.
    pub profile: ConnectionProfile,
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
}

impl Session {
    fn new(id: SessionId, profile: ConnectionProfile) -> Self {
        Self {
            id,
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
        for subscription in self.subscriptions.iter().filter(|s| s.status != SubscriptionStatus::Removing) {
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

/// The whole application model: the active connection tab, the others in
/// the background, and what they share (profiles, log, broker, notices).
#[derive(Debug)]
pub struct Workspace {
    /// The active connection tab.
    pub session: Session,
    /// The other tabs.
    pub background: Vec<Session>,
    /// Tab order, by session id.
    pub tab_order: Vec<SessionId>,
    /// Known profiles to pick from.
    pub profiles: Vec<ConnectionProfile>,
    /// Name of the profile that tracks the embedded broker.
    pub embedded_profile_name: String,
    /// The message log shared by all tabs (messages carry their session id).
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
    pub repeats: std::collections::BTreeMap<u64, RepeatJob>,
    /// Connect to the embedded broker as soon as it is running.
    pub auto_connect_embedded: bool,
    /// Profile files that could not be loaded, as `file:line:col: problem`.
    pub profile_problems: Vec<String>,
    next_connection: ConnectionId,
    next_subscription: SubscriptionId,
    next_request: u64,
    next_session: SessionId,
    connection_sessions: HashMap<ConnectionId, SessionId>,
    clock_origin: Instant,
}

/// Most notices kept.
const MAX_NOTICES: usize = 200;

impl Workspace {
    /// A workspace with the given profiles; the first is selected.
    pub fn new(profiles: Vec<ConnectionProfile>, limits: StoreLimits) -> Self {
        let profile = profiles.first().cloned().unwrap_or_default();
        let saved = profile.subscriptions.clone();
        let mut workspace = Self {
            embedded_profile_name: profile.name.clone(),
            session: Session::new(1, profile),
            background: Vec::new(),
            tab_order: vec![1],
            profiles,
            store: MessageStore::new(limits),
            rate_in: RateMeter::default(),
            rate_out: RateMeter::default(),
            broker: BrokerState::Stopped,
            notices: Vec::new(),
            notices_recorded: 0,
            repeats: std::collections::BTreeMap::new(),
            auto_connect_embedded: false,
            profile_problems: Vec::new(),
            next_connection: 1,
            next_subscription: 1,
            next_request: 1,
            next_session: 2,
            connection_sessions: HashMap::new(),
            clock_origin: Instant::now(),
        };
        workspace.load_saved_subscriptions(&saved);
        workspace
    }

    /// Milliseconds since the workspace was created (for rate meters).
    pub fn now_ms(&self) -> u64 {
        self.clock_origin.elapsed().as_millis() as u64
    }

    /// The command that starts the embedded broker, remembering to connect
    /// to it once it runs.
    pub fn start_embedded_broker(&mut self, config: BrokerConfig, connect_when_ready: bool) -> Command {
        self.auto_connect_embedded = connect_when_ready;
        self.broker = BrokerState::Starting;
        Command::StartBroker(config)
    }

    /// True while the active tab's connection exists in any state but Disconnected/Failed.
    pub fn is_active(&self) -> bool {
        self.session.is_active()
    }

    /// Opens a new tab with a copy of a profile and makes it active.
    pub fn open_session(&mut self, profile: ConnectionProfile) -> SessionId {
        let id = self.next_session;
        self.next_session += 1;
        let saved = profile.subscriptions.clone();
        let previous = std::mem::replace(&mut self.session, Session::new(id, profile));
        self.background.push(previous);
        self.tab_order.push(id);
        self.load_saved_subscriptions(&saved);
        id
    }

    /// Reopens the tabs of a previous run (profile names in tab order),
    /// behind the active tab: the active tab's own profile is not opened a
    /// second time, names no longer among the profiles are skipped. Nothing
    /// connects. Returns how many tabs were opened.
    pub fn restore_tabs(&mut self, names: &[String]) -> usize {
        let start = self.session.id;
        let mut skipped_own = false;
        let mut opened = 0;
        for name in names {
            if !skipped_own && *name == self.session_profile_name(start) {
                skipped_own = true;
                continue;
            }
            let Some(profile) = self.profiles.iter().find(|profile| profile.name == *name).cloned() else {
                continue;
            };
            self.open_session(profile);
            opened += 1;
        }
        self.activate(start);
        opened
    }

    /// The profile names of the open tabs, in tab order.
    pub fn open_profile_names(&self) -> Vec<String> {
        self.tabs().into_iter().map(|(session, _)| session.profile.name.clone()).collect()
    }

    fn session_profile_name(&self, id: SessionId) -> String {
        self.tabs()
            .into_iter()
            .find(|(session, _)| session.id == id)
            .map(|(s, _)| s.profile.name.clone())
            .unwrap_or_default()
    }

    /// Makes a tab active.
    pub fn activate(&mut self, id: SessionId) {
        if self.session.id == id {
            return;
        }
        if let Some(index) = self.background.iter().position(|session| session.id == id) {
            std::mem::swap(&mut self.session, &mut self.background[index]);
        }
    }

    /// Closes a tab (never the last one); returns the command that
    /// disconnects it cleanly, if it was connected.
    pub fn close_session(&mut self, id: SessionId) -> Option<Command> {
        if self.tab_order.len() <= 1 {
            return None;
        }
        let position = self.tab_order.iter().position(|tab| *tab == id)?;
        if self.session.id == id {
            let neighbour = if position > 0 { self.tab_order[position - 1] } else { self.tab_order[position + 1] };
            self.activate(neighbour);
        }
        let index = self.background.iter().position(|session| session.id == id)?;
        let closed = self.background.remove(index);
        self.tab_order.remove(position);
        closed.connection.map(|connection| Command::Disconnect { connection })
    }

    /// The tabs in order, with a flag for the active one.
    pub fn tabs(&self) -> Vec<(&Session, bool)> {
        self.tab_order
            .iter()
            .filter_map(|id| {
                if self.session.id == *id {
                    Some((&self.session, true))
                } else {
                    self.background.iter().find(|session| session.id == *id).map(|session| (session, false))
                }
            })
            .collect()
    }

    /// A tab's title: its profile name, numbered when several tabs share it.
    pub fn tab_title(&self, id: SessionId) -> String {
        let tabs = self.tabs();
        let Some((session, _)) = tabs.iter().find(|(session, _)| session.id == id) else {
            return "closed tab".into();
        };
        let name = session.title();
        let same: Vec<SessionId> = tabs.iter().filter(|(s, _)| s.title() == name).map(|(s, _)| s.id).collect();
        match same.iter().position(|other| *other == id) {
            Some(index) if index > 0 => format!("{name} ({})", index + 1),
            _ => name,
        }
    }

    /// A tab by id.
    pub fn session_by_id(&self, id: SessionId) -> Option<&Session> {
        if self.session.id == id { Some(&self.session) } else { self.background.iter().find(|s| s.id == id) }
    }

    /// Selects a profile by name into the active tab's editor.
    /// While disconnected, the profile's saved subscriptions replace the
    /// current list; while connected, the list is left alone.
    pub fn select_profile(&mut self, name: &str) {
        if let Some(profile) = self.profiles.iter().find(|profile| profile.name == name).cloned() {
            if !self.is_active() {
                self.load_saved_subscriptions(&profile.subscriptions);
            }
            self.session.profile = profile;
        }
    }

    fn load_saved_subscriptions(&mut self, saved: &[SavedSubscription]) {
        self.session.subscriptions.clear();
        for subscription in saved {
            let id = self.next_subscription;
            self.next_subscription += 1;
            let colour = subscription.colour.map_or_else(|| self.free_colour(id), |c| c % SUBSCRIPTION_PALETTE_SIZE);
            self.session.subscriptions.push(Subscription {
                id,
                filter: subscription.filter.clone(),
                qos: subscription.qos,
                colour,
                options: subscription.options(),
                status: SubscriptionStatus::Pending,
            });
        }
        self.retag_log();
    }

    fn free_colour(&self, id: SubscriptionId) -> usize {
        let used: Vec<usize> = self.session.subscriptions.iter().map(|s| s.colour).collect();
        (0..SUBSCRIPTION_PALETTE_SIZE)
            .find(|colour| !used.contains(colour))
            .unwrap_or(id as usize % SUBSCRIPTION_PALETTE_SIZE)
    }

    /// Adds imported profiles (renamed on name clashes), turning the report's
    /// skipped fields and errors into notices. Returns the added profiles so
    /// the caller can save them.
    pub fn add_imported(&mut self, report: ImportReport, origin: &str) -> Vec<ConnectionProfile> {
        let ImportReport { mut profiles, skipped, errors } = report;
        let existing: Vec<String> = self.profiles.iter().map(|profile| profile.name.clone()).collect();
        resolve_name_clashes(&existing, &mut profiles);
        for line in skipped {
            self.notice(format!("import {origin}: skipped {line}"));
        }
        for line in errors {
            self.notice(format!("import {origin}: not imported: {line}"));
        }
        self.profiles.extend(profiles.iter().cloned());
        profiles
    }

    /// Writes the active tab's subscriptions into its profile (before saving it).
    pub fn capture_subscriptions(&mut self) {
        self.session.profile.subscriptions = self
            .session
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
            })
            .collect();
    }

    /// Connects the active tab with its profile (replacing its current connection).
    pub fn connect(&mut self) -> Result<Vec<Command>, ProfileError> {
        self.session.profile.validate()?;
        let mut commands = Vec::new();
        if let Some(old) = self.session.connection.take() {
            commands.push(Command::Disconnect { connection: old });
        }
        let id = self.next_connection;
        self.next_connection += 1;
        self.connection_sessions.insert(id, self.session.id);
        self.session.connection = Some(id);
        self.session.state = ConnectionState::Connecting { attempt: 1 };
        for subscription in &mut self.session.subscriptions {
            subscription.status = SubscriptionStatus::Pending;
        }
        commands.push(Command::Connect {
            connection: id,
            profile: Box::new(self.session.profile.clone()),
            subscriptions: self.subscription_specs(),
        });
        Ok(commands)
    }

    /// Disconnects the active tab, if connected.
    pub fn disconnect(&mut self) -> Option<Command> {
        let connection = self.session.connection?;
        Some(Command::Disconnect { connection })
    }

    fn subscription_specs(&self) -> Vec<SubscriptionSpec> {
        self.session
            .subscriptions
            .iter()
            .filter(|s| s.status != SubscriptionStatus::Removing)
            .map(|s| SubscriptionSpec { id: s.id, filter: s.filter.clone(), qos: s.qos, options: s.options })
            .collect()
    }

    /// Adds a subscription to the active tab; returns the command to send if connected.
    pub fn subscribe(&mut self, filter: &str, qos: Qos) -> Result<Option<Command>, SubscribeError> {
        let filter = filter.trim();
        validate_topic_filter(filter)?;
        if self.session.subscriptions.iter().any(|s| s.filter == filter) {
            return Err(SubscribeError::Duplicate(filter.to_owned()));
        }
        let id = self.next_subscription;
        self.next_subscription += 1;
        let colour = self.free_colour(id);
        self.session.subscriptions.push(Subscription {
            id,
            filter: filter.to_owned(),
            qos,
            colour,
            options: SubscribeOptions::default(),
            status: SubscriptionStatus::Pending,
        });
        Ok(self.live_connection().map(|connection| Command::Subscribe {
            connection,
            subscription: SubscriptionSpec { id, filter: filter.to_owned(), qos, options: SubscribeOptions::default() },
        }))
    }

    /// Removes a subscription of the active tab; returns the command to send if connected.
    pub fn unsubscribe(&mut self, id: SubscriptionId) -> Option<Command> {
        let index = self.session.subscriptions.iter().position(|s| s.id == id)?;
        match self.live_connection() {
            Some(connection) => {
                self.session.subscriptions[index].status = SubscriptionStatus::Removing;
                Some(Command::Unsubscribe { connection, subscription: id })
            }
            None => {
                self.session.subscriptions.remove(index);
                self.retag_log();
                None
            }
        }
    }

    fn live_connection(&self) -> Option<ConnectionId> {
        self.session.connection.filter(|_| self.is_active())
    }

    /// Validates the active tab's composer and returns the commands to
    /// send: the publish, after a subscription to the response topic when
    /// it is a request nothing subscribed to yet.
    pub fn publish(&mut self) -> Result<Vec<Command>, PublishError> {
        let connection = self.connected_connection()?;
        // Exactly what the preview shows (rendered now if it was not shown).
        let resolved = match self.session.refresh_preview(Utc::now()) {
            Some(preview) => preview.result.clone()?,
            None => self.resolve(&self.session.draft)?,
        };
        let draft = self.session.draft.clone();
        Ok(self.publish_resolved(connection, draft, resolved))
    }

    /// Publishes a saved message as the composer would (placeholders
    /// filled, counted and kept in the history) without touching the
    /// composer.
    pub fn publish_draft(&mut self, draft: &PublishDraft) -> Result<Vec<Command>, PublishError> {
        let connection = self.connected_connection()?;
        let resolved = self.resolve(draft)?;
        Ok(self.publish_resolved(connection, draft.clone(), resolved))
    }

    /// The active tab's connection, if it is connected.
    fn connected_connection(&self) -> Result<ConnectionId, PublishError> {
        match (&self.session.state, self.session.connection) {
            (ConnectionState::Connected { .. }, Some(connection)) => Ok(connection),
            _ => Err(PublishError::NotConnected),
        }
    }

    /// A draft rendered for the next message of the active tab.
    fn resolve(&self, draft: &PublishDraft) -> Result<compose::ResolvedMessage, ComposeError> {
        let text = draft.text();
        let variables = self.session.profile.variables_map();
        compose::resolve(&text, &variables, self.session.published + 1, Utc::now(), &mut rand::rng())
    }

    fn publish_resolved(
        &mut self,
        connection: ConnectionId,
        draft: PublishDraft,
        resolved: compose::ResolvedMessage,
    ) -> Vec<Command> {
        let (qos, retain) = (draft.qos, draft.retain);
        let mut commands = Vec::with_capacity(2);
        let request_parts =
            resolved.properties.as_ref().filter(|_| draft.properties.await_response).and_then(|properties| {
                Some((properties.response_topic.clone()?, properties.correlation_data.clone()?))
            });
        let id = self.next_request;
        self.next_request += 1;
        self.session.published += 1;
        self.session.preview = None;
        let topic = resolved.topic;
        self.session.history.record(draft, topic.clone(), Utc::now());
        self.session.last_delivery =
            Some(DeliveryReport { request: id, topic: topic.clone(), qos, outcome: None, round_trip: None });
        if let Some((response_topic, correlation)) = request_parts {
            if self.session.subscription_for(&response_topic).is_none()
                && let Ok(Some(subscribe)) = self.subscribe(&response_topic, Qos::AtLeastOnce)
            {
                commands.push(subscribe);
            }
            self.session.requests.track(id, response_topic, correlation);
        }
        commands.push(Command::Publish {
            connection,
            request: PublishRequest {
                id,
                topic,
                payload: Bytes::from(resolved.payload),
                qos,
                retain,
                properties: resolved.properties.map(Box::new),
            },
        });
        commands
    }

    /// Charts a numeric value of the active tab: the topic's payload, or
    /// the value at a JSON pointer in it. The series starts with what the
    /// log still holds for that topic, so it is not empty until the next
    /// message.
    pub fn add_chart(&mut self, key: SeriesKey) -> Result<(), ChartError> {
        let index = self.session.charts.add(key.clone())?;
        let session_id = self.session.id;
        for index_in_store in 0..self.store.len() {
            let Some(message) = self.store.at(index_in_store) else { break };
            if message.session == session_id && message.direction == Direction::Incoming && *message.topic == *key.topic
            {
                self.session.charts.observe_into(index, message.time, message.payload);
            }
        }
        Ok(())
    }

    /// Publishes empty retained messages (QoS 1) to clear these topics'
    /// retained messages on the active tab's broker.
    pub fn clear_retained(&mut self, topics: &[String]) -> Result<Vec<Command>, PublishError> {
        let connection = self.connected_connection()?;
        let mut commands = Vec::with_capacity(topics.len());
        for topic in topics {
            validate_topic_name(topic)?;
            let id = self.next_request;
            self.next_request += 1;
            commands.push(Command::Publish {
                connection,
                request: PublishRequest {
                    id,
                    topic: topic.clone(),
                    payload: Bytes::new(),
                    qos: Qos::AtLeastOnce,
                    retain: true,
                    properties: None,
                },
            });
            self.session.tree.mark_cleared(topic);
        }
        Ok(commands)
    }

    /// Starts publishing the composer's message every `interval_ms` ms,
    /// `count` times (`None`: until stopped). Message 1 is rendered first
    /// so a mistake is reported here, not by the job.
    pub fn start_repeat(&mut self, interval_ms: u64, count: Option<u64>) -> Result<Command, PublishError> {
        let draft = self.session.draft.clone();
        let label = draft.topic.clone();
        self.start_repeat_of(label, vec![draft], interval_ms, count)
    }

    /// Sends a saved collection (every message, in order) every
    /// `interval_ms`, `count` rounds or until stopped.
    pub fn start_collection_repeat(
        &mut self,
        collection: &crate::saved_messages::Collection,
        interval_ms: u64,
        count: Option<u64>,
    ) -> Result<Command, PublishError> {
        let drafts: Vec<PublishDraft> = collection.messages.iter().map(|message| message.to_draft()).collect();
        let label = format!("{} ({})", collection.name, drafts.len());
        self.start_repeat_of(label, drafts, interval_ms, count)
    }

    fn start_repeat_of(
        &mut self,
        label: String,
        drafts: Vec<PublishDraft>,
        interval_ms: u64,
        count: Option<u64>,
    ) -> Result<Command, PublishError> {
        let connection = self.connected_connection()?;
        let variables = self.session.profile.variables_map();
        // Checked once here so a typo is an inline error, not a job that fails at once.
        for draft in &drafts {
            compose::resolve(&draft.text(), &variables, 1, Utc::now(), &mut rand::rng())?;
        }
        let job = self.next_request;
        self.next_request += 1;
        let per_round = drafts.len() as u64;
        self.repeats.insert(
            job,
            RepeatJob {
                session: self.session.id,
                topic: label,
                count: count.map(|rounds| rounds * per_round),
                interval_ms: interval_ms.max(1),
                sent: 0,
                rate: 0.0,
                failed: 0,
                ended: None,
            },
        );
        let interval = std::time::Duration::from_millis(interval_ms.max(1));
        Ok(Command::StartRepeat { connection, spec: Box::new(RepeatSpec { job, drafts, variables, interval, count }) })
    }

    /// Stops a repeat job (it reports its end).
    pub fn stop_repeat(&mut self, job: u64) -> Command {
        Command::StopRepeat { job }
    }

    fn apply_repeat(&mut self, report: RepeatReport) {
        if let Some(job) = self.repeats.get_mut(&report.job) {
            job.sent = report.sent;
            job.rate = report.rate;
            if let Some(RepeatEnd::Failed(reason)) = &report.ended {
                let text = format!("repeat of {}: {reason}", job.topic);
                job.ended = report.ended.clone();
                self.error(text);
                return;
            }
            if report.ended.is_some() {
                tracing::info!("repeat of {} ended after {} messages: {:?}", job.topic, report.sent, report.ended);
            }
            job.ended = report.ended;
        }
    }

    /// Clears the retained message on the composer's topic (placeholders
    /// filled): an empty retained publish at QoS 1.
    pub fn clear_retained_on_draft_topic(&mut self) -> Result<Command, PublishError> {
        let variables = self.session.profile.variables_map();
        let no_properties = DraftProperties::default();
        let draft = DraftText {
            payload: "",
            format: PayloadFormat::Text,
            properties: &no_properties,
            ..self.session.draft_text()
        };
        let topic =
            compose::resolve(&draft, &variables, self.session.published + 1, Utc::now(), &mut rand::rng())?.topic;
        let mut commands = self.clear_retained(std::slice::from_ref(&topic))?;
        let command = commands.pop().ok_or(PublishError::NotConnected)?;
        if let Command::Publish { request, .. } = &command {
            self.session.last_delivery = Some(DeliveryReport {
                request: request.id,
                topic,
                qos: Qos::AtLeastOnce,
                outcome: None,
                round_trip: None,
            });
        }
        Ok(command)
    }

    /// The most specific subscription of the active tab matching a topic.
    pub fn subscription_for(&self, topic: &str) -> Option<SubscriptionId> {
        self.session.subscription_for(topic)
    }

    /// A subscription by id, in any tab.
    pub fn subscription(&self, id: SubscriptionId) -> Option<&Subscription> {
        std::iter::once(&self.session)
            .chain(self.background.iter())
            .flat_map(|session| session.subscriptions.iter())
            .find(|s| s.id == id)
    }

    /// Re-colours the active tab's logged messages after its subscriptions changed.
    fn retag_log(&mut self) {
        retag_session(&mut self.store, &self.session);
    }

    /// Records a warning for the notices list.
    pub fn notice(&mut self, text: impl Into<String>) {
        self.record_notice(NoticeLevel::Warning, text.into());
    }

    /// Records a failure for the notices list.
    pub fn error(&mut self, text: impl Into<String>) {
        self.record_notice(NoticeLevel::Error, text.into());
    }

    fn record_notice(&mut self, level: NoticeLevel, text: String) {
        match level {
            NoticeLevel::Warning => tracing::warn!("{text}"),
            NoticeLevel::Error => tracing::error!("{text}"),
        }
        self.notices.push(Notice { at: Utc::now(), level, text });
        self.notices_recorded += 1;
        if self.notices.len() > MAX_NOTICES {
            self.notices.remove(0);
        }
    }

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
        let mut commands = Vec::new();
        match &state {
            BrokerState::Running { addr, fell_back_from, .. } => {
                if let Some(port) = fell_back_from {
                    self.notice(format!(
                        "port {port} is taken; the embedded broker listens on {} instead",
                        addr.port()
                    ));
                }
                // A restart on another port (e.g. a free one) would leave the
                // active tab reconnecting to the old address: follow the broker.
                let profile = &self.session.profile;
                let moved = profile.name == self.embedded_profile_name
                    && self.session.is_active()
                    && (profile.host.as_str(), profile.port) != (addr.ip().to_string().as_str(), addr.port());
                self.point_embedded_profile_at(*addr);
                if moved && !self.auto_connect_embedded {
                    match self.connect() {
                        Ok(connect) => commands.extend(connect),
                        Err(error) => self.notice(format!("cannot reconnect to the embedded broker: {error}")),
                    }
                }
                if std::mem::take(&mut self.auto_connect_embedded) {
                    self.select_profile(&self.embedded_profile_name.clone());
                    match self.connect() {
                        Ok(connect) => commands.extend(connect),
                        Err(error) => self.notice(format!("cannot connect to the embedded broker: {error}")),
                    }
                }
            }
            BrokerState::Failed(reason) => self.error(format!("embedded broker: {reason}")),
            BrokerState::Stopped | BrokerState::Starting => {}
        }
        self.broker = state;
        commands
    }

    fn point_embedded_profile_at(&mut self, addr: SocketAddr) {
        let name = self.embedded_profile_name.clone();
        let tabs = std::iter::once(&mut self.session).chain(self.background.iter_mut()).map(|s| &mut s.profile);
        for profile in self.profiles.iter_mut().chain(tabs) {
            if profile.name == name {
                profile.host = addr.ip().to_string();
                profile.port = addr.port();
            }
        }
    }

    fn apply_connection(&mut self, connection: ConnectionId, at: DateTime<Utc>, event: ConnectionEvent) {
        let now_ms = self.now_ms();
        let mut notices = Vec::new();
        let Some(session) =
            find_session(&mut self.session, &mut self.background, &self.connection_sessions, connection)
        else {
            return;
        };
        let current = session.connection == Some(connection);
        let session_id = session.id;
        let title = session.title();
        match event {
            ConnectionEvent::Messages(batch) => {
                let count = batch.len() as u64;
                ingest(&mut self.store, session, batch, now_ms);
                self.rate_in.record(now_ms, count);
            }
            ConnectionEvent::State(state) => {
                if !current {
                    return;
                }
                match &state {
                    ConnectionState::Failed(failure) => {
                        notices.push((NoticeLevel::Error, format!("{title}: connection failed: {failure}")));
                    }
                    ConnectionState::Reconnecting { error, .. } => {
                        for subscription in &mut session.subscriptions {
                            if subscription.status != SubscriptionStatus::Removing {
                                subscription.status = SubscriptionStatus::Pending;
                            }
                        }
                        notices.push((NoticeLevel::Warning, format!("{title}: connection lost: {error}")));
                    }
                    ConnectionState::Disconnected => {
                        session.subscriptions.retain(|s| s.status != SubscriptionStatus::Removing);
                        for subscription in &mut session.subscriptions {
                            subscription.status = SubscriptionStatus::Pending;
                        }
                    }
                    _ => {}
                }
                tracing::info!("{title}: {}", state.summary(Instant::now()));
                session.state = state;
            }
            ConnectionEvent::Subscribed { subscription, outcome } => {
                if let Some(entry) = session.subscriptions.iter_mut().find(|s| s.id == subscription)
                    && entry.status != SubscriptionStatus::Removing
                {
                    entry.status = match outcome {
                        SubscribeOutcome::Granted(qos) => SubscriptionStatus::Granted(qos),
                        SubscribeOutcome::Refused(reason) => SubscriptionStatus::Refused(reason),
                    };
                }
            }
            ConnectionEvent::SubscriptionResumed { subscription } => {
                if let Some(entry) = session.subscriptions.iter_mut().find(|s| s.id == subscription) {
                    entry.status = SubscriptionStatus::Resumed;
                }
            }
            ConnectionEvent::SubscriptionFailed { subscription, reason } => {
                if let Some(entry) = session.subscriptions.iter_mut().find(|s| s.id == subscription) {
                    entry.status = SubscriptionStatus::Failed(reason);
                }
            }
            ConnectionEvent::Unsubscribed { subscription } => {
                session.subscriptions.retain(|s| s.id != subscription);
                retag_session(&mut self.store, session);
            }
            ConnectionEvent::PublishSent { request, message } => {
                if !session.requests.is_empty() {
                    session.requests.sent(request, at);
                }
                self.store.push(StoredMessage {
                    seq: 0,
                    session: session_id,
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
            }
            ConnectionEvent::Delivery { request, outcome, .. } if repeat::job_of(request).is_some() => {
                let failed = matches!(outcome, DeliveryOutcome::Failed(_) | DeliveryOutcome::Refused(_));
                if let Some(job) = repeat::job_of(request).and_then(|job| self.repeats.get_mut(&job))
                    && failed
                {
                    job.failed += 1;
                }
            }
            ConnectionEvent::Delivery { request, outcome, round_trip } => {
                if let Some(report) = session.last_delivery.as_mut().filter(|report| report.request == request) {
                    report.round_trip = round_trip;
                    report.outcome = Some(outcome.clone());
                }
                if let DeliveryOutcome::Failed(reason) | DeliveryOutcome::Refused(reason) = &outcome {
                    notices.push((NoticeLevel::Error, format!("{title}: publish #{request} failed: {reason}")));
                }
            }
        }
        for (level, text) in notices {
            self.record_notice(level, text);
        }
    }
}

/// Re-colours a tab's logged messages after its subscriptions changed.
fn retag_session(store: &mut MessageStore, session: &Session) {
    store.retag(|message| match message.direction {
        Direction::Incoming if message.session == session.id => session.subscription_for(message.topic),
        _ => message.subscription,
    });
}

/// The tab a connection belongs to.
fn find_session<'a>(
    active: &'a mut Session,
    background: &'a mut [Session],
    connection_sessions: &HashMap<ConnectionId, SessionId>,
    connection: ConnectionId,
) -> Option<&'a mut Session> {
    let id = *connection_sessions.get(&connection)?;
    if active.id == id { Some(active) } else { background.iter_mut().find(|session| session.id == id) }
}

/// Stores a batch of received messages, tagged with their tab and colour.
fn ingest(
    store: &mut MessageStore,
    session: &mut Session,
    batch: Vec<(DateTime<Utc>, crate::mqtt::IncomingMessage)>,
    now_ms: u64,
) {
    // Consecutive messages often share a topic: reuse its subscription match
    // (the topic is remembered in one reused buffer, not one copy per message).
    let mut last_topic = String::new();
    let mut last_match: Option<Option<SubscriptionId>> = None;
    for (time, message) in batch {
        let subscription = match last_match {
            Some(subscription) if last_topic == message.topic => subscription,
            _ => {
                let subscription = session.subscription_for(&message.topic);
                last_topic.clear();
                last_topic.push_str(&message.topic);
                last_match = Some(subscription);
                subscription
            }
        };
        let topic = message.topic.as_str();
        if !session.charts.is_empty() {
            session.charts.observe(topic, time, &message.payload);
        }
        session.broker_status.observe(topic, &message.payload, time);
        let seq = store.push(StoredMessage::received(session.id, time, &message, subscription));
        if !session.requests.is_empty() {
            session.requests.observe(topic, message.properties.as_deref(), time, seq, &message.payload);
        }
        session.tree.insert(topic, seq, message.payload.len(), message.retain, now_ms);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::ConnectionFailure;
    use crate::mqtt::IncomingMessage;

    fn event(kind: EventKind) -> Event {
        Event { at: Utc::now(), kind }
    }

    fn connected(workspace: &mut Workspace) -> ConnectionId {
        let commands = workspace.connect().expect("valid profile");
        assert!(matches!(commands.last(), Some(Command::Connect { .. })));
        let id = workspace.session.connection.expect("id");
        workspace.apply(event(EventKind::Connection {
            connection: id,
            event: ConnectionEvent::State(ConnectionState::Connected { session_present: false, client_id: "c".into() }),
        }));
        id
    }

    #[test]
    fn broker_running_points_the_embedded_profile_and_connects() {
        let mut workspace = Workspace::new(crate::profile::shipped_profiles(), StoreLimits::default());
        let _ = workspace.start_embedded_broker(BrokerConfig::default(), true);
        let addr: SocketAddr = "127.0.0.1:41883".parse().expect("addr");
        let commands = workspace.apply(event(EventKind::Broker(BrokerState::Running {
            addr,
            fell_back_from: Some(1883),
            listeners: Vec::new(),
            monitor: Default::default(),
        })));
        match commands.as_slice() {
            [Command::Connect { profile, .. }] => assert_eq!(profile.port, 41883),
            other => panic!("expected one connect, got {other:?}"),
        }
        assert_eq!(workspace.notices.len(), 1);
        assert!(workspace.notices[0].text.contains("41883"));
    }

    #[test]
    fn subscriptions_validate_get_colours_and_suback_status() {
        let mut workspace = Workspace::new(vec![ConnectionProfile::default()], StoreLimits::default());
        assert!(matches!(workspace.subscribe("a/#/b", Qos::AtMostOnce), Err(SubscribeError::Filter(_))));
        assert!(matches!(workspace.subscribe("a/#", Qos::AtLeastOnce), Ok(None)));
        assert!(matches!(workspace.subscribe("a/#", Qos::AtMostOnce), Err(SubscribeError::Duplicate(_))));
        let id = connected(&mut workspace);
        let command = workspace.subscribe("b/+", Qos::ExactlyOnce).expect("valid");
        assert!(matches!(command, Some(Command::Subscribe { .. })));
        assert_ne!(workspace.session.subscriptions[0].colour, workspace.session.subscriptions[1].colour);
        let second = workspace.session.subscriptions[1].id;
        workspace.apply(event(EventKind::Connection {
            connection: id,
            event: ConnectionEvent::Subscribed {
                subscription: second,
                outcome: SubscribeOutcome::Granted(Qos::AtLeastOnce),
            },
        }));
        assert_eq!(workspace.session.subscriptions[1].status, SubscriptionStatus::Granted(Qos::AtLeastOnce));
        assert!(matches!(workspace.unsubscribe(second), Some(Command::Unsubscribe { .. })));
        workspace.apply(event(EventKind::Connection {
            connection: id,
            event: ConnectionEvent::Unsubscribed { subscription: second },
        }));
        assert_eq!(workspace.session.subscriptions.len(), 1);
    }

    #[test]
    fn publish_validates_topic_payload_and_connection() {
        let mut workspace = Workspace::new(vec![ConnectionProfile::default()], StoreLimits::default());
        assert!(matches!(workspace.publish(), Err(PublishError::NotConnected)));
        let _ = connected(&mut workspace);
        workspace.session.draft.topic = "a/+".into();
        assert!(matches!(workspace.publish(), Err(PublishError::Topic(TopicError::WildcardInName('+')))));
        workspace.session.draft.topic = "a/b".into();
        workspace.session.draft.payload = "{oops".into();
        assert!(matches!(workspace.publish(), Err(PublishError::Payload(PayloadError::Json { .. }))));
        workspace.session.draft.format = PayloadFormat::Text;
        let mut commands = workspace.publish().expect("valid");
        let Some(Command::Publish { request, .. }) = commands.pop() else { panic!("not a publish") };
        assert!(commands.is_empty(), "a plain publish is one command");
        assert_eq!(&request.payload[..], b"{oops");
    }

    /// A received QoS 0 message as the engine reports it.
    fn incoming(topic: &str, payload: &'static [u8]) -> (DateTime<Utc>, IncomingMessage) {
        let message = IncomingMessage {
            topic: topic.into(),
            payload: Bytes::from_static(payload),
            qos: Qos::AtMostOnce,
            retain: false,
            duplicate: false,
            packet_id: 0,
            properties: None,
        };
        (Utc::now(), message)
    }

    #[test]
    fn charts_start_from_the_log_and_follow_new_messages_and_sys_topics_feed_the_status() {
        let mut workspace = Workspace::new(vec![ConnectionProfile::default()], StoreLimits::default());
        let id = connected(&mut workspace);
        workspace.apply(event(EventKind::Connection {
            connection: id,
            event: ConnectionEvent::Messages(vec![
                incoming("plant/temp", br#"{"v": 20.5}"#),
                incoming("plant/other", br#"{"v": 99}"#),
                incoming("$SYS/broker/version", b"mosquitto version 2.0.11"),
            ]),
        }));
        let key = SeriesKey { topic: "plant/temp".into(), pointer: Some("/v".into()) };
        workspace.add_chart(key.clone()).expect("charted");
        assert!(workspace.add_chart(key).is_err(), "twice is refused");
        workspace.apply(event(EventKind::Connection {
            connection: id,
            event: ConnectionEvent::Messages(vec![incoming("plant/temp", br#"{"v": 21}"#)]),
        }));
        let values: Vec<f64> = workspace.session.charts.series()[0].points.iter().map(|point| point[1]).collect();
        assert_eq!(values, vec![20.5, 21.0]);
        assert_eq!(workspace.session.broker_status.summary().version.as_deref(), Some("mosquitto version 2.0.11"));
    }

    #[test]
    fn messages_are_tagged_with_the_matching_subscription() {
        let mut workspace = Workspace::new(vec![ConnectionProfile::default()], StoreLimits::default());
        let id = connected(&mut workspace);
        let _ = workspace.subscribe("#", Qos::AtMostOnce);
        let _ = workspace.subscribe("sensors/+/temp", Qos::AtMostOnce);
        workspace.apply(event(EventKind::Connection {
            connection: id,
            event: ConnectionEvent::Messages(vec![incoming("sensors/a/temp", b"1"), incoming("other", b"1")]),
        }));
        assert_eq!(workspace.store.len(), 2);
        // The specific filter wins over '#'; other topics fall back to '#'.
        assert_eq!(workspace.store.at(0).and_then(|m| m.subscription), Some(workspace.session.subscriptions[1].id));
        assert_eq!(workspace.store.at(1).and_then(|m| m.subscription), Some(workspace.session.subscriptions[0].id));
        let hash = workspace.session.subscriptions[0].id;
        let _ = workspace.unsubscribe(hash);
        workspace.apply(event(EventKind::Connection {
            connection: id,
            event: ConnectionEvent::Unsubscribed { subscription: hash },
        }));
        assert_eq!(workspace.store.at(1).and_then(|m| m.subscription), None);
        assert_eq!(workspace.store.counters().received, 2);
    }

    #[test]
    fn profiles_bring_their_subscriptions_and_saving_captures_them() {
        let saved = ConnectionProfile {
            name: "with subs".into(),
            subscriptions: vec![
                SavedSubscription {
                    filter: "a/#".into(),
                    qos: Qos::AtLeastOnce,
                    colour: Some(4),
                    ..SavedSubscription::default()
                },
                SavedSubscription { filter: "b/+".into(), no_local: true, ..SavedSubscription::default() },
            ],
            ..ConnectionProfile::default()
        };
        let plain = ConnectionProfile { name: "plain".into(), ..ConnectionProfile::default() };
        let mut workspace = Workspace::new(vec![plain, saved], StoreLimits::default());
        assert!(workspace.session.subscriptions.is_empty());
        workspace.select_profile("with subs");
        let filters: Vec<&str> = workspace.session.subscriptions.iter().map(|s| s.filter.as_str()).collect();
        assert_eq!(filters, vec!["a/#", "b/+"]);
        assert_eq!(workspace.session.subscriptions[0].colour, 4);
        assert!(workspace.session.subscriptions[1].options.no_local);
        assert!(matches!(workspace.subscribe("c", Qos::ExactlyOnce), Ok(None)));
        workspace.capture_subscriptions();
        assert_eq!(workspace.session.profile.subscriptions.len(), 3);
        assert_eq!(workspace.session.profile.subscriptions[2].qos, Qos::ExactlyOnce);
        // While connected, picking another profile keeps the live subscriptions.
        let _ = connected(&mut workspace);
        workspace.select_profile("plain");
        assert_eq!(workspace.session.subscriptions.len(), 3);
    }

    #[test]
    fn tabs_keep_their_own_state_subscriptions_and_messages() {
        let mut workspace = Workspace::new(vec![ConnectionProfile::default()], StoreLimits::default());
        let first = workspace.session.id;
        let first_connection = connected(&mut workspace);
        let _ = workspace.subscribe("a/#", Qos::AtMostOnce);
        let second =
            workspace.open_session(ConnectionProfile { name: "second".into(), ..ConnectionProfile::default() });
        assert_eq!(workspace.session.id, second);
        assert!(workspace.session.subscriptions.is_empty());
        assert!(!workspace.is_active(), "the new tab starts disconnected");
        let second_connection = connected(&mut workspace);
        let _ = workspace.subscribe("b/#", Qos::AtMostOnce);
        // Events for the background tab land there, not in the active one.
        workspace.apply(event(EventKind::Connection {
            connection: first_connection,
            event: ConnectionEvent::Messages(vec![incoming("a/1", b"1")]),
        }));
        workspace.apply(event(EventKind::Connection {
            connection: second_connection,
            event: ConnectionEvent::Messages(vec![incoming("b/1", b"1")]),
        }));
        workspace.apply(event(EventKind::Connection {
            connection: first_connection,
            event: ConnectionEvent::State(ConnectionState::Failed(ConnectionFailure::NotAuthorized)),
        }));
        assert!(matches!(workspace.session.state, ConnectionState::Connected { .. }));
        assert_eq!(workspace.store.at(0).map(|m| m.session), Some(first));
        assert_eq!(workspace.store.at(1).map(|m| m.session), Some(second));
        assert!(workspace.store.at(0).and_then(|m| m.subscription).is_some(), "coloured by its own tab's subscription");
        workspace.activate(first);
        assert_eq!(workspace.session.id, first);
        assert!(matches!(workspace.session.state, ConnectionState::Failed(_)));
        assert_eq!(workspace.session.subscriptions[0].filter, "a/#");
        let titles: Vec<(String, bool)> = workspace.tabs().iter().map(|(s, active)| (s.title(), *active)).collect();
        assert_eq!(titles, vec![("New connection".to_owned(), true), ("second".to_owned(), false)]);
        let third = workspace.open_session(ConnectionProfile::default());
        assert_eq!(workspace.tab_title(first), "New connection");
        assert_eq!(workspace.tab_title(third), "New connection (2)");
        let _ = workspace.close_session(third);
        // Closing the connected background tab disconnects it.
        assert!(
            matches!(workspace.close_session(second), Some(Command::Disconnect { connection }) if connection == second_connection)
        );
        assert_eq!(workspace.tabs().len(), 1);
        assert!(workspace.close_session(first).is_none(), "the last tab stays");
    }

    #[test]
    fn tabs_of_a_previous_run_reopen_behind_the_active_one() {
        let named = |name: &str| ConnectionProfile { name: name.into(), ..ConnectionProfile::default() };
        let mut workspace =
            Workspace::new(vec![named("embedded"), named("plant"), named("lab")], StoreLimits::default());
        let start = workspace.session.id;
        let remembered = ["embedded", "lab", "deleted since", "plant", "embedded"].map(String::from);
        assert_eq!(workspace.restore_tabs(&remembered), 3);
        assert_eq!(workspace.session.id, start, "the start tab stays active");
        assert_eq!(workspace.open_profile_names(), ["embedded", "lab", "plant", "embedded"]);
        assert!(workspace.tabs().iter().all(|(session, _)| !session.is_active()), "nothing connects");
    }

    #[test]
    fn failures_become_notices_and_states() {
        let mut workspace = Workspace::new(vec![ConnectionProfile::default()], StoreLimits::default());
        let id = connected(&mut workspace);
        workspace.apply(event(EventKind::Connection {
            connection: id,
            event: ConnectionEvent::State(ConnectionState::Failed(ConnectionFailure::BadCredentials)),
        }));
        assert_eq!(workspace.session.state, ConnectionState::Failed(ConnectionFailure::BadCredentials));
        assert!(workspace.notices.iter().any(|notice| notice.text.contains("bad user name")));
        assert!(!workspace.is_active());
    }
}
