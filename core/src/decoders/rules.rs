//! Which decoder a topic's payloads get: a profile's ordered table of topic
//! filter → decoder rules. The most specific matching filter wins, then the
//! order of the table; a built-in rule maps `spBv1.0/#` to Sparkplug B
//! unless the user's own rules say otherwise. Binary formats are never
//! guessed from content (that is how plain text became `{}` elsewhere):
//! only a rule makes a payload protobuf, Sparkplug B or an image.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::topic::{TopicError, topic_matches, validate_topic_filter};

/// Sparkplug B's topic namespace, decoded as Sparkplug B by default.
pub const SPARKPLUG_FILTER: &str = "spBv1.0/#";

/// How a payload is decoded and shown.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum PayloadDecoder {
    /// JSON when it parses, text when it is UTF-8, bytes otherwise (what
    /// every view did before decoder rules).
    #[default]
    Auto,
    /// UTF-8 text, shown as is.
    Text,
    /// A JSON document.
    Json,
    /// Bytes as hexadecimal.
    Hex,
    /// CBOR (RFC 8949).
    Cbor,
    /// MessagePack.
    MessagePack,
    /// A protobuf message of this fully qualified type (`pkg.Msg`) from the
    /// profile's schemas.
    Protobuf(String),
    /// A Sparkplug B payload (Eclipse Tahu's schema, shipped).
    SparkplugB,
    /// PNG, JPEG, GIF, WebP or BMP.
    Image,
    /// No decoding at all: the bytes as they came.
    Raw,
}

impl PayloadDecoder {
    /// Every decoder a user can pick besides a protobuf message type (those
    /// come from the loaded schemas), in the order menus list them.
    pub const CHOOSABLE: [PayloadDecoder; 9] = [
        Self::Auto,
        Self::Text,
        Self::Json,
        Self::Hex,
        Self::Cbor,
        Self::MessagePack,
        Self::SparkplugB,
        Self::Image,
        Self::Raw,
    ];

    /// The name used in the UI, the CLI and error badges.
    pub fn label(&self) -> String {
        match self {
            Self::Auto => "auto".into(),
            Self::Text => "text".into(),
            Self::Json => "JSON".into(),
            Self::Hex => "hex".into(),
            Self::Cbor => "CBOR".into(),
            Self::MessagePack => "MessagePack".into(),
            Self::Protobuf(message) => format!("protobuf {message}"),
            Self::SparkplugB => "Sparkplug B".into(),
            Self::Image => "image".into(),
            Self::Raw => "raw".into(),
        }
    }
}

/// One row of the table: payloads on topics matching `filter` are decoded
/// with `decoder`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecoderRule {
    /// An MQTT topic filter (wildcards allowed).
    pub filter: String,
    /// The decoder for matching topics.
    pub decoder: PayloadDecoder,
}

impl DecoderRule {
    /// A rule; the filter is checked by [`DecoderSettings::validate`].
    pub fn new(filter: impl Into<String>, decoder: PayloadDecoder) -> Self {
        Self { filter: filter.into(), decoder }
    }
}

/// A profile's decoding settings, saved in its RON file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DecoderSettings {
    /// The user's rules, in the order the editor lists them.
    pub rules: Vec<DecoderRule>,
    /// `.proto` files, folders of them (imports resolved across each
    /// folder) and descriptor sets (`protoc -o`), loaded at run time.
    pub proto_paths: Vec<std::path::PathBuf>,
    /// The built-in `spBv1.0/#` → Sparkplug B rule applies.
    pub sparkplug_builtin: bool,
}

impl Default for DecoderSettings {
    fn default() -> Self {
        Self { rules: Vec::new(), proto_paths: Vec::new(), sparkplug_builtin: true }
    }
}

/// A rule the table cannot use.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RuleError {
    /// Its filter is not a valid MQTT topic filter.
    #[error("decoder rule {row} ('{filter}'): {error}")]
    Filter {
        /// 1-based row in the table.
        row: usize,
        /// The filter as written.
        filter: String,
        /// Why it is invalid.
        error: TopicError,
    },
    /// A protobuf rule without a message type.
    #[error("decoder rule {row} ('{filter}'): choose the protobuf message type")]
    MissingMessageType {
        /// 1-based row in the table.
        row: usize,
        /// The filter as written.
        filter: String,
    },
}

impl DecoderSettings {
    /// Checks every rule, naming the first bad row.
    pub fn validate(&self) -> Result<(), RuleError> {
        for (index, rule) in self.rules.iter().enumerate() {
            let row = index + 1;
            validate_topic_filter(&rule.filter).map_err(|error| RuleError::Filter {
                row,
                filter: rule.filter.clone(),
                error,
            })?;
            if let PayloadDecoder::Protobuf(message) = &rule.decoder
                && message.trim().is_empty()
            {
                return Err(RuleError::MissingMessageType { row, filter: rule.filter.clone() });
            }
        }
        Ok(())
    }
}

/// How specific a filter is: more literal levels first, then no `#`, then
/// fewer `+`. Larger is more specific.
type Specificity = (usize, bool, std::cmp::Reverse<usize>);

fn specificity(filter: &str) -> Specificity {
    let mut literal = 0;
    let mut plus = 0;
    let mut hash = false;
    for level in filter.split('/') {
        match level {
            "+" => plus += 1,
            "#" => hash = true,
            _ => literal += 1,
        }
    }
    (literal, !hash, std::cmp::Reverse(plus))
}

/// The rule table in force for one connection: the user's rules, then the
/// rules the schemas declare (`option (mqtt_topic)`), then the built-in
/// Sparkplug rule. Earlier rows win ties of specificity.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DecoderTable {
    rules: Vec<DecoderRule>,
}

