//! Profile files: one RON file per profile in the config folder, written
//! atomically; the profiles shipped with the app; where they live.

use std::path::{Path, PathBuf};

use thiserror::Error;

use super::ConnectionProfile;
use crate::fs::{FileError, make_private_folder, write_private};

/// Why a profile file could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProfileFileError {
    /// The file system refused.
    #[error(transparent)]
    File(#[from] FileError),
    /// The settings could not be written as RON.
    #[error("cannot write {what} as RON: {message}")]
    Serialise {
        /// What was being written ("profile 'Plant'", ...).
        what: String,
        /// What RON said.
        message: String,
    },
    /// The file is not a valid profile.
    #[error("{path}:{line}:{column}: {message}")]
    Parse {
        /// The file concerned.
        path: String,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// What RON found wrong.
        message: String,
    },
}

/// An I/O failure on a file, naming what was being done to which file.
pub(crate) fn io_error(action: &'static str, path: &Path, error: &std::io::Error) -> ProfileFileError {
    ProfileFileError::File(FileError::io(action, path, error))
}

/// Parses a profile from RON text; `origin` names it in errors.
pub fn parse_profile(text: &str, origin: &str) -> Result<ConnectionProfile, ProfileFileError> {
    ron::from_str::<ConnectionProfile>(text).map(ConnectionProfile::migrate).map_err(|error| ron_error(origin, &error))
}

/// A RON parse failure as `origin:line:column: problem`.
pub(crate) fn ron_error(origin: &str, error: &ron::error::SpannedError) -> ProfileFileError {
    ProfileFileError::Parse {
        path: origin.to_owned(),
        line: error.span.start.line,
        column: error.span.start.col,
        message: error.code.to_string(),
    }
}

/// Renders a profile as pretty RON (without the password).
pub fn profile_to_ron(profile: &ConnectionProfile) -> Result<String, ProfileFileError> {
    let config = ron::ser::PrettyConfig::new().struct_names(true);
    ron::ser::to_string_pretty(profile, config).map_err(|error| ProfileFileError::Serialise {
        what: format!("profile '{}'", profile.name),
        message: error.to_string(),
    })
}

/// Writes a profile into its own file in `dir` (see [`profile_file`]),
/// atomically and readable by its owner only (a profile may hold a
/// password); the folder is made private too.
pub fn save_profile(dir: &Path, profile: &ConnectionProfile) -> Result<PathBuf, ProfileFileError> {
    let text = profile_to_ron(profile)?;
    make_private_folder(dir)?;
    let path = profile_file(dir, &profile.name)?;
    write_private(&path, text)?;
    Ok(path)
}

/// The file `<name>.ron` a profile would get in an empty folder.
pub fn profile_path(dir: &Path, profile: &ConnectionProfile) -> PathBuf {
    dir.join(format!("{}.ron", profile.file_stem()))
}

/// The file a profile named `name` is saved to in `dir`: the one that holds
/// a profile of that name already, else the first free one of `<stem>.ron`,
/// `<stem>-2.ron`, … — names such as "Site A", "Site-A" and "Site/A" share
/// a stem, and one must never overwrite another. File names are compared
/// ignoring case (macOS and Windows folders do). Reads the folder: call it
/// off the UI thread (the file writer does).
pub fn profile_file(dir: &Path, name: &str) -> Result<PathBuf, ProfileFileError> {
    let stem = super::file_stem_of(name);
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(dir.join(format!("{stem}.ron"))),
        Err(error) => return Err(io_error("read the folder", dir, &error)),
    };
    let mut taken = std::collections::HashSet::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let file_name = entry.file_name().to_string_lossy().to_lowercase();
        if path.extension().is_some_and(|extension| extension == "ron")
            && let Ok(text) = std::fs::read_to_string(&path)
            && parse_profile(&text, "").is_ok_and(|saved| saved.name == name)
        {
            return Ok(path);
        }
        taken.insert(file_name);
    }
    let free = (1..)
        .map(|number| if number == 1 { format!("{stem}.ron") } else { format!("{stem}-{number}.ron") })
        .find(|candidate| !taken.contains(&candidate.to_lowercase()))
        .unwrap_or_else(|| format!("{stem}.ron"));
    Ok(dir.join(free))
}

/// Loads every `*.ron` profile in `dir`, sorted by name. Files that fail to
/// parse are returned as errors beside the good ones, never skipped silently.
pub fn load_profiles(dir: &Path) -> (Vec<ConnectionProfile>, Vec<ProfileFileError>) {
    let mut profiles = Vec::new();
    let mut errors = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return (profiles, errors),
        Err(error) => return (profiles, vec![io_error("read the folder", dir, &error)]),
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|extension| extension != "ron") {
            continue;
        }
        match std::fs::read_to_string(&path) {
            Ok(text) => match parse_profile(&text, &path.display().to_string()) {
                Ok(profile) => profiles.push(profile),
                Err(error) => errors.push(error),
            },
            Err(error) => errors.push(io_error("read the file", &path, &error)),
        }
    }
    profiles.sort_by_key(|profile| profile.name.to_lowercase());
    (profiles, errors)
}

/// The profiles shipped in the repository's `profiles/` folder, built into
/// the binary so they appear on first run.
pub const SHIPPED_PROFILE_FILES: [(&str, &str); 10] = [
    ("profiles/embedded-broker.ron", include_str!("../../../profiles/embedded-broker.ron")),
    ("profiles/local-mosquitto.ron", include_str!("../../../profiles/local-mosquitto.ron")),
    ("profiles/test-mosquitto-org-tcp.ron", include_str!("../../../profiles/test-mosquitto-org-tcp.ron")),
    ("profiles/test-mosquitto-org-tls.ron", include_str!("../../../profiles/test-mosquitto-org-tls.ron")),
    ("profiles/test-mosquitto-org-ws.ron", include_str!("../../../profiles/test-mosquitto-org-ws.ron")),
    ("profiles/test-mosquitto-org-wss.ron", include_str!("../../../profiles/test-mosquitto-org-wss.ron")),
    ("profiles/broker-emqx-io.ron", include_str!("../../../profiles/broker-emqx-io.ron")),
    ("profiles/broker-hivemq-com.ron", include_str!("../../../profiles/broker-hivemq-com.ron")),
    ("profiles/mqtt-eclipseprojects-io.ron", include_str!("../../../profiles/mqtt-eclipseprojects-io.ron")),
    ("profiles/mtls-template.ron", include_str!("../../../profiles/mtls-template.ron")),
];

/// The shipped profiles, parsed (the embedded broker's first).
pub fn shipped_profiles() -> Vec<ConnectionProfile> {
    SHIPPED_PROFILE_FILES.into_iter().filter_map(|(origin, text)| parse_profile(text, origin).ok()).collect()
}

/// The platform folder for profiles (XDG config on Linux, Application
/// Support on macOS, AppData on Windows), if the platform has one.
pub fn default_profile_dir() -> Option<PathBuf> {
    crate::app_dirs::config_dir().map(|dir| dir.join("profiles"))
}
