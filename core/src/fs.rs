//! Files the app keeps (profiles, saved messages, broker settings, exports)
//! are written whole or not at all: a temporary file beside the target,
//! flushed to disk, then renamed over it, so a crash or a full disk never
//! leaves half a file. [`FileWriter`] does this on its own thread so the
//! window never waits for the disk.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, TrySendError, sync_channel};

use thiserror::Error;

/// Why a file could not be read or written: what was being done, what the
/// system said, and the file last.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("cannot {action}: {reason}: {}", .path.display())]
pub struct FileError {
    /// What was being done ("write", "rename into place", ...).
    pub action: &'static str,
    /// What the operating system said.
    pub reason: String,
    /// The file or folder concerned.
    pub path: PathBuf,
}

impl FileError {
    /// An I/O failure doing `action` to `path`.
    pub fn io(action: &'static str, path: &Path, error: &std::io::Error) -> Self {
        Self { action, reason: error.to_string(), path: path.to_owned() }
    }
}

/// Reads a whole text file.
pub fn read_to_string(path: &Path) -> Result<String, FileError> {
    std::fs::read_to_string(path).map_err(|error| FileError::io("read the file", path, &error))
}

/// A file that could not be loaded, moved aside next to itself (its name
/// plus `.damaged-<seconds since 1970>`), so the next save writes a new
/// file instead of over the only copy of the user's data. Returns where it
/// went.
pub fn set_aside_damaged(path: &Path) -> Result<std::path::PathBuf, FileError> {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or_default();
    let name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    let mut aside = path.with_file_name(format!("{name}.damaged-{seconds}"));
    let mut counter = 1;
    while aside.exists() {
        counter += 1;
        aside = path.with_file_name(format!("{name}.damaged-{seconds}-{counter}"));
    }
    std::fs::rename(path, &aside).map_err(|error| FileError::io("move aside", path, &error))?;
    Ok(aside)
}

/// Who may read a file the app writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Privacy {
    /// The system's defaults (exports the user puts where they like).
    #[default]
    Shared,
    /// Secrets (profiles, bundles with passwords, the broker's users and
    /// snapshot): mode 0600 on Unix, and a folder created for it 0700.
    Private,
}

/// Makes each temporary file name unique within this process (two writers
/// of one file, e.g. a save and an autosave, never share a temporary).
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Writes a file atomically: its folder is created if needed, the contents
/// go to a temporary file in the same folder, which is flushed to disk and
/// renamed over the target (then the folder is flushed, where the system
/// allows it), so readers see the old file or the new one, never a mix.
pub fn write_atomically(path: &Path, contents: impl AsRef<[u8]>) -> Result<(), FileError> {
    write_file(path, contents.as_ref(), Privacy::Shared)
}

/// [`write_atomically`] for a file holding secrets: readable by its owner
/// only from the first byte written (see [`Privacy::Private`]).
pub fn write_private(path: &Path, contents: impl AsRef<[u8]>) -> Result<(), FileError> {
    write_file(path, contents.as_ref(), Privacy::Private)
}

/// Creates a folder of the app's own (profiles, broker data) readable by
/// its owner only, and narrows an existing one to that (Unix: 0700).
pub fn make_private_folder(dir: &Path) -> Result<(), FileError> {
    create_folder(dir, Privacy::Private)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .map_err(|error| FileError::io("make private", dir, &error))?;
    }
    Ok(())
}

fn create_folder(dir: &Path, privacy: Privacy) -> Result<(), FileError> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    if privacy == Privacy::Private {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    #[cfg(not(unix))]
    let _ = privacy;
    builder.create(dir).map_err(|error| FileError::io("create the folder", dir, &error))
}

