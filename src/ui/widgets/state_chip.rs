//! A connection's state as a coloured dot and one line.

use std::time::Instant;

use crate::core::engine::ConnectionState;
use crate::ui::{states, theme};

/// A coloured dot and the one-line state summary.
pub fn state_chip_ui(ui: &mut egui::Ui, state: &ConnectionState) {
    let colour = theme::state_colour(state);
    theme::status_dot_ui(ui, colour);
    ui.label(egui::RichText::new(states::connection_summary(ui, state, Instant::now())).color(colour));
}
