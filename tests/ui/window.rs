//! Look and feel: theme, language, fonts, zoom, shortcuts, toasts.

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use topicscope::core::broker::BrokerConfig;
use topicscope::ui::i18n::Language;
use topicscope::ui::prefs::ThemeChoice;
use topicscope::ui::{AppOptions, TopicscopeApp};

use crate::helpers::*;

#[test]
fn the_view_menu_switches_between_dark_light_and_the_system_theme() {
    let mut harness = harness();
    menu(&mut harness, "View", "Light");
    assert_eq!(harness.state().prefs.theme, ThemeChoice::Light);
    assert_eq!(harness.ctx.options(|o| o.theme_preference), egui::ThemePreference::Light);
    assert!(!harness.ctx.global_style().visuals.dark_mode, "light visuals in use");
    // Input fields stand out from the panel in the light theme (they were white on near-white).
    let visuals = harness.ctx.global_style().visuals.clone();
    let edge = visuals.widgets.inactive.bg_stroke;
    assert!(edge.width >= 1.0, "fields have an outline: {edge:?}");
    let contrast = topicscope::ui::theme::contrast_ratio(edge.color, visuals.panel_fill);
    assert!(contrast >= 3.0, "the outline has 3:1 contrast with the panel (WCAG 1.4.11): {contrast:.2}");
    harness.key_press(egui::Key::Escape);
    harness.step();
    menu(&mut harness, "View", "Dark");
    assert!(harness.ctx.global_style().visuals.dark_mode, "dark visuals in use");
    harness.key_press(egui::Key::Escape);
    harness.step();
    menu(&mut harness, "View", "Follow the system");
    assert_eq!(harness.state().prefs.theme, ThemeChoice::System);
    assert_eq!(harness.ctx.options(|o| o.theme_preference), egui::ThemePreference::System);
}

#[test]
fn the_interface_switches_to_chinese_at_run_time_and_back() {
    if !cjk_font_installed() {
        return;
    }
    let mut harness = harness();
    connected(&mut harness);
    menu(&mut harness, "View", "简体中文");
    assert_eq!(harness.state().prefs.language, Some(Language::SimplifiedChinese));
    harness.key_press(egui::Key::Escape);
    for _ in 0..3 {
        harness.step();
    }
    for chinese in ["断开", "订阅", "订阅列表", "发布", "主题树", "视图", "帮助"] {
        assert!(harness.query_all_by_label(chinese).next().is_some(), "{chinese} is shown");
    }
    assert!(harness.query_by_label("Publish").is_none(), "no English button left");
    menu(&mut harness, "视图", "English");
    harness.key_press(egui::Key::Escape);
    harness.step();
    assert!(harness.query_by_label("Publish").is_some());
}

#[test]
fn keyboard_shortcuts_open_close_search_and_clear() {
    let mut harness = harness();
    connected(&mut harness);
    publish_through_composer(&mut harness, "kb/one", "1");
    step_until(&mut harness, "the message is logged", |app| received_on(app, "kb/one") == 1);

    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::N);
    step_until(&mut harness, "Ctrl+N opened a tab", |app| app.workspace.tabs().len() == 2);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::W);
    step_until(&mut harness, "Ctrl+W closed it", |app| app.workspace.tabs().len() == 1);

    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    harness.step();
    harness.step();
    harness.get_by_label("Search").type_text("nothing-matches");
    harness.step();
    assert_eq!(harness.state().ui.log.search, "nothing-matches", "Ctrl+F put the cursor in the log search");
    harness.state_mut().ui.log.search.clear();

    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::L);
    step_until(&mut harness, "Ctrl+L cleared the log", |app| app.workspace.store.is_empty());

    harness.key_press(egui::Key::F1);
    harness.step();
    harness.step();
    assert!(harness.state().ui.windows.show_shortcuts);
    let ctrl_n = harness.ctx.format_shortcut(&egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, egui::Key::N));
    assert!(harness.query_by_label(&ctrl_n).is_some(), "the panel lists {ctrl_n}");
    assert!(harness.query_by_label("Clear the message log").is_some());
    harness.key_press(egui::Key::Escape);
    harness.step();
    assert!(!harness.state().ui.windows.show_shortcuts, "Escape closed the panel");
}

#[test]
fn warnings_pop_up_as_toasts_and_stay_in_the_notifications_list() {
    let mut harness = harness();
    harness.state_mut().workspace.error("test failure: the broker went away");
    for _ in 0..3 {
        harness.step();
    }
    assert_eq!(harness.state().toasts_on_screen(), 1, "a toast is shown");
    assert!(harness.query_by_label("⚠ 1 new notification").is_some(), "the status bar counts it");
    harness.get_by_label("⚠ 1 new notification").click();
    for _ in 0..3 {
        harness.step();
    }
    assert!(harness.state().ui.windows.show_notices);
    assert!(harness.query_all_by_label_contains("the broker went away").count() >= 1);
    assert!(harness.query_by_label("error").is_some(), "listed with its level");
    harness.key_press(egui::Key::Escape);
    harness.step();
    assert!(!harness.state().ui.windows.show_notices);
    assert!(harness.query_by_label("Notifications").is_some(), "read: the count is gone");
}

