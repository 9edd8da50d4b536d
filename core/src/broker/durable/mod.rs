//! Durability for the embedded broker with persistence on: what it
//! acknowledged survives `kill -9`. Each change to retained messages and
//! persistent sessions (a session coming or going, a subscription, a QoS
//! 1/2 message accepted for a session or acknowledged by it) is written to
//! an append-only journal before the broker answers the client — in group
//! commits, one write and one fdatasync for every change waiting — and the
//! journal is folded into the snapshot when it grows and when the broker
//! stops. mosquitto only saves at shutdown or on an autosave interval.
//!
//! Why a journal of our own rather than rmqtt's storage plugins (their sled
//! databases cannot be reopened by the same process — the app's Restart)
//! or an embedded database (redb, fjall: a B-tree or LSM for what is
//! written once and read only at start-up): the journal is the same
//! sequence the hooks produce, so its cost is one append per change.

mod journal;
pub(super) mod model;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use rmqtt::types::{From, Id, Publish, Retain};
use tokio::sync::{Mutex, MutexGuard, mpsc, oneshot};

pub use journal::{JOURNAL_FILE, journal_path};
use model::{Change, DurableState};

use super::monitor::{BrokerMonitor, LogLevel};
use super::persist::{self, PersistError};

/// The journal is folded into the snapshot past this size.
const COMPACT_AT_BYTES: u64 = 64 * 1024 * 1024;
/// At most this much is written in one group commit.
const BATCH_BYTES: usize = 8 * 1024 * 1024;
/// Changes waiting for the writer; past them clients wait for the disk.
const QUEUE: usize = 65_536;

/// One framed record for the writer, and who waits for it to be on disk.
struct Entry {
    bytes: Vec<u8>,
    written: Option<oneshot::Sender<()>>,
}

/// What the writer is asked to do.
enum Request {
    Write(Entry),
    /// Write what is queued, then stop and hand the journal back.
    Stop(oneshot::Sender<()>),
}

/// The hooks' handle on the durable state (cheap to clone).
#[derive(Clone)]
pub(super) struct Durable {
    inner: Arc<Inner>,
}

struct Inner {
    state: Mutex<DurableState>,
    requests: mpsc::Sender<Request>,
    /// Set once the writer has stopped (the broker is stopping).
    stopped: AtomicBool,
}

/// What start-up found in the data folder.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct Recovered {
    /// Changes replayed from the journal (0 after a clean stop).
    pub replayed: usize,
    /// Bytes of a write the last run did not finish, dropped.
    pub torn_bytes: u64,
}

