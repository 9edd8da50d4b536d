//! The Record & replay window: the log saved as a recording (messages
//! another client published, 300 ms apart), read back, and replayed from
//! the tab's connection under a topic prefix with the recorded order and
//! spacing; the job listed with its figures.

use egui_kittest::kittest::Queryable as _;

use crate::helpers::*;

#[test]
fn the_log_saved_as_a_recording_replays_with_its_order_and_timing() {
    let dir = std::env::temp_dir().join(format!("topicscope-ui-replay-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("folder");
    let mut harness = harness_without_file_dialogs();
    connected(&mut harness);
    for n in 1..=3 {
        mosquitto_pub(&harness, &format!("uirec/{n}"), &["-m", &format!("reading {n}")]);
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
    step_until(&mut harness, "the three in the log", |app| {
        (1..=3).all(|n| received_on(app, &format!("uirec/{n}")) == 1)
    });
    // Only these go into the recording.
    harness.state_mut().ui.log.topic_filter = "uirec/#".into();
    harness.run_steps(3);
    menu(&mut harness, "View", "Record & replay");
    harness.get_by_label("Save the log as a recording…").click();
    step_until(&mut harness, "the path prompt", |app| app.ui.path_prompt.is_some());
    harness.run_steps(2);
    let target = dir.join("session.jsonl");
    replace_text(&mut harness, "Path", &target.display().to_string());
    harness.get_by_label("OK").click();
    step_until(&mut harness, "the recording written", |app| {
        target.is_file() && app.ui.status.export_progress.is_none()
    });

    harness.get_by_label("Choose recording…").click();
    step_until(&mut harness, "the path prompt", |app| app.ui.path_prompt.is_some());
    harness.run_steps(2);
    replace_text(&mut harness, "Path", &target.display().to_string());
    harness.get_by_label("OK").click();
    step_until(&mut harness, "the recording read", |app| app.ui.replay.recording.is_some());
    harness.run_steps(2);
    assert!(harness.query_by_label_contains("session.jsonl: 3 messages over 0.").is_some(), "what it holds");
    replace_text(&mut harness, "Topic prefix", "again/");
    harness.get_by_label("Start replay").click();
    step_until(&mut harness, "the replay received", |app| {
        (1..=3).all(|n| received_on(app, &format!("again/uirec/{n}")) == 1)
    });
    // The recorded order and spacing: 300 ms apart, never earlier.
    let store = &harness.state().workspace.store;
    let times: Vec<(String, chrono::DateTime<chrono::Utc>)> = (0..store.len())
        .filter_map(|i| store.at(i))
        .filter(|m| m.direction == topicscope::core::mqtt::Direction::Incoming && m.topic.starts_with("again/"))
        .map(|m| (m.topic.to_owned(), m.time))
        .collect();
    let topics: Vec<&str> = times.iter().map(|(topic, _)| topic.as_str()).collect();
    assert_eq!(topics, ["again/uirec/1", "again/uirec/2", "again/uirec/3"]);
    let span = (times[2].1 - times[0].1).num_milliseconds();
    assert!((580..1500).contains(&span), "replayed over {span} ms; recorded over about 600 ms");
    step_until(&mut harness, "the job ended", |app| app.workspace.repeats.values().any(|job| job.lateness.is_some()));
    harness.run_steps(2);
    assert!(harness.query_by_label("Replay of session.jsonl: 3 / 3 sent").is_some());
    assert!(harness.query_by_label_contains("sent late by median ").is_some());
    let _ = std::fs::remove_dir_all(&dir);
}
