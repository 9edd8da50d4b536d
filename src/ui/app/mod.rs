//! The eframe application shell: owns the engine handle, the workspace
//! model and the UI-only state. One file per job: [`startup`] builds it,
//! [`frame`] drains engine events in `logic` under a time budget and lays
//! out the panels in `ui`, [`actions`] applies what the panels asked for,
//! [`files`] carries file work (saves, imports, exports) off the UI thread.

mod actions;
mod files;
mod frame;
mod replay;
mod startup;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::core::broker::BrokerConfig;
use crate::core::engine::{Command, Engine, SendError};
use crate::core::export::ExportJob;
use crate::core::fs::FileWriter;
use crate::core::profile::{self, ConnectionProfile};
use crate::core::saved_messages::SavedMessages;
use crate::core::store::StoreLimits;
use crate::core::workspace::Workspace;
use crate::core::workspace::{NoticeKind, NoticeLevel};
use crate::ui::action::UiAction;
use crate::ui::file_tasks::FileTasks;
use crate::ui::fonts::FallbackFonts;
use crate::ui::i18n::{self, Language};
use crate::ui::notifications::Toasts;
use crate::ui::prefs::Preferences;
use crate::ui::state::UiState;

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
    /// Show times as dashes (tests and screenshots that must not change
    /// from one run to the next).
    pub hide_clocks: bool,
    /// Use the system's file dialogs; off, every path is typed into the
    /// window (what happens anyway where the system has none).
    pub file_dialogs: bool,
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
            hide_clocks: false,
            file_dialogs: true,
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
    /// Writes profiles, saved messages and broker settings off the UI
    /// thread (None when its thread could not start: saves then say so).
    writer: Option<FileWriter<SaveKind>>,
    /// The latest profile import: profiles imported, and saved so far.
    imported: Option<(usize, usize)>,
}

/// What a queued file write is, so its result is reported where the user
/// looks for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum SaveKind {
    /// The profile editor's Save of a tab's profile, as written: once on
    /// disk, the tab's edits are saved.
    Profile {
        /// The tab whose profile it is.
        tab: crate::core::ids::TabId,
        /// The profile as written.
        saved: Box<crate::core::profile::ConnectionProfile>,
    },
    /// A profile brought in by an import.
    ImportedProfile,
    /// messages.ron after a change on the Saved page.
    SavedMessages,
    /// messages.ron after an import (whose summary stays on screen).
    ImportedSavedMessages,
    /// broker.ron from the broker panel's Apply.
    BrokerSettings,
}

impl TopicscopeApp {
    /// Sends a command to the engine; a refusal becomes a visible notice.
    pub(super) fn send(&mut self, command: Command) {
        let result = match &self.engine {
            Some(engine) => engine.send(command),
            None => Err(SendError::Stopped),
        };
        let kind = match result {
            Ok(()) => return,
            Err(SendError::Busy) => NoticeKind::EngineBusy,
            Err(SendError::Stopped) => NoticeKind::EngineStopped,
        };
        self.workspace.record_notice(NoticeLevel::Warning, kind);
    }

    /// The language the interface speaks now.
    pub(super) fn language(&self) -> Language {
        self.prefs.language_or(self.system_language)
    }

    /// A catalogue entry in the interface language (for messages made
    /// outside drawing, e.g. when a file task finishes).
    pub(super) fn tr(&self, key: impl i18n::Entry) -> &'static str {
        key.text(self.language())
    }

    /// A catalogue entry with its placeholders filled.
    pub(super) fn trf(&self, key: impl i18n::Entry, args: &[(&str, &dyn std::fmt::Display)]) -> String {
        i18n::fill(self.tr(key), args)
    }

    /// Toasts raised for notices since start (for tests).
    pub fn toasts_raised(&self) -> u64 {
        self.toasts.raised()
    }

    /// Toasts on screen now (for tests: toasts are painted, not widgets).
    pub fn toasts_on_screen(&self) -> usize {
        self.toasts.len()
    }

    /// Number of rows the log currently shows (for tests).
    pub fn visible_log_rows(&self) -> usize {
        self.ui.log.view.len(&self.workspace.store)
    }
}
