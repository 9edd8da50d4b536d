//! The publish composer: topic, payload editor with format validation,
//! QoS, retain, Publish (and Ctrl/Cmd+Enter), and the delivery result.

use crate::core::engine::DeliveryOutcome;
use crate::core::mqtt::Qos;
use crate::core::payload::{PayloadFormat, encode_payload, human_size, render_in_format};
use crate::core::topic::validate_topic_name;
use crate::core::workspace::Workspace;
use crate::ui::action::UiAction;
use crate::ui::i18n::{Tr, TrDecode, TrReplay, TrWire, Words};
use crate::ui::panel::PanelContext;
use crate::ui::state::ComposerState;
use crate::ui::theme;
use crate::ui::widgets::{icon_button, repeat_menu_ui};

/// Payloads up to this size are validated on every frame while typing.
const LIVE_VALIDATION_LIMIT: usize = 256 * 1024;

/// Draws the composer.
pub fn composer_ui(ui: &mut egui::Ui, cx: &mut PanelContext<'_>, state: &mut ComposerState) {
    let workspace = &mut *cx.workspace;
    let actions = &mut *cx.actions;
    ui.add_space(4.0);
    browse_history_ui(ui, workspace);
    let tab = workspace.active_tab_mut();
    let connack = tab.connack.as_deref();
    let draft = &mut tab.draft;
    ui.horizontal(|ui| {
        ui.strong(ui.tr(Tr::NewMessage));
        let topic_label = ui.label(ui.tr(Tr::Topic));
        let topic = ui
            .add(
                egui::TextEdit::singleline(&mut draft.topic)
                    .id(egui::Id::unique(TOPIC_FIELD_ID))
                    .desired_width(260.0)
                    .hint_text(ui.tr(Tr::TopicNameHint)),
            )
            .labelled_by(topic_label.id)
            .on_hover_text(ui.tr(Tr::TopicHistoryHint));
        if topic.changed() {
            state.error = None;
            tab.history.stop_browsing();
        }
        let format_label = ui.label(ui.tr(Tr::Format));
        let previous_format = draft.format;
        egui::ComboBox::from_id_salt("payload-format")
            .selected_text(draft.format.label())
            .width(70.0)
            .show_ui(ui, |ui| {
                for format in PayloadFormat::ALL {
                    ui.selectable_value(&mut draft.format, format, format.label());
                }
            })
            .response
            .labelled_by(format_label.id);
        if draft.format != previous_format
            && let Err(error) = convert_payload(&mut draft.payload, previous_format, draft.format)
        {
            state.error = Some(ui.trf(
                Tr::FormatNotConverted,
                &[("from", &previous_format.label()), ("to", &draft.format.label()), ("error", &error)],
            ));
        }
        ui.label(ui.tr(Tr::Qos));
        for qos in Qos::ALL {
            ui.radio_value(&mut draft.qos, qos, qos.level().to_string());
        }
        ui.checkbox(&mut draft.retain, ui.tr(Tr::Retain));
        // What the broker announced at connect decides before sending.
        if let Some(details) = connack {
            if draft.qos > details.max_qos() {
                let qos = details.max_qos().level();
                ui.colored_label(theme::BUSY, ui.trf(TrWire::QosCapped, &[("qos", &qos)]))
                    .on_hover_text(ui.tr(TrWire::QosCappedHint));
            }
            if draft.retain && details.retain_available == Some(false) {
                ui.colored_label(theme::ERROR, ui.tr(TrWire::RetainUnavailable))
                    .on_hover_text(ui.tr(TrWire::RetainUnavailableHint));
            }
        }
        if ui.small_button(ui.tr(Tr::ClearRetainedHere)).on_hover_text(ui.tr(Tr::ClearRetainedHereHint)).clicked() {
            actions.push(UiAction::ClearRetainedOnDraftTopic);
        }
        let publish = ui
            .add(egui::Button::new(ui.tr(Tr::Publish)).fill(theme::OK.gamma_multiply(0.5)))
            .on_hover_text(ui.trf(Tr::PublishHint, &[("keys", &publish_keys(ui))]));
        if publish.clicked() {
            actions.push(UiAction::Publish);
        }
        history_menu_ui(ui, &tab.history, actions);
        repeat_menu_ui(ui, &mut state.repeat_interval_ms, &mut state.repeat_count, actions, UiAction::StartRepeat);
    });
    repeat_jobs_ui(ui, workspace, actions);
    // Rendered only when the draft changed; borrowed, not copied, each frame.
    let preview_error = workspace
        .active_tab_mut()
        .refresh_preview(chrono::Utc::now())
        .map(|preview| preview.result.as_ref().err().map(ToString::to_string));
    let live_error = match preview_error {
        Some(error) => error,
        None => live_validation(
            ui,
            &workspace.active_tab().draft.topic,
            &workspace.active_tab().draft.payload,
            workspace.active_tab().draft.format,
        ),
    };
    // A topic whose rule names a protobuf type: the JSON is encoded on send.
    let protobuf = workspace.draft_protobuf_type();
    let live_error = live_error.or_else(|| {
        let message_type = protobuf.as_ref()?;
        let tab = workspace.active_tab();
        let payload = &tab.draft.payload;
        // Checked as typed while small; larger drafts are checked on send.
        let small = payload.len() <= 64 * 1024 && !payload.contains("{{");
        small
            .then(|| tab.decoding.decoders().schemas().encode_json(message_type, payload).err())?
            .map(|e| e.to_string())
    });
    if let Some(message_type) = &protobuf {
        ui.weak(ui.trf(TrDecode::EncodedAs, &[("type", message_type)])).on_hover_text(ui.tr(TrDecode::EncodedAsHint));
    }
    ui.horizontal(|ui| match (&live_error, &state.error) {
        (Some(error), _) | (None, Some(error)) => {
            ui.colored_label(theme::ERROR, error);
        }
        (None, None) => delivery_ui(ui, workspace),
    });
    if let Some(preview) = &workspace.active_tab().preview {
        preview_ui(ui, preview, crate::core::compose::uses_time(&workspace.active_tab().draft_text()));
    }
    request_status_ui(ui, &workspace.active_tab().requests);
    let v5 = workspace.active_tab().profile.protocol == crate::core::mqtt::ProtocolVersion::V5;
    let draft = &mut workspace.active_tab_mut().draft;
    let payload_label = ui
        .horizontal(|ui| {
            let label = ui.label(ui.tr(Tr::Payload));
            // What goes on the wire: hex and base64 count the bytes they encode.
            match encoded_len(&draft.payload, draft.format) {
                Some(bytes) => ui.weak(human_size(bytes)),
                None => ui.weak(ui.tr(Tr::PayloadSizeUnknown)).on_hover_text(ui.tr(Tr::PayloadSizeUnknownHint)),
            };
            properties_toggle_ui(ui, &draft.properties, state);
            label
        })
        .inner;
    if state.properties_open {
        // Beside the payload, not above it: opening them never makes the
        // composer taller (which squeezed the log and the inspector).
        egui::Panel::right("composer-properties").resizable(true).default_size(460.0).show(ui, |ui| {
            egui::ScrollArea::vertical().id_salt("composer-properties-scroll").auto_shrink([false, false]).show(
                ui,
                |ui| {
                    if properties_ui(ui, &mut draft.properties, v5) {
                        state.error = None;
                    }
                },
            );
        });
    }
    egui::ScrollArea::vertical().id_salt("payload-scroll").auto_shrink([false, false]).show(ui, |ui| {
        let payload = ui
            .add(
                egui::TextEdit::multiline(&mut draft.payload)
                    .id(egui::Id::unique(PAYLOAD_FIELD_ID))
                    .code_editor()
                    .desired_width(f32::INFINITY)
                    .desired_rows(6)
                    .hint_text(ui.tr(Tr::PayloadHint)),
            )
            .labelled_by(payload_label.id);
        if std::mem::take(&mut state.focus_payload) {
            payload.request_focus();
        }
        if payload.changed() {
            state.error = None;
        }
    });
}

