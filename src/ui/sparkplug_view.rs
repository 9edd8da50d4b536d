//! The Sparkplug window: the active tab's namespace — groups, edge nodes
//! (online or stale, bdSeq, seq, messages missing), devices and their
//! metrics with aliases resolved — host applications' STATE, the rule
//! breaks found, and Rebirth for any node. Opening it reads what the log
//! already holds; a bounded slice of new messages is read per frame.

use std::time::Duration;

use crate::core::decoders::sparkplug::datatype_name;
use crate::core::decoders::sparkplug_namespace::{EdgeNode, MetricTable};
use crate::core::workspace::sparkplug::SparkplugWatch;
use crate::ui::action::UiAction;
use crate::ui::i18n::{TrDecode, Words};
use crate::ui::inspector_decoded::{clock_millis, metric_header_ui, metric_value_text, quality_flags};
use crate::ui::panel::PanelContext;
use crate::ui::theme;

/// Time per frame spent reading messages into the namespace.
const READ_BUDGET: Duration = Duration::from_millis(3);
/// Width of the group → node → device tree.
const TREE_WIDTH: f32 = 330.0;
/// Rule breaks listed (the newest).
const ISSUES_SHOWN: usize = 200;

/// The window's state.
#[derive(Debug, Default)]
pub struct SparkplugViewState {
    /// The namespace being read (none while the window is closed).
    pub watch: Option<SparkplugWatch>,
    /// The node (group, node) or device whose metrics are listed.
    pub selected: Option<(String, String, Option<String>)>,
}

/// Draws the window while `open`.
pub fn sparkplug_ui(ctx: &egui::Context, cx: &mut PanelContext<'_>, open: &mut bool, state: &mut SparkplugViewState) {
    if !*open {
        state.watch = None;
        return;
    }
    let workspace = &*cx.workspace;
    let tab = workspace.active_tab().id;
    if state.watch.as_ref().is_none_or(|watch| watch.tab != tab) {
        state.watch = Some(SparkplugWatch::new(tab, &workspace.store));
        state.selected = None;
    }
    let Some(watch) = state.watch.as_mut() else { return };
    let caught_up = watch.step(&workspace.store, READ_BUDGET);
    if !caught_up {
        ctx.request_repaint();
    }
    let behind = watch.behind(&workspace.store);
    let actions = &mut *cx.actions;
    egui::Window::new(ctx.tr(TrDecode::SparkplugWindow))
        .id(egui::Id::unique("sparkplug-window"))
        .open(open)
        .default_size([1000.0, 480.0])
        .resizable(true)
        .show(ctx, |ui| {
            let namespace = &watch.namespace;
            ui.horizontal_wrapped(|ui| {
                ui.label(ui.trf(
                    TrDecode::SparkplugSummary,
                    &[("groups", &namespace.groups.len()), ("nodes", &namespace.node_count())],
                ));
                if behind > 0 {
                    ui.colored_label(theme::BUSY, ui.trf(TrDecode::SparkplugCatchingUp, &[("n", &behind)]));
                }
                if watch.missed > 0 {
                    ui.colored_label(theme::BUSY, ui.trf(TrDecode::SparkplugMissed, &[("n", &watch.missed)]));
                }
                if namespace.undecodable > 0 {
                    ui.colored_label(
                        theme::BUSY,
                        ui.trf(TrDecode::SparkplugUndecodable, &[("n", &namespace.undecodable)]),
                    );
                }
            });
            if namespace.groups.is_empty() && namespace.hosts.is_empty() {
                ui.add(egui::Label::new(egui::RichText::new(ui.tr(TrDecode::SparkplugEmpty)).weak()).wrap());
                return;
            }
            for (host, host_state) in &namespace.hosts {
                let (colour, text) = if host_state.online {
                    (theme::OK, TrDecode::HostOnline)
                } else {
                    (theme::MUTED, TrDecode::HostOffline)
                };
                ui.horizontal(|ui| {
                    ui.colored_label(colour, "●");
                    ui.label(format!("{} · {host}", ui.tr(text)));
                });
            }
            // The tree at a fixed width; the metrics get the rest.
            ui.horizontal_top(|ui| {
                ui.allocate_ui_with_layout(
                    egui::vec2(TREE_WIDTH, 360.0),
                    egui::Layout::top_down(egui::Align::Min),
                    |ui| {
                        ui.set_width(TREE_WIDTH);
                        egui::ScrollArea::vertical()
                            .id_salt("sparkplug-tree")
                            .max_height(360.0)
                            .auto_shrink([false, true])
                            .show(ui, |ui| {
                                for (group, nodes) in &namespace.groups {
                                    egui::CollapsingHeader::new(format!("🗀 {group}"))
                                        .id_salt(("sp-group", group))
                                        .default_open(true)
                                        .show(ui, |ui| {
                                            for (node_id, node) in nodes {
                                                node_ui(ui, group, node_id, node, &mut state.selected, actions);
                                            }
                                        });
                                }
                            });
                    },
                );
                ui.add_space(16.0);
                let table = state.selected.as_ref().and_then(|(group, node, device)| {
                    let found = namespace.node(group, node)?;
                    match device {
                        Some(device) => found.devices.get(device).map(|device| &device.metrics),
                        None => Some(&found.metrics),
                    }
                });
                ui.vertical(|ui| match table {
                    Some(table) => metrics_ui(ui, table),
                    None => {
                        ui.weak(ui.tr(TrDecode::SparkplugPickNode));
                    }
                });
            });
            if !namespace.issues.is_empty() {
                let title = ui.trf(TrDecode::SparkplugIssues, &[("n", &namespace.issues.len())]);
                egui::CollapsingHeader::new(egui::RichText::new(title).color(theme::BUSY)).id_salt("sp-issues").show(
                    ui,
                    |ui| {
                        egui::ScrollArea::vertical().id_salt("sp-issues-list").max_height(140.0).show(ui, |ui| {
                            for issue in namespace.issues.iter().rev().take(ISSUES_SHOWN) {
                                ui.horizontal_wrapped(|ui| {
                                    ui.monospace(&issue.topic);
                                    ui.label(&issue.text);
                                });
                            }
                        });
                    },
                );
            }
        });
}

