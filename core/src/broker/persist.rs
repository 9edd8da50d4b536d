//! The broker's snapshot: retained messages and persistent sessions
//! (subscriptions, queued and in-flight QoS 1/2 messages) in one file in the
//! data folder, written when the broker stops (from the broker itself) and
//! when the journal is folded into it (from the durable state, see
//! `durable`), and put back when it starts.
//!
//! Why not rmqtt's storage plugins: their sled databases are never closed
//! (a background thread and reference cycles keep them open), so a broker
//! stopped and started again in the same process — the app's Restart —
//! could not reopen its own data folder. A snapshot has no such lock, and
//! is written atomically so a crash while saving leaves the previous one.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rmqtt::context::ServerContext;
use rmqtt::inflight::OutInflightMessage;
use rmqtt::types::{ConnectInfo, From, Id, Publish, Retain, Subscriptions, TopicName};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::durable::model::{DurableSession, DurableState, Pending, message_key};
use crate::fs::{FileError, write_private};

/// The snapshot's file name inside the data folder.
pub const SNAPSHOT_FILE: &str = "topicscope-broker.snapshot";

/// Bumped when the snapshot layout changes; other versions are not read.
const FORMAT: u32 = 1;

/// Why the broker's retained messages and sessions could not be saved or
/// put back.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PersistError {
    /// The snapshot file could not be read or written.
    #[error(transparent)]
    File(#[from] FileError),
    /// The snapshot could not be encoded.
    #[error("cannot encode the snapshot: {0}")]
    Encode(String),
    /// The snapshot or the journal does not decode.
    #[error("the broker's saved state is damaged ({reason}): {}; it was left as it is", .path.display())]
    Damaged {
        /// What the decoder said.
        reason: String,
        /// The snapshot file.
        path: PathBuf,
    },
    /// The snapshot was written by another snapshot format.
    #[error("the broker snapshot has format {format}, this Topicscope reads {FORMAT}: {}", .path.display())]
    OtherFormat {
        /// The format found.
        format: u32,
        /// The snapshot file.
        path: PathBuf,
    },
    /// The broker refused to give or take back its state.
    #[error("{0}")]
    Broker(String),
}

/// The snapshot file's content.
#[derive(Serialize, Deserialize)]
pub(super) struct Snapshot {
    format: u32,
    saved_at_ms: i64,
    /// The last journal change it holds (absent in snapshots written before
    /// the journal existed: 0).
    #[serde(default)]
    pub(super) last_seq: u64,
    retained: Vec<(TopicName, Retain)>,
    sessions: Vec<StoredSession>,
}

#[derive(Serialize, Deserialize)]
struct StoredSession {
    id: Id,
    conn_info: ConnectInfo,
    created_at: i64,
    connected_at: i64,
    disconnected_at: i64,
    /// Session lifetime left when the snapshot was written.
    expires_in_ms: i64,
    subscriptions: Subscriptions,
    queued: VecDeque<(From, Publish)>,
    inflight: Vec<OutInflightMessage>,
}

/// What a save or a load carried.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Carried {
    /// Retained messages.
    pub retained: usize,
    /// Persistent sessions.
    pub sessions: usize,
    /// Messages queued for them (including in-flight ones).
    pub messages: usize,
}

/// The snapshot's path in a data folder.
pub fn snapshot_path(dir: &Path) -> PathBuf {
    dir.join(SNAPSHOT_FILE)
}

