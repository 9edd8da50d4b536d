//! The Mocks window: device mock files switched on and off for the active
//! tab's profile (the files of the mocks folder beside the scenarios, and
//! any other added), what they listen on, how many answers they sent and
//! the latest of them. The mocks themselves run in the engine, on the
//! tab's connection; this window only says which files and shows reports.

use std::path::{Path, PathBuf};

use crate::core::engine::mocks::MockReport;
use crate::core::workspace::mocks::TabMocks;
use crate::ui::action::UiAction;
use crate::ui::i18n::{TrMock, Words};
use crate::ui::panel::PanelContext;
use crate::ui::theme;

/// The window's own state.
#[derive(Debug, Default)]
pub struct MocksState {
    /// The folder listed (`mocks` in the scenario folder).
    pub folder: Option<PathBuf>,
    /// Its `.ron` files.
    pub available: Vec<PathBuf>,
    /// The folder is being read.
    pub listing: bool,
    /// The window was open last frame (opening it reads the folder again).
    pub was_open: bool,
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |name| name.to_string_lossy().into_owned())
}

/// The window, while `open`.
pub fn mocks_ui(ctx: &egui::Context, cx: &mut PanelContext<'_>, open: &mut bool, state: &mut MocksState) {
    if !*open {
        return;
    }
    let tab = cx.workspace.active_tab();
    let (title, enabled, mocks) = (tab.title(), tab.profile.mocks.clone(), &tab.mocks);
    let connected = tab.connection.is_some();
    let actions = &mut *cx.actions;
    egui::Window::new(ctx.tr(TrMock::Window))
        .id(egui::Id::unique("mocks-window"))
        .open(open)
        .default_size([720.0, 420.0])
        .resizable(true)
        .show(ctx, |ui| {
            ui.add(egui::Label::new(egui::RichText::new(ui.trf(TrMock::Intro, &[("tab", &title)])).weak()).wrap());
            ui.horizontal_wrapped(|ui| {
                ui.label(ui.tr(TrMock::Folder));
                let folder =
                    state.folder.as_ref().map_or_else(|| "—".to_owned(), |folder| folder.display().to_string());
                ui.monospace(folder);
                if ui.button(ui.tr(TrMock::Reload)).on_hover_text(ui.tr(TrMock::ReloadHint)).clicked() {
                    actions.push(UiAction::ListMockFiles);
                    actions.push(UiAction::ReloadMocks);
                }
                if ui.button(ui.tr(TrMock::AddFile)).clicked() {
                    actions.push(UiAction::AddMockFile);
                }
            });
            ui.separator();
            files_ui(ui, state, &enabled, mocks, actions);
            ui.separator();
            status_ui(ui, mocks, !enabled.is_empty(), connected);
            recent_ui(ui, mocks);
        });
}

/// One row per file: the folder's and the profile's (checked when on).
fn files_ui(ui: &mut egui::Ui, state: &MocksState, enabled: &[PathBuf], mocks: &TabMocks, actions: &mut Vec<UiAction>) {
    let mut rows: Vec<PathBuf> = state.available.clone();
    rows.extend(enabled.iter().filter(|path| !state.available.contains(path)).cloned());
    if state.listing {
        ui.weak(ui.tr(TrMock::Reading));
    } else if rows.is_empty() {
        ui.add(egui::Label::new(egui::RichText::new(ui.tr(TrMock::Empty)).weak()).wrap());
    }
    let loaded = mocks.files().ok().unwrap_or_default();
    egui::Grid::new("mock-files").num_columns(2).spacing([12.0, 4.0]).show(ui, |ui| {
        for path in rows {
            let index = enabled.iter().position(|candidate| *candidate == path);
            let mut on = index.is_some();
            let response = ui.checkbox(&mut on, file_name(&path)).on_hover_text(path.display().to_string());
            if response.changed() {
                actions.push(UiAction::ToggleMock { path: path.clone(), on });
            }
            // Files in force are read in the profile's order.
            match index.and_then(|index| loaded.get(index)) {
                Some(file) => {
                    let rules = file.rules.len();
                    ui.weak(format!("{} · {}", file.name, ui.trf(TrMock::Rules, &[("n", &rules)])));
                }
                None => {
                    ui.label("");
                }
            }
            ui.end_row();
        }
    });
}

fn status_ui(ui: &mut egui::Ui, mocks: &TabMocks, any_enabled: bool, connected: bool) {
    if let Err(error) = mocks.files() {
        ui.add(
            egui::Label::new(egui::RichText::new(ui.trf(TrMock::NotRead, &[("error", &error)])).color(theme::ERROR))
                .wrap(),
        );
        return;
    }
    if mocks.loading() {
        ui.weak(ui.tr(TrMock::Reading));
        return;
    }
    if let Some(reason) = mocks.stopped() {
        ui.add(
            egui::Label::new(egui::RichText::new(ui.trf(TrMock::Stopped, &[("reason", &reason)])).color(theme::ERROR))
                .wrap(),
        );
    }
    if !any_enabled {
        ui.weak(ui.tr(TrMock::NoneOn));
    } else if !connected {
        ui.colored_label(theme::BUSY, ui.tr(TrMock::NotConnected));
    } else if !mocks.listening().is_empty() {
        let filters = mocks.listening().join(", ");
        ui.horizontal_wrapped(|ui| {
            ui.colored_label(theme::OK, ui.tr(TrMock::ListeningOn));
            ui.monospace(filters);
        });
    }
    ui.label(ui.trf(TrMock::Answered, &[("n", &mocks.answered())]));
}

/// The latest answers and failures, newest first.
fn recent_ui(ui: &mut egui::Ui, mocks: &TabMocks) {
    egui::ScrollArea::vertical().id_salt("mock-recent").auto_shrink([false, true]).max_height(220.0).show(ui, |ui| {
        egui::Grid::new("mock-recent-grid").striped(true).num_columns(3).spacing([10.0, 3.0]).show(ui, |ui| {
            for (at, report) in mocks.recent().rev() {
                let time = at.with_timezone(&chrono::Local).format("%H:%M:%S%.3f").to_string();
                match report {
                    MockReport::Answered { file, rule, request_topic, topic, delay } => {
                        ui.monospace(time);
                        ui.label(format!("{request_topic} → {topic}"));
                        ui.weak(
                            ui.trf(TrMock::AnsweredBy, &[("file", file), ("rule", rule), ("ms", &delay.as_millis())]),
                        );
                    }
                    MockReport::Unanswerable { file, request_topic, reason } => {
                        ui.monospace(time);
                        ui.colored_label(theme::ERROR, format!("{request_topic} ✖"));
                        ui.add(
                            egui::Label::new(egui::RichText::new(format!("{file}: {reason}")).color(theme::ERROR))
                                .wrap(),
                        );
                    }
                    MockReport::Stopped { reason } => {
                        ui.monospace(time);
                        ui.colored_label(theme::ERROR, "■");
                        ui.add(egui::Label::new(egui::RichText::new(reason).color(theme::ERROR)).wrap());
                    }
                    MockReport::Listening { .. } => continue,
                }
                ui.end_row();
            }
        });
    });
}
