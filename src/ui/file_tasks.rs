//! File dialogs, imports and exports off the UI thread: each runs on a
//! short-lived named thread and reports back through a bounded channel,
//! waking the UI when done.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use crate::core::profile_exchange::{ImportError, ImportReport, import_file};
use crate::ui::i18n::{Tr, Words};

/// What a finished file task reports.
#[derive(Debug)]
pub enum FileOutcome {
    /// One file was imported (or failed to).
    Imported(Result<ImportReport, ImportError>),
    /// An export was written to this path (or failed).
    Exported(Result<PathBuf, String>),
    /// The user chose where to export the messages this filter selects.
    ExportMessagesTo(PathBuf, Box<crate::core::store::LogFilter>),
    /// Saved messages read from a shared file (or why not).
    SavedMessagesRead(Result<crate::core::saved_messages::SavedMessages, String>),
    /// Broker settings read from a file, with notes on what was not carried over.
    BrokerSettings(Result<(crate::core::broker::BrokerConfig, Vec<String>), String>),
}

/// Runs file work in the background.
#[derive(Debug)]
pub struct FileTasks {
    sender: SyncSender<FileOutcome>,
    receiver: Receiver<FileOutcome>,
    /// Profile files picked or dropped and not imported yet.
    importing: Arc<AtomicUsize>,
}

impl Default for FileTasks {
    fn default() -> Self {
        let (sender, receiver) = sync_channel(32);
        Self { sender, receiver, importing: Arc::default() }
    }
}

/// Imports files one by one, keeping the count of those still to do.
fn import_each(paths: Vec<PathBuf>, importing: &AtomicUsize, sender: &SyncSender<FileOutcome>) {
    importing.fetch_add(paths.len(), Ordering::Relaxed);
    for path in paths {
        let _ = sender.send(FileOutcome::Imported(import_file(&path)));
        importing.fetch_sub(1, Ordering::Relaxed);
    }
}

impl FileTasks {
    fn spawn(&self, ctx: &egui::Context, name: &str, work: impl FnOnce(&SyncSender<FileOutcome>) + Send + 'static) {
        let sender = self.sender.clone();
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new().name(name.into()).spawn(move || {
            work(&sender);
            ctx.request_repaint();
        });
        if let Err(error) = spawned {
            let _ = self.sender.try_send(FileOutcome::Exported(Err(format!("cannot start a file task: {error}"))));
        }
    }

    /// Profile files still being imported (for the status bar's spinner).
    pub fn importing(&self) -> usize {
        self.importing.load(Ordering::Relaxed)
    }

    /// Lets the user pick profile files to import (RON or MQTTX JSON).
    pub fn import_with_dialog(&self, ctx: &egui::Context) {
        let (title, filter) = (ctx.tr(Tr::ImportProfilesTitle), ctx.tr(Tr::ProfilesFilter));
        let importing = self.importing.clone();
        self.spawn(ctx, "topicscope-import-dialog", move |sender| {
            let picked = rfd::FileDialog::new()
                .set_title(title)
                .add_filter(filter, &["ron", "json", "xml"])
                .pick_files()
                .unwrap_or_default();
            import_each(picked, &importing, sender);
        });
    }

    /// Imports files that were dropped on the window.
    pub fn import_paths(&self, ctx: &egui::Context, paths: Vec<PathBuf>) {
        let importing = self.importing.clone();
        self.spawn(ctx, "topicscope-import", move |sender| import_each(paths, &importing, sender));
    }

    /// Asks where to save an export bundle and writes it there.
    pub fn export_with_dialog(&self, ctx: &egui::Context, text: String, file_name: String) {
        let (title, filter) = (ctx.tr(Tr::ExportProfilesTitle), ctx.tr(Tr::TopicscopeProfilesFilter));
        self.save_text_with_dialog(ctx, title, filter, text, file_name);
    }

    /// Asks where to save shared saved messages and writes them there.
    pub fn export_saved_with_dialog(&self, ctx: &egui::Context, text: String, file_name: String) {
        let (title, filter) = (ctx.tr(Tr::ExportSavedTitle), ctx.tr(Tr::SavedMessagesFilter));
        self.save_text_with_dialog(ctx, title, filter, text, file_name);
    }

