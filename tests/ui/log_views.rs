//! The log, the inspector, the topic tree, history, charts and export.

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use topicscope::core::broker::BrokerConfig;
use topicscope::core::engine::BrokerState;
use topicscope::core::ids::TabId;
use topicscope::core::mqtt::{Direction, Qos};
use topicscope::ui::AppOptions;
use topicscope::ui::TopicscopeApp;
use topicscope::ui::state::InspectorTab;

use crate::common;
use crate::helpers::*;

#[test]
fn selecting_a_row_opens_the_inspector_with_json_views() {
    let mut harness = harness();
    connected(&mut harness);
    harness.get_by_label("Publish").click();
    step_until(&mut harness, "message received", |app| app.workspace.store.counters().received >= 1);
    harness.step();
    harness.get_all_by_label("topicscope/demo").next().expect("a row").click();
    harness.step();
    harness.step();
    assert!(harness.state().ui.log.selected_message.is_some());
    assert_eq!(harness.state().ui.inspector.tab, InspectorTab::PrettyJson, "a JSON document opens pretty");
    assert!(harness.query_by_label("  \"temperature\": 21.5,").is_some(), "pretty rows show one member each");
    harness.get_by_label("JSON tree").click();
    harness.step();
    harness.step();
    // egui_json_tree renders each value as its own node.
    assert!(harness.query_by_label("21.5").is_some());
    harness.get_by_label("Hex").click();
    harness.step();
    assert!(harness.query_by_label_contains("00000000").is_some());
}

#[test]
fn a_20_mb_binary_payload_is_previewed_cut_and_inspected_in_full() {
    let mut harness = harness();
    connected(&mut harness);
    let payload: Vec<u8> = (0..20 * 1024 * 1024).map(|index: u32| (index % 256) as u8).collect();
    let connection = harness.state().workspace.active_tab().connection.expect("connection");
    let message = topicscope::core::mqtt::IncomingMessage {
        topic: "huge/binary".into(),
        payload: payload.clone().into(),
        qos: Qos::AtMostOnce,
        retain: false,
        duplicate: false,
        packet_id: 0,
        properties: None,
    };
    harness.state_mut().workspace.apply(topicscope::core::engine::Event {
        at: chrono::Utc::now(),
        kind: topicscope::core::engine::EventKind::Connection {
            connection,
            event: topicscope::core::engine::ConnectionEvent::Messages(vec![(chrono::Utc::now(), message)]),
        },
    });
    harness.step();
    harness.step();
    // The row shows a short hex preview, marked as cut.
    let preview = harness.query_by_label_contains("00 01 02 03").and_then(|node| node.value()).expect("preview row");
    assert!(preview.starts_with("00 01 02 03") && preview.ends_with('…') && preview.len() < 200, "{preview}");
    harness.get_by_label("huge/binary").click();
    harness.step();
    harness.step();
    // Binary opens as hex; the last line of the dump is reachable (rows are virtualised).
    assert!(harness.query_by_label_contains("00000000  00 01 02 03").is_some());
    assert!(harness.query_by_label_contains("received · QoS 0 · 20.0 MiB").is_some(), "the size in the summary");
    assert!(harness.query_by_label_contains("20971520 bytes").is_some(), "and exactly, under the dump");
    let store = &harness.state().workspace.store;
    assert_eq!(store.at(store.len() - 1).map(|m| m.payload.len()), Some(payload.len()));
}

#[test]
fn the_topic_tree_counts_topics_and_filters_the_log_to_one() {
    let mut harness = harness();
    connected(&mut harness);
    for topic in ["plant/line1/pressure", "plant/line1/pressure", "plant/line2/temp", "office/door"] {
        replace_text(&mut harness, "Topic", topic);
        harness.get_by_label("Publish").click();
        harness.step();
    }
    step_until(&mut harness, "four messages received", |app| app.workspace.store.counters().received == 4);
    harness.get_by_role_and_label(Role::Button, "Topic tree").click();
    harness.step();
    harness.step();
    assert_eq!(harness.state().workspace.active_tab().tree.topic_count(), 3);
    harness.get_by_label("Expand plant").click();
    harness.step();
    harness.step();
    harness.get_by_label("Expand plant/line1").click();
    harness.step();
    harness.step();
    harness.get_by_role_and_label(Role::Button, "pressure").click();
    harness.step();
    harness.step();
    assert_eq!(harness.state().ui.log.selected_topic.as_deref(), Some("plant/line1/pressure"));
    // Its history: two sends and two receptions.
    assert_eq!(harness.state().visible_log_rows(), 4);
    replace_text(&mut harness, "Find topic", "door");
    harness.step();
    harness.step();
    assert!(harness.query_by_role_and_label(Role::Button, "door").is_some());
    assert!(harness.query_by_role_and_label(Role::Button, "pressure").is_none());
}

