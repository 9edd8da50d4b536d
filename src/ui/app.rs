//! The eframe application shell: owns the engine handle, the workspace
//! model and the UI-only state; drains engine events in `logic` under a
//! time budget; lays out the panels in `ui` and applies their actions once
//! per frame.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::core::broker::BrokerConfig;
use crate::core::engine::{Command, ConnectionState, Engine, SendError};
use crate::core::export::{ExportJob, ExportState};
use crate::core::mqtt::{Direction, Qos};
use crate::core::profile::{self, ConnectionProfile};
use crate::core::profile_exchange;
use crate::core::saved_messages::{self, SavedMessage, SavedMessages};
use crate::core::store::{FilteredView, LogFilter, StoreLimits, ViewProgress};
use crate::core::topic::validate_topic_filter;
use crate::core::workspace::Workspace;
use crate::ui::action::UiAction;
use crate::ui::file_tasks::{FileOutcome, FileTasks};
use crate::ui::fonts::{self, FallbackFonts};
use crate::ui::i18n::{self, Language, Tr, Words};
use crate::ui::notifications::{self, Toasts};
use crate::ui::prefs::Preferences;
use crate::ui::shortcuts::{self, ShortcutAction};
use crate::ui::state::{ExportProgress, LeftPanel, UiState};
use crate::ui::{
    broker_panel, broker_status, charts, composer, connection, history, inspector, log, menu, profile_editor,
    saved_panel, status_bar, subscriptions, tabs, theme, topic_tree,
};

/// Longest `logic` may spend applying engine events in one frame.
pub const EVENT_BUDGET: Duration = Duration::from_millis(6);
/// Longest a filter rescan may take per frame (it continues next frame).
pub const FILTER_SCAN_BUDGET: Duration = Duration::from_millis(3);
/// Longest a running export may copy rows per frame.
pub const EXPORT_BUDGET: Duration = Duration::from_millis(4);

/// How the app starts.
#[derive(Debug, Clone)]
pub struct AppOptions {
    /// Start the embedded broker and connect to it on launch.
    pub start_embedded_broker: bool,
    /// Where the embedded broker listens.
    pub broker: BrokerConfig,
    /// Where profiles are saved; `None` disables saving.
    pub profile_dir: Option<PathBuf>,
    /// Store caps.
    pub limits: StoreLimits,
    /// Profile to select (by name) instead of the embedded broker's.
    pub initial_profile: Option<ConnectionProfile>,
    /// Connect the initial profile at start (when not using the embedded broker).
    pub connect_on_start: bool,
    /// Where the broker panel saves its settings; `None` disables saving.
    pub broker_settings_path: Option<PathBuf>,
    /// Why the saved broker settings could not be used (shown as a notice).
    pub broker_settings_problem: Option<String>,
    /// Theme chosen on the command line (overrides and updates the preferences).
    pub theme: Option<crate::ui::prefs::ThemeChoice>,
    /// Language chosen on the command line (overrides and updates the preferences).
    pub language: Option<Language>,
    /// Print "first frame" on stdout once the first frame is on screen, then
    /// close: the start-up benchmark times this from outside the process.
    pub exit_after_first_frame: bool,
    /// The former name's settings copied at this start (said once, as a notice).
    pub carried_over: Option<crate::core::legacy_migration::MigrationReport>,
}

impl Default for AppOptions {
    fn default() -> Self {
        Self {
            start_embedded_broker: true,
            broker: BrokerConfig::default(),
            profile_dir: profile::default_profile_dir(),
            limits: StoreLimits::default(),
            initial_profile: None,
            connect_on_start: false,
            broker_settings_path: None,
            broker_settings_problem: None,
            theme: None,
            language: None,
            exit_after_first_frame: false,
            carried_over: None,
        }
    }
}

/// The topicscope application.
pub struct TopicscopeApp {
    /// The model.
    pub workspace: Workspace,
    /// UI-only state.
    pub ui: UiState,
    engine: Option<Engine>,
    options: AppOptions,
    actions: Vec<UiAction>,
    files: FileTasks,
    ctx: Option<egui::Context>,
    frames_begun: u64,
    /// Theme, language, zoom and open tabs, remembered by eframe.
    pub prefs: Preferences,
    /// The language the system asks for (when the user has not chosen).
    system_language: Language,
    /// The system font fallback (None without a window).
    fonts: Option<Arc<FallbackFonts>>,
    toasts: Toasts,
    export: Option<ExportJob>,
    /// Saved messages and where they are written (None: nowhere).
    pub saved: SavedMessages,
    saved_path: Option<PathBuf>,
}

