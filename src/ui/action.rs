//! What panels ask the app to do. A panel never changes shared state while
//! it draws; it pushes an action, and the app applies all of them once per
//! frame (in `app/actions.rs`).

use std::path::PathBuf;

use crate::core::broker::BrokerConfig;
use crate::core::ids::{RepeatJobId, SubscriptionId, TabId};

/// What a panel asks the app to do; applied after drawing.
#[derive(Debug, Clone, PartialEq)]
pub enum UiAction {
    /// Connect with the edited profile.
    Connect,
    /// Save these packets as JSON Lines (asks where).
    ExportPackets {
        /// The packets, in wire order.
        records: Vec<crate::core::wire::PacketRecord>,
    },
    /// Forget the active tab's recorded packets.
    ClearPackets,
    /// Disconnect the current connection.
    Disconnect,
    /// Connect with the password typed into the prompt.
    ConnectWithPassword {
        /// The password typed (used for this connect only).
        password: String,
    },
    /// Put a topic into the composer, to publish there.
    PublishHere {
        /// The topic.
        topic: String,
    },
    /// Open a new tab with a saved profile.
    OpenProfileInNewTab {
        /// The profile's name.
        name: String,
    },
    /// Open the window to paste a command line or URL into.
    ShowPasteCommand,
    /// Open a new tab with a profile read from a pasted command line or URL.
    OpenProfileFromCommand {
        /// What was pasted.
        text: String,
    },
    /// Load a profile into the editor.
    SelectProfile {
        /// The profile's name.
        name: String,
    },
    /// Save the edited profile as RON.
    SaveProfile,
    /// Drop the active tab's unsaved profile edits.
    RevertProfile,
    /// Open or close the profile editor.
    ToggleProfileEditor,
    /// Open a new connection tab (with a copy of the active tab's profile).
    NewTab,
    /// Switch to a tab.
    ActivateTab {
        /// Which tab.
        tab: TabId,
    },
    /// Close a tab, disconnecting it cleanly.
    CloseTab {
        /// Which tab.
        tab: TabId,
    },
    /// Close the active tab (or disconnect it when it is the only one).
    CloseActiveTab,
    /// Pick profile files to import.
    ImportProfiles,
    /// Import these files (dropped on the window).
    ImportPaths {
        /// The files.
        paths: Vec<PathBuf>,
    },
    /// Export the current profile (false) or all profiles (true).
    ExportProfiles {
        /// All profiles instead of the current one.
        all: bool,
    },
    /// Export the profiles ticked in the editor's export list.
    ExportSelected,
    /// Export the log's current rows (as filtered) to a file.
    ExportMessages,
    /// Stop the running export.
    CancelExport,
    /// Open the retained-message manager.
    ShowRetained,
    /// Ask to confirm clearing these retained topics.
    PrepareClearRetained {
        /// The topics.
        topics: Vec<String>,
    },
    /// Confirmed: clear these retained topics.
    ClearRetained {
        /// The topics.
        topics: Vec<String>,
    },
    /// Scan the broker for retained messages under the manager's scope.
    ScanRetained,
    /// Do not clear after all.
    CancelClearRetained,
    /// Filter the log to a topic and its subtree (None: all).
    SelectTopic {
        /// The topic (None: all).
        topic: Option<String>,
    },
    /// Expand or collapse a topic tree node.
    ToggleTopic {
        /// The tree node.
        node: crate::core::topic_tree::NodeId,
    },
    /// Subscribe with the form's filter and QoS.
    Subscribe,
    /// Remove a subscription.
    Unsubscribe {
        /// Which subscription.
        subscription: SubscriptionId,
    },
    /// Hide (or show again) a subscription's messages in the log.
    MuteSubscription {
        /// Which subscription.
        subscription: SubscriptionId,
        /// Hide them.
        muted: bool,
    },
    /// Unsubscribe at the broker but keep the subscription listed.
    PauseSubscription {
        /// Which subscription.
        subscription: SubscriptionId,
    },
    /// Subscribe a paused subscription again.
    ResumeSubscription {
        /// Which subscription.
        subscription: SubscriptionId,
    },
    /// Apply the edit form to a subscription.
    EditSubscription {
        /// Which subscription.
        subscription: SubscriptionId,
        /// The new settings.
        edit: crate::core::workspace::SubscriptionEdit,
    },
    /// Show only one subscription's messages (None: all).
    FilterBySubscription {
        /// Which subscription (None: all).
        subscription: Option<SubscriptionId>,
    },
    /// Publish the composer's message.
    Publish,
    /// Load a sent message (0 = newest) into the composer.
    LoadSent {
        /// Position in the history (0 = newest).
        index: usize,
    },
    /// Save the composer's message under the form's name and collection.
    SaveComposerMessage,
    /// Publish a saved message (collection, position).
    PublishSaved {
        /// The collection.
        collection: usize,
        /// The message's position in it.
        index: usize,
    },
    /// Load a saved message into the composer.
    LoadSaved {
        /// The collection.
        collection: usize,
        /// The message's position in it.
        index: usize,
    },
    /// Copy a saved message below itself.
    DuplicateSaved {
        /// The collection.
        collection: usize,
        /// The message's position in it.
        index: usize,
    },
    /// Move a saved message up (-1) or down (1).
    ShiftSaved {
        /// The collection.
        collection: usize,
        /// The message's position in it.
        index: usize,
        /// -1 for up, 1 for down.
        by: isize,
    },
    /// Delete a saved message.
    RemoveSaved {
        /// The collection.
        collection: usize,
        /// The message's position in it.
        index: usize,
    },
    /// Start repeating the composer's message (interval and count from the form).
    StartRepeat,
    /// Move a saved message (dragged) to another place.
    MoveSaved {
        /// (collection, position) it comes from.
        from: (usize, usize),
        /// (collection, position) it goes to.
        to: (usize, usize),
    },
    /// Export one saved collection (or all of them) to a file.
    ExportSaved {
        /// The collection (None: all).
        collection: Option<usize>,
    },
    /// Import saved messages from a file.
    ImportSaved,
    /// Send a saved collection: once, or repeated with the form's interval and count.
    RepeatCollection {
        /// Which collection.
        collection: usize,
        /// One round now instead of the repeat form's settings.
        once: bool,
    },
    /// Stop a repeat job.
    StopRepeat {
        /// Which job.
        job: RepeatJobId,
    },
    /// Remove an ended repeat job from the list.
    DismissRepeat {
        /// Which job.
        job: RepeatJobId,
    },
    /// Publish an empty retained message to the composer's topic.
    ClearRetainedOnDraftTopic,
    /// Jump to the newest message and follow the log again.
    FollowNewest,
    /// Choose a TLS certificate or key file for the active profile.
    BrowseTlsFile {
        /// Which file.
        file: TlsFile,
    },
    /// Add a protobuf schema folder (or, with `folder` false, a `.proto`
    /// file or descriptor set) to the active profile's decoding.
    BrowseSchemaPath {
        /// Pick a folder rather than a file.
        folder: bool,
    },
    /// Read the active tab's protobuf schemas from disk again.
    ReloadSchemas,
    /// Read the scenario folder's files again.
    ListScenarios,
    /// Choose the folder the Scenarios window lists.
    ChooseScenarioFolder,
    /// Run one scenario with the active tab's connection settings.
    RunScenario {
        /// Its file.
        path: std::path::PathBuf,
    },
    /// Run every readable scenario of the folder.
    RunAllScenarios,
    /// Pick a recording to replay.
    ChooseRecording,
    /// Replay the chosen recording from the active tab's connection.
    StartReplay,
    /// List the mock files of the mocks folder.
    ListMockFiles,
    /// Read the active tab's mock files again (edited since).
    ReloadMocks,
    /// Pick a mock file from anywhere and switch it on.
    AddMockFile,
    /// Switch a mock file on or off for the active tab's profile.
    ToggleMock {
        /// The file.
        path: std::path::PathBuf,
        /// On or off.
        on: bool,
    },
    /// Ask a Sparkplug edge node to publish its births again.
    SparkplugRebirth {
        /// Its group id.
        group: String,
        /// Its edge node id.
        node: String,
    },
    /// Use the path typed into the path prompt.
    UsePath,
    /// Close the path prompt.
    CancelPathPrompt,
    /// Empty the log.
    ClearLog,
    /// Select a log row (by sequence number).
    SelectMessage {
        /// The message's sequence number (None: none).
        seq: Option<u64>,
    },
    /// Show a topic's history window (None: close it).
    ShowHistory {
        /// The topic (None: close it).
        topic: Option<String>,
    },
    /// Forget the messages picked for comparing.
    ClearDiffPicks,
    /// Pick or unpick a message for comparison (history tick, Ctrl+click in the log).
    ToggleDiffPick {
        /// The message's sequence number.
        seq: u64,
    },
    /// Compare a message with the one before it on the same topic.
    CompareWithPrevious {
        /// The message's sequence number.
        seq: u64,
    },
    /// Export the history window's messages.
    ExportHistory,
    /// Chart a topic's payload, or the number at a JSON pointer in it.
    AddChart {
        /// Exact topic.
        topic: String,
        /// JSON pointer, or None for the whole payload.
        pointer: Option<String>,
    },
    /// Stop charting a series.
    RemoveChart {
        /// Which series.
        key: crate::core::chart::SeriesKey,
    },
    /// Empty every chart series.
    ClearCharts,
    /// Subscribe to the broker's `$SYS/#` status topics.
    SubscribeSys,
    /// Load a logged message into the composer to edit and publish.
    EditAndPublish {
        /// The message's sequence number.
        seq: u64,
    },
    /// Publish a logged message again, exactly as it was.
    PublishAgain {
        /// The message's sequence number.
        seq: u64,
    },
    /// Copy the mosquitto_pub command that publishes a logged message again.
    CopyPublishCommand {
        /// The message's sequence number.
        seq: u64,
    },
    /// Save a message's full payload to a file.
    SavePayload {
        /// The message's sequence number.
        seq: u64,
    },
    /// Start the embedded broker.
    StartBroker,
    /// Start the embedded broker with an empty store, moving its damaged
    /// saved state aside (kept).
    StartBrokerDiscardingDamagedState,
    /// Stop the embedded broker.
    StopBroker,
    /// Close one client's connection to the embedded broker.
    DisconnectBrokerClient {
        /// Its client id.
        client_id: String,
    },
    /// Empty the embedded broker's log.
    ClearBrokerLog,
    /// Save these broker settings and restart the broker with them.
    ApplyBrokerSettings {
        /// The new settings.
        config: Box<BrokerConfig>,
    },
    /// Pick a mosquitto.conf (or broker RON) to load into the settings form.
    ImportBrokerSettings,
}

/// Which of a profile's TLS files is being chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsFile {
    /// The CA certificate(s) that verify the broker.
    Ca,
    /// The client certificate (mutual TLS).
    ClientCertificate,
    /// The client certificate's private key.
    ClientKey,
}
