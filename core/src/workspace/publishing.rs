//! Publishing from the active tab: the composer's message, a saved one,
//! clearing retained messages; what the last publish became.

use bytes::Bytes;
use chrono::Utc;
use thiserror::Error;

use super::Workspace;
use crate::compose::{self, ComposeError, DraftProperties, DraftText, PublishDraft};
use crate::engine::{Command, ConnectionState, DeliveryOutcome, PublishRequest};
use crate::ids::{ConnectionId, PublishId, RequestId};
use crate::mqtt::Qos;
use crate::payload::{PayloadError, PayloadFormat};
use crate::topic::{TopicError, validate_topic_name};

/// Why a publish was not sent.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PublishError {
    /// The topic is not a valid topic name.
    #[error("topic: {0}")]
    Topic(#[from] TopicError),
    /// The payload does not match its format.
    #[error("payload: {0}")]
    Payload(#[from] PayloadError),
    /// A placeholder cannot be filled.
    #[error("{0}")]
    Template(ComposeError),
    /// There is no live connection.
    #[error("not connected")]
    NotConnected,
    /// The message to publish again has left the log.
    #[error("that message is no longer in the log")]
    MessageGone,
    /// The JSON does not fit the protobuf type the topic's rule names.
    #[error("{0}")]
    Encode(String),
}

impl From<ComposeError> for PublishError {
    fn from(error: ComposeError) -> Self {
        match error {
            ComposeError::Topic(error) => Self::Topic(error),
            ComposeError::Payload(error) => Self::Payload(error),
            template => Self::Template(template),
        }
    }
}

/// The last publish and how far it got, for the composer's status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryReport {
    /// The request id.
    pub request: RequestId,
    /// Topic it went to.
    pub topic: String,
    /// QoS it was sent with.
    pub qos: Qos,
    /// Latest outcome (None while still queued).
    pub outcome: Option<DeliveryOutcome>,
    /// PUBLISH written → latest acknowledgement, measured in the engine.
    pub round_trip: Option<std::time::Duration>,
}

impl Workspace {
    /// Validates the active tab's composer and returns the commands to
    /// send: the publish, after a subscription to the response topic when
    /// it is a request nothing subscribed to yet.
    pub fn publish(&mut self) -> Result<Vec<Command>, PublishError> {
        let connection = self.connected_connection()?;
        // Exactly what the preview shows (rendered now if it was not shown).
        let resolved = match self.active_tab_mut().refresh_preview(Utc::now()) {
            Some(preview) => preview.result.clone()?,
            None => self.resolve(&self.active_tab().draft)?,
        };
        let draft = self.active_tab().draft.clone();
        let resolved = self.encode_for_rule(&draft, resolved)?;
        Ok(self.publish_resolved(connection, draft, resolved))
    }

    /// The protobuf type the active tab's rules bind to the composer's
    /// topic, when its payload is JSON (the JSON is encoded into it).
    pub fn draft_protobuf_type(&self) -> Option<String> {
        let tab = self.active_tab();
        if tab.draft.format != crate::payload::PayloadFormat::Json {
            return None;
        }
        match tab.decoding.decoders().decoder_for(&tab.draft.topic) {
            crate::decoders::PayloadDecoder::Protobuf(message_type) => Some(message_type.clone()),
            _ => None,
        }
    }

    /// A JSON draft to a topic bound to a protobuf type goes out encoded
    /// (and no longer says it is UTF-8).
    fn encode_for_rule(
        &self,
        draft: &PublishDraft,
        mut resolved: compose::ResolvedMessage,
    ) -> Result<compose::ResolvedMessage, PublishError> {
        if draft.format != crate::payload::PayloadFormat::Json {
            return Ok(resolved);
        }
        let decoders = self.active_tab().decoding.decoders();
        let crate::decoders::PayloadDecoder::Protobuf(message_type) = decoders.decoder_for(&resolved.topic) else {
            return Ok(resolved);
        };
        resolved.payload = decoders
            .schemas()
            .encode_json(message_type, &resolved.payload_text)
            .map_err(|error| PublishError::Encode(error.to_string()))?;
        if let Some(properties) = resolved.properties.as_mut() {
            properties.payload_format_indicator = None;
        }
        Ok(resolved)
    }

    /// Publishes a saved message as the composer would (placeholders
    /// filled, counted and kept in the history) without touching the
    /// composer.
    pub fn publish_draft(&mut self, draft: &PublishDraft) -> Result<Vec<Command>, PublishError> {
        let connection = self.connected_connection()?;
        let resolved = self.resolve(draft)?;
        let resolved = self.encode_for_rule(draft, resolved)?;
        Ok(self.publish_resolved(connection, draft.clone(), resolved))
    }

