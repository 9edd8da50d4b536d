//! The profile editor: every connect option, grouped, validated inline.
//! It edits the workspace's current profile; Save writes its RON file.

use crate::core::mqtt::ProtocolVersion;
use crate::core::payload::PayloadFormat;
use crate::core::profile::{LastWill, PasswordSource, ProxyKind, ProxyOptions, SavedSubscription, TransportKind};
use crate::core::secrets::account_for;
use crate::core::workspace::Workspace;
use crate::ui::action::{TlsFile, UiAction};
use crate::ui::i18n::{Tr, TrWire, Words};
use crate::ui::panel::PanelContext;
use crate::ui::password_source::password_source_ui;
use crate::ui::state::UiState;
use crate::ui::theme;
use crate::ui::widgets::{labelled_text, number_field_ui, qos_combo_ui, user_properties_ui};

/// The editor's sections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EditorSection {
    /// Name, address, client id, version, session.
    #[default]
    General,
    /// User name and password source.
    Credentials,
    /// Transport, WebSocket path, TLS, proxy.
    Transport,
    /// Last will.
    LastWill,
    /// MQTT 5 connect properties.
    Mqtt5,
    /// Saved subscriptions.
    Subscriptions,
    /// Values for `{{name}}` placeholders.
    Variables,
    /// Decoder rules and protobuf schemas.
    Decoding,
}

impl EditorSection {
    const ALL: [EditorSection; 8] = [
        Self::General,
        Self::Credentials,
        Self::Transport,
        Self::LastWill,
        Self::Mqtt5,
        Self::Subscriptions,
        Self::Variables,
        Self::Decoding,
    ];

    fn label(self) -> Tr {
        match self {
            Self::General => Tr::SectionGeneral,
            Self::Credentials => Tr::SectionCredentials,
            Self::Transport => Tr::SectionTransport,
            Self::LastWill => Tr::SectionLastWill,
            Self::Mqtt5 => Tr::SectionMqtt5,
            Self::Subscriptions => Tr::SectionSubscriptions,
            Self::Variables => Tr::SectionVariables,
            Self::Decoding => Tr::SectionDecoding,
        }
    }
}

