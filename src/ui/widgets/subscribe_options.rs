//! MQTT 5 subscription options (no local, retain as published, retain
//! handling, subscription identifier), the same controls in the quick
//! Subscribe form, the edit form and the profile editor.

use crate::core::mqtt::RetainHandling;
use crate::ui::i18n::{Tr, Words};

/// The options; `id_salt` keeps several forms' widgets apart. Returns the
/// identifier field's problem (not a number in range), if any.
pub fn subscribe_options_ui(
    ui: &mut egui::Ui,
    id_salt: impl std::hash::Hash + std::fmt::Debug + Copy,
    no_local: &mut bool,
    retain_as_published: &mut bool,
    retain_handling: &mut RetainHandling,
    identifier: &mut Option<u32>,
) -> Option<String> {
    ui.horizontal_wrapped(|ui| {
        ui.checkbox(no_local, ui.tr(Tr::NoLocal));
        ui.checkbox(retain_as_published, ui.tr(Tr::RetainAsPublished));
        let label = ui.label(ui.tr(Tr::RetainedHandling));
        let name = |ui: &egui::Ui, handling: RetainHandling| match handling {
            RetainHandling::SendOnSubscribe => ui.tr(Tr::RetainOnEverySubscribe),
            RetainHandling::SendIfNewSubscription => ui.tr(Tr::RetainOnNewSubscriptions),
            RetainHandling::DoNotSend => ui.tr(Tr::RetainNever),
        };
        egui::ComboBox::from_id_salt(("retain-handling", id_salt))
            .selected_text(name(ui, *retain_handling))
            .show_ui(ui, |ui| {
                for handling in
                    [RetainHandling::SendOnSubscribe, RetainHandling::SendIfNewSubscription, RetainHandling::DoNotSend]
                {
                    ui.selectable_value(retain_handling, handling, name(ui, handling));
                }
            })
            .response
            .labelled_by(label.id);
    });
    ui.horizontal(|ui| {
        let mut tagged = identifier.is_some();
        ui.checkbox(&mut tagged, ui.tr(Tr::SubscriptionIdentifier))
            .on_hover_text(ui.tr(Tr::SubscriptionIdentifierHint));
        if !tagged {
            *identifier = None;
            return None;
        }
        let mut value = identifier.unwrap_or(1);
        let salt = format!("subscription-identifier-{id_salt:?}");
        let problem = crate::ui::widgets::number_field_ui(
            ui,
            ui.tr(Tr::IdentifierValue),
            &salt,
            &mut value,
            1..=crate::core::mqtt::MAX_SUBSCRIPTION_IDENTIFIER,
            90.0,
        );
        *identifier = Some(value);
        problem
    })
    .inner
}
