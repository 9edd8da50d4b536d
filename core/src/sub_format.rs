//! `topicscope sub -F`: mosquitto_sub's output format strings, so scripts
//! written for mosquitto_sub print the same bytes. `%` sequences are the
//! message's fields (with mosquitto's flags, width and precision), `@`
//! sequences go to strftime (plus `@N` for nanoseconds), `\` sequences are
//! control characters. A format is checked once, before connecting; an
//! unknown sequence is an error naming its position.

use std::borrow::Cow;
use std::fmt::Write as _;

use chrono::format::{Item, StrftimeItems};
use chrono::{DateTime, Local, Utc};
use thiserror::Error;

use crate::mqtt::IncomingMessage;

/// Why one message cannot be printed in the chosen format.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RenderError {
    /// `%J` needs a JSON payload (mosquitto_sub says the same).
    #[error("message payload is not valid JSON on topic {topic}")]
    PayloadNotJson {
        /// The message's topic.
        topic: String,
    },
}

/// Why a format string cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FormatError {
    /// The string ends inside a sequence.
    #[error("-F: incomplete sequence at the end of the format")]
    Incomplete,
    /// A `%` sequence mosquitto_sub does not define.
    #[error("-F: unknown field '%{0}' at position {1}")]
    UnknownField(char, usize),
    /// A `@` sequence strftime does not know.
    #[error("-F: unknown time sequence '@{0}' at position {1}")]
    UnknownTime(char, usize),
    /// A field width beyond [`MAX_FIELD_WIDTH`] (it would pad each
    /// message with gigabytes).
    #[error("-F: the width at position {1} is {0}; at most {max} is allowed", max = MAX_FIELD_WIDTH)]
    TooWide(String, usize),
    /// A `\` sequence that is not one of \\ \0 \a \e \n \r \t \v.
    #[error("-F: unknown escape '\\{0}' at position {1}")]
    UnknownEscape(char, usize),
}

/// Which message field a `%` sequence prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    TopicAlias,
    ContentType,
    CorrelationData,
    MessageExpiry,
    PayloadFormat,
    IsoTime,
    Json,
    JsonPayload,
    Length,
    MessageId,
    UserProperties,
    Payload,
    Qos,
    ResponseTopic,
    Retain,
    SubscriptionId,
    Topic,
    UnixTime,
    HexLower,
    HexUpper,
}

/// Padding and truncation of one field (`%-08.5t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Spec {
    left: bool,
    zero: bool,
    width: usize,
    max: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Literal(Vec<u8>),
    Field(Field, Spec),
    /// A strftime specifier ("%Y"), checked when parsed.
    Time(String),
    Nanos,
}

/// A parsed `-F` format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFormat {
    pieces: Vec<Piece>,
}

