//! A payload diff drawn the same way wherever two payloads are compared:
//! the history's two picked messages, a failed scenario step's expected and
//! arrived payloads. JSON as changed pointers, text as lines, bytes as
//! differing ranges in hex.

use crate::core::diff::{JsonChangeKind, LineTag, PayloadDiff, short_json};
use crate::core::payload::human_size;
use crate::ui::i18n::{Tr, Words};
use crate::ui::theme;

/// Bytes of a differing range shown in hex.
const BYTES_SHOWN: usize = 48;

/// Draws `diff` of the payloads `compared` (old, new): byte ranges in the
/// diff point into them.
pub fn payload_diff_ui(ui: &mut egui::Ui, diff: &PayloadDiff, compared: (&[u8], &[u8])) {
    match diff {
        PayloadDiff::Identical => {
            ui.label(ui.tr(Tr::PayloadsIdentical));
        }
        PayloadDiff::TooLarge { old_len, new_len, first_difference } => {
            ui.label(ui.trf(Tr::TooLargeToCompare, &[("old", &human_size(*old_len)), ("new", &human_size(*new_len))]));
            match first_difference {
                Some(offset) => ui.label(ui.trf(Tr::FirstDifferingByte, &[("offset", offset)])),
                None => ui.label(ui.tr(Tr::OneIsPrefix)),
            };
        }
        PayloadDiff::Json { changes, truncated } => {
            if changes.is_empty() {
                ui.label(ui.tr(Tr::SameJsonValue));
            }
            egui::Grid::new("json-diff").num_columns(2).striped(true).spacing([12.0, 2.0]).show(ui, |ui| {
                for change in changes {
                    let pointer = if change.pointer.is_empty() { ui.tr(Tr::WholeValue) } else { &change.pointer };
                    ui.monospace(pointer);
                    match &change.kind {
                        JsonChangeKind::Changed { old, new } => ui.label(
                            egui::RichText::new(format!("{} → {}", short_json(old, 80), short_json(new, 80)))
                                .monospace()
                                .color(theme::BUSY),
                        ),
                        JsonChangeKind::Added(value) => ui.label(
                            egui::RichText::new(ui.trf(Tr::JsonAdded, &[("value", &short_json(value, 120))]))
                                .monospace()
                                .color(theme::OK),
                        ),
                        JsonChangeKind::Removed(value) => ui.label(
                            egui::RichText::new(ui.trf(Tr::JsonRemoved, &[("value", &short_json(value, 120))]))
                                .monospace()
                                .color(theme::ERROR),
                        ),
                    };
                    ui.end_row();
                }
            });
            cut_note(ui, *truncated);
        }
        PayloadDiff::Text { lines, truncated } => {
            for line in lines {
                let number = |n: Option<usize>| n.map_or_else(|| "    ".to_owned(), |n| format!("{n:>4}"));
                let (sign, colour) = match line.tag {
                    LineTag::Same => (" ", ui.visuals().text_color()),
                    LineTag::Removed => ("-", theme::ERROR),
                    LineTag::Added => ("+", theme::OK),
                    LineTag::Gap => {
                        ui.weak("   ⋯");
                        continue;
                    }
                };
                let text = format!("{} {} {sign} {}", number(line.old_line), number(line.new_line), line.text);
                ui.add(egui::Label::new(egui::RichText::new(text).monospace().color(colour)).extend());
            }
            cut_note(ui, *truncated);
        }
        PayloadDiff::Bytes { changes, equal_bytes, truncated } => {
            ui.weak(ui.trf(Tr::DifferingRanges, &[("n", &changes.len()), ("equal", equal_bytes)]));
            for change in changes {
                ui.monospace(format!(
                    "@{:#x}: -{}  +{}",
                    change.old.start,
                    hex_excerpt(ui, compared.0, &change.old),
                    hex_excerpt(ui, compared.1, &change.new)
                ));
            }
            cut_note(ui, *truncated);
        }
    }
}

fn cut_note(ui: &mut egui::Ui, truncated: bool) {
    if truncated {
        ui.colored_label(theme::BUSY, ui.trf(Tr::OnlyFirstChanges, &[("n", &crate::core::diff::MAX_CHANGES)]));
    }
}

/// Hex of a byte range, cut (and saying how much more) past [`BYTES_SHOWN`].
fn hex_excerpt(ui: &egui::Ui, bytes: &[u8], range: &std::ops::Range<usize>) -> String {
    let Some(slice) = bytes.get(range.clone()) else { return String::new() };
    if slice.is_empty() {
        return ui.tr(Tr::Nothing).to_owned();
    }
    let mut text: String =
        slice.iter().take(BYTES_SHOWN).map(|byte| format!("{byte:02x}")).collect::<Vec<_>>().join(" ");
    if slice.len() > BYTES_SHOWN {
        text.push_str(&ui.trf(Tr::BytesMore, &[("n", &(slice.len() - BYTES_SHOWN))]));
    }
    text
}
