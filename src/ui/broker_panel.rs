//! The embedded broker's panel: start / stop / restart, where it listens,
//! its clients (with "disconnect"), message and byte rates, its log, and
//! its settings (listeners, limits, users, ACL, persistence).

use egui_extras::{Column, TableBuilder};

use crate::core::broker::monitor::{BrokerMonitor, LogLevel};
use crate::core::broker::settings::{SettingsDraft, default_data_dir};
use crate::core::broker::{BrokerConfig, Listening};
use crate::core::engine::BrokerState;
use crate::ui::action::UiAction;
use crate::ui::i18n::{Tr, TrLimits, Words};
use crate::ui::panel::PanelContext;
use crate::ui::state::UiState;
use crate::ui::theme;

/// The panel's pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BrokerTab {
    /// State, listeners, rates.
    #[default]
    Overview,
    /// Connected (and kept) sessions.
    Clients,
    /// Connects, disconnects, refusals.
    Log,
    /// The settings form.
    Settings,
}

/// The panel's own state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerPanelState {
    /// The open page.
    pub tab: BrokerTab,
    /// The settings form (made from the current settings when first shown).
    pub draft: Option<SettingsDraft>,
    /// The last apply / import / add-user outcome.
    pub message: Option<String>,
    /// Log levels shown.
    pub show_info: bool,
    /// Log levels shown.
    pub show_warnings: bool,
    /// Log levels shown.
    pub show_errors: bool,
    /// Log text filter.
    pub log_search: String,
}

impl Default for BrokerPanelState {
    fn default() -> Self {
        Self {
            tab: BrokerTab::default(),
            draft: None,
            message: None,
            show_info: true,
            show_warnings: true,
            show_errors: true,
            log_search: String::new(),
        }
    }
}

/// Draws the broker panel when open.
pub fn broker_panel_ui(ctx: &egui::Context, cx: &mut PanelContext<'_>, config: &BrokerConfig, state: &mut UiState) {
    let workspace = &*cx.workspace;
    let actions = &mut *cx.actions;
    if !state.windows.show_broker_panel {
        return;
    }
    let mut open = true;
    egui::Window::new(ctx.tr(Tr::BuiltInBroker))
        .id(egui::Id::unique("broker-panel"))
        .open(&mut open)
        .default_size([900.0, 560.0])
        .min_width(820.0)
        .show(ctx, |ui| {
            let panel = &mut state.broker_panel;
            controls_ui(ui, &workspace.broker, actions);
            ui.horizontal(|ui| {
                ui.selectable_value(&mut panel.tab, BrokerTab::Overview, ui.tr(Tr::Overview));
                ui.selectable_value(&mut panel.tab, BrokerTab::Clients, ui.tr(Tr::Clients));
                ui.selectable_value(&mut panel.tab, BrokerTab::Log, ui.tr(Tr::Log));
                ui.selectable_value(&mut panel.tab, BrokerTab::Settings, ui.tr(Tr::Settings));
            });
            ui.separator();
            let monitor = match &workspace.broker {
                BrokerState::Running { monitor, .. } => Some(monitor),
                _ => None,
            };
            match panel.tab {
                BrokerTab::Overview => overview_ui(ui, &workspace.broker, config),
                BrokerTab::Clients => match monitor {
                    Some(monitor) => clients_ui(ui, monitor, actions),
                    None => {
                        ui.weak(ui.tr(Tr::BrokerNotRunning));
                    }
                },
                BrokerTab::Log => match monitor {
                    Some(monitor) => log_ui(ui, monitor, panel, actions),
                    None => {
                        ui.weak(ui.tr(Tr::BrokerNotRunningLog));
                    }
                },
                BrokerTab::Settings => settings_ui(ui, config, panel, actions),
            }
        });
    if !open {
        state.windows.show_broker_panel = false;
    }
}