#[test]
fn log_filters_regex_retained_and_pause() {
    let mut harness = harness();
    connected(&mut harness);
    for (topic, retain) in [("meter/1", false), ("meter/2", true), ("valve/7", false)] {
        replace_text(&mut harness, "Topic", topic);
        harness.state_mut().workspace.active_tab_mut().draft.retain = retain;
        harness.get_by_label("Publish").click();
        harness.step();
    }
    step_until(&mut harness, "three received", |app| app.workspace.store.counters().received == 3);
    harness.step();
    assert_eq!(harness.state().visible_log_rows(), 6);

    // Pausing holds new rows back while they are still received and stored.
    harness.get_by_label("Pause").click();
    harness.step();
    harness.step();
    assert!(harness.state().ui.log.paused);
    harness.get_by_label("Publish").click();
    step_until(&mut harness, "received while paused", |app| app.workspace.store.counters().received == 4);
    harness.step();
    assert_eq!(harness.state().visible_log_rows(), 6);
    assert!(harness.query_by_label_contains("paused, 2 new").is_some());
    harness.get_by_label("Resume").click();
    harness.step();
    harness.step();
    assert_eq!(harness.state().visible_log_rows(), 8);

    // A regular expression over topic and payload.
    replace_text(&mut harness, "Search", r"^meter/[0-9]$");
    harness.get_by_label("Regex").click();
    harness.step();
    harness.step();
    assert_eq!(harness.state().visible_log_rows(), 4, "meter topics only, in and out");

    // Retained only, from the filters menu: the retained publish went out with
    // the flag; its live delivery to us has it cleared (MQTT rules).
    harness.get_by_label("Filters").click();
    for _ in 0..4 {
        harness.step();
    }
    harness.get_by_label("Retained only").click();
    harness.step();
    harness.step();
    assert_eq!(harness.state().visible_log_rows(), 1);
}

#[test]
fn the_retained_manager_lists_and_clears_after_confirmation() {
    let mut harness = harness();
    connected(&mut harness);
    replace_text(&mut harness, "Topic", "lamp/state");
    harness.state_mut().workspace.active_tab_mut().draft.retain = true;
    harness.get_by_label("Publish").click();
    step_until(&mut harness, "published", |app| app.workspace.store.counters().sent == 1);
    // A new subscription gets the retained message replayed (retain flag set).
    replace_text(&mut harness, "Topic filter", "lamp/#");
    harness.get_by_label("Subscribe").click();
    step_until(&mut harness, "retained replay", |app| {
        app.workspace.active_tab().tree.retained_topics(None) == vec!["lamp/state".to_owned()]
    });
    harness.get_by_role_and_label(Role::Button, "Topic tree").click();
    harness.step();
    harness.step();
    harness.get_by_label("Retained…").click();
    for _ in 0..4 {
        harness.step();
    }
    harness.get_by_label("Clear…").click();
    harness.step();
    harness.step();
    assert!(harness.query_by_label("Clear the retained message of 1 topic?").is_some());
    harness.get_by_label("Clear 1 retained message").click();
    step_until(&mut harness, "the empty retained publish sent", |app| app.workspace.store.counters().sent == 2);
    assert!(harness.state().workspace.active_tab().tree.retained_topics(None).is_empty());
}

