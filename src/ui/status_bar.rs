//! The status bar: connection, embedded broker, messages in/out, rate,
//! what the store holds and what it evicted (never silently), and notices.

use chrono::Local;

use crate::core::engine::{BrokerState, Engine};
use crate::core::payload::human_size;
use crate::core::workspace::Workspace;
use crate::ui::app::{UiAction, UiState};
use crate::ui::connection::state_chip_ui;
use crate::ui::theme;

/// Draws the status bar (and the notices window when open).
pub fn status_bar_ui(
    ui: &mut egui::Ui,
    workspace: &mut Workspace,
    state: &mut UiState,
    engine: Option<&Engine>,
    actions: &mut Vec<UiAction>,
) {
    let now = workspace.now_ms();
    let rate_in = workspace.rate_in.per_second(now);
    let rate_out = workspace.rate_out.per_second(now);
    let counters = workspace.store.counters();
    ui.horizontal(|ui| {
        state_chip_ui(ui, &workspace.session.state);
        ui.separator();
        theme::status_dot_ui(ui, theme::broker_colour(&workspace.broker));
        if ui.link(workspace.broker.summary()).on_hover_text("Open the embedded broker's panel").clicked() {
            state.show_broker_panel = true;
        }
        match workspace.broker {
            BrokerState::Running { .. } => {
                if ui.small_button("Stop broker").clicked() {
                    actions.push(UiAction::StopBroker);
                }
            }
            BrokerState::Starting => {}
            BrokerState::Stopped | BrokerState::Failed(_) => {
                if ui.small_button("Start broker").clicked() {
                    actions.push(UiAction::StartBroker);
                }
            }
        }
        ui.separator();
        ui.label(format!("in {}  out {}", counters.received, counters.sent))
            .on_hover_text("Messages received / published since start");
        ui.label(format!("{rate_in} msg/s in, {rate_out} out"));
        ui.separator();
        ui.label(format!("stored {} ({})", workspace.store.len(), human_size(workspace.store.bytes()))).on_hover_text(
            format!(
                "The log keeps at most {} messages and {}; older ones are evicted.",
                workspace.store.limits().max_messages,
                human_size(workspace.store.limits().max_bytes)
            ),
        );
        let evicted = egui::RichText::new(format!("evicted {}", counters.evicted));
        ui.label(if counters.evicted > 0 { evicted.color(theme::BUSY) } else { evicted })
            .on_hover_text("Messages dropped from the log because a cap was reached");
        if let Some(engine) = engine {
            let refused = engine.refused_commands();
            if refused > 0 {
                ui.colored_label(theme::ERROR, format!("{refused} commands refused (engine busy)"));
            }
        }
        if !workspace.notices.is_empty() {
            ui.separator();
            let text = format!("⚠ {} notices", workspace.notices.len());
            if ui
                .button(egui::RichText::new(text).color(theme::BUSY))
                .on_hover_text("Show warnings and errors")
                .clicked()
            {
                state.show_notices = !state.show_notices;
            }
        }
    });
    if state.show_notices {
        let mut open = true;
        egui::Window::new("Notices").open(&mut open).default_width(520.0).show(ui.ctx(), |ui| {
            egui::ScrollArea::vertical().max_height(300.0).show(ui, |ui| {
                for notice in workspace.notices.iter().rev() {
                    ui.horizontal_wrapped(|ui| {
                        ui.weak(notice.at.with_timezone(&Local).format("%H:%M:%S").to_string());
                        ui.label(&notice.text);
                    });
                }
            });
            if ui.button("Clear notices").clicked() {
                workspace.notices.clear();
            }
        });
        state.show_notices = open && !workspace.notices.is_empty();
    }
}
