//! The broker status window: the active tab's broker as it describes
//! itself on `$SYS/#` — a summary and every value seen.

use crate::core::workspace::Workspace;
use crate::ui::app::{UiAction, UiState};
use crate::ui::theme;

/// The filter brokers publish their status under (`#` does not match it).
pub const SYS_FILTER: &str = "$SYS/#";

/// Draws the broker status window when open.
pub fn broker_status_ui(ctx: &egui::Context, workspace: &Workspace, state: &mut UiState, actions: &mut Vec<UiAction>) {
    if !state.show_broker_status {
        return;
    }
    let mut open = true;
    egui::Window::new("Broker status").open(&mut open).default_size([520.0, 460.0]).show(ctx, |ui| {
        let status = &workspace.session.broker_status;
        let subscribed = workspace.session.subscriptions.iter().any(|s| s.filter == SYS_FILTER);
        ui.horizontal(|ui| {
            ui.weak(format!("{} on this tab", workspace.session.title()));
            if !subscribed && ui.button("Subscribe to $SYS/#").clicked() {
                actions.push(UiAction::SubscribeSys);
            }
        });
        if status.is_empty() {
            ui.weak(if subscribed {
                "Waiting for the broker's $SYS messages (mosquitto publishes them every 10 s by default; \
                 some brokers do not publish them, or only to privileged clients)."
            } else {
                "Brokers publish their status under $SYS/#, which '#' does not match. Subscribe to see it."
            });
            return;
        }
        let summary = status.summary();
        egui::Grid::new("sys-summary").num_columns(2).spacing([16.0, 4.0]).show(ui, |ui| {
            let rows = [
                ("Version", &summary.version),
                ("Uptime", &summary.uptime),
                ("Clients connected", &summary.clients_connected),
                ("Clients total", &summary.clients_total),
                ("Messages received", &summary.messages_received),
                ("Messages sent", &summary.messages_sent),
                ("Bytes received", &summary.bytes_received),
                ("Bytes sent", &summary.bytes_sent),
                ("Subscriptions", &summary.subscriptions),
                ("Retained messages", &summary.retained),
            ];
            for (name, value) in rows {
                ui.weak(name);
                match value {
                    Some(value) => ui.strong(value),
                    None => ui.weak("not published"),
                };
                ui.end_row();
            }
        });
        if status.ignored_topics > 0 {
            ui.colored_label(theme::BUSY, format!("{} further $SYS topics were not kept", status.ignored_topics));
        }
        ui.separator();
        ui.collapsing("All $SYS values", |ui| {
            egui::ScrollArea::vertical().id_salt("sys-values").max_height(260.0).show(ui, |ui| {
                egui::Grid::new("sys-values-grid").num_columns(2).striped(true).show(ui, |ui| {
                    for (topic, value) in status.entries() {
                        ui.monospace(topic);
                        ui.label(&value.text);
                        ui.end_row();
                    }
                });
            });
        });
    });
    if !open {
        state.show_broker_status = false;
    }
}
