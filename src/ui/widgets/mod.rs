//! Widgets shared by panels (panels do not import each other).

mod chart_offer;
mod form_menu;
mod message_actions;
mod number_field;
mod repeat_menu;
mod state_chip;
mod subscribe_options;
mod user_properties;

pub use chart_offer::chart_offer_ui;
pub use form_menu::form_menu_ui;
pub use message_actions::message_actions_ui;
pub use number_field::number_field_ui;
pub use repeat_menu::repeat_menu_ui;
pub use state_chip::state_chip_ui;
pub use subscribe_options::subscribe_options_ui;
pub use user_properties::user_properties_ui;

/// A label followed by a single-line text field that is accessibly named
/// after the label (so tests and screen readers can find it).
pub fn labelled_text(ui: &mut egui::Ui, label: &str, text: &mut String, width: f32) -> egui::Response {
    let label = ui.label(label);
    ui.add(egui::TextEdit::singleline(text).desired_width(width)).labelled_by(label.id)
}

/// A QoS 0/1/2 picker, accessibly named after its label.
pub fn qos_combo_ui(
    ui: &mut egui::Ui,
    id_salt: impl std::hash::Hash + std::fmt::Debug,
    label: &str,
    qos: &mut crate::core::mqtt::Qos,
) {
    let label = ui.label(label);
    egui::ComboBox::from_id_salt(id_salt)
        .selected_text(qos.level().to_string())
        .width(40.0)
        .show_ui(ui, |ui| {
            for level in crate::core::mqtt::Qos::ALL {
                ui.selectable_value(qos, level, level.level().to_string());
            }
        })
        .response
        .labelled_by(label.id);
}

/// A small icon-only button whose accessible name (and hover text) says
/// what it does, so screen readers and tests can find it.
pub fn icon_button(ui: &mut egui::Ui, icon: &str, name: &str) -> egui::Response {
    let response = ui.small_button(icon).on_hover_text(name);
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, name));
    response
}
