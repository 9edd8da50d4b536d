//! A full disk (a 64 KiB tmpfs) during saves and an export: a clear error
//! naming the file, the old file intact, no half-written target (issue 18,
//! faults). Mounting needs root, as on the CI machine; elsewhere the test
//! says it was skipped.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::process::Command;

use topicscope_core::export::{ExportJob, ExportState};
use topicscope_core::profile::{ConnectionProfile, load_profiles, save_profile};
use topicscope_core::saved_messages::SavedMessages;
use topicscope_core::store::{LogFilter, MessageStore, StoreLimits};

struct Tmpfs(std::path::PathBuf);

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
        let _ = std::fs::remove_dir(&self.0);
    }
}

fn mount_tiny_disk() -> Option<Tmpfs> {
    let dir = std::env::temp_dir().join(format!("topicscope-full-disk-{}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    let mounted = Command::new("mount").args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"]).arg(&dir).status();
    if mounted.is_ok_and(|status| status.success()) {
        Some(Tmpfs(dir))
    } else {
        let _ = std::fs::remove_dir(&dir);
        None
    }
}

fn fill(dir: &std::path::Path) {
    use std::io::Write;
    let mut filler = std::fs::File::create(dir.join("filler")).expect("filler");
    while filler.write_all(&[0u8; 1024]).is_ok() {}
    let _ = filler.sync_all();
}

#[test]
fn a_full_disk_gives_a_clear_error_and_keeps_the_old_files() {
    let Some(disk) = mount_tiny_disk() else {
        eprintln!("skipped: cannot mount a tmpfs here (needs root)");
        return;
    };
    let dir = disk.0.clone();
    let old = ConnectionProfile { name: "victim".into(), host: "old.example".into(), ..ConnectionProfile::default() };
    save_profile(&dir, &old).expect("first save fits");
    let messages_path = dir.join("data").join("messages.ron");
    SavedMessages::default().save(&messages_path).expect("fits");
    let messages_before = std::fs::read(&messages_path).expect("read");
    fill(&dir);

    let big =
        ConnectionProfile { name: "victim".into(), host: "new.example".repeat(2000), ..ConnectionProfile::default() };
    let error = save_profile(&dir, &big).expect_err("no space").to_string();
    assert!(error.contains("No space left on device") && error.contains("victim"), "{error}");
    let (profiles, errors) = load_profiles(&dir);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(profiles.len(), 1);
    assert_eq!(profiles[0].host, "old.example", "the old profile is intact");

    let mut saved = SavedMessages::default();
    let draft = topicscope_core::compose::PublishDraft { payload: "x".repeat(20_000), ..Default::default() };
    saved.add("big", None, topicscope_core::saved_messages::SavedMessage::from_draft("m".into(), &draft));
    let error = saved.save(&messages_path).expect_err("no space").to_string();
    assert!(error.contains("No space left on device"), "{error}");
    assert_eq!(std::fs::read(&messages_path).expect("read"), messages_before, "messages.ron intact");

    // An export into the full folder fails and leaves no file.
    let mut store = MessageStore::new(StoreLimits::default());
    for n in 0..2000 {
        let message = topicscope_core::mqtt::IncomingMessage {
            topic: "t".into(),
            payload: format!("payload {n} {}", "y".repeat(100)).into_bytes().into(),
            qos: topicscope_core::mqtt::Qos::AtMostOnce,
            retain: false,
            duplicate: false,
            packet_id: 0,
            properties: None,
        };
        let time = chrono::Utc::now();
        store.push(topicscope_core::store::StoredMessage::received(
            topicscope_core::ids::TabId(1),
            time,
            &message,
            None,
        ));
    }
    let target = dir.join("log.csv");
    match ExportJob::start(&target, LogFilter::default(), &store, Default::default()) {
        Err(error) => assert!(error.to_string().contains("No space left on device"), "{error}"),
        Ok(mut job) => {
            let state = loop {
                match job.step(&store, std::time::Duration::from_millis(5)) {
                    ExportState::Running { .. } => std::thread::sleep(std::time::Duration::from_millis(2)),
                    other => break other,
                }
            };
            match state {
                ExportState::Failed(error) => {
                    assert!(error.to_string().contains("No space left on device"), "{error}");
                }
                other => panic!("export on a full disk: {other:?}"),
            }
        }
    }
    assert!(!target.exists(), "no half-written export");
    let left: Vec<_> = std::fs::read_dir(&dir)
        .expect("list")
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
}
