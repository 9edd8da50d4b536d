//! Profile edits not yet saved: each tab knows the profile as last opened
//! or saved, so the editor can say "unsaved changes" and revert them, and
//! the window can keep them as drafts across a restart instead of losing
//! them silently.

use serde::{Deserialize, Serialize};

use super::Workspace;
use super::tab::Tab;
use crate::ids::TabId;
use crate::profile::ConnectionProfile;

/// One tab's unsaved profile edits, as kept between runs. The password is
/// never part of it (profiles do not serialise it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileDraft {
    /// The name of the saved profile the edits started from (the edits may
    /// have renamed it).
    pub saved_name: String,
    /// The edited profile.
    pub profile: ConnectionProfile,
}

/// A profile compared without this session's password (never saved).
fn same_settings(a: &ConnectionProfile, b: &ConnectionProfile) -> bool {
    let mut a = a.clone();
    a.password.clone_from(&b.password);
    a == *b
}

impl Tab {
    /// Puts a profile into the tab as its saved state (opening or choosing
    /// a profile is not an edit).
    pub(super) fn replace_profile(&mut self, profile: ConnectionProfile) {
        self.saved_profile = profile.clone();
        self.not_saved_yet = false;
        self.profile = profile;
    }

    /// True when the profile holds edits a restart would lose unless kept.
    pub fn has_unsaved_edits(&self) -> bool {
        self.not_saved_yet || !same_settings(&self.profile, &self.saved_profile)
    }
}

impl Workspace {
    /// Records that a tab's profile was written to its file as `saved`
    /// (edits made since the save was asked for stay unsaved).
    pub fn mark_profile_saved(&mut self, tab: TabId, saved: ConnectionProfile) {
        if let Some(tab) = self.tab_mut(tab) {
            tab.saved_profile = saved;
            tab.not_saved_yet = false;
        }
    }

    /// Drops a tab's unsaved edits: its profile goes back to the saved one
    /// (keeping this session's password).
    pub fn revert_profile(&mut self, tab: TabId) {
        if let Some(tab) = self.tab_mut(tab) {
            let password = std::mem::take(&mut tab.profile.password);
            tab.profile = tab.saved_profile.clone();
            tab.profile.password = password;
            tab.not_saved_yet = false;
        }
    }

    /// Opens a tab with a profile that has no file yet (pasted from a
    /// command line or URL): it counts as unsaved edits until saved.
    pub fn open_unsaved_tab(&mut self, profile: ConnectionProfile) -> TabId {
        let id = self.open_tab(profile);
        if let Some(tab) = self.tab_mut(id) {
            tab.not_saved_yet = true;
        }
        id
    }

    /// The unsaved edits of every tab, in tab order, to keep across a restart.
    pub fn profile_drafts(&self) -> Vec<ProfileDraft> {
        self.tabs()
            .iter()
            .filter(|tab| tab.has_unsaved_edits())
            .map(|tab| ProfileDraft { saved_name: tab.saved_profile.name.clone(), profile: tab.profile.clone() })
            .collect()
    }

