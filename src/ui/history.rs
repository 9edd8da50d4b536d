//! A topic's history panel: the messages the log still holds for one
//! topic, how many were evicted, and a diff of any two.

use chrono::Local;

use crate::core::diff::{PayloadDiff, diff_payloads};
use crate::core::payload::human_size;
use crate::core::store::StoredMessage;
use crate::core::workspace::Workspace;
use crate::ui::action::UiAction;
use crate::ui::i18n::{Tr, Words};
use crate::ui::panel::PanelContext;
use crate::ui::payload_diff::payload_diff_ui;
use crate::ui::state::UiState;
use crate::ui::theme;
use crate::ui::widgets::icon_button;

/// The diff of the two picked messages, computed once per pair.
#[derive(Debug)]
pub struct DiffCache {
    old: u64,
    new: u64,
    diff: PayloadDiff,
    /// The bytes compared (decoded forms as JSON text): byte ranges in
    /// `diff` point into these.
    compared: (Vec<u8>, Vec<u8>),
}

/// Draws the history of `state.history.topic` as a panel docked under the
/// log (so it never covers the log's newest rows or the inspector).
pub fn history_panel_ui(ui: &mut egui::Ui, cx: &mut PanelContext<'_>, state: &mut UiState) {
    let workspace = &*cx.workspace;
    let actions = &mut *cx.actions;
    let Some(topic) = state.history.topic.clone() else {
        if state.history.diff_picks.len() == 2 {
            compare_panel_ui(ui, workspace, state, actions);
        }
        return;
    };
    // The log above keeps room for its toolbar and at least ten rows,
    // whatever the window's height (at 1280×720 it was down to two).
    let room = ui.available_height();
    let log_keeps = 60.0 + 10.0 * theme::LOG_ROW_HEIGHT;
    let most = (room - log_keeps).max(120.0);
    let panel = egui::Panel::bottom("topic-history")
        .resizable(true)
        .default_size(230.0_f32.min(room * 0.4).max(120.0))
        .min_size(120.0_f32.min(most))
        .max_size(most);
    panel.show(ui, |ui| {
        header_ui(ui, workspace, state, &topic, actions);
        ui.separator();
        if state.history.diff_picks.len() == 2 {
            let half = ui.available_width() / 2.0;
            egui::Panel::right("topic-history-diff").resizable(true).default_size(half).show(ui, |ui| {
                diff_section_ui(ui, workspace, state);
            });
        }
        rows_ui(ui, workspace, state, actions);
    });
}

/// Two messages Ctrl+clicked in the log, compared (any topics), docked
/// under the log like a topic's history.
fn compare_panel_ui(ui: &mut egui::Ui, workspace: &Workspace, state: &mut UiState, actions: &mut Vec<UiAction>) {
    let room = ui.available_height();
    let most = (room - 60.0 - 10.0 * theme::LOG_ROW_HEIGHT).max(120.0);
    let panel = egui::Panel::bottom("compare-messages")
        .resizable(true)
        .default_size(230.0_f32.min(room * 0.4).max(120.0))
        .min_size(120.0_f32.min(most))
        .max_size(most);
    panel.show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.strong(ui.tr(Tr::CompareMessages));
            let topics: Vec<String> = state
                .history
                .diff_picks
                .iter()
                .filter_map(|seq| workspace.store.get(*seq))
                .map(|message| message.topic.to_string())
                .collect();
            ui.add(egui::Label::new(egui::RichText::new(topics.join("  ↔  ")).monospace()).truncate());
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if icon_button(ui, "🗙", ui.tr(Tr::CloseComparison)).clicked() {
                    actions.push(UiAction::ClearDiffPicks);
                }
            });
        });
        ui.separator();
        diff_section_ui(ui, workspace, state);
    });
}

fn header_ui(ui: &mut egui::Ui, workspace: &Workspace, state: &mut UiState, topic: &str, actions: &mut Vec<UiAction>) {
    let store = &workspace.store;
    let shown = state.history.view.len(store);
    let seen = workspace
        .active_tab()
        .tree
        .find(topic)
        .and_then(|id| workspace.active_tab().tree.node(id))
        .map_or(0, |n| n.messages);
    ui.horizontal(|ui| {
        ui.strong(ui.tr(Tr::History));
        ui.add(egui::Label::new(egui::RichText::new(topic).monospace().strong()).truncate());
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if icon_button(ui, "🗙", ui.tr(Tr::CloseHistory)).clicked() {
                actions.push(UiAction::ShowHistory { topic: None });
            }
        });
    });
    ui.horizontal_wrapped(|ui| {
        ui.label(ui.trf(Tr::MessagesInLog, &[("n", &shown)]));
        let evicted = seen.saturating_sub(shown as u64);
        if evicted > 0 {
            ui.colored_label(theme::BUSY, ui.trf(Tr::OlderOnesEvicted, &[("n", &evicted)]))
                .on_hover_text(ui.trf(Tr::LogKeepsNewest, &[("n", &store.limits().max_messages)]));
        }
        if let Some(newest) = shown.checked_sub(1).and_then(|row| state.history.view.row(store, row)) {
            let charted = workspace.comparable_payload(newest.tab, topic, newest.payload);
            crate::ui::widgets::chart_offer_ui(ui, topic, &charted, actions);
        }
        if ui.button(ui.tr(Tr::ExportHistory)).on_hover_text(ui.tr(Tr::ExportHistoryHint)).clicked() {
            actions.push(UiAction::ExportHistory);
        }
        if !state.history.diff_picks.is_empty() && ui.button(ui.tr(Tr::ClearComparison)).clicked() {
            state.history.diff_picks.clear();
        }
    });
    if state.history.diff_picks.len() < 2 {
        ui.weak(ui.tr(Tr::TickCompareHint));
    }
}

