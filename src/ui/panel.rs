//! What every panel gets each frame, in one borrow: the model it draws
//! (and edits in place where a field is typed into), the queue for what it
//! asks the app to do, and whether clocks are hidden (tests and screenshots
//! that must not change from one run to the next).

use crate::core::workspace::Workspace;
use crate::ui::action::UiAction;

/// One frame's context for the panels.
pub struct PanelContext<'a> {
    /// The model.
    pub workspace: &'a mut Workspace,
    /// What the panels asked for, applied after drawing.
    pub actions: &'a mut Vec<UiAction>,
    /// Show times as placeholders instead of the clock.
    pub hide_clocks: bool,
}

/// A time as a panel shows it (`format` as in chrono, local time), its
/// digits replaced by dashes when clocks are hidden (the width stays).
pub fn clock(at: chrono::DateTime<chrono::Utc>, format: &str, hidden: bool) -> String {
    let text = at.with_timezone(&chrono::Local).format(format).to_string();
    if hidden { text.chars().map(|c| if c.is_ascii_digit() { '-' } else { c }).collect() } else { text }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_clocks_keep_their_width() {
        let at = chrono::DateTime::from_timestamp_micros(1_790_000_000_123_456).unwrap_or_default();
        let shown = clock(at, "%H:%M:%S%.3f", false);
        let hidden = clock(at, "%H:%M:%S%.3f", true);
        assert_eq!(hidden, "--:--:--.---");
        assert_eq!(hidden.len(), shown.len());
        assert_ne!(shown, hidden);
    }
}
