//! The Scenarios window: the scenario files of a folder (beside the
//! profiles by default), run one or all with the active tab's connection
//! settings, each step's status shown live with its time and, on failure,
//! what arrived instead. Runs happen on their own threads (each with its
//! own engine): the window never waits for a broker.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use crate::core::diff::{PayloadDiff, diff_payloads};
use crate::core::profile::ConnectionProfile;
use crate::core::scenario::Scenario;
use crate::core::scenario::runner::{Arrived, ScenarioReport, StepReport, StepStatus, run_watched};
use crate::ui::action::UiAction;
use crate::ui::i18n::{TrScenario, Words};
use crate::ui::payload_diff::payload_diff_ui;
use crate::ui::theme;

/// Width of the list of files.
const LIST_WIDTH: f32 = 340.0;

/// A scenario file of the folder, read (or why not).
#[derive(Debug, Clone)]
pub struct ScenarioEntry {
    /// The file.
    pub path: PathBuf,
    /// What it holds, or the error with `file:line:col`.
    pub scenario: Result<Scenario, String>,
}

/// A run as far as it got.
#[derive(Debug, Clone)]
pub enum RunView {
    /// Steps finished so far.
    Running(Vec<StepReport>),
    /// Done.
    Finished(ScenarioReport),
    /// It could not run (no broker): why.
    NotRun(String),
}

/// What a run's thread reports.
#[derive(Debug)]
enum RunMessage {
    Step(PathBuf, StepReport),
    Done(PathBuf, Result<ScenarioReport, String>),
}

/// The window's state.
#[derive(Debug)]
pub struct ScenariosState {
    /// The folder listed.
    pub folder: Option<PathBuf>,
    /// Its scenario files, read.
    pub entries: Vec<ScenarioEntry>,
    /// The folder is being read.
    pub listing: bool,
    /// The scenario whose steps are shown.
    pub selected: Option<PathBuf>,
    /// Runs by file.
    pub runs: BTreeMap<PathBuf, RunView>,
    /// The window was open last frame (opening it reads the folder again).
    pub was_open: bool,
    /// Diffs of failed steps' expected and arrived payloads, by file and
    /// step index, computed once when first shown.
    diffs: HashMap<(PathBuf, usize), PayloadDiff>,
    sender: SyncSender<RunMessage>,
    receiver: Receiver<RunMessage>,
}

impl Default for ScenariosState {
    fn default() -> Self {
        // Bounded: a run waits (it never drops a step) while the window,
        // woken by each step, takes them in.
        let (sender, receiver) = sync_channel(1024);
        Self {
            folder: None,
            entries: Vec::new(),
            listing: false,
            selected: None,
            runs: BTreeMap::new(),
            was_open: false,
            diffs: HashMap::new(),
            sender,
            receiver,
        }
    }
}

impl ScenariosState {
    /// Starts running the scenario in `path` on a thread: with the saved
    /// profile it names, else `active` (the active tab's settings); its
    /// extra clients' profiles are looked up in `saved`.
    pub fn start(
        &mut self,
        ctx: &egui::Context,
        path: PathBuf,
        active: ConnectionProfile,
        saved: Vec<ConnectionProfile>,
    ) {
        let Some(Ok(scenario)) =
            self.entries.iter().find(|entry| entry.path == path).map(|entry| entry.scenario.clone())
        else {
            return;
        };
        if matches!(self.runs.get(&path), Some(RunView::Running(_))) {
            return;
        }
        let named = scenario.profile.as_ref().and_then(|name| saved.iter().find(|profile| profile.name == *name));
        let mut profile = named.cloned().unwrap_or(active);
        // A test's connection is its own: no reconnects hiding a lost broker.
        profile.reconnect = false;
        profile.subscriptions.clear();
        self.runs.insert(path.clone(), RunView::Running(Vec::new()));
        self.selected = Some(path.clone());
        let (sender, ctx) = (self.sender.clone(), ctx.clone());
        let spawned = std::thread::Builder::new().name("topicscope-scenario".into()).spawn(move || {
            let (step_sender, step_ctx, step_path) = (sender.clone(), ctx.clone(), path.clone());
            let on_step = Box::new(move |report: &StepReport| {
                let _ = step_sender.send(RunMessage::Step(step_path.clone(), report.clone()));
                step_ctx.request_repaint();
            });
            let lookup = |name: &str| {
                let mut found = saved
                    .iter()
                    .find(|candidate| candidate.name == name)
                    .cloned()
                    .ok_or_else(|| format!("no saved profile named '{name}'"))?;
                found.reconnect = false;
                found.subscriptions.clear();
                Ok(found)
            };
            let result = run_watched(&scenario, profile, &lookup, on_step).map_err(|error| error.to_string());
            let _ = sender.send(RunMessage::Done(path, result));
            ctx.request_repaint();
        });
        if let Err(error) = spawned {
            let path = self.selected.clone().unwrap_or_default();
            self.runs.insert(path, RunView::NotRun(format!("cannot start a thread: {error}")));
        }
    }

