//! MQTT topic names and topic filters: validation and matching.
//!
//! These follow MQTT 3.1.1 §4.7 and MQTT 5.0 §4.7 exactly. They are our own
//! small functions (not the client crate's) so that the UI can refuse a bad
//! filter inline with the precise reason before anything reaches the wire.

use thiserror::Error;

/// The longest topic the protocol can encode (a two-byte length prefix).
pub const MAX_TOPIC_BYTES: usize = 65_535;

/// Why a topic name or topic filter is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TopicError {
    /// Both names and filters must contain at least one character.
    #[error("the topic is empty")]
    Empty,
    /// The encoded length does not fit the protocol's 16-bit length prefix.
    #[error("the topic is {0} bytes long; MQTT allows at most 65535")]
    TooLong(usize),
    /// U+0000 is forbidden in every MQTT string.
    #[error("the topic contains a NUL character")]
    ContainsNul,
    /// Publishing needs a concrete topic; wildcards only belong in filters.
    #[error("wildcard '{0}' is not allowed in a topic you publish to")]
    WildcardInName(char),
    /// `#` must be alone in the last level of a filter.
    #[error("'#' must be the last character and occupy a whole level (e.g. 'a/#')")]
    MisplacedMultiLevel,
    /// `+` must occupy a whole level of a filter.
    #[error("'+' must occupy a whole level (e.g. 'a/+/c'), not part of '{0}'")]
    MisplacedSingleLevel(String),
    /// `$share/{group}/{filter}` needs a group name and a filter.
    #[error("a shared subscription must look like '$share/group/filter'")]
    MalformedShared,
}

/// Checks a topic name that a client publishes to.
pub fn validate_topic_name(topic: &str) -> Result<(), TopicError> {
    check_common(topic)?;
    if let Some(wildcard) = topic.chars().find(|c| *c == '+' || *c == '#') {
        return Err(TopicError::WildcardInName(wildcard));
    }
    Ok(())
}

/// Checks a topic filter that a client subscribes with, including the
/// MQTT 5 shared-subscription form `$share/{group}/{filter}`.
pub fn validate_topic_filter(filter: &str) -> Result<(), TopicError> {
    check_common(filter)?;
    let filter = match filter.strip_prefix("$share/") {
        Some(rest) => {
            let (group, inner) = rest.split_once('/').ok_or(TopicError::MalformedShared)?;
            if group.is_empty() || group.contains(['+', '#']) || inner.is_empty() {
                return Err(TopicError::MalformedShared);
            }
            inner
        }
        None => filter,
    };
    let level_count = filter.split('/').count();
    for (index, level) in filter.split('/').enumerate() {
        if level.contains('#') && (level != "#" || index + 1 != level_count) {
            return Err(TopicError::MisplacedMultiLevel);
        }
        if level.contains('+') && level != "+" {
            return Err(TopicError::MisplacedSingleLevel(level.to_owned()));
        }
    }
    Ok(())
}

fn check_common(topic: &str) -> Result<(), TopicError> {
    if topic.is_empty() {
        return Err(TopicError::Empty);
    }
    if topic.len() > MAX_TOPIC_BYTES {
        return Err(TopicError::TooLong(topic.len()));
    }
    if topic.contains('\0') {
        return Err(TopicError::ContainsNul);
    }
    Ok(())
}

/// True when a (valid) filter matches a (valid) topic name.
///
/// Topics starting with `$` are not matched by a filter whose first level is
/// a wildcard (MQTT §4.7.2). A shared-subscription prefix is stripped first.
pub fn topic_matches(filter: &str, topic: &str) -> bool {
    let filter = shared_subscription_inner(filter);
    if topic.starts_with('$') && (filter.starts_with('+') || filter.starts_with('#')) {
        return false;
    }
    let mut topic_levels = topic.split('/');
    for filter_level in filter.split('/') {
        match filter_level {
            "#" => return true,
            "+" => {
                if topic_levels.next().is_none() {
                    return false;
                }
            }
            literal => match topic_levels.next() {
                Some(level) if level == literal => {}
                _ => return false,
            },
        }
    }
    topic_levels.next().is_none()
}

