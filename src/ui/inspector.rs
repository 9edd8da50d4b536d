//! The inspector for the selected message: raw text, pretty JSON, a
//! collapsible JSON tree and a hex dump. Raw, pretty and hex views are
//! virtualised by line, so a 20 MB payload shows in full without freezing.

use chrono::Local;

use crate::core::decode;
use crate::core::mqtt::Direction;
use crate::core::payload::{
    HEX_BYTES_PER_LINE, JsonToken, hex_dump_line, hex_dump_line_count, hex_dump_line_width, human_size, json_tokens,
};
use crate::core::store::StoredMessage;
use crate::core::workspace::Workspace;
use crate::ui::action::UiAction;
use crate::ui::i18n::{Tr, TrDecode, Words};
use crate::ui::inspector_decoded;
use crate::ui::panel::PanelContext;
use crate::ui::state::{InspectorTab, UiState};
use crate::ui::theme;
use crate::ui::widgets::icon_button;

/// Longest piece of a line shown as one row (longer lines wrap into rows).
const MAX_ROW_BYTES: usize = 1024;
/// Largest payload parsed for the JSON views (parsing is done once, on
/// selection, on the UI thread: keep it well under a frame's worth of hitch).
const JSON_VIEW_LIMIT: usize = 4 * 1024 * 1024;

/// What the inspector computed once for the selected message.
#[derive(Debug)]
pub struct InspectorCache {
    seq: u64,
    text: Option<RowText>,
    pretty: Option<RowText>,
    /// For each pretty row: it starts inside a JSON string.
    pretty_in_string: Vec<bool>,
    json: Option<serde_json::Value>,
    json_note: Option<String>,
    /// The notes' language.
    language: crate::ui::i18n::Language,
    xml: Result<RowText, String>,
    cbor: Result<serde_json::Value, String>,
    msgpack: Result<serde_json::Value, String>,
}

/// UTF-8 text split into display rows (byte ranges), computed once. It
/// shares the payload's bytes instead of copying them.
#[derive(Debug)]
struct RowText {
    bytes: bytes::Bytes,
    rows: Vec<(usize, usize)>,
}

impl RowText {
    /// `None` when the bytes are not UTF-8.
    fn new(bytes: bytes::Bytes) -> Option<Self> {
        let text = std::str::from_utf8(&bytes).ok()?;
        let mut rows = Vec::new();
        let mut line_start = 0;
        for line in text.split('\n') {
            let mut start = 0;
            loop {
                let mut end = (start + MAX_ROW_BYTES).min(line.len());
                while !line.is_char_boundary(end) {
                    end -= 1;
                }
                rows.push((line_start + start, line_start + end));
                if end >= line.len() {
                    break;
                }
                start = end;
            }
            line_start += line.len() + 1;
        }
        Some(Self { bytes, rows })
    }

    fn row(&self, index: usize) -> &str {
        // Rows end on character boundaries of text validated in `new`.
        self.rows
            .get(index)
            .and_then(|(start, end)| self.bytes.get(*start..*end))
            .and_then(|row| std::str::from_utf8(row).ok())
            .unwrap_or_default()
    }
}

impl InspectorCache {
    fn build(ctx: &egui::Context, message: &StoredMessage<'_>) -> Self {
        let payload = &message.payload;
        let text = RowText::new(bytes::Bytes::copy_from_slice(payload));
        let (json, json_note) = if payload.len() > JSON_VIEW_LIMIT {
            (None, Some(ctx.trf(Tr::TooLargeForJson, &[("size", &human_size(payload.len()))])))
        } else {
            match serde_json::from_slice::<serde_json::Value>(payload) {
                Ok(value) => (Some(value), None),
                Err(error) => (None, Some(ctx.trf(Tr::NotJson, &[("error", &error)]))),
            }
        };
        let pretty = json
            .as_ref()
            .and_then(|value| serde_json::to_string_pretty(value).ok())
            .and_then(|pretty| RowText::new(pretty.into()));
        let pretty_in_string = pretty.as_ref().map_or_else(Vec::new, |pretty| {
            let mut in_string = false;
            (0..pretty.rows.len())
                .map(|index| {
                    let starts_inside = in_string;
                    in_string = json_tokens(pretty.row(index), in_string).1;
                    starts_inside
                })
                .collect()
        });
        let too_large = ctx.trf(Tr::TooLargeToDecode, &[("size", &human_size(payload.len()))]);
        let small = payload.len() <= JSON_VIEW_LIMIT;
        let xml = if small {
            decode::pretty_xml(payload)
                .map_err(|error| error.to_string())
                .and_then(|text| RowText::new(text.into()).ok_or_else(|| ctx.tr(Tr::NotUtf8).to_owned()))
        } else {
            Err(too_large.clone())
        };
        let decoded = |decode: fn(&[u8]) -> Result<serde_json::Value, decode::DecodeError>| {
            decode(payload).map_err(|error| error.to_string())
        };
        let cbor = if small { decoded(decode::decode_cbor) } else { Err(too_large.clone()) };
        let msgpack = if small { decoded(decode::decode_msgpack) } else { Err(too_large) };
        let language = crate::ui::i18n::language(ctx);
        Self { seq: message.seq, text, pretty, pretty_in_string, json, json_note, language, xml, cbor, msgpack }
    }
}

