//! The topic tree panel: draws the active tab's [`TopicTree`] — counts,
//! subtopics, current rates, retained marker, last payload — virtualised,
//! with search and sorting; clicking a topic filters the log to it.

use crate::core::payload::preview;
use crate::core::topic_tree::{NodeId, TreeSort};
use crate::core::workspace::{RetainedScan, ScanState, Workspace};
use crate::ui::action::UiAction;
use crate::ui::i18n::{Tr, Words};
use crate::ui::panel::PanelContext;
use crate::ui::state::UiState;
use crate::ui::theme;
use crate::ui::widgets::{icon_button, labelled_text};

/// How long a node stays highlighted after a message.
const FLASH_MS: u64 = 800;

/// Longest a topic search may walk the tree per frame (it goes on next frame).
const TREE_SEARCH_BUDGET: std::time::Duration = std::time::Duration::from_millis(3);

/// Draws the topic tree.
pub fn topic_tree_ui(ui: &mut egui::Ui, cx: &mut PanelContext<'_>, state: &mut UiState) {
    let workspace = &*cx.workspace;
    let actions = &mut *cx.actions;
    let tree = &workspace.active_tab().tree;
    let now_ms = workspace.now_ms();
    ui.horizontal(|ui| {
        let find = labelled_text(ui, ui.tr(Tr::FindTopic), &mut state.tree.search, 130.0);
        if std::mem::take(&mut state.tree.focus_search) {
            find.request_focus();
        }
    });
    ui.horizontal(|ui| {
        let label = ui.label(ui.tr(Tr::Sort));
        let ctx = ui.ctx().clone();
        let sort_name = |sort| match sort {
            TreeSort::Name => ctx.tr(Tr::SortName),
            TreeSort::Count => ctx.tr(Tr::SortMessages),
            TreeSort::Rate => ctx.tr(Tr::SortRate),
        };
        let selected = sort_name(state.tree.sort);
        egui::ComboBox::from_id_salt("tree-sort")
            .selected_text(selected)
            .width(90.0)
            .show_ui(ui, |ui| {
                for sort in [TreeSort::Name, TreeSort::Count, TreeSort::Rate] {
                    ui.selectable_value(&mut state.tree.sort, sort, sort_name(sort));
                }
            })
            .response
            .labelled_by(label.id);
        ui.weak(ui.trf(Tr::TopicsCount, &[("n", &tree.topic_count())]));
        if ui.button(ui.tr(Tr::RetainedEllipsis)).on_hover_text(ui.tr(Tr::RetainedManagerHint)).clicked() {
            actions.push(UiAction::ShowRetained);
        }
    });
    if tree.overflow_messages() > 0 {
        ui.colored_label(
            theme::BUSY,
            ui.trf(Tr::TreeFull, &[("levels", &tree.node_count()), ("n", &tree.overflow_messages())]),
        );
    }
    if let Some(topic) = &state.log.selected_topic {
        ui.horizontal(|ui| {
            ui.label(egui::RichText::new(ui.trf(Tr::LogShowsSubtree, &[("topic", topic)])).color(theme::BUSY));
            if ui.small_button(ui.tr(Tr::ShowAll)).clicked() {
                actions.push(UiAction::SelectTopic { topic: None });
            }
        });
    }
    ui.separator();
    crate::ui::topic_value::value_pane_ui(ui, workspace, state, actions);
    // Taken out for the frame: the rows borrow it while the panel changes `state`.
    let mut cached_rows = std::mem::take(&mut state.tree.rows);
    cached_rows.hold(state.tree.hovered);
    cached_rows.get(tree, &state.tree.expanded, state.tree.sort, &state.tree.search, now_ms, TREE_SEARCH_BUDGET);
    if cached_rows.searching() {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.weak(ui.trf(Tr::SearchingLevels, &[("n", &tree.node_count())]));
        });
        ui.ctx().request_repaint();
    }
    rows_ui(ui, workspace, cached_rows.rows(), state, actions);
    state.tree.rows = cached_rows;
}

