//! Starting a replay from the Record & replay window's settings: checked
//! here, then an engine job on the active tab's connection.

use super::TopicscopeApp;
use crate::ui::i18n::TrReplay;
use crate::ui::replay_panel::{SettingError, replay_plan};

impl TopicscopeApp {
    /// Replays the chosen recording, or says in the window what to fix.
    pub(super) fn start_replay(&mut self) {
        let Some(Ok((path, messages))) = &self.ui.replay.recording else { return };
        let (path, messages) = (path.clone(), messages.clone());
        let (plan, rounds) = match replay_plan(&self.ui.replay) {
            Ok(settings) => settings,
            Err(SettingError::Rate(text)) => {
                self.ui.replay.error = Some(self.trf(TrReplay::BadRate, &[("text", &text)]));
                return;
            }
            Err(SettingError::Prefix(error)) => {
                self.ui.replay.error = Some(self.trf(TrReplay::BadPrefix, &[("error", &error)]));
                return;
            }
        };
        let label = path.file_name().map_or_else(|| path.display().to_string(), |name| name.to_string_lossy().into());
        match self.workspace.start_replay(label, messages, plan, rounds) {
            Ok(command) => {
                self.ui.replay.error = None;
                self.send(command);
            }
            Err(error) => self.ui.replay.error = Some(error.to_string()),
        }
    }
}