/// The view a message opens in when its topic has none remembered: JSON
/// documents (objects and arrays) pretty, other text raw, keeping the view
/// the user is in when it suits the payload.
pub fn view_for(payload: &[u8], current: InspectorTab) -> InspectorTab {
    let json_document = payload.len() <= JSON_VIEW_LIMIT
        && payload.iter().find(|byte| !byte.is_ascii_whitespace()).is_some_and(|first| matches!(first, b'{' | b'['))
        && serde_json::from_slice::<serde::de::IgnoredAny>(payload).is_ok();
    match (json_document, current) {
        (true, InspectorTab::PrettyJson | InspectorTab::JsonTree) => current,
        (true, _) => InspectorTab::PrettyJson,
        (false, InspectorTab::PrettyJson | InspectorTab::JsonTree) => InspectorTab::Raw,
        (false, _) => current,
    }
}

/// Draws the inspector for the selected message.
pub fn inspector_ui(ui: &mut egui::Ui, cx: &mut PanelContext<'_>, state: &mut UiState) {
    let workspace = &*cx.workspace;
    let actions = &mut *cx.actions;
    let Some(message) = state.log.selected_message.and_then(|seq| workspace.store.get(seq)) else {
        ui.weak(ui.tr(Tr::SelectedMessageGone));
        if ui.button(ui.tr(Tr::Close)).clicked() {
            actions.push(UiAction::SelectMessage { seq: None });
        }
        return;
    };
    let language = crate::ui::i18n::language(ui.ctx());
    if state.inspector.cache.as_ref().is_none_or(|cache| cache.seq != message.seq || cache.language != language) {
        state.inspector.cache = Some(InspectorCache::build(ui.ctx(), &message));
    }
    let Some(cache) = state.inspector.cache.as_ref() else {
        return;
    };
    ui.horizontal(|ui| {
        ui.heading(ui.tr(Tr::Message));
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if icon_button(ui, "🗙", ui.tr(Tr::CloseInspector)).clicked() {
                actions.push(UiAction::SelectMessage { seq: None });
            }
        });
    });
    header_ui(ui, workspace, &message);
    // One row: the actions used most, the rest one click away.
    ui.horizontal_wrapped(|ui| {
        let seq = message.seq;
        if ui.button(ui.tr(Tr::EditAndPublish)).on_hover_text(ui.tr(Tr::EditAndPublishHint)).clicked() {
            actions.push(UiAction::EditAndPublish { seq });
        }
        if ui.button(ui.tr(Tr::PublishAgain)).on_hover_text(ui.tr(Tr::PublishAgainHint)).clicked() {
            actions.push(UiAction::PublishAgain { seq });
        }
        if message.direction == Direction::Incoming {
            if ui.button(ui.tr(Tr::History)).on_hover_text(ui.tr(Tr::HistoryHint)).clicked() {
                actions.push(UiAction::ShowHistory { topic: Some(message.topic.to_string()) });
            }
            if ui.button(ui.tr(Tr::CompareWithPrevious)).on_hover_text(ui.tr(Tr::CompareWithPreviousHint)).clicked() {
                actions.push(UiAction::CompareWithPrevious { seq });
            }
        }
        crate::ui::widgets::form_menu_ui(ui, ui.tr(Tr::CopySaveChartMenu), |ui| {
            if ui.button(ui.tr(Tr::CopyTopic)).clicked() {
                ui.ctx().copy_text(message.topic.to_string());
                ui.close();
            }
            if ui.button(ui.tr(Tr::CopyPayload)).on_hover_text(ui.tr(Tr::CopyPayloadHint)).clicked() {
                ui.ctx().copy_text(String::from_utf8_lossy(message.payload).into_owned());
                ui.close();
            }
            if ui.button(ui.tr(Tr::CopyAsCommand)).on_hover_text(ui.tr(Tr::CopyAsCommandHint)).clicked() {
                actions.push(UiAction::CopyPublishCommand { seq });
                ui.close();
            }
            if ui.button(ui.tr(Tr::SavePayload)).on_hover_text(ui.tr(Tr::SavePayloadHint)).clicked() {
                actions.push(UiAction::SavePayload { seq });
                ui.close();
            }
            if message.direction == Direction::Incoming {
                let charted = workspace.comparable_payload(message.tab, message.topic, message.payload);
                crate::ui::widgets::chart_offer_ui(ui, message.topic, &charted, actions);
            }
        });
    });
    ui.separator();
    // The topic's decoder: its rule, or what the user picked for it.
    let topic = message.topic.to_string();
    let (generation, decoders) =
        workspace.tab(message.tab).map_or((0, None), |tab| (tab.decoding.generation(), Some(tab.decoding.decoders())));
    let default_decoders = crate::core::decoders::PayloadDecoders::default();
    let decoders = decoders.unwrap_or(&default_decoders);
    ui.horizontal(|ui| {
        let mut chosen = state.inspector.decode_as.get(&topic).cloned();
        if inspector_decoded::view_as_ui(ui, decoders, &topic, &mut chosen) {
            match chosen {
                Some(decoder) => state.inspector.decode_as.insert(topic.clone(), decoder),
                None => state.inspector.decode_as.remove(&topic),
            };
            state.inspector.tab = InspectorTab::Decoded;
            state.inspector.views.insert(topic.clone(), InspectorTab::Decoded);
        }
    });
    let decoder = state.inspector.decode_as.get(&topic).unwrap_or_else(|| decoders.decoder_for(&topic)).clone();
    inspector_decoded::DecodedView::refresh(
        &mut state.inspector.decoded,
        message.seq,
        generation,
        &decoder,
        decoders,
        &topic,
        message.payload,
    );
    let sparkplug = state.inspector.decoded.as_ref().is_some_and(|view| {
        matches!(
            view.decoded,
            crate::core::decoders::Decoded::Sparkplug(_) | crate::core::decoders::Decoded::SparkplugState(_)
        )
    });
    if sparkplug && ui.button(ui.tr(TrDecode::OpenSparkplugWindow)).clicked() {
        state.windows.show_sparkplug = true;
    }
    let before = state.inspector.tab;
    ui.horizontal_wrapped(|ui| {
        for (tab, name) in [
            (InspectorTab::Decoded, ui.tr(TrDecode::ViewDecoded)),
            (InspectorTab::Raw, ui.tr(Tr::ViewRaw)),
            (InspectorTab::PrettyJson, ui.tr(Tr::ViewPrettyJson)),
            (InspectorTab::JsonTree, ui.tr(Tr::ViewJsonTree)),
            (InspectorTab::Hex, "Hex"),
            (InspectorTab::Base64, "Base64"),
            (InspectorTab::Xml, "XML"),
            (InspectorTab::Cbor, "CBOR"),
            (InspectorTab::MessagePack, "MessagePack"),
            (InspectorTab::Image, ui.tr(TrDecode::ViewImage)),
            (InspectorTab::Numbers, ui.tr(TrDecode::ViewNumbers)),
        ] {
            ui.selectable_value(&mut state.inspector.tab, tab, name);
        }
    });
    if state.inspector.tab != before {
        // Remembered per topic: the next message on it opens the same way.
        state.inspector.views.insert(message.topic.to_string(), state.inspector.tab);
    }
    ui.separator();
    let tab = match (state.inspector.tab, &cache.text) {
        // Binary payloads open in hex: raw text of them is noise.
        (InspectorTab::Raw, None) => InspectorTab::Hex,
        (tab, _) => tab,
    };
    match tab {
        InspectorTab::Raw => {
            if let Some(text) = &cache.text {
                rows_ui(ui, ("raw", message.seq), text.rows.len(), |index| text.row(index).to_owned());
            }
        }
        InspectorTab::PrettyJson => match &cache.pretty {
            Some(pretty) => {
                let height = ui.text_style_height(&egui::TextStyle::Monospace);
                let dark = ui.visuals().dark_mode;
                let font = egui::TextStyle::Monospace.resolve(ui.style());
                let plain = ui.visuals().text_color();
                egui::ScrollArea::both()
                    .id_salt(("pretty", message.seq))
                    .scroll_bar_visibility(egui::scroll_area::ScrollBarVisibility::AlwaysVisible)
                    .auto_shrink([false, false])
                    .show_rows(ui, height, pretty.rows.len(), |ui, range| {
                        for index in range {
                            let in_string = cache.pretty_in_string.get(index).copied().unwrap_or(false);
                            let job = json_row_job(pretty.row(index), in_string, &font, plain, dark);
                            ui.add(egui::Label::new(job).extend());
                        }
                    });
            }
            None => {
                ui.weak(cache.json_note.clone().unwrap_or_default());
            }
        },
        InspectorTab::JsonTree => match &cache.json {
            Some(value) => {
                ui.horizontal(|ui| {
                    crate::ui::widgets::labelled_text(
                        ui,
                        ui.tr(Tr::FindInJson),
                        &mut state.inspector.json_search,
                        160.0,
                    )
                    .on_hover_text(ui.tr(Tr::FindInJsonHint));
                });
                ui.add(egui::Label::new(egui::RichText::new(ui.tr(Tr::JsonTreeHint)).weak().small()).wrap());
                let search = state.inspector.json_search.trim().to_owned();
                egui::ScrollArea::both().id_salt("json-tree").auto_shrink([false, false]).show(ui, |ui| {
                    // Text selection would take the right-click the context menu needs.
                    ui.style_mut().interaction.selectable_labels = false;
                    let expand = if search.is_empty() {
                        egui_json_tree::DefaultExpand::ToLevel(2)
                    } else {
                        egui_json_tree::DefaultExpand::SearchResults(&search)
                    };
                    let topic = message.topic.to_string();
                    egui_json_tree::JsonTree::new(("json-tree", message.seq), value)
                        .default_expand(expand)
                        .on_render(|ui, context| json_context_menu(ui, context, Some(&topic), actions))
                        .show(ui);
                });
            }
            None => {
                ui.weak(cache.json_note.clone().unwrap_or_default());
            }
        },
        InspectorTab::Xml => match &cache.xml {
            Ok(pretty) => rows_ui(ui, ("xml", message.seq), pretty.rows.len(), |index| pretty.row(index).to_owned()),
            Err(error) => {
                ui.weak(error);
            }
        },
        InspectorTab::Cbor | InspectorTab::MessagePack => {
            let decoded = if tab == InspectorTab::Cbor { &cache.cbor } else { &cache.msgpack };
            match decoded {
                Ok(value) => {
                    egui::ScrollArea::both().id_salt("decoded-tree").auto_shrink([false, false]).show(ui, |ui| {
                        ui.style_mut().interaction.selectable_labels = false;
                        egui_json_tree::JsonTree::new(("decoded-tree", message.seq, tab == InspectorTab::Cbor), value)
                            .default_expand(egui_json_tree::DefaultExpand::ToLevel(2))
                            .on_render(|ui, context| json_context_menu(ui, context, None, actions))
                            .show(ui);
                    });
                }
                Err(error) => {
                    ui.weak(error);
                }
            }
        }
        InspectorTab::Hex => {
            if cache.text.is_none() && state.inspector.tab == InspectorTab::Raw {
                ui.weak(ui.tr(Tr::BinaryShownAsHex));
            }
            let payload = &message.payload;
            let per_line = hex_bytes_per_line(ui);
            rows_ui(ui, ("hex", message.seq, per_line), hex_dump_line_count(payload.len(), per_line), |index| {
                hex_dump_line(payload, index, per_line)
            });
            ui.weak(ui.trf(Tr::HexFooter, &[("n", &payload.len()), ("per_line", &per_line)]));
        }
        InspectorTab::Decoded => {
            if let Some(view) = &state.inspector.decoded {
                inspector_decoded::decoded_ui(ui, view, message.payload);
            }
        }
        InspectorTab::Image => {
            if let Some(view) = state.inspector.decoded.as_mut() {
                inspector_decoded::image_ui(ui, view, message.payload);
            }
        }
        InspectorTab::Numbers => {
            let inspector = &mut state.inspector;
            inspector_decoded::numbers_ui(
                ui,
                message.payload,
                &mut inspector.number_offset,
                &mut inspector.number_endian,
            );
        }
        InspectorTab::Base64 => {
            let payload = &message.payload;
            let lines = payload.len().div_ceil(BASE64_BYTES_PER_LINE);
            rows_ui(ui, ("base64", message.seq), lines, |index| {
                let start = index * BASE64_BYTES_PER_LINE;
                let chunk = payload.get(start..(start + BASE64_BYTES_PER_LINE).min(payload.len())).unwrap_or_default();
                base64::Engine::encode(&base64::engine::general_purpose::STANDARD, chunk)
            });
            ui.weak(ui.trf(Tr::Base64Footer, &[("n", &payload.len())]));
        }
    }
}