fn rows_ui(
    ui: &mut egui::Ui,
    workspace: &Workspace,
    rows: &[NodeId],
    state: &mut UiState,
    actions: &mut Vec<UiAction>,
) {
    let tree = &workspace.active_tab().tree;
    let now_ms = workspace.now_ms();
    if rows.is_empty() {
        ui.weak(if tree.node_count() == 0 { ui.tr(Tr::TopicsAppearHere) } else { ui.tr(Tr::NoTopicMatches) });
        return;
    }
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
    let mut area = egui::ScrollArea::vertical().id_salt("topic-tree").auto_shrink([false, false]);
    if let Some(row) = keyboard_ui(ui, tree, rows, state, actions) {
        let spacing = ui.spacing().item_spacing.y;
        area = area.vertical_scroll_offset((row as f32 - 3.0).max(0.0) * (row_height + spacing));
    }
    let output = area.show_rows(ui, row_height, rows.len(), |ui, range| {
        for id in rows[range].iter().copied() {
            let Some(node) = tree.node(id) else { continue };
            let path = tree.path(id);
            ui.horizontal(|ui| {
                ui.add_space(node.depth() as f32 * 12.0);
                if node.children.is_empty() {
                    ui.add_space(18.0);
                } else {
                    let open = state.tree.expanded.contains(&id) || !state.tree.search.trim().is_empty();
                    let icon = if open { "⏷" } else { "⏵" };
                    let name = ui.trf(if open { Tr::CollapseTopic } else { Tr::ExpandTopic }, &[("topic", &path)]);
                    if icon_button(ui, icon, &name).clicked() {
                        actions.push(UiAction::ToggleTopic { node: id });
                    }
                }
                let flashing = node.last_activity_ms.is_some_and(|at| now_ms.saturating_sub(at) < FLASH_MS);
                let name = if node.name.is_empty() { ui.tr(Tr::EmptyLevel).to_owned() } else { node.name.clone() };
                let mut text = egui::RichText::new(name);
                if flashing {
                    text = text.color(theme::BUSY);
                }
                let selected = state.log.selected_topic.as_deref() == Some(path.as_str());
                let hover = ui.trf(
                    Tr::TopicNodeHint,
                    &[
                        ("topic", &path),
                        ("here", &node.messages),
                        ("subtree", &node.subtree_messages),
                        ("subtopics", &node.subtopics),
                    ],
                );
                let response = ui.selectable_label(selected, text).on_hover_text(hover);
                if response.clicked() {
                    actions.push(UiAction::SelectTopic { topic: (!selected).then_some(path.clone()) });
                    state.tree.keyboard = true;
                }
                response.context_menu(|ui| {
                    if let Some(seq) = node.last_seq.filter(|seq| workspace.store.get(*seq).is_some()) {
                        crate::ui::widgets::message_actions_ui(ui, seq, actions);
                        ui.separator();
                    }
                    if ui.button(ui.tr(Tr::CopyTopic)).clicked() {
                        ui.ctx().copy_text(path.clone());
                    }
                    if node.messages > 0 && ui.button(ui.tr(Tr::History)).clicked() {
                        actions.push(UiAction::ShowHistory { topic: Some(path.clone()) });
                    }
                    if let Some(message) = node.last_seq.and_then(|seq| workspace.store.get(seq)) {
                        let charted = workspace.comparable_payload(message.tab, &path, message.payload);
                        crate::ui::widgets::chart_offer_ui(ui, &path, &charted, actions);
                    }
                    if ui.button(ui.tr(Tr::PublishHere)).on_hover_text(ui.tr(Tr::PublishHereHint)).clicked() {
                        actions.push(UiAction::PublishHere { topic: path.clone() });
                    }
                    if ui.button(ui.tr(Tr::RetainedInSubtree)).clicked() {
                        actions.push(UiAction::SelectTopic { topic: Some(path.clone()) });
                        actions.push(UiAction::ShowRetained);
                    }
                    // Asked once more in the retained manager before anything is sent.
                    if node.retained && ui.button(ui.tr(Tr::DeleteRetainedHere)).clicked() {
                        actions.push(UiAction::SelectTopic { topic: Some(path.clone()) });
                        actions.push(UiAction::ShowRetained);
                        actions.push(UiAction::PrepareClearRetained { topics: vec![path.clone()] });
                    }
                    let below = tree.retained_topics(Some(&path));
                    if below.len() > usize::from(node.retained)
                        && ui.button(ui.trf(Tr::DeleteRetainedSubtree, &[("n", &below.len())])).clicked()
                    {
                        actions.push(UiAction::SelectTopic { topic: Some(path.clone()) });
                        actions.push(UiAction::ShowRetained);
                        actions.push(UiAction::PrepareClearRetained { topics: below });
                    }
                });
                if node.retained {
                    ui.colored_label(theme::OK, "R").on_hover_text(ui.tr(Tr::Retained));
                }
                ui.weak(format!("{}", node.subtree_messages));
                let rate = node.subtree_rate(now_ms);
                if rate > 0 {
                    ui.weak(format!("{rate}/s"));
                }
                if let Some(message) = node.last_seq.and_then(|seq| workspace.store.get(seq)) {
                    let shown = preview(message.payload, 24);
                    ui.add(egui::Label::new(egui::RichText::new(shown.text).monospace().weak()).truncate());
                }
            });
        }
    });
    state.tree.hovered = ui.rect_contains_pointer(output.inner_rect);
    // A click elsewhere gives the keys back (to the log, the composer…).
    if ui.input(|input| input.pointer.any_pressed()) && !state.tree.hovered {
        state.tree.keyboard = false;
    }
}

