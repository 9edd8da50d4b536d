//! Reaching the broker through a SOCKS5 or SOCKS4a proxy. rumqttc speaks
//! only HTTP CONNECT; its connector hook (vendor/rumqttc) lets us open the
//! stream ourselves: TCP to the proxy, the SOCKS handshake (tokio-socks)
//! with the broker's name for the proxy to resolve, and rumqttc layers TLS
//! and WebSocket on top as it would on a direct connection.

use std::io;
use std::sync::Arc;

use tokio::net::TcpStream;
use tokio_socks::tcp::{Socks4Stream, Socks5Stream};

use crate::profile::{ProxyKind, ProxyOptions};

/// A proxy failure in the user's terms; the engine's error mapping finds it
/// inside the `io::Error` rumqttc hands back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ProxyDialError(pub String);

fn failure(message: String) -> io::Error {
    io::Error::other(ProxyDialError(message))
}

/// What a SOCKS error means for the user.
fn describe(error: &tokio_socks::Error, proxy: &ProxyOptions, host: &str, port: u16) -> String {
    use tokio_socks::Error as E;
    let kind = proxy.kind.label();
    let at = format!("{}:{}", proxy.host, proxy.port);
    match error {
        E::NoAcceptableAuthMethods if proxy.username.is_empty() => {
            format!(
                "the {kind} proxy at {at} wants a user name and password; set them in the profile's proxy ({error})"
            )
        }
        E::NoAcceptableAuthMethods => {
            format!("the {kind} proxy at {at} accepts none of the ways this client can log in ({error})")
        }
        E::PasswordAuthFailure(_) => {
            format!("the {kind} proxy at {at} refused the user name or password ({error})")
        }
        E::ConnectionNotAllowedByRuleset => {
            format!("the {kind} proxy at {at} does not allow connections to {host}:{port} ({error})")
        }
        E::HostUnreachable | E::NetworkUnreachable | E::ConnectionRefused | E::TtlExpired => {
            format!("the {kind} proxy at {at} could not reach the broker at {host}:{port} ({error})")
        }
        E::Io(io) => format!("the {kind} proxy at {at} closed the connection during its handshake ({io})"),
        other => format!("the {kind} proxy at {at} could not connect to {host}:{port} ({other})"),
    }
}

/// A connector that opens every connection through `proxy` (its password
/// already resolved into `proxy.password`). HTTP proxies are rumqttc's own.
pub fn connector(proxy: ProxyOptions) -> rumqttc::Connector {
    let proxy = Arc::new(proxy);
    Arc::new(move |host: String, port: u16| {
        let proxy = proxy.clone();
        Box::pin(async move {
            let at = format!("{}:{}", proxy.host, proxy.port);
            let kind = proxy.kind.label();
            let socket = TcpStream::connect((proxy.host.as_str(), proxy.port))
                .await
                .map_err(|error| failure(format!("cannot reach the {kind} proxy at {at}: {error}")))?;
            let _ = socket.set_nodelay(true);
            let target = (host.as_str(), port);
            let stream: Box<dyn rumqttc::AsyncReadWrite> = match proxy.kind {
                ProxyKind::Socks5 if proxy.username.is_empty() => Box::new(
                    Socks5Stream::connect_with_socket(socket, target)
                        .await
                        .map_err(|error| failure(describe(&error, &proxy, &host, port)))?,
                ),
                ProxyKind::Socks5 => Box::new(
                    Socks5Stream::connect_with_password_and_socket(socket, target, &proxy.username, &proxy.password)
                        .await
                        .map_err(|error| failure(describe(&error, &proxy, &host, port)))?,
                ),
                ProxyKind::Socks4a if proxy.username.is_empty() => Box::new(
                    Socks4Stream::connect_with_socket(socket, target)
                        .await
                        .map_err(|error| failure(describe(&error, &proxy, &host, port)))?,
                ),
                ProxyKind::Socks4a => Box::new(
                    Socks4Stream::connect_with_userid_and_socket(socket, target, &proxy.username)
                        .await
                        .map_err(|error| failure(describe(&error, &proxy, &host, port)))?,
                ),
                ProxyKind::Http => {
                    return Err(failure("an HTTP proxy is not opened by the SOCKS connector".into()));
                }
            };
            Ok(stream)
        })
    })
}
