//! What the window remembers between runs: look, language, zoom, the
//! open connection tabs and their profile edits not yet saved (drafts, so
//! quitting never loses them). Saved profiles, broker settings and
//! messages have their own files. eframe stores this (and
//! the window and panel sizes) in its platform storage.

use serde::{Deserialize, Serialize};

use crate::ui::i18n::Language;

/// eframe storage key.
pub const STORAGE_KEY: &str = crate::core::app_dirs::PREFERENCES_KEY;

/// Dark, light, or whatever the operating system uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ThemeChoice {
    /// Follow the operating system (and its changes while running).
    #[default]
    System,
    /// Always dark.
    Dark,
    /// Always light.
    Light,
}

impl ThemeChoice {
    /// Every choice, in menu order.
    pub const ALL: [ThemeChoice; 3] = [ThemeChoice::System, ThemeChoice::Dark, ThemeChoice::Light];

    /// egui's equivalent.
    pub fn preference(self) -> egui::ThemePreference {
        match self {
            ThemeChoice::System => egui::ThemePreference::System,
            ThemeChoice::Dark => egui::ThemePreference::Dark,
            ThemeChoice::Light => egui::ThemePreference::Light,
        }
    }
}

/// Smallest and largest interface zoom offered.
pub const ZOOM_RANGE: std::ops::RangeInclusive<f32> = 0.5..=3.0;

/// The remembered interface preferences.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Preferences {
    /// Dark / light / system.
    pub theme: ThemeChoice,
    /// The interface language; `None` follows the system locale.
    pub language: Option<Language>,
    /// Interface zoom (1.0 = 100 %), on top of the screen's own scale.
    pub zoom: f32,
    /// Profile names of the tabs open when the window closed, in tab order.
    pub open_profiles: Vec<String>,
    /// Unsaved profile edits of the open tabs, restored at the next start.
    pub profile_drafts: Vec<crate::core::workspace::ProfileDraft>,
    /// The "no CJK font" hint was shown once already.
    pub cjk_hint_shown: bool,
    /// Application log pane: lowest level shown.
    pub app_log_level: crate::core::app_log::LevelFilter,
    /// The folder of the last path typed into the window (where the next
    /// one starts).
    pub last_folder: Option<std::path::PathBuf>,
}

impl Default for Preferences {
    fn default() -> Self {
        Self {
            theme: ThemeChoice::System,
            language: None,
            zoom: 1.0,
            open_profiles: Vec::new(),
            profile_drafts: Vec::new(),
            cjk_hint_shown: false,
            app_log_level: crate::core::app_log::LevelFilter::default(),
            last_folder: None,
        }
    }
}

impl Preferences {
    /// The language to speak: the chosen one, else the system's.
    pub fn language_or(&self, system: Language) -> Language {
        self.language.unwrap_or(system)
    }

    /// The zoom, kept in the offered range (a damaged value cannot make
    /// the window unusable).
    pub fn effective_zoom(&self) -> f32 {
        if self.zoom.is_finite() { self.zoom.clamp(*ZOOM_RANGE.start(), *ZOOM_RANGE.end()) } else { 1.0 }
    }

    /// Reads the preferences from eframe's storage (defaults when absent
    /// or unreadable: preferences are never worth refusing to start over).
    pub fn load(storage: Option<&dyn eframe::Storage>) -> Self {
        storage.and_then(|storage| eframe::get_value(storage, STORAGE_KEY)).unwrap_or_default()
    }

    /// Writes the preferences to eframe's storage.
    pub fn save(&self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, STORAGE_KEY, self);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preferences_round_trip_as_ron_and_tolerate_old_files() {
        let prefs = Preferences {
            theme: ThemeChoice::Light,
            language: Some(Language::SimplifiedChinese),
            zoom: 2.0,
            open_profiles: vec!["embedded broker".into(), "plant floor".into()],
            profile_drafts: vec![crate::core::workspace::ProfileDraft {
                saved_name: "plant floor".into(),
                profile: crate::core::profile::ConnectionProfile {
                    name: "plant floor (TLS)".into(),
                    port: 8883,
                    ..Default::default()
                },
            }],
            cjk_hint_shown: true,
            app_log_level: crate::core::app_log::LevelFilter::Debug,
            last_folder: Some("/home/tester/exports".into()),
        };
        let text = ron::to_string(&prefs).expect("serialises");
        assert_eq!(ron::from_str::<Preferences>(&text).expect("parses"), prefs);
        // A file from an older version (fewer fields) still loads.
        let old: Preferences = ron::from_str("(theme: Dark)").expect("parses");
        assert_eq!(old.theme, ThemeChoice::Dark);
        assert_eq!(old.zoom, 1.0);
    }

    #[test]
    fn a_damaged_zoom_cannot_make_the_window_unusable() {
        for (stored, used) in [(0.01, 0.5), (40.0, 3.0), (f32::NAN, 1.0), (1.5, 1.5)] {
            let prefs = Preferences { zoom: stored, ..Preferences::default() };
            assert_eq!(prefs.effective_zoom(), used, "{stored}");
        }
    }
}
