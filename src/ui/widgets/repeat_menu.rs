//! "Repeat…": the interval and count form shared by the composer and
//! saved collections.

use crate::ui::action::UiAction;
use crate::ui::i18n::{Tr, Words};

/// "Repeat…": every N ms, a number of times or until stopped; `start` is
/// what the form's Start does (the composer's message, or a collection).
pub fn repeat_menu_ui(
    ui: &mut egui::Ui,
    interval_ms: &mut u64,
    count: &mut u64,
    actions: &mut Vec<UiAction>,
    start: UiAction,
) {
    super::form_menu_ui(ui, ui.tr(Tr::RepeatEllipsis), |ui| {
        ui.horizontal(|ui| {
            let label = ui.label(ui.tr(Tr::RepeatEvery));
            ui.add(egui::DragValue::new(interval_ms).range(1..=86_400_000).suffix(" ms")).labelled_by(label.id);
        });
        ui.horizontal(|ui| {
            let label = ui.label(ui.tr(Tr::RepeatTimes));
            ui.add(egui::DragValue::new(count).range(0..=100_000_000)).labelled_by(label.id);
            ui.weak(ui.tr(Tr::RepeatZeroMeansForever));
        });
        if ui.button(ui.tr(Tr::StartRepeat)).clicked() {
            actions.push(start);
            ui.close();
        }
    });
}
