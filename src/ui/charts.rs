//! The charts window: the active tab's numeric series over time, with
//! pause, a time window, clear, and a form to add a series by topic and
//! JSON pointer (series are also added from the topic tree, the history
//! window and the JSON tree's context menu).

use chrono::{Local, TimeZone};
use egui_plot::{Line, Plot};

use crate::core::chart::{SeriesKey, points_in_view};
use crate::core::workspace::Workspace;
use crate::ui::action::UiAction;
use crate::ui::i18n::{Tr, Words};
use crate::ui::panel::PanelContext;
use crate::ui::state::ChartsState;
use crate::ui::theme;
use crate::ui::widgets::{icon_button, labelled_text};

/// Points drawn per series at most (thinned keeping peaks).
const MAX_DRAWN_POINTS: usize = 4_000;

/// Time windows offered, in seconds (`None`: everything kept).
const WINDOWS: [(Option<f64>, Tr); 6] = [
    (Some(30.0), Tr::Window30s),
    (Some(60.0), Tr::Window1min),
    (Some(300.0), Tr::Window5min),
    (Some(900.0), Tr::Window15min),
    (Some(3_600.0), Tr::Window1h),
    (None, Tr::WindowAll),
];

/// Draws the charts window when open.
pub fn charts_ui(ctx: &egui::Context, cx: &mut PanelContext<'_>, state: &mut ChartsState) {
    let workspace = &*cx.workspace;
    let actions = &mut *cx.actions;
    if !state.open {
        return;
    }
    let mut open = true;
    egui::Window::new(ctx.tr(Tr::Charts))
        .id(egui::Id::unique("charts-window"))
        .open(&mut open)
        .default_size([660.0, 400.0])
        .default_pos(ctx.content_rect().left_top() + egui::vec2(300.0, 130.0))
        .show(ctx, |ui| {
            body_ui(ui, workspace, state, actions);
        });
    if !open {
        state.open = false;
    }
    if !workspace.active_tab().charts.is_empty() && state.paused_at.is_none() {
        // The time axis moves even without messages.
        ctx.request_repaint_after(std::time::Duration::from_millis(250));
    }
}

