//! The message log: a virtualised table (only visible rows are built), with
//! search, subscription filter, follow-newest and clear.

use egui_extras::{Column, TableBuilder};

use crate::core::decoders::previews::RowPreview;
use crate::core::mqtt::Direction;
use crate::core::payload::{human_size, preview};
use crate::core::topic::validate_topic_filter;
use crate::ui::action::UiAction;
use crate::ui::i18n::{Tr, Words};
use crate::ui::panel::{PanelContext, clock};
use crate::ui::state::LogState;
use crate::ui::theme;

/// Characters of payload shown in a row.
const PREVIEW_CHARS: usize = 160;

/// Draws the log.
/// `picked` are the messages Ctrl+clicked for comparing (highlighted).
pub fn log_ui(ui: &mut egui::Ui, cx: &mut PanelContext<'_>, state: &mut LogState, picked: &[u64]) {
    let workspace = &*cx.workspace;
    let actions = &mut *cx.actions;
    let hide_clocks = cx.hide_clocks;
    let store = &workspace.store;
    crate::ui::log_toolbar::toolbar_ui(ui, workspace, state, actions);
    if let Some(error) = state.view.error() {
        ui.colored_label(theme::ERROR, error.to_string());
    }
    let typed = state.topic_filter.trim();
    if !typed.is_empty()
        && let Err(error) = validate_topic_filter(typed)
    {
        ui.colored_label(theme::ERROR, ui.trf(Tr::TopicFilterIgnored, &[("filter", &typed), ("error", &error)]));
    }
    if picked.len() == 1 {
        ui.horizontal(|ui| {
            ui.weak(ui.tr(Tr::PickAnotherToCompare));
            if ui.small_button(ui.tr(Tr::ClearComparison)).clicked() {
                actions.push(UiAction::ClearDiffPicks);
            }
        });
    }
    ui.separator();

    let rows = state.view.len(store);
    if state.was_following && !state.follow {
        state.rows_when_left = rows;
    }
    state.was_following = state.follow;
    let new_below = if state.follow { 0 } else { rows.saturating_sub(state.rows_when_left) };
    if new_below > 0 {
        let chip = egui::Button::new(ui.trf(Tr::NewBelow, &[("n", &new_below)])).fill(ui.visuals().selection.bg_fill);
        let clicked = ui.add(chip).on_hover_text(ui.tr(Tr::NewBelowHint)).clicked();
        if clicked {
            actions.push(UiAction::FollowNewest);
        }
    }
    if state.follow && rows != state.last_rows {
        // Sticking to the bottom scrolls on the frame after rows were added.
        ui.ctx().request_repaint();
    }
    state.last_rows = rows;
    if rows == 0 {
        ui.centered_and_justified(|ui| {
            ui.weak(if store.is_empty() { ui.tr(Tr::NoMessagesYet) } else { ui.tr(Tr::NoMessageMatches) });
        });
        return;
    }
    let selected = state.selected_message;
    let picking = ui.input(|input| input.modifiers.command);
    // Cells must not capture clicks for text selection: a click selects the row.
    ui.style_mut().interaction.selectable_labels = false;
    let show_tab = state.all_tabs;
    let (incoming, outgoing, retained) = (ui.tr(Tr::DirIn), ui.tr(Tr::DirOut), ui.tr(Tr::Retained));
    let mut table = TableBuilder::new(ui)
        .id_salt(("message-log", show_tab))
        .striped(true)
        .sense(egui::Sense::click())
        .stick_to_bottom(state.follow)
        .auto_shrink([false, false])
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .column(Column::exact(theme::COLOUR_STRIP_WIDTH + 112.0));
    if show_tab {
        table = table.column(Column::initial(150.0).clip(true).resizable(true));
    }
    // Following just turned on: jump to the newest row (sticking to the
    // bottom only keeps a log that is already there).
    let jumped = std::mem::take(&mut state.jump_to_newest);
    if jumped {
        table = table.scroll_to_row(rows - 1, Some(egui::Align::BOTTOM));
    }
    let output = table
        .column(Column::exact(34.0))
        .column(Column::initial(190.0).at_least(80.0).clip(true).resizable(true))
        .column(Column::exact(40.0))
        .column(Column::exact(24.0))
        .column(Column::exact(70.0))
        .column(Column::remainder().clip(true))
        .header(20.0, |mut header| {
            let titles: &[Tr] = if show_tab {
                &[Tr::ColTime, Tr::ColTab, Tr::ColDir, Tr::Topic, Tr::Qos, Tr::ColRetain, Tr::ColSize, Tr::Payload]
            } else {
                &[Tr::ColTime, Tr::ColDir, Tr::Topic, Tr::Qos, Tr::ColRetain, Tr::ColSize, Tr::Payload]
            };
            for title in titles.iter().copied() {
                header.col(|ui| {
                    ui.strong(ui.tr(title));
                });
            }
        })
        .body(|body| {
            body.rows(theme::LOG_ROW_HEIGHT, rows, |mut row| {
                let Some(message) = state.view.row(store, row.index()) else {
                    return;
                };
                row.set_selected(selected == Some(message.seq) || picked.contains(&message.seq));
                let colour = match (message.direction, message.subscription) {
                    (Direction::Outgoing, _) => theme::OUTGOING,
                    (Direction::Incoming, Some(id)) => workspace
                        .subscription(id)
                        .map_or(theme::MUTED, |subscription| theme::subscription_colour(subscription.colour)),
                    (Direction::Incoming, None) => theme::MUTED,
                };
                row.col(|ui| {
                    let (rect, _) = ui.allocate_exact_size(
                        egui::vec2(theme::COLOUR_STRIP_WIDTH, theme::LOG_ROW_HEIGHT - 4.0),
                        egui::Sense::hover(),
                    );
                    ui.painter().rect_filled(rect, 1.0, colour);
                    ui.monospace(clock(message.time, "%H:%M:%S%.3f", hide_clocks));
                });
                if show_tab {
                    row.col(|ui| {
                        let title = workspace.tab_title(message.tab);
                        ui.add(egui::Label::new(title).truncate());
                    });
                }
                row.col(|ui| {
                    match message.direction {
                        Direction::Incoming => ui.label(incoming),
                        Direction::Outgoing => ui.colored_label(theme::OUTGOING, outgoing),
                    };
                });
                row.col(|ui| {
                    ui.add(egui::Label::new(egui::RichText::new(&*message.topic).color(colour)).truncate());
                });
                row.col(|ui| {
                    ui.label(message.qos.level().to_string());
                });
                row.col(|ui| {
                    if message.retain {
                        ui.label("R").on_hover_text(retained);
                    }
                });
                row.col(|ui| {
                    ui.label(human_size(message.payload.len()));
                });
                row.col(|ui| {
                    // The tab's decoder rules first (decoded once per row, cached).
                    let decoded = workspace.tab(message.tab).map(|tab| {
                        let decoding = &tab.decoding;
                        let (generation, decoders) = (decoding.generation(), decoding.decoders());
                        state.previews.get(
                            message.seq,
                            generation,
                            decoders,
                            message.topic,
                            message.payload,
                            PREVIEW_CHARS,
                        )
                    });
                    payload_cell_ui(ui, message.payload, decoded);
                });
                let response = row.response();
                if response.clicked() && picking {
                    // Ctrl+click picks messages to compare, across topics.
                    actions.push(UiAction::ToggleDiffPick { seq: message.seq });
                } else if response.clicked() {
                    let already = selected == Some(message.seq);
                    actions.push(UiAction::SelectMessage { seq: (!already).then_some(message.seq) });
                }
                response.context_menu(|ui| message_menu_ui(ui, workspace, &message, actions));
            });
        });
    // Scrolling up (wheel, scrollbar, keys) leaves the newest rows: stop
    // following. Rows arriving only ever move the view down.
    let offset = output.state.clamped_offset().y;
    let bottom = (output.content_size.y - output.inner_rect.height()).max(0.0);
    if state.follow && !jumped && offset + 1.0 < state.last_offset && offset + 1.0 < bottom {
        state.follow = false;
    }
    state.last_offset = offset;
}