impl OutputFormat {
    /// Parses a format the way mosquitto_sub reads it.
    pub fn parse(text: &str) -> Result<Self, FormatError> {
        let chars: Vec<char> = text.chars().collect();
        let mut pieces = Vec::new();
        let mut literal = String::new();
        let mut i = 0;
        let flush = |literal: &mut String, pieces: &mut Vec<Piece>| {
            if !literal.is_empty() {
                pieces.push(Piece::Literal(std::mem::take(literal).into_bytes()));
            }
        };
        while i < chars.len() {
            let position = i + 1;
            match chars[i] {
                '%' => {
                    i += 1;
                    let mut spec = Spec::default();
                    while let Some(flag @ ('-' | '0')) = chars.get(i) {
                        if *flag == '-' {
                            spec.left = true;
                        } else {
                            spec.zero = true;
                        }
                        i += 1;
                    }
                    let width_at = i;
                    spec.width = digits(&chars, &mut i).unwrap_or(0);
                    if spec.width > MAX_FIELD_WIDTH {
                        let typed: String = chars[width_at..i].iter().collect();
                        return Err(FormatError::TooWide(typed, position));
                    }
                    if chars.get(i) == Some(&'.') {
                        i += 1;
                        spec.max = Some(digits(&chars, &mut i).unwrap_or(0));
                    }
                    let code = *chars.get(i).ok_or(FormatError::Incomplete)?;
                    i += 1;
                    if code == '%' {
                        literal.push('%');
                        continue;
                    }
                    let field = match code {
                        'A' => Field::TopicAlias,
                        'C' => Field::ContentType,
                        'D' => Field::CorrelationData,
                        'E' => Field::MessageExpiry,
                        'F' => Field::PayloadFormat,
                        'I' => Field::IsoTime,
                        'j' => Field::Json,
                        'J' => Field::JsonPayload,
                        'l' => Field::Length,
                        'm' => Field::MessageId,
                        'P' => Field::UserProperties,
                        'p' => Field::Payload,
                        'q' => Field::Qos,
                        'R' => Field::ResponseTopic,
                        'r' => Field::Retain,
                        'S' => Field::SubscriptionId,
                        't' => Field::Topic,
                        'U' => Field::UnixTime,
                        'x' => Field::HexLower,
                        'X' => Field::HexUpper,
                        other => return Err(FormatError::UnknownField(other, position)),
                    };
                    flush(&mut literal, &mut pieces);
                    pieces.push(Piece::Field(field, spec));
                }
                '@' => {
                    let code = *chars.get(i + 1).ok_or(FormatError::Incomplete)?;
                    i += 2;
                    match code {
                        '@' => literal.push('@'),
                        'N' => {
                            flush(&mut literal, &mut pieces);
                            pieces.push(Piece::Nanos);
                        }
                        other => {
                            let specifier = format!("%{other}");
                            if StrftimeItems::new(&specifier).any(|item| matches!(item, Item::Error)) {
                                return Err(FormatError::UnknownTime(other, position));
                            }
                            flush(&mut literal, &mut pieces);
                            pieces.push(Piece::Time(specifier));
                        }
                    }
                }
                '\\' => {
                    let code = *chars.get(i + 1).ok_or(FormatError::Incomplete)?;
                    i += 2;
                    literal.push(match code {
                        '\\' => '\\',
                        '0' => '\0',
                        'a' => '\x07',
                        'e' => '\x1b',
                        'n' => '\n',
                        'r' => '\r',
                        't' => '\t',
                        'v' => '\x0b',
                        other => return Err(FormatError::UnknownEscape(other, position)),
                    });
                }
                other => {
                    literal.push(other);
                    i += 1;
                }
            }
        }
        flush(&mut literal, &mut pieces);
        Ok(Self { pieces })
    }

    /// The bytes printed for one message received at `at`. `Err` carries
    /// the one-line reason a message cannot be printed (`%J` with a payload
    /// that is not JSON), as mosquitto_sub reports it.
    pub fn render(&self, message: &IncomingMessage, at: DateTime<Utc>) -> Result<Vec<u8>, RenderError> {
        let local = at.with_timezone(&Local);
        let properties = message.properties.as_deref();
        let mut out = Vec::with_capacity(message.payload.len() + 64);
        for piece in &self.pieces {
            match piece {
                Piece::Literal(bytes) => out.extend_from_slice(bytes),
                Piece::Time(specifier) => out.extend_from_slice(local.format(specifier).to_string().as_bytes()),
                Piece::Nanos => out.extend_from_slice(format!("{:09}", at.timestamp_subsec_nanos()).as_bytes()),
                Piece::Field(field, spec) => {
                    // Borrowed where the message already holds the bytes: the
                    // payload and topic are not copied per message.
                    let owned = |text: String| Cow::Owned(text.into_bytes());
                    let number = |value: Option<String>| owned(value.unwrap_or_default());
                    let text: Cow<'_, [u8]> = match field {
                        Field::TopicAlias => Cow::Borrowed(&[][..]),
                        Field::ContentType => Cow::Borrowed(
                            properties.and_then(|p| p.content_type.as_deref()).unwrap_or_default().as_bytes(),
                        ),
                        Field::CorrelationData => {
                            Cow::Borrowed(properties.and_then(|p| p.correlation_data.as_deref()).unwrap_or_default())
                        }
                        Field::MessageExpiry => {
                            number(properties.and_then(|p| p.message_expiry_interval).map(|value| value.to_string()))
                        }
                        Field::PayloadFormat => {
                            number(properties.and_then(|p| p.payload_format_indicator).map(|value| value.to_string()))
                        }
                        Field::IsoTime => owned(local.format("%Y-%m-%dT%H:%M:%S%z").to_string()),
                        Field::Json => owned(mosquitto_json(message, &local, None)),
                        Field::JsonPayload => {
                            let payload: serde_json::Value = serde_json::from_slice(&message.payload)
                                .map_err(|_| RenderError::PayloadNotJson { topic: message.topic.clone() })?;
                            owned(mosquitto_json(message, &local, Some(payload)))
                        }
                        Field::Length => owned(message.payload.len().to_string()),
                        Field::MessageId => owned(message.packet_id.to_string()),
                        Field::UserProperties => owned(
                            properties
                                .map(|p| {
                                    p.user_properties
                                        .iter()
                                        .map(|(key, value)| format!("{key}:{value}"))
                                        .collect::<Vec<_>>()
                                        .join(" ")
                                })
                                .unwrap_or_default(),
                        ),
                        Field::Payload => Cow::Borrowed(&message.payload[..]),
                        Field::Qos => owned(message.qos.level().to_string()),
                        Field::ResponseTopic => Cow::Borrowed(
                            properties.and_then(|p| p.response_topic.as_deref()).unwrap_or_default().as_bytes(),
                        ),
                        Field::Retain => owned(u8::from(message.retain).to_string()),
                        Field::SubscriptionId => number(
                            properties.and_then(|p| p.subscription_identifiers.first()).map(|value| value.to_string()),
                        ),
                        Field::Topic => Cow::Borrowed(message.topic.as_bytes()),
                        Field::UnixTime => owned(format!("{}.{:09}", at.timestamp(), at.timestamp_subsec_nanos())),
                        Field::HexLower => owned(hex(&message.payload, false)),
                        Field::HexUpper => owned(hex(&message.payload, true)),
                    };
                    pad(&mut out, &text, *field, *spec);
                }
            }
        }
        Ok(out)
    }
}

