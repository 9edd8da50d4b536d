//! Binary and structured payload decoders for the inspector: CBOR and
//! MessagePack become JSON values (so the JSON tree can show them), XML is
//! pretty-printed. Malformed input is a clear error, never a panic.

use base64::Engine as _;
use serde_json::{Map, Number, Value};

/// Why a payload is not in the format it was decoded as.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The decoder refused it.
    #[error("not {format}: {reason}")]
    Invalid {
        /// The format tried ("CBOR", ...).
        format: &'static str,
        /// What the decoder said.
        reason: String,
    },
    /// One value decoded and bytes were left over.
    #[error("not {format}: {left} bytes left after the first {item}")]
    Trailing {
        /// The format tried.
        format: &'static str,
        /// Bytes after the first value.
        left: usize,
        /// What the format calls a value ("item", "value").
        item: &'static str,
    },
}

fn invalid(format: &'static str) -> impl Fn(&dyn std::fmt::Display) -> DecodeError {
    move |reason| DecodeError::Invalid { format, reason: reason.to_string() }
}

/// Deepest nesting accepted from untrusted payloads: the decoded value is
/// shown and charted as JSON, which serde_json reads back only up to 128
/// levels (a fuzzed CBOR payload 200 levels deep decoded, then its JSON did
/// not parse).
const MAX_DEPTH: usize = 100;

/// Deepest XML element nesting pretty-printed (text, not read back as JSON).
const XML_MAX_DEPTH: usize = 256;

fn float(value: f64) -> Value {
    Number::from_f64(value).map_or_else(|| Value::String(value.to_string()), Value::Number)
}

fn bytes_value(bytes: &[u8]) -> Value {
    Value::String(format!("base64:{}", base64::engine::general_purpose::STANDARD.encode(bytes)))
}

/// Longest text a non-text map key is shown as. Keys that are maps with
/// map keys of their own were escaped once more per level, doubling at
/// each: 77 bytes of MessagePack took 11 s and 450 MB (found by fuzzing).
const MAX_KEY_CHARS: usize = 256;

fn key_text(key: &Value) -> String {
    match key.as_str() {
        Some(text) => text.to_owned(),
        None => crate::diff::short_json(key, MAX_KEY_CHARS),
    }
}

/// Decodes a CBOR payload (RFC 8949). Byte strings become `"base64:…"`,
/// tags are unwrapped, non-text map keys are written as JSON text.
pub fn decode_cbor(payload: &[u8]) -> Result<Value, DecodeError> {
    let mut reader = payload;
    let value: ciborium::Value = ciborium::de::from_reader_with_recursion_limit(&mut reader, MAX_DEPTH)
        .map_err(|error| invalid("CBOR")(&error))?;
    if !reader.is_empty() {
        return Err(DecodeError::Trailing { format: "CBOR", left: reader.len(), item: "item" });
    }
    Ok(cbor_to_json(value))
}

fn cbor_to_json(value: ciborium::Value) -> Value {
    use ciborium::Value as Cbor;
    match value {
        Cbor::Integer(integer) => {
            let wide = i128::from(integer);
            i64::try_from(wide)
                .map(Value::from)
                .or_else(|_| u64::try_from(wide).map(Value::from))
                .unwrap_or_else(|_| Value::String(wide.to_string()))
        }
        Cbor::Bytes(bytes) => bytes_value(&bytes),
        Cbor::Float(value) => float(value),
        Cbor::Text(text) => Value::String(text),
        Cbor::Bool(value) => Value::Bool(value),
        Cbor::Null => Value::Null,
        Cbor::Tag(_, inner) => cbor_to_json(*inner),
        Cbor::Array(items) => Value::Array(items.into_iter().map(cbor_to_json).collect()),
        Cbor::Map(entries) => Value::Object(
            entries
                .into_iter()
                .map(|(key, value)| (key_text(&cbor_to_json(key)), cbor_to_json(value)))
                .collect::<Map<_, _>>(),
        ),
        other => Value::String(format!("{other:?}")),
    }
}

/// Decodes a MessagePack payload. Binary values become `"base64:…"`,
/// extension types `{"ext": type, "data": "base64:…"}`.
pub fn decode_msgpack(payload: &[u8]) -> Result<Value, DecodeError> {
    let mut reader = payload;
    let value = rmpv::decode::read_value_with_max_depth(&mut reader, MAX_DEPTH)
        .map_err(|error| invalid("MessagePack")(&error))?;
    if !reader.is_empty() {
        return Err(DecodeError::Trailing { format: "MessagePack", left: reader.len(), item: "value" });
    }
    Ok(msgpack_to_json(value))
}

fn msgpack_to_json(value: rmpv::Value) -> Value {
    use rmpv::Value as Pack;
    match value {
        Pack::Nil => Value::Null,
        Pack::Boolean(value) => Value::Bool(value),
        Pack::Integer(integer) => integer
            .as_i64()
            .map(Value::from)
            .or_else(|| integer.as_u64().map(Value::from))
            .unwrap_or_else(|| Value::String(integer.to_string())),
        Pack::F32(value) => float(f64::from(value)),
        Pack::F64(value) => float(value),
        Pack::String(text) => match text.as_str() {
            Some(text) => Value::String(text.to_owned()),
            None => bytes_value(text.as_bytes()),
        },
        Pack::Binary(bytes) => bytes_value(&bytes),
        Pack::Array(items) => Value::Array(items.into_iter().map(msgpack_to_json).collect()),
        Pack::Map(entries) => Value::Object(
            entries
                .into_iter()
                .map(|(key, value)| (key_text(&msgpack_to_json(key)), msgpack_to_json(value)))
                .collect::<Map<_, _>>(),
        ),
        Pack::Ext(kind, data) => serde_json::json!({ "ext": kind, "data": bytes_value(&data) }),
    }
}

