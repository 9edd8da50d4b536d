//! The menu bar (File, View, Help) and the windows it opens that belong
//! to the app rather than to a connection: keyboard shortcuts, the
//! application log and About.

use chrono::Local;

use crate::core::app_log::{self, LevelFilter};
use crate::ui::action::UiAction;
use crate::ui::i18n::{Language, Tr, Words};
use crate::ui::prefs::{Preferences, ThemeChoice, ZOOM_RANGE};
use crate::ui::shortcuts::{BUILT_IN, PLAIN_KEYS, SHORTCUTS, ShortcutAction};
use crate::ui::state::WindowsState;
use crate::ui::theme;

/// Draws the menu bar, with the toggles of the floating windows (charts,
/// broker status, the built-in broker) at its right end: they open windows,
/// so they sit with the menus, not among the left panel's pages.
pub fn menu_bar_ui(
    ui: &mut egui::Ui,
    prefs: &mut Preferences,
    state: &mut WindowsState,
    charts_open: &mut bool,
    actions: &mut Vec<UiAction>,
) {
    let shortcut_text = |ui: &egui::Ui, action: ShortcutAction| {
        SHORTCUTS
            .iter()
            .find(|shortcut| shortcut.action == action)
            .map(|shortcut| ui.ctx().format_shortcut(&shortcut.keys))
            .unwrap_or_default()
    };
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button(ui.tr(Tr::MenuFile), |ui| {
            let new_connection = egui::Button::new(ui.tr(Tr::NewConnection))
                .shortcut_text(shortcut_text(ui, ShortcutAction::NewConnection));
            if ui.add(new_connection).clicked() {
                actions.push(UiAction::NewTab);
            }
            let close = egui::Button::new(ui.tr(Tr::CloseConnection))
                .shortcut_text(shortcut_text(ui, ShortcutAction::CloseConnection));
            if ui.add(close).clicked() {
                actions.push(UiAction::CloseActiveTab);
            }
            ui.separator();
            if ui.button(ui.tr(Tr::EditProfileMenu)).clicked() {
                actions.push(UiAction::ToggleProfileEditor);
            }
            if ui.button(ui.tr(Tr::ImportProfilesMenu)).clicked() {
                actions.push(UiAction::ImportProfiles);
            }
            if ui.button(ui.tr(Tr::ExportLogMenu)).clicked() {
                actions.push(UiAction::ExportMessages);
            }
            ui.separator();
            if ui.button(ui.tr(Tr::Quit)).clicked() {
                ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
            }
        });
        ui.menu_button(ui.tr(Tr::MenuView), |ui| {
            ui.label(ui.tr(Tr::Theme));
            for choice in ThemeChoice::ALL {
                let name = match choice {
                    ThemeChoice::System => ui.tr(Tr::ThemeSystem),
                    ThemeChoice::Dark => ui.tr(Tr::ThemeDark),
                    ThemeChoice::Light => ui.tr(Tr::ThemeLight),
                };
                if ui.radio(prefs.theme == choice, name).clicked() {
                    prefs.theme = choice;
                    theme::apply(ui.ctx(), prefs);
                }
            }
            ui.separator();
            ui.label(ui.tr(Tr::Language));
            let system = Language::from_system();
            let follow = format!("{} ({})", ui.tr(Tr::LanguageSystem), system.native_name());
            if ui.radio(prefs.language.is_none(), follow).clicked() {
                prefs.language = None;
            }
            for language in Language::ALL {
                if ui.radio(prefs.language == Some(language), language.native_name()).clicked() {
                    prefs.language = Some(language);
                }
            }
            ui.separator();
            ui.horizontal(|ui| {
                let label = ui.label(ui.tr(Tr::Zoom));
                let mut percent = (ui.ctx().zoom_factor() * 100.0).round();
                let range = (ZOOM_RANGE.start() * 100.0)..=(ZOOM_RANGE.end() * 100.0);
                let changed = ui
                    .add(egui::DragValue::new(&mut percent).range(range).suffix(" %").speed(5.0))
                    .labelled_by(label.id)
                    .changed();
                if changed {
                    prefs.zoom = percent / 100.0;
                    ui.ctx().set_zoom_factor(prefs.effective_zoom());
                }
                if ui.button(ui.tr(Tr::ResetZoom)).clicked() {
                    prefs.zoom = 1.0;
                    ui.ctx().set_zoom_factor(1.0);
                }
            });
            ui.separator();
            ui.checkbox(charts_open, ui.tr(Tr::Charts));
            ui.checkbox(&mut state.show_broker_status, ui.tr(Tr::BrokerStatus));
            ui.checkbox(&mut state.show_sparkplug, ui.tr(crate::ui::i18n::TrDecode::SparkplugWindow));
            ui.checkbox(&mut state.show_scenarios, ui.tr(crate::ui::i18n::TrScenario::Window));
            ui.checkbox(&mut state.show_mocks, ui.tr(crate::ui::i18n::TrMock::Window));
            ui.checkbox(&mut state.show_replay, ui.tr(crate::ui::i18n::TrReplay::Window));
            ui.checkbox(&mut state.show_broker_panel, ui.tr(Tr::BuiltInBroker));
            ui.checkbox(&mut state.show_notices, ui.tr(Tr::Notifications));
            ui.checkbox(&mut state.show_app_log, ui.tr(Tr::ApplicationLog));
        });
        ui.menu_button(ui.tr(Tr::MenuHelp), |ui| {
            let keyboard = egui::Button::new(ui.tr(Tr::KeyboardShortcuts))
                .shortcut_text(shortcut_text(ui, ShortcutAction::ShowShortcuts));
            if ui.add(keyboard).clicked() {
                state.show_shortcuts = true;
            }
            if ui.button(ui.tr(Tr::About)).clicked() {
                state.show_about = true;
            }
        });
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            window_toggle(
                ui,
                &mut state.show_broker_panel,
                "🖧",
                ui.tr(Tr::BuiltInBroker),
                ui.tr(Tr::BuiltInBrokerHint),
            );
            window_toggle(
                ui,
                &mut state.show_broker_status,
                "📊",
                ui.tr(Tr::BrokerStatus),
                ui.tr(Tr::BrokerStatusHint),
            );
            window_toggle(ui, charts_open, "📈", ui.tr(Tr::Charts), ui.tr(Tr::ChartsHint));
        });
    });
}

