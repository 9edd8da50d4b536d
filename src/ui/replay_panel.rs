//! The Record & replay window: saving the log (as filtered) as a
//! recording, and replaying a recording from the active tab's connection
//! with its timing, faster, or as fast as possible under a rate limit,
//! under a topic prefix, once, N times or in a loop. The recording is read
//! on a file-task thread and the replay is an engine job (listed and
//! stopped with the composer's repeat jobs).

use std::path::PathBuf;
use std::sync::Arc;

use crate::core::replay::Recorded;
use crate::ui::action::UiAction;
use crate::ui::i18n::{TrReplay, Words};
use crate::ui::theme;

/// Most rounds the window asks for (the CLI allows the same).
const MAX_TIMES: u32 = 1_000_000;

/// A recording read from its file.
pub type Recording = (PathBuf, Arc<Vec<Recorded>>);

/// The window's state: the recording and the settings as typed.
#[derive(Debug)]
pub struct ReplayState {
    /// The recording read, or why it could not be.
    pub recording: Option<Result<Recording, String>>,
    /// Speed factor (0.01 to 1000).
    pub speed: f64,
    /// Ignore the timing.
    pub fastest: bool,
    /// Messages per second at most, as typed (empty: no limit).
    pub max_rate: String,
    /// Put in front of every topic.
    pub prefix: String,
    /// Rounds.
    pub times: u32,
    /// Until stopped.
    pub forever: bool,
    /// Why the last Start did not start.
    pub error: Option<String>,
}

impl Default for ReplayState {
    fn default() -> Self {
        Self {
            recording: None,
            speed: 1.0,
            fastest: false,
            max_rate: String::new(),
            prefix: String::new(),
            times: 1,
            forever: false,
            error: None,
        }
    }
}

/// The window, while `open`.
pub fn replay_ui(ctx: &egui::Context, open: &mut bool, state: &mut ReplayState, actions: &mut Vec<UiAction>) {
    if !*open {
        return;
    }
    egui::Window::new(ctx.tr(TrReplay::Window))
        .id(egui::Id::unique("replay-window"))
        .open(open)
        .default_width(560.0)
        .resizable(true)
        .show(ctx, |ui| {
            ui.heading(ui.tr(TrReplay::RecordHeading));
            ui.add(egui::Label::new(egui::RichText::new(ui.tr(TrReplay::RecordIntro)).weak()).wrap());
            if ui.button(ui.tr(TrReplay::SaveRecording)).clicked() {
                actions.push(UiAction::ExportMessages);
            }
            ui.separator();
            ui.heading(ui.tr(TrReplay::ReplayHeading));
            ui.add(egui::Label::new(egui::RichText::new(ui.tr(TrReplay::ReplayIntro)).weak()).wrap());
            ui.horizontal_wrapped(|ui| {
                if ui.button(ui.tr(TrReplay::Choose)).clicked() {
                    actions.push(UiAction::ChooseRecording);
                }
                recording_line(ui, state);
            });
            settings_ui(ui, state);
            let ready = matches!(state.recording, Some(Ok(_)));
            if ui.add_enabled(ready, egui::Button::new(ui.tr(TrReplay::Start))).clicked() {
                actions.push(UiAction::StartReplay);
            }
            if let Some(error) = &state.error {
                ui.add(egui::Label::new(egui::RichText::new(error).color(theme::ERROR)).wrap());
            }
        });
}

fn recording_line(ui: &mut egui::Ui, state: &ReplayState) {
    match &state.recording {
        None => {
            ui.weak(ui.tr(TrReplay::NoRecording));
        }
        Some(Err(error)) => {
            ui.add(egui::Label::new(egui::RichText::new(error).color(theme::ERROR)).wrap());
        }
        Some(Ok((path, messages))) => {
            let file =
                path.file_name().map_or_else(|| path.display().to_string(), |name| name.to_string_lossy().into());
            let span = messages.last().map_or(0.0, |last| last.offset.as_secs_f64());
            let secs = format!("{span:.1}");
            ui.label(ui.trf(TrReplay::Recording, &[("file", &file), ("n", &messages.len()), ("secs", &secs)]))
                .on_hover_text(path.display().to_string());
        }
    }
}

fn settings_ui(ui: &mut egui::Ui, state: &mut ReplayState) {
    egui::Grid::new("replay-settings").num_columns(2).spacing([12.0, 6.0]).show(ui, |ui| {
        ui.label(ui.tr(TrReplay::Speed));
        ui.horizontal(|ui| {
            ui.add_enabled(
                !state.fastest,
                egui::DragValue::new(&mut state.speed).range(0.01..=1000.0).speed(0.1).max_decimals(2),
            );
            ui.checkbox(&mut state.fastest, ui.tr(TrReplay::Fastest));
        });
        ui.end_row();
        let label = ui.label(ui.tr(TrReplay::MaxRate));
        ui.add(egui::TextEdit::singleline(&mut state.max_rate).desired_width(120.0)).labelled_by(label.id);
        ui.end_row();
        let label = ui.label(ui.tr(TrReplay::Prefix));
        ui.add(egui::TextEdit::singleline(&mut state.prefix).hint_text("replay/").desired_width(220.0))
            .labelled_by(label.id);
        ui.end_row();
        ui.label(ui.tr(TrReplay::Times));
        ui.horizontal(|ui| {
            ui.add_enabled(!state.forever, egui::DragValue::new(&mut state.times).range(1..=MAX_TIMES));
            ui.checkbox(&mut state.forever, ui.tr(TrReplay::Forever));
        });
        ui.end_row();
    });
}

/// A setting that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingError {
    /// Not a positive number of messages per second: the text typed.
    Rate(String),
    /// The topic prefix makes no valid topic: why.
    Prefix(String),
}

/// The replay the settings ask for: plan and rounds (`None`: until
/// stopped), or what to fix.
pub fn replay_plan(state: &ReplayState) -> Result<(crate::core::replay::ReplayPlan, Option<u32>), SettingError> {
    let max_rate = match state.max_rate.trim() {
        "" => None,
        text => match text.parse::<f64>() {
            Ok(rate) if rate.is_finite() && rate > 0.0 && rate <= 10_000_000.0 => Some(rate),
            _ => return Err(SettingError::Rate(text.to_owned())),
        },
    };
    let prefix = state.prefix.trim();
    let topic_prefix = (!prefix.is_empty()).then(|| prefix.to_owned());
    if let Some(prefix) = &topic_prefix {
        crate::core::topic::validate_topic_name(&format!("{prefix}x"))
            .map_err(|error| SettingError::Prefix(error.to_string()))?;
    }
    let speed = (!state.fastest).then_some(state.speed.clamp(0.01, 1000.0));
    let rounds = (!state.forever).then_some(state.times.clamp(1, MAX_TIMES));
    Ok((crate::core::replay::ReplayPlan { speed, topic_prefix, max_rate }, rounds))
}
