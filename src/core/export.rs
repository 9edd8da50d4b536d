//! Exporting logged messages to JSON Lines or CSV: time, direction, topic,
//! QoS, retain, size, MQTT 5 properties and the payload (UTF-8 text when it
//! is text, base64 otherwise, with the encoding named).

use std::io::Write;
use std::path::Path;

use base64::Engine as _;
use serde_json::{Map, Value, json};

use crate::core::mqtt::Direction;
use crate::core::store::{OwnedMessage, StoredMessage};

/// The file formats messages can be exported to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// One JSON object per line.
    JsonLines,
    /// Comma-separated values with a header row (RFC 4180 quoting).
    Csv,
}

impl ExportFormat {
    /// The format a file name asks for: `.csv` is CSV, anything else JSON Lines.
    pub fn for_path(path: &Path) -> Self {
        match path.extension().and_then(|extension| extension.to_str()) {
            Some(extension) if extension.eq_ignore_ascii_case("csv") => Self::Csv,
            _ => Self::JsonLines,
        }
    }
}

const CSV_HEADER: &str = "time,direction,topic,qos,retain,size,payload_encoding,payload,properties";

fn payload_text(payload: &[u8]) -> (&'static str, String) {
    match std::str::from_utf8(payload) {
        Ok(text) => ("utf-8", text.to_owned()),
        Err(_) => ("base64", base64::engine::general_purpose::STANDARD.encode(payload)),
    }
}

fn properties_json(message: &StoredMessage<'_>) -> Option<Value> {
    let properties = message.properties.as_ref()?;
    let mut map = Map::new();
    if let Some(value) = &properties.content_type {
        map.insert("content_type".into(), json!(value));
    }
    if let Some(value) = &properties.response_topic {
        map.insert("response_topic".into(), json!(value));
    }
    if let Some(value) = &properties.correlation_data {
        map.insert("correlation_data_base64".into(), json!(base64::engine::general_purpose::STANDARD.encode(value)));
    }
    if let Some(value) = properties.message_expiry_interval {
        map.insert("message_expiry_interval".into(), json!(value));
    }
    if let Some(value) = properties.payload_format_indicator {
        map.insert("payload_format_indicator".into(), json!(value));
    }
    if !properties.user_properties.is_empty() {
        let pairs: Vec<Value> = properties.user_properties.iter().map(|(key, value)| json!([key, value])).collect();
        map.insert("user_properties".into(), Value::Array(pairs));
    }
    if !properties.subscription_identifiers.is_empty() {
        map.insert("subscription_identifiers".into(), json!(properties.subscription_identifiers));
    }
    Some(Value::Object(map))
}

/// One message as the JSON object written to a JSON Lines file.
pub fn message_json(message: &StoredMessage<'_>) -> Value {
    let (encoding, payload) = payload_text(message.payload);
    let mut object = json!({
        "time": message.time.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "direction": match message.direction { Direction::Incoming => "in", Direction::Outgoing => "out" },
        "topic": message.topic,
        "qos": message.qos.level(),
        "retain": message.retain,
        "size": message.payload.len(),
        "payload_encoding": encoding,
        "payload": payload,
    });
    if let (Some(properties), Some(map)) = (properties_json(message), object.as_object_mut()) {
        map.insert("properties".into(), properties);
    }
    object
}

/// Quotes a CSV field when it holds a comma, quote or line break (RFC 4180).
pub fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text.to_owned() }
}

