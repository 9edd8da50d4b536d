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
