//! The connection details window: everything the broker announced in its
//! CONNACK, what each value means for this connection, and what the client
//! does about it (the keep-alive it follows, the QoS it caps, the publishes
//! it refuses before sending).

use crate::core::engine::ConnectionState;
use crate::core::engine::connack_details::ConnAckDetails;
use crate::core::mqtt::ProtocolVersion;
use crate::ui::i18n::{TrWire, Words};
use crate::ui::panel::PanelContext;
use crate::ui::theme;

/// Draws the window while `open`.
pub fn connection_details_ui(ctx: &egui::Context, cx: &mut PanelContext<'_>, open: &mut bool) {
    if !*open {
        return;
    }
    let tab = cx.workspace.active_tab();
    egui::Window::new(ctx.trf(TrWire::ConnectionDetailsTitle, &[("tab", &tab.title())]))
        .id(egui::Id::unique("connection-details"))
        .open(open)
        .default_size([620.0, 600.0])
        .collapsible(false)
        .show(ctx, |ui| match &tab.connack {
            None => {
                ui.weak(ui.tr(TrWire::NoConnAckYet));
            }
            Some(details) => {
                let client_id = match &tab.state {
                    ConnectionState::Connected { client_id, .. } => Some(client_id.as_str()),
                    _ => {
                        ui.colored_label(theme::BUSY, ui.tr(TrWire::FromLastConnection));
                        None
                    }
                };
                egui::ScrollArea::vertical().max_height(560.0).show(ui, |ui| details_ui(ui, details, client_id));
            }
        });
}

fn yes_no(ui: &egui::Ui, value: bool) -> &'static str {
    ui.tr(if value { TrWire::Yes } else { TrWire::No })
}

fn details_ui(ui: &mut egui::Ui, details: &ConnAckDetails, client_id: Option<&str>) {
    if details.protocol == ProtocolVersion::V311 {
        ui.weak(ui.tr(TrWire::V311ConnAckNote));
    }
    let not_sent = ui.tr(TrWire::NotSent);
    egui::Grid::new("connack-details").num_columns(3).striped(true).spacing([12.0, 6.0]).show(ui, |ui| {
        let row = |ui: &mut egui::Ui, name: &str, value: String, note: String| {
            ui.strong(name);
            ui.monospace(value);
            ui.add(egui::Label::new(egui::RichText::new(note).weak()).wrap());
            ui.end_row();
        };
        row(ui, ui.tr(TrWire::Protocol), details.protocol.to_string(), String::new());
        if let Some(client_id) = client_id {
            let note = if details.assigned_client_id.is_some() {
                ui.tr(TrWire::AssignedClientIdNote).to_owned()
            } else {
                String::new()
            };
            row(ui, ui.tr(TrWire::ClientIdInUse), client_id.to_owned(), note);
        }
        let session = if details.session_present { TrWire::SessionResumedNote } else { TrWire::SessionNewNote };
        row(ui, "Session present", yes_no(ui, details.session_present).to_owned(), ui.tr(session).to_owned());
        if details.protocol == ProtocolVersion::V311 {
            return;
        }
        let ours = details.requested_keep_alive;
        match details.server_keep_alive {
            Some(seconds) => row(
                ui,
                "Server Keep Alive",
                format!("{seconds} s"),
                ui.trf(TrWire::ServerKeepAliveApplied, &[("ours", &ours)]),
            ),
            None => row(
                ui,
                "Server Keep Alive",
                not_sent.to_owned(),
                ui.trf(TrWire::OurKeepAliveApplies, &[("ours", &ours)]),
            ),
        }
        let optional = |value: Option<String>| value.unwrap_or_else(|| not_sent.to_owned());
        row(
            ui,
            "Session Expiry Interval",
            optional(details.session_expiry_interval.map(|seconds| format!("{seconds} s"))),
            String::new(),
        );
        row(
            ui,
            "Receive Maximum",
            optional(details.receive_maximum.map(|value| value.to_string())),
            ui.trf(TrWire::ReceiveMaximumNote, &[("n", &details.receive_maximum.unwrap_or(u16::MAX))]),
        );
        row(
            ui,
            "Maximum QoS",
            optional(details.maximum_qos.map(|value| value.to_string())),
            ui.trf(TrWire::MaximumQosNote, &[("qos", &details.max_qos().level())]),
        );
        let retain = details.retain_available.unwrap_or(true);
        let retain_note = if retain { TrWire::RetainAvailableNote } else { TrWire::RetainUnavailableNote };
        row(
            ui,
            "Retain Available",
            optional(details.retain_available.map(|value| yes_no(ui, value).to_owned())),
            ui.tr(retain_note).to_owned(),
        );
        let size_note = match details.maximum_packet_size {
            Some(size) => ui.trf(TrWire::MaximumPacketSizeNote, &[("n", &size)]),
            None => ui.tr(TrWire::NoPacketSizeLimit).to_owned(),
        };
        row(ui, "Maximum Packet Size", optional(details.maximum_packet_size.map(|size| size.to_string())), size_note);
        row(
            ui,
            "Topic Alias Maximum",
            optional(details.topic_alias_maximum.map(|value| value.to_string())),
            ui.tr(TrWire::TopicAliasMaximumNote).to_owned(),
        );
        for (name, value) in [
            ("Wildcard Subscription Available", details.wildcard_available),
            ("Subscription Identifiers Available", details.subscription_identifiers_available),
            ("Shared Subscription Available", details.shared_available),
        ] {
            let shown = optional(value.map(|value| yes_no(ui, value).to_owned()));
            let note = if value.is_none() { ui.tr(TrWire::AbsentMeansYes).to_owned() } else { String::new() };
            row(ui, name, shown, note);
        }
        let response_note = if details.response_information.is_none() {
            ui.tr(TrWire::ResponseInformationNote).to_owned()
        } else {
            String::new()
        };
        row(ui, "Response Information", optional(details.response_information.clone()), response_note);
        row(ui, "Server Reference", optional(details.server_reference.clone()), String::new());
        row(ui, "Reason String", optional(details.reason_string.clone()), String::new());
        row(ui, "Authentication Method", optional(details.authentication_method.clone()), String::new());
        for (key, value) in &details.user_properties {
            row(ui, "User Property", format!("{key} = {value}"), String::new());
        }
    });
}