    /// Publishes a message of the log again from the active tab, exactly
    /// as it was (same bytes, QoS, retain and MQTT 5 properties; no
    /// placeholders are filled), and keeps it in the composer's history.
    pub fn publish_again(&mut self, seq: u64) -> Result<Vec<Command>, PublishError> {
        let connection = self.connected_connection()?;
        let message = self.store.get(seq).ok_or(PublishError::MessageGone)?;
        let draft = crate::message_actions::draft_from_message(&message);
        let properties = message.properties.map(|sent| crate::mqtt::MessageProperties {
            // Set by the broker for the subscriber, never by a publisher.
            subscription_identifiers: Vec::new(),
            ..sent.clone()
        });
        let resolved = compose::ResolvedMessage {
            topic: message.topic.to_owned(),
            payload_text: String::from_utf8_lossy(message.payload).into_owned(),
            payload: message.payload.to_vec(),
            properties: properties.filter(|properties| !properties.is_empty()),
        };
        Ok(self.publish_resolved(connection, draft, resolved))
    }

    /// The active tab's connection, if it is connected.
    pub(super) fn connected_connection(&self) -> Result<ConnectionId, PublishError> {
        let tab = self.active_tab();
        match (&tab.state, tab.connection) {
            (ConnectionState::Connected { .. }, Some(connection)) => Ok(connection),
            _ => Err(PublishError::NotConnected),
        }
    }

    /// A draft rendered for the next message of the active tab.
    fn resolve(&self, draft: &PublishDraft) -> Result<compose::ResolvedMessage, ComposeError> {
        let text = draft.text();
        let tab = self.active_tab();
        let variables = tab.profile.variables_map();
        compose::resolve(&text, &variables, tab.published + 1, Utc::now(), &mut rand::rng())
    }

    fn publish_resolved(
        &mut self,
        connection: ConnectionId,
        draft: PublishDraft,
        resolved: compose::ResolvedMessage,
    ) -> Vec<Command> {
        let (qos, retain) = (draft.qos, draft.retain);
        let mut commands = Vec::with_capacity(2);
        let request_parts =
            resolved.properties.as_ref().filter(|_| draft.properties.await_response).and_then(|properties| {
                Some((properties.response_topic.clone()?, properties.correlation_data.clone()?))
            });
        let id = self.next_request.take_next();
        let topic = resolved.topic;
        let tab = self.active_tab_mut();
        tab.published += 1;
        tab.preview = None;
        tab.history.record(draft, topic.clone(), Utc::now());
        tab.last_delivery =
            Some(DeliveryReport { request: id, topic: topic.clone(), qos, outcome: None, round_trip: None });
        if let Some((response_topic, correlation)) = request_parts {
            if self.active_tab().subscription_for(&response_topic).is_none()
                && let Ok(Some(subscribe)) = self.subscribe(&response_topic, Qos::AtLeastOnce)
            {
                commands.push(subscribe);
            }
            self.active_tab_mut().requests.track(id, response_topic, correlation);
        }
        commands.push(Command::Publish {
            connection,
            request: PublishRequest {
                id: PublishId::Request(id),
                topic,
                payload: Bytes::from(resolved.payload),
                qos,
                retain,
                properties: resolved.properties.map(Box::new),
            },
        });
        commands
    }

    /// Publishes empty retained messages (QoS 1) to clear these topics'
    /// retained messages on the active tab's broker.
    pub fn clear_retained(&mut self, topics: &[String]) -> Result<Vec<Command>, PublishError> {
        let connection = self.connected_connection()?;
        let mut commands = Vec::with_capacity(topics.len());
        for topic in topics {
            validate_topic_name(topic)?;
            let id = self.next_request.take_next();
            commands.push(Command::Publish {
                connection,
                request: PublishRequest {
                    id: PublishId::Request(id),
                    topic: topic.clone(),
                    payload: Bytes::new(),
                    qos: Qos::AtLeastOnce,
                    retain: true,
                    properties: None,
                },
            });
            self.active_tab_mut().tree.mark_cleared(topic);
        }
        Ok(commands)
    }

    /// Clears the retained message on the composer's topic (placeholders
    /// filled): an empty retained publish at QoS 1.
    pub fn clear_retained_on_draft_topic(&mut self) -> Result<Command, PublishError> {
        let tab = self.active_tab();
        let variables = tab.profile.variables_map();
        let no_properties = DraftProperties::default();
        let draft =
            DraftText { payload: "", format: PayloadFormat::Text, properties: &no_properties, ..tab.draft_text() };
        let topic = compose::resolve(&draft, &variables, tab.published + 1, Utc::now(), &mut rand::rng())?.topic;
        let mut commands = self.clear_retained(std::slice::from_ref(&topic))?;
        let command = commands.pop().ok_or(PublishError::NotConnected)?;
        if let Command::Publish { request: PublishRequest { id: PublishId::Request(request), .. }, .. } = &command {
            self.active_tab_mut().last_delivery = Some(DeliveryReport {
                request: *request,
                topic,
                qos: Qos::AtLeastOnce,
                outcome: None,
                round_trip: None,
            });
        }
        Ok(command)
    }
}