/// Draws the editor window while `state.profiles.open` is set.
pub fn profile_editor_ui(ctx: &egui::Context, cx: &mut PanelContext<'_>, state: &mut UiState) {
    let workspace = &mut *cx.workspace;
    let actions = &mut *cx.actions;
    if !state.profiles.open {
        return;
    }
    let mut open = true;
    egui::Window::new(ctx.tr(Tr::ConnectionProfile))
        .id(egui::Id::unique("profile-editor"))
        .open(&mut open)
        .default_size([620.0, 520.0])
        .resizable(true)
        .collapsible(false)
        .show(ctx, |ui| {
            ui.horizontal(|ui| {
                for section in EditorSection::ALL {
                    ui.selectable_value(&mut state.profiles.section, section, ui.tr(section.label()));
                }
            });
            ui.separator();
            egui::ScrollArea::vertical().max_height(380.0).auto_shrink([false, true]).show(ui, |ui| {
                match state.profiles.section {
                    EditorSection::General => general_ui(ui, workspace),
                    EditorSection::Credentials => credentials_ui(ui, workspace, state),
                    EditorSection::Transport => {
                        if let Some(said) = transport_ui(ui, workspace, actions) {
                            state.profiles.message = Some(said);
                        }
                    }
                    EditorSection::LastWill => last_will_ui(ui, workspace),
                    EditorSection::Mqtt5 => mqtt5_ui(ui, workspace),
                    EditorSection::Subscriptions => subscriptions_ui(ui, workspace),
                    EditorSection::Variables => variables_ui(ui, workspace),
                    EditorSection::Decoding => crate::ui::decoding_editor::decoding_ui(ui, workspace, actions),
                }
            });
            ui.separator();
            match workspace.active_tab().profile.validate() {
                Ok(()) => {
                    ui.colored_label(theme::OK, ui.tr(Tr::SettingsValid));
                }
                Err(error) => {
                    ui.colored_label(theme::ERROR, ui.trf(Tr::CannotConnect, &[("error", &error)]));
                }
            }
            if workspace.active_tab().profile.tls.dangerously_accept_invalid_certificates
                && workspace.active_tab().profile.transport.uses_tls()
            {
                ui.colored_label(theme::BUSY, ui.tr(Tr::TlsNotVerifiedWarning));
            }
            let unsaved = workspace.active_tab().has_unsaved_edits();
            ui.horizontal(|ui| {
                // Always one line, so the buttons below never move.
                if unsaved {
                    ui.colored_label(theme::BUSY, ui.tr(Tr::UnsavedChanges));
                } else {
                    ui.label("");
                }
            });
            ui.horizontal(|ui| {
                if ui.button(ui.tr(Tr::SaveProfile)).on_hover_text(ui.tr(Tr::SaveProfileHint)).clicked() {
                    actions.push(UiAction::SaveProfile);
                }
                let revert = egui::Button::new(ui.tr(Tr::RevertToSaved));
                if ui.add_enabled(unsaved, revert).on_hover_text(ui.tr(Tr::RevertToSavedHint)).clicked() {
                    actions.push(UiAction::RevertProfile);
                }
                let valid = workspace.active_tab().profile.validate().is_ok();
                if ui.add_enabled(valid, egui::Button::new(ui.tr(Tr::Connect))).clicked() {
                    actions.push(UiAction::Connect);
                }
            });
            ui.horizontal(|ui| {
                if ui.button(ui.tr(Tr::ImportEllipsis)).on_hover_text(ui.tr(Tr::ImportProfilesHint)).clicked() {
                    actions.push(UiAction::ImportProfiles);
                }
                if ui.button(ui.tr(Tr::ExportThisProfile)).clicked() {
                    actions.push(UiAction::ExportProfiles { all: false });
                }
                if ui.button(ui.tr(Tr::ExportAllProfiles)).clicked() {
                    actions.push(UiAction::ExportProfiles { all: true });
                }
                ui.checkbox(&mut state.profiles.export_secrets, ui.tr(Tr::IncludePasswords));
                ui.checkbox(&mut state.profiles.export_schemas, ui.tr(crate::ui::i18n::TrDecode::IncludeSchemas))
                    .on_hover_text(ui.tr(crate::ui::i18n::TrDecode::IncludeSchemasHint));
            });
            ui.collapsing(ui.tr(Tr::ExportSeveralProfiles), |ui| {
                for profile in &workspace.profiles {
                    let mut ticked = state.profiles.export_selection.contains(&profile.name);
                    if ui.checkbox(&mut ticked, &profile.name).changed() {
                        if ticked {
                            state.profiles.export_selection.insert(profile.name.clone());
                        } else {
                            state.profiles.export_selection.remove(&profile.name);
                        }
                    }
                }
                let count = state.profiles.export_selection.len();
                if ui.add_enabled(count > 0, egui::Button::new(ui.trf(Tr::ExportSelected, &[("n", &count)]))).clicked()
                {
                    actions.push(UiAction::ExportSelected);
                }
            });
            if state.profiles.export_secrets {
                ui.colored_label(theme::BUSY, ui.tr(Tr::ExportPasswordsWarning));
            }
            if let Some(message) = &state.profiles.message {
                ui.small(message);
            }
        });
    state.profiles.open = open;
}

fn general_ui(ui: &mut egui::Ui, workspace: &mut Workspace) {
    let profile = &mut workspace.active_tab_mut().profile;
    egui::Grid::new("general").num_columns(2).spacing([12.0, 6.0]).show(ui, |ui| {
        labelled_text(ui, ui.tr(Tr::ProfileName), &mut profile.name, 260.0);
        ui.end_row();
        labelled_text(ui, ui.tr(Tr::BrokerHost), &mut profile.host, 260.0);
        ui.end_row();
        number_field_ui(ui, ui.tr(Tr::BrokerPort), "editor-port", &mut profile.port, 1..=65_535, 80.0);
        ui.end_row();
        labelled_text(ui, ui.tr(Tr::ClientIdentifier), &mut profile.client_id, 260.0)
            .on_hover_text(ui.tr(Tr::ClientIdentifierHint));
        ui.end_row();
        ui.label("");
        ui.checkbox(&mut profile.random_client_id_suffix, ui.tr(Tr::RandomClientIdSuffix));
        ui.end_row();
        let label = ui.label(ui.tr(Tr::MqttVersion));
        egui::ComboBox::from_id_salt("editor-version")
            .selected_text(profile.protocol.to_string())
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut profile.protocol, ProtocolVersion::V311, "MQTT 3.1.1");
                ui.selectable_value(&mut profile.protocol, ProtocolVersion::V5, "MQTT 5.0");
            })
            .response
            .labelled_by(label.id);
        ui.end_row();
        let label = ui.label(ui.tr(Tr::KeepAliveSecs));
        ui.add(egui::DragValue::new(&mut profile.keep_alive_secs).range(0..=65_535)).labelled_by(label.id);
        ui.end_row();
        ui.label("");
        ui.checkbox(&mut profile.clean_start, ui.tr(Tr::CleanStartSession));
        ui.end_row();
        let label = ui.label(ui.tr(Tr::ConnectTimeout));
        ui.add(egui::DragValue::new(&mut profile.connect_timeout_secs).range(1..=600)).labelled_by(label.id);
        ui.end_row();
        let label = ui.label(ui.tr(Tr::MaxPacketSize));
        ui.add(egui::DragValue::new(&mut profile.max_packet_size).range(128..=268_435_455)).labelled_by(label.id);
        ui.end_row();
        ui.label("");
        ui.checkbox(&mut profile.record_packets, ui.tr(TrWire::RecordPackets))
            .on_hover_text(ui.tr(TrWire::RecordPacketsHint));
        ui.end_row();
        ui.label("");
        ui.checkbox(&mut profile.reconnect, ui.tr(Tr::ReconnectAutomatically));
        ui.end_row();
        let label = ui.label(ui.tr(Tr::GiveUpAfter));
        ui.add(egui::DragValue::new(&mut profile.reconnect_max_attempts).range(0..=10_000)).labelled_by(label.id);
        ui.end_row();
        let label = ui.label(ui.tr(Tr::LongestBackoff));
        ui.add(egui::DragValue::new(&mut profile.reconnect_backoff_cap_secs).range(1..=3600)).labelled_by(label.id);
        ui.end_row();
    });
}

