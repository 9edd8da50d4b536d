//! Golden file: the window's remembered preferences, in the file eframe
//! keeps them in (a RON map of keys to RON strings, with eframe's own
//! entries beside ours), must keep loading forever.
#![allow(clippy::expect_used, clippy::unwrap_used)] // test helpers fail the test on error

use std::collections::HashMap;

use topicscope::core::app_log::LevelFilter;
use topicscope::ui::i18n::Language;
use topicscope::ui::prefs::{Preferences, ThemeChoice};

/// eframe's storage as it reads its file: strings by key.
struct FileStorage(HashMap<String, String>);

impl eframe::Storage for FileStorage {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }

    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.to_owned(), value);
    }

    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }

    fn flush(&mut self) {}
}

#[test]
fn preferences_of_the_first_format_still_load() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/app-preferences.ron");
    let text = std::fs::read_to_string(path).expect("fixture");
    let storage = FileStorage(ron::from_str(&text).expect("eframe's file format"));
    let prefs = Preferences::load(Some(&storage));
    assert_eq!(
        prefs,
        Preferences {
            theme: ThemeChoice::Dark,
            language: Some(Language::SimplifiedChinese),
            zoom: 1.25,
            open_profiles: vec!["Embedded broker".into(), "Plant floor".into()],
            profile_drafts: Vec::new(),
            cjk_hint_shown: true,
            app_log_level: LevelFilter::Warn,
            last_folder: None,
        }
    );
    assert_ne!(prefs, Preferences::default(), "a file that did not load would give the defaults");
}