fn controls_ui(ui: &mut egui::Ui, broker: &BrokerState, actions: &mut Vec<UiAction>) {
    let running = matches!(broker, BrokerState::Running { .. });
    let starting = matches!(broker, BrokerState::Starting);
    // The buttons keep their place; a long state (a failure's reason) is
    // cut short beside them and given whole in the line below.
    egui::Sides::new().shrink_left().truncate().show(
        ui,
        |ui| {
            theme::status_dot_ui(ui, theme::broker_colour(broker));
            ui.label(crate::ui::states::broker_summary(ui, broker));
        },
        |ui| {
            if ui.add_enabled(running, egui::Button::new(ui.tr(Tr::Stop))).clicked() {
                actions.push(UiAction::StopBroker);
            }
            if ui.add_enabled(running, egui::Button::new(ui.tr(Tr::Restart))).clicked() {
                actions.push(UiAction::StartBroker);
            }
            if ui.add_enabled(!running && !starting, egui::Button::new(ui.tr(Tr::Start))).clicked() {
                actions.push(UiAction::StartBroker);
            }
        },
    );
    match broker {
        BrokerState::Failed(reason) => {
            ui.colored_label(theme::ERROR, ui.trf(Tr::CannotStart, &[("reason", reason)]));
        }
        BrokerState::DamagedStore(reason) => {
            ui.colored_label(theme::ERROR, ui.trf(Tr::CannotStart, &[("reason", reason)]));
            ui.horizontal_wrapped(|ui| {
                ui.label(ui.tr(Tr::DamagedStoreChoice));
                if ui.button(ui.tr(Tr::StartWithEmptyStore)).clicked() {
                    actions.push(UiAction::StartBrokerDiscardingDamagedState);
                }
            });
        }
        _ => {}
    }
}

fn listener_url(listener: &Listening) -> String {
    format!("{}://{}", listener.kind.scheme(), listener.addr)
}

fn overview_ui(ui: &mut egui::Ui, broker: &BrokerState, config: &BrokerConfig) {
    if !config.bind.is_loopback() {
        ui.colored_label(theme::BUSY, ui.trf(Tr::ListeningExposed, &[("address", &config.bind)]));
    }
    let BrokerState::Running { listeners, monitor, fell_back_from, .. } = broker else {
        ui.weak(ui.tr(Tr::StartBrokerToSee));
        return;
    };
    if let Some(port) = fell_back_from {
        ui.colored_label(theme::BUSY, ui.trf(Tr::PortTakenFreeUsed, &[("port", port)]));
    }
    ui.strong(ui.tr(Tr::ListeningOn));
    for listener in listeners {
        ui.horizontal(|ui| {
            let url = listener_url(listener);
            ui.monospace(&url);
            if ui.small_button(ui.tr(Tr::Copy)).on_hover_text(ui.tr(Tr::CopyAddress)).clicked() {
                ui.ctx().copy_text(url);
            }
        });
    }
    ui.add_space(6.0);
    let (rates, sessions, connected) = {
        let state = monitor.lock();
        (state.rates, state.session_count, state.clients.iter().filter(|client| client.connected).count())
    };
    egui::Grid::new("broker-rates").num_columns(2).spacing([16.0, 4.0]).show(ui, |ui| {
        ui.label(ui.tr(Tr::ClientsConnected));
        ui.label(connected.to_string());
        ui.end_row();
        ui.label(ui.tr(Tr::SessionsInclPersistent));
        ui.label(sessions.to_string());
        ui.end_row();
        ui.label(ui.tr(Tr::MessagesInOut));
        ui.label(format!("{:.0} /s  ·  {:.0} /s", rates.messages_in, rates.messages_out));
        ui.end_row();
        ui.label(ui.tr(Tr::PayloadBytesInOut));
        ui.label(format!("{} /s  ·  {} /s", human_bytes(rates.bytes_in), human_bytes(rates.bytes_out)));
        ui.end_row();
        ui.label(ui.tr(Tr::MessagesSinceStart));
        ui.label(format!("{} / {}", rates.total_in, rates.total_out));
        ui.end_row();
        ui.label(ui.tr(TrLimits::Dropped));
        let dropped = rates.dropped;
        let text = format!("{} · {} · {}", dropped.queue_full, dropped.expired, dropped.refused);
        if dropped.messages() > 0 {
            ui.colored_label(theme::BUSY, text)
        } else {
            ui.label(text)
        };
        ui.end_row();
        ui.label(ui.tr(TrLimits::Retained));
        let (kept, bytes) = rates.retained;
        let text = format!("{kept} ({}) · {}", human_bytes(bytes as f64), dropped.retained_not_kept);
        if dropped.retained_not_kept > 0 {
            ui.colored_label(theme::BUSY, text)
        } else {
            ui.label(text)
        };
        ui.end_row();
        ui.label(ui.tr(Tr::Authentication));
        let access = &config.access;
        let mut summary =
            ui.tr(if access.allow_anonymous { Tr::AnonymousAllowed } else { Tr::AnonymousRefused }).to_owned();
        if !access.users.is_empty() {
            summary.push_str(&ui.trf(Tr::UsersCount, &[("n", &access.users.len())]));
        }
        if access.acl.is_some() {
            summary.push_str(ui.tr(Tr::AclOn));
        }
        ui.label(summary);
        ui.end_row();
        ui.label(ui.tr(Tr::Persistence));
        ui.label(
            config.persistence.as_ref().map_or(ui.tr(Tr::PersistenceOff).to_owned(), |dir| dir.display().to_string()),
        );
        ui.end_row();
    });
    crate::ui::broker_bridges::bridges_overview_ui(ui, monitor);
}

