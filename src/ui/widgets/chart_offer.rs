//! "Chart" offered wherever a message with a number is shown.

use crate::ui::action::UiAction;
use crate::ui::i18n::{Tr, Words};

/// Most fields offered in a "Chart a field" menu.
const MAX_OFFERED_FIELDS: usize = 40;
/// Largest payload scanned for numeric fields to offer.
const MAX_SCANNED_PAYLOAD: usize = 64 * 1024;

/// "Chart" for a numeric payload, or a "Chart a field" menu of the numbers
/// in a JSON payload; nothing for other payloads.
pub fn chart_offer_ui(ui: &mut egui::Ui, topic: &str, payload: &[u8], actions: &mut Vec<UiAction>) {
    // A number is a few bytes; do not validate megabytes of UTF-8 per frame.
    if payload.len() <= 256 && crate::core::chart::extract_number(payload, None).is_ok() {
        if ui.button(ui.tr(Tr::Chart)).on_hover_text(ui.tr(Tr::ChartHint)).clicked() {
            actions.push(UiAction::AddChart { topic: topic.to_owned(), pointer: None });
        }
        return;
    }
    // Parsed on every frame it is shown: larger payloads chart fields from
    // the JSON tree's context menu or the pointer form instead.
    if payload.len() > MAX_SCANNED_PAYLOAD {
        return;
    }
    let fields = crate::core::chart::numeric_pointers(payload, MAX_OFFERED_FIELDS);
    if fields.is_empty() {
        return;
    }
    ui.menu_button(ui.tr(Tr::ChartAField), |ui| {
        for pointer in fields {
            if ui.button(&pointer).clicked() {
                actions.push(UiAction::AddChart { topic: topic.to_owned(), pointer: Some(pointer) });
            }
        }
    });
}