/// The widest a `-F` field may be padded to.
pub const MAX_FIELD_WIDTH: usize = 65_535;

fn digits(chars: &[char], i: &mut usize) -> Option<usize> {
    let start = *i;
    while chars.get(*i).is_some_and(char::is_ascii_digit) {
        *i += 1;
    }
    (start < *i).then(|| chars[start..*i].iter().collect::<String>().parse().unwrap_or(usize::MAX))
}

fn hex(bytes: &[u8], upper: bool) -> String {
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        let _ = if upper { write!(text, "{byte:02X}") } else { write!(text, "{byte:02x}") };
    }
    text
}

/// Applies width, maximum width and zero padding the way mosquitto does:
/// the maximum applies to %C %I %R %t, zeros to the numeric and hex fields.
fn pad(out: &mut Vec<u8>, text: &[u8], field: Field, spec: Spec) {
    if spec == Spec::default() {
        out.extend_from_slice(text);
        return;
    }
    let truncatable = matches!(field, Field::ContentType | Field::IsoTime | Field::ResponseTopic | Field::Topic);
    let text: Cow<'_, [u8]> = match spec.max {
        Some(max) if truncatable => {
            // Cut at a character boundary of UTF-8 text.
            let cut: String = String::from_utf8_lossy(text).chars().take(max).collect();
            Cow::Owned(cut.into_bytes())
        }
        _ => Cow::Borrowed(text),
    };
    let shown = std::str::from_utf8(&text).map_or(text.len(), |text| text.chars().count());
    let fill = spec.width.saturating_sub(shown);
    let zero_paddable = matches!(
        field,
        Field::TopicAlias
            | Field::MessageExpiry
            | Field::PayloadFormat
            | Field::Length
            | Field::MessageId
            | Field::SubscriptionId
            | Field::HexLower
            | Field::HexUpper
    );
    if spec.left {
        out.extend_from_slice(&text);
        out.extend(std::iter::repeat_n(b' ', fill));
    } else {
        let padding = if spec.zero && zero_paddable { b'0' } else { b' ' };
        out.extend(std::iter::repeat_n(padding, fill));
        out.extend_from_slice(&text);
    }
}

