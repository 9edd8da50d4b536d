//! The window's own state — what is typed, selected, open or folded —
//! as opposed to the model (`Workspace`), which the core owns.

use crate::core::ids::SubscriptionId;
use crate::core::mqtt::Qos;
use crate::core::store::{FilteredView, ViewProgress};
use crate::ui::{broker_panel, history, inspector, profile_editor};

/// Which view of the selected message the inspector shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InspectorTab {
    /// Raw text (lossy UTF-8), line-virtualised.
    #[default]
    Raw,
    /// Pretty-printed JSON.
    PrettyJson,
    /// Collapsible JSON tree.
    JsonTree,
    /// Hex dump, line-virtualised.
    Hex,
    /// Base64, line-virtualised.
    Base64,
    /// Pretty-printed XML.
    Xml,
    /// CBOR decoded to a tree.
    Cbor,
    /// MessagePack decoded to a tree.
    MessagePack,
    /// Read by the topic's decoder rule (or "View as"): protobuf,
    /// Sparkplug B, CBOR…
    Decoded,
    /// The payload as an image.
    Image,
    /// Numbers read at a byte offset.
    Numbers,
}

/// What the central area shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CentralView {
    /// The message log.
    #[default]
    Messages,
    /// The packet inspector.
    Packets,
}

/// The left panel's pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LeftPanel {
    /// Subscriptions and their filters.
    #[default]
    Subscriptions,
    /// The live topic hierarchy.
    TopicTree,
    /// Saved messages.
    Saved,
}

/// The window's state, one part per panel or window.
#[derive(Debug, Default)]
pub struct UiState {
    /// The composer: its height and folding, its error line and the repeat form.
    pub composer: ComposerState,
    /// The message log: its filters, search, selection and scrolling.
    pub log: LogState,
    /// The new-subscription form.
    pub subscribe: SubscribeForm,
    /// The connection bar: its error and the password prompt.
    pub connection: ConnectionForm,
    /// The profile editor window and profile import/export.
    pub profiles: ProfilesState,
    /// The inspector: its view per topic and the analysis of the selected message.
    pub inspector: InspectorState,
    /// Which of the small windows are open.
    pub windows: WindowsState,
    /// The Saved page: the save form and where the file was written.
    pub saved: SavedForm,
    /// The topic tree page.
    pub tree: TreeState,
    /// The retained-message manager.
    pub retained: RetainedState,
    /// A topic's history window and its comparison.
    pub history: HistoryState,
    /// The charts window and its add-series form.
    pub charts: ChartsState,
    /// Long operations the status bar shows.
    pub status: StatusState,
    /// What the left panel shows.
    pub left_panel: LeftPanel,
    /// The path asked for in the window when no file dialog could be shown.
    pub path_prompt: Option<PathPrompt>,
    /// The broker panel's page, form and filters.
    pub broker_panel: broker_panel::BrokerPanelState,
    /// What the central area shows.
    pub central: CentralView,
    /// The packet inspector's filters and selection.
    pub packets: crate::ui::packets::PacketsState,
    /// The Sparkplug window's namespace and selection.
    pub sparkplug: crate::ui::sparkplug_view::SparkplugViewState,
    /// The Scenarios window: the folder's files and their runs.
    pub scenarios: crate::ui::scenarios_panel::ScenariosState,
    /// The Mocks window: the mocks folder's files.
    pub mocks: crate::ui::mocks_panel::MocksState,
    /// The Record & replay window: the recording and its settings.
    pub replay: crate::ui::replay_panel::ReplayState,
}

/// The composer: its height and folding, its error line and the repeat form.
#[derive(Debug)]
pub struct ComposerState {
    /// The composer panel's height last frame.
    pub height: f32,
    /// The MQTT 5 properties column beside the payload is shown.
    pub properties_open: bool,
    /// Put the cursor in the payload editor next frame.
    pub focus_payload: bool,
    /// Composer error (topic / payload / connection).
    pub error: Option<String>,
    /// Repeat form: milliseconds between messages.
    pub repeat_interval_ms: u64,
    /// Repeat form: messages to send (0: until stopped).
    pub repeat_count: u64,
}

