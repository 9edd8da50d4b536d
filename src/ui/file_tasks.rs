//! File dialogs, imports and exports off the UI thread: each runs on a
//! short-lived named thread and reports back through a bounded channel,
//! waking the UI when done. Where the system has no file dialog (no
//! desktop portal, no zenity), the dialog returns at once with nothing;
//! that is reported ([`FileOutcome::NoDialog`]) so the window can ask for
//! the path itself instead of doing nothing.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::time::{Duration, Instant};

use crate::core::fs::Privacy;
use crate::core::profile_exchange::{ImportError, ImportReport, import_file};
use crate::ui::action::TlsFile;
use crate::ui::i18n::{Tr, TrDecode, Words};

/// A dialog answered faster than this was never shown (nobody cancels a
/// dialog in a fifth of a second): the system has no dialog helper.
const NO_DIALOG_WITHIN: Duration = Duration::from_millis(200);

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
    BrokerSettings(Result<(Box<crate::core::broker::BrokerConfig>, Vec<String>), String>),
    /// No file dialog could be shown: ask for the path in the window.
    NoDialog(PathRequest),
    /// A certificate or key file was chosen for the active profile's TLS.
    TlsFileChosen(TlsFile, PathBuf),
    /// A profile bundle with compiled schemas is ready to save (with what
    /// could not be included).
    BundleReady {
        /// The bundle's RON, or why it could not be written.
        text: Result<String, String>,
        /// The suggested file name.
        file_name: String,
        /// Profiles whose schemas were left out, and why.
        problems: Vec<String>,
    },
    /// A schema path was chosen for the active profile's decoding.
    SchemaPathChosen(PathBuf),
    /// A folder's scenario files, read (or why each cannot be used).
    ScenariosListed(PathBuf, Vec<crate::ui::scenarios_panel::ScenarioEntry>),
    /// The folder the Scenarios window lists was chosen.
    ScenarioFolderChosen(PathBuf),
    /// The `.ron` files of the mocks folder.
    MockFilesListed(PathBuf, Vec<PathBuf>),
    /// A mock file to switch on was chosen.
    MockFileChosen(PathBuf),
    /// A recording was read (or why not).
    RecordingRead(PathBuf, Result<Vec<crate::core::replay::Recorded>, String>),
    /// A tab's mock files were read from these paths (or not).
    MocksRead(crate::core::ids::TabId, Vec<PathBuf>, Result<Vec<crate::core::mock::MockFile>, String>),
    /// A tab's protobuf schemas were loaded from these paths (or not).
    SchemasLoaded(
        crate::core::ids::TabId,
        Vec<PathBuf>,
        Result<crate::core::decoders::ProtoSchemas, crate::core::decoders::SchemaError>,
    ),
}

/// What a path is wanted for.
#[derive(Debug, Clone)]
pub enum PathPurpose {
    /// Profile files (RON, MQTTX JSON, MQTT.fx XML) to import.
    ImportProfiles,
    /// A profile bundle or shared saved messages to write.
    SaveText(String),
    /// Write this text readable by its owner only (a profile bundle may
    /// carry passwords).
    SavePrivateText(String),
    /// Where to export the messages this filter selects.
    ExportMessages(Box<crate::core::store::LogFilter>),
    /// Where to save a payload's bytes.
    SavePayload(bytes::Bytes),
    /// Where to save recorded packets as JSON Lines.
    ExportPackets(Vec<crate::core::wire::PacketRecord>),
    /// Shared saved messages to import.
    ImportSaved,
    /// A mosquitto.conf or broker RON to load into the settings form.
    ImportBrokerSettings,
    /// A certificate or key file for the active profile.
    ChooseTlsFile(TlsFile),
    /// The folder of scenario files to list.
    ChooseScenarioFolder,
    /// A mock file to switch on for the active profile.
    ChooseMockFile,
    /// A recording to replay.
    ChooseRecording,
    /// A protobuf schema folder, `.proto` file or descriptor set for the
    /// active profile.
    ChooseSchemaPath {
        /// A folder rather than a file.
        folder: bool,
    },
}

