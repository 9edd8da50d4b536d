//! Files the app keeps (profiles, saved messages, broker settings, exports)
//! are written whole or not at all: a temporary file beside the target,
//! flushed to disk, then renamed over it, so a crash or a full disk never
//! leaves half a file. [`FileWriter`] does this on its own thread so the
//! window never waits for the disk.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
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

/// Writes a file atomically: its folder is created if needed, the contents
/// go to a temporary file in the same folder, which is flushed to disk and
/// renamed over the target (then the folder is flushed, where the system
/// allows it), so readers see the old file or the new one, never a mix.
pub fn write_atomically(path: &Path, contents: impl AsRef<[u8]>) -> Result<(), FileError> {
    let dir = path.parent().filter(|dir| !dir.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|error| FileError::io("create the folder", dir, &error))?;
    let name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    let temp = dir.join(format!(".{name}.tmp"));
    let written = (|| {
        let mut file = std::fs::File::create(&temp).map_err(|error| FileError::io("create", &temp, &error))?;
        file.write_all(contents.as_ref()).map_err(|error| FileError::io("write", &temp, &error))?;
        file.sync_all().map_err(|error| FileError::io("flush to disk", &temp, &error))
    })();
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

struct Job<T> {
    tag: T,
    path: PathBuf,
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
            for Job { tag, path, contents } in incoming {
                let result = write_atomically(&path, &contents);
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
        self.pending.fetch_add(1, Ordering::AcqRel);
        match self.jobs.try_send(Job { tag, path, contents: contents.into() }) {
            Ok(()) => Ok(()),
            Err(refused) => {
                self.pending.fetch_sub(1, Ordering::AcqRel);
                Err(match refused {
                    TrySendError::Full(job) => QueueError::Full(job.path),
                    TrySendError::Disconnected(job) => QueueError::Stopped(job.path),
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
        assert!(!dir.join(".blocked.tmp").exists(), "the temporary file is removed");
        assert_eq!(read_to_string(&path).expect("read"), "old");
        let missing = read_to_string(&dir.join("missing.ron")).expect_err("no such file");
        assert!(missing.to_string().starts_with("cannot read the file: "), "{missing}");
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
