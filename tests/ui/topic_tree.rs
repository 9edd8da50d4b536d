//! The topic tree's own actions: publish here, delete retained messages.

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable as _;
use topicscope::core::engine::BrokerState;

use crate::helpers::*;

#[test]
fn a_subtrees_retained_messages_are_deleted_from_the_tree_after_confirming() {
    let mut harness = harness();
    connected(&mut harness);
    let BrokerState::Running { addr, .. } = harness.state().workspace.broker.clone() else { panic!("broker") };
    for topic in ["site/a/1", "site/a/2"] {
        let status = std::process::Command::new("mosquitto_pub")
            .args(["-h", "127.0.0.1", "-p", &addr.port().to_string(), "-r", "-q", "1", "-t", topic, "-m", "on"])
            .status()
            .expect("mosquitto_pub runs");
        assert!(status.success());
    }
    step_until(&mut harness, "both received", |app| {
        received_on(app, "site/a/1") == 1 && received_on(app, "site/a/2") == 1
    });
    // Live deliveries carry no retain flag: a new subscription gets them as retained.
    replace_text(&mut harness, "Topic filter", "site/#");
    harness.get_by_label("Subscribe").click();
    step_until(&mut harness, "the retained replay", |app| {
        app.workspace.active_tab().tree.retained_topics(None).len() == 2
    });
    harness.get_by_role_and_label(Role::Button, "Topic tree").click();
    harness.run_steps(3);

    harness.get_by_role_and_label(Role::Button, "site").click_secondary();
    harness.run_steps(3);
    harness.get_by_label("Publish here").click();
    harness.run_steps(2);
    assert_eq!(harness.state().workspace.active_tab().draft.topic, "site");

    harness.get_by_role_and_label(Role::Button, "site").click_secondary();
    harness.run_steps(3);
    harness.get_by_label("Delete 2 retained messages in the subtree…").click();
    harness.run_steps(3);
    assert!(harness.query_by_label("Clear the retained message of 2 topics?").is_some(), "asked first");
    assert_eq!(harness.state().workspace.store.counters().sent, 0, "nothing sent before confirming");
    harness.get_by_label("Clear 2 retained messages").click();
    step_until(&mut harness, "two empty retained publishes", |app| app.workspace.store.counters().sent == 2);
    assert!(harness.state().workspace.active_tab().tree.retained_topics(None).is_empty());
}

#[test]
fn a_selected_topic_shows_its_last_value_and_a_sparkline_beside_the_tree() {
    let mut harness = harness();
    connected(&mut harness);
    harness.state_mut().workspace.active_tab_mut().draft.format = topicscope::core::payload::PayloadFormat::Text;
    for value in ["20.5", "21", "23.25"] {
        publish_through_composer(&mut harness, "boiler", value);
    }
    step_until(&mut harness, "three received", |app| received_on(app, "boiler") == 3);
    harness.get_by_role_and_label(Role::Button, "Topic tree").click();
    harness.run_steps(3);
    harness.get_by_role_and_label(Role::Button, "boiler").click();
    harness.run_steps(3);
    assert!(harness.query_by_label("The last 3 values, from 20.5 to 23.25").is_some(), "the sparkline");
    assert!(harness.query_all_by_label("23.25").count() >= 2, "the value, in the pane and the log");
    // The message's actions are there too.
    harness.get_all_by_role_and_label(Role::Button, "Edit and publish").next().expect("in the pane").click();
    harness.run_steps(2);
    assert_eq!(harness.state().workspace.active_tab().draft.payload, "23.25");
}

#[test]
fn the_tree_is_walked_with_the_arrow_keys() {
    let mut harness = harness();
    connected(&mut harness);
    harness.state_mut().workspace.active_tab_mut().draft.format = topicscope::core::payload::PayloadFormat::Text;
    for topic in ["kb/x/1", "kb/x/2", "kb/y"] {
        publish_through_composer(&mut harness, topic, "1");
    }
    step_until(&mut harness, "all received", |app| received_on(app, "kb/y") == 1 && received_on(app, "kb/x/2") == 1);
    harness.get_by_role_and_label(Role::Button, "Topic tree").click();
    harness.run_steps(3);
    harness.get_by_role_and_label(Role::Button, "kb").click();
    harness.run_steps(2);
    let selected = |harness: &egui_kittest::Harness<'_, topicscope::ui::TopicscopeApp>| {
        harness.state().ui.log.selected_topic.clone().unwrap_or_default()
    };
    assert_eq!(selected(&harness), "kb");
    let press = |harness: &mut egui_kittest::Harness<'_, topicscope::ui::TopicscopeApp>, key: egui::Key| {
        harness.key_press(key);
        harness.run_steps(2);
    };
    press(&mut harness, egui::Key::ArrowRight); // open kb
    press(&mut harness, egui::Key::ArrowDown);
    assert_eq!(selected(&harness), "kb/x");
    press(&mut harness, egui::Key::ArrowRight); // open x
    press(&mut harness, egui::Key::ArrowDown);
    assert_eq!(selected(&harness), "kb/x/1");
    press(&mut harness, egui::Key::ArrowDown);
    press(&mut harness, egui::Key::ArrowDown);
    assert_eq!(selected(&harness), "kb/y");
    press(&mut harness, egui::Key::ArrowUp);
    assert_eq!(selected(&harness), "kb/x/2");
    press(&mut harness, egui::Key::ArrowLeft); // a leaf: to its parent
    assert_eq!(selected(&harness), "kb/x");
    press(&mut harness, egui::Key::ArrowDown);
    press(&mut harness, egui::Key::Enter);
    assert_eq!(harness.state().ui.history.topic.as_deref(), Some("kb/x/1"), "Enter opens the history");
}