/// A request for a path: from a dialog, or typed into the window.
#[derive(Debug, Clone)]
pub struct PathRequest {
    /// What it is for.
    pub purpose: PathPurpose,
    /// The dialog's title.
    pub title: &'static str,
    /// A suggested file name (saving), empty when opening.
    pub file_name: String,
    /// The dialog's file type filter: name and extensions (empty: any).
    pub filter: (&'static str, &'static [&'static str]),
}

impl PathRequest {
    /// True when the path names a folder to read (else a file).
    pub fn wants_folder(&self) -> bool {
        matches!(self.purpose, PathPurpose::ChooseSchemaPath { folder: true } | PathPurpose::ChooseScenarioFolder)
    }

    /// True when the path names a file to write (else one to read).
    pub fn saves(&self) -> bool {
        matches!(
            self.purpose,
            PathPurpose::SaveText(_)
                | PathPurpose::SavePrivateText(_)
                | PathPurpose::ExportMessages(_)
                | PathPurpose::ExportPackets(_)
                | PathPurpose::SavePayload(_)
        )
    }
}

/// Runs file work in the background.
#[derive(Debug)]
pub struct FileTasks {
    sender: SyncSender<FileOutcome>,
    receiver: Receiver<FileOutcome>,
    /// Profile files picked or dropped and not imported yet.
    importing: Arc<AtomicUsize>,
    /// Use the system's file dialogs (tests turn them off to get the
    /// in-window path prompt every time).
    dialogs: bool,
}

impl Default for FileTasks {
    fn default() -> Self {
        let (sender, receiver) = sync_channel(32);
        Self { sender, receiver, importing: Arc::default(), dialogs: true }
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

/// Does what a path was wanted for (on a file-task thread).
fn fulfil(purpose: PathPurpose, paths: Vec<PathBuf>, importing: &AtomicUsize, sender: &SyncSender<FileOutcome>) {
    let Some(path) = paths.first().cloned() else { return };
    let write_as = |contents: &[u8], path: PathBuf, privacy: Privacy| {
        let written = crate::core::fs::write_file(&path, contents, privacy);
        FileOutcome::Exported(written.map(|()| path).map_err(|error| error.to_string()))
    };
    let outcome = match purpose {
        PathPurpose::ImportProfiles => return import_each(paths, importing, sender),
        PathPurpose::SaveText(text) => write_as(text.as_bytes(), path, Privacy::Shared),
        PathPurpose::SavePrivateText(text) => write_as(text.as_bytes(), path, Privacy::Private),
        PathPurpose::SavePayload(payload) => write_as(&payload, path, Privacy::Shared),
        PathPurpose::ExportPackets(records) => {
            write_as(crate::core::wire::log::json_lines(&records).as_bytes(), path, Privacy::Shared)
        }
        PathPurpose::ExportMessages(filter) => FileOutcome::ExportMessagesTo(path, filter),
        PathPurpose::ImportSaved => FileOutcome::SavedMessagesRead(
            crate::core::fs::read_to_string(&path).map_err(|error| error.to_string()).and_then(|text| {
                crate::core::saved_messages::SavedMessages::parse(&text, &path.display().to_string())
                    .map_err(|error| error.to_string())
            }),
        ),
        PathPurpose::ImportBrokerSettings => FileOutcome::BrokerSettings(
            crate::core::broker::settings::load_any(&path)
                .map(|(config, notes)| (Box::new(config), notes))
                .map_err(|error| error.to_string()),
        ),
        PathPurpose::ChooseTlsFile(file) => FileOutcome::TlsFileChosen(file, path),
        PathPurpose::ChooseSchemaPath { .. } => FileOutcome::SchemaPathChosen(path),
        PathPurpose::ChooseScenarioFolder => FileOutcome::ScenarioFolderChosen(path),
        PathPurpose::ChooseMockFile => FileOutcome::MockFileChosen(path),
        PathPurpose::ChooseRecording => {
            let origin = path.display().to_string();
            let read = crate::core::fs::read_to_string(&path).map_err(|error| error.to_string()).and_then(|text| {
                crate::core::replay::read_recording(&text, &origin).map_err(|error| error.to_string())
            });
            FileOutcome::RecordingRead(path, read)
        }
    };
    let _ = sender.send(outcome);
}

impl FileTasks {
    /// File tasks that never open a system dialog: every path is asked for
    /// in the window (as on a system without a dialog helper).
    pub fn without_dialogs() -> Self {
        Self { dialogs: false, ..Self::default() }
    }

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

    /// Asks for a path with the system's dialog (or, without one, through
    /// [`FileOutcome::NoDialog`]) and does what it is for.
    fn pick(&self, ctx: &egui::Context, request: PathRequest) {
        if !self.dialogs {
            let _ = self.sender.try_send(FileOutcome::NoDialog(request));
            ctx.request_repaint();
            return;
        }
        let importing = self.importing.clone();
        self.spawn(ctx, "topicscope-file-dialog", move |sender| {
            let asked = Instant::now();
            let (name, extensions) = request.filter;
            let mut dialog = rfd::FileDialog::new().set_title(request.title);
            if !extensions.is_empty() {
                dialog = dialog.add_filter(name, extensions);
            }
            let paths = match &request.purpose {
                PathPurpose::ImportProfiles => dialog.pick_files().unwrap_or_default(),
                _ if request.saves() => dialog.set_file_name(&request.file_name).save_file().into_iter().collect(),
                PathPurpose::ChooseSchemaPath { folder: true } | PathPurpose::ChooseScenarioFolder => {
                    dialog.pick_folder().into_iter().collect()
                }
                _ => dialog.pick_file().into_iter().collect(),
            };
            if paths.is_empty() {
                if asked.elapsed() < NO_DIALOG_WITHIN {
                    let _ = sender.send(FileOutcome::NoDialog(request));
                }
                return;
            }
            fulfil(request.purpose, paths, &importing, sender);
        });
    }

    /// Does what a request was for with a path typed into the window.
    pub fn use_path(&self, ctx: &egui::Context, request: PathRequest, path: PathBuf) {
        let importing = self.importing.clone();
        self.spawn(ctx, "topicscope-file-task", move |sender| fulfil(request.purpose, vec![path], &importing, sender));
    }

    /// Profile files still being imported (for the status bar's spinner).
    pub fn importing(&self) -> usize {
        self.importing.load(Ordering::Relaxed)
    }

    /// Lets the user pick profile files to import (RON or MQTTX JSON).
    pub fn import_with_dialog(&self, ctx: &egui::Context) {
        let (title, filter) = (ctx.tr(Tr::ImportProfilesTitle), ctx.tr(Tr::ProfilesFilter));
        let request = PathRequest {
            purpose: PathPurpose::ImportProfiles,
            title,
            file_name: String::new(),
            filter: (filter, &["ron", "json", "csv", "yaml", "yml", "xml"]),
        };
        self.pick(ctx, request);
    }

    /// Imports files that were dropped on the window.
    pub fn import_paths(&self, ctx: &egui::Context, paths: Vec<PathBuf>) {
        let importing = self.importing.clone();
        self.spawn(ctx, "topicscope-import", move |sender| import_each(paths, &importing, sender));
    }

    /// Asks where to save an export bundle and writes it there.
    pub fn export_with_dialog(&self, ctx: &egui::Context, text: String, file_name: String) {
        let (title, filter) = (ctx.tr(Tr::ExportProfilesTitle), ctx.tr(Tr::TopicscopeProfilesFilter));
        let request =
            PathRequest { purpose: PathPurpose::SavePrivateText(text), title, file_name, filter: (filter, &["ron"]) };
        self.pick(ctx, request);
    }

    /// Asks where to save shared saved messages and writes them there.
    pub fn export_saved_with_dialog(&self, ctx: &egui::Context, text: String, file_name: String) {
        let (title, filter) = (ctx.tr(Tr::ExportSavedTitle), ctx.tr(Tr::SavedMessagesFilter));
        let request =
            PathRequest { purpose: PathPurpose::SaveText(text), title, file_name, filter: (filter, &["ron"]) };
        self.pick(ctx, request);
    }

    /// Lets the user pick a shared saved-messages file and reads it.
    pub fn import_saved_with_dialog(&self, ctx: &egui::Context) {
        let (title, filter) = (ctx.tr(Tr::ImportSavedTitle), ctx.tr(Tr::SavedMessagesFilter));
        let request = PathRequest {
            purpose: PathPurpose::ImportSaved,
            title,
            file_name: String::new(),
            filter: (filter, &["ron"]),
        };
        self.pick(ctx, request);
    }

    /// Asks where to export messages (JSON Lines or CSV by extension); the
    /// app then streams the rows the filter selects ([`ExportJob`]).
    ///
    /// [`ExportJob`]: crate::core::export::ExportJob
    pub fn pick_export_path(&self, ctx: &egui::Context, filter: crate::core::store::LogFilter) {
        let request = PathRequest {
            purpose: PathPurpose::ExportMessages(Box::new(filter)),
            title: ctx.tr(Tr::ExportMessagesTitle),
            file_name: "topicscope-messages.jsonl".into(),
            filter: ("JSON Lines / CSV", &["jsonl", "csv"]),
        };
        self.pick(ctx, request);
    }

    /// Asks where to save recorded packets and writes them as JSON Lines.
    pub fn export_packets_with_dialog(&self, ctx: &egui::Context, records: Vec<crate::core::wire::PacketRecord>) {
        let request = PathRequest {
            purpose: PathPurpose::ExportPackets(records),
            title: ctx.tr(crate::ui::i18n::TrWire::ExportPacketsTitle),
            file_name: "topicscope-packets.jsonl".into(),
            filter: ("JSON Lines", &["jsonl"]),
        };
        self.pick(ctx, request);
    }

    /// Asks where to save a payload and writes all of its bytes there.
    pub fn save_payload_with_dialog(&self, ctx: &egui::Context, payload: bytes::Bytes, topic: &str) {
        let file_name = crate::core::payload::payload_file_name(topic, &payload);
        let request = PathRequest {
            purpose: PathPurpose::SavePayload(payload),
            title: ctx.tr(Tr::SavePayloadTitle),
            file_name,
            filter: ("", &[]),
        };
        self.pick(ctx, request);
    }

    /// Lets the user pick a mosquitto.conf (or topicscope broker RON) and reads it.
    pub fn import_broker_settings_with_dialog(&self, ctx: &egui::Context) {
        let (title, filter) = (ctx.tr(Tr::LoadBrokerSettingsTitle), ctx.tr(Tr::BrokerSettingsFilter));
        let request = PathRequest {
            purpose: PathPurpose::ImportBrokerSettings,
            title,
            file_name: String::new(),
            filter: (filter, &["conf", "ron"]),
        };
        self.pick(ctx, request);
    }

    /// Lets the user pick a PEM certificate or key file for the profile.
    pub fn choose_tls_file(&self, ctx: &egui::Context, file: TlsFile) {
        let request = PathRequest {
            purpose: PathPurpose::ChooseTlsFile(file),
            title: ctx.tr(Tr::ChooseTlsFileTitle),
            file_name: String::new(),
            filter: ("PEM", &["pem", "crt", "cer", "key"]),
        };
        self.pick(ctx, request);
    }

    /// Renders a profile bundle carrying each profile's compiled schemas
    /// (reading and compiling them is file work: on a task thread).
    pub fn bundle_with_schemas(
        &self,
        ctx: &egui::Context,
        profiles: Vec<crate::core::profile::ConnectionProfile>,
        include_secrets: bool,
        file_name: String,
    ) {
        self.spawn(ctx, "topicscope-bundle", move |sender| {
            let (schemas, problems) = crate::core::profile_exchange::schemas::bundle_schemas(&profiles);
            let text = crate::core::profile_exchange::export_bundle_with_schemas(&profiles, include_secrets, schemas)
                .map_err(|error| error.to_string());
            let _ = sender.send(FileOutcome::BundleReady { text, file_name, problems });
        });
    }

    /// Loads a tab's protobuf schemas (compiling .proto files reads and
    /// parses them all: never on the UI thread).
    pub fn load_schemas(&self, ctx: &egui::Context, tab: crate::core::ids::TabId, paths: Vec<PathBuf>) {
        self.spawn(ctx, "topicscope-schemas", move |sender| {
            let result = crate::core::decoders::ProtoSchemas::load(&paths);
            let _ = sender.send(FileOutcome::SchemasLoaded(tab, paths, result));
        });
    }

    /// Lets the user pick a schema folder, `.proto` file or descriptor set.
    pub fn choose_schema_path(&self, ctx: &egui::Context, folder: bool) {
        let request = PathRequest {
            purpose: PathPurpose::ChooseSchemaPath { folder },
            title: if folder { ctx.tr(TrDecode::ChooseSchemaFolder) } else { ctx.tr(TrDecode::ChooseSchemaFile) },
            file_name: String::new(),
            filter: if folder { ("", &[]) } else { ("Protobuf", &["proto", "pb", "desc", "binpb", "protoset"]) },
        };
        self.pick(ctx, request);
    }

    /// Lets the user pick the folder the Scenarios window lists.
    pub fn choose_scenario_folder(&self, ctx: &egui::Context) {
        let request = PathRequest {
            purpose: PathPurpose::ChooseScenarioFolder,
            title: ctx.tr(crate::ui::i18n::TrScenario::ChooseFolderTitle),
            file_name: String::new(),
            filter: ("", &[]),
        };
        self.pick(ctx, request);
    }

    /// Reads every `.ron` file of `folder` as a scenario (file work: on a
    /// task thread).
    pub fn list_scenarios(&self, ctx: &egui::Context, folder: PathBuf) {
        self.spawn(ctx, "topicscope-scenarios", move |sender| {
            let mut paths: Vec<PathBuf> = std::fs::read_dir(&folder)
                .map(|entries| entries.filter_map(Result::ok).map(|entry| entry.path()).collect())
                .unwrap_or_default();
            paths.retain(|path| path.extension().is_some_and(|extension| extension == "ron"));
            paths.sort();
            let entries = paths
                .into_iter()
                .map(|path| {
                    let scenario = crate::core::scenario::Scenario::load(&path).map_err(|error| error.to_string());
                    crate::ui::scenarios_panel::ScenarioEntry { path, scenario }
                })
                .collect();
            let _ = sender.send(FileOutcome::ScenariosListed(folder, entries));
        });
    }

    /// Lets the user pick a mock file to switch on.
    pub fn choose_mock_file(&self, ctx: &egui::Context) {
        let request = PathRequest {
            purpose: PathPurpose::ChooseMockFile,
            title: ctx.tr(crate::ui::i18n::TrMock::ChooseFileTitle),
            file_name: String::new(),
            filter: ("RON", &["ron"]),
        };
        self.pick(ctx, request);
    }

    /// Lets the user pick a recording (read on a task thread).
    pub fn choose_recording(&self, ctx: &egui::Context) {
        let request = PathRequest {
            purpose: PathPurpose::ChooseRecording,
            title: ctx.tr(crate::ui::i18n::TrReplay::ChooseTitle),
            file_name: String::new(),
            filter: ("JSON Lines", &["jsonl", "json", "ndjson"]),
        };
        self.pick(ctx, request);
    }

    /// Lists the `.ron` files of the mocks folder (a missing folder has none).
    pub fn list_mock_files(&self, ctx: &egui::Context, folder: PathBuf) {
        self.spawn(ctx, "topicscope-mock-list", move |sender| {
            let mut paths: Vec<PathBuf> = std::fs::read_dir(&folder)
                .map(|entries| entries.filter_map(Result::ok).map(|entry| entry.path()).collect())
                .unwrap_or_default();
            paths.retain(|path| path.extension().is_some_and(|extension| extension == "ron"));
            paths.sort();
            let _ = sender.send(FileOutcome::MockFilesListed(folder, paths));
        });
    }

    /// Reads a tab's mock files.
    pub fn load_mocks(&self, ctx: &egui::Context, tab: crate::core::ids::TabId, paths: Vec<PathBuf>) {
        self.spawn(ctx, "topicscope-mocks", move |sender| {
            let result = crate::core::workspace::mocks::read_mock_files(&paths);
            let _ = sender.send(FileOutcome::MocksRead(tab, paths, result));
        });
    }

    /// Finished tasks since the last call.
    pub fn finished(&self) -> Vec<FileOutcome> {
        self.receiver.try_iter().collect()
    }
}
