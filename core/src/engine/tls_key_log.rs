//! TLS session keys written for Wireshark (the NSS key log format), so a
//! capture of a TLS connection can be decrypted: to the file `SSLKEYLOGFILE`
//! names (as browsers and curl do, through rustls' `KeyLogFile`), or to the
//! file a profile names under its dangerously named setting. Anyone with
//! the file can read the connection's traffic, passwords included, so the
//! file is created readable by its owner only and the window shows a badge.

use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use crate::engine::failure::ConnectionFailure;
use crate::profile::TlsOptions;

/// Where a connection's TLS session keys go, if anywhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyLogTarget {
    /// The profile's setting.
    Profile(PathBuf),
    /// The `SSLKEYLOGFILE` environment variable.
    Environment(PathBuf),
}

impl KeyLogTarget {
    /// The file written.
    pub fn path(&self) -> &Path {
        match self {
            Self::Profile(path) | Self::Environment(path) => path,
        }
    }
}

/// Where keys of a TLS connection with these options would be written.
pub fn key_log_target(options: &TlsOptions) -> Option<KeyLogTarget> {
    if let Some(path) = &options.dangerously_log_session_keys_to {
        return Some(KeyLogTarget::Profile(path.clone()));
    }
    std::env::var_os("SSLKEYLOGFILE")
        .filter(|value| !value.is_empty())
        .map(|value| KeyLogTarget::Environment(value.into()))
}

/// The key log for a connection's rustls configuration.
pub fn key_log(options: &TlsOptions) -> Result<Arc<dyn rustls::KeyLog>, ConnectionFailure> {
    match &options.dangerously_log_session_keys_to {
        Some(path) => Ok(Arc::new(KeyLogToFile::open(path)?)),
        // Writes nothing unless SSLKEYLOGFILE is set.
        None => Ok(Arc::new(rustls::KeyLogFile::new())),
    }
}

/// NSS key log lines appended to one file.
#[derive(Debug)]
struct KeyLogToFile {
    file: Mutex<File>,
}

impl KeyLogToFile {
    fn open(path: &Path) -> Result<Self, ConnectionFailure> {
        let mut options = OpenOptions::new();
        options.append(true).create(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        let file = options.open(path).map_err(|error| {
            ConnectionFailure::Tls(format!("cannot open the TLS key log file {}: {error}", path.display()))
        })?;
        Ok(Self { file: Mutex::new(file) })
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

impl rustls::KeyLog for KeyLogToFile {
    fn log(&self, label: &str, client_random: &[u8], secret: &[u8]) {
        let line = format!("{label} {} {}\n", hex(client_random), hex(secret));
        let mut file = self.file.lock().unwrap_or_else(PoisonError::into_inner);
        if let Err(error) = file.write_all(line.as_bytes()) {
            tracing::warn!("TLS key log: {error}");
        }
    }

    fn will_log(&self, _label: &str) -> bool {
        true
    }
}