fn human_bytes(per_second: f64) -> String {
    match per_second {
        bytes if bytes >= 1024.0 * 1024.0 => format!("{:.1} MiB", bytes / (1024.0 * 1024.0)),
        bytes if bytes >= 1024.0 => format!("{:.1} KiB", bytes / 1024.0),
        bytes => format!("{bytes:.0} B"),
    }
}

fn clients_ui(ui: &mut egui::Ui, monitor: &BrokerMonitor, actions: &mut Vec<UiAction>) {
    let state = monitor.lock();
    let listed = state.clients.len();
    if state.session_count > listed {
        ui.weak(ui.trf(Tr::ShowingSessions, &[("n", &listed), ("total", &state.session_count)]));
    }
    if state.clients.is_empty() {
        ui.weak(ui.tr(Tr::NoClients));
        return;
    }
    // One line per client: columns grow to their content instead of wrapping.
    ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
    let ctx = ui.ctx().clone();
    TableBuilder::new(ui)
        .striped(true)
        .resizable(true)
        .column(Column::initial(170.0).at_least(80.0).clip(true))
        .columns(Column::auto().at_least(40.0), 9)
        .header(20.0, |mut header| {
            let titles = [
                Tr::ClientId,
                Tr::Address,
                Tr::User,
                Tr::Mqtt,
                Tr::KeepAlive,
                Tr::Subs,
                Tr::InFlight,
                Tr::Queued,
                Tr::State,
            ];
            for title in titles {
                header.col(|ui| {
                    ui.strong(ui.tr(title));
                });
            }
            header.col(|_| {});
        })
        .body(|body| {
            body.rows(theme::LOG_ROW_HEIGHT, state.clients.len(), |mut row| {
                let client = &state.clients[row.index()];
                row.col(|ui| {
                    ui.label(&client.client_id);
                });
                row.col(|ui| {
                    ui.label(client.address.map_or_else(|| "—".to_owned(), |address| address.to_string()));
                });
                row.col(|ui| {
                    ui.label(client.user.as_deref().unwrap_or("—"));
                });
                row.col(|ui| {
                    ui.label(client.protocol);
                });
                row.col(|ui| {
                    ui.label(if client.keep_alive == 0 {
                        ctx.tr(Tr::KeepAliveNone).to_owned()
                    } else {
                        ctx.trf(Tr::Seconds, &[("n", &client.keep_alive)])
                    });
                });
                row.col(|ui| {
                    ui.label(client.subscriptions.to_string());
                });
                row.col(|ui| {
                    ui.label(client.inflight.to_string());
                });
                row.col(|ui| {
                    ui.label(client.queued.to_string());
                });
                row.col(|ui| {
                    let text = match (client.connected, client.clean_start) {
                        (true, true) => Tr::ClientConnected,
                        (true, false) => Tr::ClientConnectedPersistent,
                        (false, _) => Tr::ClientAway,
                    };
                    ui.label(ctx.tr(text));
                });
                row.col(|ui| {
                    if client.connected
                        && ui
                            .small_button(ctx.tr(Tr::DisconnectClient))
                            .on_hover_text(ctx.trf(Tr::DisconnectClientHint, &[("client", &client.client_id)]))
                            .clicked()
                    {
                        actions.push(UiAction::DisconnectBrokerClient { client_id: client.client_id.clone() });
                    }
                });
            });
        });
}