/// Bytes per base64 line (76 characters, as in MIME).
const BASE64_BYTES_PER_LINE: usize = 57;

/// The JSON tree's render hook: default rendering plus a context menu with
/// copy path, copy value and (for numbers in a JSON payload) chart.
fn json_context_menu(
    ui: &mut egui::Ui,
    context: egui_json_tree::render::RenderContext<'_, '_, serde_json::Value>,
    chart_topic: Option<&str>,
    actions: &mut Vec<UiAction>,
) {
    use egui_json_tree::render::DefaultRender as _;
    let response = context.render_default(ui);
    let pointer = context.pointer().to_json_pointer_string();
    let value = context.value();
    response.context_menu(|ui| {
        if ui.button(ui.tr(Tr::CopyPath)).clicked() {
            ui.ctx().copy_text(if pointer.is_empty() { "/".to_owned() } else { pointer.clone() });
        }
        if ui.button(ui.tr(Tr::CopyValue)).clicked() {
            let text = match value {
                serde_json::Value::String(text) => text.clone(),
                other => serde_json::to_string_pretty(other).unwrap_or_default(),
            };
            ui.ctx().copy_text(text);
        }
        let numeric = matches!(value, serde_json::Value::Number(_) | serde_json::Value::Bool(_));
        if let Some(topic) = chart_topic
            && numeric
            && !pointer.is_empty()
            && ui.button(ui.tr(Tr::ChartThisValue)).clicked()
        {
            actions.push(UiAction::AddChart { topic: topic.to_owned(), pointer: Some(pointer.clone()) });
        }
    });
}