/// Writes messages in a format; returns how many were written.
pub fn write_messages<'a>(
    writer: &mut impl Write,
    messages: impl Iterator<Item = StoredMessage<'a>>,
    format: ExportFormat,
) -> std::io::Result<u64> {
    let mut count = 0;
    if format == ExportFormat::Csv {
        writeln!(writer, "{CSV_HEADER}")?;
    }
    for message in messages {
        match format {
            ExportFormat::JsonLines => writeln!(writer, "{}", message_json(&message))?,
            ExportFormat::Csv => {
                let (encoding, payload) = payload_text(message.payload);
                let properties = properties_json(&message).map(|value| value.to_string()).unwrap_or_default();
                writeln!(
                    writer,
                    "{},{},{},{},{},{},{},{},{}",
                    message.time.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                    match message.direction {
                        Direction::Incoming => "in",
                        Direction::Outgoing => "out",
                    },
                    csv_field(message.topic),
                    message.qos.level(),
                    message.retain,
                    message.payload.len(),
                    encoding,
                    csv_field(&payload),
                    csv_field(&properties),
                )?;
            }
        }
        count += 1;
    }
    writer.flush()?;
    Ok(count)
}

/// Writes messages to a file (format from its extension), atomically.
pub fn export_to_file(path: &Path, messages: &[OwnedMessage]) -> Result<u64, String> {
    let format = ExportFormat::for_path(path);
    let mut buffer = Vec::new();
    let count = write_messages(&mut buffer, messages.iter().map(OwnedMessage::view), format)
        .map_err(|error| format!("cannot export: {error}"))?;
    crate::core::profile::write_atomically(path, &buffer).map_err(|error| error.to_string())?;
    Ok(count)
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone as _, Utc};

    use super::*;
    use crate::core::mqtt::{MessageProperties, Qos};

    fn message<'a>(topic: &'a str, payload: &'a [u8]) -> StoredMessage<'a> {
        StoredMessage {
            time: Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0).single().expect("time"),
            qos: Qos::AtLeastOnce,
            retain: true,
            ..crate::core::store::test_message(topic, payload)
        }
    }

    #[test]
    fn json_lines_round_trip_text_and_binary_payloads() {
        let mut with_properties = message("a/b", b"{\"t\": 1}");
        let properties = MessageProperties {
            content_type: Some("application/json".into()),
            user_properties: vec![("k".into(), "v".into())],
            ..MessageProperties::default()
        };
        with_properties.properties = Some(&properties);
        let binary = message("bin", &[0, 255, 1]);
        let mut out = Vec::new();
        let count =
            write_messages(&mut out, [with_properties, binary].into_iter(), ExportFormat::JsonLines).expect("write");
        assert_eq!(count, 2);
        let text = String::from_utf8(out).expect("utf-8");
        let lines: Vec<Value> = text.lines().map(|line| serde_json::from_str(line).expect("json")).collect();
        assert_eq!(lines[0]["topic"], "a/b");
        assert_eq!(lines[0]["payload"], "{\"t\": 1}");
        assert_eq!(lines[0]["payload_encoding"], "utf-8");
        assert_eq!(lines[0]["time"], "2026-11-22T10:00:00.000Z");
        assert_eq!((lines[0]["qos"].clone(), lines[0]["retain"].clone()), (json!(1), json!(true)));
        assert_eq!(lines[0]["properties"]["content_type"], "application/json");
        assert_eq!(lines[0]["properties"]["user_properties"], json!([["k", "v"]]));
        assert_eq!(lines[1]["payload_encoding"], "base64");
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(lines[1]["payload"].as_str().expect("string"))
            .expect("base64");
        assert_eq!(decoded, vec![0, 255, 1]);
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
        let mut out = Vec::new();
        write_messages(&mut out, [message("t,1", b"x,\"y\"")].into_iter(), ExportFormat::Csv).expect("write");
        let text = String::from_utf8(out).expect("utf-8");
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some(CSV_HEADER));
        assert_eq!(lines.next(), Some("2026-11-22T10:00:00.000Z,in,\"t,1\",1,true,5,utf-8,\"x,\"\"y\"\"\","));
        assert_eq!(ExportFormat::for_path(Path::new("log.CSV")), ExportFormat::Csv);
        assert_eq!(ExportFormat::for_path(Path::new("log.jsonl")), ExportFormat::JsonLines);
    }
}