/// The topic field's id, so Up/Down can browse the history while it has focus.
const TOPIC_FIELD_ID: &str = "composer-topic";
/// The payload editor's id: fixed, so lines appearing above it (preview,
/// errors) never take the keyboard away from it.
const PAYLOAD_FIELD_ID: &str = "composer-payload";

/// Up / Down in the topic field load older / newer sent messages.
fn browse_history_ui(ui: &mut egui::Ui, workspace: &mut Workspace) {
    let focused = ui.ctx().memory(|memory| memory.has_focus(egui::Id::unique(TOPIC_FIELD_ID)));
    if !focused {
        return;
    }
    let (up, down) = ui.ctx().input_mut(|input| {
        (
            input.consume_key(egui::Modifiers::NONE, egui::Key::ArrowUp),
            input.consume_key(egui::Modifiers::NONE, egui::Key::ArrowDown),
        )
    });
    let tab = workspace.active_tab_mut();
    let loaded = if up {
        tab.history.older(&tab.draft)
    } else if down {
        tab.history.newer()
    } else {
        None
    };
    if let Some(draft) = loaded {
        tab.draft = draft;
    }
}

/// The recent sends: load one into the composer, or send it again.
fn history_menu_ui(
    ui: &mut egui::Ui,
    history: &crate::core::publish_history::PublishHistory,
    actions: &mut Vec<UiAction>,
) {
    let title = ui.trf(Tr::SentHistory, &[("n", &history.len())]);
    ui.add_enabled_ui(!history.is_empty(), |ui| {
        ui.menu_button(title, |ui| {
            egui::ScrollArea::vertical().max_height(360.0).show(ui, |ui| {
                for (index, entry) in history.entries().enumerate() {
                    ui.horizontal(|ui| {
                        ui.weak(entry.at.with_timezone(&chrono::Local).format("%H:%M:%S").to_string());
                        if ui.small_button(ui.tr(Tr::SendAgain)).clicked() {
                            actions.push(UiAction::LoadSent { index });
                            actions.push(UiAction::Publish);
                            ui.close();
                        }
                        let payload: String = entry.draft.payload.chars().take(48).collect();
                        let text = format!("{}  {}", entry.sent_topic, payload.replace('\n', " "));
                        if ui
                            .button(egui::RichText::new(text).monospace())
                            .on_hover_text(ui.tr(Tr::LoadSentHint))
                            .clicked()
                        {
                            actions.push(UiAction::LoadSent { index });
                            ui.close();
                        }
                    });
                }
            });
        });
    });
}

