//! The identifiers the core hands out, one type per kind, so a tab id can
//! never be passed where a connection id is meant and no id kind is packed
//! into another's bits.

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident($inner:ty)) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
        pub struct $name(pub $inner);

        impl $name {
            /// Returns this id and moves the counter on to the next one
            /// (ids are handed out from a counter held by their owner).
            pub fn take_next(&mut self) -> Self {
                let current = *self;
                self.0 += 1;
                current
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// One connection tab; stable for the tab's life, across reconnects
    /// (each connect gets a new [`ConnectionId`]). Logged messages carry it.
    TabId(u32)
);

id_type!(
    /// One engine connection: a profile opened once. A reconnect keeps it; a
    /// new Connect from the same tab gets a new one, so late events of the
    /// old connection are told apart.
    ConnectionId(u64)
);

id_type!(
    /// One subscription row; stable across reconnects, echoed in SUBACK events.
    SubscriptionId(u32)
);

id_type!(
    /// One publish asked for by the user (composer, saved message, clear
    /// retained), echoed in its delivery events.
    RequestId(u64)
);

id_type!(
    /// One repeat / timed publish job.
    RepeatJobId(u64)
);

/// Who asked for a publish, echoed in its delivery events: a single
/// request, or message `n` of a repeat job (whose deliveries are counted
/// per job instead of replacing the composer's last result).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PublishId {
    /// A single publish.
    Request(RequestId),
    /// Message `message` (1-based) of a repeat job.
    Repeat {
        /// The job.
        job: RepeatJobId,
        /// Its message number.
        message: u64,
    },
    /// The Nth answer of a connection's device mocks.
    Mock(u64),
}

impl fmt::Display for PublishId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Request(request) => request.fmt(f),
            Self::Repeat { job, message } => write!(f, "{message} of repeat job {job}"),
            Self::Mock(answer) => write!(f, "mock answer {answer}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_hand_out_each_id_once_in_order() {
        let mut next = TabId(1);
        assert_eq!(next.take_next(), TabId(1));
        assert_eq!(next.take_next(), TabId(2));
        assert_eq!(next, TabId(3));
    }

    #[test]
    fn publish_ids_say_whose_they_are() {
        assert_eq!(PublishId::Request(RequestId(12)).to_string(), "12");
        let repeat = PublishId::Repeat { job: RepeatJobId(42), message: 7 };
        assert_eq!(repeat.to_string(), "7 of repeat job 42");
        assert_ne!(repeat, PublishId::Request(RequestId(42)));
    }
}