fn credentials_ui(ui: &mut egui::Ui, workspace: &mut Workspace, state: &mut UiState) {
    let profile = &mut workspace.active_tab_mut().profile;
    labelled_text(ui, ui.tr(Tr::UserName), &mut profile.username, 260.0);
    ui.add_space(6.0);
    ui.label(ui.tr(Tr::PasswordSource));
    let account = account_for(&profile.name, &profile.username);
    let said = password_source_ui(ui, &mut profile.password_source, &mut profile.password, account);
    if said.is_some() {
        state.profiles.message = said;
    }
}

/// A path field and its Browse… button (which asks for the file with the
/// system's dialog, or in the window where there is none).
fn optional_path_ui(
    ui: &mut egui::Ui,
    label: &str,
    path: &mut Option<std::path::PathBuf>,
    file: TlsFile,
    actions: &mut Vec<UiAction>,
) {
    let mut text = path.as_ref().map(|p| p.display().to_string()).unwrap_or_default();
    ui.horizontal(|ui| {
        if labelled_text(ui, label, &mut text, 320.0).changed() {
            *path = (!text.trim().is_empty()).then(|| text.trim().into());
        }
        let browse = ui.button(ui.tr(Tr::BrowseEllipsis)).on_hover_text(ui.trf(Tr::BrowseFor, &[("what", &label)]));
        if browse.clicked() {
            actions.push(UiAction::BrowseTlsFile { file });
        }
    });
}