/// Running and ended repeat jobs of this tab: count, achieved rate, Stop.
fn repeat_jobs_ui(ui: &mut egui::Ui, workspace: &Workspace, actions: &mut Vec<UiAction>) {
    let jobs: Vec<_> = workspace.repeats.iter().filter(|(_, job)| job.tab == workspace.active_tab().id).collect();
    if jobs.iter().any(|(_, job)| job.ended.is_none()) {
        ui.ctx().request_repaint_after(std::time::Duration::from_millis(250));
    }
    for (id, job) in jobs {
        ui.horizontal(|ui| {
            let target = job.count.map_or_else(|| "∞".to_owned(), |count| count.to_string());
            let args: [(&str, &dyn std::fmt::Display); 5] = [
                ("topic", &job.topic),
                ("sent", &job.sent),
                ("target", &target),
                ("ms", &job.interval_ms),
                ("rate", &format!("{:.1}", job.rate)),
            ];
            let (running, ended) = if job.replay {
                (ui.trf(TrReplay::Running, &args), ui.trf(TrReplay::Ended, &args))
            } else {
                (ui.trf(Tr::RepeatRunning, &args), ui.trf(Tr::RepeatEnded, &args))
            };
            match &job.ended {
                None => {
                    ui.spinner();
                    ui.label(running);
                    if ui.small_button(ui.tr(Tr::Stop)).clicked() {
                        actions.push(UiAction::StopRepeat { job: *id });
                    }
                }
                Some(end) => {
                    ui.weak(ended);
                    let why = match end {
                        crate::core::engine::repeat::RepeatEnd::Done => ui.tr(Tr::RepeatDone).to_owned(),
                        crate::core::engine::repeat::RepeatEnd::Stopped => ui.tr(Tr::RepeatStopped).to_owned(),
                        crate::core::engine::repeat::RepeatEnd::ConnectionClosed => {
                            ui.tr(Tr::RepeatConnectionClosed).to_owned()
                        }
                        crate::core::engine::repeat::RepeatEnd::Failed(reason) => reason.clone(),
                    };
                    ui.weak(why);
                    if icon_button(ui, "🗙", ui.tr(Tr::Dismiss)).clicked() {
                        actions.push(UiAction::DismissRepeat { job: *id });
                    }
                }
            }
            if job.failed > 0 {
                ui.colored_label(theme::ERROR, ui.trf(Tr::RepeatFailed, &[("n", &job.failed)]));
            }
            if let Some(late) = &job.lateness {
                let ms = |duration: std::time::Duration| format!("{:.2}", duration.as_secs_f64() * 1000.0);
                let figures = [("median", ms(late.median)), ("p99", ms(late.p99)), ("max", ms(late.max))];
                let args: Vec<(&str, &dyn std::fmt::Display)> =
                    figures.iter().map(|(name, value)| (*name, value as &dyn std::fmt::Display)).collect();
                ui.weak(ui.trf(TrReplay::Late, &args));
            }
        });
    }
}

