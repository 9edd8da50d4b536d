//! A menu that holds a form: it stays open while its fields and choices are
//! used and closes on a click outside (or when a button in it closes it).

use egui::containers::menu::{MenuButton, MenuConfig};
use egui::{IntoAtoms, PopupCloseBehavior};

/// A button opening a form-like pop-up (`add_contents` draws the form).
pub fn form_menu_ui<'a, R>(
    ui: &mut egui::Ui,
    title: impl IntoAtoms<'a>,
    add_contents: impl FnOnce(&mut egui::Ui) -> R,
) -> egui::Response {
    let config = MenuConfig::new().close_behavior(PopupCloseBehavior::CloseOnClickOutside);
    MenuButton::new(title).config(config).ui(ui, add_contents).0
}