/// Arrow keys move through the rows (Right/Left open and close a level,
/// Left on a closed one goes to its parent), Enter opens the topic's
/// history, Delete offers to delete its retained message — while the tree
/// has the keyboard (a row was clicked) and no field is being typed in.
/// Returns the row to scroll to.
fn keyboard_ui(
    ui: &mut egui::Ui,
    tree: &crate::core::topic_tree::TopicTree,
    rows: &[NodeId],
    state: &mut UiState,
    actions: &mut Vec<UiAction>,
) -> Option<usize> {
    if !state.tree.keyboard || ui.ctx().egui_wants_keyboard_input() {
        return None;
    }
    use egui::{Key, Modifiers};
    let [down, up, right, left, enter, delete] =
        [Key::ArrowDown, Key::ArrowUp, Key::ArrowRight, Key::ArrowLeft, Key::Enter, Key::Delete]
            .map(|key| ui.ctx().input_mut(|input| input.consume_key(Modifiers::NONE, key)));
    if !(down || up || right || left || enter || delete) {
        return None;
    }
    let selected = state.log.selected_topic.clone();
    let current = selected.as_deref().and_then(|topic| rows.iter().position(|id| tree.path(*id) == topic));
    let select = |row: usize, actions: &mut Vec<UiAction>| {
        actions.push(UiAction::SelectTopic { topic: rows.get(row).map(|id| tree.path(*id)) });
        Some(row)
    };
    let Some(row) = current else {
        return if down || up { select(0, actions) } else { None };
    };
    let id = rows[row];
    let node = tree.node(id)?;
    let open = state.tree.expanded.contains(&id);
    if down && row + 1 < rows.len() {
        return select(row + 1, actions);
    }
    if up && row > 0 {
        return select(row - 1, actions);
    }
    if right && !node.children.is_empty() && !open {
        actions.push(UiAction::ToggleTopic { node: id });
    }
    if left {
        if open {
            actions.push(UiAction::ToggleTopic { node: id });
        } else if let Some(parent) = node.parent.and_then(|parent| rows.iter().position(|row| *row == parent)) {
            return select(parent, actions);
        }
    }
    if enter && node.messages > 0 {
        actions.push(UiAction::ShowHistory { topic: selected.clone() });
    }
    if delete && node.retained {
        actions.push(UiAction::ShowRetained);
        actions.push(UiAction::PrepareClearRetained { topics: selected.into_iter().collect() });
    }
    None
}

/// "Scan the broker" and how the latest scan went.
fn scan_ui(ui: &mut egui::Ui, scan: Option<&RetainedScan>, error: Option<&str>, actions: &mut Vec<UiAction>) {
    ui.horizontal_wrapped(|ui| {
        let running = scan.is_some_and(|scan| scan.state == ScanState::Running);
        let button = ui.add_enabled(!running, egui::Button::new(ui.tr(Tr::ScanBroker)));
        if button.on_hover_text(ui.tr(Tr::ScanBrokerHint)).clicked() {
            actions.push(UiAction::ScanRetained);
        }
        if let Some(error) = error {
            ui.colored_label(theme::ERROR, error);
            return;
        }
        let Some(scan) = scan else { return };
        let filter = &scan.filter;
        match &scan.state {
            ScanState::Running => {
                ui.spinner();
                ui.weak(ui.trf(Tr::ScanRunning, &[("filter", filter), ("n", &scan.found)]));
            }
            ScanState::Finished(found) => {
                ui.label(ui.trf(Tr::ScanFound, &[("n", found), ("filter", filter)]));
            }
            ScanState::Refused(reason) => {
                ui.colored_label(theme::ERROR, ui.trf(Tr::ScanRefused, &[("reason", reason)]));
            }
            ScanState::Failed(failure) => {
                let failure = crate::ui::states::connection_failure(ui, failure);
                ui.colored_label(theme::ERROR, ui.trf(Tr::ScanFailed, &[("failure", &failure)]));
            }
        }
    });
}