fn node_ui(
    ui: &mut egui::Ui,
    group: &str,
    node_id: &str,
    node: &EdgeNode,
    selected: &mut Option<(String, String, Option<String>)>,
    actions: &mut Vec<UiAction>,
) {
    let (colour, word) = if node.online { (theme::OK, TrDecode::Online) } else { (theme::MUTED, TrDecode::Stale) };
    ui.horizontal(|ui| {
        ui.colored_label(colour, "●").on_hover_text(ui.tr(word));
        let here = (group.to_owned(), node_id.to_owned(), None);
        let is_selected = selected.as_ref() == Some(&here);
        if ui.selectable_label(is_selected, node_id).clicked() {
            *selected = Some(here);
        }
        let bd_seq = node.bd_seq.map_or_else(|| "—".to_owned(), |value| value.to_string());
        let seq = node.last_seq.map_or_else(|| "—".to_owned(), |value| value.to_string());
        ui.weak(format!("bdSeq {bd_seq} · seq {seq}"));
        if node.missing > 0 {
            ui.colored_label(theme::BUSY, ui.trf(TrDecode::SparkplugMissing, &[("n", &node.missing)]));
        }
        if ui.small_button(ui.tr(TrDecode::Rebirth)).on_hover_text(ui.tr(TrDecode::RebirthHint)).clicked() {
            actions.push(UiAction::SparkplugRebirth { group: group.to_owned(), node: node_id.to_owned() });
        }
    });
    for (device_id, device) in &node.devices {
        ui.horizontal(|ui| {
            ui.add_space(18.0);
            let colour = if device.online { theme::OK } else { theme::MUTED };
            ui.colored_label(colour, "●");
            let here = (group.to_owned(), node_id.to_owned(), Some(device_id.clone()));
            let is_selected = selected.as_ref() == Some(&here);
            if ui.selectable_label(is_selected, device_id).clicked() {
                *selected = Some(here);
            }
            ui.weak(ui.trf(TrDecode::MetricCount, &[("n", &device.metrics.metrics.len())]));
        });
    }
}

fn metrics_ui(ui: &mut egui::Ui, table: &MetricTable) {
    let area = egui::ScrollArea::both().id_salt("sparkplug-metrics-view").max_height(360.0).auto_shrink([false, true]);
    area.show(ui, |ui| {
        let grid = egui::Grid::new("sparkplug-node-metrics").striped(true).num_columns(6).spacing([12.0, 2.0]);
        grid.show(ui, |ui| {
            metric_header_ui(ui);
            for metric in table.metrics.values() {
                ui.label(&metric.name);
                ui.monospace(metric.alias.map(|alias| alias.to_string()).unwrap_or_default());
                ui.weak(metric.datatype.map(datatype_name).unwrap_or("—"));
                let value = metric_value_text(&metric.value, metric.datatype, metric.is_null);
                ui.monospace(value).on_hover_text(ui.trf(TrDecode::Updates, &[("n", &metric.updates)]));
                ui.monospace(metric.timestamp.map(clock_millis).unwrap_or_default());
                ui.weak(quality_flags(metric.is_null, metric.is_historical, metric.is_transient));
                ui.end_row();
            }
        });
    });
}