/// A new temporary file beside `name` in `dir`, unique to this write.
pub(crate) fn create_temp(dir: &Path, name: &str, privacy: Privacy) -> Result<(std::fs::File, PathBuf), FileError> {
    loop {
        let unique = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let temp = dir.join(format!(".{name}.{}-{unique}.tmp", std::process::id()));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(if privacy == Privacy::Private { 0o600 } else { 0o666 });
        }
        #[cfg(not(unix))]
        let _ = privacy;
        match options.open(&temp) {
            Ok(file) => return Ok((file, temp)),
            // Left by a process with our id before (a crash): pick the next.
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(error) => return Err(FileError::io("create", &temp, &error)),
        }
    }
}

/// The atomic write behind [`write_atomically`] and [`write_private`].
pub fn write_file(path: &Path, contents: &[u8], privacy: Privacy) -> Result<(), FileError> {
    let dir = path.parent().filter(|dir| !dir.as_os_str().is_empty()).unwrap_or(Path::new("."));
    create_folder(dir, privacy)?;
    let name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    let (mut file, temp) = create_temp(dir, &name, privacy)?;
    let written = (|| {
        file.write_all(contents).map_err(|error| FileError::io("write", &temp, &error))?;
        file.sync_all().map_err(|error| FileError::io("flush to disk", &temp, &error))
    })();
    drop(file);
    if let Err(error) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(error);
    }
    if let Err(error) = std::fs::rename(&temp, path) {
        let _ = std::fs::remove_file(&temp);
        return Err(FileError::io("rename into place", path, &error));
    }
    // The rename itself is durable once the folder is flushed; not every
    // system can open a folder for that (Windows cannot), and the file is
    // complete either way.
    if let Ok(folder) = std::fs::File::open(dir) {
        let _ = folder.sync_all();
    }
    Ok(())
}

/// Wakes the caller's loop when a write finished (the window wires it to a
/// repaint).
pub type Waker = Arc<dyn Fn() + Send + Sync>;

/// Most writes waiting for the writer thread; more is refused, not queued.
pub const WRITE_QUEUE: usize = 64;

/// One write's result, handed back with the caller's tag.
#[derive(Debug)]
pub struct Written<T> {
    /// What the caller said this write was (to report it in the right place).
    pub tag: T,
    /// Where it went.
    pub path: PathBuf,
    /// Whether it worked.
    pub result: Result<(), FileError>,
}

/// Why a write was not taken.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum QueueError {
    /// The writer has [`WRITE_QUEUE`] writes waiting (a disk that hangs).
    #[error("{WRITE_QUEUE} file writes are still waiting for the disk; not written: {}", .0.display())]
    Full(PathBuf),
    /// The writer thread is gone.
    #[error("the file writer has stopped; not written: {}", .0.display())]
    Stopped(PathBuf),
}

/// Where a queued write goes.
pub enum Destination {
    /// This file.
    File(PathBuf),
    /// A file chosen on the writer thread, which may read the folder to
    /// choose (a profile's file: see `profile::profile_file`); `shown`
    /// names the write until then.
    Chosen {
        /// What to call the write if it never runs.
        shown: PathBuf,
        /// Picks the file.
        choose: Box<dyn FnOnce() -> Result<PathBuf, FileError> + Send>,
    },
}

impl Destination {
    fn shown(&self) -> PathBuf {
        match self {
            Self::File(path) | Self::Chosen { shown: path, .. } => path.clone(),
        }
    }
}

struct Job<T> {
    tag: T,
    destination: Destination,
    privacy: Privacy,
    contents: Vec<u8>,
}

/// Writes files atomically on one background thread, in the order asked
/// (so two saves of one file land in order), and hands back each result.
pub struct FileWriter<T> {
    jobs: SyncSender<Job<T>>,
    done: Receiver<Written<T>>,
    pending: Arc<AtomicUsize>,
}

impl<T> std::fmt::Debug for FileWriter<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileWriter").field("pending", &self.pending.load(Ordering::Acquire)).finish()
    }
}