/// One row of pretty JSON with syntax colours.
fn json_row_job(
    row: &str,
    in_string: bool,
    font: &egui::FontId,
    plain: egui::Color32,
    dark: bool,
) -> egui::text::LayoutJob {
    let mut job = egui::text::LayoutJob::default();
    for (range, token) in json_tokens(row, in_string).0 {
        let colour = match token {
            JsonToken::Punctuation => plain,
            other => theme::json_colour(other, dark),
        };
        job.append(row.get(range).unwrap_or_default(), 0.0, egui::TextFormat::simple(font.clone(), colour));
    }
    job
}

/// The topic, then the message's details in a section that folds to one
/// line (open by default from 900 px of height up, so a lower window
/// keeps its room for the payload).
fn header_ui(ui: &mut egui::Ui, workspace: &Workspace, message: &StoredMessage<'_>) {
    ui.add(egui::Label::new(egui::RichText::new(message.topic).monospace().strong()).wrap());
    let direction = match message.direction {
        Direction::Incoming => ui.tr(Tr::Received),
        Direction::Outgoing => ui.tr(Tr::Published),
    };
    let summary = format!("{direction} · QoS {} · {}", message.qos.level(), human_size(message.payload.len()));
    let tall = ui.ctx().content_rect().height() >= 900.0;
    egui::CollapsingHeader::new(summary).id_salt("message-details").default_open(tall).show(ui, |ui| {
        details_ui(ui, workspace, message);
    });
}

