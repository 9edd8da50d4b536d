//! A tab's device mocks, kept in step with its profile's `mocks`: a change
//! of files asks the window to read them off the UI thread; once read they
//! are put in force on the tab's connection (and again on each connect),
//! and what they answer is counted and the latest answers kept to show.

use std::collections::VecDeque;
use std::path::PathBuf;

use chrono::{DateTime, Utc};

use crate::engine::Command;
use crate::engine::mocks::MockReport;
use crate::ids::{ConnectionId, TabId};
use crate::mock::MockFile;

/// Reports kept for the Mocks window.
const RECENT_LIMIT: usize = 200;

/// A tab's mocks.
#[derive(Debug, Clone, Default)]
pub struct TabMocks {
    /// The files read, for the paths they were read from.
    files: Vec<MockFile>,
    loaded_for: Option<Vec<PathBuf>>,
    loading: Option<Vec<PathBuf>>,
    /// Why the last read failed (`file:line:col: …`).
    error: Option<String>,
    /// What the connection's mocks last said they listen on.
    listening: Vec<String>,
    /// Answers sent on this tab's connections.
    answered: u64,
    /// The latest reports, newest last.
    recent: VecDeque<(DateTime<Utc>, MockReport)>,
    /// Why the mocks stopped answering, until they are put in force again.
    stopped: Option<String>,
    /// Files were in force and the profile now has none: the connection
    /// must be told.
    switched_off: bool,
}

/// Reads mock files (on a file-task thread): all of them, or the first
/// error, naming the file.
pub fn read_mock_files(paths: &[PathBuf]) -> Result<Vec<MockFile>, String> {
    paths
        .iter()
        .map(|path| {
            let origin = path.display().to_string();
            let text = std::fs::read_to_string(path).map_err(|error| format!("cannot read {origin}: {error}"))?;
            MockFile::parse(&text, &origin).map_err(|error| error.to_string())
        })
        .collect()
}

impl TabMocks {
    /// Brings the mocks in step with the profile's `paths`; returns the
    /// paths to read (off the UI thread), then [`TabMocks::loaded`].
    pub fn sync(&mut self, paths: &[PathBuf]) -> Option<Vec<PathBuf>> {
        if self.loaded_for.as_deref() == Some(paths) || self.loading.as_deref() == Some(paths) {
            return None;
        }
        if paths.is_empty() {
            // Nothing to read: off at once ([`TabMocks::switched_off`]).
            self.loading = None;
            self.loaded_for = Some(Vec::new());
            self.error = None;
            self.switched_off = !self.files.is_empty();
            self.files = Vec::new();
            return None;
        }
        self.loading = Some(paths.to_vec());
        Some(paths.to_vec())
    }

    /// Reads the files again (edited since).
    pub fn reload(&mut self) {
        self.loaded_for = None;
        self.loading = None;
    }

    /// The files of `paths` were read; returns the command putting them in
    /// force on `connection` (ignored when the profile moved on).
    fn loaded(
        &mut self,
        paths: &[PathBuf],
        result: Result<Vec<MockFile>, String>,
        connection: Option<ConnectionId>,
    ) -> Option<Command> {
        if self.loading.as_deref() != Some(paths) {
            return None;
        }
        self.loading = None;
        self.loaded_for = Some(paths.to_vec());
        match result {
            Ok(files) => {
                self.files = files;
                self.error = None;
            }
            Err(error) => {
                // A broken file switches every mock of the tab off rather
                // than answer with half of them.
                self.files = Vec::new();
                self.error = Some(error);
            }
        }
        connection.map(|connection| self.command(connection))
    }

    /// The command putting the files in force on `connection` (on connect).
    pub(super) fn command(&self, connection: ConnectionId) -> Command {
        Command::SetMocks { connection, mocks: self.files.clone() }
    }

    /// True when files are read and in force on connect.
    pub fn any(&self) -> bool {
        !self.files.is_empty()
    }

    fn record(&mut self, at: DateTime<Utc>, report: MockReport) {
        match &report {
            MockReport::Listening { filters, .. } => {
                self.listening = filters.iter().map(|(filter, _)| filter.clone()).collect();
                self.stopped = None;
                return;
            }
            MockReport::Answered { .. } => self.answered += 1,
            MockReport::Stopped { reason } => self.stopped = Some(reason.clone()),
            MockReport::Unanswerable { .. } => {}
        }
        if self.recent.len() >= RECENT_LIMIT {
            self.recent.pop_front();
        }
        self.recent.push_back((at, report));
    }

    /// The files in force (their names), or why reading them failed.
    pub fn files(&self) -> Result<&[MockFile], &str> {
        self.error.as_deref().map_or(Ok(&self.files), Err)
    }

    /// The files are being read.
    pub fn loading(&self) -> bool {
        self.loading.is_some()
    }

    /// The filters the connection's mocks listen on.
    pub fn listening(&self) -> &[String] {
        &self.listening
    }

