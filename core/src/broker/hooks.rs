//! rmqtt hooks: the broker log (connects, disconnects, refusals), message
//! counters, and the passwords, ACL and connection limit Topicscope enforces
//! itself.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::BrokerConfig;
use super::auth::{self, AccessControl, ConnectVerdict};
use super::monitor::{BrokerMonitor, LogLevel};

/// Logs connects, disconnects and refusals; counts messages; enforces
/// passwords and the ACL when configured.
pub(super) async fn register_hooks(
    scx: &rmqtt::context::ServerContext,
    config: &BrokerConfig,
    monitor: &BrokerMonitor,
    counters: &Arc<MessageCounters>,
    durable: &Arc<std::sync::OnceLock<super::durable::Durable>>,
    bridges: super::bridge::Bridges,
) {
    use rmqtt::hook::Type;
    let hooks = scx.extends.hook_mgr().register();
    let access = Arc::new(config.access.clone());
    let connected = Arc::new(AtomicUsize::new(0));
    let handler = || {
        Box::new(BrokerHooks {
            access: access.clone(),
            monitor: monitor.clone(),
            counters: counters.clone(),
            connected: connected.clone(),
            max_connections: config.max_connections,
            limits: config.limits.clone(),
            durable: durable.clone(),
            bridges: bridges.clone(),
        })
    };
    let mut types = vec![
        Type::MessagePublish,
        Type::MessageDropped,
        Type::ClientAuthenticate,
        Type::ClientConnected,
        Type::ClientDisconnected,
    ];
    if config.persistence.is_some() {
        types.extend([Type::MessageAcked, Type::SessionSubscribed, Type::SessionUnsubscribed, Type::SessionTerminated]);
    }
    // Only pay for the checks that are configured.
    if config.access.acl.is_some() {
        types.extend([Type::ClientSubscribeCheckAcl, Type::MessagePublishCheckAcl, Type::MessageExpiryCheck]);
    }
    for kind in types {
        hooks.add(kind, handler()).await;
    }
    hooks.start().await;
}

/// The broker's hook handler (one instance per hook type).
struct BrokerHooks {
    access: Arc<AccessControl>,
    monitor: BrokerMonitor,
    counters: Arc<MessageCounters>,
    /// Clients connected now (rmqtt's own max_connections only bounds a
    /// handshake queue, so the limit is enforced here).
    connected: Arc<AtomicUsize>,
    max_connections: usize,
    limits: super::limits::BrokerLimits,
    /// With persistence on: the journal every acknowledged change goes to.
    durable: Arc<std::sync::OnceLock<super::durable::Durable>>,
    /// Where messages on bridged `out` topics go.
    bridges: super::bridge::Bridges,
}

impl BrokerHooks {
    /// Holds the retained limits: false when a retained publish is past
    /// them, to be delivered as a live message but not kept (counted, and
    /// logged at the 1st, 10th, 100th… time).
    fn admit_retained(&self, client: &str, publish: &rmqtt::types::Publish) -> bool {
        use super::limits::RetainVerdict;
        let verdict = self.counters.retained.admit(&publish.topic, publish.payload.len(), &self.limits);
        if verdict == RetainVerdict::Keep {
            return true;
        }
        let count = self.counters.drops.retained_not_kept.fetch_add(1, Ordering::Relaxed) + 1;
        let digits = count.to_string();
        if digits.starts_with('1') && digits[1..].bytes().all(|digit| digit == b'0') {
            let limit = match verdict {
                RetainVerdict::OverBytes => format!(
                    "{} of retained payloads",
                    crate::payload::human_size(usize::try_from(self.limits.max_retained_bytes).unwrap_or(usize::MAX))
                ),
                _ => format!("{} retained topics", self.limits.max_retained_messages),
            };
            self.monitor.log(
                LogLevel::Warning,
                format!(
                    "{client}: retained message on {} delivered but not kept: the limit of {limit} is reached \
                     ({count} not kept so far)",
                    publish.topic
                ),
            );
        }
        false
    }
}

pub(super) fn protocol_label(level: u8) -> &'static str {
    match level {
        3 => "3.1",
        4 => "3.1.1",
        _ => "5.0",
    }
}

