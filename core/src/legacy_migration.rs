//! Topicscope was called "mqttdesk" until its rename; this module is the
//! only place that still knows the old name. On the first start after the
//! rename it copies the old configuration (profiles, saved messages, broker
//! settings), the broker's persisted data and the window's preferences into
//! the new folders, so nobody loses their setup. The old folders are left as
//! they were: an older build keeps working from them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use thiserror::Error;

/// The old name, as it appears in folder names, the preferences key and the
/// keychain service.
pub const LEGACY_NAME: &str = "mqttdesk";

/// The keychain service passwords were filed under before the rename; read
/// when the new service has no entry for an account.
pub const LEGACY_KEYCHAIN_SERVICE: &str = LEGACY_NAME;

/// The broker snapshot's file name before the rename; read when a
/// persistence folder has no snapshot under the new name.
pub const LEGACY_SNAPSHOT_FILE: &str = "mqttdesk-broker.snapshot";

/// The key the window's preferences were stored under in the UI toolkit's storage file.
const LEGACY_PREFERENCES_KEY: &str = "mqttdesk.preferences";

/// The folders and files one name of the app uses on this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppLocations {
    /// Profiles, `messages.ron`, `broker.ron`.
    pub config_dir: PathBuf,
    /// Broker data (and logs, which are not carried over).
    pub data_dir: PathBuf,
    /// The UI toolkit's storage file with the window's preferences, if known.
    pub preferences_file: Option<PathBuf>,
}

impl AppLocations {
    /// The old name's platform folders; `preferences_file` comes from the
    /// UI toolkit, which knows where it stores them.
    pub fn legacy(preferences_file: Option<PathBuf>) -> Option<Self> {
        let dirs = directories::ProjectDirs::from("io.github", LEGACY_NAME, LEGACY_NAME)?;
        Some(Self {
            config_dir: dirs.config_dir().to_path_buf(),
            data_dir: dirs.data_dir().to_path_buf(),
            preferences_file,
        })
    }

    /// Topicscope's own platform folders.
    pub fn current(preferences_file: Option<PathBuf>) -> Option<Self> {
        Some(Self {
            config_dir: crate::app_dirs::config_dir()?,
            data_dir: crate::app_dirs::data_dir()?,
            preferences_file,
        })
    }
}

/// What was carried over, for the one-time notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationReport {
    /// The old configuration folder.
    pub from: PathBuf,
    /// The new configuration folder.
    pub to: PathBuf,
    /// Profile files copied.
    pub profiles: usize,
    /// `messages.ron` was copied.
    pub saved_messages: bool,
    /// `broker.ron` was copied.
    pub broker_settings: bool,
    /// The broker's retained messages and sessions were copied.
    pub broker_data: bool,
    /// The window's preferences were copied.
    pub preferences: bool,
}

impl std::fmt::Display for MigrationReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let noun = if self.profiles == 1 { "profile" } else { "profiles" };
        let mut parts = vec![format!("{} {noun}", self.profiles)];
        for (copied, what) in [
            (self.saved_messages, "saved messages"),
            (self.broker_settings, "broker settings"),
            (self.broker_data, "the broker's retained messages and sessions"),
            (self.preferences, "window preferences"),
        ] {
            if copied {
                parts.push(what.to_owned());
            }
        }
        write!(
            f,
            "copied {} from {LEGACY_NAME}'s folder into Topicscope's (the old one is left as it was): {} → {}",
            parts.join(", "),
            self.from.display(),
            self.to.display()
        )
    }
}

/// Why the old configuration could not be carried over.
#[derive(Debug, Error)]
pub enum MigrationError {
    /// A file or folder could not be read, written or renamed.
    #[error("cannot carry over {LEGACY_NAME}'s settings: cannot {action}: {source}: {}", path.display())]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
}

fn io<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> MigrationError + 'a {
    move |source| MigrationError::Io { action, path: path.to_path_buf(), source }
}

