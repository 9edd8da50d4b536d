//! The Scenarios window: the folder's files listed (a malformed one with
//! its file:line:col), one run live against the embedded broker with the
//! active tab's settings, each step with its status and time, a failure
//! with what arrived instead.

use egui_kittest::kittest::Queryable as _;

use crate::helpers::*;

#[test]
fn scenarios_run_from_the_window_with_live_step_results() {
    let dir = std::env::temp_dir().join(format!("topicscope-ui-scenarios-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("folder");
    std::fs::write(
        dir.join("echo.ron"),
        r#"(name: "echo comes back", steps: [
            Subscribe(filter: "win/#", qos: 1),
            Publish(topic: "win/set", payload: "{\"target\": 19}", qos: 1),
            Expect((topic: "win/set", within_ms: 3000, matchers: [JsonEquals(pointer: "/target", value: 19)])),
        ])"#,
    )
    .expect("written");
    std::fs::write(
        dir.join("wrong.ron"),
        r#"(name: "wrong value", steps: [
            Subscribe(filter: "wrong/#"),
            Publish(topic: "wrong/set", payload: "{\"target\": 19}"),
            Expect((topic: "wrong/set", within_ms: 500, matchers: [JsonEquals(pointer: "/target", value: 21)])),
        ])"#,
    )
    .expect("written");
    std::fs::write(dir.join("broken.ron"), "(name: \"x\", steps: [Wiat(ms: 1)])").expect("written");
    let mut harness = harness();
    connected(&mut harness);
    harness.state_mut().ui.scenarios.folder = Some(dir.clone());
    menu(&mut harness, "View", "Scenarios");
    step_until(&mut harness, "the folder read", |app| app.ui.scenarios.entries.len() == 3);
    harness.run_steps(2);
    assert!(harness.query_by_label("echo comes back").is_some());
    // One file per row, top to bottom (the rows once ran side by side).
    let echo = harness.get_by_label("echo comes back").rect();
    let wrong = harness.get_by_label("wrong value").rect();
    assert!(wrong.min.y > echo.max.y - 1.0 && (wrong.min.x - echo.min.x).abs() < 40.0, "{echo:?} {wrong:?}");
    harness.get_by_label("broken.ron").click();
    harness.run_steps(2);
    assert!(harness.query_by_label_contains("broken.ron:1:21: ").is_some(), "the malformed file says where");

    harness.get_by_label("Run all").click();
    step_until(&mut harness, "both runs finished", |app| {
        app.ui
            .scenarios
            .runs
            .values()
            .filter(|run| matches!(run, topicscope::ui::scenarios_panel::RunView::Finished(_)))
            .count()
            == 2
    });
    harness.get_by_label("echo comes back").click();
    harness.run_steps(2);
    assert!(harness.query_by_label("PASS").is_some());
    assert!(harness.query_by_label("3. Expect win/set within 3000 ms").is_some(), "each step listed");
    harness.get_by_label("wrong value").click();
    harness.run_steps(2);
    assert!(harness.query_by_label("FAIL").is_some());
    assert!(
        harness.query_by_label_contains("the nearest was {\"target\": 19} (/target is 19, expected 21)").is_some(),
        "what arrived instead"
    );
    // Opened: the arrived JSON against what the matchers expected.
    harness.get_by_label("What arrived on wrong/set").click();
    harness.run_steps(2);
    assert!(harness.query_by_label("/target").is_some(), "the pointer that differs");
    assert!(harness.query_by_label("21 → 19").is_some(), "expected → arrived");
    let _ = std::fs::remove_dir_all(&dir);
}
