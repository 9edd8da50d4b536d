//! At 1280×720 with the inspector, the history and the composer's MQTT 5
//! properties open, every panel keeps its essentials in sight.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use topicscope::ui::TopicscopeApp;

use crate::helpers::*;

const WIDTH: f32 = 1280.0;
const HEIGHT: f32 = 720.0;

/// The app at 1280×720 with a message selected (the inspector open).
fn small_window_with_inspector() -> Harness<'static, TopicscopeApp> {
    let mut harness = harness();
    harness.set_size(egui::vec2(WIDTH, HEIGHT));
    connected(&mut harness);
    publish_through_composer(&mut harness, "plant/boiler/temp", "{\"temp\": 71.5}");
    step_until(&mut harness, "received", |app| received_on(app, "plant/boiler/temp") == 1);
    harness.run_steps(2);
    harness.query_all_by_label("plant/boiler/temp").last().expect("the row").click();
    harness.run_steps(3);
    assert!(harness.state().ui.log.selected_message.is_some(), "the inspector is open");
    harness
}

/// A widget is drawn whole inside the window.
fn in_sight(harness: &Harness<'_, TopicscopeApp>, label: &str) -> egui::Rect {
    let rect = harness.get_by_label(label).rect();
    let window = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(WIDTH, HEIGHT));
    assert!(window.contains_rect(rect), "{label} is cut off: {rect:?}");
    rect
}

#[test]
fn the_log_toolbar_keeps_follow_newest_and_the_count_beside_the_inspector() {
    let mut harness = small_window_with_inspector();
    let inspector = harness.get_by_label("Close the inspector").rect();
    for label in ["Follow newest", "More…", "Filters", "Pause"] {
        let rect = in_sight(&harness, label);
        assert!(rect.right() <= inspector.left(), "{label} ends before the inspector: {rect:?}");
    }
    let count = harness.get_by_label("2 messages").rect();
    assert!(count.right() <= inspector.left(), "the count ends before the inspector: {count:?}");
    // Export and Clear are one click further, in More….
    harness.get_by_label("More…").click();
    harness.run_steps(3);
    harness.get_by_label("Clear").click();
    harness.run_steps(2);
    assert_eq!(harness.state().workspace.store.len(), 0, "Clear from the More menu cleared the log");
}

#[test]
fn the_mqtt5_properties_open_beside_the_payload_without_squeezing_the_inspector() {
    let mut harness = small_window_with_inspector();
    let composer = harness.state().ui.composer.height;
    let inspector = harness.get_by_label("Close the inspector").rect();
    harness.get_by_label("MQTT 5 properties").click();
    harness.run_steps(10);
    assert!(harness.state().ui.composer.properties_open);
    for label in ["Content type", "Response topic", "Correlation data"] {
        in_sight(&harness, label);
    }
    assert_eq!(harness.state().ui.composer.height, composer, "the composer is no taller");
    assert_eq!(harness.get_by_label("Close the inspector").rect(), inspector, "the inspector did not move");
    harness.get_by_label("MQTT 5 properties").click();
    harness.run_steps(10);
    assert!(harness.query_by_label("Content type").is_none(), "hidden again");
}

#[test]
fn a_topic_history_leaves_the_log_ten_rows() {
    let mut harness = small_window_with_inspector();
    harness.get_by_label("History").click();
    harness.run_steps(5);
    assert!(harness.state().ui.history.topic.is_some(), "the history is open");
    let toolbar = harness.get_by_label("Follow newest").rect();
    let history = harness.get_by_label("Close the history").rect();
    let log_height = history.top() - toolbar.bottom();
    assert!(log_height >= 10.0 * 20.0, "the log keeps ten rows above the history: {log_height} px");
}

#[test]
fn the_inspector_folds_its_details_in_a_low_window_to_show_the_payload() {
    let mut harness = small_window_with_inspector();
    assert!(harness.query_by_label("QoS / retain").is_none(), "the details start folded at 720 px");
    let payload_row = in_sight(&harness, "  \"temp\": 71.5");
    let composer_top = harness.get_by_label("New message").rect().top();
    assert!(payload_row.bottom() < composer_top, "the payload shows above the composer: {payload_row:?}");
    // One click unfolds them.
    harness.get_by_label_contains("received · QoS 0").click();
    harness.run_steps(10);
    assert!(harness.query_by_label("QoS / retain").is_some());
}