/// The transport page; returns what the keychain buttons said, if anything.
fn transport_ui(ui: &mut egui::Ui, workspace: &mut Workspace, actions: &mut Vec<UiAction>) -> Option<String> {
    let mut said = None;
    let profile = &mut workspace.active_tab_mut().profile;
    ui.horizontal(|ui| {
        let label = ui.label(ui.tr(Tr::Transport));
        egui::ComboBox::from_id_salt("editor-transport")
            .selected_text(profile.transport.label())
            .show_ui(ui, |ui| {
                for transport in TransportKind::ALL {
                    ui.selectable_value(&mut profile.transport, transport, transport.label());
                }
            })
            .response
            .labelled_by(label.id);
    });
    if profile.transport.uses_websocket() {
        ui.horizontal(|ui| {
            labelled_text(ui, ui.tr(Tr::WebSocketPath), &mut profile.websocket_path, 160.0);
            ui.weak(profile.websocket_url());
        });
    }
    if profile.transport.uses_tls() {
        ui.add_space(6.0);
        ui.strong(ui.tr(Tr::Tls));
        egui::Grid::new("tls").num_columns(2).spacing([12.0, 6.0]).show(ui, |ui| {
            optional_path_ui(ui, ui.tr(Tr::CaFile), &mut profile.tls.ca_file, TlsFile::Ca, actions);
            ui.end_row();
            let certificate = &mut profile.tls.client_certificate_file;
            optional_path_ui(ui, ui.tr(Tr::ClientCertificate), certificate, TlsFile::ClientCertificate, actions);
            ui.end_row();
            optional_path_ui(ui, ui.tr(Tr::ClientKey), &mut profile.tls.client_key_file, TlsFile::ClientKey, actions);
            ui.end_row();
            let mut server_name = profile.tls.server_name.clone().unwrap_or_default();
            if labelled_text(ui, ui.tr(Tr::VerifyName), &mut server_name, 200.0).changed() {
                profile.tls.server_name = (!server_name.trim().is_empty()).then(|| server_name.trim().to_owned());
            }
            ui.end_row();
            let mut alpn = profile.tls.alpn_protocols.join(", ");
            if labelled_text(ui, ui.tr(Tr::AlpnProtocols), &mut alpn, 200.0).changed() {
                profile.tls.alpn_protocols =
                    alpn.split(',').map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned).collect();
            }
            ui.end_row();
        });
        ui.checkbox(&mut profile.tls.dangerously_accept_invalid_certificates, ui.tr(Tr::AcceptInvalidCerts));
        let mut key_log = profile
            .tls
            .dangerously_log_session_keys_to
            .as_ref()
            .map(|path| path.display().to_string())
            .unwrap_or_default();
        ui.horizontal(|ui| {
            let label = ui.colored_label(theme::BUSY, ui.tr(TrWire::KeyLogSetting));
            let edited = ui
                .add(
                    egui::TextEdit::singleline(&mut key_log)
                        .hint_text(ui.tr(TrWire::KeyLogSettingPlaceholder))
                        .desired_width(220.0),
                )
                .labelled_by(label.id)
                .on_hover_text(ui.tr(TrWire::KeyLogSettingHint));
            if edited.changed() {
                let trimmed = key_log.trim();
                profile.tls.dangerously_log_session_keys_to = (!trimmed.is_empty()).then(|| trimmed.into());
            }
        });
    }
    ui.add_space(6.0);
    let mut use_proxy = profile.proxy.is_some();
    if ui.checkbox(&mut use_proxy, ui.tr(Tr::UseProxy)).changed() {
        profile.proxy = use_proxy.then(|| ProxyOptions { port: 3128, ..ProxyOptions::default() });
    }
    if let Some(proxy) = profile.proxy.as_mut() {
        egui::Grid::new("proxy").num_columns(2).spacing([12.0, 6.0]).show(ui, |ui| {
            let label = ui.label(ui.tr(TrWire::ProxyKindLabel));
            let before = proxy.kind;
            egui::ComboBox::from_id_salt("proxy-kind")
                .selected_text(proxy.kind.label())
                .show_ui(ui, |ui| {
                    for kind in ProxyKind::ALL {
                        ui.selectable_value(&mut proxy.kind, kind, kind.label());
                    }
                })
                .response
                .labelled_by(label.id);
            if proxy.kind != before && proxy.port == before.default_port() {
                proxy.port = proxy.kind.default_port();
            }
            ui.end_row();
            labelled_text(ui, ui.tr(Tr::ProxyHost), &mut proxy.host, 200.0);
            ui.end_row();
            let label = ui.label(ui.tr(Tr::ProxyPort));
            ui.add(egui::DragValue::new(&mut proxy.port).range(1..=65_535)).labelled_by(label.id);
            ui.end_row();
            let user = if proxy.kind == ProxyKind::Socks4a { TrWire::ProxyUserId } else { TrWire::ProxyUserName };
            labelled_text(ui, ui.tr(user), &mut proxy.username, 160.0);
            ui.end_row();
        });
        match proxy.kind {
            ProxyKind::Socks4a => {
                proxy.password_source = PasswordSource::NotSaved;
                ui.weak(ui.tr(TrWire::Socks4aNoPassword));
            }
            ProxyKind::Http | ProxyKind::Socks5 => {
                ui.label(ui.tr(TrWire::ProxyPasswordSource));
                let account = format!("proxy:{}", account_for(&profile.name, &proxy.username));
                said = crate::ui::password_source::password_source_ui(
                    ui,
                    &mut proxy.password_source,
                    &mut proxy.password,
                    account,
                );
            }
        }
    }
    said
}

fn optional_number_ui(ui: &mut egui::Ui, label: &str, value: &mut Option<u32>) {
    let mut enabled = value.is_some();
    let toggle = ui.checkbox(&mut enabled, label);
    let mut number = value.unwrap_or(0);
    ui.add_enabled(enabled, egui::DragValue::new(&mut number)).labelled_by(toggle.id);
    *value = enabled.then_some(number);
}