fn log_ui(ui: &mut egui::Ui, monitor: &BrokerMonitor, panel: &mut BrokerPanelState, actions: &mut Vec<UiAction>) {
    ui.horizontal(|ui| {
        ui.checkbox(&mut panel.show_info, ui.tr(Tr::LevelInfo));
        ui.checkbox(&mut panel.show_warnings, ui.tr(Tr::LevelWarnings));
        ui.checkbox(&mut panel.show_errors, ui.tr(Tr::LevelErrors));
        ui.add(
            egui::TextEdit::singleline(&mut panel.log_search).hint_text(ui.tr(Tr::FilterTheLog)).desired_width(200.0),
        );
        if ui.button(ui.tr(Tr::Clear)).clicked() {
            actions.push(UiAction::ClearBrokerLog);
        }
    });
    let state = monitor.lock();
    let needle = panel.log_search.to_lowercase();
    let rows: Vec<_> = state
        .log
        .iter()
        .filter(|entry| match entry.level {
            LogLevel::Info => panel.show_info,
            LogLevel::Warning => panel.show_warnings,
            LogLevel::Error => panel.show_errors,
        })
        .filter(|entry| needle.is_empty() || entry.text.to_lowercase().contains(&needle))
        .collect();
    if state.log_dropped > 0 {
        ui.weak(ui.trf(Tr::OlderEntriesWereDropped, &[("n", &state.log_dropped)]));
    }
    egui::ScrollArea::vertical().id_salt("broker-log").auto_shrink([false, false]).stick_to_bottom(true).show_rows(
        ui,
        theme::LOG_ROW_HEIGHT,
        rows.len(),
        |ui, range| {
            for entry in &rows[range] {
                ui.horizontal(|ui| {
                    ui.monospace(entry.at.with_timezone(&chrono::Local).format("%H:%M:%S").to_string());
                    let colour = match entry.level {
                        LogLevel::Info => theme::MUTED,
                        LogLevel::Warning => theme::BUSY,
                        LogLevel::Error => theme::ERROR,
                    };
                    ui.colored_label(colour, entry.level.label());
                    ui.label(&entry.text);
                });
            }
        },
    );
}

