//! Where Topicscope keeps its files: one place names the platform folders,
//! so profiles, saved messages, broker settings, broker data and logs can
//! never drift into different trees.

use std::path::PathBuf;

/// The name the platform folders are made from (`~/.config/topicscope` on
/// Linux, `Application Support/io.github.topicscope` on macOS).
pub const APP_NAME: &str = "topicscope";

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("io.github", APP_NAME, APP_NAME)
}

/// The platform's configuration folder for Topicscope (profiles,
/// `messages.ron`, `broker.ron`), if the platform has one.
pub fn config_dir() -> Option<PathBuf> {
    project_dirs().map(|dirs| dirs.config_dir().to_path_buf())
}

/// The platform's data folder for Topicscope (broker data, logs).
pub fn data_dir() -> Option<PathBuf> {
    project_dirs().map(|dirs| dirs.data_dir().to_path_buf())
}

/// The key the window's preferences are stored under in the UI toolkit's
/// storage file (the file itself belongs to the toolkit).
pub const PREFERENCES_KEY: &str = "topicscope.preferences";
