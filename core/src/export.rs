//! Exporting logged messages to JSON Lines or CSV: time, direction, topic,
//! QoS, retain, size, MQTT 5 properties and the payload (UTF-8 text when it
//! is text, base64 otherwise, with the encoding named).

use std::io::Write;
use std::path::Path;

use base64::Engine as _;
use serde_json::{Map, Value, json};

use thiserror::Error;

use crate::fs::{FileError, write_atomically};
use crate::mqtt::Direction;
use crate::store::{FilterError, OwnedMessage, StoredMessage};

/// The file formats messages can be exported to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// One JSON object per line.
    JsonLines,
    /// Comma-separated values with a header row (RFC 4180 quoting).
    Csv,
}

impl ExportFormat {
    /// The format a file name asks for: `.csv` is CSV, anything else JSON Lines.
    pub fn for_path(path: &Path) -> Self {
        match path.extension().and_then(|extension| extension.to_str()) {
            Some(extension) if extension.eq_ignore_ascii_case("csv") => Self::Csv,
            _ => Self::JsonLines,
        }
    }
}

const CSV_HEADER: &str = "time,direction,topic,qos,retain,size,payload_encoding,payload,properties,decoded";

/// Each tab's payload decoders, so exports carry the decoded form too.
pub type ExportDecoders = std::collections::HashMap<crate::ids::TabId, crate::decoders::PayloadDecoders>;

/// The decoded form of a message by its tab's rules: `Ok(JSON)`, `Err(why
/// not)`, or `None` when no rule decodes its topic.
fn decoded(message: &StoredMessage<'_>, decoders: &ExportDecoders) -> Option<Result<Value, String>> {
    let decoded = decoders.get(&message.tab)?.decode(message.topic, message.payload);
    match decoded.failure() {
        Some(failure) => Some(Err(failure.to_string())),
        None => decoded.json().map(Ok),
    }
}

fn payload_text(payload: &[u8]) -> (&'static str, String) {
    match std::str::from_utf8(payload) {
        Ok(text) => ("utf-8", text.to_owned()),
        Err(_) => ("base64", base64::engine::general_purpose::STANDARD.encode(payload)),
    }
}

fn properties_json(message: &StoredMessage<'_>) -> Option<Value> {
    let properties = message.properties.as_ref()?;
    let mut map = Map::new();
    if let Some(value) = &properties.content_type {
        map.insert("content_type".into(), json!(value));
    }
    if let Some(value) = &properties.response_topic {
        map.insert("response_topic".into(), json!(value));
    }
    if let Some(value) = &properties.correlation_data {
        map.insert("correlation_data_base64".into(), json!(base64::engine::general_purpose::STANDARD.encode(value)));
    }
    if let Some(value) = properties.message_expiry_interval {
        map.insert("message_expiry_interval".into(), json!(value));
    }
    if let Some(value) = properties.payload_format_indicator {
        map.insert("payload_format_indicator".into(), json!(value));
    }
    if !properties.user_properties.is_empty() {
        let pairs: Vec<Value> = properties.user_properties.iter().map(|(key, value)| json!([key, value])).collect();
        map.insert("user_properties".into(), Value::Array(pairs));
    }
    if !properties.subscription_identifiers.is_empty() {
        map.insert("subscription_identifiers".into(), json!(properties.subscription_identifiers));
    }
    Some(Value::Object(map))
}

/// One message as the JSON object written to a JSON Lines file.
pub fn message_json(message: &StoredMessage<'_>) -> Value {
    let (encoding, payload) = payload_text(message.payload);
    let mut object = json!({
        "time": message.time.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "direction": match message.direction { Direction::Incoming => "in", Direction::Outgoing => "out" },
        "topic": message.topic,
        "qos": message.qos.level(),
        "retain": message.retain,
        "size": message.payload.len(),
        "payload_encoding": encoding,
        "payload": payload,
    });
    if let (Some(properties), Some(map)) = (properties_json(message), object.as_object_mut()) {
        map.insert("properties".into(), properties);
    }
    object
}

/// Quotes a CSV field when it holds a comma, quote or line break (RFC 4180).
pub fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text.to_owned() }
}