/// The message log: its filters, search, selection and scrolling.
#[derive(Debug)]
pub struct LogState {
    /// The log's filtered rows.
    pub view: FilteredView,
    /// Decoded payload previews of the rows shown.
    pub previews: crate::core::decoders::previews::DecodedPreviews,
    /// Search box text.
    pub search: String,
    /// The search box is a regular expression.
    pub search_regex: bool,
    /// Subscription the log is filtered to.
    pub selected_subscription: Option<SubscriptionId>,
    /// Topic the log is filtered to (with its subtree).
    pub selected_topic: Option<String>,
    /// Selected log message.
    pub selected_message: Option<u64>,
    /// Keep the newest row in view.
    pub follow: bool,
    /// Filter rescan progress, shown while incomplete.
    pub view_progress: Option<ViewProgress>,
    /// Put the cursor in the log's search box on the next frame.
    pub focus_search: bool,
    /// An MQTT topic filter typed in the log's filter menu.
    pub topic_filter: String,
    /// Only this direction.
    pub direction: Option<crate::core::mqtt::Direction>,
    /// Only this QoS.
    pub qos: Option<Qos>,
    /// Only retained messages.
    pub retained_only: bool,
    /// The log view is paused (messages keep arriving and are stored).
    pub paused: bool,
    /// The log shows every tab's messages (with a connection column).
    pub all_tabs: bool,
    /// Rows the log showed last frame.
    pub last_rows: usize,
    /// Scroll to the newest row on the next frame (following was just
    /// turned on).
    pub jump_to_newest: bool,
    /// Following last frame (to notice when it stopped).
    pub was_following: bool,
    /// The log's scroll offset last frame (a smaller one is the user
    /// scrolling up).
    pub last_offset: f32,
    /// Rows when following stopped: the rest are new ("N new ↓").
    pub rows_when_left: usize,
    /// The full toolbar's width when last drawn in full: narrower than
    /// this, it moves its less used controls into a menu.
    pub toolbar_width: f32,
}

/// The new-subscription form.
#[derive(Debug)]
pub struct SubscribeForm {
    /// New subscription form: filter.
    pub filter: String,
    /// New subscription form: QoS.
    pub qos: Qos,
    /// New subscription form: error.
    pub error: Option<String>,
    /// Put the cursor in the filter field next frame (Ctrl+Shift+S).
    pub focus_filter: bool,
    /// New subscription form: MQTT 5 options.
    pub options: crate::core::mqtt::SubscribeOptions,
    /// The identifier field holds no number in range (Subscribe waits).
    pub identifier_problem: Option<String>,
    /// The subscription being edited, and the form's values.
    pub editing: Option<(SubscriptionId, crate::core::workspace::SubscriptionEdit)>,
    /// Why the last edit was not applied.
    pub edit_error: Option<String>,
    /// Bring the edit form into view next frame (it just opened).
    pub show_edit_form: bool,
}

/// The connection bar: its error and the password prompt.
#[derive(Debug, Default)]
pub struct ConnectionForm {
    /// Connection form error.
    pub error: Option<String>,
    /// The password prompt's text while it is open.
    pub password_prompt: Option<String>,
    /// The prompt asks for the proxy's password, not the broker's.
    pub prompt_for_proxy: bool,
    /// A command line or URL being pasted to make a profile from.
    pub paste: String,
    /// The window to paste it into is open.
    pub paste_open: bool,
}

