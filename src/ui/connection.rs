//! The connection bar: pick or type a connection, connect / disconnect,
//! and always see the connection's state.

use std::time::Instant;

use crate::core::engine::ConnectionState;
use crate::core::engine::tls_key_log::key_log_target;
use crate::core::mqtt::ProtocolVersion;
use crate::core::profile::{TransportKind, generate_client_id};
use crate::ui::action::UiAction;
use crate::ui::i18n::{Tr, TrWire, Words};
use crate::ui::panel::PanelContext;
use crate::ui::state::UiState;
use crate::ui::widgets::{labelled_text, number_field_ui};
use crate::ui::{states, theme};

/// Draws the connection bar.
pub fn connection_ui(ui: &mut egui::Ui, cx: &mut PanelContext<'_>, state: &mut UiState) {
    let workspace = &mut *cx.workspace;
    let actions = &mut *cx.actions;
    ui.add_space(4.0);
    let mut port_problem = None;
    ui.horizontal_wrapped(|ui| {
        let label = ui.label(ui.tr(Tr::Profile));
        egui::ComboBox::from_id_salt("profile-picker")
            .selected_text(workspace.active_tab().profile.name.clone())
            .width(170.0)
            .show_ui(ui, |ui| {
                for profile in &workspace.profiles {
                    if ui.selectable_label(profile.name == workspace.active_tab().profile.name, &profile.name).clicked()
                    {
                        actions.push(UiAction::SelectProfile { name: profile.name.clone() });
                    }
                }
            })
            .response
            .labelled_by(label.id);
        ui.toggle_value(&mut state.connection.paste_open, ui.tr(Tr::FromCommandMenu))
            .on_hover_text(ui.tr(Tr::FromCommandHint));
        labelled_text(ui, ui.tr(Tr::Name), &mut workspace.active_tab_mut().profile.name, 120.0);
        labelled_text(ui, ui.tr(Tr::Host), &mut workspace.active_tab_mut().profile.host, 150.0);
        let port = &mut workspace.active_tab_mut().profile.port;
        port_problem = number_field_ui(ui, ui.tr(Tr::Port), "connection-port", port, 1..=65_535, 52.0);
        let version_label = ui.label(ui.tr(Tr::Version));
        egui::ComboBox::from_id_salt("protocol-version")
            .selected_text(workspace.active_tab().profile.protocol.to_string())
            .show_ui(ui, |ui| {
                ui.selectable_value(
                    &mut workspace.active_tab_mut().profile.protocol,
                    ProtocolVersion::V311,
                    "MQTT 3.1.1",
                );
                ui.selectable_value(&mut workspace.active_tab_mut().profile.protocol, ProtocolVersion::V5, "MQTT 5.0");
            })
            .response
            .labelled_by(version_label.id);
        let transport_label = ui.label(ui.tr(Tr::Transport));
        egui::ComboBox::from_id_salt("transport")
            .selected_text(workspace.active_tab().profile.transport.label())
            .show_ui(ui, |ui| {
                for transport in TransportKind::ALL {
                    ui.selectable_value(
                        &mut workspace.active_tab_mut().profile.transport,
                        transport,
                        transport.label(),
                    );
                }
            })
            .response
            .labelled_by(transport_label.id);
    });
    ui.horizontal_wrapped(|ui| {
        labelled_text(ui, ui.tr(Tr::ClientId), &mut workspace.active_tab_mut().profile.client_id, 160.0)
            .on_hover_text(ui.tr(Tr::ClientIdHint));
        if ui.button(ui.tr(Tr::Generate)).on_hover_text(ui.tr(Tr::GenerateClientIdHint)).clicked() {
            workspace.active_tab_mut().profile.client_id = generate_client_id();
        }
        labelled_text(ui, ui.tr(Tr::Username), &mut workspace.active_tab_mut().profile.username, 110.0);
        let password_label = ui.label(ui.tr(Tr::Password));
        ui.add(
            egui::TextEdit::singleline(&mut workspace.active_tab_mut().profile.password)
                .password(true)
                .desired_width(110.0),
        )
        .labelled_by(password_label.id)
        .on_hover_text(ui.tr(Tr::PasswordNotSavedHint));
        let keep_alive_label = ui.label(ui.tr(Tr::KeepAliveSecs));
        ui.add(egui::DragValue::new(&mut workspace.active_tab_mut().profile.keep_alive_secs).range(0..=65_535))
            .labelled_by(keep_alive_label.id);
        ui.checkbox(&mut workspace.active_tab_mut().profile.clean_start, ui.tr(Tr::CleanStart));
        if ui.button(ui.tr(Tr::EditProfile)).on_hover_text(ui.tr(Tr::EditProfileHint)).clicked() {
            actions.push(UiAction::ToggleProfileEditor);
        }
        ui.separator();
        let trying = matches!(
            workspace.active_tab().state,
            ConnectionState::Connecting { .. } | ConnectionState::Reconnecting { .. }
        );
        if trying {
            ui.spinner();
            if ui.button(ui.tr(Tr::Cancel)).on_hover_text(ui.tr(Tr::CancelConnectHint)).clicked() {
                actions.push(UiAction::Disconnect);
            }
        } else if workspace.is_active() {
            if ui.button(ui.tr(Tr::Disconnect)).clicked() {
                actions.push(UiAction::Disconnect);
            }
        } else if ui
            .add_enabled(
                port_problem.is_none(),
                egui::Button::new(ui.tr(Tr::Connect)).fill(theme::OK.gamma_multiply(0.5)),
            )
            .clicked()
        {
            actions.push(UiAction::Connect);
        }
        if workspace.active_tab().profile.transport.uses_tls()
            && workspace.active_tab().profile.tls.dangerously_accept_invalid_certificates
        {
            ui.colored_label(theme::BUSY, ui.tr(Tr::InsecureTls)).on_hover_text(ui.tr(Tr::InsecureTlsHint));
        }
        if workspace.active_tab().profile.transport.uses_tls()
            && let Some(target) = key_log_target(&workspace.active_tab().profile.tls)
        {
            let path = target.path().display();
            ui.colored_label(theme::BUSY, ui.tr(TrWire::KeyLogBadge))
                .on_hover_text(ui.trf(TrWire::KeyLogBadgeHint, &[("path", &path)]));
        }
        if !workspace.profile_problems.is_empty() {
            ui.colored_label(
                theme::ERROR,
                ui.trf(Tr::ProfileFilesNotLoaded, &[("n", &workspace.profile_problems.len())]),
            )
            .on_hover_text(workspace.profile_problems.join("\n"));
        }
        let colour = theme::state_colour(&workspace.active_tab().state);
        theme::status_dot_ui(ui, colour);
        ui.label(
            egui::RichText::new(states::connection_short(ui, &workspace.active_tab().state, Instant::now()))
                .color(colour),
        );
        if workspace.active_tab().connack.is_some() {
            ui.toggle_value(&mut state.windows.show_connection_details, ui.tr(TrWire::ConnectionDetails))
                .on_hover_text(ui.tr(TrWire::ConnectionDetailsHint));
        }
    });
    if let Some(error) = &state.connection.error {
        ui.colored_label(theme::ERROR, ui.trf(Tr::CannotConnect, &[("error", error)]));
    }
    if let Some(message) = &state.profiles.message {
        ui.small(message);
    }
    ui.add_space(2.0);
}