/// Writes messages in a format; returns how many were written.
pub fn write_messages<'a>(
    writer: &mut impl Write,
    messages: impl Iterator<Item = StoredMessage<'a>>,
    format: ExportFormat,
    decoders: &ExportDecoders,
) -> std::io::Result<u64> {
    if format == ExportFormat::Csv {
        writeln!(writer, "{CSV_HEADER}")?;
    }
    write_rows(writer, messages, format, decoders)
}

/// Writes messages without the CSV header (for the rows after the first batch).
fn write_rows<'a>(
    writer: &mut impl Write,
    messages: impl Iterator<Item = StoredMessage<'a>>,
    format: ExportFormat,
    decoders: &ExportDecoders,
) -> std::io::Result<u64> {
    let mut count = 0;
    for message in messages {
        let decoded = decoded(&message, decoders);
        match format {
            ExportFormat::JsonLines => {
                let mut line = message_json(&message);
                if let (Some(decoded), Some(object)) = (decoded, line.as_object_mut()) {
                    match decoded {
                        Ok(value) => object.insert("decoded".into(), value),
                        Err(reason) => object.insert("decode_error".into(), Value::String(reason)),
                    };
                }
                writeln!(writer, "{line}")?;
            }
            ExportFormat::Csv => {
                let decoded = match decoded {
                    Some(Ok(value)) => value.to_string(),
                    Some(Err(reason)) => reason,
                    None => String::new(),
                };
                let (encoding, payload) = payload_text(message.payload);
                let properties = properties_json(&message).map(|value| value.to_string()).unwrap_or_default();
                writeln!(
                    writer,
                    "{},{},{},{},{},{},{},{},{},{}",
                    message.time.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                    match message.direction {
                        Direction::Incoming => "in",
                        Direction::Outgoing => "out",
                    },
                    csv_field(message.topic),
                    message.qos.level(),
                    message.retain,
                    message.payload.len(),
                    encoding,
                    csv_field(&payload),
                    csv_field(&properties),
                    csv_field(&decoded),
                )?;
            }
        }
        count += 1;
    }
    writer.flush()?;
    Ok(count)
}

/// Writes messages to a file (format from its extension), atomically.
pub fn export_to_file(path: &Path, messages: &[OwnedMessage]) -> Result<u64, ExportError> {
    let format = ExportFormat::for_path(path);
    let mut buffer = Vec::new();
    let count = write_messages(&mut buffer, messages.iter().map(OwnedMessage::view), format, &ExportDecoders::new())
        .map_err(|error| FileError::io("write the export", path, &error))?;
    write_atomically(path, &buffer)?;
    Ok(count)
}

/// Why an export did not happen.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ExportError {
    /// The file could not be written.
    #[error(transparent)]
    File(#[from] FileError),
    /// The view's filter cannot be applied.
    #[error(transparent)]
    Filter(#[from] FilterError),
    /// The export stopped before everything was written (the window or
    /// its tab closed); the target was not touched.
    #[error("the export stopped before it finished; nothing was written to {}", .0.display())]
    Interrupted(std::path::PathBuf),
    /// The writer thread could not start.
    #[error("cannot start the export: {0}")]
    Thread(String),
}

/// What the window hands the export's writer thread.
#[derive(Debug)]
enum ToWriter {
    /// Rows to append.
    Rows(Vec<OwnedMessage>),
    /// Everything was handed over: finish the file and rename it into
    /// place. Only this does — a channel that closes without it (the job
    /// dropped with the window or its tab) leaves no file.
    End,
}

/// Messages copied to the writer per batch.
const EXPORT_BATCH: usize = 4096;

/// An export of a (possibly huge) log view that never stalls the window:
/// the UI thread copies rows in time-bounded slices each frame
/// ([`ExportJob::step`]), a writer thread streams them to a temporary file
/// beside the target and renames it into place when everything is written.
/// It reports progress and can be cancelled (the temporary file is then
/// removed, the target is left untouched).
///
/// The export is the view's rows as filtered when it started, up to the
/// newest message at that moment; messages evicted from the log before
/// their turn are not in it (counted in [`ExportJob::missed`]).
#[derive(Debug)]
pub struct ExportJob {
    path: std::path::PathBuf,
    view: crate::store::FilteredView,
    /// Last sequence number handed to the writer.
    after: Option<u64>,
    /// Newest sequence number included.
    until: u64,
    copied: u64,
    missed: u64,
    expected_first: Option<u64>,
    sender: Option<std::sync::mpsc::SyncSender<ToWriter>>,
    /// A batch (or the end) the writer had no room for yet.
    pending: Option<ToWriter>,
    /// The end is queued or sent.
    finishing: bool,
    cancel: std::sync::Arc<std::sync::atomic::AtomicBool>,
    written: std::sync::Arc<std::sync::atomic::AtomicU64>,
    done: std::sync::mpsc::Receiver<Result<u64, ExportError>>,
    outcome: Option<Result<u64, ExportError>>,
}

/// Where an export stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportState {
    /// Copying and writing: rows handed over so far, and written.
    Running {
        /// Messages copied to the writer.
        copied: u64,
        /// Messages written to the file.
        written: u64,
    },
    /// Everything written and the file renamed into place.
    Finished {
        /// Messages in the file.
        written: u64,
    },
    /// Stopped by the user; no file was written.
    Cancelled,
    /// Could not write the file.
    Failed(ExportError),
}