impl DecoderTable {
    /// The table for `settings` plus the rules found in the schemas.
    pub fn new(settings: &DecoderSettings, schema_rules: &[DecoderRule]) -> Self {
        let mut rules: Vec<DecoderRule> = settings.rules.clone();
        rules.extend(schema_rules.iter().cloned());
        if settings.sparkplug_builtin {
            rules.push(DecoderRule::new(SPARKPLUG_FILTER, PayloadDecoder::SparkplugB));
        }
        // Invalid filters never match (the editor names them).
        rules.retain(|rule| validate_topic_filter(&rule.filter).is_ok());
        Self { rules }
    }

    /// The decoder for payloads on `topic` (auto when no rule matches).
    pub fn decoder_for(&self, topic: &str) -> &PayloadDecoder {
        static AUTO: PayloadDecoder = PayloadDecoder::Auto;
        self.rule_for(topic).map_or(&AUTO, |rule| &rule.decoder)
    }

    /// The rule that decides `topic`, if any.
    pub fn rule_for(&self, topic: &str) -> Option<&DecoderRule> {
        let mut best: Option<(&DecoderRule, Specificity)> = None;
        for rule in self.rules.iter().filter(|rule| topic_matches(&rule.filter, topic)) {
            let rank = specificity(&rule.filter);
            if best.as_ref().is_none_or(|(_, best_rank)| rank > *best_rank) {
                best = Some((rule, rank));
            }
        }
        best.map(|(rule, _)| rule)
    }

    /// Every rule in force, in order.
    pub fn rules(&self) -> &[DecoderRule] {
        &self.rules
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rules: &[(&str, PayloadDecoder)], builtin: bool) -> DecoderTable {
        let settings = DecoderSettings {
            rules: rules.iter().map(|(filter, decoder)| DecoderRule::new(*filter, decoder.clone())).collect(),
            proto_paths: Vec::new(),
            sparkplug_builtin: builtin,
        };
        DecoderTable::new(&settings, &[])
    }

    #[test]
    fn the_most_specific_filter_wins_then_the_order() {
        let proto = |name: &str| PayloadDecoder::Protobuf(name.into());
        let rules = table(
            &[
                ("unit/#", PayloadDecoder::Json),
                ("unit/+/telemetry", proto("a.Telemetry")),
                ("unit/7/telemetry", PayloadDecoder::Hex),
                ("unit/+/telemetry", proto("b.Shadowed")),
                ("+/+/telemetry", PayloadDecoder::Cbor),
            ],
            true,
        );
        assert_eq!(rules.decoder_for("unit/3/telemetry"), &proto("a.Telemetry"));
        assert_eq!(rules.decoder_for("unit/7/telemetry"), &PayloadDecoder::Hex);
        assert_eq!(rules.decoder_for("unit/3/status"), &PayloadDecoder::Json);
        assert_eq!(rules.decoder_for("hall/3/telemetry"), &PayloadDecoder::Cbor);
        assert_eq!(rules.decoder_for("elsewhere"), &PayloadDecoder::Auto);
        // `#` loses to `+` at the same number of literal levels.
        let rules = table(&[("a/#", PayloadDecoder::Json), ("a/+", PayloadDecoder::Text)], false);
        assert_eq!(rules.decoder_for("a/b"), &PayloadDecoder::Text);
    }

    #[test]
    fn sparkplug_is_built_in_and_can_be_overridden_or_turned_off() {
        let topic = "spBv1.0/plant/NDATA/edge1";
        assert_eq!(table(&[], true).decoder_for(topic), &PayloadDecoder::SparkplugB);
        assert_eq!(table(&[("spBv1.0/#", PayloadDecoder::Raw)], true).decoder_for(topic), &PayloadDecoder::Raw);
        assert_eq!(table(&[("spBv1.0/plant/#", PayloadDecoder::Hex)], true).decoder_for(topic), &PayloadDecoder::Hex);
        assert_eq!(table(&[], false).decoder_for(topic), &PayloadDecoder::Auto);
        // `$` topics are not matched by a leading wildcard, as in MQTT.
        assert_eq!(table(&[("#", PayloadDecoder::Hex)], false).decoder_for("$SYS/x"), &PayloadDecoder::Auto);
    }

    #[test]
    fn bad_rules_are_named_by_row() {
        let settings = DecoderSettings {
            rules: vec![
                DecoderRule::new("ok/#", PayloadDecoder::Json),
                DecoderRule::new("bad/#/x", PayloadDecoder::Json),
            ],
            ..DecoderSettings::default()
        };
        let error = settings.validate().err().map(|error| error.to_string()).unwrap_or_default();
        assert!(error.starts_with("decoder rule 2 ('bad/#/x'): "), "{error}");
        let settings = DecoderSettings {
            rules: vec![DecoderRule::new("a", PayloadDecoder::Protobuf(" ".into()))],
            ..DecoderSettings::default()
        };
        assert_eq!(settings.validate(), Err(RuleError::MissingMessageType { row: 1, filter: "a".into() }));
    }

    #[test]
    fn settings_read_from_ron_keep_their_defaults() {
        let settings: DecoderSettings =
            ron::from_str("(rules: [(filter: \"a/+\", decoder: Protobuf(\"pkg.Msg\"))])").unwrap_or_default();
        assert_eq!(settings.rules, vec![DecoderRule::new("a/+", PayloadDecoder::Protobuf("pkg.Msg".into()))]);
        assert!(settings.sparkplug_builtin);
    }
}
