//! The packet inspector's list: every packet of the active tab's
//! connections in wire order, virtualised like the message log, with
//! filters by type, direction, packet id, topic and text. Only packets that
//! arrived since the last frame are filtered (positions survive eviction).

use std::collections::VecDeque;

use egui_extras::{Column, TableBuilder};

use crate::core::ids::TabId;
use crate::core::wire::{Direction, PacketFilter, PacketKind, PacketLog, PacketRecord, log::PACKET_LOG_CAPACITY};
use crate::ui::action::UiAction;
use crate::ui::i18n::{TrWire, Words};
use crate::ui::panel::PanelContext;
use crate::ui::theme;

/// The packet inspector's filters, selection and filtered rows.
#[derive(Debug)]
pub struct PacketsState {
    /// What is shown.
    pub filter: PacketFilter,
    /// The packet id box as typed.
    pub packet_id_text: String,
    /// The selected packet's position in the tab's log.
    pub selected: Option<u64>,
    /// Keep the newest row in view.
    pub follow: bool,
    /// The filter, tab and log epoch `rows` were computed for.
    rows_for: Option<(TabId, u64, PacketFilter)>,
    /// Positions up to here were filtered.
    scanned_to: u64,
    /// Positions of the rows shown.
    rows: VecDeque<u64>,
}

impl Default for PacketsState {
    fn default() -> Self {
        Self {
            filter: PacketFilter::default(),
            packet_id_text: String::new(),
            selected: None,
            follow: true,
            rows_for: None,
            scanned_to: 0,
            rows: VecDeque::new(),
        }
    }
}

impl PacketsState {
    /// Brings the rows up to date with the log: filters only new packets
    /// unless the filter, tab or log changed.
    pub fn refresh(&mut self, tab: TabId, log: &PacketLog) {
        let key = (tab, log.epoch(), self.filter.clone());
        let range = log.positions();
        if self.rows_for.as_ref() != Some(&key) {
            if self.rows_for.as_ref().is_some_and(|(old_tab, epoch, _)| (*old_tab, *epoch) != (key.0, key.1)) {
                self.selected = None;
            }
            self.rows_for = Some(key);
            self.rows.clear();
            self.scanned_to = range.start;
        }
        while self.rows.front().is_some_and(|position| *position < range.start) {
            self.rows.pop_front();
        }
        if self.scanned_to < range.end {
            self.rows.extend(log.matching_from(&self.filter, self.scanned_to.max(range.start)));
            self.scanned_to = range.end;
        }
        if self.selected.is_some_and(|position| position < range.start) {
            self.selected = None;
        }
    }

    /// Positions of the rows shown, oldest first.
    pub fn rows(&self) -> &VecDeque<u64> {
        &self.rows
    }
}

/// `850 µs`, `1.84 ms`, `2.10 s`.
pub fn micros_text(micros: u64) -> String {
    match micros {
        0..1_000 => format!("{micros} µs"),
        1_000..1_000_000 => format!("{:.2} ms", micros as f64 / 1_000.0),
        _ => format!("{:.2} s", micros as f64 / 1_000_000.0),
    }
}

/// A packet's time as `HH:MM:SS.ffffff` local time (dashes when hidden).
pub fn packet_clock(record: &PacketRecord, hidden: bool) -> String {
    let at = chrono::DateTime::from_timestamp_micros(record.time_micros).unwrap_or_default();
    crate::ui::panel::clock(at, "%H:%M:%S%.6f", hidden)
}

/// The flags column: `d0 q1 r0` for PUBLISH, the nibble for the rest.
pub fn flags_text(record: &PacketRecord) -> String {
    if record.kind == PacketKind::Publish {
        format!("d{} q{} r{}", u8::from(record.duplicate()), record.qos_bits(), u8::from(record.retain()))
    } else {
        format!("0x{:X}", record.flags)
    }
}

/// One line saying what the packet carries.
fn summary(record: &PacketRecord) -> String {
    let mut parts: Vec<String> = Vec::new();
    match record.kind {
        PacketKind::Publish => {
            parts.push(record.topic.clone().unwrap_or_default());
            if let Some(preview) = &record.payload_preview {
                let shown = crate::core::payload::preview(preview, 80);
                parts.push(format!("{} bytes: {}", record.payload_size.unwrap_or(0), shown.text));
            }
        }
        PacketKind::Connect => {
            parts.extend(record.field("Client ID").map(|id| format!("client id {id:?}")));
            parts.extend(record.field("Protocol").map(str::to_owned));
        }
        PacketKind::Subscribe | PacketKind::Unsubscribe => {
            parts.extend(record.filters.iter().map(|filter| filter.describe(record.protocol)));
        }
        _ => {}
    }
    parts.extend(record.reasons());
    if record.kind == PacketKind::ConnAck && record.field("Session present") == Some("yes") {
        parts.push("session present".into());
    }
    if !record.properties.is_empty() {
        parts.push(format!("{} properties", record.properties.len()));
    }
    parts.join(" · ")
}

