//! The broker's journal: an append-only file of changes, each framed as
//! `0xA5, length (u32 LE), CRC-32 (u32 LE), CBOR record`, written in group
//! commits (every change waiting when a write starts goes in one write and
//! one fdatasync). A write cut short by a crash leaves a partial last
//! frame, which reading drops; a bad frame with good ones after it is damage.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::model::Change;
use crate::fs::FileError;

/// The journal's file name inside the data folder.
pub const JOURNAL_FILE: &str = "topicscope-broker.journal";

const MAGIC: u8 = 0xA5;
const HEADER: usize = 9;
/// Larger frames are not believed (the broker's packets stop at 256 MiB).
const MAX_FRAME: usize = 300 * 1024 * 1024;

/// One journal entry.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Record {
    pub seq: u64,
    /// Unix milliseconds when it was written.
    pub at: i64,
    pub change: Change,
}

/// The journal's path in a data folder.
pub fn journal_path(dir: &Path) -> PathBuf {
    dir.join(JOURNAL_FILE)
}

/// Frames one record.
pub(super) fn frame(record: &Record, into: &mut Vec<u8>) -> Result<(), String> {
    let mut body = Vec::new();
    ciborium::into_writer(record, &mut body).map_err(|error| error.to_string())?;
    let length = u32::try_from(body.len()).map_err(|_| "a journal record over 4 GiB".to_owned())?;
    into.push(MAGIC);
    into.extend_from_slice(&length.to_le_bytes());
    into.extend_from_slice(&crc32fast::hash(&body).to_le_bytes());
    into.extend_from_slice(&body);
    Ok(())
}

/// What reading a journal found.
#[derive(Debug, Default)]
pub(super) struct ReadJournal {
    pub records: Vec<Record>,
    /// Where the good records end (the file is cut back to here).
    pub good_len: u64,
    /// Bytes of an unfinished last write that were dropped.
    pub torn_bytes: u64,
}

/// Why a journal cannot be trusted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Damage {
    pub offset: u64,
    pub reason: String,
}

/// The frame starting at `at`, if it is whole and its checksum holds.
fn frame_at(bytes: &[u8], at: usize) -> Option<(usize, &[u8])> {
    let header = bytes.get(at..at + HEADER)?;
    if header[0] != MAGIC {
        return None;
    }
    let length = u32::from_le_bytes([header[1], header[2], header[3], header[4]]) as usize;
    let crc = u32::from_le_bytes([header[5], header[6], header[7], header[8]]);
    if length > MAX_FRAME {
        return None;
    }
    let body = bytes.get(at + HEADER..at + HEADER + length)?;
    (crc32fast::hash(body) == crc).then_some((HEADER + length, body))
}

/// Reads every record; a bad frame followed only by bytes that hold no good
/// frame is an unfinished last write (dropped), otherwise damage.
pub(super) fn read(bytes: &[u8]) -> Result<ReadJournal, Damage> {
    let mut read = ReadJournal::default();
    let mut at = 0;
    while at < bytes.len() {
        match frame_at(bytes, at) {
            Some((size, body)) => {
                let record: Record = ciborium::from_reader(body)
                    .map_err(|error| Damage { offset: at as u64, reason: format!("unreadable record: {error}") })?;
                read.records.push(record);
                at += size;
            }
            None => {
                if let Some(later) = (at + 1..bytes.len()).find(|&next| frame_at(bytes, next).is_some()) {
                    return Err(Damage {
                        offset: at as u64,
                        reason: format!("a bad record with good ones after it (at byte {later})"),
                    });
                }
                read.torn_bytes = (bytes.len() - at) as u64;
                break;
            }
        }
    }
    read.good_len = at as u64;
    Ok(read)
}

/// The open journal, appended to by the writer.
#[derive(Debug)]
pub(super) struct JournalFile {
    path: PathBuf,
    file: File,
    len: u64,
}

impl JournalFile {
    /// Opens (creating) the journal for appending after `good_len` bytes,
    /// cutting off an unfinished last write.
    pub fn open(dir: &Path, good_len: u64) -> Result<Self, FileError> {
        let path = journal_path(dir);
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&path).map_err(|error| FileError::io("open the journal", &path, &error))?;
        file.set_len(good_len).map_err(|error| FileError::io("cut the journal back", &path, &error))?;
        file.seek(SeekFrom::Start(good_len)).map_err(|error| FileError::io("seek in the journal", &path, &error))?;
        Ok(Self { path, file, len: good_len })
    }

    /// Bytes in the journal.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Appends framed records and waits until the disk has them.
    pub fn append(&mut self, bytes: &[u8]) -> Result<(), FileError> {
        self.file.write_all(bytes).map_err(|error| FileError::io("write the journal", &self.path, &error))?;
        self.file.sync_data().map_err(|error| FileError::io("flush the journal to disk", &self.path, &error))?;
        self.len += bytes.len() as u64;
        Ok(())
    }

    /// Empties the journal once a snapshot holds everything in it.
    pub fn clear(&mut self) -> Result<(), FileError> {
        self.file.set_len(0).map_err(|error| FileError::io("empty the journal", &self.path, &error))?;
        self.file.seek(SeekFrom::Start(0)).map_err(|error| FileError::io("seek in the journal", &self.path, &error))?;
        self.file.sync_all().map_err(|error| FileError::io("flush the journal to disk", &self.path, &error))?;
        self.len = 0;
        Ok(())
    }
}

/// Reads the journal file of a data folder (empty when there is none).
pub(super) fn read_file(dir: &Path) -> Result<Vec<u8>, FileError> {
    let path = journal_path(dir);
    let mut bytes = Vec::new();
    match File::open(&path) {
        Ok(mut file) => {
            file.read_to_end(&mut bytes).map_err(|error| FileError::io("read the journal", &path, &error))?;
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => return Err(FileError::io("read the journal", &path, &error)),
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(seq: u64) -> Record {
        Record { seq, at: 1, change: Change::SessionEnd { client: format!("client-{seq}") } }
    }

    fn framed(records: &[Record]) -> Vec<u8> {
        let mut bytes = Vec::new();
        for one in records {
            frame(one, &mut bytes).expect("framed");
        }
        bytes
    }

    #[test]
    fn records_read_back_in_order() {
        let bytes = framed(&[record(1), record(2), record(3)]);
        let read = read(&bytes).expect("readable");
        assert_eq!(read.records.iter().map(|one| one.seq).collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(read.good_len, bytes.len() as u64);
        assert_eq!(read.torn_bytes, 0);
    }

    #[test]
    fn an_unfinished_last_write_is_dropped_at_every_cut() {
        let whole = framed(&[record(1), record(2)]);
        let first = framed(&[record(1)]).len();
        for cut in first + 1..whole.len() {
            let read = read(&whole[..cut]).expect("a torn tail is not damage");
            assert_eq!(read.records.len(), 1, "cut at {cut}");
            assert_eq!(read.good_len, first as u64);
            assert_eq!(read.torn_bytes, (cut - first) as u64);
        }
    }

    #[test]
    fn a_bad_record_with_good_ones_after_it_is_damage() {
        let mut bytes = framed(&[record(1), record(2), record(3)]);
        let second = framed(&[record(1)]).len();
        bytes[second + HEADER + 2] ^= 0xff;
        let damage = read(&bytes).expect_err("damage");
        assert_eq!(damage.offset, second as u64);
    }
}