#[async_trait::async_trait]
impl rmqtt::hook::Handler for BrokerHooks {
    async fn hook(
        &self,
        param: &rmqtt::hook::Parameter,
        acc: Option<rmqtt::hook::HookResult>,
    ) -> rmqtt::hook::ReturnType {
        use rmqtt::hook::{HookResult, Parameter};
        use rmqtt::types::{AuthResult, PublishAclResult, SubscribeAclResult};
        match param {
            // From a client (system publishes such as $SYS have no session).
            Parameter::MessagePublish(Some(session), from, publish) => {
                self.counters.received.fetch_add(1, Ordering::Relaxed);
                self.counters.bytes_received.fetch_add(publish.payload.len(), Ordering::Relaxed);
                let user = session.id.username.as_ref().map(|name| name.as_ref());
                // What the ACL refuses is never kept: not the ledger's business.
                let writable = self.access.acl.as_ref().is_none_or(|acl| {
                    acl.allows(user, &session.id.client_id, publish.topic.as_ref(), auth::Access::Write)
                });
                let retain_kept = publish.retain && writable && self.admit_retained(&session.id.client_id, publish);
                if writable && let Some(durable) = self.durable.get() {
                    let may_read = |id: &rmqtt::types::Id, topic: &str| {
                        self.access.acl.as_ref().is_none_or(|acl| {
                            let reader = id.username.as_ref().map(|name| name.as_ref());
                            acl.allows(reader, &id.client_id, topic, auth::Access::Read)
                        })
                    };
                    durable.on_publish(from, publish, retain_kept, may_read).await;
                }
                if writable {
                    let qos = publish.qos as u8;
                    self.bridges.route(&self.monitor, publish.topic.as_ref(), &publish.payload, qos, publish.retain);
                }
                if publish.retain && writable && !retain_kept {
                    let mut live = (*publish).clone();
                    live.retain = false;
                    return (true, Some(HookResult::Publish(live)));
                }
            }
            Parameter::MessageDropped(to, from, publish, reason) => {
                self.counters.drops.count(reason);
                if let (Some(to), Some(durable)) = (to, self.durable.get()) {
                    durable.on_done(&to.client_id, from, publish).await;
                }
            }
            Parameter::MessageAcked(session, from, publish) => {
                if let Some(durable) = self.durable.get() {
                    durable.on_done(&session.id.client_id, from, publish).await;
                }
            }
            // Shared subscriptions too (their options name the group).
            Parameter::SessionSubscribed(session, subscribe) => {
                if let Some(durable) = self.durable.get() {
                    durable.on_subscribed(session, subscribe).await;
                }
            }
            Parameter::SessionUnsubscribed(session, unsubscribe) => {
                if let Some(durable) = self.durable.get() {
                    durable.on_unsubscribed(session, &unsubscribe.topic_filter).await;
                }
            }
            Parameter::SessionTerminated(session, _) => {
                if let Some(durable) = self.durable.get() {
                    durable.on_terminated(session).await;
                }
            }
            Parameter::ClientAuthenticate(info) => {
                let user = info.username().map(|name| name.as_ref());
                let from = info.ipaddress().map_or_else(String::new, |addr| format!(" from {addr}"));
                if self.connected.load(Ordering::Relaxed) >= self.max_connections {
                    self.monitor.log(
                        LogLevel::Warning,
                        format!(
                            "refused {}{from}: the limit of {} connections is reached",
                            info.id().client_id,
                            self.max_connections
                        ),
                    );
                    return (false, Some(HookResult::AuthResult(AuthResult::NotAuthorized)));
                }
                let verdict = self.access.check_connect(user, info.password().map(|p| p.as_ref()));
                let result = match verdict {
                    ConnectVerdict::Accept => AuthResult::Allow(false, None),
                    ConnectVerdict::BadCredentials => AuthResult::BadUsernameOrPassword,
                    ConnectVerdict::NotAuthorized => AuthResult::NotAuthorized,
                };
                if verdict != ConnectVerdict::Accept {
                    let why = match (verdict, user) {
                        (ConnectVerdict::NotAuthorized, _) => "anonymous clients are not allowed".to_owned(),
                        (_, Some(name)) => format!("bad user name or password (user {name})"),
                        (_, None) => "bad user name or password".to_owned(),
                    };
                    self.monitor.log(LogLevel::Warning, format!("refused {}{from}: {why}", info.id().client_id));
                }
                return (false, Some(HookResult::AuthResult(result)));
            }
            Parameter::ClientConnected(session) => {
                self.connected.fetch_add(1, Ordering::Relaxed);
                let details = match session.connect_info().await {
                    Ok(info) => format!(
                        " (MQTT {}, keep-alive {} s{}{})",
                        protocol_label(info.proto_ver()),
                        info.keep_alive(),
                        if info.clean_start() { ", clean start" } else { ", persistent session" },
                        info.username().map_or_else(String::new, |name| format!(", user {name}")),
                    ),
                    Err(_) => String::new(),
                };
                let from = session.id.remote_addr.map_or_else(String::new, |addr| format!(" from {addr}"));
                self.monitor.log(LogLevel::Info, format!("{} connected{from}{details}", session.id.client_id));
                if let Some(durable) = self.durable.get() {
                    durable.on_connected(session).await;
                }
            }
            Parameter::ClientDisconnected(session, reason) => {
                let _ = self.connected.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1));
                let (level, text) = describe_disconnect(reason);
                self.monitor.log(level, format!("{} {text}", session.id.client_id));
                if let Some(durable) = self.durable.get() {
                    durable.on_disconnected(session).await;
                }
            }
            Parameter::ClientSubscribeCheckAcl(session, subscribe) => {
                let user = session.id.username.as_ref().map(|name| name.as_ref());
                if let Some(acl) = &self.access.acl {
                    let filter: &str = subscribe.topic_filter.as_ref();
                    if acl.allows_subscription(user, &session.id.client_id, filter) {
                        let granted = SubscribeAclResult::new_success(subscribe.opts.qos(), None);
                        return (false, Some(HookResult::SubscribeAclResult(granted)));
                    }
                    self.monitor.log(
                        LogLevel::Warning,
                        format!("{}: subscription to {filter} refused by the ACL", session.id.client_id),
                    );
                    let refused = SubscribeAclResult::new_failure(rmqtt::codec::v5::SubscribeAckReason::NotAuthorized);
                    return (false, Some(HookResult::SubscribeAclResult(refused)));
                }
            }
            Parameter::MessagePublishCheckAcl(session, publish) => {
                let user = session.id.username.as_ref().map(|name| name.as_ref());
                if let Some(acl) = &self.access.acl {
                    let topic: &str = publish.topic.as_ref();
                    if acl.allows(user, &session.id.client_id, topic, auth::Access::Write) {
                        return (false, Some(HookResult::PublishAclResult(PublishAclResult::allow())));
                    }
                    self.monitor.log(
                        LogLevel::Warning,
                        format!("{}: publish to {topic} refused by the ACL", session.id.client_id),
                    );
                    let refused = PublishAclResult::rejected(false, Some("not authorised by the ACL".into()));
                    return (false, Some(HookResult::PublishAclResult(refused)));
                }
            }
            // Delivery: withhold what the receiver may not read (mosquitto's read check).
            Parameter::MessageExpiryCheck(session, _, publish) => {
                let user = session.id.username.as_ref().map(|name| name.as_ref());
                if let Some(acl) = &self.access.acl
                    && !acl.allows(user, &session.id.client_id, publish.topic.as_ref(), auth::Access::Read)
                {
                    return (false, Some(HookResult::MessageExpiry));
                }
            }
            _ => {}
        }
        (true, acc)
    }
}

