//! The MQTT 5 topic aliases a broker defines towards us, checked against
//! the spec: an alias is 1..=the Topic Alias Maximum we announced, and an
//! alias without a topic must have been defined earlier on this network
//! connection. rumqttc hands aliased publishes over with an empty topic and,
//! on a violation, neither reports it nor closes the connection — so the
//! engine keeps its own bounded map and names the broker's mistake.

use std::collections::HashMap;

use bytes::Bytes;
use rumqttc::v5::mqttbytes::v5 as v5p;
use thiserror::Error;

/// How a broker misused a topic alias, in the words the user reads.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AliasViolation {
    /// Alias 0 is forbidden by MQTT 5 (3.3.2.3.4).
    #[error("the broker used topic alias 0, which MQTT 5 forbids")]
    Zero,
    /// We announced a Topic Alias Maximum of 0 (or none).
    #[error("the broker used topic alias {0}, but this connection allows no topic aliases")]
    NoneAllowed(u16),
    /// Above the maximum we announced.
    #[error("the broker used topic alias {alias}, but this connection allows at most {maximum}")]
    AboveMaximum {
        /// The alias the broker sent.
        alias: u16,
        /// The Topic Alias Maximum we announced in CONNECT.
        maximum: u16,
    },
    /// An alias with an empty topic that was never given a topic.
    #[error("the broker used topic alias {0}, which it never defined on this connection")]
    Undefined(u16),
}

/// Aliases for one network connection; at most `maximum` entries, so a
/// broker cannot grow it beyond what we announced.
#[derive(Debug, Clone, Default)]
pub struct TopicAliases {
    maximum: u16,
    topics: HashMap<u16, Bytes>,
}

impl TopicAliases {
    /// A map for a connection that announced `maximum` (0: no aliases).
    pub fn new(maximum: u16) -> Self {
        Self { maximum, topics: HashMap::new() }
    }

    /// Forgets every alias (a new network connection starts empty).
    pub fn clear(&mut self) {
        self.topics.clear();
    }

    /// How many aliases are defined now.
    pub fn len(&self) -> usize {
        self.topics.len()
    }

    /// Whether no alias is defined.
    pub fn is_empty(&self) -> bool {
        self.topics.is_empty()
    }

    /// Learns or applies the alias of an incoming PUBLISH (filling in its
    /// topic), and forgets all aliases on a new CONNACK.
    pub fn resolve(&mut self, event: &mut rumqttc::v5::Event) -> Result<(), AliasViolation> {
        match event {
            rumqttc::v5::Event::Incoming(v5p::Packet::ConnAck(_)) => {
                self.clear();
                Ok(())
            }
            rumqttc::v5::Event::Incoming(v5p::Packet::Publish(publish)) => {
                let Some(alias) = publish.properties.as_ref().and_then(|properties| properties.topic_alias) else {
                    return Ok(());
                };
                self.check(alias)?;
                if publish.topic.is_empty() {
                    let topic = self.topics.get(&alias).ok_or(AliasViolation::Undefined(alias))?;
                    publish.topic = topic.clone();
                } else {
                    self.topics.insert(alias, publish.topic.clone());
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn check(&self, alias: u16) -> Result<(), AliasViolation> {
        if alias == 0 {
            Err(AliasViolation::Zero)
        } else if self.maximum == 0 {
            Err(AliasViolation::NoneAllowed(alias))
        } else if alias > self.maximum {
            Err(AliasViolation::AboveMaximum { alias, maximum: self.maximum })
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn publish(topic: &str, alias: Option<u16>) -> rumqttc::v5::Event {
        let properties = alias.map(|alias| v5p::PublishProperties { topic_alias: Some(alias), ..Default::default() });
        rumqttc::v5::Event::Incoming(v5p::Packet::Publish(v5p::Publish::new(
            topic,
            rumqttc::v5::mqttbytes::QoS::AtMostOnce,
            "x",
            properties,
        )))
    }

    fn topic_of(event: &rumqttc::v5::Event) -> &[u8] {
        match event {
            rumqttc::v5::Event::Incoming(v5p::Packet::Publish(publish)) => &publish.topic,
            _ => &[],
        }
    }

    #[test]
    fn a_defined_alias_fills_in_the_topic() {
        let mut aliases = TopicAliases::new(4);
        aliases.resolve(&mut publish("a/b", Some(2))).unwrap();
        let mut later = publish("", Some(2));
        aliases.resolve(&mut later).unwrap();
        assert_eq!(topic_of(&later), b"a/b");
        // Redefining replaces; the map never holds more than the maximum.
        aliases.resolve(&mut publish("c", Some(2))).unwrap();
        for alias in 1..=4 {
            aliases.resolve(&mut publish("t", Some(alias))).unwrap();
        }
        assert_eq!(aliases.len(), 4);
    }

    #[test]
    fn violations_are_named() {
        let mut aliases = TopicAliases::new(4);
        assert_eq!(aliases.resolve(&mut publish("a", Some(0))), Err(AliasViolation::Zero));
        assert_eq!(
            aliases.resolve(&mut publish("a", Some(5))),
            Err(AliasViolation::AboveMaximum { alias: 5, maximum: 4 })
        );
        assert_eq!(aliases.resolve(&mut publish("", Some(3))), Err(AliasViolation::Undefined(3)));
        assert_eq!(TopicAliases::new(0).resolve(&mut publish("a", Some(1))), Err(AliasViolation::NoneAllowed(1)));
        // No alias at all is fine whatever the maximum.
        assert_eq!(TopicAliases::new(0).resolve(&mut publish("a", None)), Ok(()));
    }

    #[test]
    fn a_new_connack_forgets_the_aliases() {
        let mut aliases = TopicAliases::new(4);
        aliases.resolve(&mut publish("a", Some(1))).unwrap();
        let mut connack = rumqttc::v5::Event::Incoming(v5p::Packet::ConnAck(v5p::ConnAck {
            session_present: false,
            code: v5p::ConnectReturnCode::Success,
            properties: None,
        }));
        aliases.resolve(&mut connack).unwrap();
        assert!(aliases.is_empty());
        assert_eq!(aliases.resolve(&mut publish("", Some(1))), Err(AliasViolation::Undefined(1)));
    }
}
