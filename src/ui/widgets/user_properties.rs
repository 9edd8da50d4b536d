//! An editable list of MQTT 5 user properties.

use super::labelled_text;
use crate::ui::i18n::{Tr, Words};

/// MQTT 5 user properties as key/value rows with Remove and Add (profiles
/// and the composer both edit them).
pub fn user_properties_ui(ui: &mut egui::Ui, id: &str, properties: &mut Vec<(String, String)>) {
    let mut remove = None;
    for (index, (key, value)) in properties.iter_mut().enumerate() {
        ui.horizontal(|ui| {
            ui.push_id((id, index), |ui| {
                labelled_text(ui, ui.tr(Tr::Key), key, 120.0);
                labelled_text(ui, ui.tr(Tr::Value), value, 160.0);
                if ui.small_button(ui.tr(Tr::Remove)).clicked() {
                    remove = Some(index);
                }
            });
        });
    }
    if let Some(index) = remove {
        properties.remove(index);
    }
    if ui.small_button(ui.tr(Tr::AddUserProperty)).clicked() {
        properties.push((String::new(), String::new()));
    }
}
