//! The subscriptions panel.

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable as _;
use topicscope::core::engine::BrokerState;
use topicscope::core::mqtt::Qos;
use topicscope::core::workspace::SubscriptionStatus;

use crate::helpers::*;

#[test]
fn subscription_added_through_the_form_gets_its_suback() {
    let mut harness = harness();
    connected(&mut harness);
    replace_text(&mut harness, "Topic filter", "sensors/+/temperature");
    harness.get_by_label("Subscribe").click();
    step_until(&mut harness, "SUBACK for the new subscription", |app| {
        app.workspace
            .active_tab()
            .subscriptions
            .iter()
            .any(|s| s.filter == "sensors/+/temperature" && s.status == SubscriptionStatus::Granted(Qos::AtMostOnce))
    });
    harness.step();
    // Both '#' and the new filter show their SUBACK result.
    assert_eq!(harness.get_all_by_label("SUBACK: granted QoS 0").count(), 2);
    // Read at body size, as tall as the filter above it (it was ~8 px).
    let suback = harness.get_all_by_label("SUBACK: granted QoS 0").next().expect("a SUBACK line").rect();
    let filter = harness.get_by_label("sensors/+/temperature").rect();
    assert!(suback.height() >= 14.0, "SUBACK line {suback:?} next to filter {filter:?}");
}

#[test]
fn invalid_filter_shows_its_reason_and_is_not_subscribed() {
    let mut harness = harness();
    connected(&mut harness);
    replace_text(&mut harness, "Topic filter", "a/#/b");
    harness.step();
    assert!(harness.query_by_label_contains("Invalid filter: '#' must be the last character").is_some());
    harness.get_by_label("Subscribe").click();
    harness.step();
    harness.step();
    assert_eq!(harness.state().workspace.active_tab().subscriptions.len(), 1);
    replace_text(&mut harness, "Topic filter", "a+");
    harness.step();
    assert!(harness.query_by_label_contains("'+' must occupy a whole level").is_some());
}

#[test]
fn clicking_a_subscription_filters_the_log_and_unsubscribe_removes_it() {
    let mut harness = harness();
    connected(&mut harness);
    replace_text(&mut harness, "Topic filter", "only/this");
    harness.get_by_label("Subscribe").click();
    step_until(&mut harness, "second SUBACK", |app| {
        app.workspace.active_tab().subscriptions.iter().all(|s| matches!(s.status, SubscriptionStatus::Granted(_)))
            && app.workspace.active_tab().subscriptions.len() == 2
    });
    replace_text(&mut harness, "Topic", "only/this");
    harness.get_by_label("Publish").click();
    step_until(&mut harness, "first publish logged", |app| app.workspace.store.len() >= 2);
    replace_text(&mut harness, "Topic", "something/else");
    harness.get_by_label("Publish").click();
    step_until(&mut harness, "second publish logged", |app| app.workspace.store.len() >= 4);
    harness.get_by_role_and_label(Role::Button, "only/this").click();
    harness.step();
    harness.step();
    let app = harness.state();
    assert!(app.ui.log.selected_subscription.is_some());
    // Outgoing + incoming on only/this; nothing from something/else.
    assert_eq!(app.visible_log_rows(), 2);
    harness.get_by_label("Unsubscribe from only/this").click();
    step_until(&mut harness, "UNSUBACK", |app| app.workspace.active_tab().subscriptions.len() == 1);
    assert!(harness.state().ui.log.selected_subscription.is_none());
}

/// Right-clicks a subscription and picks an entry of its menu.
fn subscription_menu(harness: &mut egui_kittest::Harness<'_, topicscope::ui::TopicscopeApp>, name: &str, entry: &str) {
    harness.get_by_role_and_label(Role::Button, name).click_secondary();
    harness.run_steps(3);
    harness.get_by_label(entry).click();
    harness.run_steps(3);
}

fn publish_from_outside(harness: &egui_kittest::Harness<'_, topicscope::ui::TopicscopeApp>, topic: &str) {
    let BrokerState::Running { addr, .. } = harness.state().workspace.broker.clone() else { panic!("broker") };
    let status = std::process::Command::new("mosquitto_pub")
        .args(["-h", "127.0.0.1", "-p", &addr.port().to_string(), "-t", topic, "-m", "1"])
        .status()
        .expect("mosquitto_pub runs");
    assert!(status.success());
}

