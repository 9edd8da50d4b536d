//! Starting, connecting, tabs and the password prompt.

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable as _;
use topicscope::core::broker::BrokerConfig;
use topicscope::core::engine::ConnectionState;
use topicscope::core::mqtt::Direction;
use topicscope::ui::AppOptions;

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
        carried[0].kind.to_string().contains("Copied 2 profile(s)")
            && carried[0].kind.to_string().contains("/home/someone/.config/old-name")
    );
}