fn details_ui(ui: &mut egui::Ui, workspace: &Workspace, message: &StoredMessage<'_>) {
    egui::Grid::new("message-header").num_columns(2).spacing([12.0, 2.0]).show(ui, |ui| {
        ui.weak(ui.tr(Tr::ColTime));
        ui.label(message.time.with_timezone(&Local).format("%Y-%m-%d %H:%M:%S%.3f").to_string());
        ui.end_row();
        ui.weak(ui.tr(Tr::Direction));
        ui.label(match message.direction {
            Direction::Incoming => ui.tr(Tr::Received),
            Direction::Outgoing => ui.tr(Tr::Published),
        });
        ui.end_row();
        ui.weak(ui.tr(Tr::QosRetain));
        let retained = if message.retain { ui.tr(Tr::Retained) } else { ui.tr(Tr::NotRetained) };
        ui.label(format!("{} / {retained}", message.qos.level()));
        ui.end_row();
        ui.weak(ui.tr(Tr::ColSize));
        ui.label(ui.trf(Tr::SizeBytes, &[("size", &human_size(message.payload.len())), ("n", &message.payload.len())]));
        ui.end_row();
        if let Some(subscription) = message.subscription.and_then(|id| workspace.subscription(id)) {
            ui.weak(ui.tr(Tr::Subscription));
            ui.colored_label(theme::subscription_colour(subscription.colour), &subscription.filter);
            ui.end_row();
        }
        if let Some(properties) = &message.properties {
            if let Some(content_type) = &properties.content_type {
                ui.weak(ui.tr(Tr::ContentType));
                ui.label(content_type);
                ui.end_row();
            }
            if let Some(topic) = &properties.response_topic {
                ui.weak(ui.tr(Tr::ResponseTopic));
                ui.label(topic);
                ui.end_row();
            }
            if let Some(data) = &properties.correlation_data {
                ui.weak(ui.tr(Tr::CorrelationData));
                ui.label(String::from_utf8_lossy(data));
                ui.end_row();
            }
            if let Some(expiry) = properties.message_expiry_interval {
                ui.weak(ui.tr(Tr::Expiry));
                ui.label(ui.trf(Tr::Seconds, &[("n", &expiry)]));
                ui.end_row();
            }
            for (key, value) in &properties.user_properties {
                ui.weak(ui.tr(Tr::UserProperty));
                ui.label(format!("{key} = {value}"));
                ui.end_row();
            }
            if !properties.subscription_identifiers.is_empty() {
                ui.weak(ui.tr(Tr::SubscriptionIds));
                ui.label(format!("{:?}", properties.subscription_identifiers));
                ui.end_row();
            }
        }
    });
}

