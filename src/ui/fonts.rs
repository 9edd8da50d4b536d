//! Text in any script a topic or payload carries. egui's own fonts cover
//! Latin, Greek, Cyrillic and (monochrome) emoji; anything else — above all
//! Chinese, Japanese and Korean — comes from the system's fonts, found on
//! demand through the operating system's own fallback (fontconfig,
//! CoreText, DirectWrite) by `egui_system_font_provider` and memory-mapped,
//! so start-up pays nothing and a machine without CJK text never loads a
//! CJK font. When a CJK character finds no font, the app says once how to
//! install one.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use egui::{FallbackRequest, FontInsert, FontProvider};

use crate::ui::i18n::{Language, Tr};

/// Is this a Chinese, Japanese or Korean character (ideographs, kana,
/// hangul, bopomofo, CJK punctuation and full-width forms)?
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF       // Hangul Jamo
        | 0x2E80..=0x2FDF     // CJK radicals, Kangxi radicals
        | 0x3000..=0x303F     // CJK symbols and punctuation
        | 0x3040..=0x30FF     // Hiragana, Katakana
        | 0x3100..=0x312F     // Bopomofo
        | 0x3130..=0x318F     // Hangul compatibility Jamo
        | 0x31A0..=0x31FF     // Bopomofo extended, CJK strokes, Katakana extensions
        | 0x3200..=0x4DBF     // enclosed CJK, compatibility, Extension A
        | 0x4E00..=0x9FFF     // CJK unified ideographs
        | 0xA960..=0xA97F     // Hangul Jamo extended A
        | 0xAC00..=0xD7FF     // Hangul syllables, Jamo extended B
        | 0xF900..=0xFAFF     // CJK compatibility ideographs
        | 0xFE30..=0xFE4F     // CJK compatibility forms
        | 0xFF00..=0xFFEF     // half-width and full-width forms
        | 0x20000..=0x3134F   // Extensions B–G
    )
}

/// A font provider that asks another one and remembers whether a CJK
/// character went without a font (so the app can say how to fix that).
pub struct FallbackFonts {
    inner: Box<dyn FontProvider>,
    language: Language,
    missing_cjk: AtomicBool,
}

impl FallbackFonts {
    /// Wraps any provider (the system's in the app, a fixed one in tests).
    pub fn new(inner: Box<dyn FontProvider>) -> Self {
        Self { inner, language: Language::English, missing_cjk: AtomicBool::new(false) }
    }

    /// The operating system's fonts, preferring the glyph shapes of the
    /// interface language's locale for ideographs shared between
    /// Chinese, Japanese and Korean (the system locale otherwise).
    pub fn system(language: Language) -> Self {
        let provider = egui_system_font_provider::SystemFontProvider::new();
        let provider = match language {
            Language::SimplifiedChinese => provider.with_locale(Some(language.code())),
            Language::English => provider,
        };
        Self { language, ..Self::new(Box::new(provider)) }
    }

    /// The interface language the fonts were chosen for.
    pub fn language(&self) -> Language {
        self.language
    }

    /// A CJK character was shown and no installed font has it.
    pub fn missing_cjk(&self) -> bool {
        self.missing_cjk.load(Ordering::Relaxed)
    }
}

impl FontProvider for FallbackFonts {
    fn fonts_for_family(&self, family: &egui::FontFamily) -> Vec<FontInsert> {
        self.inner.fonts_for_family(family)
    }

    fn font_for(&self, request: &FallbackRequest<'_>) -> Option<FontInsert> {
        let found = self.inner.font_for(request);
        if found.is_none() && request.cluster.chars().next().is_some_and(is_cjk) {
            self.missing_cjk.store(true, Ordering::Relaxed);
        }
        found
    }
}

/// Installs the system font fallback on a context; the returned handle
/// tells whether CJK text went without a font.
pub fn install(ctx: &egui::Context, language: Language) -> Arc<FallbackFonts> {
    let fonts = Arc::new(FallbackFonts::system(language));
    ctx.add_font_provider(fonts.clone());
    fonts
}

/// Replaces the fallback after the interface language changed (fonts
/// already found are looked up again for the new language).
pub fn reinstall(ctx: &egui::Context, language: Language) -> Arc<FallbackFonts> {
    let fonts = Arc::new(FallbackFonts::system(language));
    ctx.set_font_providers(vec![fonts.clone()]);
    fonts
}

/// Where to get a CJK font on this platform, for the one-time hint.
pub fn cjk_font_advice() -> Tr {
    if cfg!(target_os = "macos") {
        Tr::CjkAdviceMac
    } else if cfg!(windows) {
        Tr::CjkAdviceWindows
    } else {
        Tr::CjkAdviceLinux
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_characters_are_told_apart_from_other_scripts() {
        for c in ['中', '文', '温', '度', 'の', 'カ', '한', '글', '，', '。', '１', 'ㄅ', '𠀀'] {
            assert!(is_cjk(c), "{c:?} is CJK");
        }
        for c in ['a', 'Ж', 'é', 'ع', '€', '1', ' ', '😀', '→'] {
            assert!(!is_cjk(c), "{c:?} is not CJK");
        }
    }

    fn request(cluster: &str) -> bool {
        let never = FallbackFonts::new(Box::new(|_: &FallbackRequest<'_>| None));
        let family = egui::FontFamily::Proportional;
        assert!(never.font_for(&FallbackRequest { cluster, family: &family }).is_none());
        never.missing_cjk()
    }

    #[test]
    fn only_a_cjk_character_without_a_font_asks_for_the_hint() {
        assert!(request("温"), "a Han character without a font");
        assert!(request("한"), "a Hangul syllable without a font");
        assert!(!request("ع"), "Arabic without a font is not a CJK problem");
        assert!(!request("😀"), "emoji neither");
    }

    #[test]
    fn a_found_cjk_font_is_passed_through() {
        let font = |_: &FallbackRequest<'_>| {
            Some(FontInsert::new(
                "test-font",
                egui::FontData::from_static(&[]),
                vec![egui::epaint::text::InsertFontFamily {
                    family: egui::FontFamily::Proportional,
                    priority: egui::epaint::text::FontPriority::Lowest,
                }],
            ))
        };
        let fonts = FallbackFonts::new(Box::new(font));
        let family = egui::FontFamily::Proportional;
        let insert = fonts.font_for(&FallbackRequest { cluster: "中", family: &family });
        assert_eq!(insert.map(|insert| insert.name), Some("test-font".to_owned()));
        assert!(!fonts.missing_cjk());
    }

    /// On a machine with a CJK font (CI installs fonts-noto-cjk), the
    /// system fallback really lays out Chinese, Japanese and Korean.
    #[test]
    fn system_fonts_render_chinese_japanese_and_korean() {
        if !std::path::Path::new("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc").exists() {
            eprintln!("skipped: fonts-noto-cjk is not installed");
            return;
        }
        let ctx = egui::Context::default();
        let fonts = install(&ctx, Language::SimplifiedChinese);
        let font_id = egui::FontId::proportional(14.0);
        let mut output = ctx.run_ui(egui::RawInput::default(), |ui| {
            ui.label("温度 21.5 ℃ · 温度センサー · 온도");
        });
        output.textures_delta.clear();
        let mut output = ctx.run_ui(egui::RawInput::default(), |ui| {
            ui.fonts_mut(|f| {
                for c in ['温', 'セ', '온'] {
                    assert!(f.has_glyph(&font_id, c), "{c:?} renders");
                }
            });
        });
        output.textures_delta.clear();
        assert!(!fonts.missing_cjk(), "every CJK character found a font");
    }
}