/// Writes retained messages and persistent sessions as the broker holds
/// them, as holding every journal change up to `last_seq`. Call while the
/// broker is stopping: queued messages are taken out of the sessions.
pub async fn save(scx: &ServerContext, dir: &Path, last_seq: u64) -> Result<Carried, PersistError> {
    let now = chrono::Utc::now().timestamp_millis();
    let retained = scx
        .extends
        .retain()
        .await
        .get(&"#".into())
        .await
        .map_err(|error| PersistError::Broker(format!("cannot read retained messages: {error}")))?;
    let mut sessions = Vec::new();
    let mut messages = 0;
    let shared = scx.extends.shared().await;
    for entry in shared.iter() {
        let Some(session) = entry.session() else { continue };
        let Ok(conn_info) = session.connect_info().await else { continue };
        let connected = session.connected().await.unwrap_or(false);
        let disconnect = session.disconnect().await.ok().flatten();
        let expiry = session.fitter.session_expiry_interval(disconnect.as_ref());
        // 3.1.1 clean sessions end with the connection; MQTT 5 sessions live for their expiry.
        let persistent = match conn_info.as_ref() {
            ConnectInfo::V3(..) => !conn_info.clean_start(),
            ConnectInfo::V5(..) => !expiry.is_zero(),
        };
        if !persistent {
            continue;
        }
        let disconnected_at = if connected { now } else { session.disconnected_at().await.unwrap_or(now) };
        let expires_in_ms = expiry.as_millis() as i64 - (now - disconnected_at);
        if expires_in_ms <= 0 {
            continue;
        }
        let subscriptions: Subscriptions = match session.subscriptions().await {
            Ok(subscriptions) => {
                subscriptions.read().await.iter().map(|(filter, options)| (filter.clone(), options.clone())).collect()
            }
            Err(_) => Vec::new(),
        };
        let mut queued = VecDeque::new();
        while let Some(item) = session.deliver_queue().pop() {
            queued.push_back(item);
        }
        let inflight = session.out_inflight().write().await.to_inflight_messages();
        messages += queued.len() + inflight.len();
        sessions.push(StoredSession {
            id: session.id.clone(),
            conn_info: conn_info.as_ref().clone(),
            created_at: session.created_at().await.unwrap_or(now),
            connected_at: session.connected_at().await.unwrap_or(now),
            disconnected_at,
            expires_in_ms,
            subscriptions,
            queued,
            inflight,
        });
    }
    drop(shared);
    let carried = Carried { retained: retained.len(), sessions: sessions.len(), messages };
    let snapshot = Snapshot { format: FORMAT, saved_at_ms: now, last_seq, retained, sessions };
    write_snapshot(dir, &snapshot)?;
    Ok(carried)
}

/// Writes a snapshot atomically (a crash leaves the previous one).
pub(super) fn write_snapshot(dir: &Path, snapshot: &Snapshot) -> Result<(), PersistError> {
    let mut bytes = Vec::new();
    ciborium::into_writer(snapshot, &mut bytes).map_err(|error| PersistError::Encode(error.to_string()))?;
    // Retained and queued messages are the users' data: owner only.
    write_private(&snapshot_path(dir), bytes)?;
    Ok(())
}

/// The snapshot of the durable state.
pub(super) fn snapshot_of(state: &DurableState) -> Snapshot {
    let now = chrono::Utc::now().timestamp_millis();
    let retained = state.retained.values().cloned().collect();
    let sessions = state.sessions.values().map(|session| stored_session(session, now)).collect();
    Snapshot { format: FORMAT, saved_at_ms: now, last_seq: state.seq, retained, sessions }
}

/// A durable session as the snapshot stores it (what it owes as queued
/// messages; the time it has left at `now`).
fn stored_session(session: &DurableSession, now: i64) -> StoredSession {
    StoredSession {
        id: session.id.clone(),
        conn_info: session.conn_info.clone(),
        created_at: session.created_at,
        connected_at: session.created_at,
        disconnected_at: session.disconnected_at.unwrap_or(now),
        expires_in_ms: session.expires_in_ms(now),
        subscriptions: session.subscriptions.clone(),
        queued: session.pending.iter().map(|pending| (pending.from.clone(), pending.publish.clone())).collect(),
        inflight: Vec::new(),
    }
}

/// The durable state a snapshot holds (sessions keep the time they had
/// left when it was written; in-flight messages become pending ones).
pub(super) fn state_from_snapshot(snapshot: &Snapshot) -> DurableState {
    let mut state = DurableState { seq: snapshot.last_seq, ..DurableState::default() };
    for (topic, retain) in &snapshot.retained {
        state.retained.insert(topic.to_string(), (topic.clone(), retain.clone()));
    }
    for stored in &snapshot.sessions {
        let inflight = stored.inflight.iter().map(|message| (message.from.clone(), message.publish.clone()));
        let pending = inflight
            .chain(stored.queued.iter().cloned())
            .map(|(from, mut publish)| {
                publish.dup = false;
                publish.packet_id = None;
                Pending { key: message_key(&from, &publish), from, publish }
            })
            .collect();
        let session = DurableSession {
            id: stored.id.clone(),
            conn_info: stored.conn_info.clone(),
            created_at: stored.created_at,
            disconnected_at: Some(snapshot.saved_at_ms),
            expiry_ms: stored.expires_in_ms,
            subscriptions: stored.subscriptions.clone(),
            pending,
        };
        state.sessions.insert(stored.id.client_id.to_string(), session);
    }
    state
}

