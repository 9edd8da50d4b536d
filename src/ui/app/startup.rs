//! Building the app: profiles from disk, saved messages, the engine, the
//! embedded broker and the start tab.
use std::sync::Arc;
use std::time::Duration;

use super::{AppOptions, TopicscopeApp};
use crate::core::engine::{Engine, EngineError};
use crate::core::fs::FileWriter;
use crate::core::mqtt::Qos;
use crate::core::profile::{self};
use crate::core::saved_messages::{self, SavedMessages};
use crate::core::workspace::Workspace;
use crate::core::workspace::{NoticeKind, NoticeLevel};
use crate::ui::action::UiAction;
use crate::ui::file_tasks::FileTasks;
use crate::ui::fonts::{self};
use crate::ui::i18n::{self, Language, Tr};
use crate::ui::notifications::Toasts;
use crate::ui::prefs::Preferences;
use crate::ui::state::UiState;
use crate::ui::theme;

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
        app.reopen_last_run();
        app
    }

    /// Reopens the last run's tabs and puts back the profile edits that
    /// were not saved (saying so; a profile given on the command line keeps
    /// the active tab). The preferences must be loaded.
    pub fn reopen_last_run(&mut self) {
        let restored = self.workspace.restore_tabs(&self.prefs.open_profiles);
        if restored > 0 {
            tracing::info!("reopened {restored} connection tabs from the last run");
        }
        let drafts = std::mem::take(&mut self.prefs.profile_drafts);
        let into_active = self.options.initial_profile.is_none();
        for name in self.workspace.restore_profile_drafts(drafts, into_active) {
            let text = self.trf(Tr::DraftRestored, &[("profile", &name)]);
            self.workspace.notice(text);
        }
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
        let mut saved_path = saved_path;
        let saved = match saved_path.as_deref().map(|path| (path, SavedMessages::load(path))) {
            Some((_, Ok(saved))) => saved,
            Some((path, Err(error))) => {
                // Never write over the only copy of the user's messages:
                // move it aside, or (when it cannot be moved) save nowhere.
                let kept = match crate::core::fs::set_aside_damaged(path) {
                    Ok(aside) => {
                        i18n::fill(Tr::DamagedFileKept.text(Language::from_system()), &[("path", &aside.display())])
                    }
                    Err(problem) => {
                        let kept = i18n::fill(
                            Tr::DamagedFileLeft.text(Language::from_system()),
                            &[("path", &path.display()), ("problem", &problem)],
                        );
                        saved_path = None;
                        kept
                    }
                };
                workspace.record_notice(NoticeLevel::Error, NoticeKind::SavedMessagesNotLoaded { error, kept });
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
            workspace.use_profile(initial.clone());
        }
        if workspace.active_tab().subscriptions.is_empty() {
            // A useful start: see everything on the broker (subscribed
            // before connecting, so the connect carries it).
            let _ = workspace.subscribe("#", Qos::AtMostOnce);
        }
        let writer = match FileWriter::start(waker.clone()) {
            Ok(writer) => Some(writer),
            Err(error) => {
                let reason = error.to_string();
                workspace.record_notice(NoticeLevel::Error, NoticeKind::FileWriterNotStarted { reason });
                None
            }
        };
        let engine = match Engine::start(waker) {
            Ok(engine) => Some(engine),
            Err(EngineError::Startup(reason)) => {
                workspace.record_notice(NoticeLevel::Error, NoticeKind::EngineNotStarted { reason });
                None
            }
        };
        let files = if options.file_dialogs { FileTasks::default() } else { FileTasks::without_dialogs() };
        let mut app = Self {
            workspace,
            ui: UiState::default(),
            engine,
            options,
            actions: Vec::new(),
            files,
            ctx: None,
            frames_begun: 0,
            prefs: Preferences::default(),
            system_language: Language::from_system(),
            fonts: None,
            toasts: Toasts::default(),
            export: None,
            saved,
            saved_path,
            writer,
            imported: None,
        };
        // Scenarios live beside the profiles (config/topicscope/scenarios).
        app.ui.scenarios.folder =
            app.options.profile_dir.as_deref().and_then(std::path::Path::parent).map(|dir| dir.join("scenarios"));
        // Mocks beside the scenarios that use them (scenarios/mocks).
        app.ui.mocks.folder = app.ui.scenarios.folder.as_ref().map(|folder| folder.join("mocks"));
        if app.options.start_embedded_broker {
            let connect = app.options.initial_profile.is_none();
            let command = app.workspace.start_embedded_broker(app.options.broker.clone(), connect);
            app.send(command);
        }
        if app.options.connect_on_start && app.options.initial_profile.is_some() {
            app.apply_action(UiAction::Connect);
        }
        app
    }
}
