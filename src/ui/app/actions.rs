//! Applying what the panels asked for, once per frame, in one place.

use super::SaveKind;
use super::TopicscopeApp;
use crate::core::broker::settings;
use crate::core::decoders::PayloadDecoder;
use crate::core::engine::Command;
use crate::core::mqtt::Qos;
use crate::core::profile::{self, ConnectionProfile, PasswordSource};
use crate::core::profile_exchange;
use crate::core::saved_messages::SavedMessage;
use crate::core::store::FilteredView;
use crate::ui::action::UiAction;
use crate::ui::i18n::Tr;
use crate::ui::state::{InspectorTab, UiState};
use crate::ui::{broker_status, charts};

impl TopicscopeApp {
    /// Sends the commands an action produced and clears the error line it
    /// belongs to, or shows there why nothing was sent.
    fn send_or_show<E: std::fmt::Display>(
        &mut self,
        result: Result<impl IntoIterator<Item = Command>, E>,
        line: fn(&mut UiState) -> &mut Option<String>,
    ) {
        match result {
            Ok(commands) => {
                *line(&mut self.ui) = None;
                for command in commands {
                    self.send(command);
                }
            }
            Err(error) => *line(&mut self.ui) = Some(error.to_string()),
        }
    }

    /// Applies one UI action (panels queue these; tests may call it).
    pub fn apply_action(&mut self, action: UiAction) {
        match action {
            UiAction::Connect if self.workspace.active_tab().profile.needs_password_prompt() => {
                self.ui.connection.password_prompt = Some(String::new());
                self.ui.connection.prompt_for_proxy = false;
            }
            UiAction::Connect
                if self
                    .workspace
                    .active_tab()
                    .profile
                    .proxy
                    .as_ref()
                    .is_some_and(|proxy| proxy.needs_password_prompt()) =>
            {
                self.ui.connection.password_prompt = Some(String::new());
                self.ui.connection.prompt_for_proxy = true;
            }
            UiAction::ConnectWithPassword { password } => {
                self.ui.connection.password_prompt = None;
                let profile = &mut self.workspace.active_tab_mut().profile;
                match profile.proxy.as_mut().filter(|_| self.ui.connection.prompt_for_proxy) {
                    Some(proxy) => proxy.password = password,
                    None => profile.password = password,
                }
                self.apply_action(UiAction::Connect);
            }
            UiAction::Connect => {
                let result = self.workspace.connect();
                self.send_or_show(result, |ui| &mut ui.connection.error);
                // Asked for on each connect: forget what was typed once used.
                let profile = &mut self.workspace.active_tab_mut().profile;
                if profile.password_source == PasswordSource::AskOnConnect {
                    profile.password.clear();
                }
                if let Some(proxy) =
                    profile.proxy.as_mut().filter(|proxy| proxy.password_source == PasswordSource::AskOnConnect)
                {
                    proxy.password.clear();
                }
            }
            UiAction::Disconnect => {
                if let Some(command) = self.workspace.disconnect() {
                    self.send(command);
                }
            }
            UiAction::SelectProfile { name } => {
                self.workspace.select_profile(&name);
                self.ui.connection.error = None;
            }
            UiAction::SaveProfile => {
                self.workspace.capture_subscriptions();
                let Some(dir) = self.options.profile_dir.clone() else {
                    self.ui.profiles.message = Some(self.tr(Tr::NotSavedNoConfigFolder).to_owned());
                    return;
                };
                let saved = self.workspace.active_tab().profile.clone();
                match profile::profile_to_ron(&saved) {
                    Ok(text) => {
                        let kind =
                            SaveKind::Profile { tab: self.workspace.active_tab().id, saved: Box::new(saved.clone()) };
                        let name = saved.name.clone();
                        match self.workspace.profiles.iter_mut().find(|p| p.name == saved.name) {
                            Some(existing) => *existing = saved,
                            None => self.workspace.profiles.push(saved),
                        }
                        self.ui.profiles.message = None;
                        self.save_profile_file(kind, dir, name, text);
                    }
                    Err(error) => self.ui.profiles.message = Some(self.trf(Tr::NotSaved, &[("error", &error)])),
                }
            }
            UiAction::RevertProfile => {
                let tab = self.workspace.active_tab().id;
                self.workspace.revert_profile(tab);
                self.ui.profiles.message = None;
            }
            UiAction::Subscribe => {
                let filter = self.ui.subscribe.filter.clone();
                match self.workspace.subscribe_with(&filter, self.ui.subscribe.qos, self.ui.subscribe.options) {
                    Ok(command) => {
                        self.ui.subscribe.error = None;
                        self.ui.subscribe.filter.clear();
                        if let Some(command) = command {
                            self.send(command);
                        }
                    }
                    Err(error) => self.ui.subscribe.error = Some(error.to_string()),
                }
            }
            UiAction::MuteSubscription { subscription, muted } => self.workspace.set_muted(subscription, muted),
            UiAction::PauseSubscription { subscription } => {
                if let Some(command) = self.workspace.pause_subscription(subscription) {
                    self.send(command);
                }
            }
            UiAction::ResumeSubscription { subscription } => {
                if let Some(command) = self.workspace.resume_subscription(subscription) {
                    self.send(command);
                }
            }
            UiAction::EditSubscription { subscription, edit } => {
                match self.workspace.edit_subscription(subscription, edit.clone()) {
                    Ok(commands) => {
                        for command in commands {
                            self.send(command);
                        }
                    }
                    Err(error) => {
                        self.ui.subscribe.editing = Some((subscription, edit));
                        self.ui.subscribe.edit_error = Some(error.to_string());
                    }
                }
            }
            UiAction::Unsubscribe { subscription: id } => {
                if self.ui.log.selected_subscription == Some(id) {
                    self.ui.log.selected_subscription = None;
                }
                if let Some(command) = self.workspace.unsubscribe(id) {
                    self.send(command);
                }
            }
            UiAction::FilterBySubscription { subscription: id } => {
                self.ui.log.selected_subscription = id;
                self.ui.log.selected_topic = None;
            }
            UiAction::ShowRetained => {
                self.ui.retained.open = true;
                if let Some(topic) = &self.ui.log.selected_topic {
                    self.ui.retained.scope = topic.clone();
                }
            }
            UiAction::PrepareClearRetained { topics } => self.ui.retained.pending = Some(topics),
            UiAction::CancelClearRetained => self.ui.retained.pending = None,
            UiAction::ScanRetained => {
                let result = self.workspace.scan_retained(&self.ui.retained.scope);
                self.send_or_show(result, |ui| &mut ui.retained.scan_error);
            }
            UiAction::ClearRetained { topics } => {
                self.ui.retained.pending = None;
                match self.workspace.clear_retained(&topics) {
                    Ok(commands) => {
                        for command in commands {
                            self.send(command);
                        }
                    }
                    Err(error) => self.workspace.error(self.trf(Tr::RetainedNotCleared, &[("error", &error)])),
                }
            }
            UiAction::ExportMessages => self.export_rows(&self.ui.log.view),
            UiAction::CancelExport => {
                if let Some(job) = self.export.as_mut() {
                    job.cancel();
                }
            }
            UiAction::SelectTopic { topic } => {
                // A topic that carries messages itself opens its history.
                let tree = &self.workspace.active_tab().tree;
                let has_messages = topic
                    .as_deref()
                    .and_then(|topic| tree.find(topic))
                    .and_then(|id| tree.node(id))
                    .is_some_and(|node| node.messages > 0);
                if has_messages {
                    self.open_history(topic.clone());
                }
                self.ui.log.selected_topic = topic;
                self.ui.log.selected_subscription = None;
            }
            UiAction::ShowHistory { topic } => self.open_history(topic),
            UiAction::ClearDiffPicks => {
                self.ui.history.diff_picks.clear();
                self.ui.history.diff_cache = None;
            }
            UiAction::ToggleDiffPick { seq } => {
                if let Some(position) = self.ui.history.diff_picks.iter().position(|picked| *picked == seq) {
                    self.ui.history.diff_picks.remove(position);
                } else {
                    if self.ui.history.diff_picks.len() == 2 {
                        self.ui.history.diff_picks.remove(0);
                    }
                    self.ui.history.diff_picks.push(seq);
                }
            }
            UiAction::CompareWithPrevious { seq } => {
                let topic = self.workspace.store.get(seq).map(|message| message.topic.to_string());
                match (topic, self.workspace.store.previous_on_topic(seq)) {
                    (Some(topic), Some(previous)) => {
                        self.open_history(Some(topic));
                        self.ui.history.diff_picks = vec![previous, seq];
                        self.ui.history.scroll_to = Some(previous);
                    }
                    (Some(topic), None) => {
                        self.workspace.notice(self.trf(Tr::NoEarlierMessage, &[("topic", &topic)]));
                    }
                    (None, _) => self.workspace.notice(self.tr(Tr::MessageNoLongerInLog)),
                }
            }
            UiAction::ExportHistory => self.export_rows(&self.ui.history.view),
            UiAction::AddChart { topic, pointer } => {
                charts::add_series(&mut self.workspace, &mut self.ui.charts, topic, pointer);
            }
            UiAction::RemoveChart { key } => self.workspace.active_tab_mut().charts.remove(&key),
            UiAction::ClearCharts => self.workspace.active_tab_mut().charts.clear_points(),
            UiAction::SubscribeSys => match self.workspace.subscribe(broker_status::SYS_FILTER, Qos::AtMostOnce) {
                Ok(Some(command)) => self.send(command),
                Ok(None) => {}
                Err(error) => self.workspace.error(self.trf(Tr::CannotSubscribeSys, &[("error", &error)])),
            },
            UiAction::ExportPackets { records } => {
                if let Some(ctx) = &self.ctx {
                    self.files.export_packets_with_dialog(ctx, records);
                }
            }
            UiAction::ClearPackets => {
                self.workspace.active_tab_mut().packets.clear();
                self.ui.packets.selected = None;
            }
            UiAction::SavePayload { seq } => {
                if let (Some(message), Some(ctx)) = (self.workspace.store.get(seq), &self.ctx) {
                    self.files.save_payload_with_dialog(
                        ctx,
                        bytes::Bytes::copy_from_slice(message.payload),
                        message.topic,
                    );
                }
            }
            UiAction::ToggleTopic { node: id } => {
                if !self.ui.tree.expanded.remove(&id) {
                    self.ui.tree.expanded.insert(id);
                }
            }
            UiAction::ToggleProfileEditor => self.ui.profiles.open = !self.ui.profiles.open,
            UiAction::NewTab => {
                let mut profile = self.workspace.active_tab().profile.clone();
                profile.password.clear();
                self.workspace.open_tab(profile);
                self.reset_tab_view();
            }
            UiAction::ActivateTab { tab: id } => {
                self.workspace.activate(id);
                self.reset_tab_view();
            }
            UiAction::CloseTab { tab: id } => {
                if let Some(command) = self.workspace.close_tab(id) {
                    self.send(command);
                }
                self.reset_tab_view();
            }
            UiAction::CloseActiveTab => {
                if self.workspace.tabs().len() > 1 {
                    self.apply_action(UiAction::CloseTab { tab: self.workspace.active_tab().id });
                } else {
                    self.apply_action(UiAction::Disconnect);
                }
            }
            UiAction::ImportProfiles => {
                if let Some(ctx) = &self.ctx {
                    self.files.import_with_dialog(ctx);
                }
            }
            UiAction::ImportPaths { paths } => {
                if let Some(ctx) = &self.ctx {
                    self.files.import_paths(ctx, paths);
                }
            }
            UiAction::ExportSelected => {
                let profiles: Vec<ConnectionProfile> = self
                    .workspace
                    .profiles
                    .iter()
                    .filter(|profile| self.ui.profiles.export_selection.contains(&profile.name))
                    .cloned()
                    .collect();
                if profiles.is_empty() {
                    self.ui.profiles.message = Some(self.tr(Tr::TickProfilesFirst).to_owned());
                } else if self.ui.profiles.export_schemas {
                    if let Some(ctx) = &self.ctx {
                        let secrets = self.ui.profiles.export_secrets;
                        self.files.bundle_with_schemas(ctx, profiles, secrets, "topicscope-profiles.ron".into());
                    }
                } else {
                    match profile_exchange::export_bundle(&profiles, self.ui.profiles.export_secrets) {
                        Ok(text) => {
                            if let Some(ctx) = &self.ctx {
                                self.files.export_with_dialog(ctx, text, "topicscope-profiles.ron".into());
                            }
                        }
                        Err(error) => self.ui.profiles.message = Some(self.trf(Tr::NotExported, &[("error", &error)])),
                    }
                }
            }
            UiAction::ExportProfiles { all } => {
                self.workspace.capture_subscriptions();
                let profiles = if all {
                    self.workspace.profiles.clone()
                } else {
                    vec![self.workspace.active_tab().profile.clone()]
                };
                let file_name = if all {
                    "topicscope-profiles.ron".to_owned()
                } else {
                    format!("{}.ron", self.workspace.active_tab().profile.file_stem())
                };
                if self.ui.profiles.export_schemas {
                    if let Some(ctx) = &self.ctx {
                        let secrets = self.ui.profiles.export_secrets;
                        self.files.bundle_with_schemas(ctx, profiles, secrets, file_name);
                    }
                } else {
                    match profile_exchange::export_bundle(&profiles, self.ui.profiles.export_secrets) {
                        Ok(text) => {
                            if let Some(ctx) = &self.ctx {
                                self.files.export_with_dialog(ctx, text, file_name);
                            }
                        }
                        Err(error) => self.ui.profiles.message = Some(self.trf(Tr::NotExported, &[("error", &error)])),
                    }
                }
            }
            UiAction::Publish => {
                let result = self.workspace.publish();
                self.send_or_show(result, |ui| &mut ui.composer.error)
            }
            UiAction::SaveComposerMessage => {
                let message = SavedMessage::from_draft(
                    self.ui.saved.message_name.trim().to_owned(),
                    &self.workspace.active_tab().draft,
                );
                let profile = self.ui.saved.for_profile_only.then(|| self.workspace.active_tab().profile.name.clone());
                self.saved.add(self.ui.saved.collection_name.trim(), profile, message);
                self.ui.saved.message_name.clear();
                self.write_saved();
            }
            UiAction::PublishHere { topic } => {
                self.workspace.active_tab_mut().draft.topic = topic;
                self.ui.composer.error = None;
                self.ui.composer.focus_payload = true;
            }
            UiAction::OpenProfileInNewTab { name } => {
                if let Some(profile) = self.workspace.profiles.iter().find(|profile| profile.name == name).cloned() {
                    self.workspace.open_tab(profile);
                    self.reset_tab_view();
                }
            }
            UiAction::ShowPasteCommand => self.ui.connection.paste_open = true,
            UiAction::OpenProfileFromCommand { text } => match crate::core::profile::profile_from_command(&text) {
                Ok(made) => {
                    self.workspace.open_unsaved_tab(made.profile);
                    self.reset_tab_view();
                    self.ui.profiles.open = true;
                }
                Err(error) => self.ui.connection.error = Some(error.to_string()),
            },
            UiAction::EditAndPublish { seq } => {
                if let Some(message) = self.workspace.store.get(seq) {
                    let draft = crate::core::message_actions::draft_from_message(&message);
                    self.ui.composer.properties_open |= !draft.properties.is_empty();
                    self.workspace.active_tab_mut().draft = draft;
                    self.ui.composer.error = None;
                    self.ui.composer.focus_payload = true;
                }
            }
            UiAction::PublishAgain { seq } => {
                let result = self.workspace.publish_again(seq);
                self.send_or_show(result, |ui| &mut ui.composer.error);
            }
            UiAction::CopyPublishCommand { seq } => {
                let Some(message) = self.workspace.store.get(seq) else { return };
                match crate::core::message_actions::mosquitto_pub_command(
                    &self.workspace.active_tab().profile,
                    &message,
                ) {
                    Ok(command) => {
                        if let Some(ctx) = &self.ctx {
                            ctx.copy_text(command);
                        }
                        let text = self.tr(Tr::CommandCopied);
                        self.toasts.success(text);
                    }
                    Err(reason) => {
                        let text = self.trf(Tr::NoCommand, &[("reason", &reason)]);
                        self.workspace.error(text);
                    }
                }
            }
            UiAction::PublishSaved { collection, index } => {
                if let Some(message) = self.saved.get(collection, index) {
                    let result = self.workspace.publish_draft(&message.to_draft());
                    self.send_or_show(result, |ui| &mut ui.composer.error);
                }
            }
            UiAction::LoadSaved { collection, index } => {
                if let Some(message) = self.saved.get(collection, index) {
                    self.workspace.active_tab_mut().draft = message.to_draft();
                }
            }
            UiAction::DuplicateSaved { collection, index } => {
                self.saved.duplicate(collection, index);
                self.write_saved();
            }
            UiAction::ShiftSaved { collection, index, by } => {
                self.saved.shift(collection, index, by);
                self.write_saved();
            }
            UiAction::RemoveSaved { collection, index } => {
                self.saved.remove(collection, index);
                self.write_saved();
            }
            UiAction::LoadSent { index } => {
                if let Some(entry) = self.workspace.active_tab().history.get(index) {
                    self.workspace.active_tab_mut().draft = entry.draft.clone();
                    self.workspace.active_tab_mut().history.stop_browsing();
                }
            }
            UiAction::StartRepeat => {
                let count = (self.ui.composer.repeat_count > 0).then_some(self.ui.composer.repeat_count);
                let result = self.workspace.start_repeat(self.ui.composer.repeat_interval_ms, count).map(Some);
                self.send_or_show(result, |ui| &mut ui.composer.error);
            }
            UiAction::MoveSaved { from, to } => {
                self.saved.move_message(from, to);
                self.write_saved();
            }
            UiAction::ExportSaved { collection } => match self.saved.export(collection) {
                Ok(text) => {
                    let stem = collection.and_then(|index| self.saved.collections.get(index)).map_or_else(
                        || "messages".to_owned(),
                        |chosen| crate::core::profile::file_stem_of(&chosen.name),
                    );
                    if let Some(ctx) = &self.ctx {
                        self.files.export_saved_with_dialog(ctx, text, format!("{stem}.ron"));
                    }
                }
                Err(error) => self.ui.saved.message = Some(error.to_string()),
            },
            UiAction::ImportSaved => {
                if let Some(ctx) = &self.ctx {
                    self.files.import_saved_with_dialog(ctx);
                }
            }
            UiAction::RepeatCollection { collection, once } => {
                let (interval, count) = if once {
                    (1, Some(1))
                } else {
                    (
                        self.ui.composer.repeat_interval_ms,
                        (self.ui.composer.repeat_count > 0).then_some(self.ui.composer.repeat_count),
                    )
                };
                let started = match self.saved.collections.get(collection) {
                    Some(chosen) => self.workspace.start_collection_repeat(chosen, interval, count),
                    None => return,
                };
                let result = started.map(Some);
                self.send_or_show(result, |ui| &mut ui.composer.error);
            }
            UiAction::StopRepeat { job } => {
                let command = self.workspace.stop_repeat(job);
                self.send(command);
            }
            UiAction::DismissRepeat { job } => {
                self.workspace.repeats.remove(&job);
            }
            UiAction::ClearRetainedOnDraftTopic => {
                let result = self.workspace.clear_retained_on_draft_topic().map(Some);
                self.send_or_show(result, |ui| &mut ui.composer.error)
            }
            UiAction::UsePath => self.use_typed_path(),
            UiAction::BrowseSchemaPath { folder } => {
                if let Some(ctx) = &self.ctx {
                    self.files.choose_schema_path(ctx, folder);
                }
            }
            UiAction::ReloadSchemas => self.workspace.active_tab_mut().decoding.reload(),
            UiAction::ListScenarios => {
                if let (Some(ctx), Some(folder)) = (&self.ctx, self.ui.scenarios.folder.clone()) {
                    self.ui.scenarios.listing = true;
                    self.files.list_scenarios(ctx, folder);
                }
            }
            UiAction::ChooseScenarioFolder => {
                if let Some(ctx) = &self.ctx {
                    self.files.choose_scenario_folder(ctx);
                }
            }
            UiAction::RunScenario { path } => {
                if let Some(ctx) = &self.ctx {
                    let profile = self.workspace.active_tab().profile.clone();
                    let saved = self.workspace.profiles.clone();
                    self.ui.scenarios.start(ctx, path, profile, saved);
                }
            }
            UiAction::RunAllScenarios => {
                if let Some(ctx) = self.ctx.clone() {
                    let profile = self.workspace.active_tab().profile.clone();
                    let paths: Vec<_> = self
                        .ui
                        .scenarios
                        .entries
                        .iter()
                        .filter(|entry| entry.scenario.is_ok())
                        .map(|entry| entry.path.clone())
                        .collect();
                    for path in paths {
                        self.ui.scenarios.start(&ctx, path, profile.clone(), self.workspace.profiles.clone());
                    }
                }
            }
            UiAction::ChooseRecording => {
                if let Some(ctx) = &self.ctx {
                    self.files.choose_recording(ctx);
                }
            }
            UiAction::StartReplay => self.start_replay(),
            UiAction::ListMockFiles => {
                if let (Some(ctx), Some(folder)) = (&self.ctx, self.ui.mocks.folder.clone()) {
                    self.ui.mocks.listing = true;
                    self.files.list_mock_files(ctx, folder);
                }
            }
            UiAction::ReloadMocks => self.workspace.active_tab_mut().mocks.reload(),
            UiAction::AddMockFile => {
                if let Some(ctx) = &self.ctx {
                    self.files.choose_mock_file(ctx);
                }
            }
            UiAction::ToggleMock { path, on } => self.workspace.toggle_mock(path, on),
            UiAction::SparkplugRebirth { group, node } => match self.workspace.sparkplug_rebirth(&group, &node) {
                Ok(command) => self.send(command),
                Err(error) => self.ui.composer.error = Some(error.to_string()),
            },
            UiAction::BrowseTlsFile { file } => {
                if let Some(ctx) = &self.ctx {
                    self.files.choose_tls_file(ctx, file);
                }
            }
            UiAction::CancelPathPrompt => self.ui.path_prompt = None,
            UiAction::FollowNewest => {
                self.ui.log.follow = true;
                self.ui.log.jump_to_newest = true;
            }
            UiAction::ClearLog => {
                self.workspace.store.clear();
                self.workspace.active_tab_mut().tree.clear();
                self.ui.tree.expanded.clear();
                self.ui.log.selected_topic = None;
                self.ui.log.selected_message = None;
                self.ui.inspector.cache = None;
                self.ui.history.diff_picks.clear();
                self.ui.history.diff_cache = None;
            }
            UiAction::SelectMessage { seq } => {
                if let Some(message) = seq.and_then(|seq| self.workspace.store.get(seq)) {
                    let decoder =
                        self.workspace.tab(message.tab).map(|tab| tab.decoding.decoders().decoder_for(message.topic));
                    self.ui.inspector.tab = match (self.ui.inspector.views.get(message.topic).copied(), decoder) {
                        (Some(remembered), _) => remembered,
                        // A rule that decodes opens the decoded view.
                        (None, Some(PayloadDecoder::Image)) => InspectorTab::Image,
                        (None, Some(PayloadDecoder::Hex | PayloadDecoder::Raw)) => InspectorTab::Hex,
                        (None, Some(decoder)) if !matches!(decoder, PayloadDecoder::Auto | PayloadDecoder::Text) => {
                            InspectorTab::Decoded
                        }
                        (None, _) => crate::ui::inspector::view_for(message.payload, self.ui.inspector.tab),
                    };
                }
                self.ui.log.selected_message = seq;
                self.ui.log.follow = self.ui.log.follow && seq.is_none();
            }
            UiAction::StartBroker => {
                let command = self.workspace.start_embedded_broker(self.options.broker.clone(), false);
                self.send(command);
            }
            UiAction::StartBrokerDiscardingDamagedState => {
                let config =
                    crate::core::broker::BrokerConfig { discard_damaged_state: true, ..self.options.broker.clone() };
                let command = self.workspace.start_embedded_broker(config, false);
                self.send(command);
            }
            UiAction::StopBroker => {
                let command = self.workspace.stop_embedded_broker();
                self.send(command);
            }
            UiAction::DisconnectBrokerClient { client_id } => self.send(Command::DisconnectBrokerClient(client_id)),
            UiAction::ClearBrokerLog => {
                if let crate::core::engine::BrokerState::Running { monitor, .. } = &self.workspace.broker {
                    monitor.clear_log();
                }
            }
            UiAction::ApplyBrokerSettings { config } => {
                self.ui.broker_panel.message = None;
                match (&self.options.broker_settings_path, settings::settings_to_ron(&config)) {
                    (Some(path), Ok(text)) => self.save_private_file(SaveKind::BrokerSettings, path.clone(), text),
                    (Some(_), Err(error)) => {
                        self.ui.broker_panel.message = Some(self.trf(Tr::RestartedNotSaved, &[("error", &error)]));
                    }
                    (None, _) => self.ui.broker_panel.message = Some(self.tr(Tr::RestartedNoConfigFolder).to_owned()),
                }
                self.ui.broker_panel.draft = Some(settings::SettingsDraft::from_config(&config));
                self.options.broker = *config;
                let command = self.workspace.start_embedded_broker(self.options.broker.clone(), false);
                self.send(command);
            }
            UiAction::ImportBrokerSettings => {
                if let Some(ctx) = &self.ctx {
                    self.files.import_broker_settings_with_dialog(ctx);
                }
            }
        }
        self.refresh_log_view();
    }

    /// Opens (or closes, with None) the history panel of a topic.
    pub(super) fn open_history(&mut self, topic: Option<String>) {
        if topic != self.ui.history.topic {
            self.ui.history.diff_picks.clear();
            self.ui.history.diff_cache = None;
            self.ui.history.view = FilteredView::default();
            self.ui.history.hovered = false;
        }
        self.ui.history.topic = topic;
    }

    /// Selection and filters belong to a tab's view; start clean on switch.
    pub(super) fn reset_tab_view(&mut self) {
        self.open_history(None);
        self.ui.log.selected_subscription = None;
        self.ui.log.selected_topic = None;
        self.ui.tree.expanded.clear();
        self.ui.log.selected_message = None;
        self.ui.inspector.cache = None;
        self.ui.subscribe.error = None;
        self.ui.composer.error = None;
        self.ui.connection.error = None;
    }
}
