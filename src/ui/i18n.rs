//! The interface's words in every language it speaks, in one catalogue.
//!
//! Each entry names its text once per language, so a key missing in one
//! language does not compile. Panels ask the `Ui` (or `Context`) they draw
//! with for a key ([`Words::tr`]); the language lives in that context, so
//! two windows (or two tests) can speak different languages at once.
//! Placeholders are `{name}`, filled by [`Words::trf`]. A placeholder
//! `{name|one|other}` picks a word by the count `name` holds: `one` for 1,
//! `other` for any other count, so English says "1 topic" and "2 topics"
//! while languages without plural forms simply write `{name}` alone.

use std::fmt::Display;

use serde::{Deserialize, Serialize};

/// An interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Language {
    /// English.
    #[default]
    English,
    /// Simplified Chinese (简体中文).
    SimplifiedChinese,
}

impl Language {
    /// Every language, in menu order.
    pub const ALL: [Language; 2] = [Language::English, Language::SimplifiedChinese];

    /// BCP 47 tag (also what the system font fallback is asked for).
    pub fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::SimplifiedChinese => "zh-CN",
        }
    }

    /// The language's name in itself, as language menus show it.
    pub fn native_name(self) -> &'static str {
        match self {
            Language::English => "English",
            Language::SimplifiedChinese => "简体中文",
        }
    }

    /// The interface language for a system locale such as `zh_CN.UTF-8`,
    /// `zh-Hans-SG` or `en-US`: Simplified Chinese for Chinese locales
    /// that do not ask for Traditional script, English otherwise.
    pub fn from_locale(locale: &str) -> Language {
        let tag = locale.split(['.', '@']).next().unwrap_or_default().replace('_', "-").to_ascii_lowercase();
        let mut parts = tag.split('-');
        if parts.next() != Some("zh") {
            return Language::English;
        }
        let traditional = parts.any(|part| matches!(part, "hant" | "tw" | "hk" | "mo"));
        if traditional { Language::English } else { Language::SimplifiedChinese }
    }

    /// The language the operating system asks for.
    pub fn from_system() -> Language {
        sys_locale::get_locale().map_or(Language::English, |locale| Language::from_locale(&locale))
    }
}

/// A key of one of the catalogues ([`Tr`] for most of the interface,
/// [`TrWire`] for the packet inspector and connection details, [`TrDecode`]
/// for payload decoding).
pub trait Entry: Copy {
    /// The key's text in a language.
    fn text(self, language: Language) -> &'static str;
}

/// Looks up catalogue entries in the language of the context a panel
/// draws with.
pub trait Words {
    /// The entry's text.
    fn tr(&self, key: impl Entry) -> &'static str;

    /// The entry's text with its `{name}` placeholders filled.
    fn trf(&self, key: impl Entry, args: &[(&str, &dyn Display)]) -> String {
        fill(self.tr(key), args)
    }
}

impl Words for egui::Context {
    fn tr(&self, key: impl Entry) -> &'static str {
        key.text(language(self))
    }
}

impl Words for egui::Ui {
    fn tr(&self, key: impl Entry) -> &'static str {
        self.ctx().tr(key)
    }
}

fn language_id() -> egui::Id {
    egui::Id::unique("topicscope-language")
}

/// The language a context's panels speak.
pub fn language(ctx: &egui::Context) -> Language {
    ctx.data(|data| data.get_temp(language_id())).unwrap_or_default()
}

/// Switches a context's panels to another language (from the next frame).
pub fn set_language(ctx: &egui::Context, language: Language) {
    ctx.data_mut(|data| data.insert_temp(language_id(), language));
}

/// Replaces each `{name}` in `template` with its argument and each
/// `{name|one|other}` with the plural form the argument's count asks for;
/// unknown placeholders stay as they are (the catalogue test catches them).
pub fn fill(template: &str, args: &[(&str, &dyn Display)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let named = after.find('}').and_then(|close| {
            let inside = &after[..close];
            let name = inside.split('|').next().unwrap_or(inside);
            args.iter().find(|(arg, _)| *arg == name).map(|(_, value)| (value.to_string(), inside, close))
        });
        match named {
            Some((value, inside, close)) => {
                let mut forms = inside.split('|').skip(1);
                match (forms.next(), forms.next()) {
                    (Some(one), Some(other)) => out.push_str(if value == "1" { one } else { other }),
                    _ => out.push_str(&value),
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The names of a template's placeholders (plural choices included), in
/// order, each once.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let inside = &after[..close];
                let name = inside.split('|').next().unwrap_or(inside);
                if !names.contains(&name) {
                    names.push(name);
                }
                rest = &after[close + 1..];
            }
            None => break,
        }
    }
    names
}

macro_rules! catalogue {
    ($name:ident; $($key:ident => $en:literal, $zh:literal;)*) => {
        /// A catalogue key: one piece of interface text.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[allow(missing_docs)]
        pub enum $name { $($key,)* }

        impl $name {
            /// Every key.
            pub const ALL: &'static [$name] = &[$($name::$key,)*];

            /// The key's text in a language.
            pub fn text(self, language: Language) -> &'static str {
                match language {
                    Language::English => match self { $($name::$key => $en,)* },
                    Language::SimplifiedChinese => match self { $($name::$key => $zh,)* },
                }
            }
        }

        impl Entry for $name {
            fn text(self, language: Language) -> &'static str {
                $name::text(self, language)
            }
        }
    };
}

