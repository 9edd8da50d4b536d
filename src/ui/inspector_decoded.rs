//! The inspector's decoder views: the message read by its topic's rule or
//! by any decoder the user picks ("View as"), as a protobuf tree with field
//! numbers and types, a Sparkplug metrics table, a JSON tree, an image, or
//! numbers read at a byte offset. A decode that fails shows why (offset,
//! field) above the raw bytes; the raw views are always one click away.

use std::sync::{Arc, Mutex};

use crate::core::decoders::binary::{Endian, numbers_at};
use crate::core::decoders::image::{RgbaImage, decode_rgba};
use crate::core::decoders::sparkplug::{self, SparkplugPayload};
use crate::core::decoders::{Decoded, DecodedMessage, DecodedValue, PayloadDecoder, PayloadDecoders};
use crate::core::payload::{hex_dump_line, hex_dump_line_count};
use crate::ui::i18n::{TrDecode, Words};
use crate::ui::theme;

/// Payloads up to this size are decoded as images on the UI thread; larger
/// ones on a thread of their own.
const IMAGE_INLINE_BYTES: usize = 256 * 1024;
/// Items of a repeated field or map shown before "… n more".
const MAX_ITEMS_SHOWN: usize = 1_000;

/// An image being decoded off the UI thread.
type ImageSlot = Arc<Mutex<Option<Result<RgbaImage, String>>>>;

/// The image of the selected message, as far as it got.
enum ImageState {
    NotAsked,
    Decoding(ImageSlot),
    Ready(egui::TextureHandle, RgbaImageInfo),
    Failed(String),
}

/// What the info line says of a decoded image.
struct RgbaImageInfo {
    format: &'static str,
    width: u32,
    height: u32,
}

/// The selected message read by one decoder, computed once.
pub struct DecodedView {
    seq: u64,
    generation: u64,
    decoder: PayloadDecoder,
    /// The outcome.
    pub decoded: Decoded,
    image: ImageState,
}

impl std::fmt::Debug for DecodedView {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("DecodedView").field("seq", &self.seq).field("decoder", &self.decoder).finish()
    }
}

impl DecodedView {
    /// Reads message `seq` with `decoder` unless `view` already did.
    pub fn refresh(
        view: &mut Option<DecodedView>,
        seq: u64,
        generation: u64,
        decoder: &PayloadDecoder,
        decoders: &PayloadDecoders,
        topic: &str,
        payload: &[u8],
    ) {
        let current = view
            .as_ref()
            .is_some_and(|view| view.seq == seq && view.generation == generation && view.decoder == *decoder);
        if !current {
            let decoded = decoders.decode_as(decoder, topic, payload);
            *view =
                Some(DecodedView { seq, generation, decoder: decoder.clone(), decoded, image: ImageState::NotAsked });
        }
    }
}

/// The "View as" choice for the selected message's topic: its rule, or
/// any decoder (protobuf types from the tab's schemas included).
pub fn view_as_ui(
    ui: &mut egui::Ui,
    decoders: &PayloadDecoders,
    topic: &str,
    chosen: &mut Option<PayloadDecoder>,
) -> bool {
    let by_rule = decoders.decoder_for(topic).clone();
    let rule_text = ui.trf(TrDecode::ByRule, &[("decoder", &by_rule.label())]);
    let selected_text = chosen.as_ref().map_or_else(|| rule_text.clone(), PayloadDecoder::label);
    let before = chosen.clone();
    ui.label(ui.tr(TrDecode::ViewAs)).on_hover_text(ui.tr(TrDecode::ViewAsHint));
    egui::ComboBox::from_id_salt("inspector-view-as").selected_text(selected_text).show_ui(ui, |ui| {
        ui.selectable_value(chosen, None, rule_text);
        ui.separator();
        for decoder in PayloadDecoder::CHOOSABLE {
            let label = decoder.label();
            ui.selectable_value(chosen, Some(decoder), label);
        }
        let types = decoders.schemas().message_names();
        if !types.is_empty() {
            ui.separator();
            for name in types {
                let decoder = PayloadDecoder::Protobuf(name);
                let label = decoder.label();
                ui.selectable_value(chosen, Some(decoder), label);
            }
        }
    });
    *chosen != before
}