impl TopicscopeApp {
    /// Builds the app for eframe (or kittest's `build_eframe`).
    pub fn new(cc: &eframe::CreationContext<'_>, options: AppOptions) -> Self {
        let ctx = cc.egui_ctx.clone();
        let mut app =
            Self::with_repaint(Arc::new(move || ctx.request_repaint_after(Duration::from_millis(10))), options);
        app.ctx = Some(cc.egui_ctx.clone());
        app.prefs = Preferences::load(cc.storage);
        if let Some(theme) = app.options.theme {
            app.prefs.theme = theme;
        }
        if let Some(language) = app.options.language {
            app.prefs.language = Some(language);
        }
        theme::install(&cc.egui_ctx, &app.prefs);
        let language = app.prefs.language_or(app.system_language);
        i18n::set_language(&cc.egui_ctx, language);
        app.fonts = Some(fonts::install(&cc.egui_ctx, language));
        let restored = app.workspace.restore_tabs(&app.prefs.open_profiles);
        if restored > 0 {
            tracing::info!("reopened {restored} connection tabs from the last run");
        }
        app
    }

    /// Builds the app with an explicit waker (used by tests and benchmarks).
    pub fn with_repaint(waker: Arc<dyn Fn() + Send + Sync>, options: AppOptions) -> Self {
        let mut profiles = profile::shipped_profiles();
        let mut load_errors = Vec::new();
        if let Some(dir) = &options.profile_dir {
            let (saved, errors) = profile::load_profiles(dir);
            load_errors = errors;
            for saved_profile in saved {
                match profiles.iter_mut().find(|p| p.name == saved_profile.name) {
                    Some(existing) => *existing = saved_profile,
                    None => profiles.push(saved_profile),
                }
            }
        }
        let mut workspace = Workspace::new(profiles, options.limits);
        let saved_path = options.profile_dir.as_deref().map(saved_messages::default_path);
        let saved = match saved_path.as_deref().map(SavedMessages::load) {
            Some(Ok(saved)) => saved,
            Some(Err(error)) => {
                workspace.error(error.to_string());
                SavedMessages::default()
            }
            None => SavedMessages::default(),
        };
        if let Some(report) = &options.carried_over {
            let profiles = report.profiles.to_string();
            let from = report.from.display().to_string();
            workspace.notice(i18n::fill(
                Tr::SettingsCarriedOver.text(Language::from_system()),
                &[("profiles", &profiles), ("from", &from)],
            ));
        }
        if let Some(problem) = &options.broker_settings_problem {
            workspace
                .notice(i18n::fill(Tr::BrokerSettingsNotUsed.text(Language::from_system()), &[("problem", problem)]));
        }
        for error in load_errors {
            workspace.error(i18n::fill(Tr::ProfileNotLoaded.text(Language::from_system()), &[("error", &error)]));
            workspace.profile_problems.push(error.to_string());
        }
        if let Some(initial) = &options.initial_profile {
            workspace.active_tab_mut().profile = initial.clone();
        }
        let engine = match Engine::start(waker) {
            Ok(engine) => Some(engine),
            Err(error) => {
                workspace.notice(error.to_string());
                None
            }
        };
        let mut app = Self {
            workspace,
            ui: UiState::default(),
            engine,
            options,
            actions: Vec::new(),
            files: FileTasks::default(),
            ctx: None,
            frames_begun: 0,
            prefs: Preferences::default(),
            system_language: Language::from_system(),
            fonts: None,
            toasts: Toasts::default(),
            export: None,
            saved,
            saved_path,
        };
        if app.options.start_embedded_broker {
            let connect = app.options.initial_profile.is_none();
            let command = app.workspace.start_embedded_broker(app.options.broker.clone(), connect);
            app.send(command);
        }
        if app.options.connect_on_start && app.options.initial_profile.is_some() {
            app.apply_action(UiAction::Connect);
        }
        if app.workspace.active_tab().subscriptions.is_empty() {
            // A useful start: see everything on the broker.
            let _ = app.workspace.subscribe("#", Qos::AtMostOnce);
        }
        app
    }

