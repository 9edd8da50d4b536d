//! Shared subscriptions (`$share/group/filter`) for the embedded broker.

use std::sync::atomic::{AtomicUsize, Ordering};

/// `$share/{group}/{filter}`: each message goes to one member of the
/// group, taking online members in turn (rmqtt's built-in strategy reports
/// shared subscriptions as unsupported, so without this they get nothing).
#[derive(Debug, Default)]
pub(super) struct RoundRobinSharedSubscription {
    next: AtomicUsize,
}

#[async_trait::async_trait]
impl rmqtt::subscribe::SharedSubscription for RoundRobinSharedSubscription {
    fn is_supported(&self) -> bool {
        true
    }

    async fn choice(
        &self,
        _scx: &rmqtt::context::ServerContext,
        _group: &rmqtt::types::SharedGroup,
        _publisher: &rmqtt::types::Id,
        _topic: &rmqtt::types::TopicName,
        members: &[(
            rmqtt::types::NodeId,
            rmqtt::types::ClientId,
            rmqtt::types::SubscriptionOptions,
            Option<Vec<rmqtt::types::SubscriptionIdentifier>>,
            Option<rmqtt::types::IsOnline>,
        )],
    ) -> Option<(usize, rmqtt::types::IsOnline)> {
        if members.is_empty() {
            return None;
        }
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        let online = (0..members.len())
            .map(|offset| (start + offset) % members.len())
            .find(|index| members[*index].4.unwrap_or(true));
        // Nobody online: queue for one of them (a persistent session gets it later).
        Some(online.map_or((start % members.len(), false), |index| (index, true)))
    }
}
