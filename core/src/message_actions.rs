//! What a user does with a message already in the log: load it into the
//! composer to edit and publish (or publish it again as it was), or copy
//! the `mosquitto_pub` command that sends it again from a terminal.

use crate::compose::{DraftProperties, PublishDraft};
use crate::mqtt::{ProtocolVersion, Qos};
use crate::payload::{PayloadFormat, render_in_format, validate_json};
use crate::profile::{ConnectionProfile, PasswordSource, TransportKind};
use crate::store::StoredMessage;

/// Why no `mosquitto_pub` command can send a message to a profile's broker.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    /// mosquitto_pub speaks MQTT over TCP and TLS only.
    #[error("mosquitto_pub cannot connect over WebSocket (this profile's transport)")]
    WebSocket,
}

/// The message as a composer draft, exactly as it went over the wire:
/// topic, payload (JSON or text as typed, anything else as hex), QoS,
/// retain and its MQTT 5 properties.
pub fn draft_from_message(message: &StoredMessage<'_>) -> PublishDraft {
    let (payload, format) = match std::str::from_utf8(message.payload) {
        Ok(text) if !text.trim().is_empty() && validate_json(text).is_ok() => (text.to_owned(), PayloadFormat::Json),
        Ok(text) => (text.to_owned(), PayloadFormat::Text),
        Err(_) => (render_in_format(message.payload, PayloadFormat::Hex), PayloadFormat::Hex),
    };
    let mut properties = DraftProperties::default();
    if let Some(sent) = message.properties {
        properties.content_type = sent.content_type.clone().unwrap_or_default();
        properties.response_topic = sent.response_topic.clone().unwrap_or_default();
        properties.correlation_data =
            sent.correlation_data.as_deref().map(|data| String::from_utf8_lossy(data).into_owned()).unwrap_or_default();
        properties.message_expiry_secs = sent.message_expiry_interval;
        properties.payload_is_utf8 = sent.payload_format_indicator == Some(1);
        properties.user_properties = sent.user_properties.clone();
    }
    PublishDraft {
        topic: message.topic.to_owned(),
        payload,
        format,
        qos: message.qos,
        retain: message.retain,
        properties,
    }
}

/// A `mosquitto_pub` command line that publishes the message again to the
/// profile's broker: same topic, bytes, QoS, retain and MQTT 5 properties.
/// Binary payloads are piped in with `printf`. The password is never
/// written out: the command reads it from `$MQTT_PASSWORD`.
pub fn mosquitto_pub_command(profile: &ConnectionProfile, message: &StoredMessage<'_>) -> Result<String, CommandError> {
    if matches!(profile.transport, TransportKind::WebSocket | TransportKind::WebSocketTls) {
        return Err(CommandError::WebSocket);
    }
    let mut args: Vec<String> = vec!["mosquitto_pub".into()];
    let arg = |args: &mut Vec<String>, flag: &str, value: Option<&str>| {
        args.push(flag.to_owned());
        if let Some(value) = value {
            args.push(quote(value));
        }
    };
    arg(&mut args, "-h", Some(&profile.host));
    arg(&mut args, "-p", Some(&profile.port.to_string()));
    if profile.protocol == ProtocolVersion::V5 {
        arg(&mut args, "-V", Some("mqttv5"));
    }
    if !profile.username.is_empty() {
        arg(&mut args, "-u", Some(&profile.username));
        if profile.password_source != PasswordSource::NotSaved || !profile.password.is_empty() {
            args.push("-P".into());
            args.push("\"$MQTT_PASSWORD\"".into());
        }
    }
    if profile.transport == TransportKind::Tls {
        let tls = &profile.tls;
        match &tls.ca_file {
            Some(ca) => arg(&mut args, "--cafile", Some(&ca.display().to_string())),
            None => arg(&mut args, "--capath", Some("/etc/ssl/certs")),
        }
        if let Some(cert) = &tls.client_certificate_file {
            arg(&mut args, "--cert", Some(&cert.display().to_string()));
        }
        if let Some(key) = &tls.client_key_file {
            arg(&mut args, "--key", Some(&key.display().to_string()));
        }
        if tls.dangerously_accept_invalid_certificates {
            arg(&mut args, "--insecure", None);
        }
    }
    arg(&mut args, "-t", Some(message.topic));
    if message.qos != Qos::AtMostOnce {
        arg(&mut args, "-q", Some(&message.qos.level().to_string()));
    }
    if message.retain {
        arg(&mut args, "-r", None);
    }
    if profile.protocol == ProtocolVersion::V5
        && let Some(properties) = message.properties
    {
        let property = |args: &mut Vec<String>, name: &str, value: &str| {
            args.extend(["-D".to_owned(), "publish".to_owned(), name.to_owned(), quote(value)]);
        };
        if let Some(value) = &properties.content_type {
            property(&mut args, "content-type", value);
        }
        if let Some(value) = &properties.response_topic {
            property(&mut args, "response-topic", value);
        }
        if let Some(value) = &properties.correlation_data {
            property(&mut args, "correlation-data", &String::from_utf8_lossy(value));
        }
        if let Some(value) = properties.message_expiry_interval {
            property(&mut args, "message-expiry-interval", &value.to_string());
        }
        if let Some(value) = properties.payload_format_indicator {
            property(&mut args, "payload-format-indicator", &value.to_string());
        }
        for (key, value) in &properties.user_properties {
            args.extend(["-D".into(), "publish".into(), "user-property".into(), quote(key), quote(value)]);
        }
    }
    let payload = message.payload;
    let text = std::str::from_utf8(payload).ok().filter(|text| !text.contains('\0'));
    Ok(match text {
        _ if payload.is_empty() => {
            args.push("-n".into());
            args.join(" ")
        }
        Some(text) => {
            args.push("-m".into());
            args.push(quote(text));
            args.join(" ")
        }
        None => {
            args.push("-s".into());
            format!("printf '{}' | {}", printf_escaped(payload), args.join(" "))
        }
    })
}