/// Reads the data folder's snapshot (or the one the app wrote under its
/// former name); `None` when there is none.
pub(super) fn read_snapshot(dir: &Path) -> Result<Option<Snapshot>, PersistError> {
    let mut path = snapshot_path(dir);
    let legacy = crate::legacy_migration::legacy_snapshot_path(dir);
    if !path.exists() && legacy.is_file() {
        path = legacy;
    }
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(FileError::io("read the snapshot", &path, &error).into()),
    };
    let snapshot: Snapshot = ciborium::from_reader(bytes.as_slice())
        .map_err(|error| PersistError::Damaged { reason: error.to_string(), path: path.clone() })?;
    if snapshot.format != FORMAT {
        return Err(PersistError::OtherFormat { format: snapshot.format, path });
    }
    Ok(Some(snapshot))
}

/// Puts the durable state into a broker that has its listeners configured
/// and no clients yet. Expired sessions are left out.
pub(super) async fn restore_state(scx: &ServerContext, state: &DurableState) -> Result<Carried, PersistError> {
    let mut carried = Carried { retained: state.retained.len(), ..Carried::default() };
    for (topic, retain) in state.retained.values() {
        scx.extends.retain().await.set(topic, retain.clone(), None).await.map_err(|error| {
            PersistError::Broker(format!("cannot restore the retained message on {topic}: {error}"))
        })?;
    }
    let now = chrono::Utc::now().timestamp_millis();
    for session in state.sessions.values() {
        let remaining = session.expires_in_ms(now);
        if remaining <= 0 {
            continue;
        }
        let stored = stored_session(session, now);
        carried.messages += stored.queued.len();
        restore_session(scx, stored, Duration::from_millis(u64::try_from(remaining).unwrap_or(0))).await?;
        carried.sessions += 1;
    }
    Ok(carried)
}

/// Rebuilds one offline session the way rmqtt does for a client that went away.
async fn restore_session(scx: &ServerContext, stored: StoredSession, expires_in: Duration) -> Result<(), PersistError> {
    let id = stored.id;
    let client = id.client_id.clone();
    // The listener it used may be gone (e.g. WebSocket turned off): use TCP's settings.
    let listen_cfg = scx
        .listen_cfgs
        .get(&id.lid)
        .or_else(|| scx.listen_cfgs.get(&1))
        .map(|cfg| cfg.value().clone())
        .ok_or_else(|| PersistError::Broker("no listener to restore sessions on".to_owned()))?;
    let conn_info = std::sync::Arc::new(stored.conn_info);
    let fitter = scx.extends.fitter_mgr().await.create(conn_info.clone(), id.clone(), listen_cfg.clone());
    let max_mqueue_len = fitter.max_mqueue_len();
    let max_inflight = fitter.max_inflight();
    let subscriptions = rmqtt::types::SessionSubs::from(stored.subscriptions.iter().cloned().collect());
    let session = rmqtt::session::Session::new(
        id.clone(),
        scx.clone(),
        max_mqueue_len,
        listen_cfg,
        fitter,
        None,
        max_inflight,
        stored.created_at,
        conn_info,
        false,
        false,
        false,
        stored.connected_at,
        subscriptions,
        Some(rmqtt::types::DisconnectInfo::new(stored.disconnected_at)),
        None,
    )
    .await
    .map_err(|error| PersistError::Broker(format!("cannot restore the session of {client}: {error}")))?;
    for item in stored.queued {
        if session.deliver_queue().push(item).is_err() {
            tracing::warn!("{client}: restored queue is full; a message was dropped");
        }
    }
    for item in stored.inflight {
        session.out_inflight().write().await.push_back(item);
    }
    let tx = rmqtt::session::SessionState::offline_restart(session.clone(), expires_in)
        .await
        .map_err(|error| PersistError::Broker(format!("cannot restore the session of {client}: {error}")))?;
    let mut entry = scx.extends.shared().await.entry(id.clone());
    entry
        .set(session, tx)
        .await
        .map_err(|error| PersistError::Broker(format!("cannot restore the session of {client}: {error}")))?;
    // Route the subscriptions now, so messages published before the client
    // returns are queued for it.
    for (filter, options) in stored.subscriptions {
        scx.extends.router().await.add(&filter, id.clone(), options).await.map_err(|error| {
            PersistError::Broker(format!("cannot restore {client}'s subscription to {filter}: {error}"))
        })?;
    }
    Ok(())
}