    /// Sends a command to the engine; a refusal becomes a visible notice.
    fn send(&mut self, command: Command) {
        let result = match &self.engine {
            Some(engine) => engine.send(command),
            None => Err(SendError::Stopped),
        };
        if let Err(error) = result {
            self.workspace.notice(error.to_string());
        }
    }

    /// Applies pending engine events for at most `budget`; returns true if
    /// more are waiting.
    pub fn drain_events(&mut self, budget: Duration) -> bool {
        let started = Instant::now();
        let Some(engine) = self.engine.as_mut() else {
            return false;
        };
        let mut follow_up = Vec::new();
        let mut more = false;
        while let Some(event) = engine.try_recv() {
            follow_up.extend(self.workspace.apply(event));
            if started.elapsed() >= budget {
                more = true;
                break;
            }
        }
        for command in follow_up {
            self.send(command);
        }
        self.refresh_log_view();
        more
    }

    fn refresh_log_view(&mut self) {
        let topic_filter = match &self.ui.log.selected_topic {
            Some(topic) => Some(format!("{topic}/#")),
            None => self
                .ui
                .log
                .selected_subscription
                .and_then(|id| self.workspace.subscription(id))
                .map(|subscription| subscription.filter.clone()),
        };
        if self.ui.log.selected_subscription.is_some() && topic_filter.is_none() {
            self.ui.log.selected_subscription = None;
        }
        let typed = self.ui.log.topic_filter.trim();
        let typed = (!typed.is_empty() && validate_topic_filter(typed).is_ok()).then(|| typed.to_owned());
        self.ui.log.view.set_filter(LogFilter {
            search: self.ui.log.search.clone(),
            search_is_regex: self.ui.log.search_regex,
            topic_filters: topic_filter.into_iter().chain(typed).collect(),
            tab: (!self.ui.log.all_tabs).then_some(self.workspace.active_tab().id),
            direction: self.ui.log.direction,
            qos: self.ui.log.qos,
            retained_only: self.ui.log.retained_only,
        });
        let paused = self.ui.log.paused;
        self.ui.log.view.set_paused(&self.workspace.store, paused);
        let progress = self.ui.log.view.refresh_within(&self.workspace.store, FILTER_SCAN_BUDGET);
        self.ui.log.view_progress = (progress != ViewProgress::Complete).then_some(progress);
        if let Some(topic) = &self.ui.history.topic {
            self.ui.history.view.set_filter(LogFilter {
                topic_filters: vec![topic.clone()],
                tab: Some(self.workspace.active_tab().id),
                direction: Some(Direction::Incoming),
                ..LogFilter::default()
            });
            let progress = self.ui.history.view.refresh_within(&self.workspace.store, FILTER_SCAN_BUDGET);
            if progress != ViewProgress::Complete {
                self.ui.log.view_progress = Some(progress);
            }
        }
    }

