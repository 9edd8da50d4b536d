//! Connection, broker and delivery states in the interface language (the
//! core's own `summary()` texts are English, for logs and the CLI).

use std::time::Instant;

use crate::core::engine::{BrokerState, ConnectionFailure, ConnectionState, DeliveryOutcome};
use crate::ui::i18n::{Tr, Words};

fn seconds_until(at: Instant, now: Instant) -> u64 {
    at.saturating_duration_since(now).as_secs_f32().ceil() as u64
}

/// One line about a connection, as the status bar shows it.
pub fn connection_summary(words: &impl Words, state: &ConnectionState, now: Instant) -> String {
    match state {
        ConnectionState::Disconnected => words.tr(Tr::StateDisconnected).to_owned(),
        ConnectionState::Connecting { attempt: 1 } => words.tr(Tr::StateConnecting).to_owned(),
        ConnectionState::Connecting { attempt } => words.trf(Tr::StateConnectingAttempt, &[("n", attempt)]),
        ConnectionState::Connected { client_id, session_present } => {
            let key = if *session_present { Tr::StateConnectedResumed } else { Tr::StateConnectedAs };
            words.trf(key, &[("client", client_id)])
        }
        ConnectionState::Reconnecting { attempt, retry_at, error } => {
            let error = connection_failure(words, error);
            words
                .trf(Tr::StateReconnecting, &[("s", &seconds_until(*retry_at, now)), ("n", attempt), ("error", &error)])
        }
        ConnectionState::Failed(error) => words.trf(Tr::StateFailed, &[("error", &connection_failure(words, error))]),
    }
}

/// Why a connection failed, in the interface language; what the broker or
/// the network said (reason codes, TLS details) follows as it was said.
pub fn connection_failure(words: &impl Words, failure: &ConnectionFailure) -> String {
    match failure {
        ConnectionFailure::Refused(address) => words.trf(Tr::FailureRefused, &[("address", address)]),
        ConnectionFailure::Dns(host) => words.trf(Tr::FailureDns, &[("host", host)]),
        ConnectionFailure::Timeout(seconds) => words.trf(Tr::FailureTimeout, &[("s", seconds)]),
        ConnectionFailure::BadCredentials => words.tr(Tr::FailureBadCredentials).to_owned(),
        ConnectionFailure::NotAuthorized => words.tr(Tr::FailureNotAuthorized).to_owned(),
        ConnectionFailure::Rejected(reason) => words.trf(Tr::FailureRejected, &[("reason", reason)]),
        ConnectionFailure::Tls(detail) => words.trf(Tr::FailureTls, &[("detail", detail)]),
        ConnectionFailure::Lost(detail) => words.trf(Tr::FailureLost, &[("detail", detail)]),
        ConnectionFailure::ServerDisconnect(reason) => words.trf(Tr::FailureServerDisconnect, &[("reason", reason)]),
        ConnectionFailure::Protocol(detail) => words.trf(Tr::FailureProtocol, &[("detail", detail)]),
        ConnectionFailure::WebSocket(detail) => words.trf(Tr::FailureWebSocket, &[("detail", detail)]),
        ConnectionFailure::Proxy(detail) => words.trf(Tr::FailureProxy, &[("detail", detail)]),
        ConnectionFailure::GaveUp { attempts, last } => {
            words.trf(Tr::FailureGaveUp, &[("attempts", attempts), ("last", &connection_failure(words, last))])
        }
        ConnectionFailure::InvalidSettings(detail) => words.trf(Tr::FailureInvalidSettings, &[("detail", detail)]),
        ConnectionFailure::Network(detail) => words.trf(Tr::FailureNetwork, &[("detail", detail)]),
    }
}

/// A few words about a connection for tight places; failures keep their reason.
pub fn connection_short(words: &impl Words, state: &ConnectionState, now: Instant) -> String {
    match state {
        ConnectionState::Connected { .. } => words.tr(Tr::StateConnected).to_owned(),
        ConnectionState::Reconnecting { retry_at, .. } => {
            words.trf(Tr::StateReconnectingShort, &[("s", &seconds_until(*retry_at, now))])
        }
        other => connection_summary(words, other, now),
    }
}

