//! Acting on a message already in the log, the same three ways from the
//! log's context menu, the inspector and the topic tree: edit it in the
//! composer, publish it again as it was, or copy the mosquitto_pub command.

use crate::ui::action::UiAction;
use crate::ui::i18n::{Tr, Words};

/// The three actions as buttons (in a menu, a click closes it).
pub fn message_actions_ui(ui: &mut egui::Ui, seq: u64, actions: &mut Vec<UiAction>) {
    if ui.button(ui.tr(Tr::EditAndPublish)).on_hover_text(ui.tr(Tr::EditAndPublishHint)).clicked() {
        actions.push(UiAction::EditAndPublish { seq });
    }
    if ui.button(ui.tr(Tr::PublishAgain)).on_hover_text(ui.tr(Tr::PublishAgainHint)).clicked() {
        actions.push(UiAction::PublishAgain { seq });
    }
    if ui.button(ui.tr(Tr::CopyAsCommand)).on_hover_text(ui.tr(Tr::CopyAsCommandHint)).clicked() {
        actions.push(UiAction::CopyPublishCommand { seq });
    }
}