/// Draws the packet list of the active tab.
pub fn packets_ui(ui: &mut egui::Ui, cx: &mut PanelContext<'_>, state: &mut PacketsState) {
    let tab = cx.workspace.active_tab();
    let log = &tab.packets;
    toolbar_ui(ui, state, log, cx.actions);
    state.refresh(tab.id, log);
    ui.separator();
    let rows = state.rows.len();
    if rows == 0 {
        ui.centered_and_justified(|ui| {
            ui.weak(if log.is_empty() { ui.tr(TrWire::NoPacketsYet) } else { ui.tr(TrWire::NoPacketMatches) });
        });
        return;
    }
    let hide_clocks = cx.hide_clocks;
    ui.style_mut().interaction.selectable_labels = false;
    let titles = [
        TrWire::ColTime,
        TrWire::ColType,
        TrWire::ColFlags,
        TrWire::ColId,
        TrWire::ColSize,
        TrWire::ColAnswer,
        TrWire::ColDetails,
    ];
    let output = TableBuilder::new(ui)
        .id_salt("packet-log")
        .striped(true)
        .sense(egui::Sense::click())
        .stick_to_bottom(state.follow)
        .auto_shrink([false, false])
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .column(Column::exact(theme::COLOUR_STRIP_WIDTH + 126.0))
        .column(Column::exact(112.0))
        .column(Column::exact(62.0))
        .column(Column::exact(44.0))
        .column(Column::exact(50.0))
        .column(Column::initial(140.0).at_least(60.0).clip(true).resizable(true))
        .column(Column::remainder().clip(true))
        .header(20.0, |mut header| {
            for title in titles {
                header.col(|ui| {
                    ui.strong(ui.tr(title));
                });
            }
        })
        .body(|body| {
            body.rows(theme::LOG_ROW_HEIGHT, rows, |mut row| {
                let Some(position) = state.rows.get(row.index()).copied() else { return };
                let Some(record) = log.at_position(position) else { return };
                row.set_selected(state.selected == Some(position));
                row_ui(&mut row, record, hide_clocks);
                let response = row.response();
                if response.clicked() {
                    let already = state.selected == Some(position);
                    state.selected = (!already).then_some(position);
                }
                response.context_menu(|ui| {
                    if ui.button(ui.tr(TrWire::CopyPacketJson)).clicked() {
                        ui.ctx().copy_text(crate::core::wire::log::export_value(record).to_string());
                    }
                });
            });
        });
    // Scrolling up stops following; scrolling to the end starts it again.
    let offset = output.state.clamped_offset().y;
    let bottom = (output.content_size.y - output.inner_rect.height()).max(0.0);
    state.follow = offset + 1.0 >= bottom;
}

fn row_ui(row: &mut egui_extras::TableRow<'_, '_>, record: &PacketRecord, hide_clocks: bool) {
    let sent = record.direction == Direction::Sent;
    let colour = if sent { theme::OUTGOING } else { theme::MUTED };
    row.col(|ui| {
        let (rect, _) = ui.allocate_exact_size(
            egui::vec2(theme::COLOUR_STRIP_WIDTH, theme::LOG_ROW_HEIGHT - 4.0),
            egui::Sense::hover(),
        );
        ui.painter().rect_filled(rect, 1.0, colour);
        ui.monospace(packet_clock(record, hide_clocks));
    });
    row.col(|ui| {
        let arrow = egui::RichText::new(record.direction.arrow()).color(colour).monospace();
        ui.label(arrow);
        let mut name = egui::RichText::new(record.kind.name()).strong();
        if record.problem.is_some() {
            name = name.color(theme::ERROR);
        }
        ui.label(name);
        if record.duplicate() {
            ui.label(egui::RichText::new("DUP").color(theme::BUSY).strong())
                .on_hover_text(ui.tr(TrWire::Retransmission));
        }
    });
    row.col(|ui| {
        ui.monospace(flags_text(record));
    });
    row.col(|ui| {
        if let Some(id) = record.packet_id {
            ui.monospace(id.to_string());
        }
    });
    row.col(|ui| {
        ui.monospace(record.size.to_string());
    });
    row.col(|ui| {
        if let Some(timing) = record.timing {
            let time = micros_text(timing.micros);
            ui.label(ui.trf(TrWire::AnswerAfter, &[("time", &time), ("packet", &timing.answers.name())]));
        }
    });
    row.col(|ui| {
        let mut text = summary(record);
        if let Some(problem) = &record.problem {
            text = if text.is_empty() { problem.clone() } else { format!("{text} · {problem}") };
            ui.add(egui::Label::new(egui::RichText::new(text).color(theme::ERROR)).truncate());
        } else {
            ui.add(egui::Label::new(text).truncate());
        }
    });
}

