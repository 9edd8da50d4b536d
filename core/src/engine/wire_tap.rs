//! The stream wrapper that feeds the packet recorder: rumqttc (patched, see
//! vendor/rumqttc/VENDORED.md) hands every new connection's stream — after
//! TLS and WebSocket framing, before its MQTT codec — to
//! [`WireTap::wrapper`], which returns the same stream with every byte read
//! and written also given to the connection's [`WireCapture`].

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::Notify;

use crate::mqtt::ProtocolVersion;
use crate::wire::{PacketRecord, WireCapture};

/// One connection's recorder, shared by its streams (one per network
/// connection) and its control task, which drains it.
#[derive(Debug)]
pub(crate) struct WireTap {
    capture: Mutex<WireCapture>,
    /// Wakes the control task when records wait.
    ready: Notify,
}

impl WireTap {
    pub(crate) fn new(protocol: ProtocolVersion) -> Arc<Self> {
        Arc::new(Self { capture: Mutex::new(WireCapture::new(protocol)), ready: Notify::new() })
    }

    fn capture(&self) -> MutexGuard<'_, WireCapture> {
        // A panic while recording must not stop the connection.
        self.capture.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The wrapper rumqttc applies to each new stream.
    pub(crate) fn wrapper(self: &Arc<Self>) -> rumqttc::StreamWrapper {
        let tap = self.clone();
        Arc::new(move |inner| {
            tap.capture().start_link();
            Box::new(TapStream { inner, tap: tap.clone() })
        })
    }

    /// Records waiting and how many were dropped since the last call.
    pub(crate) fn take(&self) -> (Vec<PacketRecord>, u64) {
        self.capture().take()
    }

    /// Waits until records may be waiting.
    pub(crate) async fn ready(&self) {
        self.ready.notified().await;
    }

    fn recorded(&self, capture: MutexGuard<'_, WireCapture>) {
        let waiting = capture.has_records();
        drop(capture);
        if waiting {
            self.ready.notify_one();
        }
    }
}

/// A connection's stream, recorded.
struct TapStream {
    inner: Box<dyn rumqttc::AsyncReadWrite>,
    tap: Arc<WireTap>,
}

impl Drop for TapStream {
    fn drop(&mut self) {
        let mut capture = self.tap.capture();
        capture.end_link();
        self.tap.recorded(capture);
    }
}

impl AsyncRead for TapStream {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = polled {
            let new = &buf.filled()[before..];
            if !new.is_empty() {
                let mut capture = self.tap.capture();
                capture.received(new);
                self.tap.recorded(capture);
            }
        }
        polled
    }
}

impl AsyncWrite for TapStream {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, buf);
        if let Poll::Ready(Ok(written)) = polled
            && written > 0
        {
            let mut capture = self.tap.capture();
            capture.sent(&buf[..written.min(buf.len())]);
            self.tap.recorded(capture);
        }
        polled
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
