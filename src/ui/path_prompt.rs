//! The path typed into the window where the system has no file dialog:
//! what it is for, the path (starting in the last folder used), OK and
//! Cancel, and why a path was not taken.

use crate::ui::action::UiAction;
use crate::ui::i18n::{Tr, Words};
use crate::ui::state::PathPrompt;
use crate::ui::theme;

/// Draws the prompt while one is open.
pub fn path_prompt_ui(ctx: &egui::Context, prompt: Option<&mut PathPrompt>, actions: &mut Vec<UiAction>) {
    let Some(prompt) = prompt else { return };
    egui::Window::new(prompt.request.title)
        .id(egui::Id::unique("path-prompt"))
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .show(ctx, |ui| {
            ui.weak(ui.tr(Tr::NoFileDialog));
            let entered = ui
                .horizontal(|ui| {
                    let label = ui.label(ui.tr(Tr::PathLabel));
                    let field =
                        ui.add(egui::TextEdit::singleline(&mut prompt.path).desired_width(420.0)).labelled_by(label.id);
                    field.lost_focus() && ui.input(|input| input.key_pressed(egui::Key::Enter))
                })
                .inner;
            if let Some(error) = &prompt.error {
                ui.colored_label(theme::ERROR, error);
            }
            ui.horizontal(|ui| {
                if ui.button(ui.tr(Tr::UsePathButton)).clicked() || entered {
                    actions.push(UiAction::UsePath);
                }
                if ui.button(ui.tr(Tr::Cancel)).clicked() {
                    actions.push(UiAction::CancelPathPrompt);
                }
            });
        });
}