/// Copies the old name's configuration when the new configuration folder
/// does not exist yet and the old one does; otherwise does nothing and
/// returns `None`. The copy is staged beside the new folder and renamed into
/// place last, so a failure part-way leaves no half-filled folder behind and
/// the next start tries again.
pub fn migrate(old: &AppLocations, new: &AppLocations) -> Result<Option<MigrationReport>, MigrationError> {
    if new.config_dir.exists() || !old.config_dir.is_dir() {
        return Ok(None);
    }
    let parent = new.config_dir.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(io("create the folder", parent))?;
    let staging = parent.join(format!(".topicscope-migrating-{}", std::process::id()));
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(io("remove the unfinished copy", &staging))?;
    }
    copy_tree(&old.config_dir, &staging)?;

    let profiles = std::fs::read_dir(staging.join("profiles"))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|entry| entry.path().extension().is_some_and(|extension| extension == "ron"))
                .count()
        })
        .unwrap_or(0);
    let saved_messages = staging.join("messages.ron").is_file();
    let broker_settings = staging.join("broker.ron").is_file();
    let broker_data = copy_broker_data(&old.data_dir, &new.data_dir)?;
    let preferences = match (&old.preferences_file, &new.preferences_file) {
        (Some(old_file), Some(new_file)) => copy_preferences(old_file, new_file)?,
        _ => false,
    };

    std::fs::rename(&staging, &new.config_dir).map_err(io("move the copied settings into place", &new.config_dir))?;
    Ok(Some(MigrationReport {
        from: old.config_dir.clone(),
        to: new.config_dir.clone(),
        profiles,
        saved_messages,
        broker_settings,
        broker_data,
        preferences,
    }))
}

/// Copies regular files and folders (symbolic links are not followed: a
/// link out of the folder is not ours to copy).
fn copy_tree(from: &Path, to: &Path) -> Result<(), MigrationError> {
    std::fs::create_dir_all(to).map_err(io("create the folder", to))?;
    for entry in std::fs::read_dir(from).map_err(io("read the folder", from))? {
        let entry = entry.map_err(io("read the folder", from))?;
        let source = entry.path();
        let target = to.join(entry.file_name());
        let kind = entry.file_type().map_err(io("read", &source))?;
        if kind.is_dir() {
            copy_tree(&source, &target)?;
        } else if kind.is_file() {
            std::fs::copy(&source, &target).map_err(io("copy", &source))?;
        }
    }
    Ok(())
}

/// The broker's snapshot under its new file name, unless one is there.
fn copy_broker_data(old_data: &Path, new_data: &Path) -> Result<bool, MigrationError> {
    let source = old_data.join("broker").join(LEGACY_SNAPSHOT_FILE);
    let target_dir = new_data.join("broker");
    let target = crate::broker::persist::snapshot_path(&target_dir);
    if !source.is_file() || target.exists() {
        return Ok(false);
    }
    std::fs::create_dir_all(&target_dir).map_err(io("create the folder", &target_dir))?;
    std::fs::copy(&source, &target).map_err(io("copy", &source))?;
    Ok(true)
}

/// The toolkit's storage is a RON map of keys to RON strings; the window's own
/// entries (size, position) keep their keys, Topicscope's preferences move
/// from the old key to the new one.
fn copy_preferences(old_file: &Path, new_file: &Path) -> Result<bool, MigrationError> {
    if !old_file.is_file() || new_file.exists() {
        return Ok(false);
    }
    let text = std::fs::read_to_string(old_file).map_err(io("read", old_file))?;
    let Ok(mut entries) = ron::from_str::<BTreeMap<String, String>>(&text) else {
        // Damaged preferences are not worth carrying: the defaults apply.
        return Ok(false);
    };
    if let Some(preferences) = entries.remove(LEGACY_PREFERENCES_KEY) {
        entries.insert(crate::app_dirs::PREFERENCES_KEY.to_owned(), preferences);
    }
    let Ok(converted) = ron::to_string(&entries) else {
        return Ok(false);
    };
    if let Some(folder) = new_file.parent() {
        std::fs::create_dir_all(folder).map_err(io("create the folder", folder))?;
    }
    std::fs::write(new_file, converted).map_err(io("write", new_file))?;
    Ok(true)
}