    /// Takes in what the runs' threads reported.
    pub fn collect(&mut self) {
        while let Ok(message) = self.receiver.try_recv() {
            match message {
                RunMessage::Step(path, step) => {
                    if let Some(RunView::Running(steps)) = self.runs.get_mut(&path) {
                        steps.push(step);
                    }
                }
                RunMessage::Done(path, Ok(report)) => {
                    self.diffs.retain(|(file, _), _| *file != path);
                    self.runs.insert(path, RunView::Finished(report));
                }
                RunMessage::Done(path, Err(reason)) => {
                    self.runs.insert(path, RunView::NotRun(reason));
                }
            }
        }
    }
}

fn steps_of(view: &RunView) -> &[StepReport] {
    match view {
        RunView::Running(steps) => steps,
        RunView::Finished(report) => &report.steps,
        RunView::NotRun(_) => &[],
    }
}

/// The window, while `open`.
pub fn scenarios_ui(ctx: &egui::Context, open: &mut bool, state: &mut ScenariosState, actions: &mut Vec<UiAction>) {
    // Runs keep reporting while the window is closed.
    state.collect();
    if !*open {
        return;
    }
    egui::Window::new(ctx.tr(TrScenario::Window))
        .id(egui::Id::unique("scenarios-window"))
        .open(open)
        .default_size([820.0, 460.0])
        .resizable(true)
        .show(ctx, |ui| {
            ui.horizontal_wrapped(|ui| {
                let folder = state
                    .folder
                    .as_ref()
                    .map_or_else(|| ui.tr(TrScenario::NoFolder).to_owned(), |f| f.display().to_string());
                ui.label(ui.tr(TrScenario::Folder));
                ui.monospace(folder);
                if ui.button(ui.tr(TrScenario::ChooseFolder)).clicked() {
                    actions.push(UiAction::ChooseScenarioFolder);
                }
                if state.folder.is_some() && ui.button(ui.tr(TrScenario::Reload)).clicked() {
                    actions.push(UiAction::ListScenarios);
                }
                let runnable = state.entries.iter().any(|entry| entry.scenario.is_ok());
                if ui
                    .add_enabled(runnable, egui::Button::new(ui.tr(TrScenario::RunAll)))
                    .on_hover_text(ui.tr(TrScenario::RunHint))
                    .clicked()
                {
                    actions.push(UiAction::RunAllScenarios);
                }
            });
            if state.listing {
                ui.weak(ui.tr(TrScenario::Reading));
            } else if state.entries.is_empty() {
                ui.add(egui::Label::new(egui::RichText::new(ui.tr(TrScenario::Empty)).weak()).wrap());
            }
            ui.separator();
            ui.horizontal_top(|ui| {
                let list = egui::Layout::top_down(egui::Align::Min);
                ui.allocate_ui_with_layout(egui::vec2(LIST_WIDTH, 380.0), list, |ui| {
                    ui.set_width(LIST_WIDTH);
                    egui::ScrollArea::vertical().id_salt("scenario-list").auto_shrink([false, true]).show(ui, |ui| {
                        for entry in &state.entries {
                            list_row_ui(ui, entry, state.runs.get(&entry.path), &mut state.selected, actions);
                        }
                    });
                });
                ui.add_space(12.0);
                ui.vertical(|ui| {
                    let selected =
                        state.selected.as_ref().and_then(|path| state.entries.iter().find(|entry| entry.path == *path));
                    match selected {
                        Some(entry) => details_ui(ui, entry, state.runs.get(&entry.path), &mut state.diffs),
                        None => {
                            ui.weak(ui.tr(TrScenario::Pick));
                        }
                    }
                });
            });
        });
}

fn verdict(view: Option<&RunView>) -> Option<(egui::Color32, &'static str)> {
    Some(match view? {
        RunView::Running(_) => (theme::BUSY, "…"),
        RunView::Finished(report) if report.passed() => (theme::OK, "PASS"),
        RunView::Finished(_) | RunView::NotRun(_) => (theme::ERROR, "FAIL"),
    })
}