/// mosquitto_sub's `%j` / `%J` object: time, topic, QoS, retain and the
/// payload as a string (`%j`) or as the JSON it holds (`%J`).
fn mosquitto_json(message: &IncomingMessage, local: &DateTime<Local>, payload: Option<serde_json::Value>) -> String {
    let payload =
        payload.unwrap_or_else(|| serde_json::Value::String(String::from_utf8_lossy(&message.payload).into()));
    let mut object = serde_json::Map::new();
    object.insert("tst".into(), local.format("%Y-%m-%dT%H:%M:%S%.6f%z").to_string().into());
    object.insert("topic".into(), message.topic.clone().into());
    object.insert("qos".into(), message.qos.level().into());
    object.insert("retain".into(), u8::from(message.retain).into());
    object.insert("payload".into(), payload);
    serde_json::Value::Object(object).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mqtt::{MessageProperties, Qos};

    fn message(topic: &str, payload: &[u8]) -> IncomingMessage {
        IncomingMessage {
            topic: topic.into(),
            payload: bytes::Bytes::copy_from_slice(payload),
            qos: Qos::AtLeastOnce,
            retain: true,
            duplicate: false,
            packet_id: 7,
            properties: Some(Box::new(MessageProperties {
                content_type: Some("text/plain".into()),
                response_topic: Some("replies/1".into()),
                correlation_data: Some(b"abc".to_vec()),
                message_expiry_interval: Some(60),
                payload_format_indicator: Some(1),
                user_properties: vec![("a".into(), "1".into()), ("b".into(), "2".into())],
                subscription_identifiers: vec![4],
            })),
        }
    }

    fn render(format: &str, message: &IncomingMessage) -> String {
        let at = DateTime::parse_from_rfc3339("2026-11-22T10:20:30.123456789Z").expect("time").with_timezone(&Utc);
        let bytes = OutputFormat::parse(format).expect("valid").render(message, at).expect("renders");
        String::from_utf8(bytes).expect("text")
    }

    #[test]
    fn fields_print_like_mosquitto_sub() {
        let m = message("sensors/t1", b"hi\x01");
        assert_eq!(render("%t %l %q %r %m %x %X", &m), "sensors/t1 3 1 1 7 686901 686901");
        assert_eq!(render("%C|%R|%D|%E|%F|%P|%S|%A", &m), "text/plain|replies/1|abc|60|1|a:1 b:2|4|");
        assert_eq!(render("%U", &m), "1795342830.123456789");
        assert_eq!(render("100%%\\t@@\\\\", &m), "100%\t@\\");
        assert_eq!(render("@N", &m), "123456789");
        assert!(render("%I", &m).starts_with("2026-11-2"), "{}", render("%I", &m));
    }

    #[test]
    fn absurd_widths_are_refused_not_allocated() {
        for format in ["%99999999999999t", "%18446744073709551615t", "%65536p"] {
            assert!(matches!(OutputFormat::parse(format), Err(FormatError::TooWide(_, 1))), "{format}");
        }
        let said = OutputFormat::parse("x %99999999999999t").err().map(|error| error.to_string());
        assert_eq!(said.as_deref(), Some("-F: the width at position 3 is 99999999999999; at most 65535 is allowed"));
        assert!(OutputFormat::parse("%65535t").is_ok(), "the largest width is allowed");
    }

    #[test]
    fn widths_flags_and_maximums_follow_mosquitto() {
        let m = message("sensors/t1", b"hi");
        assert_eq!(render("[%12t]", &m), "[  sensors/t1]");
        assert_eq!(render("[%-12t]", &m), "[sensors/t1  ]");
        assert_eq!(render("[%.4t]", &m), "[sens]");
        assert_eq!(render("[%05l]", &m), "[00002]");
        assert_eq!(render("[%05t]", &m), "[sensors/t1]", "no zero padding for text, no truncation by width");
        assert_eq!(render("[%-05l]", &m), "[2    ]", "- wins over 0");
        assert_eq!(render("[%.1p]", &m), "[hi]", "the payload is never cut");
    }

    #[test]
    fn json_fields_hold_the_message() {
        let m = message("a/b", br#"{"t": 21.5}"#);
        let line: serde_json::Value = serde_json::from_str(&render("%j", &m)).expect("json");
        assert_eq!(line["topic"], "a/b");
        assert_eq!(line["payload"], r#"{"t": 21.5}"#);
        assert_eq!((line["qos"].as_u64(), line["retain"].as_u64()), (Some(1), Some(1)));
        let nested: serde_json::Value = serde_json::from_str(&render("%J", &m)).expect("json");
        assert_eq!(nested["payload"]["t"], 21.5);
        let error = OutputFormat::parse("%J").expect("valid").render(&message("a/b", b"not json"), Utc::now());
        assert_eq!(error.expect_err("not JSON").to_string(), "message payload is not valid JSON on topic a/b");
    }

    #[test]
    fn bad_formats_name_the_sequence_and_position() {
        assert_eq!(OutputFormat::parse("ab%k"), Err(FormatError::UnknownField('k', 3)));
        assert_eq!(OutputFormat::parse("x\\q"), Err(FormatError::UnknownEscape('q', 2)));
        assert_eq!(OutputFormat::parse("@"), Err(FormatError::Incomplete));
        assert_eq!(OutputFormat::parse("%-5"), Err(FormatError::Incomplete));
        assert!(matches!(OutputFormat::parse("@!"), Err(FormatError::UnknownTime('!', 1))));
        assert!(OutputFormat::parse("@Y-@m-@d @H:@M:@S").is_ok());
    }
}
