//! "Scan the broker" for retained messages: a second, short-lived
//! connection with the tab's settings (its own random client id, a clean
//! session, no will) subscribes to a subtree, and every message that comes
//! back with the retain flag is recorded in the tab's log and topic tree.
//! The tab's own session and subscriptions are not touched, so this finds
//! retained messages even when a resumed session means the broker will not
//! send them again on the tab's connection.

use std::time::{Duration, Instant};

use thiserror::Error;

use super::Workspace;
use crate::engine::{Command, ConnectionFailure, SubscriptionSpec};
use crate::ids::{ConnectionId, SubscriptionId};
use crate::mqtt::{Qos, SubscribeOptions};
use crate::topic::{TopicError, validate_topic_filter};

/// The scan ends once nothing retained arrived for this long after the SUBACK…
pub const SCAN_QUIET: Duration = Duration::from_millis(800);
/// …or after this long at most.
pub const SCAN_LIMIT: Duration = Duration::from_secs(15);

/// Where a scan stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanState {
    /// Connecting and subscribing.
    Running,
    /// Done: this many retained messages arrived.
    Finished(usize),
    /// The broker refused the scan's subscription (its reason code).
    Refused(String),
    /// The scan's connection failed.
    Failed(ConnectionFailure),
}

/// A tab's retained-message scan.
#[derive(Debug, Clone)]
pub struct RetainedScan {
    /// The filter scanned (`scope/#`, or `#`).
    pub filter: String,
    /// Where it stands.
    pub state: ScanState,
    /// Retained messages seen so far.
    pub found: usize,
    pub(super) connection: ConnectionId,
    pub(super) started: Instant,
    pub(super) subscribed: Option<Instant>,
    pub(super) last_retained: Option<Instant>,
}

/// Why a scan did not start.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ScanError {
    /// The tab is not connected (the scan uses its broker and settings).
    #[error("connect first: the scan uses this connection's broker and settings")]
    NotConnected,
    /// The scope does not make a valid filter.
    #[error("scope: {0}")]
    Scope(#[from] TopicError),
}

impl Workspace {
    /// Starts scanning the active tab's broker for retained messages at or
    /// below `scope` (all topics when empty).
    pub fn scan_retained(&mut self, scope: &str) -> Result<Vec<Command>, ScanError> {
        if !self.active_tab().is_active() {
            return Err(ScanError::NotConnected);
        }
        let scope = scope.trim().trim_end_matches('/');
        let filter = if scope.is_empty() { "#".to_owned() } else { format!("{scope}/#") };
        validate_topic_filter(&filter)?;
        let mut commands = Vec::new();
        if let Some(old) = self.active_tab_mut().retained_scan.take()
            && old.state == ScanState::Running
        {
            commands.push(Command::Disconnect { connection: old.connection });
        }
        let connection = self.next_connection.take_next();
        let tab_id = self.active_tab().id;
        self.connection_tabs.insert(connection, tab_id);
        let mut profile = self.active_tab().profile.clone();
        profile.client_id.clear();
        profile.random_client_id_suffix = false;
        profile.clean_start = true;
        profile.reconnect = false;
        profile.last_will = None;
        profile.mqtt5.session_expiry_secs = None;
        let subscription = SubscriptionSpec {
            id: SubscriptionId(u32::MAX),
            filter: filter.clone(),
            qos: Qos::AtMostOnce,
            options: SubscribeOptions::default(),
        };
        commands.push(Command::Connect { connection, profile: Box::new(profile), subscriptions: vec![subscription] });
        self.active_tab_mut().retained_scan = Some(RetainedScan {
            filter,
            state: ScanState::Running,
            found: 0,
            connection,
            started: Instant::now(),
            subscribed: None,
            last_retained: None,
        });
        Ok(commands)
    }

    /// Ends scans that have gone quiet (or on too long); returns the
    /// commands that close their connections. Called every frame.
    pub fn tick_scans(&mut self, now: Instant) -> Vec<Command> {
        let mut commands = Vec::new();
        for tab in &mut self.tabs {
            let Some(scan) = tab.retained_scan.as_mut().filter(|scan| scan.state == ScanState::Running) else {
                continue;
            };
            let quiet_since = scan.last_retained.max(scan.subscribed);
            let quiet = quiet_since.is_some_and(|since| now.saturating_duration_since(since) >= SCAN_QUIET);
            if quiet || now.saturating_duration_since(scan.started) >= SCAN_LIMIT {
                scan.state = ScanState::Finished(scan.found);
                commands.push(Command::Disconnect { connection: scan.connection });
            }
        }
        commands
    }
}
