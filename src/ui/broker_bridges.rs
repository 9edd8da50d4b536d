//! The broker panel's bridges: each bridge's state on the Overview tab, and
//! the editor (mosquitto.conf's bridge syntax) on the Settings tab.

use crate::core::broker::bridge::BridgeStatus;
use crate::core::broker::monitor::BrokerMonitor;
use crate::ui::i18n::{TrBridge, Words as _};
use crate::ui::theme;

/// One line per bridge: name, remote, state, messages carried.
pub fn bridges_overview_ui(ui: &mut egui::Ui, monitor: &BrokerMonitor) {
    let bridges: Vec<BridgeStatus> = monitor.lock().bridges.clone();
    if bridges.is_empty() {
        return;
    }
    ui.add_space(6.0);
    ui.strong(ui.tr(TrBridge::Heading));
    egui::Grid::new("broker-bridges").num_columns(3).spacing([16.0, 4.0]).show(ui, |ui| {
        for bridge in &bridges {
            ui.label(format!("{} → {}", bridge.name, bridge.remote));
            match (&bridge.problem, bridge.connected) {
                (_, true) => ui.colored_label(theme::OK, ui.tr(TrBridge::Connected)),
                (Some(problem), false) => {
                    ui.colored_label(theme::ERROR, ui.trf(TrBridge::NotConnected, &[("problem", problem)]))
                }
                (None, false) => ui.colored_label(theme::BUSY, ui.tr(TrBridge::Connecting)),
            };
            ui.label(ui.trf(
                TrBridge::Carried,
                &[("in", &bridge.carried_in), ("out", &bridge.carried_out), ("dropped", &bridge.dropped_out)],
            ));
            ui.end_row();
        }
    });
}

/// The bridges editor.
pub fn bridges_settings_ui(ui: &mut egui::Ui, text: &mut String) {
    ui.separator();
    let heading = ui.strong(ui.tr(TrBridge::Heading));
    ui.weak(ui.tr(TrBridge::Intro));
    ui.add(
        egui::TextEdit::multiline(text)
            .code_editor()
            .desired_rows(5)
            .desired_width(f32::INFINITY)
            .hint_text(ui.tr(TrBridge::None)),
    )
    .labelled_by(heading.id);
}