#[test]
fn subscriptions_are_muted_paused_and_edited_from_their_menu() {
    let mut harness = harness();
    connected(&mut harness);
    // Only plant/#, so what arrives is this subscription's doing.
    subscription_menu(&mut harness, "#", "Unsubscribe");
    replace_text(&mut harness, "Topic filter", "plant/#");
    harness.get_by_label("Subscribe").click();
    step_until(&mut harness, "only plant/# granted", |app| {
        let subscriptions = &app.workspace.active_tab().subscriptions;
        subscriptions.len() == 1 && matches!(subscriptions[0].status, SubscriptionStatus::Granted(_))
    });

    // Mute: still received and stored, hidden from the log.
    subscription_menu(&mut harness, "plant/#", "Mute (hide from the log)");
    publish_from_outside(&harness, "plant/a");
    step_until(&mut harness, "received while muted", |app| received_on(app, "plant/a") == 1);
    harness.run_steps(2);
    assert_eq!(harness.state().visible_log_rows(), 0, "hidden from the log");
    assert!(harness.query_by_label("muted").is_some(), "the panel says it is muted");
    subscription_menu(&mut harness, "plant/#", "Unmute");
    assert_eq!(harness.state().visible_log_rows(), 1, "shown again");

    // Pause: unsubscribed at the broker, still listed; resume subscribes again.
    subscription_menu(&mut harness, "plant/#", "Pause (unsubscribe, keep it here)");
    step_until(&mut harness, "paused", |app| {
        app.workspace.active_tab().subscriptions.first().map(|s| &s.status) == Some(&SubscriptionStatus::Paused)
    });
    harness.run_steps(10);
    publish_from_outside(&harness, "plant/b");
    std::thread::sleep(std::time::Duration::from_millis(300));
    harness.run_steps(5);
    assert_eq!(received_on(harness.state(), "plant/b"), 0, "nothing arrives while paused");
    assert!(harness.query_by_label("paused: not subscribed at the broker").is_some());
    subscription_menu(&mut harness, "plant/#", "Resume (subscribe again)");
    step_until(&mut harness, "granted again", |app| {
        matches!(app.workspace.active_tab().subscriptions[0].status, SubscriptionStatus::Granted(_))
    });
    publish_from_outside(&harness, "plant/c");
    step_until(&mut harness, "received after resuming", |app| received_on(app, "plant/c") == 1);

    // Edit: an alias and a colour, then a new filter and QoS.
    subscription_menu(&mut harness, "plant/#", "Edit…");
    replace_text(&mut harness, "Alias", "Plant floor");
    harness.get_by_label("Colour 5").click();
    harness.run_steps(1);
    replace_text(&mut harness, "Filter", "plant/+/temp");
    harness.get_by_role_and_label(Role::Button, "Save").click();
    step_until(&mut harness, "replaced and granted", |app| {
        let subscriptions = &app.workspace.active_tab().subscriptions;
        subscriptions.len() == 1
            && subscriptions[0].filter == "plant/+/temp"
            && matches!(subscriptions[0].status, SubscriptionStatus::Granted(_))
    });
    harness.run_steps(2);
    let edited = &harness.state().workspace.active_tab().subscriptions[0];
    assert_eq!((edited.label(), edited.colour), ("Plant floor", 4));
    assert!(harness.query_by_role_and_label(Role::Button, "Plant floor").is_some(), "listed by its alias");
}

#[test]
fn the_quick_form_subscribes_with_no_local() {
    let mut harness = harness();
    connected(&mut harness);
    subscription_menu(&mut harness, "#", "Unsubscribe");
    replace_text(&mut harness, "Topic filter", "echo/#");
    harness.get_by_label("MQTT 5 options").click();
    harness.run_steps(3);
    harness.get_by_label("No local").click();
    harness.get_by_label("Subscribe").click();
    step_until(&mut harness, "granted", |app| {
        app.workspace
            .active_tab()
            .subscriptions
            .iter()
            .any(|s| s.filter == "echo/#" && s.options.no_local && matches!(s.status, SubscriptionStatus::Granted(_)))
    });
    harness.state_mut().workspace.active_tab_mut().draft.format = topicscope::core::payload::PayloadFormat::Text;
    publish_through_composer(&mut harness, "echo/own", "mine");
    publish_from_outside(&harness, "echo/other");
    step_until(&mut harness, "the other client's message", |app| received_on(app, "echo/other") == 1);
    harness.run_steps(5);
    assert_eq!(harness.state().workspace.store.counters().sent, 1, "our own publish went out");
    assert_eq!(received_on(harness.state(), "echo/own"), 0, "no local: our own publish does not come back");
}

#[test]
fn a_subscription_identifier_from_the_quick_form_tags_what_it_delivers() {
    // Against Debian's mosquitto, which tags deliveries with the identifier
    // (the embedded rmqtt 0.24 does not send it back).
    let mosquitto = crate::common::Mosquitto::start();
    let profile = topicscope::core::profile::ConnectionProfile {
        name: "mosquitto".into(),
        host: "127.0.0.1".into(),
        port: mosquitto.port,
        subscriptions: Vec::new(),
        ..Default::default()
    };
    let mut harness = harness_with(topicscope::ui::AppOptions {
        start_embedded_broker: false,
        initial_profile: Some(profile),
        connect_on_start: true,
        profile_dir: None,
        ..topicscope::ui::AppOptions::default()
    });
    connected(&mut harness);
    subscription_menu(&mut harness, "#", "Unsubscribe");
    replace_text(&mut harness, "Topic filter", "tagged/#");
    harness.get_by_label("MQTT 5 options").click();
    harness.run_steps(3);
    harness.get_by_label("Subscription identifier").click();
    harness.run_steps(2);
    replace_text(&mut harness, "Identifier", "300000000");
    harness.run_steps(2);
    assert!(harness.query_by_label_contains("is not a number from 1 to 268435455").is_some(), "out of range is said");
    replace_text(&mut harness, "Identifier", "42");
    harness.run_steps(2);
    harness.get_by_label("Subscribe").click();
    step_until(&mut harness, "granted", |app| {
        app.workspace.active_tab().subscriptions.iter().any(|s| {
            s.filter == "tagged/#"
                && s.options.identifier == Some(42)
                && matches!(s.status, SubscriptionStatus::Granted(_))
        })
    });
    let status = std::process::Command::new("mosquitto_pub")
        .args(["-h", "127.0.0.1", "-p", &mosquitto.port.to_string(), "-t", "tagged/x", "-m", "1"])
        .status()
        .expect("mosquitto_pub runs");
    assert!(status.success());
    step_until(&mut harness, "received", |app| received_on(app, "tagged/x") == 1);
    let store = &harness.state().workspace.store;
    let message = (0..store.len()).filter_map(|i| store.at(i)).find(|m| m.topic == "tagged/x").expect("logged");
    let identifiers = message.properties.map(|p| p.subscription_identifiers.clone()).unwrap_or_default();
    assert_eq!(identifiers, [42], "the broker tagged it with the identifier");
}
