//! The status bar: connection, embedded broker, messages in/out, rate,
//! what the store holds and what it evicted (never silently), and notices.

use crate::core::engine::{BrokerState, Engine};
use crate::core::payload::human_size;
use crate::ui::action::UiAction;
use crate::ui::i18n::{Tr, Words};
use crate::ui::panel::PanelContext;
use crate::ui::state::UiState;
use crate::ui::theme;
use crate::ui::widgets::state_chip_ui;

/// Draws the status bar.
pub fn status_bar_ui(ui: &mut egui::Ui, cx: &mut PanelContext<'_>, state: &mut UiState, engine: Option<&Engine>) {
    let workspace = &mut *cx.workspace;
    let actions = &mut *cx.actions;
    let now = workspace.now_ms();
    let rate_in = workspace.rate_in.per_second(now);
    let rate_out = workspace.rate_out.per_second(now);
    let counters = workspace.store.counters();
    ui.horizontal(|ui| {
        state_chip_ui(ui, &workspace.active_tab().state);
        ui.separator();
        theme::status_dot_ui(ui, theme::broker_colour(&workspace.broker));
        if ui
            .link(crate::ui::states::broker_summary(ui, &workspace.broker))
            .on_hover_text(ui.tr(Tr::OpenBrokerPanelHint))
            .clicked()
        {
            state.windows.show_broker_panel = true;
        }
        match workspace.broker {
            BrokerState::Running { .. } => {
                if ui.small_button(ui.tr(Tr::StopBroker)).clicked() {
                    actions.push(UiAction::StopBroker);
                }
            }
            BrokerState::Starting => {}
            BrokerState::Stopped | BrokerState::Failed(_) | BrokerState::DamagedStore(_) => {
                if ui.small_button(ui.tr(Tr::StartBroker)).clicked() {
                    actions.push(UiAction::StartBroker);
                }
            }
        }
        ui.separator();
        ui.label(ui.trf(Tr::CountersInOut, &[("received", &counters.received), ("sent", &counters.sent)]))
            .on_hover_text(ui.tr(Tr::CountersInOutHint));
        ui.label(ui.trf(Tr::RatesInOut, &[("rate_in", &rate_in), ("rate_out", &rate_out)]));
        ui.separator();
        let stored = ui
            .trf(Tr::StoredMessages, &[("n", &workspace.store.len()), ("size", &human_size(workspace.store.bytes()))]);
        let caps = ui.trf(
            Tr::StoreCapsHint,
            &[("n", &workspace.store.limits().max_messages), ("size", &human_size(workspace.store.limits().max_bytes))],
        );
        ui.label(stored).on_hover_text(caps);
        let evicted = egui::RichText::new(ui.trf(Tr::EvictedMessages, &[("n", &counters.evicted)]));
        ui.label(if counters.evicted > 0 { evicted.color(theme::BUSY) } else { evicted })
            .on_hover_text(ui.tr(Tr::EvictedMessagesHint));
        if let Some(engine) = engine {
            let refused = engine.refused_commands();
            if refused > 0 {
                ui.colored_label(theme::ERROR, ui.trf(Tr::CommandsRefused, &[("n", &refused)]));
            }
        }
        if let Some(export) = &state.status.export_progress {
            ui.separator();
            ui.spinner();
            // Before the growing count, so the button does not move under the pointer.
            if ui.small_button(ui.tr(Tr::Cancel)).on_hover_text(ui.tr(Tr::CancelExportHint)).clicked() {
                actions.push(UiAction::CancelExport);
            }
            ui.label(ui.trf(Tr::Exporting, &[("n", &export.written), ("file", &export.file)]));
        }
        if state.status.importing > 0 {
            ui.separator();
            ui.spinner();
            ui.label(ui.trf(Tr::Importing, &[("n", &state.status.importing)]));
        }
        ui.separator();
        let unread = workspace.notices_recorded.saturating_sub(state.windows.notices_seen);
        let bell = if unread > 0 {
            egui::RichText::new(ui.trf(Tr::UnreadNotifications, &[("n", &unread)])).color(theme::BUSY)
        } else {
            egui::RichText::new(ui.tr(Tr::Notifications))
        };
        if ui.button(bell).on_hover_text(ui.tr(Tr::NotificationsHint)).clicked() {
            state.windows.show_notices = !state.windows.show_notices;
        }
    });
}
