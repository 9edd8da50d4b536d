//! What every window test needs: the app in a headless harness, stepping
//! until something holds, typing into fields by label.

use std::time::Duration;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use topicscope::core::broker::BrokerConfig;
use topicscope::core::engine::{BrokerState, ConnectionState};
use topicscope::core::mqtt::Direction;
use topicscope::core::workspace::SubscriptionStatus;
use topicscope::ui::i18n::Language;
use topicscope::ui::{AppOptions, TopicscopeApp};

pub fn harness() -> Harness<'static, TopicscopeApp> {
    harness_with(AppOptions { broker: BrokerConfig::ephemeral(), profile_dir: None, ..AppOptions::default() })
}

/// The real app at the README's window size, started with `options`.
pub fn harness_with(options: AppOptions) -> Harness<'static, TopicscopeApp> {
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(move |cc| TopicscopeApp::new(cc, options.clone()));
    // The labels below are English, whatever this machine's locale is.
    harness.state_mut().prefs.language = Some(Language::English);
    harness.step();
    harness
}

/// The app with no system file dialogs: every path is typed into the
/// window's path prompt (as on a system without a dialog helper).
pub fn harness_without_file_dialogs() -> Harness<'static, TopicscopeApp> {
    harness_with(AppOptions {
        broker: BrokerConfig::ephemeral(),
        profile_dir: None,
        file_dialogs: false,
        ..AppOptions::default()
    })
}

/// The app with profiles saved in `dir` (instead of the user's config folder).
pub fn harness_saving_profiles_in(dir: &std::path::Path) -> Harness<'static, TopicscopeApp> {
    harness_with(AppOptions {
        broker: BrokerConfig::ephemeral(),
        profile_dir: Some(dir.to_path_buf()),
        ..AppOptions::default()
    })
}

/// Steps frames until `predicate` holds; background work (engine, broker)
/// runs on other threads, so each step also gives it a moment.
pub fn step_until(harness: &mut Harness<'_, TopicscopeApp>, what: &str, predicate: impl Fn(&TopicscopeApp) -> bool) {
    if !step_until_or_give_up(harness, 1500, &predicate) {
        let app = harness.state();
        let broker_log: Vec<String> = match &app.workspace.broker {
            BrokerState::Running { monitor, .. } => {
                monitor.lock().log.iter().map(|entry| format!("{:?}: {}", entry.level, entry.text)).collect()
            }
            other => vec![format!("(broker {other:?})")],
        };
        panic!(
            "timed out waiting for {what}; notices: {:?}; connection: {:?}; broker log: {broker_log:#?}",
            app.workspace.notices,
            app.workspace.active_tab().state
        );
    }
}

/// Steps until the file writer has written (and the app reported) every
/// file handed to it: saves happen off the UI thread.
pub fn wait_for_writes(harness: &mut Harness<'_, TopicscopeApp>) {
    step_until(harness, "files written", |app| app.pending_writes() == 0);
    harness.step();
}

/// Steps up to `frames` frames until `predicate` holds; false if it never did.
pub fn step_until_or_give_up(
    harness: &mut Harness<'_, TopicscopeApp>,
    frames: usize,
    predicate: impl Fn(&TopicscopeApp) -> bool,
) -> bool {
    for _ in 0..frames {
        harness.step();
        if predicate(harness.state()) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    false
}

pub fn connected(harness: &mut Harness<'_, TopicscopeApp>) {
    step_until(harness, "connected to the embedded broker with '#' granted", active_tab_ready);
}

/// The active tab is connected and the broker granted all its subscriptions.
pub fn active_tab_ready(app: &TopicscopeApp) -> bool {
    let tab = app.workspace.active_tab();
    matches!(tab.state, ConnectionState::Connected { .. })
        && tab.subscriptions.iter().all(|s| matches!(s.status, SubscriptionStatus::Granted(_)))
}

pub fn replace_text(harness: &mut Harness<'_, TopicscopeApp>, label: &str, text: &str) {
    replace_text_in(harness, Role::TextInput, label, text);
}

pub fn replace_text_in(harness: &mut Harness<'_, TopicscopeApp>, role: Role, label: &str, text: &str) {
    harness.get_by_role_and_label(role, label).click();
    harness.step();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.step();
    harness.get_by_role_and_label(role, label).type_text(text);
    harness.step();
}

/// Publishes `payload` on `topic` through the composer.
pub fn publish_through_composer(harness: &mut Harness<'_, TopicscopeApp>, topic: &str, payload: &str) {
    publish_through_composer_without_sending(harness, topic, payload);
    harness.get_by_label("Publish").click();
    harness.step();
}

pub fn received_on(app: &TopicscopeApp, topic: &str) -> usize {
    let store = &app.workspace.store;
    (0..store.len())
        .filter_map(|i| store.at(i))
        .filter(|m| m.direction == Direction::Incoming && m.topic == topic)
        .count()
}

pub fn publish_through_composer_without_sending(harness: &mut Harness<'_, TopicscopeApp>, topic: &str, payload: &str) {
    replace_text(harness, "Topic", topic);
    replace_text_in(harness, Role::MultilineTextInput, "Payload", payload);
}

pub fn incoming_payloads(app: &TopicscopeApp, topic: &str) -> Vec<String> {
    let store = &app.workspace.store;
    (0..store.len())
        .filter_map(|i| store.at(i))
        .filter(|m| m.direction == Direction::Incoming && m.topic == topic)
        .map(|m| String::from_utf8_lossy(m.payload).into_owned())
        .collect()
}

/// Opens a menu of the menu bar and clicks one of its entries.
pub fn menu(harness: &mut Harness<'_, TopicscopeApp>, menu: &str, entry: &str) {
    harness.get_by_label(menu).click();
    for _ in 0..3 {
        harness.step();
    }
    harness.get_by_label(entry).click();
    for _ in 0..3 {
        harness.step();
    }
}

/// The CJK tests need a CJK font (CI installs fonts-noto-cjk); kittest
/// fails on a glyph no font has.
pub fn cjk_font_installed() -> bool {
    let found = std::path::Path::new("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc").exists();
    if !found {
        eprintln!("skipped: fonts-noto-cjk is not installed");
    }
    found
}

pub fn open_broker_panel(harness: &mut Harness<'_, TopicscopeApp>) {
    harness.get_by_label("Built-in broker").click();
}

#[derive(Debug)]
pub struct TestDrop(pub std::path::PathBuf);

impl egui::DroppedFile for TestDrop {
    fn path(&self) -> &std::path::Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|error| error.to_string())
    }
}

/// Another client (mosquitto_pub, QoS 1) publishes to the embedded broker;
/// `args` give the message (`-m TEXT`, `-f FILE`).
pub fn mosquitto_pub(harness: &Harness<'_, TopicscopeApp>, topic: &str, args: &[&str]) {
    let topicscope::core::engine::BrokerState::Running { addr, .. } = harness.state().workspace.broker.clone() else {
        panic!("the embedded broker runs")
    };
    let status = std::process::Command::new("mosquitto_pub")
        .args(["-h", "127.0.0.1", "-p", &addr.port().to_string(), "-q", "1", "-t", topic])
        .args(args)
        .status()
        .expect("mosquitto_pub runs");
    assert!(status.success());
}