impl<T: Send + 'static> FileWriter<T> {
    /// Starts the writer thread; `waker` runs after each write.
    pub fn start(waker: Waker) -> std::io::Result<Self> {
        let (jobs, incoming) = sync_channel::<Job<T>>(WRITE_QUEUE);
        let (finished, done) = sync_channel::<Written<T>>(WRITE_QUEUE);
        let pending = Arc::new(AtomicUsize::new(0));
        let counter = pending.clone();
        std::thread::Builder::new().name("topicscope-file-writer".into()).spawn(move || {
            for Job { tag, destination, privacy, contents } in incoming {
                let shown = destination.shown();
                let (path, result) = match destination {
                    Destination::File(path) => {
                        let result = write_file(&path, &contents, privacy);
                        (path, result)
                    }
                    Destination::Chosen { choose, .. } => match choose() {
                        Ok(path) => {
                            let result = write_file(&path, &contents, privacy);
                            (path, result)
                        }
                        Err(error) => (shown, Err(error)),
                    },
                };
                if let Err(error) = &result {
                    tracing::error!("{error}");
                }
                let sent = finished.send(Written { tag, path, result });
                counter.fetch_sub(1, Ordering::AcqRel);
                waker();
                if sent.is_err() {
                    break;
                }
            }
        })?;
        Ok(Self { jobs, done, pending })
    }

    /// Queues a write without waiting; refused when the queue is full.
    pub fn write(&self, tag: T, path: PathBuf, contents: impl Into<Vec<u8>>) -> Result<(), QueueError> {
        self.write_to(tag, Destination::File(path), Privacy::Shared, contents)
    }

    /// Queues a write to a destination with a privacy, without waiting.
    pub fn write_to(
        &self,
        tag: T,
        destination: Destination,
        privacy: Privacy,
        contents: impl Into<Vec<u8>>,
    ) -> Result<(), QueueError> {
        self.pending.fetch_add(1, Ordering::AcqRel);
        match self.jobs.try_send(Job { tag, destination, privacy, contents: contents.into() }) {
            Ok(()) => Ok(()),
            Err(refused) => {
                self.pending.fetch_sub(1, Ordering::AcqRel);
                Err(match refused {
                    TrySendError::Full(job) => QueueError::Full(job.destination.shown()),
                    TrySendError::Disconnected(job) => QueueError::Stopped(job.destination.shown()),
                })
            }
        }
    }

    /// Writes finished since the last call, in the order they were done.
    pub fn finished(&self) -> Vec<Written<T>> {
        let mut finished = Vec::new();
        loop {
            match self.done.try_recv() {
                Ok(written) => finished.push(written),
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => return finished,
            }
        }
    }

    /// Writes queued and not finished yet (or finished and not collected).
    pub fn pending(&self) -> usize {
        self.pending.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("topicscope-fs-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn a_write_replaces_the_file_whole_and_leaves_no_temporary_file() {
        let dir = temp_dir("atomic");
        let path = dir.join("nested").join("settings.ron");
        write_atomically(&path, "first").expect("written");
        write_atomically(&path, "second, longer").expect("written again");
        assert_eq!(read_to_string(&path).expect("read"), "second, longer");
        let names: Vec<String> = std::fs::read_dir(path.parent().expect("folder"))
            .expect("list")
            .flatten()
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["settings.ron"]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_failed_write_names_the_file_last_and_keeps_the_old_one() {
        let dir = temp_dir("refused");
        let path = dir.join("kept.ron");
        write_atomically(&path, "old").expect("written");
        // A folder where the file should go: the rename cannot replace it.
        let blocked = dir.join("blocked");
        std::fs::create_dir_all(blocked.join("inside")).expect("folder");
        let error = write_atomically(&blocked, "new").expect_err("a folder is not replaced");
        assert_eq!(error.action, "rename into place");
        assert!(error.to_string().ends_with(&blocked.display().to_string()), "{error}");
        let left: Vec<_> = std::fs::read_dir(&dir)
            .expect("list")
            .flatten()
            .filter(|entry| entry.file_name().to_string_lossy().starts_with(".blocked"))
            .collect();
        assert!(left.is_empty(), "the temporary file is removed: {left:?}");
        assert_eq!(read_to_string(&path).expect("read"), "old");
        let missing = read_to_string(&dir.join("missing.ron")).expect_err("no such file");
        assert!(missing.to_string().starts_with("cannot read the file: "), "{missing}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).expect("metadata").permissions().mode() & 0o777
    }

    #[cfg(unix)]
    #[test]
    fn secrets_are_readable_by_their_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = temp_dir("private");
        let path = dir.join("made-here").join("profile.ron");
        write_private(&path, "password").expect("written");
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().expect("folder")), 0o700);
        // A world-readable file becomes private on its next save.
        let shared = dir.join("shared.ron");
        write_atomically(&shared, "x").expect("written");
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        write_private(&shared, "y").expect("written");
        assert_eq!(mode(&shared), 0o600);
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        make_private_folder(&dir).expect("narrowed");
        assert_eq!(mode(&dir), 0o700);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn writers_of_one_file_at_once_never_mix_or_share_a_temporary_file() {
        let dir = temp_dir("racing");
        let path = dir.join("broker.ron");
        // A temporary file a crashed run left behind is not in the way.
        std::fs::create_dir_all(&dir).expect("folder");
        std::fs::write(dir.join(format!(".broker.ron.{}-0.tmp", std::process::id())), "stale").expect("stale");
        let writers: Vec<_> = (0..4)
            .map(|writer| {
                let path = path.clone();
                std::thread::Builder::new()
                    .name(format!("writer {writer}"))
                    .spawn(move || {
                        for round in 0..50 {
                            let contents = format!("{writer}:{round}:").repeat(1000);
                            write_atomically(&path, contents).expect("written");
                        }
                    })
                    .expect("thread")
            })
            .collect();
        for writer in writers {
            writer.join().expect("joined");
        }
        let text = read_to_string(&path).expect("read");
        let first = text.split(':').take(2).collect::<Vec<_>>().join(":") + ":";
        assert_eq!(text, first.repeat(1000), "one writer's whole contents");
        let temporaries = std::fs::read_dir(&dir)
            .expect("list")
            .flatten()
            .filter(|entry| entry.file_name().to_string_lossy().ends_with(".tmp"))
            .count();
        assert_eq!(temporaries, 1, "only the stale one is left");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_writer_writes_in_order_off_the_caller_thread_and_reports_each_file() {
        let dir = temp_dir("writer");
        let woken = Arc::new(AtomicUsize::new(0));
        let counter = woken.clone();
        let writer = FileWriter::start(Arc::new(move || {
            counter.fetch_add(1, Ordering::Relaxed);
        }))
        .expect("writer starts");
        std::fs::create_dir_all(dir.join("blocked").join("inside")).expect("folder in the way");
        let path = dir.join("messages.ron");
        for round in 0..20 {
            writer.write(round, path.clone(), format!("round {round}")).expect("queued");
        }
        writer.write(99, dir.join("blocked"), "x").expect("queued");
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut results = Vec::new();
        while results.len() < 21 && Instant::now() < deadline {
            results.extend(writer.finished());
            std::thread::sleep(Duration::from_millis(5));
        }
        let tags: Vec<i32> = results.iter().map(|written| written.tag).collect();
        assert_eq!(tags, (0..20).chain([99]).collect::<Vec<_>>(), "in the order asked");
        assert!(results[..20].iter().all(|written| written.result.is_ok()));
        assert!(results[20].result.is_err(), "a failure is reported, not dropped");
        assert_eq!(read_to_string(&path).expect("read"), "round 19", "the last write wins");
        assert_eq!(writer.pending(), 0);
        assert_eq!(woken.load(Ordering::Relaxed), 21);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
