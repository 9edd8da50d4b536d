//! The topic tree's value pane, as in MQTT Explorer: the selected topic's
//! last message (decoded: pretty JSON, text, or hex), when it came, its
//! QoS and retain flag, and a sparkline of its recent values when they are
//! numbers — with the actions on that message.

use crate::core::payload::{PayloadFormat, human_size, pretty_json, render_in_format};
use crate::core::workspace::Workspace;
use crate::ui::action::UiAction;
use crate::ui::i18n::{Tr, Words};
use crate::ui::state::UiState;
use crate::ui::theme;

/// Numbers in the sparkline at most.
const SPARKLINE_VALUES: usize = 120;
/// Messages looked back over for them at most.
const SPARKLINE_SCAN: usize = 50_000;
/// Payload bytes decoded for the pane (the inspector shows any size).
const SHOWN_BYTES: usize = 64 * 1024;

/// What the pane computed for one message, kept until the topic gets a new one.
#[derive(Debug, Default)]
pub struct ValuePaneCache {
    seq: u64,
    text: String,
    values: Vec<f64>,
}

/// Draws the pane for the selected topic (nothing when none is selected
/// or it has no message in the log).
pub fn value_pane_ui(ui: &mut egui::Ui, workspace: &Workspace, state: &mut UiState, actions: &mut Vec<UiAction>) {
    let Some(topic) = state.log.selected_topic.clone() else { return };
    let tab = workspace.active_tab();
    let Some(node) = tab.tree.find(&topic).and_then(|id| tab.tree.node(id)) else { return };
    let Some(message) = node.last_seq.and_then(|seq| workspace.store.get(seq)) else { return };
    let cache = &mut state.tree.value_pane;
    if cache.seq != message.seq || cache.text.is_empty() {
        let shown = &message.payload[..message.payload.len().min(SHOWN_BYTES)];
        cache.text = match (pretty_json(shown), std::str::from_utf8(shown)) {
            (Some(pretty), _) => pretty,
            (None, Ok(text)) => text.to_owned(),
            (None, Err(_)) => render_in_format(shown, PayloadFormat::Hex),
        };
        if message.payload.len() > SHOWN_BYTES {
            cache.text.push_str("\n…");
        }
        cache.values =
            crate::core::chart::recent_values(&workspace.store, tab.id, &topic, SPARKLINE_VALUES, SPARKLINE_SCAN);
        cache.seq = message.seq;
    }
    egui::Panel::bottom("topic-value-pane").resizable(true).default_size(220.0).min_size(120.0).show(ui, |ui| {
        ui.add(egui::Label::new(egui::RichText::new(&topic).monospace().strong()).truncate());
        ui.horizontal_wrapped(|ui| {
            let time = message.time.with_timezone(&chrono::Local).format("%H:%M:%S%.3f").to_string();
            ui.weak(format!("{time} · QoS {} · {}", message.qos.level(), human_size(message.payload.len())));
            if message.retain {
                ui.colored_label(theme::OK, ui.tr(Tr::Retained));
            }
        });
        if cache.values.len() >= 2 {
            sparkline_ui(ui, &cache.values);
        }
        ui.horizontal_wrapped(|ui| {
            crate::ui::widgets::message_actions_ui(ui, message.seq, actions);
        });
        egui::ScrollArea::both().id_salt(("topic-value", message.seq)).auto_shrink([false, false]).show(ui, |ui| {
            ui.add(egui::Label::new(egui::RichText::new(&cache.text).monospace()).extend());
        });
    });
}

/// Recent values as a line, with the lowest and highest beside it.
fn sparkline_ui(ui: &mut egui::Ui, values: &[f64]) {
    let (low, high) =
        values.iter().fold((f64::MAX, f64::MIN), |(low, high), value| (low.min(*value), high.max(*value)));
    ui.horizontal(|ui| {
        let size = egui::vec2((ui.available_width() - 90.0).max(60.0), 36.0);
        let (rect, response) = ui.allocate_exact_size(size, egui::Sense::hover());
        let span = if high > low { high - low } else { 1.0 };
        let step = rect.width() / (values.len() - 1) as f32;
        let points: Vec<egui::Pos2> = values
            .iter()
            .enumerate()
            .map(|(index, value)| {
                let y = rect.bottom() - ((value - low) / span) as f32 * rect.height();
                egui::pos2(rect.left() + index as f32 * step, y)
            })
            .collect();
        ui.painter().line(points, egui::Stroke::new(1.5, theme::subscription_colour(0)));
        let name = ui.trf(Tr::SparklineName, &[("n", &values.len()), ("low", &low), ("high", &high)]);
        response.on_hover_text(&name).widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, &name));
        ui.vertical(|ui| {
            ui.weak(format!("{high}"));
            ui.weak(format!("{low}"));
        });
    });
}
