//! The connection tabs: one per open profile, each with its state dot;
//! "+" opens another, the close button disconnects cleanly.

use std::time::Instant;

use crate::core::workspace::Workspace;
use crate::ui::app::UiAction;
use crate::ui::i18n::{Tr, Words};
use crate::ui::theme;
use crate::ui::widgets::icon_button;

/// Draws the tab strip.
pub fn tabs_ui(ui: &mut egui::Ui, workspace: &Workspace, actions: &mut Vec<UiAction>) {
    ui.horizontal(|ui| {
        let tabs = workspace.tabs();
        let closable = tabs.len() > 1;
        for (session, active) in tabs {
            let title = workspace.tab_title(session.id);
            ui.push_id(("tab", session.id), |ui| {
                let colour = theme::state_colour(&session.state);
                theme::status_dot_ui(ui, colour);
                let tab = ui.selectable_label(active, &title).on_hover_text(format!(
                    "{} — {}",
                    session.profile.address(),
                    crate::ui::states::connection_summary(ui, &session.state, Instant::now())
                ));
                if tab.clicked() && !active {
                    actions.push(UiAction::ActivateTab(session.id));
                }
                if closable && icon_button(ui, "🗙", &ui.trf(Tr::CloseTab, &[("title", &title)])).clicked() {
                    actions.push(UiAction::CloseTab(session.id));
                }
            });
            ui.separator();
        }
        if icon_button(ui, "➕", ui.tr(Tr::ShortcutNewConnection)).clicked() {
            actions.push(UiAction::NewTab);
        }
    });
}