impl ExportJob {
    /// Starts exporting the messages a filter selects, up to the newest
    /// one in the store now. The temporary file is created at once, so a
    /// folder that cannot be written to fails here, before any work.
    pub fn start(
        path: &Path,
        filter: crate::store::LogFilter,
        store: &crate::store::MessageStore,
        decoders: ExportDecoders,
    ) -> Result<Self, ExportError> {
        use std::sync::atomic::{AtomicBool, AtomicU64};
        use std::sync::{Arc, mpsc};

        let format = ExportFormat::for_path(path);
        let dir = path.parent().filter(|dir| !dir.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
        let (file, temp) = crate::fs::create_temp(dir, &name, crate::fs::Privacy::Shared)?;
        let mut view = crate::store::FilteredView::default();
        view.set_filter(filter);
        if let Some(error) = view.error() {
            let _ = std::fs::remove_file(&temp);
            return Err(error.clone().into());
        }
        let (sender, receiver) = mpsc::sync_channel::<ToWriter>(4);
        let (done_sender, done) = mpsc::sync_channel(1);
        let cancel = Arc::new(AtomicBool::new(false));
        let written = Arc::new(AtomicU64::new(0));
        let (thread_cancel, thread_written, target) = (cancel.clone(), written.clone(), path.to_path_buf());
        let spawned = std::thread::Builder::new().name("topicscope-export".into()).spawn(move || {
            let output = Output { format, decoders: &decoders };
            let result = write_stream(file, &temp, &target, &output, &receiver, &thread_cancel, &thread_written);
            if result.is_err() || thread_cancel.load(std::sync::atomic::Ordering::Relaxed) {
                let _ = std::fs::remove_file(&temp);
            }
            let _ = done_sender.send(result);
        });
        spawned.map_err(|error| ExportError::Thread(error.to_string()))?;
        Ok(Self {
            path: path.to_path_buf(),
            view,
            after: None,
            until: store.next_seq().saturating_sub(1),
            copied: 0,
            missed: 0,
            expected_first: None,
            sender: Some(sender),
            pending: None,
            finishing: false,
            cancel,
            written,
            done,
            outcome: None,
        })
    }

    /// The file being written.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Messages evicted from the log before they could be copied.
    pub fn missed(&self) -> u64 {
        self.missed
    }

    /// Copies rows to the writer for at most `budget`; call once per frame
    /// until the state is no longer `Running`.
    pub fn step(&mut self, store: &crate::store::MessageStore, budget: std::time::Duration) -> ExportState {
        let deadline = std::time::Instant::now() + budget;
        if self.sender.is_some() && !self.cancel.load(std::sync::atomic::Ordering::Relaxed) {
            self.copy_rows(store, budget / 2, deadline);
        }
        self.state()
    }

    fn copy_rows(
        &mut self,
        store: &crate::store::MessageStore,
        scan_budget: std::time::Duration,
        deadline: std::time::Instant,
    ) {
        use std::sync::mpsc::TrySendError;

        let scanned = self.view.refresh_within(store, scan_budget) == crate::store::ViewProgress::Complete;
        loop {
            if let Some(batch) = self.pending.take() {
                let Some(sender) = &self.sender else { return };
                match sender.try_send(batch) {
                    Ok(()) => {}
                    Err(TrySendError::Full(batch)) => {
                        self.pending = Some(batch);
                        return;
                    }
                    Err(TrySendError::Disconnected(_)) => {
                        self.sender = None;
                        return;
                    }
                }
                if self.end_sent() {
                    return;
                }
            }
            if std::time::Instant::now() >= deadline {
                return;
            }
            let rows = self.view.len(store);
            let mut row = self.first_row_after(store, rows);
            let mut batch = Vec::new();
            while row < rows && batch.len() < EXPORT_BATCH {
                let Some(message) = self.view.row(store, row) else { break };
                if message.seq > self.until {
                    break;
                }
                if let Some(expected) = self.expected_first
                    && message.seq > expected
                    && self.view.filter().is_empty()
                {
                    // Unfiltered rows are consecutive: a gap is eviction.
                    self.missed += message.seq - expected;
                }
                self.expected_first = Some(message.seq + 1);
                self.after = Some(message.seq);
                batch.push(message.to_owned_message());
                row += 1;
            }
            self.copied += batch.len() as u64;
            let finished = scanned && (row >= rows || self.view.row(store, row).is_none_or(|m| m.seq > self.until));
            if !batch.is_empty() {
                self.pending = Some(ToWriter::Rows(batch));
                continue;
            }
            if finished {
                // Everything handed over: tell the writer to finish.
                self.pending = Some(ToWriter::End);
                self.finishing = true;
                continue;
            }
            return;
        }
    }

    /// After the end went over, nothing more is sent.
    fn end_sent(&mut self) -> bool {
        if self.finishing && self.pending.is_none() {
            self.sender = None;
            true
        } else {
            false
        }
    }

    /// The first row whose message comes after the last one copied.
    fn first_row_after(&self, store: &crate::store::MessageStore, rows: usize) -> usize {
        let Some(after) = self.after else { return 0 };
        let (mut low, mut high) = (0, rows);
        while low < high {
            let middle = low + (high - low) / 2;
            match self.view.row(store, middle) {
                Some(message) if message.seq <= after => low = middle + 1,
                _ => high = middle,
            }
        }
        low
    }

    /// Stops the export; the temporary file is removed.
    pub fn cancel(&mut self) {
        self.cancel.store(true, std::sync::atomic::Ordering::Relaxed);
        self.sender = None;
        self.pending = None;
    }

    /// Where the export stands (without doing any work).
    pub fn state(&mut self) -> ExportState {
        if self.outcome.is_none() {
            self.outcome = self.done.try_recv().ok();
        }
        let written = self.written.load(std::sync::atomic::Ordering::Relaxed);
        match &self.outcome {
            None => ExportState::Running { copied: self.copied, written },
            Some(_) if self.cancel.load(std::sync::atomic::Ordering::Relaxed) => ExportState::Cancelled,
            Some(Ok(written)) => ExportState::Finished { written: *written },
            Some(Err(error)) => ExportState::Failed(error.clone()),
        }
    }
}

/// The writer thread: batches to the temporary file, then rename.
/// What the writer thread writes: the format and each tab's decoders.
struct Output<'a> {
    format: ExportFormat,
    decoders: &'a ExportDecoders,
}

