//! Starting, connecting, tabs and the password prompt.

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use topicscope::core::broker::BrokerConfig;
use topicscope::core::engine::ConnectionState;
use topicscope::core::mqtt::Direction;
use topicscope::ui::{AppOptions, TopicscopeApp};

use crate::helpers::*;

#[test]
fn starts_the_embedded_broker_and_connects_without_arguments() {
    let mut harness = harness();
    connected(&mut harness);
    let app = harness.state();
    assert!(matches!(app.workspace.broker, topicscope::core::engine::BrokerState::Running { .. }));
    assert_eq!(app.workspace.active_tab().subscriptions.len(), 1);
    assert_eq!(app.workspace.active_tab().subscriptions[0].filter, "#");
}

#[test]
fn ask_on_connect_prompts_for_the_password_and_forgets_it() {
    let mut harness = harness();
    connected(&mut harness);
    {
        let profile = &mut harness.state_mut().workspace.active_tab_mut().profile;
        profile.username = "alice".into();
        profile.password_source = topicscope::core::profile::PasswordSource::AskOnConnect;
    }
    harness.get_by_label("Disconnect").click();
    step_until(&mut harness, "disconnected", |app| app.workspace.active_tab().state == ConnectionState::Disconnected);
    harness.get_by_role_and_label(Role::Button, "Connect").click();
    for _ in 0..4 {
        harness.step();
    }
    assert!(harness.state().ui.connection.password_prompt.is_some(), "the prompt opened instead of connecting");
    assert_eq!(harness.state().workspace.active_tab().state, ConnectionState::Disconnected);
    harness.get_by_label("Password for this connection").click();
    harness.step();
    harness.get_by_label("Password for this connection").type_text("typed-now");
    harness.step();
    harness.get_by_label("Connect with this password").click();
    step_until(&mut harness, "connected after the prompt", |app| {
        matches!(app.workspace.active_tab().state, ConnectionState::Connected { .. })
    });
    assert!(harness.state().ui.connection.password_prompt.is_none());
    assert!(harness.state().workspace.active_tab().profile.password.is_empty(), "not kept after use");
}

#[test]
fn two_connection_tabs_publish_and_receive_side_by_side() {
    let mut harness = harness();
    connected(&mut harness);
    let first = harness.state().workspace.active_tab().id;
    harness.get_by_label("New connection tab").click();
    harness.run_steps(2);
    harness.get_by_label("A copy of this tab's connection").click();
    harness.step();
    harness.step();
    let second = harness.state().workspace.active_tab().id;
    assert_ne!(first, second);
    assert_eq!(harness.state().workspace.tabs().len(), 2);
    // The new tab has the same (embedded broker) settings; connect it.
    harness.get_by_role_and_label(Role::Button, "Connect").click();
    step_until(&mut harness, "second tab connected with '#'", active_tab_ready);
    replace_text(&mut harness, "Topic", "tabs/from-second");
    harness.get_by_label("Publish").click();
    // Both tabs subscribe to '#', so both receive it; the first tab sends too.
    step_until(&mut harness, "the second tab's message in both tabs", |app| {
        let store = &app.workspace.store;
        let incoming = |tab| {
            (0..store.len())
                .filter_map(|i| store.at(i))
                .filter(|m| m.tab == tab && m.direction == Direction::Incoming && m.topic == "tabs/from-second")
                .count()
        };
        incoming(first) == 1 && incoming(second) == 1
    });
    // Each tab's log shows only its own messages: here, out + in.
    harness.step();
    assert_eq!(harness.get_all_by_label("tabs/from-second").count(), 2);
    harness.get_by_label("Embedded broker").click();
    harness.step();
    harness.step();
    assert_eq!(harness.state().workspace.active_tab().id, first);
    assert_eq!(harness.state().visible_log_rows(), 1, "the first tab only received it");
    // And the other way round: the first tab publishes, both receive.
    replace_text(&mut harness, "Topic", "tabs/from-first");
    harness.get_by_label("Publish").click();
    step_until(&mut harness, "the first tab's message in both tabs", |app| {
        let store = &app.workspace.store;
        [first, second].iter().all(|tab| {
            (0..store.len())
                .filter_map(|i| store.at(i))
                .any(|m| m.tab == *tab && m.direction == Direction::Incoming && m.topic == "tabs/from-first")
        })
    });
    harness.step();
    assert_eq!(harness.state().visible_log_rows(), 3, "first tab: received + sent + received");
    harness.get_by_label("All tabs").click();
    harness.step();
    harness.step();
    assert!(harness.state().ui.log.all_tabs, "checkbox toggled");
    assert_eq!(harness.state().visible_log_rows(), 6, "combined: two sends, four receptions");
    // Closing the second tab disconnects it cleanly.
    harness.get_by_label("Close tab Embedded broker (2)").click();
    harness.step();
    assert_eq!(harness.state().workspace.tabs().len(), 1);
}

#[test]
fn settings_carried_over_from_the_former_name_are_announced_once_as_a_notice() {
    let report = topicscope::core::legacy_migration::MigrationReport {
        from: "/home/someone/.config/old-name".into(),
        to: "/home/someone/.config/topicscope".into(),
        profiles: 2,
        saved_messages: true,
        broker_settings: false,
        broker_data: false,
        preferences: true,
    };
    let harness = harness_with(AppOptions {
        broker: BrokerConfig::ephemeral(),
        profile_dir: None,
        carried_over: Some(report),
        ..AppOptions::default()
    });
    let carried: Vec<_> = harness
        .state()
        .workspace
        .notices
        .iter()
        .filter(|notice| notice.kind.to_string().contains("former name"))
        .collect();
    assert_eq!(carried.len(), 1, "{:?}", harness.state().workspace.notices);
    assert!(
        carried[0].kind.to_string().contains("Copied 2 profiles")
            && carried[0].kind.to_string().contains("/home/someone/.config/old-name")
    );
}