include!("i18n_catalogue.rs");
include!("i18n_wire.rs");
include!("i18n_decode.rs");
include!("i18n_scenarios.rs");
include!("i18n_mocks.rs");
include!("i18n_replay.rs");
include!("i18n_limits.rs");
include!("i18n_bridges.rs");

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `check` on every key of every catalogue.
    fn each_key(mut check: impl FnMut(&str, &dyn Fn(Language) -> &'static str)) {
        for key in Tr::ALL {
            check(&format!("{key:?}"), &|language| key.text(language));
        }
        for key in TrWire::ALL {
            check(&format!("{key:?}"), &|language| key.text(language));
        }
        for key in TrDecode::ALL {
            check(&format!("{key:?}"), &|language| key.text(language));
        }
        for key in TrScenario::ALL {
            check(&format!("{key:?}"), &|language| key.text(language));
        }
        for key in TrMock::ALL {
            check(&format!("{key:?}"), &|language| key.text(language));
        }
        for key in TrReplay::ALL {
            check(&format!("{key:?}"), &|language| key.text(language));
        }
        for key in TrBridge::ALL {
            check(&format!("{key:?}"), &|language| key.text(language));
        }
        for key in TrLimits::ALL {
            check(&format!("{key:?}"), &|language| key.text(language));
        }
    }

    #[test]
    fn every_key_has_text_in_every_language_with_the_same_placeholders() {
        assert!(Tr::ALL.len() > 100, "the catalogue holds the interface's words");
        each_key(|key, text| {
            let english = text(Language::English);
            let mut english_names = placeholders(english);
            english_names.sort_unstable();
            for language in Language::ALL {
                let text = text(language);
                assert!(!text.trim().is_empty(), "{key} is empty in {language:?}");
                let mut names = placeholders(text);
                names.sort_unstable();
                assert_eq!(names, english_names, "{key}: placeholders differ in {language:?}: {text:?}");
            }
        });
    }

    #[test]
    fn chinese_entries_are_translated_not_copied() {
        // Entries that are the same in both (product names, units, codes)
        // are fine; anything longer with Latin words only is a forgotten
        // translation.
        let mut untranslated = Vec::new();
        each_key(|key, text| {
            let english = text(Language::English);
            let chinese = text(Language::SimplifiedChinese);
            let words = english.split_whitespace().filter(|word| word.chars().all(char::is_alphabetic)).count();
            if chinese == english && words >= 2 {
                untranslated.push(key.to_owned());
            }
        });
        assert!(untranslated.is_empty(), "not translated: {untranslated:?}");
    }

    #[test]
    fn placeholders_fill_by_name_in_any_order() {
        assert_eq!(fill("{a} then {b}", &[("b", &2), ("a", &"one")]), "one then 2");
        assert_eq!(fill("{b}，{a}", &[("a", &1), ("b", &2)]), "2，1");
        assert_eq!(fill("literal {braces} stay", &[("a", &1)]), "literal {braces} stay");
        assert_eq!(fill("unclosed {a", &[("a", &1)]), "unclosed {a");
        assert_eq!(placeholders("{n} of {total}"), vec!["n", "total"]);
    }

    #[test]
    fn plural_choices_follow_the_count() {
        let template = "{n} {n|topic|topics}";
        assert_eq!(fill(template, &[("n", &1)]), "1 topic");
        assert_eq!(fill(template, &[("n", &0)]), "0 topics");
        assert_eq!(fill(template, &[("n", &21)]), "21 topics");
        assert_eq!(placeholders(template), vec!["n"]);
        let english = Tr::TopicsCount.text(Language::English);
        assert_eq!(fill(english, &[("n", &1)]), "1 topic");
        assert_eq!(fill(Tr::ClearNRetained.text(Language::English), &[("n", &1)]), "Clear 1 retained message");
        assert_eq!(fill(Tr::ClearNRetained.text(Language::English), &[("n", &3)]), "Clear 3 retained messages");
        assert_eq!(fill(Tr::ClearNRetained.text(Language::SimplifiedChinese), &[("n", &1)]), "清除 1 条保留消息");
    }

    #[test]
    fn system_locales_pick_a_language() {
        for locale in ["zh_CN.UTF-8", "zh-CN", "zh-Hans", "zh-Hans-SG", "zh", "zh_SG"] {
            assert_eq!(Language::from_locale(locale), Language::SimplifiedChinese, "{locale}");
        }
        for locale in ["zh_TW.UTF-8", "zh-Hant", "zh-HK", "en_US.UTF-8", "de-DE", "C", "", "ja-JP"] {
            assert_eq!(Language::from_locale(locale), Language::English, "{locale}");
        }
    }

    #[test]
    fn each_context_speaks_its_own_language() {
        let english = egui::Context::default();
        let chinese = egui::Context::default();
        set_language(&chinese, Language::SimplifiedChinese);
        assert_eq!(english.tr(Tr::Connect), "Connect");
        assert_eq!(chinese.tr(Tr::Connect), "连接");
        assert_eq!(language(&chinese), Language::SimplifiedChinese);
    }
}