fn write_stream(
    file: std::fs::File,
    temp: &Path,
    target: &Path,
    output: &Output<'_>,
    batches: &std::sync::mpsc::Receiver<ToWriter>,
    cancel: &std::sync::atomic::AtomicBool,
    written: &std::sync::atomic::AtomicU64,
) -> Result<u64, ExportError> {
    use std::sync::atomic::Ordering;

    let failed = |error: std::io::Error| ExportError::File(FileError::io("write", temp, &error));
    let mut writer = std::io::BufWriter::with_capacity(1 << 20, file);
    let mut total = 0;
    let mut first = true;
    loop {
        let batch = match batches.recv() {
            Ok(ToWriter::Rows(batch)) => batch,
            Ok(ToWriter::End) => break,
            Err(_) => return Err(ExportError::Interrupted(target.to_path_buf())),
        };
        if cancel.load(Ordering::Relaxed) {
            return Ok(total);
        }
        let messages = batch.iter().map(OwnedMessage::view);
        let count = if first {
            write_messages(&mut writer, messages, output.format, output.decoders)
        } else {
            write_rows(&mut writer, messages, output.format, output.decoders)
        }
        .map_err(failed)?;
        first = false;
        total += count;
        written.store(total, Ordering::Relaxed);
    }
    if cancel.load(Ordering::Relaxed) {
        return Ok(total);
    }
    if first && output.format == ExportFormat::Csv {
        writeln!(writer, "{CSV_HEADER}").map_err(failed)?;
    }
    let file = writer.into_inner().map_err(|error| failed(error.into_error()))?;
    file.sync_all().map_err(|error| FileError::io("flush to disk", temp, &error))?;
    drop(file);
    std::fs::rename(temp, target).map_err(|error| FileError::io("rename into place", target, &error))?;
    Ok(total)
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone as _, Utc};

    use super::*;
    use crate::mqtt::{MessageProperties, Qos};

    fn message<'a>(topic: &'a str, payload: &'a [u8]) -> StoredMessage<'a> {
        StoredMessage {
            time: Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0).single().expect("time"),
            qos: Qos::AtLeastOnce,
            retain: true,
            ..crate::store::test_message(topic, payload)
        }
    }

    #[test]
    fn json_lines_round_trip_text_and_binary_payloads() {
        let mut with_properties = message("a/b", b"{\"t\": 1}");
        let properties = MessageProperties {
            content_type: Some("application/json".into()),
            user_properties: vec![("k".into(), "v".into())],
            ..MessageProperties::default()
        };
        with_properties.properties = Some(&properties);
        let binary = message("bin", &[0, 255, 1]);
        let mut out = Vec::new();
        let count = write_messages(
            &mut out,
            [with_properties, binary].into_iter(),
            ExportFormat::JsonLines,
            &ExportDecoders::new(),
        )
        .expect("write");
        assert_eq!(count, 2);
        let text = String::from_utf8(out).expect("utf-8");
        let lines: Vec<Value> = text.lines().map(|line| serde_json::from_str(line).expect("json")).collect();
        assert_eq!(lines[0]["topic"], "a/b");
        assert_eq!(lines[0]["payload"], "{\"t\": 1}");
        assert_eq!(lines[0]["payload_encoding"], "utf-8");
        assert_eq!(lines[0]["time"], "2026-11-22T10:00:00.000Z");
        assert_eq!((lines[0]["qos"].clone(), lines[0]["retain"].clone()), (json!(1), json!(true)));
        assert_eq!(lines[0]["properties"]["content_type"], "application/json");
        assert_eq!(lines[0]["properties"]["user_properties"], json!([["k", "v"]]));
        assert_eq!(lines[1]["payload_encoding"], "base64");
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(lines[1]["payload"].as_str().expect("string"))
            .expect("base64");
        assert_eq!(decoded, vec![0, 255, 1]);
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
        let mut out = Vec::new();
        write_messages(&mut out, [message("t,1", b"x,\"y\"")].into_iter(), ExportFormat::Csv, &ExportDecoders::new())
            .expect("write");
        let text = String::from_utf8(out).expect("utf-8");
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some(CSV_HEADER));
        assert_eq!(lines.next(), Some("2026-11-22T10:00:00.000Z,in,\"t,1\",1,true,5,utf-8,\"x,\"\"y\"\"\",,"));
        assert_eq!(ExportFormat::for_path(Path::new("log.CSV")), ExportFormat::Csv);
        assert_eq!(ExportFormat::for_path(Path::new("log.jsonl")), ExportFormat::JsonLines);
    }

    fn store_with(count: usize) -> crate::store::MessageStore {
        let mut store = crate::store::MessageStore::new(crate::store::StoreLimits::default());
        for n in 0..count {
            let topic = if n % 2 == 0 { "even" } else { "odd" };
            store.push(crate::store::test_message(topic, n.to_string().as_bytes()));
        }
        store
    }

    fn run(job: &mut ExportJob, store: &crate::store::MessageStore) -> ExportState {
        for _ in 0..10_000 {
            match job.step(store, std::time::Duration::from_millis(2)) {
                ExportState::Running { .. } => std::thread::sleep(std::time::Duration::from_millis(1)),
                done => return done,
            }
        }
        panic!("the export did not finish");
    }

    #[test]
    fn a_large_export_streams_in_slices_and_keeps_the_snapshot_it_started_with() {
        let dir = std::env::temp_dir().join(format!("topicscope-export-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("log.csv");
        let mut store = store_with(30_000);
        let filter = crate::store::LogFilter { topic_filters: vec!["odd".into()], ..Default::default() };
        let mut job = ExportJob::start(&path, filter, &store, ExportDecoders::new()).expect("starts");
        assert!(matches!(job.step(&store, std::time::Duration::from_micros(50)), ExportState::Running { .. }));
        // Arriving after the start: not part of this export.
        store.push(crate::store::test_message("odd", b"late"));
        assert_eq!(run(&mut job, &store), ExportState::Finished { written: 15_000 });
        let text = std::fs::read_to_string(&path).expect("written");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 15_001, "header and every odd message once");
        assert_eq!(lines[0], CSV_HEADER);
        assert!(lines[1].contains(",odd,") && lines[1].contains(",1,"), "{}", lines[1]);
        assert!(lines[15_000].contains(",29999,"), "{}", lines[15_000]);
        assert!(!text.contains("late"));
        assert_eq!(leftovers(&dir), ["log.csv"], "the temporary file was renamed");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_cancelled_export_leaves_no_file_behind() {
        let dir = std::env::temp_dir().join(format!("topicscope-export-cancel-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("log.jsonl");
        let store = store_with(50_000);
        let mut job =
            ExportJob::start(&path, crate::store::LogFilter::default(), &store, ExportDecoders::new()).expect("starts");
        job.step(&store, std::time::Duration::from_millis(1));
        job.cancel();
        assert_eq!(run(&mut job, &store), ExportState::Cancelled);
        assert_eq!(leftovers(&dir), Vec::<String>::new());
        let _ = std::fs::remove_dir_all(&dir);
    }

    fn leftovers(dir: &Path) -> Vec<String> {
        std::fs::read_dir(dir)
            .map(|entries| entries.flatten().map(|entry| entry.file_name().to_string_lossy().into_owned()).collect())
            .unwrap_or_default()
    }

    #[test]
    fn an_export_dropped_midway_never_lands_under_the_target_name() {
        // The window closed (or the tab went away) mid-export: the job is
        // dropped without cancel(). Its channel closing is not "done".
        let dir = std::env::temp_dir().join(format!("topicscope-export-dropped-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("log.csv");
        let store = store_with(50_000);
        let mut job =
            ExportJob::start(&path, crate::store::LogFilter::default(), &store, ExportDecoders::new()).expect("starts");
        assert!(matches!(job.step(&store, std::time::Duration::from_millis(1)), ExportState::Running { .. }));
        drop(job);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while !leftovers(&dir).is_empty() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert_eq!(leftovers(&dir), Vec::<String>::new(), "neither a truncated target nor a temporary file");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn an_unwritable_folder_fails_before_any_work() {
        let store = store_with(3);
        let error = ExportJob::start(
            Path::new("/nonexistent-topicscope-folder/log.jsonl"),
            crate::store::LogFilter::default(),
            &store,
            ExportDecoders::new(),
        )
        .expect_err("cannot create");
        assert!(error.to_string().contains("cannot create"), "{error}");
    }
}
