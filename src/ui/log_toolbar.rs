//! The log's toolbar: search, filters, pause, follow newest, export, clear
//! and the count. Where the log is narrow (an inspector open at 1280 px)
//! the less used controls move into a "More" menu instead of falling off
//! the edge; follow newest and the count always stay in sight.

use crate::core::mqtt::{Direction, Qos};
use crate::core::store::ViewProgress;
use crate::core::workspace::Workspace;
use crate::ui::action::UiAction;
use crate::ui::i18n::{Tr, Words};
use crate::ui::state::LogState;
use crate::ui::theme;
use crate::ui::widgets::{form_menu_ui, icon_button, labelled_text};

/// The search box's id, so Ctrl/Cmd+F can put the cursor in it.
const LOG_SEARCH_ID: &str = "message-log-search";

/// Draws the toolbar above the log.
pub fn toolbar_ui(ui: &mut egui::Ui, workspace: &Workspace, state: &mut LogState, actions: &mut Vec<UiAction>) {
    let store = &workspace.store;
    // Compact when the whole toolbar, as last measured, does not fit: the
    // measurement is kept while compact, so the choice does not flicker.
    let compact = state.toolbar_width > ui.available_width();
    let toolbar = |ui: &mut egui::Ui| {
        let search_label = ui.label(ui.tr(Tr::Search));
        let search = ui
            .add(
                egui::TextEdit::singleline(&mut state.search)
                    .id(egui::Id::unique(LOG_SEARCH_ID))
                    .hint_text(ui.tr(Tr::SearchHint))
                    .desired_width(if compact { 120.0 } else { 220.0 }),
            )
            .labelled_by(search_label.id);
        if std::mem::take(&mut state.focus_search) {
            search.request_focus();
        }
        // The × keeps its place while hidden, so nothing shifts as it appears.
        let has_search = !state.search.is_empty();
        let clear = ui
            .scope(|ui| {
                if !has_search {
                    ui.set_invisible();
                }
                icon_button(ui, "🗙", ui.tr(Tr::ClearSearch))
            })
            .inner;
        if has_search && clear.clicked() {
            state.search.clear();
        }
        if !compact {
            ui.checkbox(&mut state.search_regex, ui.tr(Tr::Regex)).on_hover_text(ui.tr(Tr::RegexHint));
        }
        let active_filters = usize::from(state.direction.is_some())
            + usize::from(state.qos.is_some())
            + usize::from(state.retained_only)
            + usize::from(!state.topic_filter.trim().is_empty())
            + usize::from(compact && state.search_regex);
        let title = if active_filters == 0 {
            ui.tr(Tr::Filters).to_owned()
        } else {
            ui.trf(Tr::FiltersActive, &[("n", &active_filters)])
        };
        form_menu_ui(ui, title, |ui| filters_menu_ui(ui, state, compact));
        let pause_label = if state.paused { ui.tr(Tr::Resume) } else { ui.tr(Tr::Pause) };
        if ui.button(pause_label).on_hover_text(ui.tr(Tr::PauseHint)).clicked() {
            state.paused = !state.paused;
        }
        if state.paused {
            let held = state.view.held_back(store);
            ui.colored_label(theme::BUSY, ui.trf(Tr::PausedNew, &[("n", &held)]));
        }
        if let Some(subscription) = state.selected_subscription.and_then(|id| workspace.subscription(id)) {
            ui.label(
                egui::RichText::new(ui.trf(Tr::FilterIs, &[("filter", &subscription.filter)]))
                    .color(theme::subscription_colour(subscription.colour)),
            );
            if ui.small_button(ui.tr(Tr::ShowAll)).clicked() {
                actions.push(UiAction::FilterBySubscription { subscription: None });
            }
        }
        let several_tabs = workspace.tabs().len() > 1;
        if several_tabs && !compact {
            ui.checkbox(&mut state.all_tabs, ui.tr(Tr::AllTabs)).on_hover_text(ui.tr(Tr::AllTabsHint));
        }
        let follow = ui.checkbox(&mut state.follow, ui.tr(Tr::FollowNewest)).on_hover_text(ui.tr(Tr::FollowNewestHint));
        if follow.changed() && state.follow {
            state.jump_to_newest = true;
        }
        if compact {
            form_menu_ui(ui, ui.tr(Tr::MoreMenu), |ui| {
                ui.checkbox(&mut state.all_tabs, ui.tr(Tr::AllTabs)).on_hover_text(ui.tr(Tr::AllTabsHint));
                if !several_tabs {
                    state.all_tabs = false;
                }
                ui.separator();
                if ui.button(ui.tr(Tr::ExportEllipsis)).on_hover_text(ui.tr(Tr::ExportLogHint)).clicked() {
                    actions.push(UiAction::ExportMessages);
                    ui.close();
                }
                if ui.button(ui.tr(Tr::Clear)).on_hover_text(ui.tr(Tr::ClearLogHint)).clicked() {
                    actions.push(UiAction::ClearLog);
                    ui.close();
                }
            })
            .on_hover_text(ui.tr(Tr::MoreMenuHint));
        } else {
            if ui.button(ui.tr(Tr::ExportEllipsis)).on_hover_text(ui.tr(Tr::ExportLogHint)).clicked() {
                actions.push(UiAction::ExportMessages);
            }
            if ui.button(ui.tr(Tr::Clear)).on_hover_text(ui.tr(Tr::ClearLogHint)).clicked() {
                actions.push(UiAction::ClearLog);
            }
        }
        let shown = state.view.len(store);
        // Out of what this log holds: the whole store only when all tabs show.
        let total = if state.all_tabs { store.len() } else { store.len_of_tab(workspace.active_tab().id) };
        let counter = if shown == total {
            ui.trf(Tr::MessagesCount, &[("n", &shown)])
        } else {
            ui.trf(Tr::MessagesShownOf, &[("n", &shown), ("total", &total)])
        };
        ui.weak(counter);
        if let Some(ViewProgress::Scanning { scanned, total }) = state.view_progress {
            ui.spinner();
            ui.weak(ui.trf(Tr::Filtering, &[("n", &scanned), ("total", &total)]));
        }
    };
    if compact {
        // Still too narrow for the compact row: wrap rather than clip.
        ui.horizontal_wrapped(toolbar);
    } else {
        state.toolbar_width = ui.horizontal(toolbar).response.rect.width();
    }
}