impl Durable {
    async fn lock(&self) -> MutexGuard<'_, DurableState> {
        self.inner.state.lock().await
    }

    /// Applies a change and queues it for the journal, in the order of the
    /// state's lock (held by the caller); the receiver completes once it is
    /// on disk (or could not be written, which the writer logs: a client is
    /// never kept waiting on a failing disk). A full queue makes the caller
    /// wait for the writer.
    async fn record(&self, state: &mut DurableState, change: Change) -> Option<oneshot::Receiver<()>> {
        if self.inner.stopped.load(Ordering::Relaxed) {
            return None;
        }
        state.seq += 1;
        let record = journal::Record { seq: state.seq, at: now_ms(), change: change.clone() };
        state.apply(change);
        let mut bytes = Vec::new();
        if let Err(error) = journal::frame(&record, &mut bytes) {
            tracing::warn!("broker journal: cannot encode a change: {error}");
            return None;
        }
        let (written, done) = oneshot::channel();
        self.inner.requests.send(Request::Write(Entry { bytes, written: Some(written) })).await.ok()?;
        Some(done)
    }

    async fn wait(done: Option<oneshot::Receiver<()>>) {
        if let Some(done) = done {
            let _ = done.await;
        }
    }

    /// A client's publish, before it is acknowledged: keeps a retained
    /// message (when `retain_kept`) and the copies owed to persistent
    /// sessions, and returns once they are on disk.
    pub async fn on_publish(
        &self,
        from: &From,
        publish: &Publish,
        retain_kept: bool,
        may_read: impl Fn(&Id, &str) -> bool,
    ) {
        let mut waits = Vec::new();
        {
            let mut state = self.lock().await;
            if retain_kept {
                let change = if publish.payload.is_empty() {
                    Change::Unretain(publish.topic.clone())
                } else {
                    Change::Retain(
                        publish.topic.clone(),
                        Retain { msg_id: None, from: from.clone(), publish: publish.clone() },
                    )
                };
                waits.push(self.record(&mut state, change).await);
            }
            let targets = state.targets(from, publish, may_read);
            if !targets.is_empty() {
                let key = model::message_key(from, publish);
                let change = Change::Queued { targets, key, from: from.clone(), publish: publish.clone() };
                waits.push(self.record(&mut state, change).await);
            }
        }
        for done in waits {
            Self::wait(done).await;
        }
    }

    /// A session acknowledged a message, or the broker dropped it for that
    /// session: it is no longer owed.
    pub async fn on_done(&self, client: &str, from: &From, publish: &Publish) {
        let mut state = self.lock().await;
        let key = model::message_key(from, publish);
        let owed = state.sessions.get(client).is_some_and(|session| session.pending.iter().any(|p| p.key == key));
        if owed {
            let _ = self.record(&mut state, Change::Done { client: client.to_owned(), key }).await;
        }
    }

    /// A client connected: its persistent session starts or resumes, or an
    /// earlier one ends because it started clean.
    pub async fn on_connected(&self, session: &rmqtt::session::Session) {
        let Ok(conn_info) = session.connect_info().await else { return };
        let expiry = session.fitter.session_expiry_interval(None);
        let persistent = match conn_info.as_ref() {
            rmqtt::types::ConnectInfo::V3(..) => !conn_info.clean_start(),
            rmqtt::types::ConnectInfo::V5(..) => !expiry.is_zero(),
        };
        let present = session.session_present().await.unwrap_or(false);
        let created_at = session.created_at().await.unwrap_or_else(|_| now_ms());
        let client = session.id.client_id.to_string();
        let done = {
            let mut state = self.lock().await;
            if persistent {
                let change = Change::SessionUp {
                    id: session.id.clone(),
                    conn_info: conn_info.as_ref().clone(),
                    created_at,
                    expiry_ms: millis(expiry),
                    present,
                };
                self.record(&mut state, change).await
            } else if state.sessions.contains_key(&client) {
                self.record(&mut state, Change::SessionEnd { client }).await
            } else {
                None
            }
        };
        Self::wait(done).await;
    }

    /// A client's connection ended: its session lives on for its expiry
    /// (which its DISCONNECT may have changed), or ends now.
    pub async fn on_disconnected(&self, session: &rmqtt::session::Session) {
        let disconnect = session.disconnect().await.ok().flatten();
        let expiry = session.fitter.session_expiry_interval(disconnect.as_ref());
        let clean_v3 = matches!(
            session.connect_info().await.as_deref(),
            Ok(rmqtt::types::ConnectInfo::V3(_, connect)) if connect.clean_session
        );
        let mut state = self.lock().await;
        let ours = state.sessions.get(session.id.client_id.as_ref() as &str).is_some_and(|s| s.id == session.id);
        if !ours {
            return;
        }
        let change = if expiry.is_zero() || clean_v3 {
            Change::SessionEnd { client: session.id.client_id.to_string() }
        } else {
            Change::SessionDown { id: session.id.clone(), at: now_ms(), expiry_ms: millis(expiry) }
        };
        let _ = self.record(&mut state, change).await;
    }

    /// A session ended (expired, or cleaned up).
    pub async fn on_terminated(&self, session: &rmqtt::session::Session) {
        let mut state = self.lock().await;
        let client = session.id.client_id.to_string();
        if state.sessions.get(&client).is_some_and(|known| known.id == session.id) {
            let _ = self.record(&mut state, Change::SessionEnd { client }).await;
        }
    }

    /// A persistent session subscribed: on disk before the SUBACK.
    pub async fn on_subscribed(&self, session: &rmqtt::session::Session, subscribe: &rmqtt::types::Subscribe) {
        let done = {
            let mut state = self.lock().await;
            let client = session.id.client_id.to_string();
            if !state.sessions.contains_key(&client) {
                return;
            }
            let change =
                Change::Subscribe { client, filter: subscribe.topic_filter.clone(), options: subscribe.opts.clone() };
            self.record(&mut state, change).await
        };
        Self::wait(done).await;
    }

    /// A persistent session unsubscribed.
    pub async fn on_unsubscribed(&self, session: &rmqtt::session::Session, filter: &rmqtt::types::TopicFilter) {
        let done = {
            let mut state = self.lock().await;
            let client = session.id.client_id.to_string();
            if !state.sessions.contains_key(&client) {
                return;
            }
            self.record(&mut state, Change::Unsubscribe { client, filter: filter.clone() }).await
        };
        Self::wait(done).await;
    }

    /// Writes what is queued and stops the writer; later changes are left
    /// to the snapshot the stopping broker writes.
    pub async fn stop(&self) {
        self.inner.stopped.store(true, Ordering::Relaxed);
        let (stopped, done) = oneshot::channel();
        if self.inner.requests.send(Request::Stop(stopped)).await.is_ok() {
            let _ = done.await;
        }
    }

    /// The last change's sequence number (a snapshot written now holds
    /// every change up to it).
    pub async fn seq(&self) -> u64 {
        self.lock().await.seq
    }
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn millis(duration: std::time::Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// Where damaged files are moved when the user chose to start empty.
fn aside_path(path: &Path) -> PathBuf {
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
    let name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!("{name}.damaged-{stamp}"))
}