/// A row's payload column: the decoded form when a rule decodes it, the
/// raw preview otherwise, and a warning badge saying why when the rule's
/// decoder refused the payload (the raw bytes still shown).
pub fn payload_cell_ui(ui: &mut egui::Ui, payload: &[u8], decoded: Option<&RowPreview>) {
    match decoded {
        Some(RowPreview::Decoded(text)) => {
            ui.add(egui::Label::new(egui::RichText::new(text).monospace()).truncate());
            return;
        }
        Some(RowPreview::Failed(reason)) => {
            ui.colored_label(theme::BUSY, "⚠").on_hover_text(reason);
        }
        Some(RowPreview::Plain) | None => {}
    }
    let shown = preview(payload, PREVIEW_CHARS);
    let mut text =
        egui::RichText::new(if shown.truncated { format!("{}…", shown.text) } else { shown.text }).monospace();
    if shown.binary {
        text = text.weak();
    }
    ui.add(egui::Label::new(text).truncate());
}

/// A log row's context menu.
fn message_menu_ui(
    ui: &mut egui::Ui,
    workspace: &crate::core::workspace::Workspace,
    message: &crate::core::store::StoredMessage<'_>,
    actions: &mut Vec<UiAction>,
) {
    crate::ui::widgets::message_actions_ui(ui, message.seq, actions);
    ui.separator();
    if ui.button(ui.tr(Tr::CopyTopic)).clicked() {
        ui.ctx().copy_text(message.topic.to_string());
    }
    if ui.button(ui.tr(Tr::CopyPayload)).clicked() {
        ui.ctx().copy_text(String::from_utf8_lossy(message.payload).into_owned());
    }
    if ui.button(ui.tr(Tr::SavePayload)).clicked() {
        actions.push(UiAction::SavePayload { seq: message.seq });
    }
    ui.separator();
    if ui.button(ui.tr(Tr::PickToCompare)).on_hover_text(ui.tr(Tr::PickToCompareHint)).clicked() {
        actions.push(UiAction::ToggleDiffPick { seq: message.seq });
    }
    if ui.button(ui.tr(Tr::ShowOnlyThisTopic)).clicked() {
        actions.push(UiAction::SelectTopic { topic: Some(message.topic.to_string()) });
    }
    if message.direction == Direction::Incoming {
        if ui.button(ui.tr(Tr::TopicHistory)).clicked() {
            actions.push(UiAction::ShowHistory { topic: Some(message.topic.to_string()) });
        }
        if ui.button(ui.tr(Tr::CompareWithPrevious)).clicked() {
            actions.push(UiAction::CompareWithPrevious { seq: message.seq });
        }
        let charted = workspace.comparable_payload(message.tab, message.topic, message.payload);
        crate::ui::widgets::chart_offer_ui(ui, message.topic, &charted, actions);
    }
}