/// One line about the embedded broker.
pub fn broker_summary(words: &impl Words, state: &BrokerState) -> String {
    match state {
        BrokerState::Stopped => words.tr(Tr::BrokerStopped).to_owned(),
        BrokerState::Starting => words.tr(Tr::BrokerStarting).to_owned(),
        BrokerState::Running { addr, fell_back_from: None, .. } => words.trf(Tr::BrokerRunning, &[("address", addr)]),
        BrokerState::Running { addr, fell_back_from: Some(port), .. } => {
            words.trf(Tr::BrokerRunningMoved, &[("address", addr), ("port", port)])
        }
        BrokerState::Failed(reason) | BrokerState::DamagedStore(reason) => {
            words.trf(Tr::BrokerFailed, &[("reason", reason)])
        }
    }
}

/// What happened to a publish.
pub fn delivery_outcome(words: &impl Words, outcome: &DeliveryOutcome) -> String {
    match outcome {
        DeliveryOutcome::Written => words.tr(Tr::DeliveryWritten).to_owned(),
        DeliveryOutcome::Acknowledged => words.tr(Tr::DeliveryAcknowledged).to_owned(),
        DeliveryOutcome::Received => words.tr(Tr::DeliveryReceived).to_owned(),
        DeliveryOutcome::Completed => words.tr(Tr::DeliveryCompleted).to_owned(),
        DeliveryOutcome::Refused(reason) => words.trf(Tr::DeliveryRefused, &[("reason", reason)]),
        DeliveryOutcome::Failed(reason) => words.trf(Tr::DeliveryFailed, &[("reason", reason)]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The English texts are the core's own, so logs, the CLI and the
    /// window say the same thing.
    #[test]
    fn english_states_read_as_the_core_writes_them() {
        let ctx = egui::Context::default();
        let now = Instant::now();
        let states = [
            ConnectionState::Disconnected,
            ConnectionState::Connecting { attempt: 1 },
            ConnectionState::Connecting { attempt: 3 },
            ConnectionState::Connected { client_id: "c-1".into(), session_present: true },
            ConnectionState::Connected { client_id: "c-1".into(), session_present: false },
        ];
        for state in states {
            assert_eq!(connection_summary(&ctx, &state, now), state.summary(now));
            assert_eq!(connection_short(&ctx, &state, now), state.short(now));
        }
        let failures = [
            ConnectionFailure::Refused("127.0.0.1:1".into()),
            ConnectionFailure::Dns("nowhere.invalid".into()),
            ConnectionFailure::Timeout(5),
            ConnectionFailure::BadCredentials,
            ConnectionFailure::NotAuthorized,
            ConnectionFailure::Rejected("0x87 Not authorized".into()),
            ConnectionFailure::Tls("unknown CA".into()),
            ConnectionFailure::Lost("reset".into()),
            ConnectionFailure::ServerDisconnect("0x8E Session taken over".into()),
            ConnectionFailure::WebSocket("404".into()),
            ConnectionFailure::Proxy("407".into()),
            ConnectionFailure::GaveUp { attempts: 3, last: Box::new(ConnectionFailure::Timeout(5)) },
            ConnectionFailure::InvalidSettings("host is empty".into()),
            ConnectionFailure::Network("unreachable".into()),
        ];
        for failure in failures {
            assert_eq!(connection_failure(&ctx, &failure), failure.to_string());
            let failed = ConnectionState::Failed(failure.clone());
            assert_eq!(connection_summary(&ctx, &failed, now), failed.summary(now));
        }
        for state in [BrokerState::Stopped, BrokerState::Starting, BrokerState::Failed("port taken".into())] {
            assert_eq!(broker_summary(&ctx, &state), state.summary());
        }
        for outcome in [
            DeliveryOutcome::Written,
            DeliveryOutcome::Acknowledged,
            DeliveryOutcome::Received,
            DeliveryOutcome::Completed,
            DeliveryOutcome::Refused("not authorised".into()),
        ] {
            assert_eq!(delivery_outcome(&ctx, &outcome), outcome.to_string());
        }
    }
}