/// Pretty-prints XML with two-space indentation (text content kept).
pub fn pretty_xml(payload: &[u8]) -> Result<String, DecodeError> {
    let text = std::str::from_utf8(payload)
        .map_err(|error| DecodeError::Invalid { format: "XML", reason: format!("not UTF-8 ({error})") })?;
    let document = roxmltree::Document::parse(text).map_err(|error| invalid("XML")(&error))?;
    let mut out = String::new();
    write_xml(document.root_element(), 0, &mut out);
    Ok(out)
}

fn write_xml(node: roxmltree::Node<'_, '_>, depth: usize, out: &mut String) {
    let indent = "  ".repeat(depth);
    let name = node.tag_name().name();
    out.push_str(&format!("{indent}<{name}"));
    for attribute in node.attributes() {
        out.push_str(&format!(" {}=\"{}\"", attribute.name(), attribute.value()));
    }
    let element_children: Vec<_> = node.children().filter(roxmltree::Node::is_element).collect();
    let text = node
        .children()
        .filter(roxmltree::Node::is_text)
        .filter_map(|child| child.text())
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if element_children.is_empty() && text.is_empty() {
        out.push_str("/>\n");
        return;
    }
    if element_children.is_empty() {
        out.push_str(&format!(">{text}</{name}>\n"));
        return;
    }
    out.push_str(">\n");
    if !text.is_empty() {
        out.push_str(&format!("{indent}  {text}\n"));
    }
    for child in element_children {
        if depth + 1 < XML_MAX_DEPTH {
            write_xml(child, depth + 1, out);
        }
    }
    out.push_str(&format!("{indent}</{name}>\n"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cbor_decodes_to_json_values() {
        // {"t": 21.5, "ok": true, "raw": h'0102', 1: [null, -3]}
        let mut payload = Vec::new();
        let value = ciborium::Value::Map(vec![
            (ciborium::Value::Text("t".into()), ciborium::Value::Float(21.5)),
            (ciborium::Value::Text("ok".into()), ciborium::Value::Bool(true)),
            (ciborium::Value::Text("raw".into()), ciborium::Value::Bytes(vec![1, 2])),
            (
                ciborium::Value::Integer(1.into()),
                ciborium::Value::Array(vec![ciborium::Value::Null, ciborium::Value::Integer((-3).into())]),
            ),
        ]);
        ciborium::ser::into_writer(&value, &mut payload).expect("encode");
        let decoded = decode_cbor(&payload).expect("decodes");
        assert_eq!(decoded["t"], 21.5);
        assert_eq!(decoded["ok"], true);
        assert_eq!(decoded["raw"], "base64:AQI=");
        assert_eq!(decoded["1"], serde_json::json!([null, -3]));
    }

    #[test]
    fn msgpack_decodes_to_json_values() {
        // fixmap {"a": 1, "b": [true, "x"]}
        let payload = [0x82, 0xa1, b'a', 0x01, 0xa1, b'b', 0x92, 0xc3, 0xa1, b'x'];
        let decoded = decode_msgpack(&payload).expect("decodes");
        assert_eq!(decoded, serde_json::json!({"a": 1, "b": [true, "x"]}));
    }

    #[test]
    fn malformed_input_is_an_error_not_a_panic() {
        assert!(
            decode_cbor(&[0x1c]).unwrap_err().to_string().starts_with("not CBOR"),
            "reserved additional information"
        );
        assert!(decode_cbor(&[0x01, 0x02]).unwrap_err().to_string().contains("left after"));
        assert!(decode_cbor(&[]).is_err());
        assert!(
            decode_msgpack(&[0xd9]).unwrap_err().to_string().starts_with("not MessagePack"),
            "str8 without its length"
        );
        assert!(decode_msgpack(&[0x92, 0x01]).is_err(), "truncated array");
        assert!(decode_msgpack(&[0x01, 0x02]).unwrap_err().to_string().contains("left after"));
        assert!(pretty_xml(b"<a><b></a>").unwrap_err().to_string().starts_with("not XML"));
        assert!(pretty_xml(&[0xff]).unwrap_err().to_string().contains("not UTF-8"));
        // Deep nesting is refused, not a stack overflow.
        let deep = vec![0x81u8; 100_000];
        assert!(decode_cbor(&deep).is_err());
        let deep_pack = vec![0x91u8; 100_000];
        assert!(decode_msgpack(&deep_pack).is_err());
    }

    #[test]
    fn xml_is_indented() {
        let pretty = pretty_xml(br#"<r a="1"><x>text</x><y/><z><w>2</w></z></r>"#).expect("xml");
        assert_eq!(pretty, "<r a=\"1\">\n  <x>text</x>\n  <y/>\n  <z>\n    <w>2</w>\n  </z>\n</r>\n");
    }

    #[test]
    fn map_keys_nested_in_map_keys_stay_short() {
        // MessagePack: 24 maps of one entry, each the key of the next.
        let mut payload = vec![0x81u8; 24];
        payload.push(0x01);
        payload.extend([0x02; 24]);
        let started = std::time::Instant::now();
        let value = decode_msgpack(&payload).expect("decodes");
        let text = value.to_string();
        assert!(text.len() < 4 * MAX_KEY_CHARS, "{} bytes", text.len());
        assert!(started.elapsed() < std::time::Duration::from_secs(5), "took {:?}", started.elapsed());
        // CBOR the same way (0xa1: a map of one entry).
        let mut payload = vec![0xa1u8; 24];
        payload.push(0x01);
        payload.extend([0x02; 24]);
        assert!(decode_cbor(&payload).expect("decodes").to_string().len() < 4 * MAX_KEY_CHARS);
    }
}
