//! The selected packet in full, in the right-hand panel: every field,
//! reason code (with its spec name), property (in packet order), the
//! payload's first bytes, its answer time, what is wrong with it and what
//! the row is based on.

use crate::core::payload::{HEX_BYTES_PER_LINE, hex_dump_line, hex_dump_line_count};
use crate::core::wire::{Direction, PacketKind, PacketRecord, PropertyValue};
use crate::ui::i18n::{TrWire, Words};
use crate::ui::packets::{PacketsState, flags_text, micros_text, packet_clock};
use crate::ui::panel::PanelContext;
use crate::ui::theme;

/// Draws the selected packet; closes itself when it is gone.
pub fn packet_details_ui(ui: &mut egui::Ui, cx: &mut PanelContext<'_>, state: &mut PacketsState) {
    let log = &cx.workspace.active_tab().packets;
    let Some(record) = state.selected.and_then(|position| log.at_position(position)) else {
        state.selected = None;
        return;
    };
    ui.horizontal(|ui| {
        ui.heading(ui.trf(TrWire::PacketTitle, &[("type", &record.kind.name()), ("seq", &record.seq)]));
        if ui.button(ui.tr(TrWire::ClosePacket)).clicked() {
            state.selected = None;
        }
        if ui.button(ui.tr(TrWire::CopyPacketJson)).clicked() {
            ui.ctx().copy_text(crate::core::wire::log::export_value(record).to_string());
        }
    });
    ui.separator();
    egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
        details_ui(ui, record, cx.hide_clocks);
    });
}

fn details_ui(ui: &mut egui::Ui, record: &PacketRecord, hide_clocks: bool) {
    if let Some(problem) = &record.problem {
        ui.colored_label(theme::ERROR, format!("⚠ {}: {problem}", ui.tr(TrWire::FieldProblem)));
        ui.add_space(4.0);
    }
    egui::Grid::new("packet-fields").num_columns(2).striped(true).spacing([12.0, 4.0]).show(ui, |ui| {
        let row = |ui: &mut egui::Ui, name: &str, value: String| {
            ui.strong(name);
            ui.add(egui::Label::new(value).wrap());
            ui.end_row();
        };
        row(ui, ui.tr(TrWire::FieldWhen), packet_clock(record, hide_clocks));
        let direction = match record.direction {
            Direction::Sent => TrWire::DirectionSent,
            Direction::Received => TrWire::DirectionReceived,
        };
        row(ui, ui.tr(TrWire::FieldDirection), format!("{} {}", record.direction.arrow(), ui.tr(direction)));
        row(ui, ui.tr(TrWire::FieldSize), ui.trf(TrWire::FieldSizeValue, &[("n", &record.size)]));
        row(ui, ui.tr(TrWire::FieldFlags), flags_text(record));
        if let Some(id) = record.packet_id {
            row(ui, ui.tr(TrWire::FieldPacketId), id.to_string());
        }
        if let Some(topic) = &record.topic {
            let shown = match record.topic_alias {
                Some(alias) if record.topic_from_alias => {
                    ui.trf(TrWire::TopicFromAlias, &[("topic", topic), ("alias", &alias)])
                }
                Some(alias) => ui.trf(TrWire::TopicSetsAlias, &[("topic", topic), ("alias", &alias)]),
                None => topic.clone(),
            };
            row(ui, ui.tr(TrWire::FieldTopic), shown);
        }
        for field in &record.fields {
            row(ui, field.name, field.value.clone());
        }
        if !record.filters.is_empty() {
            let filters: Vec<String> = record.filters.iter().map(|filter| filter.describe(record.protocol)).collect();
            row(ui, ui.tr(TrWire::FieldFilters), filters.join("\n"));
        }
        let carries_reason = matches!(
            record.kind,
            PacketKind::ConnAck
                | PacketKind::PubAck
                | PacketKind::PubRec
                | PacketKind::PubRel
                | PacketKind::PubComp
                | PacketKind::SubAck
                | PacketKind::UnsubAck
                | PacketKind::Disconnect
                | PacketKind::Auth
        );
        if !record.reason_codes.is_empty() {
            row(ui, ui.tr(TrWire::FieldReasonCodes), record.reasons().join("\n"));
        } else if carries_reason && record.protocol == crate::core::mqtt::ProtocolVersion::V5 {
            row(ui, ui.tr(TrWire::FieldReasonCodes), ui.tr(TrWire::ImpliedSuccess).to_owned());
        }
        if let Some(timing) = record.timing {
            let mut text = ui
                .trf(TrWire::AnswerAfter, &[("time", &micros_text(timing.micros)), ("packet", &timing.answers.name())]);
            if let Some(total) = timing.total_micros {
                text.push_str(&format!("; {}", ui.trf(TrWire::AnswerTotal, &[("time", &micros_text(total))])));
            }
            row(ui, ui.tr(TrWire::FieldAnswer), text);
        }
        row(ui, ui.tr(TrWire::FieldLink), ui.trf(TrWire::LinkNumber, &[("n", &record.link)]));
        row(ui, ui.tr(TrWire::FieldBasis), ui.tr(TrWire::BasisWire).to_owned());
    });
    if record.protocol == crate::core::mqtt::ProtocolVersion::V5 && record.kind != PacketKind::PingReq {
        ui.add_space(6.0);
        ui.strong(ui.tr(TrWire::FieldProperties));
        if record.properties.is_empty() {
            ui.weak(ui.tr(TrWire::NoProperties));
        }
        egui::Grid::new("packet-properties").num_columns(2).striped(true).spacing([12.0, 4.0]).show(ui, |ui| {
            for property in &record.properties {
                ui.label(format!("0x{:02X} {}", property.id, property.name));
                let value = match &property.value {
                    PropertyValue::Pair(key, value) => format!("{key} = {value}"),
                    other => other.to_string(),
                };
                ui.add(egui::Label::new(egui::RichText::new(value).monospace()).wrap());
                ui.end_row();
            }
        });
    }
    if let Some(preview) = &record.payload_preview {
        ui.add_space(6.0);
        let total = record.payload_size.unwrap_or(preview.len());
        ui.strong(format!(
            "{} ({})",
            ui.tr(TrWire::FieldPayload),
            ui.trf(TrWire::PayloadPreviewOf, &[("shown", &preview.len()), ("total", &total)])
        ));
        match std::str::from_utf8(preview) {
            Ok(text) => {
                ui.add(egui::Label::new(egui::RichText::new(text).monospace()).wrap());
            }
            Err(_) => {
                for line in 0..hex_dump_line_count(preview.len(), HEX_BYTES_PER_LINE) {
                    ui.monospace(hex_dump_line(preview, line, HEX_BYTES_PER_LINE));
                }
            }
        }
    }
}