/// The retained-message manager window: every retained topic seen (in a
/// subtree), its age and size; clearing asks for confirmation first.
pub fn retained_manager_ui(ctx: &egui::Context, cx: &mut PanelContext<'_>, state: &mut UiState) {
    let workspace = &*cx.workspace;
    let actions = &mut *cx.actions;
    if !state.retained.open {
        return;
    }
    let mut open = true;
    egui::Window::new(ctx.tr(Tr::RetainedMessages))
        .id(egui::Id::unique("retained-manager"))
        .open(&mut open)
        .default_size([560.0, 420.0])
        .show(ctx, |ui| {
            labelled_text(ui, ui.tr(Tr::SubtreeScope), &mut state.retained.scope, 240.0);
            let scope = state.retained.scope.trim().trim_end_matches('/').to_owned();
            let topics = workspace.active_tab().tree.retained_topics((!scope.is_empty()).then_some(scope.as_str()));
            ui.weak(ui.trf(Tr::RetainedTopicsSeen, &[("n", &topics.len())]));
            scan_ui(ui, workspace.active_tab().retained_scan.as_ref(), state.retained.scan_error.as_deref(), actions);
            ui.separator();
            if let Some(pending) = &state.retained.pending {
                ui.colored_label(theme::BUSY, ui.trf(Tr::ConfirmClearRetained, &[("n", &pending.len())]));
                egui::ScrollArea::vertical().id_salt("retained-preview").max_height(200.0).show(ui, |ui| {
                    for topic in pending {
                        ui.monospace(topic);
                    }
                });
                ui.horizontal(|ui| {
                    if ui.button(ui.trf(Tr::ClearNRetained, &[("n", &pending.len())])).clicked() {
                        actions.push(UiAction::ClearRetained { topics: pending.clone() });
                    }
                    if ui.button(ui.tr(Tr::Cancel)).clicked() {
                        actions.push(UiAction::CancelClearRetained);
                    }
                });
                return;
            }
            let now = chrono::Utc::now();
            egui::ScrollArea::vertical().id_salt("retained-list").max_height(280.0).show(ui, |ui| {
                egui::Grid::new("retained-grid").num_columns(4).striped(true).show(ui, |ui| {
                    for topic in &topics {
                        ui.monospace(topic);
                        let message = workspace
                            .active_tab()
                            .tree
                            .find(topic)
                            .and_then(|id| workspace.active_tab().tree.node(id))
                            .and_then(|node| node.last_seq)
                            .and_then(|seq| workspace.store.get(seq));
                        match message {
                            Some(message) => {
                                let age = now.signed_duration_since(message.time).num_seconds().max(0);
                                ui.weak(ui.trf(Tr::SecondsAgo, &[("n", &age)]));
                                ui.weak(crate::core::payload::human_size(message.payload.len()));
                            }
                            None => {
                                ui.weak(ui.tr(Tr::EvictedFromLog));
                                ui.weak("");
                            }
                        }
                        if ui
                            .small_button(ui.tr(Tr::ClearEllipsis))
                            .on_hover_text(ui.trf(Tr::ClearRetainedOf, &[("topic", topic)]))
                            .clicked()
                        {
                            actions.push(UiAction::PrepareClearRetained { topics: vec![topic.clone()] });
                        }
                        ui.end_row();
                    }
                });
            });
            if !topics.is_empty() && ui.button(ui.trf(Tr::ClearAllShown, &[("n", &topics.len())])).clicked() {
                actions.push(UiAction::PrepareClearRetained { topics: topics.clone() });
            }
        });
    if !open {
        state.retained.open = false;
        state.retained.pending = None;
    }
}