    /// Lets the user pick a shared saved-messages file and reads it.
    pub fn import_saved_with_dialog(&self, ctx: &egui::Context) {
        let (title, filter) = (ctx.tr(Tr::ImportSavedTitle), ctx.tr(Tr::SavedMessagesFilter));
        self.spawn(ctx, "topicscope-import-saved", move |sender| {
            let Some(path) = rfd::FileDialog::new().set_title(title).add_filter(filter, &["ron"]).pick_file() else {
                return;
            };
            let result = std::fs::read_to_string(&path)
                .map_err(|error| format!("cannot read {}: {error}", path.display()))
                .and_then(|text| {
                    crate::core::saved_messages::SavedMessages::parse(&text, &path.display().to_string())
                        .map_err(|error| error.to_string())
                });
            let _ = sender.send(FileOutcome::SavedMessagesRead(result));
        });
    }

    fn save_text_with_dialog(
        &self,
        ctx: &egui::Context,
        title: &'static str,
        filter: &'static str,
        text: String,
        file_name: String,
    ) {
        self.spawn(ctx, "topicscope-export-dialog", move |sender| {
            let Some(path) = rfd::FileDialog::new()
                .set_title(title)
                .set_file_name(file_name)
                .add_filter(filter, &["ron"])
                .save_file()
            else {
                return;
            };
            let result =
                crate::core::fs::write_atomically(&path, &text).map(|()| path).map_err(|error| error.to_string());
            let _ = sender.send(FileOutcome::Exported(result));
        });
    }

    /// Asks where to export messages (JSON Lines or CSV by extension); the
    /// app then streams the rows the filter selects ([`ExportJob`]).
    ///
    /// [`ExportJob`]: crate::core::export::ExportJob
    pub fn pick_export_path(&self, ctx: &egui::Context, filter: crate::core::store::LogFilter) {
        let title = ctx.tr(Tr::ExportMessagesTitle);
        self.spawn(ctx, "topicscope-export-messages", move |sender| {
            let Some(path) = rfd::FileDialog::new()
                .set_title(title)
                .set_file_name("topicscope-messages.jsonl")
                .add_filter("JSON Lines", &["jsonl"])
                .add_filter("CSV", &["csv"])
                .save_file()
            else {
                return;
            };
            let _ = sender.send(FileOutcome::ExportMessagesTo(path, Box::new(filter)));
        });
    }

    /// Asks where to save a payload and writes all of its bytes there.
    pub fn save_payload_with_dialog(&self, ctx: &egui::Context, payload: bytes::Bytes, topic: &str) {
        let file_name = crate::core::payload::payload_file_name(topic, &payload);
        let title = ctx.tr(Tr::SavePayloadTitle);
        self.spawn(ctx, "topicscope-save-payload", move |sender| {
            let Some(path) = rfd::FileDialog::new().set_title(title).set_file_name(file_name).save_file() else {
                return;
            };
            let result =
                crate::core::fs::write_atomically(&path, &payload).map(|()| path).map_err(|error| error.to_string());
            let _ = sender.send(FileOutcome::Exported(result));
        });
    }

    /// Lets the user pick a mosquitto.conf (or topicscope broker RON) and reads it.
    pub fn import_broker_settings_with_dialog(&self, ctx: &egui::Context) {
        let (title, filter) = (ctx.tr(Tr::LoadBrokerSettingsTitle), ctx.tr(Tr::BrokerSettingsFilter));
        self.spawn(ctx, "topicscope-broker-settings", move |sender| {
            let Some(path) = rfd::FileDialog::new().set_title(title).add_filter(filter, &["conf", "ron"]).pick_file()
            else {
                return;
            };
            let result = crate::core::broker::settings::load_any(&path).map_err(|error| error.to_string());
            let _ = sender.send(FileOutcome::BrokerSettings(result));
        });
    }

    /// Finished tasks since the last call.
    pub fn finished(&self) -> Vec<FileOutcome> {
        self.receiver.try_iter().collect()
    }
}