fn list_row_ui(
    ui: &mut egui::Ui,
    entry: &ScenarioEntry,
    run: Option<&RunView>,
    selected: &mut Option<PathBuf>,
    actions: &mut Vec<UiAction>,
) {
    ui.horizontal(|ui| {
        let name = match &entry.scenario {
            Ok(scenario) => scenario.name.clone(),
            Err(_) => entry.path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default(),
        };
        let running = matches!(run, Some(RunView::Running(_)));
        let runnable = entry.scenario.is_ok() && !running;
        if ui.add_enabled(runnable, egui::Button::new("▶").small()).on_hover_text(ui.tr(TrScenario::RunHint)).clicked()
        {
            actions.push(UiAction::RunScenario { path: entry.path.clone() });
        }
        if let Some((colour, word)) = verdict(run) {
            ui.colored_label(colour, word);
        } else if entry.scenario.is_err() {
            ui.colored_label(theme::ERROR, "⚠");
        }
        let is_selected = selected.as_ref() == Some(&entry.path);
        if ui.selectable_label(is_selected, name).clicked() {
            *selected = Some(entry.path.clone());
        }
    });
}

fn details_ui(
    ui: &mut egui::Ui,
    entry: &ScenarioEntry,
    run: Option<&RunView>,
    diffs: &mut HashMap<(PathBuf, usize), PayloadDiff>,
) {
    let scenario = match &entry.scenario {
        Ok(scenario) => scenario,
        Err(error) => {
            ui.add(egui::Label::new(egui::RichText::new(error).color(theme::ERROR)).wrap());
            return;
        }
    };
    ui.strong(&scenario.name);
    if !scenario.description.is_empty() {
        ui.add(egui::Label::new(egui::RichText::new(&scenario.description).weak()).wrap());
    }
    ui.weak(entry.path.display().to_string());
    let Some(run) = run else {
        ui.weak(ui.trf(TrScenario::Steps, &[("n", &scenario.steps.len())]));
        return;
    };
    if let RunView::NotRun(reason) = run {
        ui.colored_label(theme::ERROR, reason);
        return;
    }
    egui::ScrollArea::vertical().id_salt("scenario-steps").auto_shrink([false, true]).max_height(340.0).show(
        ui,
        |ui| {
            egui::Grid::new("scenario-step-grid").striped(true).num_columns(4).spacing([10.0, 3.0]).show(ui, |ui| {
                for (index, step) in steps_of(run).iter().enumerate() {
                    let (colour, mark) = match &step.status {
                        StepStatus::Passed => (theme::OK, "✔"),
                        StepStatus::Failed(_) => (theme::ERROR, "✖"),
                        StepStatus::Skipped => (theme::MUTED, "–"),
                    };
                    ui.colored_label(colour, mark);
                    ui.label(format!("{}. {}", step.number, step.label));
                    ui.monospace(format!("{:.1} ms", step.elapsed.as_secs_f64() * 1000.0));
                    ui.monospace(
                        step.measured
                            .map(|time| format!("⏱ {:.1} ms", time.as_secs_f64() * 1000.0))
                            .unwrap_or_default(),
                    );
                    ui.end_row();
                    if let StepStatus::Failed(reason) = &step.status {
                        ui.label("");
                        ui.vertical(|ui| {
                            ui.add(egui::Label::new(egui::RichText::new(reason).color(theme::ERROR)).wrap());
                            if let Some(arrived) = &step.arrived {
                                let key = (entry.path.clone(), index);
                                arrived_ui(ui, arrived, diffs.entry(key));
                            }
                        });
                        ui.end_row();
                    }
                }
            });
        },
    );
}

/// What arrived instead of the expected message: against what the
/// matchers expected (− expected, + arrived) when they say, else as it is.
fn arrived_ui(
    ui: &mut egui::Ui,
    arrived: &Arrived,
    diff: std::collections::hash_map::Entry<'_, (PathBuf, usize), PayloadDiff>,
) {
    let title = ui.trf(TrScenario::Arrived, &[("topic", &arrived.topic)]);
    egui::CollapsingHeader::new(title).id_salt(("arrived", diff.key().1)).show(ui, |ui| match &arrived.expected {
        Some(expected) => {
            ui.weak(ui.tr(TrScenario::ExpectedVsArrived));
            let diff = diff.or_insert_with(|| diff_payloads(expected, &arrived.payload));
            payload_diff_ui(ui, diff, (expected, &arrived.payload));
        }
        None => {
            let text = String::from_utf8_lossy(&arrived.payload);
            ui.add(egui::Label::new(egui::RichText::new(text).monospace()).wrap());
        }
    });
}
