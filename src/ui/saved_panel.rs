//! The left panel's "Saved" page: the composer's message saved under a
//! name into a collection (global or for this profile); each saved message
//! published in one click, loaded into the composer, duplicated, moved or
//! removed.

use crate::core::saved_messages::SavedMessages;
use crate::ui::action::UiAction;
use crate::ui::i18n::{Tr, Words};
use crate::ui::panel::PanelContext;
use crate::ui::state::UiState;
use crate::ui::widgets::{icon_button, labelled_text};

/// Draws the page.
pub fn saved_panel_ui(ui: &mut egui::Ui, cx: &mut PanelContext<'_>, saved: &SavedMessages, state: &mut UiState) {
    let workspace = &*cx.workspace;
    let actions = &mut *cx.actions;
    ui.strong(ui.tr(Tr::SaveComposerMessage));
    labelled_text(ui, ui.tr(Tr::MessageName), &mut state.saved.message_name, 170.0);
    labelled_text(ui, ui.tr(Tr::CollectionName), &mut state.saved.collection_name, 170.0);
    ui.checkbox(
        &mut state.saved.for_profile_only,
        ui.trf(Tr::OnlyForProfile, &[("profile", &workspace.active_tab().profile.name)]),
    );
    let ready = !state.saved.message_name.trim().is_empty() && !state.saved.collection_name.trim().is_empty();
    if ui.add_enabled(ready, egui::Button::new(ui.tr(Tr::SaveMessage))).clicked() {
        actions.push(UiAction::SaveComposerMessage);
    }
    ui.horizontal(|ui| {
        if ui.button(ui.tr(Tr::ImportSavedEllipsis)).clicked() {
            actions.push(UiAction::ImportSaved);
        }
        if ui.add_enabled(!saved.collections.is_empty(), egui::Button::new(ui.tr(Tr::ExportAllSaved))).clicked() {
            actions.push(UiAction::ExportSaved { collection: None });
        }
    });
    if let Some(message) = &state.saved.message {
        ui.small(message);
    }
    ui.separator();
    let profile = workspace.active_tab().profile.name.as_str();
    let mut any = false;
    egui::ScrollArea::vertical().id_salt("saved-messages").auto_shrink([false, false]).show(ui, |ui| {
        for (collection_index, collection) in saved.visible_for(profile) {
            any = true;
            let title = match &collection.profile {
                Some(_) => format!("{} · {}", collection.name, profile),
                None => collection.name.clone(),
            };
            egui::CollapsingHeader::new(title).id_salt(("collection", collection_index)).default_open(true).show(
                ui,
                |ui| {
                    ui.horizontal(|ui| {
                        if ui
                            .small_button(ui.tr(Tr::SendAll))
                            .on_hover_text(ui.trf(Tr::SendAllHint, &[("n", &collection.messages.len())]))
                            .clicked()
                        {
                            actions.push(UiAction::RepeatCollection { collection: collection_index, once: true });
                        }
                        let repeat = UiAction::RepeatCollection { collection: collection_index, once: false };
                        let form = &mut state.composer;
                        crate::ui::widgets::repeat_menu_ui(
                            ui,
                            &mut form.repeat_interval_ms,
                            &mut form.repeat_count,
                            actions,
                            repeat,
                        );
                        if ui
                            .small_button(ui.tr(Tr::ExportEllipsis))
                            .on_hover_text(ui.tr(Tr::ExportCollectionHint))
                            .clicked()
                        {
                            actions.push(UiAction::ExportSaved { collection: Some(collection_index) });
                        }
                    });
                    let last = collection.messages.len().saturating_sub(1);
                    for (message_index, message) in collection.messages.iter().enumerate() {
                        ui.push_id(("saved", collection_index, message_index), |ui| {
                            let at = (collection_index, message_index);
                            // Buttons first (right to left), so the name gets what is left
                            // and is cut rather than drawn under them; the topic below.
                            let row = ui.vertical(|ui| {
                                ui.horizontal(|ui| {
                                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                                        row_buttons_ui(ui, message, at, message_index, last, actions);
                                        ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                                            if ui
                                                .small_button(ui.tr(Tr::Publish))
                                                .on_hover_text(ui.trf(Tr::PublishSavedHint, &[("name", &message.name)]))
                                                .clicked()
                                            {
                                                actions.push(UiAction::PublishSaved { collection: at.0, index: at.1 });
                                            }
                                            // Drag a message by its name onto another row to move it there.
                                            let drag_id = egui::Id::unique(("saved-drag", at));
                                            ui.dnd_drag_source(drag_id, at, |ui| {
                                                ui.add(egui::Label::new(&message.name).truncate()).on_hover_text(
                                                    format!(
                                                        "{}\n{}\n\n{}",
                                                        message.topic,
                                                        message.payload,
                                                        ui.tr(Tr::DragToReorder)
                                                    ),
                                                );
                                            });
                                        });
                                    });
                                });
                                ui.add(egui::Label::new(egui::RichText::new(&message.topic).weak().small()).truncate());
                            });
                            drop_target(ui, &row.response, at, actions);
                        });
                    }
                },
            );
        }
        if !any {
            ui.weak(ui.tr(Tr::NoSavedMessages));
        }
    });
}

/// A message row as a drop target: a line shows where a dragged message
/// will go; releasing moves it there.
fn drop_target(ui: &egui::Ui, row: &egui::Response, at: (usize, usize), actions: &mut Vec<UiAction>) {
    let Some(dragged) = row.dnd_hover_payload::<(usize, usize)>() else { return };
    if *dragged == at {
        return;
    }
    // Moving down lands below the target row, moving up above it.
    let below = dragged.0 == at.0 && dragged.1 < at.1;
    let y = if below { row.rect.bottom() } else { row.rect.top() };
    let stroke = egui::Stroke::new(2.0, ui.visuals().selection.stroke.color);
    ui.painter().hline(row.rect.x_range(), y, stroke);
    if let Some(dragged) = row.dnd_release_payload::<(usize, usize)>() {
        actions.push(UiAction::MoveSaved { from: *dragged, to: at });
    }
}

/// A saved message's buttons, drawn right to left: remove, down, up, duplicate, load.
fn row_buttons_ui(
    ui: &mut egui::Ui,
    message: &crate::core::saved_messages::SavedMessage,
    at: (usize, usize),
    index: usize,
    last: usize,
    actions: &mut Vec<UiAction>,
) {
    if icon_button(ui, "🗙", &ui.trf(Tr::RemoveSaved, &[("name", &message.name)])).clicked() {
        actions.push(UiAction::RemoveSaved { collection: at.0, index: at.1 });
    }
    if index < last && icon_button(ui, "⏷", ui.tr(Tr::MoveDown)).clicked() {
        actions.push(UiAction::ShiftSaved { collection: at.0, index: at.1, by: 1 });
    }
    if index > 0 && icon_button(ui, "⏶", ui.tr(Tr::MoveUp)).clicked() {
        actions.push(UiAction::ShiftSaved { collection: at.0, index: at.1, by: -1 });
    }
    if icon_button(ui, "🗐", ui.tr(Tr::Duplicate)).clicked() {
        actions.push(UiAction::DuplicateSaved { collection: at.0, index: at.1 });
    }
    if icon_button(ui, "✏", ui.tr(Tr::LoadIntoComposer)).clicked() {
        actions.push(UiAction::LoadSaved { collection: at.0, index: at.1 });
    }
}