/// The window to paste a mosquitto_pub / mosquitto_sub command line or a
/// broker URL into: what it becomes is shown as it is typed, and opens in
/// a new tab.
pub fn paste_window_ui(ctx: &egui::Context, state: &mut crate::ui::state::ConnectionForm, actions: &mut Vec<UiAction>) {
    if !state.paste_open {
        return;
    }
    let mut open = true;
    let mut opened = false;
    egui::Window::new(ctx.tr(Tr::FromCommandTitle))
        .id(egui::Id::unique("paste-command"))
        .open(&mut open)
        .default_width(520.0)
        .collapsible(false)
        .show(ctx, |ui| opened = paste_form_ui(ui, &mut state.paste, actions));
    state.paste_open = open && !opened;
}

/// The form; true when it opened a tab.
fn paste_form_ui(ui: &mut egui::Ui, text: &mut String, actions: &mut Vec<UiAction>) -> bool {
    let label = ui.label(ui.tr(Tr::PasteCommandLabel));
    ui.add(
        egui::TextEdit::multiline(text)
            .desired_rows(3)
            .desired_width(f32::INFINITY)
            .hint_text("mosquitto_sub -h broker.example -p 8883 --cafile ca.pem -t 'plant/#'"),
    )
    .labelled_by(label.id);
    let read = crate::core::profile::profile_from_command(text);
    match &read {
        Ok(made) => {
            let profile = &made.profile;
            let summary = ui.trf(
                Tr::PastedProfileSummary,
                &[
                    ("name", &profile.name),
                    ("transport", &profile.transport.label()),
                    ("protocol", &profile.protocol),
                    ("n", &profile.subscriptions.len()),
                ],
            );
            ui.colored_label(theme::OK, summary);
            if !made.ignored.is_empty() {
                ui.weak(ui.trf(Tr::PastedLeftOut, &[("options", &made.ignored.join(" "))]));
            }
        }
        Err(error) if !text.trim().is_empty() => {
            ui.colored_label(theme::ERROR, error.to_string());
        }
        Err(_) => {}
    }
    if ui.add_enabled(read.is_ok(), egui::Button::new(ui.tr(Tr::OpenInNewTab))).clicked() {
        actions.push(UiAction::OpenProfileFromCommand { text: std::mem::take(text) });
        return true;
    }
    false
}