/// Waits until the active tab has tried to reconnect `attempts` times.
fn wait_for_attempts(harness: &mut Harness<'_, TopicscopeApp>, attempts: u32) {
    step_until(
        harness,
        "reconnect attempts",
        |app| matches!(app.workspace.active_tab().state, ConnectionState::Reconnecting { attempt, .. } if attempt > attempts),
    );
}

fn lost_notices(app: &TopicscopeApp) -> Vec<(String, u32)> {
    app.workspace
        .notices
        .iter()
        .filter(|notice| matches!(notice.kind, topicscope::core::workspace::NoticeKind::ConnectionLost { .. }))
        .map(|notice| (notice.kind.to_string(), notice.repeated))
        .collect()
}

#[test]
fn a_broker_that_goes_away_is_one_counted_notice_and_one_toast() {
    let broker = topicscope::core::broker::EmbeddedBroker::start(BrokerConfig::ephemeral()).expect("broker");
    let profile = topicscope::core::profile::ConnectionProfile {
        name: "lab".into(),
        host: "127.0.0.1".into(),
        port: broker.local_addr().port(),
        ..Default::default()
    };
    let mut harness = harness_with(AppOptions {
        start_embedded_broker: false,
        initial_profile: Some(profile),
        connect_on_start: true,
        profile_dir: None,
        ..AppOptions::default()
    });
    connected(&mut harness);
    broker.stop();
    wait_for_attempts(&mut harness, 3);
    harness.step();
    let lost = lost_notices(harness.state());
    assert_eq!(lost.len(), 1, "one notice for the whole reconnect loop: {lost:?}");
    assert!(lost[0].1 >= 2, "counted: {lost:?}");
    assert!(!lost[0].0.contains("connection lost: connection lost"), "said once: {}", lost[0].0);
    assert_eq!(harness.state().toasts_raised(), 1, "one toast, not one per attempt");
}

#[test]
fn stopping_the_embedded_broker_on_purpose_raises_no_toast() {
    let mut harness = harness();
    connected(&mut harness);
    harness.get_by_label("Stop broker").click();
    wait_for_attempts(&mut harness, 2);
    harness.step();
    assert_eq!(harness.state().toasts_raised(), 0, "the user did it");
    let lost = lost_notices(harness.state());
    assert_eq!(lost.len(), 1, "still listed: {lost:?}");
}

#[test]
fn a_port_out_of_range_or_a_bad_host_is_said_not_clamped() {
    let mut harness = harness();
    connected(&mut harness);
    harness.get_by_role_and_label(Role::Button, "Disconnect").click();
    step_until(&mut harness, "disconnected", |app| {
        matches!(app.workspace.active_tab().state, ConnectionState::Disconnected)
    });
    let port = harness.state().workspace.active_tab().profile.port;
    replace_text(&mut harness, "Port", "70000");
    harness.run_steps(2);
    assert!(harness.query_by_label("'70000' is not a number from 1 to 65535").is_some(), "said, not clamped");
    assert_eq!(harness.state().workspace.active_tab().profile.port, port, "the last good port stays");
    assert!(
        harness.get_by_role_and_label(Role::Button, "Connect").accesskit_node().is_disabled(),
        "and it cannot connect"
    );
    replace_text(&mut harness, "Port", "0");
    harness.run_steps(2);
    assert!(harness.query_by_label("'0' is not a number from 1 to 65535").is_some());
    replace_text(&mut harness, "Port", &port.to_string());
    harness.run_steps(2);
    assert!(!harness.get_by_role_and_label(Role::Button, "Connect").accesskit_node().is_disabled());

    replace_text(&mut harness, "Host", "bad host name!");
    harness.get_by_role_and_label(Role::Button, "Connect").click();
    harness.run_steps(2);
    assert!(
        harness.query_by_label_contains("'bad host name!' is not a host name or an IP address").is_some(),
        "{:?}",
        harness.state().ui.connection.error
    );
}

#[test]
fn the_plus_button_asks_which_connection_and_the_list_reaches_every_tab() {
    let mut harness = harness();
    let shipped: Vec<String> = harness.state().workspace.profiles.iter().map(|p| p.name.clone()).collect();
    let other = shipped.iter().find(|name| *name != &harness.state().workspace.active_tab().profile.name).cloned();
    let other = other.expect("a second shipped profile");
    harness.get_by_label("New connection tab").click();
    harness.run_steps(2);
    for name in &shipped {
        let offered =
            harness.query_all_by_label_contains(name).any(|node| node.accesskit_node().role() == Role::Button);
        assert!(offered, "{name} is offered");
    }
    harness
        .query_all_by_label_contains(&other)
        .find(|node| node.accesskit_node().role() == Role::Button)
        .expect("the other profile's entry")
        .click();
    harness.run_steps(3);
    assert_eq!(harness.state().workspace.tabs().len(), 2);
    assert_eq!(harness.state().workspace.active_tab().profile.name, other, "the chosen profile opened");

    // Every connection, with its state, one click away.
    harness.get_by_label("All connections").click();
    harness.run_steps(2);
    let first = harness.state().workspace.tabs()[0].id;
    let first_title = harness.state().workspace.tab_title(first);
    harness
        .query_all_by_label_contains(&first_title)
        .rfind(|node| node.accesskit_node().role() == Role::Button)
        .expect("listed")
        .click();
    harness.run_steps(2);
    assert_eq!(harness.state().workspace.active_tab().id, first);
}
