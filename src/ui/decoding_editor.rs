//! The profile editor's Decoding section: the built-in Sparkplug rule, the
//! protobuf schemas (folders, files, descriptor sets) with what loaded or
//! why not, and the ordered table of topic filter → decoder rules, each row
//! checked as it is typed.

use std::path::PathBuf;

use crate::core::decoders::{DecoderRule, DecoderSettings, PayloadDecoder, ProtoSchemas};
use crate::core::topic::validate_topic_filter;
use crate::core::workspace::Workspace;
use crate::ui::action::UiAction;
use crate::ui::i18n::{Tr, TrDecode, Words};
use crate::ui::theme;

/// Draws the section for the active tab's profile.
pub fn decoding_ui(ui: &mut egui::Ui, workspace: &mut Workspace, actions: &mut Vec<UiAction>) {
    let tab = workspace.active_tab_mut();
    ui.add(egui::Label::new(egui::RichText::new(ui.tr(TrDecode::DecodingHint)).weak()).wrap());
    ui.checkbox(&mut tab.profile.decoding.sparkplug_builtin, ui.tr(TrDecode::SparkplugBuiltIn));
    ui.separator();
    let schemas = tab.decoding.decoders().schemas().clone();
    let loading = tab.decoding.is_loading();
    let error = tab.decoding.error().map(ToString::to_string);
    schemas_ui(ui, &mut tab.profile.decoding.proto_paths, &schemas, loading, error.as_deref(), actions);
    ui.separator();
    rules_ui(ui, &mut tab.profile.decoding, &schemas);
}

fn schemas_ui(
    ui: &mut egui::Ui,
    paths: &mut Vec<PathBuf>,
    schemas: &ProtoSchemas,
    loading: bool,
    error: Option<&str>,
    actions: &mut Vec<UiAction>,
) {
    ui.strong(ui.tr(TrDecode::Schemas)).on_hover_text(ui.tr(TrDecode::SchemasHint));
    let mut remove = None;
    for (index, path) in paths.iter().enumerate() {
        ui.horizontal(|ui| {
            ui.monospace(path.display().to_string());
            if ui.small_button(ui.tr(Tr::Remove)).clicked() {
                remove = Some(index);
            }
        });
    }
    if let Some(index) = remove {
        paths.remove(index);
    }
    ui.horizontal(|ui| {
        if ui.button(ui.tr(TrDecode::AddSchemaFolder)).clicked() {
            actions.push(UiAction::BrowseSchemaPath { folder: true });
        }
        if ui.button(ui.tr(TrDecode::AddSchemaFile)).clicked() {
            actions.push(UiAction::BrowseSchemaPath { folder: false });
        }
        if !paths.is_empty()
            && ui.button(ui.tr(TrDecode::ReloadSchemas)).on_hover_text(ui.tr(TrDecode::ReloadSchemasHint)).clicked()
        {
            actions.push(UiAction::ReloadSchemas);
        }
    });
    if paths.is_empty() {
        return;
    }
    if loading {
        ui.weak(ui.tr(TrDecode::SchemasLoading));
    } else if let Some(error) = error {
        ui.add(
            egui::Label::new(
                egui::RichText::new(ui.trf(TrDecode::SchemasFailed, &[("error", &error)])).color(theme::ERROR),
            )
            .wrap(),
        );
    } else {
        let names = schemas.message_names();
        ui.colored_label(theme::OK, ui.trf(TrDecode::SchemasLoaded, &[("n", &names.len())]));
        ui.collapsing(ui.tr(TrDecode::SchemaTypes), |ui| {
            for name in &names {
                ui.monospace(name);
            }
        });
        if !schemas.topic_rules().is_empty() {
            ui.collapsing(ui.tr(TrDecode::SchemaRules), |ui| {
                for rule in schemas.topic_rules() {
                    ui.monospace(format!("{} → {}", rule.filter, rule.decoder.label()));
                }
            });
        }
    }
}

fn rules_ui(ui: &mut egui::Ui, settings: &mut DecoderSettings, schemas: &ProtoSchemas) {
    ui.strong(ui.tr(TrDecode::Rules));
    let types = schemas.message_names();
    let count = settings.rules.len();
    let mut remove = None;
    let mut swap = None;
    for (index, rule) in settings.rules.iter_mut().enumerate() {
        ui.push_id(("decoder-rule", index), |ui| {
            ui.horizontal(|ui| {
                crate::ui::widgets::labelled_text(ui, ui.tr(Tr::FilterLabel), &mut rule.filter, 180.0);
                decoder_combo_ui(ui, &mut rule.decoder, &types);
                if ui
                    .add_enabled(index > 0, egui::Button::new("⬆").small())
                    .on_hover_text(ui.tr(TrDecode::MoveUp))
                    .clicked()
                {
                    swap = Some((index - 1, index));
                }
                let down = egui::Button::new("⬇").small();
                if ui.add_enabled(index + 1 < count, down).on_hover_text(ui.tr(TrDecode::MoveDown)).clicked() {
                    swap = Some((index, index + 1));
                }
                if ui.small_button(ui.tr(Tr::Remove)).clicked() {
                    remove = Some(index);
                }
            });
            if let PayloadDecoder::Protobuf(name) = &mut rule.decoder {
                ui.horizontal(|ui| {
                    crate::ui::widgets::labelled_text(ui, ui.tr(TrDecode::MessageType), name, 240.0);
                });
                if !name.trim().is_empty() && !types.iter().any(|known| known == name.trim()) {
                    ui.colored_label(theme::BUSY, ui.trf(TrDecode::MessageTypeMissing, &[("name", &name.trim())]));
                }
            }
            if let Err(error) = validate_topic_filter(&rule.filter) {
                ui.colored_label(theme::ERROR, error.to_string());
            }
        });
    }
    if let Some(index) = remove {
        settings.rules.remove(index);
    }
    if let Some((a, b)) = swap {
        settings.rules.swap(a, b);
    }
    if ui.button(ui.tr(TrDecode::AddRule)).clicked() {
        settings.rules.push(DecoderRule::new("#", PayloadDecoder::Auto));
    }
}

fn decoder_combo_ui(ui: &mut egui::Ui, decoder: &mut PayloadDecoder, types: &[String]) {
    egui::ComboBox::from_id_salt("decoder").selected_text(decoder.label()).width(200.0).show_ui(ui, |ui| {
        for fixed in PayloadDecoder::CHOOSABLE {
            let label = fixed.label();
            ui.selectable_value(decoder, fixed, label);
        }
        ui.separator();
        for name in types {
            let choice = PayloadDecoder::Protobuf(name.clone());
            let label = choice.label();
            ui.selectable_value(decoder, choice, label);
        }
        // A type typed by hand (schemas not loaded yet) stays choosable.
        if types.is_empty() {
            let label = PayloadDecoder::Protobuf(String::new()).label();
            if ui.selectable_label(matches!(decoder, PayloadDecoder::Protobuf(_)), label).clicked()
                && !matches!(decoder, PayloadDecoder::Protobuf(_))
            {
                *decoder = PayloadDecoder::Protobuf(String::new());
            }
        }
    });
}