/// How a disconnect reads in the broker log; rmqtt often reports several
/// reasons at once (e.g. DISCONNECT then the socket closing).
fn describe_disconnect(reason: &rmqtt::types::Reason) -> (LogLevel, String) {
    use rmqtt::types::Reason;
    fn flatten<'a>(reason: &'a Reason, into: &mut Vec<&'a Reason>) {
        match reason {
            Reason::Reasons(many) => many.iter().for_each(|one| flatten(one, into)),
            one => into.push(one),
        }
    }
    let mut reasons = Vec::new();
    flatten(reason, &mut reasons);
    if reasons.iter().any(|one| matches!(one, Reason::ConnectKicked(true))) {
        (LogLevel::Info, "disconnected from the broker panel".to_owned())
    } else if reasons.iter().any(|one| matches!(one, Reason::ConnectKicked(false))) {
        (LogLevel::Info, "taken over by a new connection with the same client id".to_owned())
    } else if reasons.iter().any(|one| matches!(one, Reason::ConnectDisconnect(_))) {
        (LogLevel::Info, "disconnected".to_owned())
    } else {
        (LogLevel::Warning, format!("connection lost: {reason}"))
    }
}

/// Messages (and their payload bytes) received from clients and sent to
/// them, as mosquitto's `$SYS/broker/messages/...` and `bytes/...` count them.
#[derive(Debug, Default)]
pub(super) struct MessageCounters {
    received: AtomicUsize,
    pub(super) bytes_received: AtomicUsize,
    /// Sent: counted by rmqtt's session as it writes them (vendor/rmqtt
    /// patch; a hook per delivery cost 8 % of the broker's time).
    pub(super) delivered: Arc<rmqtt::context::DeliveryCounters>,
    /// What the limits dropped.
    pub(super) drops: super::limits::DropCounters,
    /// The retained topics, for the retained limits.
    pub(super) retained: super::limits::RetainedLedger,
}

impl MessageCounters {
    pub(super) fn messages(&self) -> (usize, usize) {
        (self.received.load(Ordering::Relaxed), self.delivered.messages.load(Ordering::Relaxed))
    }
}