/// A virtualised list of monospace rows: only the visible ones are built.
/// The scroll position belongs to one message (`id` names the view and the
/// message), so the next message starts at its beginning; the scroll bars
/// stay visible so a long line shows it goes on.
/// The most bytes a hex dump line may hold (16, 8 or 4) for its ASCII
/// column to show without scrolling sideways.
fn hex_bytes_per_line(ui: &egui::Ui) -> usize {
    let font = egui::TextStyle::Monospace.resolve(ui.style());
    let char_width = ui.ctx().fonts_mut(|fonts| fonts.glyph_width(&font, '0')).max(1.0);
    let room = ui.available_width() - ui.spacing().scroll.bar_width - ui.spacing().item_spacing.x * 2.0;
    [HEX_BYTES_PER_LINE, 8]
        .into_iter()
        .find(|bytes| hex_dump_line_width(*bytes) as f32 * char_width <= room)
        .unwrap_or(4)
}

fn rows_ui(ui: &mut egui::Ui, id: impl std::hash::Hash + std::fmt::Debug, count: usize, row: impl Fn(usize) -> String) {
    let height = ui.text_style_height(&egui::TextStyle::Monospace);
    let area = egui::ScrollArea::both()
        .id_salt(id)
        .scroll_bar_visibility(egui::scroll_area::ScrollBarVisibility::AlwaysVisible)
        .auto_shrink([false, false]);
    area.show_rows(ui, height, count, |ui, range| {
        for index in range {
            ui.add(egui::Label::new(egui::RichText::new(row(index)).monospace()).extend());
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_split_lines_and_cut_long_ones_on_character_boundaries() {
        let short = RowText::new(bytes::Bytes::from_static(b"a\nbb\n")).expect("utf-8");
        assert_eq!((0..short.rows.len()).map(|i| short.row(i)).collect::<Vec<_>>(), vec!["a", "bb", ""]);
        let line = "温".repeat(1000);
        let long = RowText::new(bytes::Bytes::from(line.clone())).expect("utf-8");
        let pieces: Vec<&str> = (0..long.rows.len()).map(|i| long.row(i)).collect();
        assert!(pieces.iter().all(|piece| piece.len() <= MAX_ROW_BYTES && !piece.is_empty()));
        assert_eq!(pieces.concat(), line);
        assert!(RowText::new(bytes::Bytes::from_static(&[0xff, 0xfe])).is_none());
    }
}