fn settings_ui(ui: &mut egui::Ui, config: &BrokerConfig, panel: &mut BrokerPanelState, actions: &mut Vec<UiAction>) {
    let draft = panel.draft.get_or_insert_with(|| SettingsDraft::from_config(config));
    let checked = draft.to_config();
    // The buttons and the problem line sit in a bar of fixed height at the
    // bottom, drawn first: a problem appearing or going never resizes the
    // window or moves a field under the pointer.
    egui::Panel::bottom("broker-settings-actions").resizable(false).show(ui, |ui| {
        settings_actions_ui(ui, config, &checked, draft, &mut panel.message, actions);
    });
    egui::ScrollArea::vertical().id_salt("broker-settings").auto_shrink([false, false]).show(ui, |ui| {
        ui.strong(ui.tr(Tr::Listeners));
        egui::Grid::new("broker-listeners").num_columns(2).spacing([12.0, 4.0]).show(ui, |ui| {
            let label = ui.label(ui.tr(Tr::BindAddress));
            ui.horizontal(|ui| {
                ui.add(egui::TextEdit::singleline(&mut draft.bind).desired_width(140.0)).labelled_by(label.id);
                if ui.small_button(ui.tr(Tr::ThisMachineOnly)).clicked() {
                    draft.bind = "127.0.0.1".into();
                }
                if ui.small_button(ui.tr(Tr::AllInterfaces)).clicked() {
                    draft.bind = "0.0.0.0".into();
                }
            });
            ui.end_row();
            let label = ui.label(ui.tr(Tr::TcpPort));
            ui.horizontal(|ui| {
                ui.add(egui::TextEdit::singleline(&mut draft.port).desired_width(70.0)).labelled_by(label.id);
                ui.checkbox(&mut draft.fall_back_to_free_port, ui.tr(Tr::IfTakenFreePort));
            });
            ui.end_row();
            ui.checkbox(&mut draft.websocket, ui.tr(Tr::WebSocketPort));
            ui.add_enabled(draft.websocket, egui::TextEdit::singleline(&mut draft.websocket_port).desired_width(70.0));
            ui.end_row();
            if draft.websocket {
                let label = ui.label(ui.tr(TrLimits::AllowedOrigins));
                ui.add(egui::TextEdit::singleline(&mut draft.websocket_allowed_origins).desired_width(320.0))
                    .labelled_by(label.id)
                    .on_hover_text(ui.tr(TrLimits::AllowedOriginsHint));
                ui.end_row();
            }
            ui.checkbox(&mut draft.tls, ui.tr(Tr::TlsPort));
            ui.add_enabled(draft.tls, egui::TextEdit::singleline(&mut draft.tls_port).desired_width(70.0));
            ui.end_row();
            if draft.tls {
                ui.label(ui.tr(Tr::CertificatePem));
                ui.add(egui::TextEdit::singleline(&mut draft.cert_file).desired_width(380.0));
                ui.end_row();
                ui.label(ui.tr(Tr::PrivateKeyPem));
                ui.add(egui::TextEdit::singleline(&mut draft.key_file).desired_width(380.0));
                ui.end_row();
            }
            let label = ui.label(ui.tr(Tr::MaxConnections));
            ui.add(egui::TextEdit::singleline(&mut draft.max_connections).desired_width(90.0)).labelled_by(label.id);
            ui.end_row();
            let label = ui.label(ui.tr(Tr::MaxPacketSize));
            ui.add(egui::TextEdit::singleline(&mut draft.max_packet_size).desired_width(110.0)).labelled_by(label.id);
            ui.end_row();
            let label = ui.label(ui.tr(Tr::SysInterval));
            ui.add(egui::TextEdit::singleline(&mut draft.sys_interval).desired_width(70.0)).labelled_by(label.id);
            ui.end_row();
        });
        if draft.exposes_network() {
            ui.colored_label(theme::BUSY, ui.tr(Tr::AddressExposesBroker));
        }
        limits_ui(ui, &mut draft.limits);
        ui.separator();
        ui.strong(ui.tr(Tr::Authentication));
        ui.checkbox(&mut draft.allow_anonymous, ui.tr(Tr::AllowAnonymous));
        let mut remove = None;
        for user in draft.users.keys() {
            ui.horizontal(|ui| {
                ui.label(user);
                ui.weak(ui.tr(Tr::PasswordStoredHashed));
                if ui.small_button(ui.tr(Tr::Remove)).clicked() {
                    remove = Some(user.clone());
                }
            });
        }
        if let Some(user) = remove {
            draft.users.remove(&user);
        }
        ui.horizontal(|ui| {
            let label = ui.label(ui.tr(Tr::NewUser));
            ui.add(egui::TextEdit::singleline(&mut draft.new_user).desired_width(140.0)).labelled_by(label.id);
            let label = ui.label(ui.tr(Tr::TheirPassword));
            ui.add(egui::TextEdit::singleline(&mut draft.new_password).password(true).desired_width(140.0))
                .labelled_by(label.id);
            if ui.button(ui.tr(Tr::AddUser)).clicked() {
                panel.message = draft.add_user().err().map(|error| error.to_string());
            }
        });
        ui.checkbox(&mut draft.acl_enabled, ui.tr(Tr::AclEnabled));
        if draft.acl_enabled {
            ui.weak(ui.tr(Tr::AclSyntaxHint));
            ui.add(
                egui::TextEdit::multiline(&mut draft.acl_text)
                    .code_editor()
                    .desired_rows(6)
                    .desired_width(f32::INFINITY),
            );
        }
        ui.separator();
        ui.strong(ui.tr(Tr::Persistence));
        ui.horizontal(|ui| {
            if ui.checkbox(&mut draft.persistence, ui.tr(Tr::KeepRetainedAndSessionsIn)).changed()
                && draft.persistence
                && draft.data_dir.trim().is_empty()
            {
                draft.data_dir = default_data_dir().map(|dir| dir.display().to_string()).unwrap_or_default();
            }
            ui.add_enabled(draft.persistence, egui::TextEdit::singleline(&mut draft.data_dir).desired_width(320.0));
        });
        ui.weak(ui.tr(Tr::PersistenceHint));
        crate::ui::broker_bridges::bridges_settings_ui(ui, &mut draft.bridges_text);
    });
}