    /// Puts drafts of the last run back: into the open tab of the profile
    /// each started from (the active tab only when `into_active`, i.e. it
    /// was not given on the command line), or into a new tab when none is
    /// open. They stay unsaved until saved. Returns the restored profiles'
    /// names, for the notice saying so.
    pub fn restore_profile_drafts(&mut self, drafts: Vec<ProfileDraft>, into_active: bool) -> Vec<String> {
        let active = self.active_tab().id;
        let mut used: Vec<TabId> = Vec::new();
        let mut restored = Vec::new();
        for draft in drafts {
            let target = self
                .tabs()
                .iter()
                .find(|tab| {
                    tab.saved_profile.name == draft.saved_name
                        && !tab.has_unsaved_edits()
                        && !used.contains(&tab.id)
                        && (into_active || tab.id != active)
                })
                .map(|tab| tab.id);
            let name = draft.profile.name.clone();
            match target {
                Some(id) => {
                    if let Some(tab) = self.tab_mut(id) {
                        tab.profile = draft.profile;
                    }
                    used.push(id);
                }
                None => used.push(self.open_unsaved_tab(draft.profile)),
            }
            restored.push(name);
        }
        self.activate(active);
        restored
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::StoreLimits;

    fn profile(name: &str, port: u16) -> ConnectionProfile {
        ConnectionProfile { name: name.into(), port, ..ConnectionProfile::default() }
    }

    #[test]
    fn edits_are_unsaved_until_saved_and_revert_keeps_the_password() {
        let mut workspace = Workspace::new(vec![profile("lab", 1883)], StoreLimits::default());
        workspace.select_profile("lab");
        let tab = workspace.active_tab().id;
        assert!(!workspace.active_tab().has_unsaved_edits(), "choosing a profile is not an edit");
        workspace.active_tab_mut().profile.password = "typed".into();
        assert!(!workspace.active_tab().has_unsaved_edits(), "the session's password is not a profile edit");
        workspace.active_tab_mut().profile.port = 8883;
        assert!(workspace.active_tab().has_unsaved_edits());
        workspace.revert_profile(tab);
        assert_eq!(
            (workspace.active_tab().profile.port, workspace.active_tab().profile.password.as_str()),
            (1883, "typed")
        );
        workspace.active_tab_mut().profile.port = 8883;
        workspace.mark_profile_saved(tab, workspace.active_tab().profile.clone());
        assert!(!workspace.active_tab().has_unsaved_edits());
    }

    #[test]
    fn drafts_come_back_into_their_tabs_or_new_ones() {
        let saved = vec![profile("lab", 1883), profile("plant", 1883)];
        let mut first = Workspace::new(saved.clone(), StoreLimits::default());
        first.select_profile("lab");
        first.open_tab(profile("plant", 1883));
        first.active_tab_mut().profile.port = 9001;
        first.active_tab_mut().profile.name = "plant (renamed)".into();
        first.open_tab(profile("from a URL", 1883));
        let drafts = first.profile_drafts();
        assert_eq!(drafts.len(), 1, "only the edited tab: {drafts:?}");
        assert_eq!(drafts[0].saved_name, "plant");

        // The next run: the plant tab reopens from its saved file; the draft goes into it.
        let mut second = Workspace::new(saved.clone(), StoreLimits::default());
        second.select_profile("lab");
        second.restore_tabs(&["lab".into(), "plant".into()]);
        let restored = second.restore_profile_drafts(drafts.clone(), true);
        assert_eq!(restored, ["plant (renamed)"]);
        assert_eq!(second.tabs().len(), 2);
        let plant = &second.tabs()[1];
        assert_eq!((plant.profile.name.as_str(), plant.profile.port), ("plant (renamed)", 9001));
        assert!(plant.has_unsaved_edits(), "still unsaved");
        assert_eq!(second.active_tab().profile.name, "lab", "the active tab stays active");

        // Without the tab open (the saved profile is gone), a tab opens for it.
        let mut third = Workspace::new(vec![profile("lab", 1883)], StoreLimits::default());
        let restored = third.restore_profile_drafts(drafts, true);
        assert_eq!(restored.len(), 1);
        assert_eq!(third.tabs().len(), 2);
        assert!(third.tabs()[1].has_unsaved_edits());
    }

    #[test]
    fn a_profile_given_on_the_command_line_is_not_overwritten_by_a_draft() {
        let mut workspace = Workspace::new(vec![profile("lab", 1883)], StoreLimits::default());
        workspace.use_profile(profile("lab", 1999));
        let draft = ProfileDraft { saved_name: "lab".into(), profile: profile("lab", 8883) };
        workspace.restore_profile_drafts(vec![draft], false);
        assert_eq!(workspace.active_tab().profile.port, 1999, "the command line wins");
        assert_eq!(workspace.tabs().len(), 2, "the draft opens beside it");
    }
}