/// A button that opens or closes a floating window: an icon, the window's
/// name and a 🗗 (window) mark, lit while the window is open.
fn window_toggle(ui: &mut egui::Ui, open: &mut bool, icon: &str, name: &str, hint: &str) {
    let response = ui.toggle_value(open, format!("{icon} {name} 🗗")).on_hover_text(hint);
    response.widget_info(|| egui::WidgetInfo::selected(egui::Role::Button, true, *open, name));
}

/// Help → Keyboard: every shortcut, as this platform writes it.
pub fn shortcuts_window_ui(ctx: &egui::Context, state: &mut WindowsState) {
    egui::Window::new(ctx.tr(Tr::KeyboardShortcuts))
        .id(egui::Id::unique("keyboard-shortcuts"))
        .open(&mut state.show_shortcuts)
        .resizable(false)
        .collapsible(false)
        .show(ctx, |ui| {
            egui::Grid::new("shortcut-table").num_columns(2).striped(true).spacing([24.0, 6.0]).show(ui, |ui| {
                let rows = SHORTCUTS
                    .iter()
                    .chain(PLAIN_KEYS.iter())
                    .map(|shortcut| (shortcut.keys, shortcut.description))
                    .chain(BUILT_IN.iter().copied());
                for (keys, description) in rows {
                    ui.monospace(ctx.format_shortcut(&keys));
                    ui.label(ui.tr(description));
                    ui.end_row();
                }
            });
        });
}

