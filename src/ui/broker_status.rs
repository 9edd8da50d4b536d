//! The broker status window: the active tab's broker as it describes
//! itself on `$SYS/#` — a summary and every value seen.

use crate::ui::action::UiAction;
use crate::ui::i18n::{Tr, Words};
use crate::ui::panel::PanelContext;
use crate::ui::state::WindowsState;
use crate::ui::theme;

/// The filter brokers publish their status under (`#` does not match it).
pub const SYS_FILTER: &str = "$SYS/#";

/// Draws the broker status window when open.
pub fn broker_status_ui(ctx: &egui::Context, cx: &mut PanelContext<'_>, state: &mut WindowsState) {
    let workspace = &*cx.workspace;
    let actions = &mut *cx.actions;
    if !state.show_broker_status {
        return;
    }
    let mut open = true;
    egui::Window::new(ctx.tr(Tr::BrokerStatus))
        .id(egui::Id::unique("broker-status"))
        .open(&mut open)
        .default_size([520.0, 460.0])
        .show(ctx, |ui| {
            let status = &workspace.active_tab().broker_status;
            let subscribed = workspace.active_tab().subscriptions.iter().any(|s| s.filter == SYS_FILTER);
            ui.horizontal(|ui| {
                ui.weak(ui.trf(Tr::OnThisTab, &[("title", &workspace.active_tab().title())]));
                if !subscribed && ui.button(ui.tr(Tr::SubscribeToSys)).clicked() {
                    actions.push(UiAction::SubscribeSys);
                }
            });
            if status.is_empty() {
                ui.weak(if subscribed { ui.tr(Tr::WaitingForSys) } else { ui.tr(Tr::SysNotMatchedByHash) });
                return;
            }
            let summary = status.summary();
            egui::Grid::new("sys-summary").num_columns(2).spacing([16.0, 4.0]).show(ui, |ui| {
                let rows = [
                    (Tr::Version, &summary.version),
                    (Tr::Uptime, &summary.uptime),
                    (Tr::ClientsConnected, &summary.clients_connected),
                    (Tr::ClientsTotal, &summary.clients_total),
                    (Tr::MessagesReceived, &summary.messages_received),
                    (Tr::MessagesSent, &summary.messages_sent),
                    (Tr::BytesReceived, &summary.bytes_received),
                    (Tr::BytesSent, &summary.bytes_sent),
                    (Tr::Subscriptions, &summary.subscriptions),
                    (Tr::RetainedMessages, &summary.retained),
                ];
                for (name, value) in rows {
                    ui.weak(ui.tr(name));
                    match value {
                        Some(value) => ui.strong(value),
                        None => ui.weak(ui.tr(Tr::NotPublished)),
                    };
                    ui.end_row();
                }
            });
            if status.ignored_topics > 0 {
                ui.colored_label(theme::BUSY, ui.trf(Tr::SysTopicsNotKept, &[("n", &status.ignored_topics)]));
            }
            ui.separator();
            ui.collapsing(ui.tr(Tr::AllSysValues), |ui| {
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
