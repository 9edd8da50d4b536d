//! The subscriptions panel: add filters (validated inline), see each one's
//! colour and SUBACK result, unsubscribe, and filter the log by clicking.

use crate::core::engine::ConnectionState;
use crate::core::mqtt::Qos;
use crate::core::topic::validate_topic_filter;
use crate::core::workspace::SubscriptionStatus;
use crate::ui::action::UiAction;
use crate::ui::i18n::{Tr, Words};
use crate::ui::panel::PanelContext;
use crate::ui::state::UiState;
use crate::ui::theme;
use crate::ui::widgets::icon_button;

/// Draws the subscriptions panel.
pub fn subscriptions_ui(ui: &mut egui::Ui, cx: &mut PanelContext<'_>, state: &mut UiState) {
    let workspace = &*cx.workspace;
    let actions = &mut *cx.actions;
    let filter_label = ui.label(ui.tr(Tr::TopicFilter));
    let response = ui
        .add(
            egui::TextEdit::singleline(&mut state.subscribe.filter)
                .hint_text(ui.tr(Tr::TopicFilterHint))
                .desired_width(f32::INFINITY),
        )
        .labelled_by(filter_label.id);
    if std::mem::take(&mut state.subscribe.focus_filter) {
        response.request_focus();
        // Select it all, so typing replaces the filter.
        if let Some(mut text) = egui::TextEdit::load_state(ui.ctx(), response.id) {
            let all = egui::text::CCursorRange::two(
                egui::text::CCursor::new(0),
                egui::text::CCursor::new(state.subscribe.filter.chars().count()),
            );
            text.cursor.set_char_range(Some(all));
            text.store(ui.ctx(), response.id);
        }
    }
    if response.changed() {
        state.subscribe.error = None;
    }
    let submitted = response.lost_focus() && ui.input(|input| input.key_pressed(egui::Key::Enter));
    // Live validation: the reason shows while typing, before anything is sent.
    let live_error = if state.subscribe.filter.is_empty() {
        None
    } else {
        validate_topic_filter(state.subscribe.filter.trim()).err().map(|error| error.to_string())
    };
    ui.horizontal(|ui| {
        let qos_label = ui.label(ui.tr(Tr::Qos));
        egui::ComboBox::from_id_salt("subscribe-qos")
            .selected_text(state.subscribe.qos.level().to_string())
            .width(40.0)
            .show_ui(ui, |ui| {
                for qos in Qos::ALL {
                    ui.selectable_value(&mut state.subscribe.qos, qos, qos.level().to_string());
                }
            })
            .response
            .labelled_by(qos_label.id);
        if ui.button(ui.tr(Tr::Subscribe)).clicked() || submitted {
            actions.push(UiAction::Subscribe);
        }
    });
    if let Some(error) = live_error.as_ref().or(state.subscribe.error.as_ref()) {
        ui.colored_label(theme::ERROR, ui.trf(Tr::InvalidFilter, &[("error", error)]));
    }
    ui.separator();
    egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
        if ui.selectable_label(state.log.selected_subscription.is_none(), ui.tr(Tr::AllMessages)).clicked() {
            actions.push(UiAction::FilterBySubscription { subscription: None });
        }
        if workspace.active_tab().subscriptions.is_empty() {
            ui.weak(ui.tr(Tr::NoSubscriptionsYet));
        }
        for subscription in &workspace.active_tab().subscriptions {
            ui.horizontal(|ui| {
                let (rect, _) = ui.allocate_exact_size(egui::vec2(10.0, 18.0), egui::Sense::hover());
                ui.painter().rect_filled(rect, 2.0, theme::subscription_colour(subscription.colour));
                let selected = state.log.selected_subscription == Some(subscription.id);
                let clicked = ui
                    .selectable_label(selected, egui::RichText::new(&subscription.filter).monospace())
                    .on_hover_text(ui.tr(Tr::ShowOnlyMatchingHint))
                    .clicked();
                if clicked {
                    actions
                        .push(UiAction::FilterBySubscription { subscription: (!selected).then_some(subscription.id) });
                }
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    let unsubscribe =
                        icon_button(ui, "🗙", &ui.trf(Tr::UnsubscribeFrom, &[("filter", &subscription.filter)]));
                    if unsubscribe.clicked() {
                        actions.push(UiAction::Unsubscribe { subscription: subscription.id });
                    }
                });
            });
            let connected = matches!(workspace.active_tab().state, ConnectionState::Connected { .. });
            let (text, colour) = status_text(ui, &subscription.status, subscription.qos, connected);
            ui.indent(subscription.id, |ui| {
                // Body size: the SUBACK result is what a tester checks first.
                ui.label(egui::RichText::new(text).color(colour));
            });
        }
    });
}

fn status_text(ui: &egui::Ui, status: &SubscriptionStatus, requested: Qos, connected: bool) -> (String, egui::Color32) {
    let requested = requested.level();
    match status {
        SubscriptionStatus::Pending if connected => {
            (ui.trf(Tr::SubscriptionWaiting, &[("qos", &requested)]), theme::BUSY)
        }
        SubscriptionStatus::Pending => (ui.trf(Tr::SubscriptionOnceConnected, &[("qos", &requested)]), theme::MUTED),
        SubscriptionStatus::Granted(granted) if granted.level() == requested => {
            (ui.trf(Tr::SubscriptionGranted, &[("qos", &granted.level())]), theme::OK)
        }
        SubscriptionStatus::Granted(granted) => {
            (ui.trf(Tr::SubscriptionDowngraded, &[("qos", &granted.level()), ("requested", &requested)]), theme::BUSY)
        }
        SubscriptionStatus::Refused(reason) => (ui.trf(Tr::SubscriptionRefused, &[("reason", reason)]), theme::ERROR),
        SubscriptionStatus::Resumed => (ui.tr(Tr::SubscriptionResumed).to_owned(), theme::OK),
        SubscriptionStatus::Failed(reason) => (ui.trf(Tr::SubscriptionFailed, &[("reason", reason)]), theme::ERROR),
        SubscriptionStatus::Removing => (ui.tr(Tr::Unsubscribing).to_owned(), theme::MUTED),
    }
}
