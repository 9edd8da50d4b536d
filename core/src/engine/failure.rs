//! Why a connection attempt failed or a live connection dropped, specific
//! enough for the UI to tell "refused" from "bad credentials" from "TLS".

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A connection failure, as the user should read it.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
pub enum ConnectionFailure {
    /// Nothing listens on that port (TCP RST).
    #[error("connection refused: nothing is listening at {0}")]
    Refused(String),
    /// The host name could not be resolved.
    #[error("DNS: cannot resolve host '{0}'")]
    Dns(String),
    /// TCP connect or CONNACK did not arrive in time.
    #[error("timed out after {0} s waiting for the broker")]
    Timeout(u16),
    /// CONNACK: bad user name or password.
    #[error("bad user name or password")]
    BadCredentials,
    /// CONNACK: not authorised.
    #[error("not authorised by the broker")]
    NotAuthorized,
    /// CONNACK with another refusal code.
    #[error("broker refused the connection: {0}")]
    Rejected(String),
    /// TLS handshake or certificate problem.
    #[error("TLS: {0}")]
    Tls(String),
    /// The broker closed the connection or stopped answering.
    #[error("connection lost: {0}")]
    Lost(String),
    /// The broker broke the MQTT protocol (an undefined topic alias, a
    /// malformed packet…); the connection is closed and retried per policy.
    #[error("the broker broke the MQTT protocol: {0}")]
    Protocol(String),
    /// The broker sent DISCONNECT (MQTT 5) with a reason.
    #[error("broker disconnected us: {0}")]
    ServerDisconnect(String),
    /// The WebSocket handshake failed (wrong path, not an MQTT endpoint, ...).
    #[error("WebSocket: {0}")]
    WebSocket(String),
    /// The HTTP CONNECT proxy refused or failed.
    #[error("proxy: {0}")]
    Proxy(String),
    /// The reconnect policy's attempt limit was reached.
    #[error("gave up after {attempts} {noun}; last error: {last}", noun = if *.attempts == 1 { "attempt" } else { "attempts" })]
    GaveUp {
        /// Attempts made.
        attempts: u32,
        /// The last attempt's failure.
        last: Box<ConnectionFailure>,
    },
    /// The profile cannot be used (shown before any attempt).
    #[error("invalid connection settings: {0}")]
    InvalidSettings(String),
    /// Any other network error.
    #[error("network error: {0}")]
    Network(String),
}

impl ConnectionFailure {
    /// Failures that retrying cannot fix without the user changing something.
    pub fn is_permanent(&self) -> bool {
        matches!(self, Self::BadCredentials | Self::NotAuthorized | Self::Rejected(_) | Self::InvalidSettings(_))
    }
}
