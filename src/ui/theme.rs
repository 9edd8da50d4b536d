//! The one home for colours and spacing.

use egui::Color32;

use crate::core::engine::{BrokerState, ConnectionState};
use crate::core::workspace::SUBSCRIPTION_PALETTE_SIZE;
use crate::ui::prefs::Preferences;

/// Sets up spacing for both themes and applies the remembered theme and
/// zoom; called once when the window opens.
pub fn install(ctx: &egui::Context, prefs: &Preferences) {
    ctx.all_styles_mut(|style| {
        style.spacing.item_spacing = egui::vec2(8.0, 5.0);
        style.spacing.button_padding = egui::vec2(6.0, 3.0);
        style.spacing.menu_margin = egui::Margin::same(8);
        style.spacing.window_margin = egui::Margin::same(10);
    });
    ctx.style_mut_of(egui::Theme::Light, |style| {
        // egui's light fields are white on near-white with no outline:
        // give fields (and buttons) an edge with 3:1 contrast (WCAG 1.4.11).
        style.visuals.widgets.inactive.bg_stroke = egui::Stroke::new(1.0, LIGHT_FIELD_EDGE);
        style.visuals.text_edit_bg_color = Some(Color32::WHITE);
    });
    apply(ctx, prefs);
    ctx.set_zoom_factor(prefs.effective_zoom());
}

/// The outline of idle fields and buttons in the light theme.
const LIGHT_FIELD_EDGE: Color32 = Color32::from_gray(140);

/// WCAG contrast ratio of two opaque colours (1 to 21): how well one
/// stands out against the other.
pub fn contrast_ratio(a: Color32, b: Color32) -> f32 {
    let luminance = |colour: Color32| {
        let channel = |value: u8| {
            let value = f32::from(value) / 255.0;
            if value <= 0.040_45 { value / 12.92 } else { ((value + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * channel(colour.r()) + 0.7152 * channel(colour.g()) + 0.0722 * channel(colour.b())
    };
    let (light, dark) = {
        let (x, y) = (luminance(a), luminance(b));
        if x >= y { (x, y) } else { (y, x) }
    };
    (light + 0.05) / (dark + 0.05)
}

/// Applies the theme choice (System follows the OS, also when it changes).
pub fn apply(ctx: &egui::Context, prefs: &Preferences) {
    ctx.set_theme(prefs.theme.preference());
}

/// Subscription colours: distinct on dark and light backgrounds.
const SUBSCRIPTION_PALETTE: [Color32; SUBSCRIPTION_PALETTE_SIZE] = [
    Color32::from_rgb(0x4e, 0x9a, 0xf1),
    Color32::from_rgb(0xf2, 0x8e, 0x2b),
    Color32::from_rgb(0x59, 0xa1, 0x4f),
    Color32::from_rgb(0xe1, 0x57, 0x59),
    Color32::from_rgb(0xb0, 0x7a, 0xa1),
    Color32::from_rgb(0x76, 0xb7, 0xb2),
    Color32::from_rgb(0xed, 0xc9, 0x48),
    Color32::from_rgb(0xff, 0x9d, 0xa7),
    Color32::from_rgb(0x9c, 0x75, 0x5f),
    Color32::from_rgb(0xba, 0xb0, 0xac),
];

/// Colour of a subscription by its palette index.
pub fn subscription_colour(index: usize) -> Color32 {
    SUBSCRIPTION_PALETTE[index % SUBSCRIPTION_PALETTE.len()]
}

/// Good / in progress / bad.
pub const OK: Color32 = Color32::from_rgb(0x3f, 0xb9, 0x50);
/// Something is happening or waiting.
pub const BUSY: Color32 = Color32::from_rgb(0xe3, 0xa0, 0x08);
/// Something failed.
pub const ERROR: Color32 = Color32::from_rgb(0xf0, 0x50, 0x50);
/// Neutral, inactive.
pub const MUTED: Color32 = Color32::from_rgb(0x90, 0x90, 0x90);
/// Outgoing messages in the log.
pub const OUTGOING: Color32 = Color32::from_rgb(0x8a, 0x7c, 0xf0);

/// Width of the colour strip at the start of a log row.
pub const COLOUR_STRIP_WIDTH: f32 = 4.0;
/// Height of one log row.
pub const LOG_ROW_HEIGHT: f32 = 20.0;
/// Side panel default widths.
pub const SUBSCRIPTIONS_PANEL_WIDTH: f32 = 280.0;
/// Inspector default width.
pub const INSPECTOR_PANEL_WIDTH: f32 = 380.0;

/// The colour that represents a connection state.
pub fn state_colour(state: &ConnectionState) -> Color32 {
    match state {
        ConnectionState::Connected { .. } => OK,
        ConnectionState::Connecting { .. } | ConnectionState::Reconnecting { .. } => BUSY,
        ConnectionState::Failed(_) => ERROR,
        ConnectionState::Disconnected => MUTED,
    }
}

/// The colour that represents the broker state.
pub fn broker_colour(state: &BrokerState) -> Color32 {
    match state {
        BrokerState::Running { .. } => OK,
        BrokerState::Starting => BUSY,
        BrokerState::Failed(_) | BrokerState::DamagedStore(_) => ERROR,
        BrokerState::Stopped => MUTED,
    }
}

/// A small filled circle in a state colour (drawn, so no font glyph is needed).
pub fn status_dot_ui(ui: &mut egui::Ui, colour: Color32) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
    ui.painter().circle_filled(rect.center(), 4.5, colour);
}

/// Syntax colours for JSON text (keys, strings, numbers, literals).
pub fn json_colour(token: crate::core::payload::JsonToken, dark: bool) -> Color32 {
    use crate::core::payload::JsonToken;
    match (token, dark) {
        (JsonToken::Key, true) => Color32::from_rgb(0x9c, 0xdc, 0xfe),
        (JsonToken::Key, false) => Color32::from_rgb(0x00, 0x55, 0xaa),
        (JsonToken::String, true) => Color32::from_rgb(0xce, 0x91, 0x78),
        (JsonToken::String, false) => Color32::from_rgb(0xa3, 0x15, 0x15),
        (JsonToken::Number, true) => Color32::from_rgb(0xb5, 0xce, 0xa8),
        (JsonToken::Number, false) => Color32::from_rgb(0x09, 0x86, 0x58),
        (JsonToken::Literal, true) => Color32::from_rgb(0x56, 0x9c, 0xd6),
        (JsonToken::Literal, false) => Color32::from_rgb(0x00, 0x00, 0xff),
        (JsonToken::Punctuation, true) => Color32::from_rgb(0xd4, 0xd4, 0xd4),
        (JsonToken::Punctuation, false) => Color32::from_rgb(0x33, 0x33, 0x33),
    }
}