    /// Applies one UI action (panels queue these; tests may call it).
    pub fn apply_action(&mut self, action: UiAction) {
        match action {
            UiAction::Connect if self.workspace.active_tab().profile.needs_password_prompt() => {
                self.ui.connection.password_prompt = Some(String::new());
            }
            UiAction::ConnectWithPassword { password } => {
                self.ui.connection.password_prompt = None;
                self.workspace.active_tab_mut().profile.password = password;
                self.apply_action(UiAction::Connect);
                // Asked for each time: forget it once used.
                self.workspace.active_tab_mut().profile.password.clear();
            }
            UiAction::Connect => match self.workspace.connect() {
                Ok(commands) => {
                    self.ui.connection.error = None;
                    for command in commands {
                        self.send(command);
                    }
                }
                Err(error) => self.ui.connection.error = Some(error.to_string()),
            },
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
                self.ui.profiles.message = Some(match &self.options.profile_dir {
                    Some(dir) => match profile::save_profile(dir, &self.workspace.active_tab().profile) {
                        Ok(path) => {
                            let saved = self.workspace.active_tab().profile.clone();
                            match self.workspace.profiles.iter_mut().find(|p| p.name == saved.name) {
                                Some(existing) => *existing = saved,
                                None => self.workspace.profiles.push(saved),
                            }
                            self.trf(Tr::SavedTo, &[("path", &path.display())])
                        }
                        Err(error) => self.trf(Tr::NotSaved, &[("error", &error)]),
                    },
                    None => self.tr(Tr::NotSavedNoConfigFolder).to_owned(),
                });
            }
            UiAction::Subscribe => {
                let filter = self.ui.subscribe.filter.clone();
                match self.workspace.subscribe(&filter, self.ui.subscribe.qos) {
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
                charts::add_series(&mut self.workspace, &mut self.ui, topic, pointer);
            }
            UiAction::RemoveChart { key } => self.workspace.active_tab_mut().charts.remove(&key),
            UiAction::ClearCharts => self.workspace.active_tab_mut().charts.clear_points(),
            UiAction::SubscribeSys => match self.workspace.subscribe(broker_status::SYS_FILTER, Qos::AtMostOnce) {
                Ok(Some(command)) => self.send(command),
                Ok(None) => {}
                Err(error) => self.workspace.error(self.trf(Tr::CannotSubscribeSys, &[("error", &error)])),
            },
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
                match profile_exchange::export_bundle(&profiles, self.ui.profiles.export_secrets) {
                    Ok(text) => {
                        if let Some(ctx) = &self.ctx {
                            self.files.export_with_dialog(ctx, text, file_name);
                        }
                    }
                    Err(error) => self.ui.profiles.message = Some(self.trf(Tr::NotExported, &[("error", &error)])),
                }
            }
            UiAction::Publish => match self.workspace.publish() {
                Ok(commands) => {
                    self.ui.composer.error = None;
                    for command in commands {
                        self.send(command);
                    }
                }
                Err(error) => self.ui.composer.error = Some(error.to_string()),
            },
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
            UiAction::PublishSaved { collection, index } => {
                if let Some(message) = self.saved.get(collection, index) {
                    match self.workspace.publish_draft(&message.to_draft()) {
                        Ok(commands) => {
                            self.ui.composer.error = None;
                            for command in commands {
                                self.send(command);
                            }
                        }
                        Err(error) => self.ui.composer.error = Some(error.to_string()),
                    }
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
                match self.workspace.start_repeat(self.ui.composer.repeat_interval_ms, count) {
                    Ok(command) => {
                        self.ui.composer.error = None;
                        self.send(command);
                    }
                    Err(error) => self.ui.composer.error = Some(error.to_string()),
                }
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
                match started {
                    Ok(command) => {
                        self.ui.composer.error = None;
                        self.send(command);
                    }
                    Err(error) => self.ui.composer.error = Some(error.to_string()),
                }
            }
            UiAction::StopRepeat { job } => {
                let command = self.workspace.stop_repeat(job);
                self.send(command);
            }
            UiAction::DismissRepeat { job } => {
                self.workspace.repeats.remove(&job);
            }
            UiAction::ClearRetainedOnDraftTopic => match self.workspace.clear_retained_on_draft_topic() {
                Ok(command) => {
                    self.ui.composer.error = None;
                    self.send(command);
                }
                Err(error) => self.ui.composer.error = Some(error.to_string()),
            },
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
                let topic = seq.and_then(|seq| self.workspace.store.get(seq)).map(|message| message.topic.to_string());
                if let Some(tab) = topic.and_then(|topic| self.ui.inspector.views.get(&topic).copied()) {
                    self.ui.inspector.tab = tab;
                }
                self.ui.log.selected_message = seq;
                self.ui.log.follow = self.ui.log.follow && seq.is_none();
            }
            UiAction::StartBroker => {
                let command = self.workspace.start_embedded_broker(self.options.broker.clone(), false);
                self.send(command);
            }
            UiAction::StopBroker => self.send(Command::StopBroker),
            UiAction::DisconnectBrokerClient { client_id } => self.send(Command::DisconnectBrokerClient(client_id)),
            UiAction::ClearBrokerLog => {
                if let crate::core::engine::BrokerState::Running { monitor, .. } = &self.workspace.broker {
                    monitor.clear_log();
                }
            }
            UiAction::ApplyBrokerSettings { config } => {
                let saved = match &self.options.broker_settings_path {
                    Some(path) => match crate::core::broker::settings::save_settings(path, &config) {
                        Ok(()) => self.trf(Tr::SavedAndRestarted, &[("path", &path.display())]),
                        Err(error) => self.trf(Tr::RestartedNotSaved, &[("error", &error)]),
                    },
                    None => self.tr(Tr::RestartedNoConfigFolder).to_owned(),
                };
                self.ui.broker_panel.message = Some(saved);
                self.ui.broker_panel.draft = Some(crate::core::broker::settings::SettingsDraft::from_config(&config));
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

    /// Exports the rows a view shows (as filtered) through a save dialog.
    fn export_rows(&self, view: &FilteredView) {
        if let Some(ctx) = &self.ctx {
            self.files.pick_export_path(ctx, view.filter().clone());
        }
    }

    /// Starts streaming the messages a filter selects to a file (JSON Lines,
    /// or CSV for `.csv`); progress shows in the status bar until it ends.
    pub fn start_export(&mut self, path: &std::path::Path, filter: LogFilter) {
        if let Some(mut running) = self.export.take() {
            running.cancel();
        }
        match ExportJob::start(path, filter, &self.workspace.store) {
            Ok(job) => {
                tracing::info!("exporting messages to {}", path.display());
                self.export = Some(job);
            }
            Err(error) => self.workspace.error(self.trf(Tr::ExportFailed, &[("error", &error)])),
        }
    }

    /// Moves a running export on by one frame's slice and reports its end.
    fn step_export(&mut self, ctx: &egui::Context) {
        let Some(job) = self.export.as_mut() else {
            self.ui.status.export_progress = None;
            return;
        };
        let state = job.step(&self.workspace.store, EXPORT_BUDGET);
        let file = job.path().file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
        let (path, missed) = (job.path().display().to_string(), job.missed());
        match state {
            ExportState::Running { copied, written } => {
                self.ui.status.export_progress = Some(ExportProgress { file, copied, written });
                ctx.request_repaint();
                return;
            }
            ExportState::Finished { written } => {
                let mut text = self.trf(Tr::ExportedMessages, &[("n", &written), ("path", &path)]);
                if missed > 0 {
                    text.push_str(&self.trf(Tr::ExportMissed, &[("n", &missed)]));
                }
                tracing::info!("{text}");
                self.toasts.success(&text);
                self.ui.profiles.message = Some(text);
            }
            ExportState::Cancelled => self.toasts.success(self.tr(Tr::ExportCancelled)),
            ExportState::Failed(error) => self.workspace.error(self.trf(Tr::ExportFailed, &[("error", &error)])),
        }
        self.export = None;
        self.ui.status.export_progress = None;
    }

    /// Opens (or closes, with None) the history panel of a topic.
    fn open_history(&mut self, topic: Option<String>) {
        if topic != self.ui.history.topic {
            self.ui.history.diff_picks.clear();
            self.ui.history.diff_cache = None;
            self.ui.history.view = FilteredView::default();
        }
        self.ui.history.topic = topic;
    }

    /// Selection and filters belong to a tab's view; start clean on switch.
    fn reset_tab_view(&mut self) {
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

    /// Writes the saved messages after a change (atomic; a failure is shown).
    /// Adds shared saved messages (read from a file) beside the user's own,
    /// saves them and says what was added and renamed.
    pub fn import_saved(&mut self, imported: SavedMessages) {
        let profiles: Vec<String> = self.workspace.profiles.iter().map(|profile| profile.name.clone()).collect();
        let report = self.saved.merge(imported, &profiles);
        self.write_saved();
        let args: [(&str, &dyn std::fmt::Display); 2] =
            [("collections", &report.collections), ("messages", &report.messages)];
        let mut message = self.trf(Tr::SavedImported, &args);
        for note in &report.notes {
            message.push_str("\n• ");
            message.push_str(note);
        }
        self.workspace.notice(message.clone());
        self.ui.saved.message = Some(message);
    }

    fn write_saved(&mut self) {
        let Some(path) = &self.saved_path else { return };
        self.ui.saved.message = Some(match self.saved.save(path) {
            Ok(()) => self.trf(Tr::SavedMessagesSavedTo, &[("path", &path.display())]),
            Err(error) => {
                let text = self.trf(Tr::SavedMessagesNotSaved, &[("error", &error)]);
                self.workspace.error(text.clone());
                text
            }
        });
    }

    /// Toasts on screen now (for tests: toasts are painted, not widgets).
    pub fn toasts_on_screen(&self) -> usize {
        self.toasts.len()
    }

    /// Number of rows the log currently shows (for tests).
    pub fn visible_log_rows(&self) -> usize {
        self.ui.log.view.len(&self.workspace.store)
    }

    /// Applies finished imports and exports.
    fn collect_file_tasks(&mut self) {
        for outcome in self.files.finished() {
            match outcome {
                FileOutcome::Imported(Ok(report)) => {
                    let added = self.workspace.add_imported(report, "profiles");
                    let mut saved = 0;
                    if let Some(dir) = &self.options.profile_dir {
                        for profile in &added {
                            match profile::save_profile(dir, profile) {
                                Ok(_) => saved += 1,
                                Err(error) => {
                                    self.workspace.error(self.trf(Tr::ImportedProfileNotSaved, &[("error", &error)]))
                                }
                            }
                        }
                    }
                    self.ui.profiles.message =
                        Some(self.trf(Tr::ImportedProfiles, &[("n", &added.len()), ("saved", &saved)]));
                }
                FileOutcome::Imported(Err(error)) => {
                    let message = self.trf(Tr::ImportFailed, &[("error", &error)]);
                    self.workspace.error(message.clone());
                    self.ui.profiles.message = Some(message);
                }
                FileOutcome::Exported(Ok(path)) => {
                    let message = self.trf(Tr::ExportedTo, &[("path", &path.display())]);
                    self.workspace.notice(message.clone());
                    self.ui.profiles.message = Some(message);
                }
                FileOutcome::Exported(Err(error)) => {
                    let message = self.trf(Tr::ExportFailed, &[("error", &error)]);
                    self.workspace.error(message.clone());
                    self.ui.profiles.message = Some(message);
                }
                FileOutcome::ExportMessagesTo(path, filter) => self.start_export(&path, *filter),
                FileOutcome::SavedMessagesRead(Ok(imported)) => self.import_saved(imported),
                FileOutcome::SavedMessagesRead(Err(error)) => {
                    let message = self.trf(Tr::ImportFailed, &[("error", &error)]);
                    self.workspace.error(message.clone());
                    self.ui.saved.message = Some(message);
                }
                FileOutcome::BrokerSettings(Ok((config, notes))) => {
                    self.ui.broker_panel.draft =
                        Some(crate::core::broker::settings::SettingsDraft::from_config(&config));
                    let mut message = self.tr(Tr::BrokerSettingsLoaded).to_owned();
                    for note in notes {
                        message.push_str("\n• ");
                        message.push_str(&note);
                    }
                    self.ui.broker_panel.message = Some(message);
                }
                FileOutcome::BrokerSettings(Err(error)) => {
                    self.ui.broker_panel.message = Some(self.trf(Tr::NotLoaded, &[("error", &error)]));
                }
            }
        }
    }

    /// The language the interface speaks now.
    fn language(&self) -> Language {
        self.prefs.language_or(self.system_language)
    }

    /// A catalogue entry in the interface language (for messages made
    /// outside drawing, e.g. when a file task finishes).
    fn tr(&self, key: Tr) -> &'static str {
        key.text(self.language())
    }

    /// A catalogue entry with its placeholders filled.
    fn trf(&self, key: Tr, args: &[(&str, &dyn std::fmt::Display)]) -> String {
        i18n::fill(self.tr(key), args)
    }

    /// Is any dialog window open (so Escape has something to close)?
    fn dialog_open(&self) -> bool {
        let ui = &self.ui;
        ui.connection.password_prompt.is_some()
            || ui.retained.pending.is_some()
            || ui.windows.show_shortcuts
            || ui.windows.show_about
            || ui.windows.show_notices
            || ui.windows.show_app_log
            || ui.profiles.open
            || ui.retained.open
            || ui.windows.show_broker_status
            || ui.charts.open
            || ui.windows.show_broker_panel
    }

    /// Escape closes the front-most dialog: a question first, then the
    /// small windows, then the big ones.
    fn close_front_dialog(&mut self) {
        let ui = &mut self.ui;
        if ui.connection.password_prompt.take().is_some() || ui.retained.pending.take().is_some() {
            return;
        }
        for open in [
            &mut ui.windows.show_shortcuts,
            &mut ui.windows.show_about,
            &mut ui.windows.show_notices,
            &mut ui.windows.show_app_log,
            &mut ui.profiles.open,
            &mut ui.retained.open,
            &mut ui.windows.show_broker_status,
            &mut ui.charts.open,
            &mut ui.windows.show_broker_panel,
        ] {
            if std::mem::take(open) {
                return;
            }
        }
    }

    fn handle_shortcuts(&mut self, ctx: &egui::Context) {
        for action in shortcuts::pressed(ctx, self.dialog_open()) {
            match action {
                ShortcutAction::Publish => self.actions.push(UiAction::Publish),
                ShortcutAction::SearchLog => self.ui.log.focus_search = true,
                ShortcutAction::NewConnection => self.actions.push(UiAction::NewTab),
                ShortcutAction::CloseConnection => self.actions.push(UiAction::CloseActiveTab),
                ShortcutAction::ClearLog => self.actions.push(UiAction::ClearLog),
                ShortcutAction::ShowShortcuts => self.ui.windows.show_shortcuts = true,
                ShortcutAction::CloseDialog => self.close_front_dialog(),
            }
        }
    }

    /// Once ever: CJK text was shown and the system has no font for it.
    fn hint_missing_cjk_font(&mut self, ctx: &egui::Context) {
        if self.prefs.cjk_hint_shown || !self.fonts.as_ref().is_some_and(|fonts| fonts.missing_cjk()) {
            return;
        }
        self.prefs.cjk_hint_shown = true;
        let hint = format!("{} {}", ctx.tr(Tr::NoCjkFont), ctx.tr(fonts::cjk_font_advice()));
        self.workspace.notice(hint);
    }
}

impl TopicscopeApp {
    /// The per-frame model work (engine events, file tasks, repaint
    /// scheduling); eframe calls it through [`eframe::App::logic`], the
    /// frame-time benchmark calls it on a bare `egui::Context`.
    pub fn update_model(&mut self, ctx: &egui::Context) {
        self.frames_begun += 1;
        if self.options.exit_after_first_frame {
            if self.frames_begun == 1 {
                // A second frame begins only after the first was presented.
                ctx.request_repaint();
            } else if self.frames_begun == 2 {
                use std::io::Write as _;
                let mut stdout = std::io::stdout();
                let _ = writeln!(stdout, "first frame");
                let _ = stdout.flush();
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
        }
        self.collect_file_tasks();
        self.ui.status.importing = self.files.importing();
        if self.ui.status.importing > 0 {
            ctx.request_repaint_after(Duration::from_millis(100));
        }
        self.step_export(ctx);
        let dropped: Vec<PathBuf> =
            ctx.input(|input| input.raw.dropped_files.iter().map(|file| file.path().to_path_buf()).collect());
        if !dropped.is_empty() {
            self.apply_action(UiAction::ImportPaths { paths: dropped });
        }
        if self.drain_events(EVENT_BUDGET) {
            ctx.request_repaint();
        }
        if self.ui.log.view_progress.is_some() {
            ctx.request_repaint();
        }
        match self.workspace.active_tab().state {
            // The countdown and rates change without events.
            ConnectionState::Reconnecting { .. } => ctx.request_repaint_after(Duration::from_millis(250)),
            _ => {
                let now = self.workspace.now_ms();
                if self.workspace.rate_in.per_second(now) > 0 || self.workspace.rate_out.per_second(now) > 0 {
                    ctx.request_repaint_after(Duration::from_millis(250));
                }
            }
        }
    }

    /// Lays out every panel and applies what they asked for; eframe calls
    /// it through [`eframe::App::ui`], the frame-time benchmark directly.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        let language = self.language();
        i18n::set_language(&ctx, language);
        if self.fonts.as_ref().is_some_and(|fonts| fonts.language() != language) {
            // Han characters shared by Chinese and Japanese take the glyph
            // shapes of the interface language.
            self.fonts = Some(fonts::reinstall(&ctx, language));
        }
        self.handle_shortcuts(&ctx);
        self.hint_missing_cjk_font(&ctx);
        let mut actions = std::mem::take(&mut self.actions);
        egui::Panel::top("menu").show(ui, |ui| {
            menu::menu_bar_ui(ui, &mut self.prefs, &mut self.ui, &mut actions);
        });
        egui::Panel::top("tabs").show(ui, |ui| {
            tabs::tabs_ui(ui, &self.workspace, &mut actions);
        });
        egui::Panel::top("connection").show(ui, |ui| {
            connection::connection_ui(ui, &mut self.workspace, &self.ui, &mut actions);
        });
        egui::Panel::bottom("status").show(ui, |ui| {
            status_bar::status_bar_ui(ui, &mut self.workspace, &mut self.ui, self.engine.as_ref(), &mut actions);
        });
        let mut composer_panel = egui::Panel::bottom("composer").resizable(true).default_size(210.0);
        if let Some(height) = self.ui.composer.restore_height.take() {
            composer_panel = composer_panel.exact_size(height);
        }
        let composer = composer_panel.show(ui, |ui| {
            composer::composer_ui(ui, &mut self.workspace, &mut self.ui, &mut actions);
        });
        self.ui.composer.height = composer.response.rect.height();
        egui::Panel::left("subscriptions").resizable(true).default_size(theme::SUBSCRIPTIONS_PANEL_WIDTH).show(
            ui,
            |ui| {
                ui.horizontal(|ui| {
                    ui.selectable_value(&mut self.ui.left_panel, LeftPanel::Subscriptions, ui.tr(Tr::Subscriptions));
                    ui.selectable_value(&mut self.ui.left_panel, LeftPanel::TopicTree, ui.tr(Tr::TopicTree));
                    ui.selectable_value(&mut self.ui.left_panel, LeftPanel::Saved, ui.tr(Tr::Saved));
                });
                ui.horizontal(|ui| {
                    ui.toggle_value(&mut self.ui.charts.open, ui.tr(Tr::Charts)).on_hover_text(ui.tr(Tr::ChartsHint));
                    ui.toggle_value(&mut self.ui.windows.show_broker_status, ui.tr(Tr::BrokerStatus))
                        .on_hover_text(ui.tr(Tr::BrokerStatusHint));
                    ui.toggle_value(&mut self.ui.windows.show_broker_panel, ui.tr(Tr::BuiltInBroker))
                        .on_hover_text(ui.tr(Tr::BuiltInBrokerHint));
                });
                ui.separator();
                if self.ui.left_panel == LeftPanel::Saved {
                    saved_panel::saved_panel_ui(ui, &self.workspace, &self.saved, &mut self.ui, &mut actions);
                } else if self.ui.left_panel == LeftPanel::TopicTree {
                    topic_tree::topic_tree_ui(ui, &self.workspace, &mut self.ui, &mut actions);
                } else {
                    subscriptions::subscriptions_ui(ui, &self.workspace, &mut self.ui, &mut actions);
                }
            },
        );
        if self.ui.log.selected_message.is_some() {
            egui::Panel::right("inspector").resizable(true).default_size(theme::INSPECTOR_PANEL_WIDTH).show(ui, |ui| {
                inspector::inspector_ui(ui, &self.workspace, &mut self.ui, &mut actions);
            });
        }
        history::history_panel_ui(ui, &self.workspace, &mut self.ui, &mut actions);
        egui::CentralPanel::default().show(ui, |ui| {
            log::log_ui(ui, &self.workspace, &mut self.ui, &mut actions);
        });
        profile_editor::profile_editor_ui(ui.ctx(), &mut self.workspace, &mut self.ui, &mut actions);
        profile_editor::password_prompt_ui(ui.ctx(), &self.workspace, &mut self.ui, &mut actions);
        topic_tree::retained_manager_ui(ui.ctx(), &self.workspace, &mut self.ui, &mut actions);
        charts::charts_ui(ui.ctx(), &self.workspace, &mut self.ui, &mut actions);
        broker_status::broker_status_ui(ui.ctx(), &self.workspace, &mut self.ui, &mut actions);
        broker_panel::broker_panel_ui(ui.ctx(), &self.workspace, &self.options.broker, &mut self.ui, &mut actions);
        notifications::notifications_ui(&ctx, &mut self.workspace, &mut self.ui);
        menu::shortcuts_window_ui(&ctx, &mut self.ui);
        menu::about_window_ui(&ctx, &mut self.ui);
        menu::app_log_window_ui(&ctx, &mut self.prefs, &mut self.ui);
        self.toasts.show(&ctx, &self.workspace);
        for action in actions {
            self.apply_action(action);
        }
    }
}

impl eframe::App for TopicscopeApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.update_model(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.prefs.open_profiles = self.workspace.open_profile_names();
        if let Some(ctx) = &self.ctx {
            self.prefs.zoom = ctx.zoom_factor();
        }
        self.prefs.save(storage);
    }
}