/// Moves the snapshot and the journal aside (kept, renamed); returns the
/// new names.
fn move_aside(dir: &Path) -> Result<Vec<PathBuf>, PersistError> {
    let mut moved = Vec::new();
    for path in [persist::snapshot_path(dir), journal_path(dir)] {
        if path.exists() {
            let aside = aside_path(&path);
            std::fs::rename(&path, &aside)
                .map_err(|error| crate::fs::FileError::io("move the damaged file aside", &path, &error))?;
            moved.push(aside);
        }
    }
    Ok(moved)
}

/// Reads the snapshot and the journal of a data folder into the durable
/// state. A damaged store is an error unless `discard_damaged`, which
/// moves both files aside and starts empty.
fn read_store(
    dir: &Path,
    discard_damaged: bool,
    monitor: &BrokerMonitor,
) -> Result<(DurableState, Recovered), PersistError> {
    let read = || -> Result<(DurableState, Recovered), PersistError> {
        let snapshot = persist::read_snapshot(dir)?;
        let bytes = journal::read_file(dir)?;
        let journal = journal::read(&bytes).map_err(|damage| PersistError::Damaged {
            reason: format!("{} at byte {}", damage.reason, damage.offset),
            path: journal_path(dir),
        })?;
        let mut state = match &snapshot {
            Some(snapshot) => persist::state_from_snapshot(snapshot),
            None => DurableState::default(),
        };
        let after = snapshot.as_ref().map_or(0, |snapshot| snapshot.last_seq);
        let mut recovered = Recovered { torn_bytes: journal.torn_bytes, ..Recovered::default() };
        state.seq = after;
        for record in journal.records {
            if record.seq <= after {
                continue;
            }
            state.seq = record.seq;
            state.apply(record.change);
            recovered.replayed += 1;
        }
        Ok((state, recovered))
    };
    match read() {
        Err(PersistError::Damaged { reason, path }) if discard_damaged => {
            let moved = move_aside(dir)?;
            let names: Vec<String> = moved.iter().map(|path| path.display().to_string()).collect();
            monitor.log(
                LogLevel::Warning,
                format!(
                    "persistence: started with an empty store as asked; the damaged state ({reason}: {}) is kept as {}",
                    path.display(),
                    names.join(" and ")
                ),
            );
            Ok((DurableState::default(), Recovered::default()))
        }
        other => other,
    }
}