/// Quotes one word for a POSIX shell (single quotes where needed).
fn quote(word: &str) -> String {
    // try_quote refuses only words with a NUL byte, which no topic,
    // path or UTF-8 payload shown here contains.
    shlex::try_quote(word).map_or_else(|_| format!("'{}'", word.replace('\'', r"'\''")), |quoted| quoted.into_owned())
}

/// Bytes as a printf format that prints exactly them: printable ASCII as
/// is, everything else (and `\`, `%`, `'`) as a three-digit octal escape.
fn printf_escaped(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        if byte.is_ascii_graphic() && !matches!(byte, b'\\' | b'%' | b'\'') || *byte == b' ' {
            out.push(char::from(*byte));
        } else {
            out.push_str(&format!("\\{byte:03o}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::TabId;
    use crate::mqtt::{Direction, MessageProperties};

    fn message<'a>(topic: &'a str, payload: &'a [u8], properties: Option<&'a MessageProperties>) -> StoredMessage<'a> {
        StoredMessage {
            seq: 0,
            tab: TabId(1),
            time: chrono::Utc::now(),
            direction: Direction::Incoming,
            topic,
            payload,
            qos: Qos::AtLeastOnce,
            retain: true,
            subscription: None,
            properties,
        }
    }

    #[test]
    fn quoted_words_and_printf_escapes_come_back_exactly_from_a_real_shell() {
        let words = ["it's", "$HOME `id` \\ \"q\" !x", "line\nbreak", "*?[a]", "", "温度 ℃"];
        for word in words {
            let out = std::process::Command::new("sh").arg("-c").arg(format!("printf '%s' {}", quote(word))).output();
            let out = out.map(|out| out.stdout).unwrap_or_default();
            assert_eq!(String::from_utf8_lossy(&out), word, "{}", quote(word));
        }
        let bytes: Vec<u8> = (0..=255).collect();
        let out =
            std::process::Command::new("sh").arg("-c").arg(format!("printf '{}'", printf_escaped(&bytes))).output();
        assert_eq!(out.map(|out| out.stdout).unwrap_or_default(), bytes, "every byte value comes back");
    }

    #[test]
    fn drafts_keep_json_text_binary_and_properties() {
        let properties = MessageProperties {
            content_type: Some("application/json".into()),
            response_topic: Some("replies/1".into()),
            correlation_data: Some(b"abc".to_vec()),
            message_expiry_interval: Some(30),
            payload_format_indicator: Some(1),
            user_properties: vec![("site".into(), "plant 7".into())],
            subscription_identifiers: vec![3],
        };
        let json = draft_from_message(&message("a/b", br#"{"t": 1}"#, Some(&properties)));
        assert_eq!(
            (json.topic.as_str(), json.payload.as_str(), json.format),
            ("a/b", r#"{"t": 1}"#, PayloadFormat::Json)
        );
        assert_eq!((json.qos, json.retain), (Qos::AtLeastOnce, true));
        assert_eq!(json.properties.content_type, "application/json");
        assert_eq!(json.properties.correlation_data, "abc");
        assert_eq!(json.properties.message_expiry_secs, Some(30));
        assert!(json.properties.payload_is_utf8);
        assert_eq!(json.properties.user_properties, vec![("site".to_owned(), "plant 7".to_owned())]);
        let text = draft_from_message(&message("a", b"on", None));
        assert_eq!((text.payload.as_str(), text.format), ("on", PayloadFormat::Text));
        let binary = draft_from_message(&message("a", &[0, 0xff, 0x41], None));
        assert_eq!((binary.payload.as_str(), binary.format), ("00 ff 41", PayloadFormat::Hex));
    }

    #[test]
    fn commands_quote_what_the_shell_would_split_and_never_hold_the_password() {
        let profile = ConnectionProfile {
            host: "broker.local".into(),
            port: 1884,
            protocol: ProtocolVersion::V5,
            username: "alice".into(),
            password: "secret".into(),
            ..ConnectionProfile::default()
        };
        let properties = MessageProperties { user_properties: vec![("k".into(), "v w".into())], ..Default::default() };
        let command = mosquitto_pub_command(&profile, &message("it's/here", b"a b", Some(&properties)));
        assert_eq!(
            command.as_deref(),
            Ok(
                "mosquitto_pub -h broker.local -p 1884 -V mqttv5 -u alice -P \"$MQTT_PASSWORD\" -t \"it's/here\" -q 1 -r -D publish user-property k 'v w' -m 'a b'"
            )
        );
        assert!(command.is_ok_and(|command| !command.contains("secret")));
        let binary = mosquitto_pub_command(&ConnectionProfile::default(), &message("t", &[0, b'%', b'A', 0xff], None));
        assert!(binary.is_ok_and(|command| command.starts_with("printf '\\000\\045A\\377' | mosquitto_pub ")));
        let websocket = ConnectionProfile { transport: TransportKind::WebSocket, ..ConnectionProfile::default() };
        assert_eq!(mosquitto_pub_command(&websocket, &message("t", b"1", None)), Err(CommandError::WebSocket));
    }
}
