//! The Mocks window: the mocks folder's files listed, one switched on for
//! the active tab (kept in its profile), the engine answering the
//! composer's request on the tab's connection after the rule's delay, the
//! answer counted and listed; switched off, it answers no more.

use egui_kittest::kittest::Queryable as _;

use crate::helpers::*;

#[test]
fn a_mock_switched_on_in_the_window_answers_on_the_tab_connection() {
    let dir = std::env::temp_dir().join(format!("topicscope-ui-mocks-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("folder");
    std::fs::write(
        dir.join("thermostat.ron"),
        r#"(name: "thermostat", rules: [
            (filter: "uimock/+/get", capture: {"id": "/id"},
             respond: (topic: "uimock/{{level.1}}/state", payload: "{\"id\": \"{{id}}\", \"on\": true}", delay_ms: 100, qos: 1)),
        ])"#,
    )
    .expect("written");
    let mut harness = harness();
    connected(&mut harness);
    harness.state_mut().ui.mocks.folder = Some(dir.clone());
    menu(&mut harness, "View", "Mocks");
    step_until(&mut harness, "the folder listed", |app| app.ui.mocks.available.len() == 1);
    harness.run_steps(2);
    assert!(harness.query_by_label_contains("No mock is switched on").is_some());
    harness.get_by_label("thermostat.ron").click();
    step_until(&mut harness, "the mock listening", |app| !app.workspace.active_tab().mocks.listening().is_empty());
    assert_eq!(
        harness.state().workspace.active_tab().profile.mocks,
        [dir.join("thermostat.ron")],
        "kept in the profile"
    );
    harness.run_steps(2);
    assert!(harness.query_by_label("uimock/+/get").is_some(), "what it listens on");
    assert!(harness.query_by_label_contains("thermostat · 1 rule").is_some());

    publish_through_composer(&mut harness, "uimock/7/get", r#"{"id": "t-1"}"#);
    step_until(&mut harness, "the answer", |app| received_on(app, "uimock/7/state") == 1);
    assert_eq!(incoming_payloads(harness.state(), "uimock/7/state"), [r#"{"id": "t-1", "on": true}"#]);
    // The tab's '#' and the mock's own filter both match the request: it
    // is still answered once.
    harness.run_steps(20);
    std::thread::sleep(std::time::Duration::from_millis(300));
    harness.run_steps(5);
    assert_eq!(harness.state().workspace.active_tab().mocks.answered(), 1);
    assert_eq!(received_on(harness.state(), "uimock/7/state"), 1);
    assert!(harness.query_by_label("1 answer sent").is_some());
    assert!(harness.query_by_label("uimock/7/get → uimock/7/state").is_some());
    assert!(harness.query_by_label("thermostat, rule 1, after 100 ms").is_some());

    harness.get_by_label("thermostat.ron").click();
    step_until(&mut harness, "switched off", |app| app.workspace.active_tab().mocks.listening().is_empty());
    publish_through_composer(&mut harness, "uimock/8/get", r#"{"id": "t-2"}"#);
    step_until(&mut harness, "the request looped back", |app| received_on(app, "uimock/8/get") == 1);
    std::thread::sleep(std::time::Duration::from_millis(400));
    harness.run_steps(5);
    assert_eq!(received_on(harness.state(), "uimock/8/state"), 0, "no answer once off");
    let _ = std::fs::remove_dir_all(&dir);
}