/// The message the next Publish sends, placeholders filled.
fn preview_ui(ui: &mut egui::Ui, preview: &crate::core::compose::Preview, timed: bool) {
    if timed {
        // {{timestamp}} / {{iso_time}}: the preview is rendered again each second.
        ui.ctx().request_repaint_after(std::time::Duration::from_millis(500));
    }
    // The line stays while the draft has placeholders, even when the draft
    // does not render (the error line says why): the editor below must not
    // move while it is typed in.
    let Ok(message) = &preview.result else {
        ui.horizontal(|ui| {
            ui.weak(ui.trf(Tr::PreviewOf, &[("n", &preview.counter)]));
            ui.weak("—");
        });
        return;
    };
    ui.horizontal(|ui| {
        ui.weak(ui.trf(Tr::PreviewOf, &[("n", &preview.counter)]));
        ui.monospace(&message.topic);
        ui.weak("←");
        let first_line = message.payload_text.lines().next().unwrap_or_default();
        let shown: String = first_line.chars().take(120).collect();
        let more = shown.len() < message.payload_text.len();
        let text = if more { format!("{shown} …") } else { shown };
        ui.add(egui::Label::new(egui::RichText::new(text).monospace()).truncate()).on_hover_text(&message.payload_text);
    });
}

/// The button that shows or hides the MQTT 5 properties column; its label
/// counts what is set, so hidden properties are never forgotten.
fn properties_toggle_ui(
    ui: &mut egui::Ui,
    properties: &crate::core::compose::DraftProperties,
    state: &mut ComposerState,
) {
    let set = properties.count();
    let title =
        if set == 0 { ui.tr(Tr::Mqtt5Properties).to_owned() } else { ui.trf(Tr::Mqtt5PropertiesSet, &[("n", &set)]) };
    ui.toggle_value(&mut state.properties_open, title).on_hover_text(ui.tr(Tr::Mqtt5PropertiesHint));
}

/// The message's MQTT 5 properties; true when one was edited.
fn properties_ui(ui: &mut egui::Ui, properties: &mut crate::core::compose::DraftProperties, v5: bool) -> bool {
    let before = properties.clone();
    if !v5 {
        ui.colored_label(theme::BUSY, ui.tr(Tr::PropertiesNeedMqtt5));
    }
    egui::Grid::new("composer-properties-grid").num_columns(2).spacing([8.0, 4.0]).show(ui, |ui| {
        let label = ui.label(ui.tr(Tr::ContentType));
        ui.add(
            egui::TextEdit::singleline(&mut properties.content_type).desired_width(220.0).hint_text("application/json"),
        )
        .labelled_by(label.id);
        ui.end_row();
        let label = ui.label(ui.tr(Tr::ResponseTopic));
        ui.horizontal(|ui| {
            ui.add(
                egui::TextEdit::singleline(&mut properties.response_topic)
                    .desired_width(220.0)
                    .hint_text("replies/topicscope"),
            )
            .labelled_by(label.id);
            ui.checkbox(&mut properties.await_response, ui.tr(Tr::AwaitResponse))
                .on_hover_text(ui.tr(Tr::AwaitResponseHint));
        });
        ui.end_row();
        let label = ui.label(ui.tr(Tr::CorrelationData));
        let hint = if properties.await_response { ui.tr(Tr::CorrelationAutoHint) } else { "{{uuid}}" };
        ui.add(egui::TextEdit::singleline(&mut properties.correlation_data).desired_width(220.0).hint_text(hint))
            .labelled_by(label.id);
        ui.end_row();
        let label = ui.label(ui.tr(Tr::MessageExpirySecs));
        ui.horizontal(|ui| {
            let mut expires = properties.message_expiry_secs.is_some();
            ui.checkbox(&mut expires, "").labelled_by(label.id);
            let mut seconds = properties.message_expiry_secs.unwrap_or(60);
            ui.add_enabled(expires, egui::DragValue::new(&mut seconds).range(0..=u32::MAX).suffix(" s"));
            properties.message_expiry_secs = expires.then_some(seconds);
        });
        ui.end_row();
        ui.label("");
        ui.checkbox(&mut properties.payload_is_utf8, ui.tr(Tr::PayloadIsUtf8));
        ui.end_row();
    });
    crate::ui::widgets::user_properties_ui(ui, "composer-user-properties", &mut properties.user_properties);
    *properties != before
}