/// The profile editor window and profile import/export.
#[derive(Debug, Default)]
pub struct ProfilesState {
    /// Show the profile editor window.
    pub open: bool,
    /// The editor's open section.
    pub section: profile_editor::EditorSection,
    /// Exports include passwords (the user ticked it, after a warning).
    pub export_secrets: bool,
    /// Exports carry each profile's protobuf schemas (compiled).
    pub export_schemas: bool,
    /// Profile names ticked for export.
    pub export_selection: std::collections::BTreeSet<String>,
    /// Profile save result.
    pub message: Option<String>,
}

/// The inspector: its view per topic and the analysis of the selected message.
#[derive(Debug, Default)]
pub struct InspectorState {
    /// Inspector view.
    pub tab: InspectorTab,
    /// Cached analysis of the selected message.
    pub cache: Option<inspector::InspectorCache>,
    /// The inspector view last chosen for each topic.
    pub views: std::collections::HashMap<String, InspectorTab>,
    /// JSON tree search text.
    pub json_search: String,
    /// The selected message read by its decoder, computed once.
    pub decoded: Option<crate::ui::inspector_decoded::DecodedView>,
    /// "View as" choices by topic (none: the topic's rule decides).
    pub decode_as: std::collections::HashMap<String, crate::core::decoders::PayloadDecoder>,
    /// The Numbers view's byte offset.
    pub number_offset: usize,
    /// The Numbers view's byte order.
    pub number_endian: crate::core::decoders::binary::Endian,
}

/// Which of the small windows are open.
#[derive(Debug, Default)]
pub struct WindowsState {
    /// Show the notifications window.
    pub show_notices: bool,
    /// Show the Sparkplug namespace window.
    pub show_sparkplug: bool,
    /// Show the Scenarios window.
    pub show_scenarios: bool,
    /// Show the Mocks window.
    pub show_mocks: bool,
    /// Show the Record & replay window.
    pub show_replay: bool,
    /// `Workspace::notices_recorded` when the notifications were last looked at.
    pub notices_seen: u64,
    /// Show Help → Keyboard shortcuts.
    pub show_shortcuts: bool,
    /// Show Help → About.
    pub show_about: bool,
    /// Show View → Application log.
    pub show_app_log: bool,
    /// The application log's search text.
    pub app_log_search: String,
    /// Show the broker status window.
    pub show_broker_status: bool,
    /// Show the embedded broker's panel.
    pub show_broker_panel: bool,
    /// Show the active tab's connection details (its CONNACK).
    pub show_connection_details: bool,
}

/// The Saved page: the save form and where the file was written.
#[derive(Debug)]
pub struct SavedForm {
    /// Save form: the message's name.
    pub message_name: String,
    /// Save form: the collection's name.
    pub collection_name: String,
    /// Save form: only for the active tab's profile.
    pub for_profile_only: bool,
    /// Where the saved messages were written, or why not.
    pub message: Option<String>,
}

/// The topic tree page.
#[derive(Debug, Default)]
pub struct TreeState {
    /// Expanded topic tree nodes.
    pub expanded: std::collections::HashSet<crate::core::topic_tree::NodeId>,
    /// Topic tree search text.
    pub search: String,
    /// Topic tree sibling order.
    pub sort: crate::core::topic_tree::TreeSort,
    /// The topic tree's rows, recomputed only when they can have changed.
    pub rows: crate::core::topic_tree::TreeRows,
    /// The pointer was over the rows last frame: they hold their order.
    pub hovered: bool,
    /// Put the cursor in the find field next frame (Ctrl+Shift+F).
    pub focus_search: bool,
    /// The value pane's decoded payload and recent values.
    pub value_pane: crate::ui::topic_value::ValuePaneCache,
    /// The arrow keys move through the tree (a row was clicked last).
    pub keyboard: bool,
}

/// The retained-message manager.
#[derive(Debug, Default)]
pub struct RetainedState {
    /// Show the retained-message manager.
    pub open: bool,
    /// The manager's subtree scope.
    pub scope: String,
    /// Topics waiting for the clear confirmation.
    pub pending: Option<Vec<String>>,
    /// Why the last scan did not start.
    pub scan_error: Option<String>,
}