/// The Decoded view.
pub fn decoded_ui(ui: &mut egui::Ui, view: &DecodedView, payload: &[u8]) {
    match &view.decoded {
        Decoded::Auto => {
            ui.add(egui::Label::new(egui::RichText::new(ui.tr(TrDecode::NoRule)).weak()).wrap());
        }
        Decoded::Bytes(_) => {
            ui.weak(ui.tr(TrDecode::RawView));
        }
        Decoded::Failed(failure) => {
            ui.add(
                egui::Label::new(
                    egui::RichText::new(ui.trf(TrDecode::DecodeFailed, &[("reason", &failure)])).color(theme::BUSY),
                )
                .wrap(),
            );
            let mut place = Vec::new();
            if let Some(offset) = failure.offset {
                place.push(ui.trf(TrDecode::FailedAt, &[("offset", &offset)]));
            }
            if let Some(field) = &failure.field {
                place.push(ui.trf(TrDecode::FailedField, &[("field", field)]));
            }
            if !place.is_empty() {
                ui.weak(place.join(" · "));
            }
            ui.separator();
            ui.weak(ui.tr(TrDecode::RawBytesBelow));
            raw_hex_ui(ui, view.seq, payload);
        }
        decoded => {
            if let Some(json) = decoded.json()
                && ui.button(ui.tr(TrDecode::CopyDecodedJson)).clicked()
            {
                ui.ctx().copy_text(serde_json::to_string_pretty(&json).unwrap_or_default());
            }
            egui::ScrollArea::both().id_salt(("decoded", view.seq)).auto_shrink([false, false]).show(ui, |ui| {
                match decoded {
                    Decoded::Protobuf(message) => message_ui(ui, message, &mut vec![view.seq.to_string()], 0),
                    Decoded::Sparkplug(payload) => sparkplug_ui(ui, payload),
                    Decoded::SparkplugState(state) => {
                        let online = if state.online { TrDecode::HostOnline } else { TrDecode::HostOffline };
                        ui.colored_label(if state.online { theme::OK } else { theme::MUTED }, ui.tr(online));
                        if let Some(timestamp) = state.timestamp {
                            ui.monospace(millis_text(timestamp, "%Y-%m-%d %H:%M:%S%.3f"));
                        }
                    }
                    Decoded::Json(value) => {
                        ui.style_mut().interaction.selectable_labels = false;
                        egui_json_tree::JsonTree::new(("decoded-json", view.seq), value)
                            .default_expand(egui_json_tree::DefaultExpand::ToLevel(2))
                            .show(ui);
                    }
                    _ => {}
                }
            });
        }
    }
}

fn raw_hex_ui(ui: &mut egui::Ui, seq: u64, payload: &[u8]) {
    let per_line = 16;
    let height = ui.text_style_height(&egui::TextStyle::Monospace);
    egui::ScrollArea::both().id_salt(("decoded-raw", seq)).auto_shrink([false, false]).show_rows(
        ui,
        height,
        hex_dump_line_count(payload.len(), per_line),
        |ui, range| {
            for line in range {
                ui.add(
                    egui::Label::new(egui::RichText::new(hex_dump_line(payload, line, per_line)).monospace()).extend(),
                );
            }
        },
    );
}

/// Milliseconds since the epoch as local time in `format`
/// (`%Y-%m-%d %H:%M:%S%.3f` for a payload, `%H:%M:%S%.3f` for a metric).
pub fn millis_text(millis: u64, format: &str) -> String {
    i64::try_from(millis)
        .ok()
        .and_then(chrono::DateTime::from_timestamp_millis)
        .map_or_else(|| millis.to_string(), |at| at.with_timezone(&chrono::Local).format(format).to_string())
}

/// A metric's measurement time, as the metric tables show it.
pub fn clock_millis(millis: u64) -> String {
    millis_text(millis, "%H:%M:%S%.3f")
}

/// A metric's value as the tables show it: DateTime as a local time (the
/// milliseconds in the JSON), null when it says so.
pub fn metric_value_text(value: &sparkplug::MetricValue, datatype: Option<u32>, is_null: bool) -> String {
    match (value, datatype) {
        _ if is_null => "null".to_owned(),
        (sparkplug::MetricValue::UInt(millis), Some(13)) => millis_text(*millis, "%Y-%m-%d %H:%M:%S%.3f"),
        _ => value.to_json().to_string(),
    }
}

/// The header row of a Sparkplug metric table (the inspector's and the
/// Sparkplug window's share their columns).
pub fn metric_header_ui(ui: &mut egui::Ui) {
    for title in [
        TrDecode::ColMetric,
        TrDecode::ColAlias,
        TrDecode::ColDatatype,
        TrDecode::ColValue,
        TrDecode::ColMeasured,
        TrDecode::ColFlags,
    ] {
        ui.strong(ui.tr(title));
    }
    ui.end_row();
}

