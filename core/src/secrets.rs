//! Passwords in the operating system's keychain: Secret Service (GNOME
//! Keyring, KWallet) on Linux, Keychain Services on macOS, Credential
//! Manager on Windows, through keyring-core and one store crate per platform.

use thiserror::Error;

/// The keychain "service" every Topicscope entry is filed under.
pub const KEYCHAIN_SERVICE: &str = "topicscope";

/// Why the keychain could not be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum KeychainError {
    /// No keychain is available (e.g. no Secret Service running).
    #[error("the OS keychain is not available: {0}")]
    Unavailable(String),
    /// The keychain has no password for this entry.
    #[error("the OS keychain has no password for '{0}'")]
    Missing(String),
    /// The keychain refused or failed.
    #[error("the OS keychain failed for '{account}': {message}")]
    Failed {
        /// The entry.
        account: String,
        /// What the keychain said.
        message: String,
    },
}

/// Makes the platform's keychain the store used by this module. Call once
/// at start-up; failure only disables the keychain password source.
pub fn install_platform_keychain() -> Result<(), KeychainError> {
    if keyring_core::get_default_store().is_some() {
        return Ok(());
    }
    #[cfg(all(unix, not(target_os = "macos")))]
    let store = zbus_secret_service_keyring_store::Store::new();
    #[cfg(target_os = "macos")]
    let store = apple_native_keyring_store::keychain::Store::new();
    #[cfg(windows)]
    let store = windows_native_keyring_store::Store::new();
    #[cfg(any(unix, windows))]
    {
        let store = store.map_err(|error| KeychainError::Unavailable(error.to_string()))?;
        keyring_core::set_default_store(store);
        Ok(())
    }
    #[cfg(not(any(unix, windows)))]
    Err(KeychainError::Unavailable("no keychain on this platform".into()))
}

fn entry(service: &str, account: &str) -> Result<keyring_core::Entry, KeychainError> {
    if keyring_core::get_default_store().is_none() {
        return Err(KeychainError::Unavailable("no keychain was found when Topicscope started".into()));
    }
    keyring_core::Entry::new(service, account)
        .map_err(|error| KeychainError::Failed { account: account.to_owned(), message: error.to_string() })
}

fn read_from(service: &str, account: &str) -> Result<String, KeychainError> {
    entry(service, account)?.get_password().map_err(|error| match error {
        keyring_core::Error::NoEntry => KeychainError::Missing(account.to_owned()),
        other => KeychainError::Failed { account: account.to_owned(), message: other.to_string() },
    })
}

/// Reads a password from the keychain. Passwords stored before the rename
/// are still found under the old service name.
pub fn read_password(account: &str) -> Result<String, KeychainError> {
    match read_from(KEYCHAIN_SERVICE, account) {
        Err(KeychainError::Missing(_)) => read_from(crate::legacy_migration::LEGACY_KEYCHAIN_SERVICE, account),
        other => other,
    }
}

/// Stores (or replaces) a password in the keychain.
pub fn store_password(account: &str, password: &str) -> Result<(), KeychainError> {
    entry(KEYCHAIN_SERVICE, account)?
        .set_password(password)
        .map_err(|error| KeychainError::Failed { account: account.to_owned(), message: error.to_string() })
}

/// The keychain account name suggested for a profile.
pub fn account_for(profile_name: &str, username: &str) -> String {
    if username.is_empty() { profile_name.to_owned() } else { format!("{username}@{profile_name}") }
}
