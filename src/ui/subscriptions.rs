//! The subscriptions panel: add filters (validated inline, with the MQTT 5
//! options), see each one's colour and SUBACK result, filter the log by
//! clicking, and manage each from its context menu: mute, pause, edit
//! (filter, QoS, alias, colour, options), unsubscribe.

use crate::core::engine::ConnectionState;
use crate::core::mqtt::Qos;
use crate::core::topic::validate_topic_filter;
use crate::core::workspace::{SUBSCRIPTION_PALETTE_SIZE, Subscription, SubscriptionEdit, SubscriptionStatus};
use crate::ui::action::UiAction;
use crate::ui::i18n::{Tr, Words};
use crate::ui::panel::PanelContext;
use crate::ui::state::UiState;
use crate::ui::theme;
use crate::ui::widgets::{icon_button, labelled_text, qos_combo_ui, subscribe_options_ui};

/// The new subscription's filter field, so Ctrl+Shift+S can put the cursor in it.
const FILTER_FIELD_ID: &str = "subscribe-filter";

/// Draws the subscriptions panel.
pub fn subscriptions_ui(ui: &mut egui::Ui, cx: &mut PanelContext<'_>, state: &mut UiState) {
    let workspace = &*cx.workspace;
    let actions = &mut *cx.actions;
    subscribe_form_ui(ui, state, actions);
    ui.separator();
    egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
        if ui.selectable_label(state.log.selected_subscription.is_none(), ui.tr(Tr::AllMessages)).clicked() {
            actions.push(UiAction::FilterBySubscription { subscription: None });
        }
        if workspace.active_tab().subscriptions.is_empty() {
            ui.weak(ui.tr(Tr::NoSubscriptionsYet));
        }
        let connected = matches!(workspace.active_tab().state, ConnectionState::Connected { .. });
        for subscription in &workspace.active_tab().subscriptions {
            subscription_row_ui(ui, subscription, connected, state, actions);
            let editing = state.subscribe.editing.as_mut().filter(|(id, _)| *id == subscription.id);
            if let Some((id, edit)) = editing {
                let id = *id;
                let shown = std::mem::take(&mut state.subscribe.show_edit_form);
                if edit_form_ui(ui, edit, state.subscribe.edit_error.as_deref(), actions, id, shown) {
                    state.subscribe.editing = None;
                    state.subscribe.edit_error = None;
                }
            }
        }
    });
}

/// Topic filter, QoS, the MQTT 5 options (folded) and Subscribe.
fn subscribe_form_ui(ui: &mut egui::Ui, state: &mut UiState, actions: &mut Vec<UiAction>) {
    let filter_label = ui.label(ui.tr(Tr::TopicFilter));
    let response = ui
        .add(
            egui::TextEdit::singleline(&mut state.subscribe.filter)
                .id(egui::Id::unique(FILTER_FIELD_ID))
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
        qos_combo_ui(ui, "subscribe-qos", ui.tr(Tr::Qos), &mut state.subscribe.qos);
        let ready = state.subscribe.identifier_problem.is_none();
        if ui.add_enabled(ready, egui::Button::new(ui.tr(Tr::Subscribe))).clicked() || (submitted && ready) {
            actions.push(UiAction::Subscribe);
        }
    });
    egui::CollapsingHeader::new(ui.tr(Tr::Mqtt5Options)).id_salt("subscribe-mqtt5-options").show(ui, |ui| {
        let options = &mut state.subscribe.options;
        state.subscribe.identifier_problem = subscribe_options_ui(
            ui,
            "quick",
            &mut options.no_local,
            &mut options.retain_as_published,
            &mut options.retain_handling,
            &mut options.identifier,
        );
    });
    if let Some(error) = live_error.as_ref().or(state.subscribe.error.as_ref()) {
        ui.colored_label(theme::ERROR, ui.trf(Tr::InvalidFilter, &[("error", error)]));
    }
}

/// One subscription: colour, name (alias or filter), unsubscribe, its
/// state line, and the context menu that manages it.
fn subscription_row_ui(
    ui: &mut egui::Ui,
    subscription: &Subscription,
    connected: bool,
    state: &mut UiState,
    actions: &mut Vec<UiAction>,
) {
    let row = ui.horizontal(|ui| {
        let (rect, _) = ui.allocate_exact_size(egui::vec2(10.0, 18.0), egui::Sense::hover());
        ui.painter().rect_filled(rect, 2.0, theme::subscription_colour(subscription.colour));
        let selected = state.log.selected_subscription == Some(subscription.id);
        let mut name = egui::RichText::new(subscription.label()).monospace();
        if subscription.muted || subscription.status == SubscriptionStatus::Paused {
            name = name.weak();
        }
        let hover = if subscription.alias.trim().is_empty() {
            ui.tr(Tr::ShowOnlyMatchingHint).to_owned()
        } else {
            format!("{}\n{}", subscription.filter, ui.tr(Tr::ShowOnlyMatchingHint))
        };
        let label = ui.selectable_label(selected, name).on_hover_text(hover);
        if label.clicked() {
            actions.push(UiAction::FilterBySubscription { subscription: (!selected).then_some(subscription.id) });
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let unsubscribe = icon_button(ui, "🗙", &ui.trf(Tr::UnsubscribeFrom, &[("filter", &subscription.filter)]));
            if unsubscribe.clicked() {
                actions.push(UiAction::Unsubscribe { subscription: subscription.id });
            }
        });
        label
    });
    row.inner.context_menu(|ui| subscription_menu_ui(ui, subscription, state, actions));
    let (text, colour) = status_text(ui, &subscription.status, subscription.qos, connected);
    ui.indent(subscription.id, |ui| {
        ui.horizontal_wrapped(|ui| {
            // Body size: the SUBACK result is what a tester checks first.
            ui.label(egui::RichText::new(text).color(colour));
            if subscription.muted {
                ui.colored_label(theme::BUSY, ui.tr(Tr::MutedNote));
            }
        });
    });
}