#[test]
fn chinese_topics_and_payloads_render_with_a_system_cjk_font() {
    if !cjk_font_installed() {
        return;
    }
    let mut harness = harness();
    connected(&mut harness);
    publish_through_composer(&mut harness, "工厂/温度", r#"{"传感器": "温度计", "值": 21.5}"#);
    step_until(&mut harness, "the message is logged", |app| received_on(app, "工厂/温度") == 1);
    for _ in 0..5 {
        harness.step();
    }
    assert!(harness.query_all_by_label("工厂/温度").next().is_some(), "the topic is in the log");
    let font = egui::FontId::proportional(14.0);
    let rendered = harness.ctx.fonts_mut(|fonts| ['工', '温', '传', '值'].iter().all(|c| fonts.has_glyph(&font, *c)));
    assert!(rendered, "the system fallback supplied the glyphs");
    assert!(
        !harness.state().workspace.notices.iter().any(|notice| notice.kind.to_string().contains("boxes")),
        "no missing-font hint"
    );
}

#[test]
fn at_200_percent_on_macos_the_window_works_and_lists_command_shortcuts() {
    let options = AppOptions { broker: BrokerConfig::ephemeral(), profile_dir: None, ..AppOptions::default() };
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .with_pixels_per_point(2.0)
        .with_os(egui::os::OperatingSystem::Mac)
        .build_eframe(move |cc| TopicscopeApp::new(cc, options.clone()));
    harness.state_mut().prefs.language = Some(Language::English);
    connected(&mut harness);
    publish_through_composer(&mut harness, "hidpi/check", r#"{"scale": 2}"#);
    step_until(&mut harness, "published and received at 2x", |app| received_on(app, "hidpi/check") == 1);
    harness.key_press(egui::Key::F1);
    harness.step();
    harness.step();
    for keys in ["⌘N", "⌘W", "⌘L", "⌘F"] {
        assert!(harness.query_by_label(keys).is_some(), "{keys} listed for macOS");
    }
    harness.key_press(egui::Key::Escape);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::N);
    step_until(&mut harness, "⌘N opened a tab", |app| app.workspace.tabs().len() == 2);
}

#[test]
fn the_view_menu_says_the_zoom_once_and_resets_it() {
    let mut harness = harness();
    harness.get_by_label("View").click();
    harness.run_steps(3);
    assert!(harness.query_by_role_and_label(Role::Button, "100 %").is_none(), "'100 %' is said once, by the value");
    harness.get_by_label("Reset to 100 %").click();
    harness.run_steps(2);
    assert!((harness.state().prefs.zoom - 1.0).abs() < f32::EPSILON);
}

#[test]
fn the_floating_windows_open_from_the_menu_bar_not_from_the_left_panels_pages() {
    let mut harness = harness();
    let menu_bar = harness.get_by_label("File").rect();
    let pages = harness.get_by_label("Subscriptions").rect();
    for name in ["Charts", "Broker status", "Built-in broker"] {
        let toggle = harness.get_by_label(name).rect();
        assert!(toggle.center().y < menu_bar.bottom(), "{name} sits in the menu bar: {toggle:?} vs {menu_bar:?}");
        assert!(toggle.center().y < pages.top(), "{name} is not among the left panel's pages");
    }
    harness.get_by_label("Charts").click();
    harness.run_steps(3);
    assert!(harness.state().ui.charts.open, "the toggle opens the charts window");
}

#[test]
fn subscribe_find_topic_and_pause_have_keys_and_the_f1_panel_lists_them() {
    let mut harness = harness();
    connected(&mut harness);
    let command_shift = egui::Modifiers::COMMAND | egui::Modifiers::SHIFT;

    // Ctrl+Shift+S: the cursor in the subscription filter, its text selected.
    harness.key_press_modifiers(command_shift, egui::Key::S);
    harness.run_steps(2);
    harness.get_by_role_and_label(Role::TextInput, "Topic filter").type_text("plant/#");
    harness.run_steps(1);
    assert_eq!(harness.state().ui.subscribe.filter, "plant/#", "typing replaced the filter");

    // Space types a space while a field has the keyboard; it does not pause.
    harness.key_press(egui::Key::Space);
    harness.run_steps(1);
    assert!(!harness.state().ui.log.paused);
    harness.key_press(egui::Key::Escape);
    harness.get_by_label("Messages").click(); // away from any field
    harness.run_steps(2);
    harness.key_press(egui::Key::Space);
    harness.run_steps(2);
    assert!(harness.state().ui.log.paused, "Space paused the log");
    harness.key_press(egui::Key::Space);
    harness.run_steps(2);
    assert!(!harness.state().ui.log.paused, "and resumed it");

    // Ctrl+Shift+F: the topic tree's find field.
    harness.key_press_modifiers(command_shift, egui::Key::F);
    harness.run_steps(2);
    harness.get_by_role_and_label(Role::TextInput, "Find topic").type_text("boiler");
    harness.run_steps(1);
    assert_eq!(harness.state().ui.tree.search, "boiler");

    harness.key_press(egui::Key::Escape);
    harness.run_steps(1);
    harness.key_press(egui::Key::F1);
    harness.run_steps(2);
    for keys in ["Ctrl+Shift+S", "Ctrl+Shift+F", "Space", "End"] {
        assert!(harness.query_by_label(keys).is_some(), "the F1 panel lists {keys}");
    }
}