    /// Answers sent so far.
    pub fn answered(&self) -> u64 {
        self.answered
    }

    /// The latest reports, newest last.
    pub fn recent(&self) -> impl DoubleEndedIterator<Item = &(DateTime<Utc>, MockReport)> {
        self.recent.iter()
    }

    /// Why the mocks stopped answering.
    pub fn stopped(&self) -> Option<&str> {
        self.stopped.as_deref()
    }
}

impl super::Workspace {
    /// Brings every tab's mocks in step with its profile; returns the reads
    /// to start (off the UI thread), by tab.
    /// Commands switching off the mocks of tabs whose profile has none left
    /// come with them.
    pub fn sync_mocks(&mut self) -> (Vec<(TabId, Vec<PathBuf>)>, Vec<Command>) {
        let mut reads = Vec::new();
        let mut commands = Vec::new();
        for tab in &mut self.tabs {
            if let Some(paths) = tab.mocks.sync(&tab.profile.mocks) {
                reads.push((tab.id, paths));
            }
            if std::mem::take(&mut tab.mocks.switched_off)
                && let Some(connection) = tab.connection
            {
                commands.push(tab.mocks.command(connection));
            }
        }
        (reads, commands)
    }

    /// The mock files of `tab` were read; returns the command putting them
    /// in force on its connection.
    pub fn mocks_loaded(
        &mut self,
        tab: TabId,
        paths: &[PathBuf],
        result: Result<Vec<MockFile>, String>,
    ) -> Option<Command> {
        let tab = self.tabs.iter_mut().find(|candidate| candidate.id == tab)?;
        let connection = tab.connection;
        tab.mocks.loaded(paths, result, connection)
    }

    /// Switches a mock file on or off for the active tab's profile (read,
    /// then put in force, on the next sync).
    pub fn toggle_mock(&mut self, path: PathBuf, on: bool) {
        let mocks = &mut self.active_tab_mut().profile.mocks;
        mocks.retain(|existing| *existing != path);
        if on {
            mocks.push(path);
        }
    }

    /// A report from `tab`'s connection's mocks.
    pub(super) fn record_mock(&mut self, tab: TabId, at: DateTime<Utc>, report: MockReport) {
        if let Some(tab) = self.tabs.iter_mut().find(|candidate| candidate.id == tab) {
            tab.mocks.record(at, report);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_read_once_per_change_and_put_in_force_on_the_connection() {
        let mut mocks = TabMocks::default();
        let paths = vec![PathBuf::from("/m/thermostat.ron")];
        assert_eq!(mocks.sync(&paths), Some(paths.clone()));
        assert_eq!(mocks.sync(&paths), None, "already being read");
        let file = MockFile::parse(r#"(name: "t", rules: [(filter: "a", respond: (topic: "b"))])"#, "t.ron");
        let file = file.unwrap_or_else(|error| panic!("{error}"));
        let command = mocks.loaded(&paths, Ok(vec![file]), Some(ConnectionId(4)));
        assert!(
            matches!(&command, Some(Command::SetMocks { connection: ConnectionId(4), mocks }) if mocks.len() == 1),
            "{command:?}"
        );
        assert_eq!(mocks.sync(&paths), None);
        // Switched off: nothing to read, and the connection must be told.
        assert_eq!(mocks.sync(&[]), None);
        assert!(mocks.switched_off && !mocks.any());
        // A stale read (the profile moved on) is ignored.
        assert!(mocks.loaded(&paths, Ok(Vec::new()), None).is_none());
        // A broken file says why and switches the tab's mocks off.
        let broken = vec![PathBuf::from("/m/broken.ron")];
        mocks.sync(&broken);
        let command = mocks.loaded(&broken, Err("broken.ron:1:2: oops".into()), Some(ConnectionId(5)));
        assert!(matches!(command, Some(Command::SetMocks { mocks, .. }) if mocks.is_empty()));
        assert_eq!(mocks.files().err(), Some("broken.ron:1:2: oops"));
    }

    #[test]
    fn answers_are_counted_and_the_latest_kept() {
        let mut mocks = TabMocks::default();
        for n in 0..(RECENT_LIMIT + 5) {
            let report = MockReport::Answered {
                file: "t".into(),
                rule: 1,
                request_topic: "a".into(),
                topic: format!("b/{n}"),
                delay: std::time::Duration::ZERO,
            };
            mocks.record(Utc::now(), report);
        }
        assert_eq!(mocks.answered(), (RECENT_LIMIT + 5) as u64);
        assert_eq!(mocks.recent().count(), RECENT_LIMIT);
        mocks.record(Utc::now(), MockReport::Stopped { reason: "loop".into() });
        assert_eq!(mocks.stopped(), Some("loop"));
        mocks.record(Utc::now(), MockReport::Listening { files: vec!["t".into()], filters: vec![("a".into(), None)] });
        assert_eq!((mocks.stopped(), mocks.listening()), (None, &["a".to_owned()][..]));
    }
}