/// Apply, Revert and Import, then one line for the settings' problem and
/// one for the last action's message; both lines are always there.
fn settings_actions_ui(
    ui: &mut egui::Ui,
    config: &BrokerConfig,
    checked: &Result<BrokerConfig, impl std::fmt::Display>,
    draft: &mut SettingsDraft,
    message: &mut Option<String>,
    actions: &mut Vec<UiAction>,
) {
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        let apply = ui.add_enabled(checked.is_ok(), egui::Button::new(ui.tr(Tr::ApplyAndRestart)));
        if apply.clicked()
            && let Ok(config) = checked
        {
            actions.push(UiAction::ApplyBrokerSettings { config: Box::new(config.clone()) });
        }
        if ui.button(ui.tr(Tr::Revert)).clicked() {
            *draft = SettingsDraft::from_config(config);
            *message = None;
        }
        if ui.button(ui.tr(Tr::ImportMosquittoConf)).clicked() {
            actions.push(UiAction::ImportBrokerSettings);
        }
    });
    let line = |ui: &mut egui::Ui, text: egui::RichText| {
        let height = ui.text_style_height(&egui::TextStyle::Body);
        let width = ui.available_width();
        ui.add_sized([width, height], egui::Label::new(text).truncate());
    };
    match checked {
        Err(problem) => line(ui, egui::RichText::new(problem.to_string()).color(theme::ERROR)),
        Ok(_) => line(ui, egui::RichText::new("")),
    }
    line(ui, egui::RichText::new(message.as_deref().unwrap_or_default()));
}

/// The limits of the settings form.
fn limits_ui(ui: &mut egui::Ui, limits: &mut crate::core::broker::limits::LimitsDraft) {
    egui::CollapsingHeader::new(ui.tr(TrLimits::Heading)).id_salt("broker-limits").show(ui, |ui| {
        ui.add(egui::Label::new(egui::RichText::new(ui.tr(TrLimits::Intro)).weak()).wrap());
        egui::Grid::new("broker-limits-grid").num_columns(2).spacing([12.0, 4.0]).show(ui, |ui| {
            let fields: [(TrLimits, &mut String); 8] = [
                (TrLimits::MaxKeepAlive, &mut limits.max_keepalive_secs),
                (TrLimits::MaxInflight, &mut limits.max_inflight),
                (TrLimits::MaxQueued, &mut limits.max_queued_messages),
                (TrLimits::MaxSubscriptions, &mut limits.max_subscriptions_per_client),
                (TrLimits::MaxSessionExpiry, &mut limits.max_session_expiry_secs),
                (TrLimits::MaxRetained, &mut limits.max_retained_messages),
                (TrLimits::MaxRetainedBytes, &mut limits.max_retained_bytes),
                (TrLimits::TopicAliases, &mut limits.topic_aliases),
            ];
            for (key, text) in fields {
                let label = ui.label(ui.tr(key));
                let field = ui.add(egui::TextEdit::singleline(text).desired_width(110.0)).labelled_by(label.id);
                match key {
                    TrLimits::MaxKeepAlive => drop(field.on_hover_text(ui.tr(TrLimits::MaxKeepAliveHint))),
                    TrLimits::TopicAliases => drop(field.on_hover_text(ui.tr(TrLimits::TopicAliasesHint))),
                    _ => {}
                }
                ui.end_row();
            }
        });
    });
}
