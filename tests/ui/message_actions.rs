//! Acting on a received message: edit and publish, publish again, copy as
//! a mosquitto_pub command — from the inspector, the log and the tree.

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable as _;
use topicscope::core::engine::BrokerState;
use topicscope::core::mqtt::Qos;
use topicscope::core::payload::PayloadFormat;

use crate::helpers::*;

#[test]
fn a_received_message_is_edited_published_again_and_copied_as_a_command() {
    let mut harness = harness();
    connected(&mut harness);
    let BrokerState::Running { addr, .. } = harness.state().workspace.broker.clone() else { panic!("broker") };
    // Another client sends a message; the composer holds something else.
    let status = std::process::Command::new("mosquitto_pub")
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &addr.port().to_string(),
            "-q",
            "1",
            "-t",
            "valve/3/set",
            "-m",
            "{\"open\": 40}",
        ])
        .status()
        .expect("mosquitto_pub runs");
    assert!(status.success());
    step_until(&mut harness, "received", |app| received_on(app, "valve/3/set") == 1);
    harness.run_steps(2);
    harness.get_all_by_label("valve/3/set").next().expect("the row").click();
    harness.run_steps(3);

    harness.get_by_role_and_label(Role::Button, "Edit and publish").click();
    harness.run_steps(2);
    let draft = &harness.state().workspace.active_tab().draft;
    assert_eq!((draft.topic.as_str(), draft.payload.as_str()), ("valve/3/set", "{\"open\": 40}"));
    // Delivered at QoS 0 (the '#' subscription's), and that is what it was here.
    assert_eq!((draft.format, draft.qos, draft.retain), (PayloadFormat::Json, Qos::AtMostOnce, false));

    harness.get_by_role_and_label(Role::Button, "Publish again").click();
    step_until(&mut harness, "published again and received", |app| received_on(app, "valve/3/set") == 2);
    assert_eq!(incoming_payloads(harness.state(), "valve/3/set"), ["{\"open\": 40}", "{\"open\": 40}"]);

    let toasts = harness.state().toasts_on_screen();
    harness.get_by_label("Copy, save, chart…").click();
    harness.run_steps(3);
    harness.get_by_role_and_label(Role::Button, "Copy as mosquitto_pub command").click();
    harness.step();
    let copied: Vec<String> = harness
        .output()
        .platform_output
        .commands
        .iter()
        .filter_map(|command| match command {
            egui::OutputCommand::CopyText(text) => Some(text.clone()),
            _ => None,
        })
        .collect();
    let expected =
        format!("mosquitto_pub -h 127.0.0.1 -p {} -V mqttv5 -t valve/3/set -m '{{\"open\": 40}}'", addr.port());
    assert_eq!(copied, [expected]);
    harness.run_steps(2);
    assert_eq!(harness.state().toasts_on_screen(), toasts + 1, "a toast says it was copied");
}

#[test]
fn the_log_rows_context_menu_offers_the_same_actions() {
    let mut harness = harness();
    connected(&mut harness);
    harness.state_mut().workspace.active_tab_mut().draft.format = PayloadFormat::Text;
    publish_through_composer(&mut harness, "lamp/1", "on");
    step_until(&mut harness, "received", |app| received_on(app, "lamp/1") == 1);
    harness.run_steps(2);
    harness.get_all_by_label("lamp/1").next().expect("a row").click_secondary();
    harness.run_steps(3);
    assert!(harness.query_by_label("Edit and publish").is_some());
    harness.get_by_label("Publish again").click();
    step_until(&mut harness, "published again", |app| received_on(app, "lamp/1") == 2);
}

#[test]
fn ctrl_clicking_two_log_rows_compares_messages_of_different_topics() {
    let mut harness = harness();
    connected(&mut harness);
    publish_through_composer(&mut harness, "line/1/config", r#"{"speed": 10, "mode": "auto"}"#);
    publish_through_composer(&mut harness, "line/2/config", r#"{"speed": 12, "mode": "auto"}"#);
    step_until(&mut harness, "both received", |app| {
        received_on(app, "line/1/config") == 1 && received_on(app, "line/2/config") == 1
    });
    harness.run_steps(2);
    // Ctrl held down over the frames of the click, as a hand holds it.
    let ctrl_click = |harness: &mut egui_kittest::Harness<'_, topicscope::ui::TopicscopeApp>, label: &str| {
        harness.event(egui::Event::ModifiersChanged(egui::Modifiers::COMMAND));
        harness.step();
        harness.get_all_by_label(label).last().expect("a row").click();
        harness.step();
        harness.event(egui::Event::ModifiersChanged(egui::Modifiers::NONE));
        harness.run_steps(3);
    };
    ctrl_click(&mut harness, "line/1/config");
    assert!(harness.query_by_label_contains("Ctrl+click another to compare").is_some(), "one picked");
    assert!(harness.state().ui.log.selected_message.is_none(), "a Ctrl+click picks, it does not open the inspector");
    ctrl_click(&mut harness, "line/2/config");
    assert_eq!(harness.state().ui.history.diff_picks.len(), 2);
    assert!(harness.query_by_label_contains("line/1/config  ↔  line/2/config").is_some(), "the comparison names both");
    assert!(harness.query_by_label("/speed").is_some(), "the changed field is listed");
    assert!(harness.query_by_label("10 → 12").is_some());
    harness.get_by_label("Close the comparison").click();
    harness.run_steps(2);
    assert!(harness.state().ui.history.diff_picks.is_empty());
}
