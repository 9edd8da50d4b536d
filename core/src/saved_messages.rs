//! Saved messages: named messages (topic, payload, format, QoS, retain;
//! placeholders allowed) in collections, global or for one profile, kept
//! in one RON file beside the profiles (`messages.ron`), written
//! atomically on every change.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::compose::DraftProperties;
use crate::compose::PublishDraft;
use crate::fs::{FileError, write_atomically};
use crate::mqtt::Qos;
use crate::payload::PayloadFormat;

/// File format version.
pub const SAVED_MESSAGES_VERSION: u32 = 1;

/// One named message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SavedMessage {
    /// Shown in the list.
    pub name: String,
    /// Topic (placeholders allowed).
    pub topic: String,
    /// Payload text (placeholders allowed).
    pub payload: String,
    /// How the payload text is encoded.
    pub format: PayloadFormat,
    /// QoS.
    pub qos: Qos,
    /// Retain flag.
    pub retain: bool,
    /// MQTT 5 publish properties.
    pub properties: DraftProperties,
}

impl Default for SavedMessage {
    fn default() -> Self {
        Self::from_draft(String::new(), &PublishDraft::default())
    }
}

impl SavedMessage {
    /// The composer's fields under a name.
    pub fn from_draft(name: String, draft: &PublishDraft) -> Self {
        Self {
            name,
            topic: draft.topic.clone(),
            payload: draft.payload.clone(),
            format: draft.format,
            qos: draft.qos,
            retain: draft.retain,
            properties: draft.properties.clone(),
        }
    }

    /// The message as composer fields.
    pub fn to_draft(&self) -> PublishDraft {
        PublishDraft {
            topic: self.topic.clone(),
            payload: self.payload.clone(),
            format: self.format,
            qos: self.qos,
            retain: self.retain,
            properties: self.properties.clone(),
        }
    }
}

/// A named group of messages.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Collection {
    /// Shown as the group's title.
    pub name: String,
    /// Only offered for this profile; `None` for every profile.
    pub profile: Option<String>,
    /// In the order the user arranged them.
    pub messages: Vec<SavedMessage>,
}

/// Everything in `messages.ron`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SavedMessages {
    /// File format version.
    pub version: u32,
    /// The collections.
    pub collections: Vec<Collection>,
}

impl Default for SavedMessages {
    fn default() -> Self {
        Self { version: SAVED_MESSAGES_VERSION, collections: Vec::new() }
    }
}

/// What an import added.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MergeReport {
    /// Collections added.
    pub collections: usize,
    /// Messages in them.
    pub messages: usize,
    /// Renames and profile bindings dropped, one line each.
    pub notes: Vec<String>,
}

/// Why saved messages could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SavedMessagesError {
    /// The file system refused.
    #[error(transparent)]
    File(#[from] FileError),
    /// The file is not saved messages (`file:line:column: problem`).
    #[error("{origin}:{line}:{column}: {message}")]
    Parse {
        /// The file or source read.
        origin: String,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// What RON found wrong.
        message: String,
    },
    /// The messages could not be written as RON.
    #[error("cannot write saved messages: {0}")]
    Serialise(String),
    /// An export named a collection that is not there.
    #[error("no such collection (number {0})")]
    NoSuchCollection(usize),
}

impl SavedMessagesError {
    fn parse(origin: &str, error: &ron::error::SpannedError, expected: &str) -> Self {
        Self::Parse {
            origin: origin.to_owned(),
            line: error.span.start.line,
            column: error.span.start.col,
            message: format!("{}{expected}", error.code),
        }
    }
}

/// Where the saved messages live: beside the profiles folder.
pub fn default_path(profile_dir: &Path) -> PathBuf {
    profile_dir.parent().unwrap_or(profile_dir).join("messages.ron")
}

