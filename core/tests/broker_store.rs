//! The embedded broker's store in its data folder (issue 22, durability):
//! the journal replays what a run that never stopped acknowledged (a write
//! it did not finish is dropped, and said so); a damaged snapshot or
//! journal stops start-up with a clear error and is left as it is, unless
//! the user chooses an empty store, which keeps the damaged files aside.
//! The kill -9 runs are in the app's tests/broker_durability.rs.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail the test on error

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use topicscope_core::broker::persist::SNAPSHOT_FILE;
use topicscope_core::broker::{BrokerConfig, EmbeddedBroker, JOURNAL_FILE};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("topicscope-store-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn start(dir: &Path, discard_damaged_state: bool) -> Result<EmbeddedBroker, topicscope_core::broker::BrokerError> {
    EmbeddedBroker::start(BrokerConfig {
        persistence: Some(dir.to_path_buf()),
        discard_damaged_state,
        ..BrokerConfig::ephemeral()
    })
}

fn log_of(broker: &EmbeddedBroker) -> String {
    broker.monitor().lock().log.iter().map(|entry| entry.text.clone()).collect::<Vec<_>>().join("\n")
}

fn retained(port: u16, topic: &str) -> String {
    let output = Process::new("mosquitto_sub")
        .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-t", topic, "-C", "1", "-W", "3"])
        .output()
        .expect("mosquitto_sub (apt-get install mosquitto-clients)");
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats").join(name)
}

/// The journal with every time in it (when each record was written, when
/// the session went away) moved to now: sessions expire by the clock, the
/// format does not. Frames: 0xA5, length and CRC-32 (both u32 LE), CBOR.
fn as_if_written_now(journal: &[u8]) -> Vec<u8> {
    fn restamp(value: &mut ciborium::Value, now: i64) {
        match value {
            ciborium::Value::Map(fields) => {
                for (key, field) in fields.iter_mut() {
                    if key.as_text() == Some("at") {
                        *field = ciborium::Value::Integer(now.into());
                    } else {
                        restamp(field, now);
                    }
                }
            }
            ciborium::Value::Array(items) => items.iter_mut().for_each(|item| restamp(item, now)),
            _ => {}
        }
    }
    let now = chrono::Utc::now().timestamp_millis();
    let (mut at, mut out) = (0, Vec::new());
    while at < journal.len() {
        let length = u32::from_le_bytes(journal[at + 1..at + 5].try_into().expect("length")) as usize;
        let mut record: ciborium::Value = ciborium::from_reader(&journal[at + 9..at + 9 + length]).expect("CBOR");
        restamp(&mut record, now);
        let mut body = Vec::new();
        ciborium::into_writer(&record, &mut body).expect("encoded");
        out.push(0xA5);
        out.extend_from_slice(&(body.len() as u32).to_le_bytes());
        out.extend_from_slice(&crc32fast::hash(&body).to_le_bytes());
        out.extend_from_slice(&body);
        at += 9 + length;
    }
    out
}

#[test]
fn a_journal_of_the_first_format_replays_with_a_torn_last_write_dropped() {
    // Written by the embedded broker while running (no snapshot, as after
    // a crash before its first fold): a retained message on plant/boiler and
    // a persistent session "golden-journal" subscribed to alarms/# with one
    // QoS 1 alarm owed to it. Then half a record more, as a kill -9 leaves.
    let dir = temp_dir("replay");
    let mut bytes = as_if_written_now(&std::fs::read(fixture("broker-journal").join(JOURNAL_FILE)).expect("fixture"));
    bytes.extend_from_slice(&[0xA5, 200, 0, 0, 0, 1, 2, 3]);
    std::fs::write(dir.join(JOURNAL_FILE), bytes).expect("written");
    let broker = start(&dir, false).expect("the broker starts from the journal");
    let log = log_of(&broker);
    assert!(log.contains("restored 1 retained messages and 1 persistent sessions (1 queued messages)"), "{log}");
    assert!(log.contains("8 bytes of a write it did not finish dropped"), "{log}");
    let port = broker.local_addr().port();
    assert_eq!(retained(port, "plant/boiler"), "72.5");
    let output = Process::new("mosquitto_sub")
        .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-V", "mqttv5", "-i", "golden-journal", "-c"])
        .args(["-x", "3600", "-q", "1", "-t", "alarms/#", "-v", "-C", "1", "-W", "5"])
        .output()
        .expect("mosquitto_sub");
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "alarms/boiler over temperature");
    broker.stop();
    // A clean stop folds the journal into the snapshot and empties it.
    assert_eq!(std::fs::metadata(dir.join(JOURNAL_FILE)).expect("journal").len(), 0);
    assert!(dir.join(SNAPSHOT_FILE).is_file());
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every file in `dir` whose name starts with `prefix`.
fn named(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.file_name().is_some_and(|name| name.to_string_lossy().starts_with(prefix)))
        .collect();
    found.sort();
    found
}

#[test]
fn a_damaged_store_stops_start_up_and_is_kept_aside_only_when_asked() {
    let journal = std::fs::read(fixture("broker-journal").join(JOURNAL_FILE)).expect("fixture");
    // A snapshot that is not CBOR; a journal with a bad record between good ones.
    let mut bad_journal = journal.clone();
    let middle = bad_journal.len() / 2;
    bad_journal[middle] ^= 0xff;
    for (what, file, bytes) in
        [("snapshot", SNAPSHOT_FILE, b"not a snapshot at all".to_vec()), ("journal", JOURNAL_FILE, bad_journal)]
    {
        let dir = temp_dir(&format!("damaged-{what}"));
        std::fs::write(dir.join(file), &bytes).expect("written");
        let Err(error) = start(&dir, false) else { panic!("{what}: a damaged store must stop start-up") };
        assert!(error.is_damaged_store(), "{what}: {error}");
        let text = error.to_string();
        assert!(text.contains("saved state is damaged") && text.contains(file), "{what}: {text}");
        assert_eq!(std::fs::read(dir.join(file)).expect("left as it is"), bytes, "{what}: untouched");

        let broker = start(&dir, true).expect("starts empty when asked");
        let log = log_of(&broker);
        assert!(log.contains("started with an empty store as asked"), "{what}: {log}");
        let aside = named(&dir, &format!("{file}.damaged-"));
        assert_eq!(aside.len(), 1, "{what}: kept aside as {aside:?}");
        assert_eq!(std::fs::read(&aside[0]).expect("kept"), bytes, "{what}: kept whole");
        assert!(log.contains(&aside[0].display().to_string()), "{what}: the log names where it went: {log}");
        broker.stop();
        let _ = std::fs::remove_dir_all(&dir);
    }
}