fn optional_text_ui(ui: &mut egui::Ui, label: &str, value: &mut Option<String>) {
    let mut text = value.clone().unwrap_or_default();
    if labelled_text(ui, label, &mut text, 220.0).changed() {
        *value = (!text.is_empty()).then_some(text);
    }
}

fn last_will_ui(ui: &mut egui::Ui, workspace: &mut Workspace) {
    let profile = &mut workspace.active_tab_mut().profile;
    let mut enabled = profile.last_will.is_some();
    if ui.checkbox(&mut enabled, ui.tr(Tr::SendLastWill)).changed() {
        profile.last_will = enabled.then(|| LastWill { topic: "clients/offline".into(), ..LastWill::default() });
    }
    let v5 = profile.protocol == ProtocolVersion::V5;
    let Some(will) = profile.last_will.as_mut() else {
        ui.weak(ui.tr(Tr::LastWillHint));
        return;
    };
    labelled_text(ui, ui.tr(Tr::WillTopic), &mut will.topic, 300.0);
    ui.horizontal(|ui| {
        let label = ui.label(ui.tr(Tr::WillPayloadFormat));
        egui::ComboBox::from_id_salt("will-format")
            .selected_text(will.payload_format.label())
            .show_ui(ui, |ui| {
                for format in PayloadFormat::ALL {
                    ui.selectable_value(&mut will.payload_format, format, format.label());
                }
            })
            .response
            .labelled_by(label.id);
        qos_combo_ui(ui, "will-qos", ui.tr(Tr::WillQos), &mut will.qos);
        ui.checkbox(&mut will.retain, ui.tr(Tr::RetainWill));
    });
    let label = ui.label(ui.tr(Tr::WillPayload));
    ui.add(egui::TextEdit::multiline(&mut will.payload).code_editor().desired_rows(3).desired_width(f32::INFINITY))
        .labelled_by(label.id);
    if v5 {
        ui.add_space(6.0);
        ui.strong(ui.tr(Tr::Mqtt5WillProperties));
        ui.horizontal(|ui| optional_number_ui(ui, ui.tr(Tr::DelaySecs), &mut will.delay_interval_secs));
        ui.horizontal(|ui| optional_number_ui(ui, ui.tr(Tr::MessageExpirySecs), &mut will.message_expiry_secs));
        optional_text_ui(ui, ui.tr(Tr::ContentType), &mut will.content_type);
        optional_text_ui(ui, ui.tr(Tr::ResponseTopic), &mut will.response_topic);
        optional_text_ui(ui, ui.tr(Tr::CorrelationData), &mut will.correlation_data);
        user_properties_ui(ui, "will-user-properties", &mut will.user_properties);
    }
}

fn mqtt5_ui(ui: &mut egui::Ui, workspace: &mut Workspace) {
    let profile = &mut workspace.active_tab_mut().profile;
    if profile.protocol != ProtocolVersion::V5 {
        ui.weak(ui.tr(Tr::Mqtt5OnlyHint));
    }
    let mqtt5 = &mut profile.mqtt5;
    ui.horizontal(|ui| optional_number_ui(ui, ui.tr(Tr::SessionExpirySecs), &mut mqtt5.session_expiry_secs));
    let mut receive = mqtt5.receive_maximum.map(u32::from);
    ui.horizontal(|ui| optional_number_ui(ui, ui.tr(Tr::ReceiveMaximum), &mut receive));
    mqtt5.receive_maximum = receive.map(|value| value.clamp(1, u32::from(u16::MAX)) as u16);
    let mut aliases = mqtt5.topic_alias_maximum.map(u32::from);
    ui.horizontal(|ui| optional_number_ui(ui, ui.tr(Tr::TopicAliasMaximum), &mut aliases));
    mqtt5.topic_alias_maximum = aliases.map(|value| value.min(u32::from(u16::MAX)) as u16);
    ui.checkbox(&mut mqtt5.request_response_information, ui.tr(Tr::RequestResponseInfo));
    ui.checkbox(&mut mqtt5.request_problem_information, ui.tr(Tr::RequestProblemInfo));
    ui.add_space(6.0);
    ui.strong(ui.tr(Tr::ConnectUserProperties));
    user_properties_ui(ui, "connect-user-properties", &mut mqtt5.user_properties);
}