fn filters_menu_ui(ui: &mut egui::Ui, state: &mut LogState, compact: bool) {
    if compact {
        ui.checkbox(&mut state.search_regex, ui.tr(Tr::Regex)).on_hover_text(ui.tr(Tr::RegexHint));
    }
    ui.horizontal(|ui| {
        ui.label(ui.tr(Tr::Direction));
        ui.selectable_value(&mut state.direction, None, ui.tr(Tr::DirBoth));
        ui.selectable_value(&mut state.direction, Some(Direction::Incoming), ui.tr(Tr::DirIn));
        ui.selectable_value(&mut state.direction, Some(Direction::Outgoing), ui.tr(Tr::DirOut));
    });
    ui.horizontal(|ui| {
        ui.label(ui.tr(Tr::Qos));
        ui.selectable_value(&mut state.qos, None, ui.tr(Tr::QosAny));
        for qos in Qos::ALL {
            ui.selectable_value(&mut state.qos, Some(qos), qos.level().to_string());
        }
    });
    ui.checkbox(&mut state.retained_only, ui.tr(Tr::RetainedOnly));
    labelled_text(ui, ui.tr(Tr::TopicFilterWildcards), &mut state.topic_filter, 180.0);
    if ui.button(ui.tr(Tr::ResetFilters)).clicked() {
        state.direction = None;
        state.qos = None;
        state.retained_only = false;
        state.topic_filter.clear();
        state.search_regex = false;
    }
}
