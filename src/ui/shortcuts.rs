//! The keyboard shortcuts: one table that the app handles and the
//! Help → Keyboard panel lists, so the two cannot disagree. `COMMAND` is
//! Ctrl on Linux and Windows and ⌘ on macOS.

use egui::{Key, KeyboardShortcut, Modifiers};

use crate::ui::i18n::Tr;

/// What a shortcut does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShortcutAction {
    /// Publish the composer's message.
    Publish,
    /// Put the cursor in the log's search box.
    SearchLog,
    /// Open a new connection tab.
    NewConnection,
    /// Close the active connection tab (disconnect the last one).
    CloseConnection,
    /// Empty the log.
    ClearLog,
    /// Open the keyboard shortcuts panel.
    ShowShortcuts,
    /// Close the front-most dialog.
    CloseDialog,
    /// Jump to the newest message and follow the log.
    JumpToNewest,
    /// Put the cursor in the new subscription's filter.
    Subscribe,
    /// Put the cursor in the topic tree's find field.
    FindTopic,
    /// Pause or resume the log (Space, when no field has the keyboard).
    PauseLog,
}

/// One shortcut.
#[derive(Debug, Clone, Copy)]
pub struct Shortcut {
    /// The keys.
    pub keys: KeyboardShortcut,
    /// What they do.
    pub action: ShortcutAction,
    /// What the keyboard panel says they do.
    pub description: Tr,
}

const fn shortcut(modifiers: Modifiers, key: Key, action: ShortcutAction, description: Tr) -> Shortcut {
    Shortcut { keys: KeyboardShortcut::new(modifiers, key), action, description }
}

/// Every shortcut the app handles itself.
pub const SHORTCUTS: [Shortcut; 10] = [
    shortcut(Modifiers::COMMAND, Key::Enter, ShortcutAction::Publish, Tr::ShortcutPublish),
    shortcut(Modifiers::COMMAND, Key::F, ShortcutAction::SearchLog, Tr::ShortcutSearchLog),
    shortcut(Modifiers::COMMAND, Key::N, ShortcutAction::NewConnection, Tr::ShortcutNewConnection),
    shortcut(Modifiers::COMMAND, Key::W, ShortcutAction::CloseConnection, Tr::ShortcutCloseConnection),
    shortcut(Modifiers::COMMAND, Key::L, ShortcutAction::ClearLog, Tr::ShortcutClearLog),
    shortcut(Modifiers::NONE, Key::F1, ShortcutAction::ShowShortcuts, Tr::ShortcutShowShortcuts),
    shortcut(Modifiers::NONE, Key::Escape, ShortcutAction::CloseDialog, Tr::ShortcutCloseDialog),
    shortcut(Modifiers::COMMAND, Key::End, ShortcutAction::JumpToNewest, Tr::ShortcutJumpToNewest),
    shortcut(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::S, ShortcutAction::Subscribe, Tr::ShortcutSubscribe),
    shortcut(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::F, ShortcutAction::FindTopic, Tr::ShortcutFindTopic),
];

/// Keys that act only when no text field has the keyboard (there they
/// type): End jumps to the newest message, Space pauses the log. The
/// keyboard panel lists them too.
pub const PLAIN_KEYS: [Shortcut; 2] = [
    shortcut(Modifiers::NONE, Key::End, ShortcutAction::JumpToNewest, Tr::ShortcutJumpToNewestPlain),
    shortcut(Modifiers::NONE, Key::Space, ShortcutAction::PauseLog, Tr::ShortcutPauseLog),
];

/// Shortcuts eframe and egui provide, listed so users find them too.
pub const BUILT_IN: [(KeyboardShortcut, Tr); 3] = [
    (KeyboardShortcut::new(Modifiers::COMMAND, Key::Plus), Tr::ShortcutZoomIn),
    (KeyboardShortcut::new(Modifiers::COMMAND, Key::Minus), Tr::ShortcutZoomOut),
    (KeyboardShortcut::new(Modifiers::COMMAND, Key::Num0), Tr::ShortcutZoomReset),
];

/// The shortcuts pressed this frame (consumed, so no widget sees them
/// too). Escape is only taken when a dialog is open to close, so it still
/// leaves a focused text field otherwise.
pub fn pressed(ctx: &egui::Context, dialog_open: bool) -> Vec<ShortcutAction> {
    let typing = ctx.egui_wants_keyboard_input();
    ctx.input_mut(|input| {
        // Ctrl+F matches Ctrl+Shift+F too (egui ignores extra Shift), so
        // the shortcuts with more modifiers get their keys first.
        let mut ordered: Vec<&Shortcut> = SHORTCUTS.iter().collect();
        ordered.sort_by_key(|shortcut| std::cmp::Reverse(u8::from(shortcut.keys.modifiers.shift)));
        let mut pressed: Vec<ShortcutAction> = ordered
            .into_iter()
            .filter(|shortcut| dialog_open || shortcut.action != ShortcutAction::CloseDialog)
            .filter(|shortcut| input.consume_shortcut(&shortcut.keys))
            .map(|shortcut| shortcut.action)
            .collect();
        if !typing && !dialog_open {
            pressed.extend(
                PLAIN_KEYS.iter().filter(|plain| input.consume_shortcut(&plain.keys)).map(|plain| plain.action),
            );
        }
        pressed
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_two_shortcuts_share_keys() {
        let mut keys: Vec<_> = SHORTCUTS
            .iter()
            .chain(PLAIN_KEYS.iter())
            .map(|s| s.keys)
            .chain(BUILT_IN.iter().map(|(keys, _)| *keys))
            .collect();
        let count = keys.len();
        keys.sort_by_key(|keys| format!("{keys:?}"));
        keys.dedup();
        assert_eq!(keys.len(), count);
    }

    #[test]
    fn the_issue_s_shortcuts_are_all_there() {
        let ctx = egui::Context::default();
        let names: Vec<String> = SHORTCUTS.iter().map(|s| ctx.format_shortcut(&s.keys)).collect();
        let expected = if cfg!(target_os = "macos") {
            ["⌘Return", "⌘F", "⌘N", "⌘W", "⌘L", "F1", "Escape", "⌘End", "⇧⌘S", "⇧⌘F"]
        } else {
            [
                "Ctrl+Enter",
                "Ctrl+F",
                "Ctrl+N",
                "Ctrl+W",
                "Ctrl+L",
                "F1",
                "Escape",
                "Ctrl+End",
                "Ctrl+Shift+S",
                "Ctrl+Shift+F",
            ]
        };
        assert_eq!(names, expected);
    }
}
