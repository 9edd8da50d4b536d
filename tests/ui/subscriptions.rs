//! The subscriptions panel.

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable as _;
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
