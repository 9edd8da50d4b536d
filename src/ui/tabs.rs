//! The connection tabs: one per open profile, each with its state dot;
//! "+" opens another, the close button disconnects cleanly.

use std::time::Instant;

use crate::ui::action::UiAction;
use crate::ui::i18n::{Tr, Words};
use crate::ui::panel::PanelContext;
use crate::ui::theme;
use crate::ui::widgets::icon_button;

/// Draws the tab strip.
pub fn tabs_ui(ui: &mut egui::Ui, cx: &mut PanelContext<'_>) {
    let workspace = &*cx.workspace;
    let actions = &mut *cx.actions;
    ui.horizontal(|ui| {
        let tabs = workspace.tabs();
        let closable = tabs.len() > 1;
        for tab in tabs {
            let active = workspace.is_active_tab(tab.id);
            let title = workspace.tab_title(tab.id);
            ui.push_id(("tab", tab.id), |ui| {
                let colour = theme::state_colour(&tab.state);
                theme::status_dot_ui(ui, colour);
                let label = ui.selectable_label(active, &title).on_hover_text(format!(
                    "{} — {}",
                    tab.profile.address(),
                    crate::ui::states::connection_summary(ui, &tab.state, Instant::now())
                ));
                if label.clicked() && !active {
                    actions.push(UiAction::ActivateTab { tab: tab.id });
                }
                if closable && icon_button(ui, "🗙", &ui.trf(Tr::CloseTab, &[("title", &title)])).clicked() {
                    actions.push(UiAction::CloseTab { tab: tab.id });
                }
            });
            ui.separator();
        }
        if icon_button(ui, "➕", ui.tr(Tr::ShortcutNewConnection)).clicked() {
            actions.push(UiAction::NewTab);
        }
    });
}