fn subscription_menu_ui(
    ui: &mut egui::Ui,
    subscription: &Subscription,
    state: &mut UiState,
    actions: &mut Vec<UiAction>,
) {
    let id = subscription.id;
    let (mute, muted) = if subscription.muted { (Tr::Unmute, false) } else { (Tr::Mute, true) };
    if ui.button(ui.tr(mute)).on_hover_text(ui.tr(Tr::MuteHint)).clicked() {
        actions.push(UiAction::MuteSubscription { subscription: id, muted });
    }
    if subscription.status == SubscriptionStatus::Paused {
        if ui.button(ui.tr(Tr::ResumeSubscription)).clicked() {
            actions.push(UiAction::ResumeSubscription { subscription: id });
        }
    } else if ui.button(ui.tr(Tr::PauseSubscription)).on_hover_text(ui.tr(Tr::PauseSubscriptionHint)).clicked() {
        actions.push(UiAction::PauseSubscription { subscription: id });
    }
    if ui.button(ui.tr(Tr::EditSubscription)).clicked() {
        state.subscribe.editing = Some((id, SubscriptionEdit::of(subscription)));
        state.subscribe.edit_error = None;
        state.subscribe.show_edit_form = true;
    }
    ui.separator();
    if ui.button(ui.tr(Tr::CopyFilter)).clicked() {
        ui.ctx().copy_text(subscription.filter.clone());
    }
    if ui.button(ui.tr(Tr::Unsubscribe)).clicked() {
        actions.push(UiAction::Unsubscribe { subscription: id });
    }
}

/// The edit form under a subscription; true when it is done (saved or
/// cancelled — a save whose result fails reopens it with the error).
fn edit_form_ui(
    ui: &mut egui::Ui,
    edit: &mut SubscriptionEdit,
    error: Option<&str>,
    actions: &mut Vec<UiAction>,
    id: crate::core::ids::SubscriptionId,
    bring_into_view: bool,
) -> bool {
    let mut done = false;
    let form = egui::Frame::group(ui.style()).show(ui, |ui| {
        labelled_text(ui, ui.tr(Tr::FilterLabel), &mut edit.filter, 200.0);
        ui.horizontal(|ui| {
            qos_combo_ui(ui, ("edit-qos", id), ui.tr(Tr::Qos), &mut edit.qos);
        });
        labelled_text(ui, ui.tr(Tr::AliasLabel), &mut edit.alias, 200.0).on_hover_text(ui.tr(Tr::AliasHint));
        ui.horizontal_wrapped(|ui| {
            ui.label(ui.tr(Tr::Colour));
            for colour in 0..SUBSCRIPTION_PALETTE_SIZE {
                let (rect, response) = ui.allocate_exact_size(egui::vec2(16.0, 16.0), egui::Sense::click());
                ui.painter().rect_filled(rect, 3.0, theme::subscription_colour(colour));
                if edit.colour == colour {
                    ui.painter().rect_stroke(
                        rect.expand(2.0),
                        3.0,
                        egui::Stroke::new(2.0, ui.visuals().strong_text_color()),
                        egui::StrokeKind::Outside,
                    );
                }
                let name = ui.trf(Tr::ColourNumber, &[("n", &(colour + 1))]);
                response
                    .widget_info(|| egui::WidgetInfo::selected(egui::Role::Button, true, edit.colour == colour, &name));
                if response.clicked() {
                    edit.colour = colour;
                }
            }
        });
        let identifier_problem = subscribe_options_ui(
            ui,
            ("edit", id),
            &mut edit.options.no_local,
            &mut edit.options.retain_as_published,
            &mut edit.options.retain_handling,
            &mut edit.options.identifier,
        );
        let live = validate_topic_filter(edit.filter.trim()).err().map(|error| error.to_string());
        if let Some(error) = live.as_deref().or(error) {
            ui.colored_label(theme::ERROR, ui.trf(Tr::InvalidFilter, &[("error", &error)]));
        }
        ui.horizontal(|ui| {
            let ready = live.is_none() && identifier_problem.is_none();
            if ui.add_enabled(ready, egui::Button::new(ui.tr(Tr::SaveSubscription))).clicked() {
                actions.push(UiAction::EditSubscription { subscription: id, edit: edit.clone() });
                done = true;
            }
            if ui.button(ui.tr(Tr::Cancel)).clicked() {
                done = true;
            }
        });
    });
    if bring_into_view {
        // Opened from a row low in the list: its Save must not be out of sight.
        form.response.scroll_to_me(Some(egui::Align::Max));
    }
    done
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
        SubscriptionStatus::Paused => (ui.tr(Tr::SubscriptionPaused).to_owned(), theme::MUTED),
    }
}