/// A metric's quality flags that are set: `null, historical, transient`.
pub fn quality_flags(is_null: bool, is_historical: bool, is_transient: bool) -> String {
    [(is_null, "null"), (is_historical, "historical"), (is_transient, "transient")]
        .into_iter()
        .filter_map(|(set, name)| set.then_some(name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One line of a tree: `name  #3  int64  = value`.
fn leaf_ui(ui: &mut egui::Ui, name: &str, number: Option<u32>, type_name: &str, value: &str, unknown: bool) {
    ui.horizontal(|ui| {
        let name = egui::RichText::new(name).strong();
        let response = if unknown { ui.colored_label(theme::BUSY, name) } else { ui.label(name) };
        if unknown {
            response.on_hover_text(ui.tr(TrDecode::UnknownField));
        }
        if let Some(number) = number {
            ui.weak(format!("#{number}"));
        }
        ui.weak(type_name);
        ui.monospace(format!("= {value}"));
    });
}

fn message_ui(ui: &mut egui::Ui, message: &DecodedMessage, path: &mut Vec<String>, depth: usize) {
    for field in &message.fields {
        value_ui(ui, &field.name, Some(field.number), &field.type_name, &field.value, field.unknown, path, depth);
    }
}

#[allow(clippy::too_many_arguments)] // one tree row: its name, number, type, value and where it sits
fn value_ui(
    ui: &mut egui::Ui,
    name: &str,
    number: Option<u32>,
    type_name: &str,
    value: &DecodedValue,
    unknown: bool,
    path: &mut Vec<String>,
    depth: usize,
) {
    let nested = matches!(value, DecodedValue::Message(_) | DecodedValue::List(_) | DecodedValue::Map(_));
    if !nested {
        leaf_ui(ui, name, number, type_name, &value.summary(), unknown);
        return;
    }
    path.push(name.to_owned());
    let number_text = number.map(|number| format!("  #{number}")).unwrap_or_default();
    let header = format!("{name}{number_text}  {type_name}  {}", value.summary());
    egui::CollapsingHeader::new(header).id_salt(path.join("/")).default_open(depth < 2).show(ui, |ui| match value {
        DecodedValue::Message(message) => message_ui(ui, message, path, depth + 1),
        DecodedValue::List(items) => {
            let element = type_name.strip_prefix("repeated ").unwrap_or(type_name);
            for (index, item) in items.iter().take(MAX_ITEMS_SHOWN).enumerate() {
                value_ui(ui, &format!("[{index}]"), None, element, item, false, path, depth + 1);
            }
            if items.len() > MAX_ITEMS_SHOWN {
                ui.weak(ui.trf(TrDecode::MoreItems, &[("n", &(items.len() - MAX_ITEMS_SHOWN))]));
            }
        }
        DecodedValue::Map(entries) => {
            let value_type = type_name.rsplit_once(", ").map_or(type_name, |(_, rest)| rest.trim_end_matches('>'));
            for (key, item) in entries.iter().take(MAX_ITEMS_SHOWN) {
                value_ui(ui, key, None, value_type, item, false, path, depth + 1);
            }
            if entries.len() > MAX_ITEMS_SHOWN {
                ui.weak(ui.trf(TrDecode::MoreItems, &[("n", &(entries.len() - MAX_ITEMS_SHOWN))]));
            }
        }
        _ => {}
    });
    path.pop();
}

fn sparkplug_ui(ui: &mut egui::Ui, payload: &SparkplugPayload) {
    let seq = payload.seq.map_or_else(|| "—".to_owned(), |seq| seq.to_string());
    let time = payload.timestamp.map_or_else(|| "—".to_owned(), |at| millis_text(at, "%Y-%m-%d %H:%M:%S%.3f"));
    ui.strong(ui.trf(TrDecode::SparkplugHeader, &[("seq", &seq), ("time", &time)]));
    if let Some(uuid) = &payload.uuid {
        ui.weak(format!("uuid {uuid}"));
    }
    egui::Grid::new("sparkplug-metrics").striped(true).num_columns(6).spacing([12.0, 2.0]).show(ui, |ui| {
        metric_header_ui(ui);
        for metric in &payload.metrics {
            ui.label(metric.name.clone().unwrap_or_else(|| "—".into()));
            ui.monospace(metric.alias.map(|alias| alias.to_string()).unwrap_or_default());
            ui.weak(metric.datatype.map(sparkplug::datatype_name).unwrap_or("—"));
            ui.monospace(metric_value_text(&metric.value, metric.datatype, metric.is_null));
            ui.monospace(metric.timestamp.map(clock_millis).unwrap_or_default());
            ui.weak(quality_flags(metric.is_null, metric.is_historical, metric.is_transient));
            ui.end_row();
        }
    });
}

/// The Image view: decoded once (small payloads here, larger ones on a
/// thread), shown scaled to fit.
pub fn image_ui(ui: &mut egui::Ui, view: &mut DecodedView, payload: &[u8]) {
    if matches!(view.image, ImageState::NotAsked) {
        view.image = if payload.len() <= IMAGE_INLINE_BYTES {
            image_state(ui.ctx(), view.seq, decode_rgba(payload))
        } else {
            let slot: ImageSlot = Arc::default();
            let (bytes, target, ctx) = (payload.to_vec(), slot.clone(), ui.ctx().clone());
            let spawned = std::thread::Builder::new().name("topicscope-image".into()).spawn(move || {
                let decoded = decode_rgba(&bytes);
                if let Ok(mut target) = target.lock() {
                    *target = Some(decoded);
                }
                ctx.request_repaint();
            });
            match spawned {
                Ok(_) => ImageState::Decoding(slot),
                Err(error) => ImageState::Failed(error.to_string()),
            }
        };
    }
    if let ImageState::Decoding(slot) = &view.image {
        let finished = slot.lock().ok().and_then(|mut slot| slot.take());
        if let Some(decoded) = finished {
            view.image = image_state(ui.ctx(), view.seq, decoded);
        }
    }
    match &view.image {
        ImageState::NotAsked | ImageState::Decoding(_) => {
            ui.weak(ui.tr(TrDecode::ImageLoading));
        }
        ImageState::Failed(reason) => {
            ui.colored_label(theme::BUSY, format!("⚠ {reason}"));
        }
        ImageState::Ready(texture, info) => {
            ui.weak(ui.trf(
                TrDecode::ImageInfo,
                &[("format", &info.format), ("width", &info.width), ("height", &info.height)],
            ));
            egui::ScrollArea::both().id_salt(("image", view.seq)).auto_shrink([false, false]).show(ui, |ui| {
                let size = texture.size_vec2();
                let scale = (ui.available_width() / size.x).min(1.0);
                ui.image((texture.id(), size * scale));
            });
        }
    }
}

fn image_state(ctx: &egui::Context, seq: u64, decoded: Result<RgbaImage, String>) -> ImageState {
    match decoded {
        Ok(image) => {
            let size = [image.width as usize, image.height as usize];
            let colour = egui::ColorImage::from_rgba_unmultiplied(size, &image.pixels);
            let texture = ctx.load_texture(format!("payload-image-{seq}"), colour, egui::TextureOptions::LINEAR);
            ImageState::Ready(
                texture,
                RgbaImageInfo { format: image.kind.label(), width: image.width, height: image.height },
            )
        }
        Err(reason) => ImageState::Failed(reason),
    }
}

/// The Numbers view: every integer and float type at a byte offset.
pub fn numbers_ui(ui: &mut egui::Ui, payload: &[u8], offset: &mut usize, endian: &mut Endian) {
    let last = payload.len().saturating_sub(1);
    *offset = (*offset).min(last);
    ui.horizontal(|ui| {
        ui.label(ui.tr(TrDecode::Offset));
        ui.add(egui::DragValue::new(offset).range(0..=last));
        ui.selectable_value(endian, Endian::Little, ui.tr(TrDecode::LittleEndian));
        ui.selectable_value(endian, Endian::Big, ui.tr(TrDecode::BigEndian));
    });
    ui.weak(ui.tr(TrDecode::NumbersHint));
    egui::Grid::new("payload-numbers").striped(true).num_columns(2).spacing([16.0, 2.0]).show(ui, |ui| {
        for (type_name, value) in numbers_at(payload, *offset, *endian) {
            ui.monospace(type_name);
            match value {
                Some(value) => ui.monospace(value),
                None => ui.weak(ui.tr(TrDecode::BeyondEnd)),
            };
            ui.end_row();
        }
    });
    let line = *offset / 16;
    if line < hex_dump_line_count(payload.len(), 16) {
        ui.separator();
        ui.monospace(hex_dump_line(payload, line, 16));
    }
}