/// The snapshot a persistence folder holds under the old name, when it has
/// none under the new one.
pub fn legacy_snapshot_path(dir: &Path) -> PathBuf {
    dir.join(LEGACY_SNAPSHOT_FILE)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn locations(root: &Path, name: &str) -> AppLocations {
        AppLocations {
            config_dir: root.join("config").join(name),
            data_dir: root.join("data").join(name),
            preferences_file: Some(root.join("prefs").join(name).join("app.ron")),
        }
    }

    fn fresh_root(test: &str) -> PathBuf {
        let root = std::env::temp_dir().join(format!("topicscope-migration-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        root
    }

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn the_old_configuration_is_copied_once_and_left_in_place() {
        let root = fresh_root("once");
        let (old, new) = (locations(&root, LEGACY_NAME), locations(&root, "topicscope"));
        write(&old.config_dir.join("profiles/plant-a.ron"), "(name: \"Plant A\")");
        write(&old.config_dir.join("profiles/plant-b.ron"), "(name: \"Plant B\")");
        write(&old.config_dir.join("messages.ron"), "(collections: [])");
        write(&old.config_dir.join("broker.ron"), "(port: 1884)");
        write(&old.data_dir.join("broker").join(LEGACY_SNAPSHOT_FILE), "snapshot bytes");
        let old_prefs = old.preferences_file.clone().unwrap();
        write(&old_prefs, r#"{"mqttdesk.preferences":"(zoom:1.5)","window":"(x:1)"}"#);

        let report = migrate(&old, &new).unwrap().expect("copied");
        assert_eq!(report.profiles, 2);
        assert!(report.saved_messages && report.broker_settings && report.broker_data && report.preferences);
        assert!(report.to_string().starts_with("copied 2 profiles, saved messages, broker settings"), "{report}");
        assert_eq!(
            std::fs::read_to_string(new.config_dir.join("profiles/plant-a.ron")).unwrap(),
            "(name: \"Plant A\")"
        );
        assert_eq!(std::fs::read_to_string(new.config_dir.join("broker.ron")).unwrap(), "(port: 1884)");
        let snapshot = crate::broker::persist::snapshot_path(&new.data_dir.join("broker"));
        assert_eq!(std::fs::read_to_string(snapshot).unwrap(), "snapshot bytes");
        let prefs: BTreeMap<String, String> =
            ron::from_str(&std::fs::read_to_string(new.preferences_file.as_ref().unwrap()).unwrap()).unwrap();
        assert_eq!(prefs.get(crate::app_dirs::PREFERENCES_KEY).map(String::as_str), Some("(zoom:1.5)"));
        assert_eq!(prefs.get("window").map(String::as_str), Some("(x:1)"));
        assert!(old.config_dir.join("profiles/plant-a.ron").is_file(), "the old folder stays");

        // Said once: the new folder now exists, so the next start copies nothing.
        write(&old.config_dir.join("profiles/plant-c.ron"), "(name: \"Plant C\")");
        assert_eq!(migrate(&old, &new).unwrap(), None);
        assert!(!new.config_dir.join("profiles/plant-c.ron").exists());
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn nothing_happens_without_an_old_folder_or_with_a_new_one() {
        let root = fresh_root("none");
        let (old, new) = (locations(&root, LEGACY_NAME), locations(&root, "topicscope"));
        assert_eq!(migrate(&old, &new).unwrap(), None);
        assert!(!new.config_dir.exists(), "no folder is made when there is nothing to carry over");

        write(&old.config_dir.join("profiles/old.ron"), "old");
        write(&new.config_dir.join("profiles/new.ron"), "new");
        assert_eq!(migrate(&old, &new).unwrap(), None);
        assert!(!new.config_dir.join("profiles/old.ron").exists(), "an existing setup is never mixed with the old one");
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn existing_broker_data_and_preferences_are_not_overwritten() {
        let root = fresh_root("keep");
        let (old, new) = (locations(&root, LEGACY_NAME), locations(&root, "topicscope"));
        write(&old.config_dir.join("broker.ron"), "(port: 1884)");
        write(&old.data_dir.join("broker").join(LEGACY_SNAPSHOT_FILE), "old snapshot");
        write(old.preferences_file.as_ref().unwrap(), r#"{"mqttdesk.preferences":"(zoom:1.5)"}"#);
        let snapshot = crate::broker::persist::snapshot_path(&new.data_dir.join("broker"));
        write(&snapshot, "new snapshot");
        write(new.preferences_file.as_ref().unwrap(), "{}");

        let report = migrate(&old, &new).unwrap().expect("copied");
        assert!(!report.broker_data && !report.preferences);
        assert_eq!(std::fs::read_to_string(&snapshot).unwrap(), "new snapshot");
        assert_eq!(std::fs::read_to_string(new.preferences_file.as_ref().unwrap()).unwrap(), "{}");
        let _ = std::fs::remove_dir_all(&root);
    }
}