/// A topic's history window and its comparison.
#[derive(Debug, Default)]
pub struct HistoryState {
    /// The topic whose history window is open.
    pub topic: Option<String>,
    /// The history window's rows (the topic's received messages).
    pub view: FilteredView,
    /// Messages ticked for comparison (at most two).
    pub diff_picks: Vec<u64>,
    /// Scroll the history to this message on the next frame.
    pub scroll_to: Option<u64>,
    /// The comparison of the two ticked messages.
    pub diff_cache: Option<history::DiffCache>,
    /// Decoded payload previews of the rows shown.
    pub previews: crate::core::decoders::previews::DecodedPreviews,
    /// The pointer was over the rows last frame: they hold still (new
    /// messages wait) so a click lands where it was aimed.
    pub hovered: bool,
}

/// The charts window and its add-series form.
#[derive(Debug, Default)]
pub struct ChartsState {
    /// Show the charts window.
    pub open: bool,
    /// The charts are frozen at this time (seconds since the epoch).
    pub paused_at: Option<f64>,
    /// Seconds of history the charts show (None: all kept).
    pub window_s: Option<f64>,
    /// The add-series form: topic.
    pub topic: String,
    /// The add-series form: JSON pointer.
    pub pointer: String,
    /// Why the last series was not added.
    pub error: Option<String>,
}

/// Long operations the status bar shows.
#[derive(Debug, Default)]
pub struct StatusState {
    /// The running export, for the status bar.
    pub export_progress: Option<ExportProgress>,
    /// Profile files being imported, for the status bar.
    pub importing: usize,
}

/// The repeat form starts at once a second, ten times.
impl Default for ComposerState {
    fn default() -> Self {
        Self {
            height: Default::default(),
            properties_open: Default::default(),
            focus_payload: Default::default(),
            error: Default::default(),
            repeat_interval_ms: 1000,
            repeat_count: 10,
        }
    }
}

/// The log starts following the newest message.
impl Default for LogState {
    fn default() -> Self {
        Self {
            view: Default::default(),
            previews: Default::default(),
            search: Default::default(),
            search_regex: Default::default(),
            selected_subscription: Default::default(),
            selected_topic: Default::default(),
            selected_message: Default::default(),
            follow: true,
            view_progress: Default::default(),
            focus_search: Default::default(),
            topic_filter: Default::default(),
            direction: Default::default(),
            qos: Default::default(),
            retained_only: Default::default(),
            paused: Default::default(),
            all_tabs: Default::default(),
            last_rows: Default::default(),
            jump_to_newest: Default::default(),
            was_following: true,
            last_offset: Default::default(),
            rows_when_left: Default::default(),
            toolbar_width: Default::default(),
        }
    }
}

/// A useful start: `#`, everything on the broker.
impl Default for SubscribeForm {
    fn default() -> Self {
        Self {
            filter: "#".into(),
            qos: Default::default(),
            error: Default::default(),
            focus_filter: false,
            options: Default::default(),
            identifier_problem: None,
            show_edit_form: false,
            editing: None,
            edit_error: None,
        }
    }
}

/// Saved messages go to a collection called "Messages" unless renamed.
impl Default for SavedForm {
    fn default() -> Self {
        Self {
            message_name: Default::default(),
            collection_name: "Messages".into(),
            for_profile_only: Default::default(),
            message: Default::default(),
        }
    }
}

/// A path typed into the window instead of a file dialog.
#[derive(Debug)]
pub struct PathPrompt {
    /// What it is for.
    pub request: crate::ui::file_tasks::PathRequest,
    /// The path as typed.
    pub path: String,
    /// Why the last path was not taken.
    pub error: Option<String>,
}

/// A running export as the status bar shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportProgress {
    /// The file's name.
    pub file: String,
    /// Messages copied from the log so far.
    pub copied: u64,
    /// Messages written to the file so far.
    pub written: u64,
}