fn rows_ui(ui: &mut egui::Ui, workspace: &Workspace, state: &mut UiState, actions: &mut Vec<UiAction>) {
    let store = &workspace.store;
    let shown = state.history.view.len(store);
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
    // Oldest first, following the newest like the log; once a message is
    // ticked the list stops following, and while the pointer is over it
    // the list holds still (new messages wait), so a tick lands where aimed.
    let mut rows_area = egui::ScrollArea::vertical()
        .id_salt("history-rows")
        .auto_shrink([false, false])
        .stick_to_bottom(state.history.diff_picks.is_empty() && !state.history.hovered);
    // Bring a message picked elsewhere (Compare with previous) into view.
    if let Some(seq) = state.history.scroll_to.take() {
        match state.history.view.row_of(store, seq) {
            Some(row) => {
                let spacing = ui.spacing().item_spacing.y;
                rows_area = rows_area.vertical_scroll_offset((row as f32 - 2.0).max(0.0) * (row_height + spacing));
            }
            // Not found yet (the view is still being filled): try next frame.
            None if state.log.view_progress.is_some() => state.history.scroll_to = Some(seq),
            None => {}
        }
    }
    let output = rows_area.show_rows(ui, row_height, shown, |ui, range| {
        for row in range {
            let Some(message) = state.history.view.row(store, row) else { continue };
            history_row_ui(ui, workspace, state, &message, actions);
        }
    });
    state.history.hovered = ui.rect_contains_pointer(output.inner_rect);
}

fn history_row_ui(
    ui: &mut egui::Ui,
    workspace: &Workspace,
    state: &mut UiState,
    message: &StoredMessage<'_>,
    actions: &mut Vec<UiAction>,
) {
    ui.horizontal(|ui| {
        let mut picked = state.history.diff_picks.contains(&message.seq);
        if ui.checkbox(&mut picked, ui.tr(Tr::Compare)).changed() {
            actions.push(UiAction::ToggleDiffPick { seq: message.seq });
        }
        let time = message.time.with_timezone(&Local).format("%H:%M:%S%.3f").to_string();
        let selected = state.log.selected_message == Some(message.seq);
        if ui.selectable_label(selected, egui::RichText::new(time).monospace()).clicked() {
            actions.push(UiAction::SelectMessage { seq: Some(message.seq) });
        }
        ui.weak(human_size(message.payload.len()));
        if message.retain {
            ui.colored_label(theme::OK, "R").on_hover_text(ui.tr(Tr::Retained));
        }
        // Decoded by the tab's rules, as in the log.
        let decoded = workspace.tab(message.tab).map(|tab| {
            let (generation, decoders) = (tab.decoding.generation(), tab.decoding.decoders());
            state.history.previews.get(message.seq, generation, decoders, message.topic, message.payload, 80)
        });
        crate::ui::log::payload_cell_ui(ui, message.payload, decoded);
    });
}

fn diff_section_ui(ui: &mut egui::Ui, workspace: &Workspace, state: &mut UiState) {
    let (Some(&first), Some(&second)) = (state.history.diff_picks.first(), state.history.diff_picks.get(1)) else {
        return;
    };
    let (old_seq, new_seq) = (first.min(second), first.max(second));
    let (Some(old), Some(new)) = (workspace.store.get(old_seq), workspace.store.get(new_seq)) else {
        ui.weak(ui.tr(Tr::ComparedMessageEvicted));
        return;
    };
    if state.history.diff_cache.as_ref().is_none_or(|cache| (cache.old, cache.new) != (old_seq, new_seq)) {
        // Decoded payloads (protobuf, Sparkplug…) are compared as their JSON.
        let comparable = |message: &StoredMessage<'_>| match workspace.tab(message.tab) {
            Some(tab) => tab.decoding.comparable(message.topic, message.payload).into_owned(),
            None => message.payload.to_vec(),
        };
        let compared = (comparable(&old), comparable(&new));
        let diff = diff_payloads(&compared.0, &compared.1);
        state.history.diff_cache = Some(DiffCache { old: old_seq, new: new_seq, diff, compared });
    }
    let Some(cache) = &state.history.diff_cache else { return };
    let time = |message: StoredMessage<'_>| message.time.with_timezone(&Local).format("%H:%M:%S%.3f").to_string();
    ui.horizontal(|ui| {
        ui.strong(ui.tr(Tr::Changes));
        ui.weak(ui.trf(Tr::FromTo, &[("from", &time(old)), ("to", &time(new))]));
    });
    egui::ScrollArea::both()
        .id_salt("diff")
        .auto_shrink([false, false])
        .show(ui, |ui| payload_diff_ui(ui, &cache.diff, (&cache.compared.0, &cache.compared.1)));
}