/// Help → About.
pub fn about_window_ui(ctx: &egui::Context, state: &mut WindowsState) {
    egui::Window::new(ctx.tr(Tr::About))
        .id(egui::Id::unique("about-window"))
        .open(&mut state.show_about)
        .resizable(false)
        .collapsible(false)
        .show(ctx, |ui| {
            ui.heading(format!("Topicscope {}", env!("CARGO_PKG_VERSION")));
            ui.label(ui.tr(Tr::AboutText));
            ui.weak(format!("{} {}", std::env::consts::OS, std::env::consts::ARCH));
            if let Some(dir) = app_log::log_dir() {
                ui.horizontal_wrapped(|ui| {
                    ui.label(ui.tr(Tr::LogFolder));
                    ui.monospace(dir.display().to_string());
                });
            }
        });
}

/// View → Application log: what topicscope itself recorded this run (the
/// daily files in the log folder keep it across runs), for bug reports.
pub fn app_log_window_ui(ctx: &egui::Context, prefs: &mut Preferences, state: &mut WindowsState) {
    if !state.show_app_log {
        return;
    }
    let log = app_log::global();
    egui::Window::new(ctx.tr(Tr::ApplicationLog))
        .id(egui::Id::unique("application-log"))
        .open(&mut state.show_app_log)
        .default_size([760.0, 360.0])
        .show(ctx, |ui| {
            let entries = log.matching(prefs.app_log_level, &state.app_log_search);
            ui.horizontal(|ui| {
                for level in LevelFilter::ALL {
                    let name = match level {
                        LevelFilter::Error => ui.tr(Tr::LevelErrors),
                        LevelFilter::Warn => ui.tr(Tr::LevelWarnings),
                        LevelFilter::Info => ui.tr(Tr::LevelInfo),
                        LevelFilter::Debug => ui.tr(Tr::LevelDebug),
                    };
                    ui.selectable_value(&mut prefs.app_log_level, level, name);
                }
                ui.separator();
                let label = ui.label(ui.tr(Tr::Search));
                ui.add(egui::TextEdit::singleline(&mut state.app_log_search).desired_width(160.0))
                    .labelled_by(label.id);
                if ui.button(ui.tr(Tr::CopyAll)).on_hover_text(ui.tr(Tr::CopyAllLogHint)).clicked() {
                    let text: Vec<String> = entries.iter().map(app_log::AppLogEntry::line).collect();
                    ui.ctx().copy_text(text.join("\n"));
                }
                if ui.button(ui.tr(Tr::Clear)).clicked() {
                    log.clear();
                }
            });
            if let Some(dir) = app_log::log_dir() {
                ui.horizontal_wrapped(|ui| {
                    ui.weak(ui.tr(Tr::LogFolder));
                    ui.monospace(dir.display().to_string());
                    if ui.small_button(ui.tr(Tr::CopyPath)).clicked() {
                        ui.ctx().copy_text(dir.display().to_string());
                    }
                });
            }
            if log.dropped() > 0 {
                ui.weak(ui.trf(Tr::OlderEntriesDropped, &[("n", &log.dropped())]));
            }
            ui.separator();
            if entries.is_empty() {
                ui.weak(ui.tr(Tr::NothingRecorded));
                return;
            }
            let row_height = ui.text_style_height(&egui::TextStyle::Monospace);
            egui::ScrollArea::both().stick_to_bottom(true).auto_shrink([false, false]).show_rows(
                ui,
                row_height,
                entries.len(),
                |ui, rows| {
                    for entry in &entries[rows] {
                        let colour = match entry.level {
                            tracing::Level::ERROR => Some(theme::ERROR),
                            tracing::Level::WARN => Some(theme::BUSY),
                            _ => None,
                        };
                        let line = format!(
                            "{} {:>5} {}: {}",
                            entry.at.with_timezone(&Local).format("%H:%M:%S%.3f"),
                            entry.level,
                            entry.target,
                            entry.message
                        );
                        let text = egui::RichText::new(line).monospace();
                        ui.label(match colour {
                            Some(colour) => text.color(colour),
                            None => text,
                        });
                    }
                },
            );
        });
}
