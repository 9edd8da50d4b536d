//! File work the app starts and finishes: profiles, saved messages and
//! broker settings written by the file writer (off the UI thread) and their
//! results reported, imports and exports collected, a running export moved
//! on each frame.

use std::path::{Path, PathBuf};

use super::{EXPORT_BUDGET, SaveKind, TopicscopeApp};
use crate::core::export::{ExportJob, ExportState};
use crate::core::fs::{Destination, FileError, FileWriter, Privacy};
use crate::core::profile::{self};
use crate::core::saved_messages::SavedMessages;
use crate::core::store::{FilteredView, LogFilter};
use crate::ui::action::TlsFile;
use crate::ui::file_tasks::{FileOutcome, PathRequest};
use crate::ui::i18n::{Tr, TrDecode};
use crate::ui::state::{ExportProgress, PathPrompt};

impl TopicscopeApp {
    /// Exports the rows a view shows (as filtered) through a save dialog.
    pub(super) fn export_rows(&self, view: &FilteredView) {
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
        match ExportJob::start(path, filter, &self.workspace.store, self.workspace.export_decoders()) {
            Ok(job) => {
                tracing::info!("exporting messages to {}", path.display());
                self.export = Some(job);
            }
            Err(error) => self.workspace.error(self.trf(Tr::ExportFailed, &[("error", &error)])),
        }
    }