impl SavedMessages {
    /// Reads the file; a missing file is an empty set, a damaged one an
    /// error naming line and column (the file is left untouched).
    pub fn load(path: &Path) -> Result<Self, SavedMessagesError> {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                ron::from_str(&text).map_err(|error| SavedMessagesError::parse(&path.display().to_string(), &error, ""))
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(error) => Err(FileError::io("read the file", path, &error).into()),
        }
    }

    /// Writes the file atomically (on the caller's thread: the window
    /// hands [`SavedMessages::to_ron`] to its file writer instead).
    pub fn save(&self, path: &Path) -> Result<(), SavedMessagesError> {
        Ok(write_atomically(path, self.to_ron()?)?)
    }

    /// The file's contents.
    pub fn to_ron(&self) -> Result<String, SavedMessagesError> {
        ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::default())
            .map_err(|error| SavedMessagesError::Serialise(error.to_string()))
    }

    /// One collection (or all) as a file to share: the same format as
    /// messages.ron, so either can be imported. Placeholders travel; their
    /// values stay in the sender's profiles.
    pub fn export(&self, collection: Option<usize>) -> Result<String, SavedMessagesError> {
        let collections = match collection {
            Some(index) => {
                vec![self.collections.get(index).ok_or(SavedMessagesError::NoSuchCollection(index))?.clone()]
            }
            None => self.collections.clone(),
        };
        Self { version: SAVED_MESSAGES_VERSION, collections }.to_ron()
    }

    /// Reads a shared file; `source` names it in errors ("file:line:column: reason").
    pub fn parse(text: &str, source: &str) -> Result<Self, SavedMessagesError> {
        ron::from_str(text)
            .map_err(|error| SavedMessagesError::parse(source, &error, " (expected topicscope saved messages)"))
    }

    /// Adds imported collections: a name already taken (for the same
    /// profile) gets " (2)", " (3)" …; a collection for a profile this
    /// machine does not have is offered for every profile instead. Returns
    /// what was added and what changed on the way.
    pub fn merge(&mut self, imported: Self, profiles: &[String]) -> MergeReport {
        let mut report = MergeReport::default();
        for mut collection in imported.collections {
            if let Some(profile) = collection.profile.take() {
                if profiles.contains(&profile) {
                    collection.profile = Some(profile);
                } else {
                    report.notes.push(format!(
                        "'{}' was for the profile '{profile}', which is not here: it is shown for every profile",
                        collection.name
                    ));
                }
            }
            let taken = |name: &str, this: &Self| {
                this.collections.iter().any(|existing| existing.name == name && existing.profile == collection.profile)
            };
            if taken(&collection.name, self) {
                let original = collection.name.clone();
                let renamed = (2..)
                    .map(|n| format!("{original} ({n})"))
                    .find(|name| !taken(name, self))
                    .unwrap_or(original.clone());
                report.notes.push(format!("'{original}' exists already: imported as '{renamed}'"));
                collection.name = renamed;
            }
            report.collections += 1;
            report.messages += collection.messages.len();
            self.collections.push(collection);
        }
        report
    }

    /// The collections a profile sees: the global ones and its own.
    pub fn visible_for<'a>(&'a self, profile: &'a str) -> impl Iterator<Item = (usize, &'a Collection)> + 'a {
        self.collections
            .iter()
            .enumerate()
            .filter(move |(_, collection)| collection.profile.as_deref().is_none_or(|only| only == profile))
    }

    /// Adds a message to the collection of that name (made if missing).
    pub fn add(&mut self, collection: &str, profile: Option<String>, message: SavedMessage) {
        match self.collections.iter_mut().find(|c| c.name == collection && c.profile == profile) {
            Some(existing) => existing.messages.push(message),
            None => self.collections.push(Collection { name: collection.to_owned(), profile, messages: vec![message] }),
        }
    }

    /// A message, by collection and position.
    pub fn get(&self, collection: usize, message: usize) -> Option<&SavedMessage> {
        self.collections.get(collection)?.messages.get(message)
    }

    /// Copies a message right below itself, named "… (copy)".
    pub fn duplicate(&mut self, collection: usize, message: usize) {
        if let Some(messages) = self.collections.get_mut(collection).map(|c| &mut c.messages)
            && let Some(original) = messages.get(message)
        {
            let mut copy = original.clone();
            copy.name = format!("{} (copy)", copy.name);
            messages.insert(message + 1, copy);
        }
    }

    /// Moves a message one place up (`-1`) or down (`1`) in its collection.
    pub fn shift(&mut self, collection: usize, message: usize, by: isize) {
        if let Some(messages) = self.collections.get_mut(collection).map(|c| &mut c.messages) {
            let target = message.checked_add_signed(by).filter(|target| *target < messages.len());
            if let Some(target) = target
                && message < messages.len()
            {
                messages.swap(message, target);
            }
        }
    }

    /// Moves a message (collection, position) to another place, in its own
    /// collection or another one: it takes the target's position and the
    /// rest make room. An emptied source collection goes.
    pub fn move_message(&mut self, from: (usize, usize), to: (usize, usize)) {
        if from == to || to.0 >= self.collections.len() {
            return;
        }
        let Some(source) = self.collections.get_mut(from.0) else { return };
        if from.1 >= source.messages.len() {
            return;
        }
        let message = source.messages.remove(from.1);
        let mut target = to.0;
        if source.messages.is_empty() {
            self.collections.remove(from.0);
            if from.0 < target {
                target -= 1;
            }
        }
        if let Some(collection) = self.collections.get_mut(target) {
            let at = to.1.min(collection.messages.len());
            collection.messages.insert(at, message);
        }
    }

    /// Removes a message; an emptied collection goes too.
    pub fn remove(&mut self, collection: usize, message: usize) {
        if let Some(messages) = self.collections.get_mut(collection).map(|c| &mut c.messages)
            && message < messages.len()
        {
            messages.remove(message);
            if messages.is_empty() {
                self.collections.remove(collection);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(name: &str) -> SavedMessage {
        SavedMessage { name: name.into(), topic: format!("t/{name}"), ..SavedMessage::default() }
    }

    #[test]
    fn collections_round_trip_through_their_file_and_a_damaged_file_is_named() {
        let dir = std::env::temp_dir().join(format!("topicscope-saved-{}", std::process::id()));
        let path = dir.join("messages.ron");
        let mut saved = SavedMessages::default();
        saved.add("Smoke tests", None, message("ping"));
        saved.add("Plant A", Some("Plant A broker".into()), SavedMessage { qos: Qos::AtLeastOnce, ..message("valve") });
        saved.save(&path).expect("saves");
        assert_eq!(SavedMessages::load(&path).expect("loads"), saved);
        assert_eq!(SavedMessages::load(&dir.join("none.ron")).expect("missing is empty"), SavedMessages::default());
        std::fs::write(&path, "(collections: [(name: \"x\", messages: [(name: 3)])])").expect("write");
        let error = SavedMessages::load(&path).expect_err("damaged");
        assert!(error.to_string().contains("messages.ron:1:"), "{error}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn global_collections_show_everywhere_and_profile_ones_only_there() {
        let mut saved = SavedMessages::default();
        saved.add("All", None, message("a"));
        saved.add("Mine", Some("lab".into()), message("b"));
        let names = |profile| saved.visible_for(profile).map(|(_, c)| c.name.clone()).collect::<Vec<_>>();
        assert_eq!(names("lab"), ["All", "Mine"]);
        assert_eq!(names("plant"), ["All"]);
    }

    #[test]
    fn a_shared_collection_imports_beside_the_existing_ones() {
        let mut sender = SavedMessages::default();
        sender.add("Smoke", None, message("ping"));
        sender.add("Valves", Some("Plant A".into()), message("open"));
        sender.add("Lab only", Some("Lab".into()), message("probe"));
        let one = SavedMessages::parse(&sender.export(Some(0)).expect("export"), "smoke.ron").expect("parse");
        assert_eq!(one.collections.len(), 1);
        let all = SavedMessages::parse(&sender.export(None).expect("export"), "all.ron").expect("parse");

        let mut receiver = SavedMessages::default();
        receiver.add("Smoke", None, message("mine"));
        let report = receiver.merge(all, &["Plant A".to_owned()]);
        assert_eq!((report.collections, report.messages), (3, 3));
        let names: Vec<(&str, Option<&str>)> =
            receiver.collections.iter().map(|c| (c.name.as_str(), c.profile.as_deref())).collect();
        assert_eq!(
            names,
            [("Smoke", None), ("Smoke (2)", None), ("Valves", Some("Plant A")), ("Lab only", None)],
            "renamed on a clash; unknown profile dropped, known one kept"
        );
        assert_eq!(report.notes.len(), 2, "{:?}", report.notes);
        assert!(report.notes[0].contains("imported as 'Smoke (2)'"), "{:?}", report.notes);
        assert!(report.notes[1].contains("'Lab', which is not here"), "{:?}", report.notes);

        let error = SavedMessages::parse("(collections: [(name: 3)])", "bad.ron").expect_err("damaged");
        assert!(error.to_string().starts_with("bad.ron:1:"), "{error}");
        assert!(sender.export(Some(9)).is_err());
    }

    #[test]
    fn dragging_moves_within_and_between_collections() {
        let mut saved = SavedMessages::default();
        for name in ["a", "b", "c"] {
            saved.add("One", None, message(name));
        }
        saved.add("Two", None, message("x"));
        let names = |saved: &SavedMessages, c: usize| {
            saved.collections[c].messages.iter().map(|m| m.name.clone()).collect::<Vec<_>>()
        };
        saved.move_message((0, 0), (0, 2));
        assert_eq!(names(&saved, 0), ["b", "c", "a"], "down: takes the target's place");
        saved.move_message((0, 2), (0, 0));
        assert_eq!(names(&saved, 0), ["a", "b", "c"], "up");
        saved.move_message((0, 1), (1, 0));
        assert_eq!(
            (names(&saved, 0), names(&saved, 1)),
            (vec!["a".to_owned(), "c".into()], vec!["b".into(), "x".into()])
        );
        saved.move_message((1, 1), (0, 9));
        assert_eq!(names(&saved, 0), ["a", "c", "x"], "past the end: appended");
        saved.move_message((1, 0), (0, 0));
        assert_eq!(saved.collections.len(), 1, "the emptied collection went");
        assert_eq!(names(&saved, 0), ["b", "a", "c", "x"]);
        saved.move_message((0, 7), (0, 0));
        saved.move_message((0, 0), (5, 0));
        assert_eq!(names(&saved, 0), ["b", "a", "c", "x"], "out of range: nothing moves");
    }

    #[test]
    fn duplicate_reorder_and_remove() {
        let mut saved = SavedMessages::default();
        for name in ["a", "b", "c"] {
            saved.add("C", None, message(name));
        }
        saved.duplicate(0, 0);
        saved.shift(0, 3, -1);
        saved.shift(0, 0, -1); // already first: nothing
        let names =
            |saved: &SavedMessages| saved.collections[0].messages.iter().map(|m| m.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&saved), ["a", "a (copy)", "c", "b"]);
        saved.remove(0, 1);
        assert_eq!(names(&saved), ["a", "c", "b"]);
        for _ in 0..3 {
            saved.remove(0, 0);
        }
        assert!(saved.collections.is_empty(), "an emptied collection goes too");
    }
}