/// The newest request's state: waiting (with the time so far) or answered
/// (round trip and the start of the reply).
fn request_status_ui(ui: &mut egui::Ui, requests: &crate::core::requests::Requests) {
    let Some(request) = requests.latest() else { return };
    ui.horizontal(|ui| match (&request.reply, request.round_trip()) {
        (Some(reply), Some(round_trip)) => {
            let ms = format!("{:.1}", round_trip.num_microseconds().unwrap_or(0) as f64 / 1000.0);
            let args: [(&str, &dyn std::fmt::Display); 3] =
                [("n", &request.request), ("topic", &reply.topic), ("ms", &ms)];
            ui.colored_label(theme::OK, ui.trf(Tr::ResponseReceived, &args));
            ui.add(egui::Label::new(egui::RichText::new(&reply.preview).monospace()).truncate());
        }
        _ => {
            let waited = request.sent_at.map_or(0, |sent| (chrono::Utc::now() - sent).num_seconds().max(0));
            let args: [(&str, &dyn std::fmt::Display); 3] =
                [("n", &request.request), ("topic", &request.response_topic), ("s", &waited)];
            // A spinner repaints every frame: only for the first half minute,
            // so a request nobody answers does not keep the app busy.
            if waited < 30 {
                ui.spinner();
            }
            ui.colored_label(theme::BUSY, ui.trf(Tr::WaitingForResponse, &args));
            // The wait is shown in whole seconds.
            ui.ctx().request_repaint_after(std::time::Duration::from_secs(1));
        }
    });
}

fn is_textual(format: PayloadFormat) -> bool {
    matches!(format, PayloadFormat::Text | PayloadFormat::Json)
}

/// Re-renders the payload text when the format changes, so the bytes stay
/// the same: text (valid JSON or not) is its UTF-8 bytes; hex or base64
/// that does not decode is left as typed, with the reason.
fn convert_payload(
    payload: &mut String,
    from: PayloadFormat,
    to: PayloadFormat,
) -> Result<(), crate::core::payload::PayloadError> {
    if is_textual(from) && is_textual(to) {
        return Ok(());
    }
    let bytes = if is_textual(from) { payload.as_bytes().to_vec() } else { encode_payload(payload, from)? };
    *payload = render_in_format(&bytes, to);
    Ok(())
}

/// The payload's size in bytes as it would be sent; `None` while hex or
/// base64 text does not decode (or is too long to decode every frame).
fn encoded_len(payload: &str, format: PayloadFormat) -> Option<usize> {
    if is_textual(format) {
        return Some(payload.len());
    }
    if payload.len() > LIVE_VALIDATION_LIMIT {
        return None;
    }
    encode_payload(payload, format).ok().map(|bytes| bytes.len())
}

fn live_validation(ui: &egui::Ui, topic: &str, payload: &str, format: PayloadFormat) -> Option<String> {
    if let Err(error) = validate_topic_name(topic) {
        return Some(ui.trf(Tr::TopicError, &[("error", &error)]));
    }
    if payload.len() <= LIVE_VALIDATION_LIMIT
        && let Err(error) = encode_payload(payload, format)
    {
        return Some(ui.trf(Tr::PayloadError, &[("error", &error)]));
    }
    None
}

/// The publish shortcut as this platform writes it.
fn publish_keys(ui: &egui::Ui) -> String {
    crate::ui::shortcuts::SHORTCUTS
        .iter()
        .find(|shortcut| shortcut.action == crate::ui::shortcuts::ShortcutAction::Publish)
        .map(|shortcut| ui.ctx().format_shortcut(&shortcut.keys))
        .unwrap_or_default()
}

fn delivery_ui(ui: &mut egui::Ui, workspace: &Workspace) {
    let Some(report) = &workspace.active_tab().last_delivery else {
        ui.weak(ui.tr(Tr::DeliveryReady));
        return;
    };
    let (colour, text) = match &report.outcome {
        None => (theme::BUSY, ui.trf(Tr::DeliveryQueued, &[("n", &report.request), ("topic", &report.topic)])),
        Some(outcome) => {
            let colour = match outcome {
                DeliveryOutcome::Refused(_) | DeliveryOutcome::Failed(_) => theme::ERROR,
                DeliveryOutcome::Received => theme::BUSY,
                _ => theme::OK,
            };
            let timing = report
                .round_trip
                .map(|elapsed| ui.trf(Tr::DeliveryTiming, &[("ms", &format!("{:.1}", elapsed.as_secs_f64() * 1000.0))]))
                .unwrap_or_default();
            let args: [(&str, &dyn std::fmt::Display); 5] = [
                ("n", &report.request),
                ("topic", &report.topic),
                ("qos", &report.qos),
                ("outcome", &crate::ui::states::delivery_outcome(ui, outcome)),
                ("timing", &timing),
            ];
            (colour, ui.trf(Tr::DeliveryOutcome, &args))
        }
    };
    ui.colored_label(colour, text);
}