/// Opens the data folder: restores what it holds into the broker, folds
/// the journal into a fresh snapshot, and starts the journal writer.
pub(super) async fn open(
    scx: &rmqtt::context::ServerContext,
    dir: &Path,
    discard_damaged: bool,
    max_pending: usize,
    monitor: &BrokerMonitor,
) -> Result<(Durable, persist::Carried, Recovered), PersistError> {
    let (mut state, recovered) = read_store(dir, discard_damaged, monitor)?;
    state.max_pending = max_pending;
    let carried = persist::restore_state(scx, &state).await?;
    // Start from a snapshot that holds everything, and an empty journal.
    persist::write_snapshot(dir, &persist::snapshot_of(&state))?;
    let mut file = journal::JournalFile::open(dir, 0)?;
    file.clear()?;
    let (requests, receiver) = mpsc::channel(QUEUE);
    let durable =
        Durable { inner: Arc::new(Inner { state: Mutex::new(state), requests, stopped: AtomicBool::new(false) }) };
    tokio::spawn(write_journal(receiver, file, dir.to_path_buf(), durable.clone(), monitor.clone()));
    Ok((durable, carried, recovered))
}

/// The writer: group commits until asked to stop; folds the journal into
/// the snapshot when it grows past [`COMPACT_AT_BYTES`].
async fn write_journal(
    mut receiver: mpsc::Receiver<Request>,
    mut file: journal::JournalFile,
    dir: PathBuf,
    durable: Durable,
    monitor: BrokerMonitor,
) {
    let mut failing = false;
    while let Some(first) = receiver.recv().await {
        let mut bytes = Vec::new();
        let mut waiting = Vec::new();
        let mut stop = None;
        let mut next = Some(first);
        while let Some(request) = next.take() {
            match request {
                Request::Write(entry) => {
                    bytes.extend_from_slice(&entry.bytes);
                    waiting.extend(entry.written);
                }
                Request::Stop(stopped) => {
                    stop = Some(stopped);
                    break;
                }
            }
            if bytes.len() < BATCH_BYTES {
                next = receiver.try_recv().ok();
            }
        }
        if !bytes.is_empty() {
            let (back, result) = match tokio::task::spawn_blocking(move || {
                let result = file.append(&bytes);
                (file, result)
            })
            .await
            {
                Ok(done) => done,
                Err(error) => {
                    monitor.log(LogLevel::Error, format!("persistence: the journal writer failed: {error}"));
                    return;
                }
            };
            file = back;
            match result {
                Ok(()) if failing => {
                    failing = false;
                    monitor.log(LogLevel::Info, "persistence: the journal is being written again");
                }
                Ok(()) => {}
                Err(error) if !failing => {
                    failing = true;
                    monitor.log(
                        LogLevel::Error,
                        format!("persistence: {error}; what clients send now is not saved until this is fixed"),
                    );
                }
                Err(_) => {}
            }
        }
        for written in waiting {
            let _ = written.send(());
        }
        if let Some(stopped) = stop {
            let _ = stopped.send(());
            return;
        }
        // Folded when no hook holds the state (one may be waiting for this
        // writer with it held); else after a later write.
        if file.len() > COMPACT_AT_BYTES
            && let Ok(state) = durable.inner.state.try_lock()
        {
            let snapshot = persist::snapshot_of(&state);
            drop(state);
            let folded = persist::write_snapshot(&dir, &snapshot).and_then(|()| file.clear().map_err(Into::into));
            if let Err(error) = folded {
                monitor
                    .log(LogLevel::Error, format!("persistence: cannot fold the journal into the snapshot: {error}"));
            }
        }
    }
}

/// Marks the snapshot written at stop as holding every journalled change,
/// and empties the journal.
pub(super) fn after_final_save(dir: &Path) -> Result<(), PersistError> {
    let path = journal_path(dir);
    if path.exists() {
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .map_err(|error| crate::fs::FileError::io("empty the journal", &path, &error))?;
        file.set_len(0).map_err(|error| crate::fs::FileError::io("empty the journal", &path, &error))?;
        file.sync_all().map_err(|error| crate::fs::FileError::io("empty the journal", &path, &error))?;
    }
    Ok(())
}
