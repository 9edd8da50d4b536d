//! Where a password comes from — typed, asked on connect, the keychain,
//! an environment variable, a file, or the profile file — for the broker's
//! password and the proxy's alike.

use crate::core::profile::PasswordSource;
use crate::core::secrets::{read_password, store_password};
use crate::ui::i18n::{Tr, Words};
use crate::ui::theme;
use crate::ui::widgets::labelled_text;

/// The source choice and its fields; `typed` holds what is typed for the
/// unsaved sources; `default_account` is the keychain account offered.
/// Returns what the keychain buttons said, if anything.
pub fn password_source_ui(
    ui: &mut egui::Ui,
    source: &mut PasswordSource,
    typed: &mut String,
    default_account: String,
) -> Option<String> {
    let mut message = None;
    let current = std::mem::take(source);
    let mut kind = match &current {
        PasswordSource::NotSaved => 0,
        PasswordSource::Keychain(_) => 1,
        PasswordSource::Environment(_) => 2,
        PasswordSource::File(_) => 3,
        PasswordSource::InProfile(_) => 4,
        PasswordSource::AskOnConnect => 5,
    };
    ui.radio_value(&mut kind, 0, ui.tr(Tr::PasswordTyped));
    ui.radio_value(&mut kind, 5, ui.tr(Tr::PasswordAsk));
    ui.radio_value(&mut kind, 1, ui.tr(Tr::PasswordKeychain));
    ui.radio_value(&mut kind, 2, ui.tr(Tr::PasswordEnvironment));
    ui.radio_value(&mut kind, 3, ui.tr(Tr::PasswordFile));
    ui.radio_value(&mut kind, 4, ui.tr(Tr::PasswordInProfile));
    *source = match (kind, current) {
        (0, _) => PasswordSource::NotSaved,
        (5, _) => PasswordSource::AskOnConnect,
        (1, PasswordSource::Keychain(account)) => PasswordSource::Keychain(account),
        (1, _) => PasswordSource::Keychain(default_account),
        (2, PasswordSource::Environment(name)) => PasswordSource::Environment(name),
        (2, _) => PasswordSource::Environment("MQTT_PASSWORD".into()),
        (3, PasswordSource::File(path)) => PasswordSource::File(path),
        (3, _) => PasswordSource::File(Default::default()),
        (_, PasswordSource::InProfile(password)) => PasswordSource::InProfile(password),
        (_, _) => PasswordSource::InProfile(typed.clone()),
    };
    ui.add_space(6.0);
    match source {
        PasswordSource::AskOnConnect => {
            ui.weak(ui.tr(Tr::PasswordAskHint));
        }
        PasswordSource::NotSaved => {
            let label = ui.label(ui.tr(Tr::Password));
            ui.add(egui::TextEdit::singleline(typed).password(true)).labelled_by(label.id);
        }
        PasswordSource::Keychain(account) => {
            labelled_text(ui, ui.tr(Tr::KeychainAccount), account, 220.0);
            let label = ui.label(ui.tr(Tr::PasswordToStore));
            ui.add(egui::TextEdit::singleline(typed).password(true)).labelled_by(label.id);
            ui.horizontal(|ui| {
                if ui.button(ui.tr(Tr::StoreInKeychain)).clicked() {
                    message = Some(match store_password(account, typed) {
                        Ok(()) => ui.trf(Tr::StoredInKeychain, &[("account", account)]),
                        Err(error) => error.to_string(),
                    });
                }
                if ui.button(ui.tr(Tr::Test)).on_hover_text(ui.tr(Tr::TestKeychainHint)).clicked() {
                    message = Some(match read_password(account) {
                        Ok(_) => ui.trf(Tr::KeychainHasPassword, &[("account", account)]),
                        Err(error) => error.to_string(),
                    });
                }
            });
        }
        PasswordSource::Environment(variable) => {
            labelled_text(ui, ui.tr(Tr::VariableName), variable, 200.0);
        }
        PasswordSource::File(path) => {
            let mut text = path.display().to_string();
            if labelled_text(ui, ui.tr(Tr::PasswordFilePath), &mut text, 320.0).changed() {
                *path = text.into();
            }
        }
        PasswordSource::InProfile(password) => {
            let label = ui.label(ui.tr(Tr::PasswordSavedInFile));
            ui.add(egui::TextEdit::singleline(password).password(true)).labelled_by(label.id);
            ui.colored_label(theme::BUSY, ui.tr(Tr::PasswordInFileWarning));
        }
    }
    message
}
