//! The proxy between the client and the broker: HTTP CONNECT, SOCKS5 (with
//! user name and password, names resolved by the proxy) or SOCKS4a, with
//! its password from the same sources as the broker's.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::{PasswordSource, SecretError};

/// Which proxy protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ProxyKind {
    /// HTTP CONNECT (Basic authentication).
    #[default]
    Http,
    /// SOCKS5 (RFC 1928), user name and password (RFC 1929); the broker's
    /// name is resolved by the proxy (`socks5h`).
    Socks5,
    /// SOCKS4a: the broker's name is resolved by the proxy; a user id but
    /// no password.
    Socks4a,
}

impl ProxyKind {
    /// Every kind, in the order the UI offers them.
    pub const ALL: [ProxyKind; 3] = [Self::Http, Self::Socks5, Self::Socks4a];

    /// A short label for menus.
    pub fn label(self) -> &'static str {
        match self {
            Self::Http => "HTTP CONNECT",
            Self::Socks5 => "SOCKS5",
            Self::Socks4a => "SOCKS4a",
        }
    }

    /// The URL scheme (`http`, `socks5h`, `socks4a`).
    pub fn scheme(self) -> &'static str {
        match self {
            Self::Http => "http",
            Self::Socks5 => "socks5h",
            Self::Socks4a => "socks4a",
        }
    }

    /// The usual port.
    pub fn default_port(self) -> u16 {
        match self {
            Self::Http => 3128,
            Self::Socks5 | Self::Socks4a => 1080,
        }
    }
}

/// A proxy between the client and the broker.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ProxyOptions {
    /// Which protocol the proxy speaks.
    pub kind: ProxyKind,
    /// Proxy host.
    pub host: String,
    /// Proxy port.
    pub port: u16,
    /// User name (HTTP Basic, SOCKS5) or user id (SOCKS4a); empty: none.
    pub username: String,
    /// Password as typed (or read from a URL); never written to the file.
    #[serde(skip)]
    pub password: String,
    /// Where the password comes from, as for the broker's.
    pub password_source: PasswordSource,
}

impl ProxyOptions {
    /// The password from its source.
    pub fn resolve_password(&self) -> Result<String, SecretError> {
        self.password_source.resolve(&self.password)
    }

    /// True when connecting must first ask the user for the proxy password.
    pub fn needs_password_prompt(&self) -> bool {
        self.password_source == PasswordSource::AskOnConnect && self.password.is_empty()
    }
}

impl fmt::Display for ProxyOptions {
    /// `socks5h://alice@proxy:1080` (never the password).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let user = if self.username.is_empty() { String::new() } else { format!("{}@", self.username) };
        write!(f, "{}://{user}{}:{}", self.kind.scheme(), self.host, self.port)
    }
}

/// Why a proxy URL was not understood.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProxyUrlError {
    /// No `scheme://`.
    #[error("'{0}' is not a proxy URL; write socks5h://[user[:password]@]host[:port] or http://host:port")]
    NotAUrl(String),
    /// A scheme we do not speak.
    #[error(
        "proxy scheme '{0}' is not supported; use socks5h (SOCKS5, names resolved by the proxy), socks5, socks4a or http"
    )]
    Scheme(String),
    /// No host.
    #[error("the proxy URL has no host")]
    NoHost,
    /// A port that is not 1-65535.
    #[error("proxy port '{0}' is not a number from 1 to 65535")]
    Port(String),
    /// SOCKS4a has no passwords.
    #[error("SOCKS4a has no passwords; give only a user id (socks4a://user@host:port)")]
    Socks4aPassword,
}

