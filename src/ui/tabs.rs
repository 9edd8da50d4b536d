//! The connection tabs: one per open profile, each with its state dot;
//! "+" asks which profile to open (or a copy of this tab, or a pasted
//! command line), "☰" lists every connection with its state in one click,
//! the close button disconnects cleanly.

use std::time::Instant;

use crate::ui::action::UiAction;
use crate::ui::i18n::{Tr, Words};
use crate::ui::panel::PanelContext;
use crate::ui::theme;
use crate::ui::widgets::icon_button;
use egui::containers::menu::MenuButton;

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
        let (plus, _) = MenuButton::new("➕").ui(ui, |ui| {
            ui.set_min_width(240.0);
            ui.weak(ui.tr(Tr::OpenWhichConnection));
            for profile in &workspace.profiles {
                let entry = egui::Button::new(&profile.name).shortcut_text(profile.address());
                if ui.add(entry).clicked() {
                    actions.push(UiAction::OpenProfileInNewTab { name: profile.name.clone() });
                }
            }
            ui.separator();
            if ui.button(ui.tr(Tr::CopyOfThisTab)).clicked() {
                actions.push(UiAction::NewTab);
            }
            if ui.button(ui.tr(Tr::FromCommandMenu)).clicked() {
                actions.push(UiAction::ShowPasteCommand);
            }
        });
        // Named outside the closure: widget_info runs under the context's lock.
        let name = ui.tr(Tr::ShortcutNewConnection);
        plus.on_hover_text(name).widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, name));
        if tabs.len() > 1 {
            let (list, _) = MenuButton::new("☰").ui(ui, |ui| {
                ui.set_min_width(280.0);
                for tab in tabs {
                    ui.horizontal(|ui| {
                        theme::status_dot_ui(ui, theme::state_colour(&tab.state));
                        let title = workspace.tab_title(tab.id);
                        let state = crate::ui::states::connection_summary(ui, &tab.state, Instant::now());
                        let entry = egui::Button::new(title).shortcut_text(state);
                        if ui.add(entry).clicked() {
                            actions.push(UiAction::ActivateTab { tab: tab.id });
                        }
                    });
                }
            });
            let name = ui.tr(Tr::AllConnections);
            list.on_hover_text(name).widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, name));
        }
    });
}