#[test]
fn a_topics_history_shows_and_two_picked_messages_diff_by_json_field() {
    let mut harness = harness();
    connected(&mut harness);
    for payload in
        [r#"{"temp": 20, "state": "on"}"#, r#"{"temp": 21, "state": "on"}"#, r#"{"temp": 21, "state": "off"}"#]
    {
        publish_through_composer(&mut harness, "plant/boiler", payload);
    }
    step_until(&mut harness, "three received", |app| received_on(app, "plant/boiler") == 3);
    harness.get_by_role_and_label(Role::Button, "Topic tree").click();
    harness.step();
    harness.step();
    harness.get_by_label("Expand plant").click();
    harness.step();
    harness.step();
    harness.get_by_role_and_label(Role::Button, "boiler").click();
    for _ in 0..4 {
        harness.step();
    }
    assert_eq!(harness.state().ui.history.topic.as_deref(), Some("plant/boiler"));
    assert!(harness.query_by_label("3 messages in the log").is_some(), "the history counts what it holds");
    // Oldest first: tick the first two messages.
    let compare: Vec<_> = harness.get_all_by_label("Compare").collect();
    assert_eq!(compare.len(), 3);
    compare[0].click();
    compare[1].click();
    for _ in 0..10 {
        harness.step();
    }
    assert_eq!(harness.state().ui.history.diff_picks.len(), 2);
    assert!(harness.query_by_label("/temp").is_some(), "the changed field is named");
    assert!(harness.query_by_label("20 → 21").is_some(), "with its old and new value");
    assert!(harness.query_by_label("/state").is_none(), "unchanged fields are not listed");

    // "Compare with previous" on the newest message picks the one before it.
    let newest = harness.state().ui.history.view.row(&harness.state().workspace.store, 2).unwrap().seq;
    harness.state_mut().apply_action(topicscope::ui::UiAction::SelectMessage { seq: Some(newest) });
    harness.step();
    harness.get_by_label("Compare with previous").click();
    for _ in 0..4 {
        harness.step();
    }
    let middle = harness.state().ui.history.view.row(&harness.state().workspace.store, 1).unwrap().seq;
    assert_eq!(harness.state().ui.history.diff_picks, vec![middle, newest]);
    assert!(harness.query_by_label("\"on\" → \"off\"").is_some(), "the state change is shown");
    assert!(harness.query_by_label("/temp").is_none());
}

#[test]
fn a_number_in_the_json_tree_is_charted_from_its_context_menu() {
    let mut harness = harness();
    connected(&mut harness);
    for payload in [r#"{"sensor": {"temp": 20.5}}"#, r#"{"sensor": {"temp": 22.25}}"#] {
        publish_through_composer(&mut harness, "lab/probe", payload);
    }
    step_until(&mut harness, "two received", |app| received_on(app, "lab/probe") == 2);
    let newest = {
        let store = &harness.state().workspace.store;
        (0..store.len()).filter_map(|i| store.at(i)).rfind(|m| m.direction == Direction::Incoming).unwrap().seq
    };
    harness.state_mut().apply_action(topicscope::ui::UiAction::SelectMessage { seq: Some(newest) });
    harness.step();
    harness.get_by_label("JSON tree").click();
    for _ in 0..3 {
        harness.step();
    }
    harness.get_by_label("22.25").click_secondary();
    for _ in 0..3 {
        harness.step();
    }
    harness.get_by_label("Chart this value").click();
    for _ in 0..4 {
        harness.step();
    }
    let app = harness.state();
    assert!(app.ui.charts.open);
    let series = &app.workspace.active_tab().charts.series()[0];
    assert_eq!(series.key.pointer.as_deref(), Some("/sensor/temp"));
    let values: Vec<f64> = series.points.iter().map(|point| point[1]).collect();
    assert_eq!(values, vec![20.5, 22.25], "filled from the log");
    assert!(harness.query_all_by_label("lab/probe /sensor/temp").next().is_some(), "listed in the charts window");
    // The view choice is remembered for the topic.
    assert_eq!(
        harness.state().ui.inspector.views.get("lab/probe"),
        Some(&topicscope::ui::state::InspectorTab::JsonTree)
    );
}

#[test]
fn a_large_log_exports_with_progress_in_the_status_bar() {
    let mut harness = harness();
    connected(&mut harness);
    {
        let store = &mut harness.state_mut().workspace.store;
        let payload = vec![b'x'; 200];
        for n in 0..200_000u32 {
            let topic = format!("bulk/{}", n % 100);
            store.push(topicscope::core::store::StoredMessage {
                seq: 0,
                tab: TabId(1),
                time: chrono::Utc::now(),
                direction: Direction::Incoming,
                topic: &topic,
                payload: &payload,
                qos: Qos::AtMostOnce,
                retain: false,
                subscription: None,
                properties: None,
            });
        }
    }
    let dir = std::env::temp_dir().join(format!("topicscope-ui-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bulk.jsonl");
    harness.state_mut().start_export(&path, topicscope::core::store::LogFilter::default());
    harness.step();
    harness.step();
    assert!(harness.state().ui.status.export_progress.is_some(), "the export runs over several frames");
    assert!(harness.query_by_label_contains("messages to bulk.jsonl").is_some(), "progress in the status bar");
    step_until(&mut harness, "the export finished", |app| app.ui.status.export_progress.is_none());
    let lines = std::fs::read_to_string(&path).unwrap().lines().count();
    assert!(lines >= 200_000, "every message written ({lines})");

    // A second one, cancelled from the status bar: no file.
    let cancelled = dir.join("cancelled.jsonl");
    harness.state_mut().start_export(&cancelled, topicscope::core::store::LogFilter::default());
    harness.step();
    harness.step();
    let progress = harness.state().ui.status.export_progress.clone();
    assert!(progress.is_some(), "still running when Cancel is clicked");
    harness.get_by_label("Cancel").click();
    step_until(&mut harness, "the export stopped", |app| app.ui.status.export_progress.is_none());
    eprintln!("cancelled at {progress:?}");
    assert!(!cancelled.exists(), "a cancelled export writes nothing");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn hidden_clocks_show_dashes_in_the_log_and_real_times_otherwise() {
    for hide_clocks in [true, false] {
        let mut harness = harness_with(AppOptions {
            broker: BrokerConfig::ephemeral(),
            profile_dir: None,
            hide_clocks,
            ..AppOptions::default()
        });
        connected(&mut harness);
        publish_through_composer(&mut harness, "clock/tick", "1");
        step_until(&mut harness, "the message in the log", |app| received_on(app, "clock/tick") == 1);
        harness.step();
        let dashes = harness.query_all_by_label("--:--:--.---").count();
        if hide_clocks {
            assert_eq!(dashes, 2, "the sent and the received row");
        } else {
            assert_eq!(dashes, 0);
        }
    }
}

/// Publishes `msg-N` for each N in `numbers` on `topic` with mosquitto_pub
/// (one connection, one line each) to the embedded broker.
fn send_lines(app: &TopicscopeApp, topic: &str, numbers: std::ops::Range<u32>) {
    use std::io::Write as _;
    let BrokerState::Running { addr, .. } = &app.workspace.broker else { panic!("the embedded broker runs") };
    let mut child = std::process::Command::new("mosquitto_pub")
        .args(["-h", "127.0.0.1", "-p", &addr.port().to_string(), "-t", topic, "-l"])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("mosquitto_pub must be installed");
    let lines: String = numbers.map(|n| format!("msg-{n}\n")).collect();
    child.stdin.take().expect("stdin").write_all(lines.as_bytes()).expect("written");
    assert!(child.wait().expect("mosquitto_pub ends").success());
}

fn visible(harness: &Harness<'_, TopicscopeApp>, label: &str) -> bool {
    harness.query_by_label(label).is_some()
}

#[test]
fn following_stops_when_leaving_the_bottom_and_the_box_end_or_the_chip_bring_it_back() {
    let mut harness = harness();
    connected(&mut harness);
    send_lines(harness.state(), "follow/test", 0..200);
    step_until(&mut harness, "200 messages", |app| received_on(app, "follow/test") == 200);
    harness.run_steps(4);
    assert!(harness.state().ui.log.follow && visible(&harness, "msg-199"), "following from the start");

    // The wheel over the log scrolls up: following stops and the box says so.
    let over_the_log = harness.get_by_label("msg-199").rect().center();
    harness.hover_at(over_the_log);
    harness.event(egui::Event::MouseWheel {
        unit: egui::MouseWheelUnit::Point,
        delta: egui::vec2(0.0, 3000.0),
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Unknown,
        modifiers: egui::Modifiers::NONE,
    });
    harness.run_steps(4);
    assert!(!harness.state().ui.log.follow, "scrolling up unticks Follow newest");
    assert!(!visible(&harness, "msg-199"));

    // New messages wait below, counted on a chip.
    send_lines(harness.state(), "follow/test", 200..250);
    step_until(&mut harness, "50 more", |app| received_on(app, "follow/test") == 250);
    harness.run_steps(2);
    assert!(visible(&harness, "50 new ↓"), "the way back is offered");
    assert!(!visible(&harness, "msg-249"));

    // Ticking the box jumps to the newest and follows again.
    harness.get_by_label("Follow newest").click();
    harness.run_steps(4);
    assert!(harness.state().ui.log.follow && visible(&harness, "msg-249"), "ticking jumps to the newest");
    send_lines(harness.state(), "follow/test", 250..260);
    step_until(&mut harness, "10 more", |app| received_on(app, "follow/test") == 260);
    harness.run_steps(4);
    assert!(visible(&harness, "msg-259"), "and keeps following");

    // A click on a row stops following; End brings it back.
    harness.get_by_label("msg-250").click();
    harness.run_steps(2);
    assert!(!harness.state().ui.log.follow);
    send_lines(harness.state(), "follow/test", 260..300);
    step_until(&mut harness, "40 more", |app| received_on(app, "follow/test") == 300);
    harness.run_steps(2);
    assert!(!visible(&harness, "msg-299"));
    harness.key_press(egui::Key::End);
    harness.run_steps(4);
    assert!(harness.state().ui.log.follow && visible(&harness, "msg-299"), "End jumps to the newest");

    // The chip too.
    harness.get_by_label("msg-290").click();
    harness.run_steps(2);
    send_lines(harness.state(), "follow/test", 300..320);
    step_until(&mut harness, "20 more", |app| received_on(app, "follow/test") == 320);
    harness.run_steps(2);
    harness.get_by_label("20 new ↓").click();
    harness.run_steps(4);
    assert!(harness.state().ui.log.follow && visible(&harness, "msg-319"), "the chip jumps to the newest");
}

#[test]
fn pop_ups_with_fields_stay_open_while_they_are_used() {
    let mut harness = harness();
    connected(&mut harness);
    harness.get_by_label("Filters").click();
    harness.run_steps(2);
    // A choice, then the topic filter: the menu stays open for both.
    harness.get_by_role_and_label(Role::Button, "in").click();
    harness.run_steps(2);
    assert!(
        harness.query_by_label("Topic filter (+ and # allowed)").is_some(),
        "choosing a direction keeps the filters open"
    );
    harness.get_by_label("Topic filter (+ and # allowed)").click();
    harness.run_steps(2);
    harness.get_by_label("Topic filter (+ and # allowed)").type_text("sensors/+/temp");
    harness.run_steps(2);
    let log = &harness.state().ui.log;
    assert_eq!((log.direction, log.topic_filter.as_str()), (Some(Direction::Incoming), "sensors/+/temp"));
    // A click outside closes it.
    harness.get_by_label("Messages").click();
    harness.run_steps(2);
    assert!(harness.query_by_label("Topic filter (+ and # allowed)").is_none(), "a click outside closes it");

    // Repeat…: the interval is typed, not only dragged.
    harness.query_all_by_label("Repeat…").next().expect("the composer's Repeat…").click();
    harness.run_steps(2);
    harness.get_by_label("Every").click();
    harness.run_steps(2);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.get_by_label("Every").type_text("250");
    harness.key_press(egui::Key::Enter);
    harness.run_steps(2);
    assert!(harness.query_by_label("Every").is_some(), "typing keeps Repeat… open");
    assert_eq!(harness.state().ui.composer.repeat_interval_ms, 250);
}

/// The app connected (MQTT 5, `#` at QoS 0 from the start) to a broker on
/// `port` that already holds `count` retained messages under `plant/`, left
/// by mosquitto_pub before the app started.
fn app_on_broker_with_retained(
    port: u16,
    count: u32,
    subscriptions: Vec<topicscope::core::profile::SavedSubscription>,
) -> Harness<'static, TopicscopeApp> {
    for n in 0..count {
        let status = std::process::Command::new("mosquitto_pub")
            .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-r", "-q", "1"])
            .args(["-t", &format!("plant/line-{}/sensor-{n}", n % 4), "-m", &format!("{n}")])
            .status()
            .expect("mosquitto_pub must be installed");
        assert!(status.success());
    }
    let profile = topicscope::core::profile::ConnectionProfile {
        name: "broker with retained messages".into(),
        host: "127.0.0.1".into(),
        port,
        subscriptions,
        ..Default::default()
    };
    harness_with(AppOptions {
        start_embedded_broker: false,
        initial_profile: Some(profile),
        connect_on_start: true,
        profile_dir: None,
        ..AppOptions::default()
    })
}

#[test]
fn retained_messages_delivered_on_subscribing_are_all_recorded() {
    let mosquitto = common::Mosquitto::start();
    let embedded = topicscope::core::broker::EmbeddedBroker::start(BrokerConfig::ephemeral()).expect("broker");
    for port in [mosquitto.port, embedded.local_addr().port()] {
        let mut harness = app_on_broker_with_retained(port, 61, Vec::new());
        connected(&mut harness);
        step_until(&mut harness, "61 retained messages", |app| {
            (0..app.workspace.store.len()).filter_map(|i| app.workspace.store.at(i)).filter(|m| m.retain).count() == 61
        });
        harness.get_by_label("Topic tree").click();
        harness.run_steps(2);
        harness.get_by_label("Retained…").click();
        harness.run_steps(4);
        assert!(
            harness.query_by_label_contains("61 retained topics seen").is_some(),
            "the manager counts every retained topic"
        );
    }
}

#[test]
fn scanning_the_broker_finds_retained_messages_the_tab_never_subscribed_to() {
    let mosquitto = common::Mosquitto::start();
    // This tab's profile only listens to another subtree: none of plant/ arrives.
    let other = topicscope::core::profile::SavedSubscription { filter: "other/#".into(), ..Default::default() };
    let mut harness = app_on_broker_with_retained(mosquitto.port, 61, vec![other]);
    connected(&mut harness);
    harness.get_by_label("Topic tree").click();
    harness.run_steps(2);
    harness.get_by_label("Retained…").click();
    harness.run_steps(4);
    assert!(harness.query_by_label_contains("0 retained topics seen").is_some());

    harness.get_by_label("Scan the broker").click();
    step_until(&mut harness, "the scan ended", |app| {
        app.workspace
            .active_tab()
            .retained_scan
            .as_ref()
            .is_some_and(|scan| scan.state == topicscope::core::workspace::ScanState::Finished(61))
    });
    harness.run_steps(2);
    assert!(harness.query_by_label("The scan found 61 retained messages under #.").is_some());
    assert!(harness.query_by_label_contains("61 retained topics seen").is_some(), "the manager lists them");
    let app = harness.state();
    assert_eq!(app.workspace.active_tab().tree.retained_topics(Some("plant")).len(), 61, "the tree marks them");
    assert!(matches!(app.workspace.active_tab().state, topicscope::core::engine::ConnectionState::Connected { .. }));
    let filters: Vec<&str> = app.workspace.active_tab().subscriptions.iter().map(|s| s.filter.as_str()).collect();
    assert_eq!(filters, ["other/#"], "the tab's own subscriptions are untouched");
}

#[test]
fn without_a_file_dialog_the_path_is_asked_for_in_the_window() {
    let dir = std::env::temp_dir().join(format!("topicscope-ui-no-dialog-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("folder");
    let mut harness = harness_without_file_dialogs();
    connected(&mut harness);
    publish_through_composer(&mut harness, "export/me", "1");
    step_until(&mut harness, "the message in the log", |app| received_on(app, "export/me") == 1);

    harness.get_by_label("Export…").click();
    harness.run_steps(3);
    assert!(harness.query_by_label("Path").is_some(), "the window asks for the path");
    assert!(
        harness.state().workspace.notices.iter().any(|n| n.kind.to_string().contains("No file dialog")),
        "and says why"
    );
    // A folder is not a file to write.
    replace_text(&mut harness, "Path", &dir.display().to_string());
    harness.get_by_label("OK").click();
    harness.run_steps(2);
    assert!(harness.query_by_label("this is a folder: add a file name").is_some());
    let target = dir.join("log.jsonl");
    replace_text(&mut harness, "Path", &target.display().to_string());
    harness.get_by_label("OK").click();
    step_until(&mut harness, "the export written", |_| target.is_file());
    let lines = std::fs::read_to_string(&target).expect("written").lines().count();
    assert_eq!(lines, 2, "the sent and the received message");
    assert_eq!(harness.state().prefs.last_folder.as_deref(), Some(dir.as_path()), "the folder is remembered");

    // The next one starts there.
    harness.get_by_label("Export…").click();
    harness.run_steps(3);
    let prompt = harness.state().ui.path_prompt.as_ref().expect("asked again");
    assert!(prompt.path.starts_with(&dir.display().to_string()), "{}", prompt.path);
    harness.key_press(egui::Key::Escape);
    harness.run_steps(2);
    assert!(harness.state().ui.path_prompt.is_none(), "Escape closes it");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_raw_view_starts_each_message_at_its_beginning() {
    let mut harness = harness();
    connected(&mut harness);
    let wide = |mark: &str| format!("{mark}-begins {}", "x".repeat(900));
    harness.state_mut().workspace.active_tab_mut().draft.format = topicscope::core::payload::PayloadFormat::Text;
    publish_through_composer(&mut harness, "wide/a", &wide("A"));
    publish_through_composer(&mut harness, "wide/b", &wide("B"));
    step_until(&mut harness, "both received", |app| received_on(app, "wide/a") == 1 && received_on(app, "wide/b") == 1);
    harness.run_steps(2);
    harness.query_all_by_label("wide/a").last().expect("a's row").click();
    harness.run_steps(3);
    harness.get_by_role_and_label(Role::Button, "Raw").click();
    harness.run_steps(3);
    let a = harness.get_by_label(&wide("A")).rect();
    // Scroll the raw text sideways, as far as it goes.
    harness.hover_at(egui::pos2(a.left() + 40.0, a.center().y));
    harness.event(egui::Event::MouseWheel {
        unit: egui::MouseWheelUnit::Point,
        delta: egui::vec2(-5000.0, 0.0),
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Unknown,
        modifiers: egui::Modifiers::NONE,
    });
    harness.run_steps(3);
    let scrolled = harness.get_by_label(&wide("A")).rect();
    assert!(scrolled.left() < a.left() - 100.0, "scrolled sideways: {a:?} → {scrolled:?}");

    harness.query_all_by_label("wide/b").last().expect("b's row").click();
    harness.run_steps(3);
    let b = harness.get_by_label(&wide("B")).rect();
    assert!((b.left() - a.left()).abs() < 1.0, "the next message starts at its beginning: {a:?} vs {b:?}");
}

/// The history panel's row showing `label` (the panel sits below the log,
/// which shows the same payloads).
fn history_row(harness: &Harness<'_, TopicscopeApp>, label: &str) -> Option<egui::Rect> {
    harness.query_all_by_label(label).map(|node| node.rect()).max_by(|a, b| a.top().total_cmp(&b.top()))
}

#[test]
fn the_topic_history_holds_still_under_the_pointer() {
    let mut harness = harness();
    connected(&mut harness);
    send_lines(harness.state(), "hist/t", 0..40);
    step_until(&mut harness, "40 messages", |app| received_on(app, "hist/t") == 40);
    harness.state_mut().apply_action(topicscope::ui::UiAction::ShowHistory { topic: Some("hist/t".into()) });
    harness.run_steps(4);
    let aimed = history_row(&harness, "msg-39").expect("the newest row in the history");
    harness.hover_at(aimed.center());
    harness.run_steps(2);
    send_lines(harness.state(), "hist/t", 40..45);
    step_until(&mut harness, "5 more", |app| received_on(app, "hist/t") == 45);
    harness.run_steps(3);
    let app = harness.state();
    assert_eq!(app.ui.history.view.len(&app.workspace.store), 40, "new messages wait while the pointer is over it");
    let still = history_row(&harness, "msg-39").expect("still shown");
    assert!((still.top() - aimed.top()).abs() < 1.0, "the row under the pointer did not move: {aimed:?} → {still:?}");

    harness.hover_at(egui::pos2(5.0, 5.0));
    harness.run_steps(3);
    let app = harness.state();
    assert_eq!(app.ui.history.view.len(&app.workspace.store), 45, "they come once the pointer leaves");
}