/// Reads mosquitto's `--proxy` URL (`socks5h://user:pass@host:port`), and
/// also `socks5://` (treated as `socks5h`: the proxy resolves names),
/// `socks4a://` and `http://`.
pub fn parse_proxy_url(url: &str) -> Result<ProxyOptions, ProxyUrlError> {
    let url = url.trim();
    let (scheme, rest) = url.split_once("://").ok_or_else(|| ProxyUrlError::NotAUrl(url.to_owned()))?;
    let kind = match scheme.to_ascii_lowercase().as_str() {
        "socks5h" | "socks5" => ProxyKind::Socks5,
        "socks4a" => ProxyKind::Socks4a,
        "http" => ProxyKind::Http,
        other => return Err(ProxyUrlError::Scheme(other.to_owned())),
    };
    let rest = rest.trim_end_matches('/');
    let (credentials, address) = match rest.rsplit_once('@') {
        Some((credentials, address)) => (Some(credentials), address),
        None => (None, rest),
    };
    let (username, password) = match credentials.map(|credentials| credentials.split_once(':')) {
        Some(Some((user, password))) => (user.to_owned(), password.to_owned()),
        Some(None) => (credentials.unwrap_or_default().to_owned(), String::new()),
        None => (String::new(), String::new()),
    };
    if kind == ProxyKind::Socks4a && !password.is_empty() {
        return Err(ProxyUrlError::Socks4aPassword);
    }
    // [v6]:port, host:port or host.
    let (host, port) = if let Some(bracketed) = address.strip_prefix('[') {
        let (host, after) = bracketed.split_once(']').ok_or(ProxyUrlError::NoHost)?;
        (host, after.strip_prefix(':'))
    } else {
        match address.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (address, None),
        }
    };
    if host.is_empty() {
        return Err(ProxyUrlError::NoHost);
    }
    let port = match port {
        Some(port) => {
            port.parse::<u16>().ok().filter(|port| *port > 0).ok_or_else(|| ProxyUrlError::Port(port.to_owned()))?
        }
        None => kind.default_port(),
    };
    Ok(ProxyOptions {
        kind,
        host: host.to_owned(),
        port,
        username,
        password,
        password_source: PasswordSource::NotSaved,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mosquitto_style_proxy_urls_are_read() {
        let proxy = parse_proxy_url("socks5h://alice:s3cr:et@proxy.example:1081").expect("parses");
        assert_eq!(
            (proxy.kind, proxy.host.as_str(), proxy.port, proxy.username.as_str(), proxy.password.as_str()),
            (ProxyKind::Socks5, "proxy.example", 1081, "alice", "s3cr:et")
        );
        assert_eq!(proxy.to_string(), "socks5h://alice@proxy.example:1081", "never the password");
        let plain = parse_proxy_url("socks4a://[::1]").expect("parses");
        assert_eq!((plain.kind, plain.host.as_str(), plain.port), (ProxyKind::Socks4a, "::1", 1080));
        assert_eq!(parse_proxy_url("http://p:3128").map(|proxy| proxy.kind), Ok(ProxyKind::Http));
        assert_eq!(parse_proxy_url("socks4a://u:p@h:1"), Err(ProxyUrlError::Socks4aPassword));
        assert_eq!(parse_proxy_url("ftp://h"), Err(ProxyUrlError::Scheme("ftp".into())));
        assert_eq!(parse_proxy_url("socks5h://h:0"), Err(ProxyUrlError::Port("0".into())));
        assert_eq!(parse_proxy_url("socks5h://h:99999"), Err(ProxyUrlError::Port("99999".into())));
        assert_eq!(parse_proxy_url("proxy:1080"), Err(ProxyUrlError::NotAUrl("proxy:1080".into())));
        assert_eq!(parse_proxy_url("socks5h://:1080"), Err(ProxyUrlError::NoHost));
    }

    #[test]
    fn old_profiles_without_a_kind_keep_their_http_proxy() {
        let old: ProxyOptions = ron::from_str("(host: \"proxy\", port: 3128, username: \"bob\")").expect("reads");
        assert_eq!((old.kind, old.password_source), (ProxyKind::Http, PasswordSource::NotSaved));
    }
}
