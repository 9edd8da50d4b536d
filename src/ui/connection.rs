//! The connection bar: pick or type a connection, connect / disconnect,
//! and always see the connection's state.

use std::time::Instant;

use crate::core::engine::ConnectionState;
use crate::core::mqtt::ProtocolVersion;
use crate::core::profile::{TransportKind, generate_client_id};
use crate::core::workspace::Workspace;
use crate::ui::app::{UiAction, UiState};
use crate::ui::theme;
use crate::ui::widgets::labelled_text;

/// Draws the connection bar.
pub fn connection_ui(ui: &mut egui::Ui, workspace: &mut Workspace, state: &UiState, actions: &mut Vec<UiAction>) {
    ui.add_space(4.0);
    ui.horizontal_wrapped(|ui| {
        let label = ui.label("Profile");
        egui::ComboBox::from_id_salt("profile-picker")
            .selected_text(workspace.session.profile.name.clone())
            .width(170.0)
            .show_ui(ui, |ui| {
                for profile in &workspace.profiles {
                    if ui.selectable_label(profile.name == workspace.session.profile.name, &profile.name).clicked() {
                        actions.push(UiAction::SelectProfile(profile.name.clone()));
                    }
                }
            })
            .response
            .labelled_by(label.id);
        labelled_text(ui, "Name", &mut workspace.session.profile.name, 120.0);
        labelled_text(ui, "Host", &mut workspace.session.profile.host, 150.0);
        let port_label = ui.label("Port");
        ui.add(egui::DragValue::new(&mut workspace.session.profile.port).range(1..=65_535)).labelled_by(port_label.id);
        let version_label = ui.label("Version");
        egui::ComboBox::from_id_salt("protocol-version")
            .selected_text(workspace.session.profile.protocol.to_string())
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut workspace.session.profile.protocol, ProtocolVersion::V311, "MQTT 3.1.1");
                ui.selectable_value(&mut workspace.session.profile.protocol, ProtocolVersion::V5, "MQTT 5.0");
            })
            .response
            .labelled_by(version_label.id);
        let transport_label = ui.label("Transport");
        egui::ComboBox::from_id_salt("transport")
            .selected_text(workspace.session.profile.transport.label())
            .show_ui(ui, |ui| {
                for transport in TransportKind::ALL {
                    ui.selectable_value(&mut workspace.session.profile.transport, transport, transport.label());
                }
            })
            .response
            .labelled_by(transport_label.id);
    });
    ui.horizontal_wrapped(|ui| {
        labelled_text(ui, "Client ID", &mut workspace.session.profile.client_id, 160.0)
            .on_hover_text("Leave empty to generate one on connect");
        if ui.button("Generate").on_hover_text("Generate a random client id").clicked() {
            workspace.session.profile.client_id = generate_client_id();
        }
        labelled_text(ui, "Username", &mut workspace.session.profile.username, 110.0);
        let password_label = ui.label("Password");
        ui.add(egui::TextEdit::singleline(&mut workspace.session.profile.password).password(true).desired_width(110.0))
            .labelled_by(password_label.id)
            .on_hover_text("Never written to the profile file");
        let keep_alive_label = ui.label("Keep-alive (s)");
        ui.add(egui::DragValue::new(&mut workspace.session.profile.keep_alive_secs).range(0..=65_535))
            .labelled_by(keep_alive_label.id);
        ui.checkbox(&mut workspace.session.profile.clean_start, "Clean start");
        if ui
            .button("Edit profile…")
            .on_hover_text("Every connect option: TLS, WebSocket, will, MQTT 5, saved subscriptions")
            .clicked()
        {
            actions.push(UiAction::ToggleProfileEditor);
        }
        ui.separator();
        let active = workspace.is_active();
        if active {
            if ui.button("Disconnect").clicked() {
                actions.push(UiAction::Disconnect);
            }
        } else if ui.add(egui::Button::new("Connect").fill(theme::OK.gamma_multiply(0.5))).clicked() {
            actions.push(UiAction::Connect);
        }
        if workspace.session.profile.transport.uses_tls()
            && workspace.session.profile.tls.dangerously_accept_invalid_certificates
        {
            ui.colored_label(theme::BUSY, "⚠ insecure TLS")
                .on_hover_text("Server certificates are not verified for this connection");
        }
        if !workspace.profile_problems.is_empty() {
            ui.colored_label(theme::ERROR, format!("⚠ {} profile files not loaded", workspace.profile_problems.len()))
                .on_hover_text(workspace.profile_problems.join("\n"));
        }
        let colour = theme::state_colour(&workspace.session.state);
        theme::status_dot_ui(ui, colour);
        ui.label(egui::RichText::new(workspace.session.state.short(Instant::now())).color(colour));
    });
    if let Some(error) = &state.connection_error {
        ui.colored_label(theme::ERROR, format!("Cannot connect: {error}"));
    }
    if let Some(message) = &state.profile_message {
        ui.small(message);
    }
    ui.add_space(2.0);
}

/// A coloured dot and the one-line state summary.
pub fn state_chip_ui(ui: &mut egui::Ui, state: &ConnectionState) {
    let colour = theme::state_colour(state);
    theme::status_dot_ui(ui, colour);
    ui.label(egui::RichText::new(state.summary(Instant::now())).color(colour));
}