    /// Moves a running export on by one frame's slice and reports its end.
    pub(super) fn step_export(&mut self, ctx: &egui::Context) {
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

    /// Adds shared saved messages (read from a file) beside the user's own,
    /// saves them and says what was added and renamed.
    pub fn import_saved(&mut self, imported: SavedMessages) {
        let profiles: Vec<String> = self.workspace.profiles.iter().map(|profile| profile.name.clone()).collect();
        let report = self.saved.merge(imported, &profiles);
        self.write_saved_as(SaveKind::ImportedSavedMessages);
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

    /// Writes the saved messages after a change (atomic; a failure is shown).
    pub(super) fn write_saved(&mut self) {
        self.write_saved_as(SaveKind::SavedMessages);
    }

    fn write_saved_as(&mut self, kind: SaveKind) {
        let Some(path) = self.saved_path.clone() else { return };
        match self.saved.to_ron() {
            Ok(text) => self.save_file(kind, path, text),
            Err(error) => self.report_write(kind, &path, Err(error.to_string())),
        }
    }

    /// Hands a file to the writer thread (the window never waits for the
    /// disk); its result is reported where the user looks when it is done.
    pub(super) fn save_file(&mut self, kind: SaveKind, path: PathBuf, contents: impl Into<Vec<u8>>) {
        self.save_to(kind, Destination::File(path), Privacy::Shared, contents);
    }

    /// [`Self::save_file`] for a file holding secrets (owner-readable only).
    pub(super) fn save_private_file(&mut self, kind: SaveKind, path: PathBuf, contents: impl Into<Vec<u8>>) {
        self.save_to(kind, Destination::File(path), Privacy::Private, contents);
    }

    /// Saves a profile into its own file of `dir`, chosen on the writer
    /// thread (it reads the folder: names like "Site A" and "Site-A" share
    /// a file name and must not overwrite each other), owner-readable only.
    pub(super) fn save_profile_file(&mut self, kind: SaveKind, dir: PathBuf, name: String, text: String) {
        let shown = dir.join(format!("{}.ron", profile::file_stem_of(&name)));
        let choose = Box::new(move || {
            crate::core::fs::make_private_folder(&dir)?;
            profile::profile_file(&dir, &name).map_err(|error| match error {
                profile::ProfileFileError::File(error) => error,
                other => FileError { action: "choose a file", reason: other.to_string(), path: dir.clone() },
            })
        });
        self.save_to(kind, Destination::Chosen { shown, choose }, Privacy::Private, text);
    }

    fn save_to(&mut self, kind: SaveKind, destination: Destination, privacy: Privacy, contents: impl Into<Vec<u8>>) {
        let shown = match &destination {
            Destination::File(path) | Destination::Chosen { shown: path, .. } => path.clone(),
        };
        let queued = match &self.writer {
            Some(writer) => {
                writer.write_to(kind.clone(), destination, privacy, contents).map_err(|error| error.to_string())
            }
            None => Err(self.tr(Tr::FileWriterNotRunning).to_owned()),
        };
        if let Err(error) = queued {
            self.report_write(kind, &shown, Err(error));
        }
    }

    /// Files written (or not) since the last frame.
    pub(super) fn collect_writes(&mut self) {
        let finished = self.writer.as_ref().map(FileWriter::finished).unwrap_or_default();
        for written in finished {
            self.report_write(written.tag, &written.path, written.result.map_err(|error| error.to_string()));
        }
    }

    fn report_write(&mut self, kind: SaveKind, path: &Path, result: Result<(), String>) {
        let shown = path.display();
        match (kind, result) {
            (SaveKind::Profile { tab, saved }, Ok(())) => {
                self.workspace.mark_profile_saved(tab, *saved);
                self.ui.profiles.message = Some(self.trf(Tr::SavedTo, &[("path", &shown)]));
            }
            (SaveKind::Profile { .. }, Err(error)) => {
                self.ui.profiles.message = Some(self.trf(Tr::NotSaved, &[("error", &error)]));
            }
            (SaveKind::ImportedProfile, Ok(())) => {
                if let Some((imported, saved)) = self.imported.as_mut() {
                    *saved += 1;
                    let (imported, saved) = (*imported, *saved);
                    self.ui.profiles.message =
                        Some(self.trf(Tr::ImportedProfiles, &[("n", &imported), ("saved", &saved)]));
                }
            }
            (SaveKind::ImportedProfile, Err(error)) => {
                self.workspace.error(self.trf(Tr::ImportedProfileNotSaved, &[("error", &error)]));
            }
            (SaveKind::SavedMessages, Ok(())) => {
                self.ui.saved.message = Some(self.trf(Tr::SavedMessagesSavedTo, &[("path", &shown)]));
            }
            (SaveKind::ImportedSavedMessages, Ok(())) => {}
            (SaveKind::SavedMessages | SaveKind::ImportedSavedMessages, Err(error)) => {
                let text = self.trf(Tr::SavedMessagesNotSaved, &[("error", &error)]);
                self.workspace.error(text.clone());
                self.ui.saved.message = Some(text);
            }
            (SaveKind::BrokerSettings, Ok(())) => {
                self.ui.broker_panel.message = Some(self.trf(Tr::SavedAndRestarted, &[("path", &shown)]));
            }
            (SaveKind::BrokerSettings, Err(error)) => {
                self.ui.broker_panel.message = Some(self.trf(Tr::RestartedNotSaved, &[("error", &error)]));
            }
        }
    }

    /// Files handed to the writer and not reported yet (tests wait for 0).
    pub fn pending_writes(&self) -> usize {
        self.writer.as_ref().map_or(0, FileWriter::pending)
    }

    /// Applies finished imports and exports.
    pub(super) fn collect_file_tasks(&mut self) {
        for outcome in self.files.finished() {
            match outcome {
                FileOutcome::NoDialog(request) => self.ask_for_path(request),
                FileOutcome::SchemasLoaded(tab, paths, result) => self.workspace.schemas_loaded(tab, &paths, result),
                FileOutcome::ScenariosListed(folder, entries) => {
                    if self.ui.scenarios.folder.as_ref() == Some(&folder) {
                        self.ui.scenarios.entries = entries;
                        self.ui.scenarios.listing = false;
                    }
                }
                FileOutcome::MockFilesListed(folder, paths) => {
                    if self.ui.mocks.folder.as_ref() == Some(&folder) {
                        self.ui.mocks.available = paths;
                        self.ui.mocks.listing = false;
                    }
                }
                FileOutcome::MockFileChosen(path) => self.workspace.toggle_mock(path, true),
                FileOutcome::RecordingRead(path, read) => {
                    self.ui.replay.error = None;
                    self.ui.replay.recording = Some(read.map(|messages| (path, std::sync::Arc::new(messages))));
                }
                FileOutcome::MocksRead(tab, paths, result) => {
                    if let Some(command) = self.workspace.mocks_loaded(tab, &paths, result) {
                        self.send(command);
                    }
                }
                FileOutcome::ScenarioFolderChosen(folder) => {
                    self.ui.mocks.folder = Some(folder.join("mocks"));
                    self.ui.scenarios.folder = Some(folder);
                    self.ui.scenarios.entries.clear();
                    self.apply_action(crate::ui::action::UiAction::ListScenarios);
                }
                FileOutcome::SchemaPathChosen(path) => {
                    let paths = &mut self.workspace.active_tab_mut().profile.decoding.proto_paths;
                    if !paths.contains(&path) {
                        paths.push(path);
                    }
                }
                FileOutcome::TlsFileChosen(file, path) => {
                    let tls = &mut self.workspace.active_tab_mut().profile.tls;
                    let slot = match file {
                        TlsFile::Ca => &mut tls.ca_file,
                        TlsFile::ClientCertificate => &mut tls.client_certificate_file,
                        TlsFile::ClientKey => &mut tls.client_key_file,
                    };
                    *slot = Some(path);
                }
                FileOutcome::BundleReady { text, file_name, problems } => {
                    if !problems.is_empty() {
                        let problems = problems.join("; ");
                        self.ui.profiles.message =
                            Some(self.trf(TrDecode::SchemasNotBundled, &[("problems", &problems)]));
                    }
                    match text {
                        Ok(text) => {
                            if let Some(ctx) = &self.ctx {
                                self.files.export_with_dialog(ctx, text, file_name);
                            }
                        }
                        Err(error) => self.ui.profiles.message = Some(self.trf(Tr::NotExported, &[("error", &error)])),
                    }
                }
                FileOutcome::Imported(Ok(mut report)) => {
                    // Schemas a bundle carried go beside the profiles, named by content.
                    if let Some(dir) = self.options.profile_dir.clone() {
                        for (path, bytes) in
                            crate::core::profile_exchange::schemas::place_imported_schemas(&mut report, &dir)
                        {
                            let folder = path.parent().map(std::path::Path::to_path_buf).unwrap_or_default();
                            let target = path.clone();
                            let choose = Box::new(move || {
                                crate::core::fs::make_private_folder(&folder)?;
                                Ok(target.clone())
                            });
                            self.save_to(
                                SaveKind::ImportedProfile,
                                Destination::Chosen { shown: path, choose },
                                Privacy::Private,
                                bytes,
                            );
                        }
                    } else if !report.schemas.is_empty() {
                        report
                            .skipped
                            .push("bundled schemas not imported: there is no profile folder to keep them in".into());
                        report.schemas.clear();
                    }
                    let added = self.workspace.add_imported(report, "profiles");
                    self.imported = Some((added.len(), 0));
                    self.ui.profiles.message =
                        Some(self.trf(Tr::ImportedProfiles, &[("n", &added.len()), ("saved", &0)]));
                    if let Some(dir) = self.options.profile_dir.clone() {
                        for profile in &added {
                            match profile::profile_to_ron(profile) {
                                Ok(text) => {
                                    self.save_profile_file(
                                        SaveKind::ImportedProfile,
                                        dir.clone(),
                                        profile.name.clone(),
                                        text,
                                    );
                                }
                                Err(error) => self.report_write(
                                    SaveKind::ImportedProfile,
                                    &profile::profile_path(&dir, profile),
                                    Err(error.to_string()),
                                ),
                            }
                        }
                    }
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

    /// No file dialog could be shown: the window asks for the path instead
    /// (starting in the folder last used), and says why once.
    fn ask_for_path(&mut self, request: PathRequest) {
        // A double-clicked app's working folder is often `/`: start at home.
        let folder = self.prefs.last_folder.clone().or_else(std::env::home_dir).unwrap_or_default();
        let path = folder.join(&request.file_name).display().to_string();
        self.workspace.notice(self.tr(Tr::NoFileDialog));
        self.ui.path_prompt = Some(PathPrompt { request, path, error: None });
    }

    /// Checks the typed path and does what it was asked for.
    pub(super) fn use_typed_path(&mut self) {
        let Some(prompt) = self.ui.path_prompt.as_mut() else { return };
        let path = PathBuf::from(prompt.path.trim());
        let problem = if prompt.path.trim().is_empty() {
            Some(self.tr(Tr::PathEmpty).to_owned())
        } else if prompt.request.saves() && path.is_dir() {
            Some(self.tr(Tr::PathIsFolder).to_owned())
        } else if prompt.request.wants_folder() {
            (!path.is_dir()).then(|| self.tr(Tr::PathNoFolder).to_owned())
        } else if !prompt.request.saves() && !path.is_file() {
            Some(self.tr(Tr::PathNoFile).to_owned())
        } else {
            None
        };
        if let Some(problem) = problem {
            if let Some(prompt) = self.ui.path_prompt.as_mut() {
                prompt.error = Some(problem);
            }
            return;
        }
        let Some(prompt) = self.ui.path_prompt.take() else { return };
        self.prefs.last_folder = path.parent().map(Path::to_path_buf);
        if let Some(ctx) = &self.ctx {
            self.files.use_path(ctx, prompt.request, path);
        }
    }
}