fn toolbar_ui(ui: &mut egui::Ui, state: &mut PacketsState, log: &PacketLog, actions: &mut Vec<UiAction>) {
    ui.horizontal_wrapped(|ui| {
        let search_label = ui.label(ui.tr(TrWire::SearchLabel));
        ui.add(
            egui::TextEdit::singleline(&mut state.filter.search)
                .hint_text(ui.tr(TrWire::SearchPackets))
                .desired_width(200.0),
        )
        .labelled_by(search_label.id);
        let topic_label = ui.label(ui.tr(TrWire::TopicLabel));
        ui.add(
            egui::TextEdit::singleline(&mut state.filter.topic)
                .hint_text(ui.tr(TrWire::TopicOrFilter))
                .desired_width(130.0),
        )
        .labelled_by(topic_label.id);
        let id_label = ui.label(ui.tr(TrWire::PacketId));
        let id_box = ui
            .add(egui::TextEdit::singleline(&mut state.packet_id_text).hint_text("1–65535").desired_width(60.0))
            .labelled_by(id_label.id);
        let typed = state.packet_id_text.trim();
        state.filter.packet_id = typed.parse::<u16>().ok().filter(|id| *id > 0);
        if !typed.is_empty() && state.filter.packet_id.is_none() {
            id_box.on_hover_text(ui.tr(TrWire::PacketIdInvalid));
            ui.colored_label(theme::ERROR, "⚠").on_hover_text(ui.tr(TrWire::PacketIdInvalid));
        }
        let direction_label = |direction: Option<Direction>| match direction {
            None => TrWire::BothDirections,
            Some(Direction::Sent) => TrWire::SentOnly,
            Some(Direction::Received) => TrWire::ReceivedOnly,
        };
        egui::ComboBox::from_id_salt("packet-direction")
            .selected_text(ui.tr(direction_label(state.filter.direction)))
            .show_ui(ui, |ui| {
                for direction in [None, Some(Direction::Sent), Some(Direction::Received)] {
                    ui.selectable_value(&mut state.filter.direction, direction, ui.tr(direction_label(direction)));
                }
            });
        let hidden = state.filter.hidden_kinds.len();
        let types = if hidden == 0 {
            ui.tr(TrWire::PacketTypes).to_owned()
        } else {
            format!("{} (−{hidden})", ui.tr(TrWire::PacketTypes))
        };
        ui.menu_button(types, |ui| {
            if ui.button(ui.tr(TrWire::ShowAllTypes)).clicked() {
                state.filter.hidden_kinds.clear();
            }
            if ui.button(ui.tr(TrWire::HidePings)).clicked() {
                state.filter.hidden_kinds.extend([PacketKind::PingReq, PacketKind::PingResp]);
            }
            ui.separator();
            for kind in PacketKind::ALL.into_iter().skip(1) {
                let mut shown = !state.filter.hidden_kinds.contains(&kind);
                if ui.checkbox(&mut shown, kind.name()).changed() {
                    if shown {
                        state.filter.hidden_kinds.remove(&kind);
                    } else {
                        state.filter.hidden_kinds.insert(kind);
                    }
                }
            }
        });
        if ui.button(ui.tr(TrWire::ExportPackets)).on_hover_text(ui.tr(TrWire::ExportPacketsHint)).clicked() {
            let records: Vec<PacketRecord> =
                state.rows.iter().filter_map(|position| log.at_position(*position)).cloned().collect();
            actions.push(UiAction::ExportPackets { records });
        }
        if ui.button(ui.tr(TrWire::ClearPackets)).on_hover_text(ui.tr(TrWire::ClearPacketsHint)).clicked() {
            actions.push(UiAction::ClearPackets);
        }
        ui.weak(ui.trf(TrWire::PacketCounts, &[("shown", &state.rows.len()), ("total", &log.len())]));
        if log.dropped() > 0 {
            ui.colored_label(theme::BUSY, ui.trf(TrWire::PacketsDropped, &[("n", &log.dropped())]))
                .on_hover_text(ui.trf(TrWire::PacketsDroppedHint, &[("cap", &PACKET_LOG_CAPACITY)]));
        }
        ui.weak(format!("ⓘ {}", ui.tr(TrWire::BasisNote))).on_hover_text(ui.tr(TrWire::BasisNoteHint));
    });
}