/// The filter a shared subscription applies, e.g. `a/+` for `$share/g/a/+`.
pub fn shared_subscription_inner(filter: &str) -> &str {
    filter.strip_prefix("$share/").and_then(|rest| rest.split_once('/')).map_or(filter, |(_, inner)| inner)
}

/// True when the filter contains `+` or `#`.
pub fn has_wildcards(filter: &str) -> bool {
    filter.contains(['+', '#'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_filters_from_the_spec() {
        for filter in [
            "sport/tennis/player1/#",
            "sport/#",
            "#",
            "+",
            "+/tennis/#",
            "sport/+/player1",
            "/+",
            "+/+",
            "/finance",
            "a//b",
            "$SYS/#",
            "$share/group/a/+",
            "a/b/c",
            "温度/+/湿度",
        ] {
            assert_eq!(validate_topic_filter(filter), Ok(()), "{filter}");
        }
    }

    #[test]
    fn invalid_filters_are_refused_with_a_reason() {
        assert_eq!(validate_topic_filter("a/#/b"), Err(TopicError::MisplacedMultiLevel));
        assert_eq!(validate_topic_filter("sport/tennis#"), Err(TopicError::MisplacedMultiLevel));
        assert_eq!(validate_topic_filter("a/b#"), Err(TopicError::MisplacedMultiLevel));
        assert_eq!(validate_topic_filter("a+"), Err(TopicError::MisplacedSingleLevel("a+".into())));
        assert_eq!(validate_topic_filter("sport+"), Err(TopicError::MisplacedSingleLevel("sport+".into())));
        assert_eq!(validate_topic_filter(""), Err(TopicError::Empty));
        assert_eq!(validate_topic_filter("a\0b"), Err(TopicError::ContainsNul));
        assert_eq!(validate_topic_filter("$share/g"), Err(TopicError::MalformedShared));
        assert_eq!(validate_topic_filter("$share//a"), Err(TopicError::MalformedShared));
        let long = "a".repeat(MAX_TOPIC_BYTES + 1);
        assert_eq!(validate_topic_filter(&long), Err(TopicError::TooLong(65_536)));
    }

    #[test]
    fn topic_names_refuse_wildcards() {
        assert_eq!(validate_topic_name("a/b"), Ok(()));
        assert_eq!(validate_topic_name("/"), Ok(()));
        assert_eq!(validate_topic_name("a/+"), Err(TopicError::WildcardInName('+')));
        assert_eq!(validate_topic_name("a/#"), Err(TopicError::WildcardInName('#')));
        assert_eq!(validate_topic_name(""), Err(TopicError::Empty));
    }

    #[test]
    fn matching_table_from_the_spec() {
        let cases = [
            ("sport/tennis/player1/#", "sport/tennis/player1", true),
            ("sport/tennis/player1/#", "sport/tennis/player1/ranking", true),
            ("sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon", true),
            ("sport/#", "sport", true),
            ("sport/tennis/+", "sport/tennis/player1", true),
            ("sport/tennis/+", "sport/tennis/player1/ranking", false),
            ("sport/+", "sport", false),
            ("sport/+", "sport/", true),
            ("+/+", "/finance", true),
            ("/+", "/finance", true),
            ("+", "/finance", false),
            ("#", "a/b/c", true),
            ("+/b", "a/b", true),
            ("a/b", "a/b", true),
            ("a/b", "a/b/c", false),
            ("a/b/c", "a/b", false),
            ("a//b", "a//b", true),
            ("a/+/b", "a//b", true),
            ("#", "$SYS/uptime", false),
            ("+/uptime", "$SYS/uptime", false),
            ("$SYS/#", "$SYS/uptime", true),
            ("$SYS/+", "$SYS/uptime", true),
            ("$share/g/a/+", "a/b", true),
            ("A/b", "a/b", false),
        ];
        for (filter, topic, expected) in cases {
            assert_eq!(topic_matches(filter, topic), expected, "{filter} vs {topic}");
        }
    }

    #[test]
    fn wildcard_detection() {
        assert!(has_wildcards("a/+"));
        assert!(has_wildcards("#"));
        assert!(!has_wildcards("a/b"));
        assert_eq!(shared_subscription_inner("$share/g/x/#"), "x/#");
        assert_eq!(shared_subscription_inner("x/#"), "x/#");
    }
}
