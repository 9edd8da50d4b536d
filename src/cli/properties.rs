//! `-D COMMAND NAME VALUE`: MQTT 5 properties from the command line, as
//! mosquitto_pub/mosquitto_sub take them — `connect` properties (both
//! tools) go into the profile, `publish` properties (pub) onto each message.

use super::client::{ExitKind, Failure};
use topicscope::core::mqtt::{MessageProperties, ProtocolVersion};
use topicscope::core::profile::ConnectionProfile;
use topicscope::core::topic::validate_topic_name;

fn only_mqtt5(protocol: ProtocolVersion) -> Result<(), Failure> {
    if protocol == ProtocolVersion::V5 {
        Ok(())
    } else {
        Err(Failure::new(ExitKind::Usage, "-D sets MQTT 5 properties; this connection is MQTT 3.1.1 (-V mqttv5)"))
    }
}

/// Splits `-D` values (clap hands them over flattened) back into one
/// list per `-D`: COMMAND NAME VALUE, or COMMAND user-property KEY VALUE.
pub(crate) fn group_properties(values: &[String]) -> Vec<Vec<String>> {
    let mut groups = Vec::new();
    let mut rest = values;
    while !rest.is_empty() {
        let length = if rest.get(1).is_some_and(|name| name == "user-property") { 4 } else { 3 };
        let (group, tail) = rest.split_at(length.min(rest.len()));
        groups.push(group.to_vec());
        rest = tail;
    }
    groups
}

/// `-D publish NAME VALUE` arguments as MQTT 5 properties.
pub(crate) fn publish_properties(
    values: &[String],
    protocol: ProtocolVersion,
) -> Result<Option<MessageProperties>, Failure> {
    if values.is_empty() {
        return Ok(None);
    }
    let arguments = group_properties(values);
    if arguments.iter().all(|argument| argument.first().is_some_and(|command| command == "connect")) {
        return Ok(None);
    }
    only_mqtt5(protocol)?;
    let mut properties = MessageProperties::default();
    for argument in &arguments {
        let usage = |why: &str| Failure::new(ExitKind::Usage, format!("-D {}: {why}", argument.join(" ")));
        let [command, name, rest @ ..] = argument.as_slice() else { return Err(usage("expected COMMAND NAME VALUE")) };
        if command == "connect" {
            continue; // applied to the profile (connect_properties)
        }
        if command != "publish" {
            return Err(usage("pub sets connect and publish properties (-D connect|publish NAME VALUE)"));
        }
        match (name.as_str(), rest) {
            ("user-property", [key, value]) => properties.user_properties.push((key.clone(), value.clone())),
            ("user-property", _) => return Err(usage("a user property needs a key and a value")),
            (_, [value]) => match name.as_str() {
                "content-type" => properties.content_type = Some(value.clone()),
                "response-topic" => {
                    validate_topic_name(value).map_err(|error| usage(&error.to_string()))?;
                    properties.response_topic = Some(value.clone());
                }
                "correlation-data" => properties.correlation_data = Some(value.clone().into_bytes()),
                "message-expiry-interval" => {
                    let seconds = value.parse().map_err(|_| usage("expected a number of seconds"))?;
                    properties.message_expiry_interval = Some(seconds);
                }
                "payload-format-indicator" => match value.as_str() {
                    "0" | "1" => properties.payload_format_indicator = value.parse().ok(),
                    _ => return Err(usage("expected 0 (bytes) or 1 (UTF-8)")),
                },
                _ => return Err(usage("unknown publish property")),
            },
            _ => return Err(usage("expected one value")),
        }
    }
    Ok(Some(properties))
}

/// `-D connect NAME VALUE` arguments into the profile's MQTT 5 options;
/// `publish_allowed` says whether `-D publish …` may appear too (pub).
pub(crate) fn apply_connect_properties(
    values: &[String],
    profile: &mut ConnectionProfile,
    publish_allowed: bool,
) -> Result<(), Failure> {
    if values.is_empty() {
        return Ok(());
    }
    only_mqtt5(profile.protocol)?;
    let options = &mut profile.mqtt5;
    for argument in group_properties(values) {
        let usage = |why: &str| Failure::new(ExitKind::Usage, format!("-D {}: {why}", argument.join(" ")));
        let [command, name, rest @ ..] = argument.as_slice() else { return Err(usage("expected COMMAND NAME VALUE")) };
        match command.as_str() {
            "connect" => {}
            "publish" if publish_allowed => continue,
            _ if publish_allowed => {
                return Err(usage("pub sets connect and publish properties (-D connect|publish NAME VALUE)"));
            }
            _ => return Err(usage("sub sets connect properties (-D connect NAME VALUE)")),
        }
        let number = |value: &str, max: u64| -> Result<u64, Failure> {
            value
                .parse::<u64>()
                .ok()
                .filter(|number| *number <= max)
                .ok_or_else(|| usage(&format!("expected 0 to {max}")))
        };
        let short = |value: &str| number(value, u64::from(u16::MAX)).map(|value| value as u16);
        match (name.as_str(), rest) {
            ("user-property", [key, value]) => options.user_properties.push((key.clone(), value.clone())),
            ("user-property", _) => return Err(usage("a user property needs a key and a value")),
            (_, [value]) => match name.as_str() {
                "topic-alias-maximum" => options.topic_alias_maximum = Some(short(value)?),
                "receive-maximum" => match short(value)? {
                    0 => return Err(usage("expected 1 to 65535")),
                    maximum => options.receive_maximum = Some(maximum),
                },
                "session-expiry-interval" => {
                    options.session_expiry_secs = Some(number(value, u64::from(u32::MAX))? as u32);
                }
                "maximum-packet-size" => match number(value, 268_435_455)? {
                    size @ 128.. => profile.max_packet_size = size as u32,
                    _ => return Err(usage("expected 128 to 268435455")),
                },
                "request-problem-information" | "request-response-information" => {
                    let wanted = match value.as_str() {
                        "0" => false,
                        "1" => true,
                        _ => return Err(usage("expected 0 or 1")),
                    };
                    if name == "request-problem-information" {
                        options.request_problem_information = wanted;
                    } else {
                        options.request_response_information = wanted;
                    }
                }
                _ => return Err(usage("unknown connect property")),
            },
            _ => return Err(usage("expected one value")),
        }
    }
    Ok(())
}