fn subscriptions_ui(ui: &mut egui::Ui, workspace: &mut Workspace) {
    ui.weak(ui.tr(Tr::SavedSubscriptionsHint));
    if ui.button(ui.tr(Tr::UseCurrentSubscriptions)).clicked() {
        workspace.capture_subscriptions();
    }
    let profile = &mut workspace.active_tab_mut().profile;
    let mut remove = None;
    for (index, subscription) in profile.subscriptions.iter_mut().enumerate() {
        ui.push_id(("saved-subscription", index), |ui| {
            ui.horizontal(|ui| {
                labelled_text(ui, ui.tr(Tr::FilterLabel), &mut subscription.filter, 200.0);
                qos_combo_ui(ui, "saved-qos", ui.tr(Tr::Qos), &mut subscription.qos);
                if ui.small_button(ui.tr(Tr::Remove)).clicked() {
                    remove = Some(index);
                }
            });
            crate::ui::widgets::subscribe_options_ui(
                ui,
                ("saved", index),
                &mut subscription.no_local,
                &mut subscription.retain_as_published,
                &mut subscription.retain_handling,
                &mut subscription.identifier,
            );
            ui.separator();
        });
    }
    if let Some(index) = remove {
        profile.subscriptions.remove(index);
    }
    if ui.button(ui.tr(Tr::AddSubscription)).clicked() {
        profile.subscriptions.push(SavedSubscription::default());
    }
}

/// The profile's variables for `{{name}}` placeholders.
fn variables_ui(ui: &mut egui::Ui, workspace: &mut Workspace) {
    ui.weak(ui.tr(Tr::VariablesHint));
    ui.weak(ui.tr(Tr::BuiltInVariables));
    ui.add_space(4.0);
    let variables = &mut workspace.active_tab_mut().profile.variables;
    let mut remove = None;
    let mut seen = std::collections::BTreeSet::new();
    for (index, (name, value)) in variables.iter_mut().enumerate() {
        ui.push_id(("variable", index), |ui| {
            ui.horizontal(|ui| {
                labelled_text(ui, ui.tr(Tr::VariableName), name, 140.0);
                labelled_text(ui, ui.tr(Tr::Value), value, 240.0);
                if ui.small_button(ui.tr(Tr::Remove)).clicked() {
                    remove = Some(index);
                }
            });
            let trimmed = name.trim();
            if !trimmed.is_empty() && !trimmed.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.')) {
                ui.colored_label(theme::ERROR, ui.trf(Tr::BadVariableName, &[("name", &trimmed)]));
            } else if !seen.insert(trimmed.to_owned()) {
                ui.colored_label(theme::BUSY, ui.trf(Tr::DuplicateVariable, &[("name", &trimmed)]));
            }
        });
    }
    if let Some(index) = remove {
        variables.remove(index);
    }
    if ui.button(ui.tr(Tr::AddVariable)).clicked() {
        variables.push((String::new(), String::new()));
    }
}

/// The "ask on connect" password prompt.
pub fn password_prompt_ui(ctx: &egui::Context, cx: &mut PanelContext<'_>, state: &mut UiState) {
    let workspace = &*cx.workspace;
    let actions = &mut *cx.actions;
    let Some(password) = state.connection.password_prompt.as_mut() else {
        return;
    };
    let profile = &workspace.active_tab().profile;
    let mut cancelled = false;
    egui::Window::new(ctx.tr(Tr::Password))
        .id(egui::Id::unique("password-prompt"))
        .collapsible(false)
        .resizable(false)
        .show(ctx, |ui| {
            match profile.proxy.as_ref().filter(|_| state.connection.prompt_for_proxy) {
                Some(proxy) => ui.label(ui.trf(TrWire::ProxyPasswordPromptText, &[("proxy", proxy)])),
                None => {
                    ui.label(ui.trf(Tr::PasswordFor, &[("user", &profile.username), ("address", &profile.address())]))
                }
            };
            let label = ui.label(ui.tr(Tr::PasswordForThisConnection));
            let field = ui.add(egui::TextEdit::singleline(password).password(true)).labelled_by(label.id);
            let submitted = field.lost_focus() && ui.input(|input| input.key_pressed(egui::Key::Enter));
            ui.horizontal(|ui| {
                if ui.button(ui.tr(Tr::ConnectWithPassword)).clicked() || submitted {
                    actions.push(UiAction::ConnectWithPassword { password: password.clone() });
                }
                if ui.button(ui.tr(Tr::Cancel)).clicked() {
                    cancelled = true;
                }
            });
            ui.weak(ui.tr(Tr::PasswordPromptHint));
        });
    if cancelled {
        state.connection.password_prompt = None;
    }
}