fn body_ui(ui: &mut egui::Ui, workspace: &Workspace, state: &mut ChartsState, actions: &mut Vec<UiAction>) {
    let charts = &workspace.active_tab().charts;
    ui.horizontal(|ui| {
        labelled_text(ui, ui.tr(Tr::Topic), &mut state.topic, 180.0);
        labelled_text(ui, ui.tr(Tr::JsonPointerOptional), &mut state.pointer, 110.0)
            .on_hover_text(ui.tr(Tr::JsonPointerHint));
        if ui.button(ui.tr(Tr::AddSeries)).clicked() {
            let pointer = state.pointer.trim();
            actions.push(UiAction::AddChart {
                topic: state.topic.trim().to_owned(),
                pointer: (!pointer.is_empty()).then(|| pointer.to_owned()),
            });
        }
    });
    if let Some(error) = &state.error {
        ui.colored_label(theme::ERROR, error);
    }
    ui.horizontal(|ui| {
        let now = chrono::Utc::now().timestamp_millis() as f64 / 1000.0;
        let label = if state.paused_at.is_some() { ui.tr(Tr::Resume) } else { ui.tr(Tr::Pause) };
        if ui.button(label).on_hover_text(ui.tr(Tr::ChartPauseHint)).clicked() {
            state.paused_at = match state.paused_at {
                Some(_) => None,
                None => Some(now),
            };
        }
        let label = ui.label(ui.tr(Tr::TimeWindow));
        let selected = WINDOWS.iter().find(|(w, _)| *w == state.window_s).map_or(Tr::WindowAll, |(_, name)| *name);
        egui::ComboBox::from_id_salt("chart-window")
            .selected_text(ui.tr(selected))
            .width(70.0)
            .show_ui(ui, |ui| {
                for (window, name) in WINDOWS {
                    ui.selectable_value(&mut state.window_s, window, ui.tr(name));
                }
            })
            .response
            .labelled_by(label.id);
        if ui.button(ui.tr(Tr::Clear)).on_hover_text(ui.tr(Tr::ClearChartsHint)).clicked() {
            actions.push(UiAction::ClearCharts);
        }
        if state.paused_at.is_some() {
            ui.colored_label(theme::BUSY, ui.tr(Tr::Paused));
        }
    });
    ui.separator();
    if charts.is_empty() {
        ui.weak(ui.tr(Tr::NothingCharted));
        return;
    }
    for series in charts.series() {
        ui.horizontal(|ui| {
            theme::status_dot_ui(ui, theme::subscription_colour(series.colour));
            ui.monospace(series.key.label());
            match series.latest() {
                Some(value) => ui.strong(format!("{value}")),
                None => ui.weak(ui.tr(Tr::NoValueYet)),
            };
            ui.weak(ui.trf(Tr::Points, &[("n", &series.points.len())]));
            if series.dropped > 0 {
                ui.colored_label(theme::BUSY, ui.trf(Tr::OldestDropped, &[("n", &series.dropped)]));
            }
            if series.skipped > 0 {
                ui.colored_label(theme::BUSY, ui.trf(Tr::WithoutNumber, &[("n", &series.skipped)]))
                    .on_hover_text(series.last_problem.as_ref().map(ToString::to_string).unwrap_or_default());
            }
            if icon_button(ui, "🗙", &ui.trf(Tr::StopCharting, &[("series", &series.key.label())])).clicked() {
                actions.push(UiAction::RemoveChart { key: series.key.clone() });
            }
        });
    }
    if charts.series().iter().all(|series| series.points.is_empty()) {
        ui.weak(ui.tr(Tr::NoNumericValueYet));
        return;
    }
    let to = state.paused_at.unwrap_or_else(|| chrono::Utc::now().timestamp_millis() as f64 / 1000.0);
    let from = state.window_s.map_or(f64::MIN, |window| to - window);
    // No legend inside the plot: it covered the newest values at the right;
    // the series rows above, with their colour dots, name the lines.
    let mut plot = Plot::new(("chart-plot", workspace.active_tab().id))
        .x_axis_formatter(|mark, _| clock(mark.value))
        .label_formatter(|position| {
            let point = match position {
                egui_plot::HoverPosition::NearDataPoint { plot_name, position, .. } => {
                    return Some(format!("{plot_name}\n{}\n{}", clock(position.x), position.y));
                }
                egui_plot::HoverPosition::Elsewhere { position } => position,
            };
            Some(format!("{}\n{:.3}", clock(point.x), point.y))
        });
    if state.window_s.is_some() {
        plot = plot.include_x(from).include_x(to);
    }
    let lines: Vec<(String, egui::Color32, Vec<[f64; 2]>)> = charts
        .series()
        .iter()
        .map(|series| {
            let points = points_in_view(&series.points, from, to, MAX_DRAWN_POINTS);
            (series.key.label(), theme::subscription_colour(series.colour), points)
        })
        .collect();
    let windowed = state.window_s.is_some();
    plot.show(ui, move |plot_ui| {
        if windowed {
            plot_ui.set_plot_bounds_x(from..=to);
        }
        for (name, colour, points) in lines {
            // egui_plot merges points sharing a pixel column into a band
            // and interpolates bands between columns: across a gap in the
            // data that painted solid wedges. Points are already thinned
            // (lowest and highest per bucket), so a plain line is cheap.
            plot_ui.line(Line::new(name, points).color(colour).allow_band(false));
        }
    });
}

/// Seconds since the epoch as local wall-clock time.
fn clock(seconds: f64) -> String {
    match Local.timestamp_millis_opt((seconds * 1000.0) as i64).single() {
        Some(time) => time.format("%H:%M:%S").to_string(),
        None => String::new(),
    }
}

/// Adds a series; the error (if any) is shown in the window.
pub fn add_series(workspace: &mut Workspace, state: &mut ChartsState, topic: String, pointer: Option<String>) {
    state.open = true;
    state.error = workspace.add_chart(SeriesKey { topic, pointer }).err().map(|error| error.to_string());
}
