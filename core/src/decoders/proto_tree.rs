//! A decoded protobuf message as the views show it: every present field
//! with its number and type, 64-bit integers exact, enums by name, unknown
//! fields kept (number, wire type, value), maps sorted by key, and the
//! well-known types read as people write them (Timestamp as RFC 3339,
//! Duration as seconds, Any unpacked when its type is known). Also its JSON
//! form, the one charts, diffs, exports and `sub --decode` use.

use base64::Engine as _;
use prost_reflect::{DynamicMessage, Kind, MapKey, ReflectMessage, Value};
use serde_json::{Map, Number, Value as Json};

use super::proto_wire::unknown_field_value;

/// A decoded message.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedMessage {
    /// Its fully qualified type (`pkg.Msg`).
    pub type_name: String,
    /// Present fields in field-number order, then unknown fields.
    pub fields: Vec<DecodedField>,
}

/// One field of a decoded message.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedField {
    /// Its name in the schema (`#7` for an unknown field).
    pub name: String,
    /// Its field number.
    pub number: u32,
    /// Its type as the schema writes it (`int64`, `repeated string`,
    /// `map<string, int32>`, `pkg.Color`), or the wire type of an unknown one.
    pub type_name: String,
    /// Its value.
    pub value: DecodedValue,
    /// Not in the schema: kept as it came.
    pub unknown: bool,
}

/// A field's value.
#[derive(Debug, Clone, PartialEq)]
pub enum DecodedValue {
    /// `bool`.
    Bool(bool),
    /// Signed integers of any width, exact.
    Int(i64),
    /// Unsigned integers of any width, exact.
    UInt(u64),
    /// `float` and `double`.
    Float(f64),
    /// `string`, and well-known types shown as text (Timestamp, Duration).
    Text(String),
    /// `bytes`.
    Bytes(Vec<u8>),
    /// An enum value: its name when the schema has one.
    Enum {
        /// The number on the wire.
        number: i32,
        /// The schema's name for it.
        name: Option<String>,
    },
    /// A nested message.
    Message(DecodedMessage),
    /// A repeated field.
    List(Vec<DecodedValue>),
    /// A map field, sorted by key.
    Map(Vec<(String, DecodedValue)>),
}

/// Deepest nesting converted (prost refuses deeper input already; `Any`
/// unpacking is held to it too).
const MAX_DEPTH: usize = 100;

/// Converts a decoded dynamic message.
pub fn decode_message(message: &DynamicMessage) -> DecodedMessage {
    convert_message(message, 0)
}

fn convert_message(message: &DynamicMessage, depth: usize) -> DecodedMessage {
    let descriptor = message.descriptor();
    let mut fields: Vec<DecodedField> = message
        .fields()
        .map(|(field, value)| DecodedField {
            name: field.name().to_owned(),
            number: field.number(),
            type_name: field_type_name(&field),
            value: convert_value(value, &field.kind(), depth + 1),
            unknown: false,
        })
        .collect();
    fields.sort_by_key(|field| field.number);
    fields.extend(message.unknown_fields().map(|unknown| {
        let (type_name, value) = unknown_field_value(unknown);
        DecodedField {
            name: format!("#{}", unknown.number()),
            number: unknown.number(),
            type_name,
            value,
            unknown: true,
        }
    }));
    DecodedMessage { type_name: descriptor.full_name().to_owned(), fields }
}

/// A type as the schema writes it (`int64`, `pkg.Msg`).
pub(crate) fn kind_name(kind: &Kind) -> String {
    match kind {
        Kind::Double => "double".into(),
        Kind::Float => "float".into(),
        Kind::Int32 => "int32".into(),
        Kind::Int64 => "int64".into(),
        Kind::Uint32 => "uint32".into(),
        Kind::Uint64 => "uint64".into(),
        Kind::Sint32 => "sint32".into(),
        Kind::Sint64 => "sint64".into(),
        Kind::Fixed32 => "fixed32".into(),
        Kind::Fixed64 => "fixed64".into(),
        Kind::Sfixed32 => "sfixed32".into(),
        Kind::Sfixed64 => "sfixed64".into(),
        Kind::Bool => "bool".into(),
        Kind::String => "string".into(),
        Kind::Bytes => "bytes".into(),
        Kind::Message(message) => message.full_name().to_owned(),
        Kind::Enum(enumeration) => enumeration.full_name().to_owned(),
    }
}

fn field_type_name(field: &prost_reflect::FieldDescriptor) -> String {
    if field.is_map()
        && let Kind::Message(entry) = field.kind()
    {
        let key = kind_name(&entry.map_entry_key_field().kind());
        let value = kind_name(&entry.map_entry_value_field().kind());
        return format!("map<{key}, {value}>");
    }
    let name = kind_name(&field.kind());
    match field.containing_oneof() {
        // proto3 `optional` is a synthetic oneof: not worth a word.
        Some(oneof) if !oneof.is_synthetic() => format!("{name} (oneof {})", oneof.name()),
        _ if field.is_list() => format!("repeated {name}"),
        _ => name,
    }
}

fn map_key_text(key: &MapKey) -> String {
    match key {
        MapKey::Bool(value) => value.to_string(),
        MapKey::I32(value) => value.to_string(),
        MapKey::I64(value) => value.to_string(),
        MapKey::U32(value) => value.to_string(),
        MapKey::U64(value) => value.to_string(),
        MapKey::String(value) => value.clone(),
    }
}

fn convert_value(value: &Value, kind: &Kind, depth: usize) -> DecodedValue {
    match value {
        Value::Bool(value) => DecodedValue::Bool(*value),
        Value::I32(value) => DecodedValue::Int(i64::from(*value)),
        Value::I64(value) => DecodedValue::Int(*value),
        Value::U32(value) => DecodedValue::UInt(u64::from(*value)),
        Value::U64(value) => DecodedValue::UInt(*value),
        Value::F32(value) => DecodedValue::Float(f64::from(*value)),
        Value::F64(value) => DecodedValue::Float(*value),
        Value::String(value) => DecodedValue::Text(value.clone()),
        Value::Bytes(value) => DecodedValue::Bytes(value.to_vec()),
        Value::EnumNumber(number) => {
            let name = match kind {
                Kind::Enum(enumeration) => enumeration.get_value(*number).map(|value| value.name().to_owned()),
                _ => None,
            };
            DecodedValue::Enum { number: *number, name }
        }
        Value::Message(message) => {
            well_known(message, depth).unwrap_or_else(|| DecodedValue::Message(convert_message(message, depth)))
        }
        Value::List(values) => {
            DecodedValue::List(values.iter().map(|value| convert_value(value, kind, depth)).collect())
        }
        Value::Map(entries) => {
            let value_kind = match kind {
                Kind::Message(entry) => entry.map_entry_value_field().kind(),
                other => other.clone(),
            };
            let mut sorted: Vec<(&MapKey, &Value)> = entries.iter().collect();
            sorted.sort_by(|a, b| a.0.cmp(b.0));
            DecodedValue::Map(
                sorted
                    .into_iter()
                    .map(|(key, value)| (map_key_text(key), convert_value(value, &value_kind, depth)))
                    .collect(),
            )
        }
    }
}

/// Timestamp, Duration and Any as people read them; `None` for the rest.
fn well_known(message: &DynamicMessage, depth: usize) -> Option<DecodedValue> {
    let field_i64 = |name: &str| message.get_field_by_name(name).and_then(|value| value.as_i64()).unwrap_or(0);
    let field_i32 = |name: &str| message.get_field_by_name(name).and_then(|value| value.as_i32()).unwrap_or(0);
    match message.descriptor().full_name() {
        "google.protobuf.Timestamp" => {
            let (seconds, nanos) = (field_i64("seconds"), field_i32("nanos"));
            let nanos = u32::try_from(nanos).ok()?;
            let at = chrono::DateTime::from_timestamp(seconds, nanos)?;
            Some(DecodedValue::Text(at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)))
        }
        "google.protobuf.Duration" => {
            let (seconds, nanos) = (field_i64("seconds"), field_i32("nanos"));
            let sign = if seconds < 0 || nanos < 0 { "-" } else { "" };
            let fraction = if nanos == 0 { String::new() } else { format!(".{:09}", nanos.unsigned_abs()) };
            let fraction = fraction.trim_end_matches('0');
            Some(DecodedValue::Text(format!("{sign}{}{fraction}s", seconds.unsigned_abs())))
        }
        "google.protobuf.Any" if depth < MAX_DEPTH => {
            let url = message.get_field_by_name("type_url")?.as_str()?.to_owned();
            let bytes = message.get_field_by_name("value")?.as_bytes()?.clone();
            let name = url.rsplit('/').next().unwrap_or_default();
            let inner_type = message.descriptor().parent_pool().get_message_by_name(name)?;
            let inner = DynamicMessage::decode(inner_type, bytes).ok()?;
            let mut decoded = convert_message(&inner, depth + 1);
            decoded.fields.insert(
                0,
                DecodedField {
                    name: "@type".into(),
                    number: 1,
                    type_name: "string".into(),
                    value: DecodedValue::Text(url),
                    unknown: false,
                },
            );
            Some(DecodedValue::Message(decoded))
        }
        _ => None,
    }
}

fn float_json(value: f64) -> Json {
    Number::from_f64(value).map_or_else(|| Json::String(value.to_string()), Json::Number)
}

/// Deepest JSON nesting written: serde_json reads back at most 128 levels,
/// and charts and diffs read this JSON back. Deeper values (a repeated
/// message field adds two levels per protobuf level) become a note.
const MAX_JSON_DEPTH: usize = 120;

impl DecodedValue {
    /// The JSON form: integers as exact numbers, bytes as base64, enums by
    /// name, non-finite floats as text.
    pub fn to_json(&self) -> Json {
        self.to_json_at(0)
    }

    fn to_json_at(&self, depth: usize) -> Json {
        let nested = matches!(self, Self::Message(_) | Self::List(_) | Self::Map(_));
        if nested && depth >= MAX_JSON_DEPTH {
            return Json::String(format!("(nested deeper than {MAX_JSON_DEPTH} levels: see the inspector's tree)"));
        }
        match self {
            Self::Bool(value) => Json::Bool(*value),
            Self::Int(value) => Json::from(*value),
            Self::UInt(value) => Json::from(*value),
            Self::Float(value) => float_json(*value),
            Self::Text(value) => Json::String(value.clone()),
            Self::Bytes(value) => Json::String(base64::engine::general_purpose::STANDARD.encode(value)),
            Self::Enum { number, name } => {
                name.as_ref().map_or_else(|| Json::from(*number), |name| Json::String(name.clone()))
            }
            Self::Message(message) => message.to_json_at(depth),
            Self::List(values) => Json::Array(values.iter().map(|value| value.to_json_at(depth + 1)).collect()),
            Self::Map(entries) => Json::Object(
                entries.iter().map(|(key, value)| (key.clone(), value.to_json_at(depth + 1))).collect::<Map<_, _>>(),
            ),
        }
    }

    /// The value on one line, for tree rows (nested values say how many
    /// fields or items they hold).
    pub fn summary(&self) -> String {
        match self {
            Self::Bool(value) => value.to_string(),
            Self::Int(value) => value.to_string(),
            Self::UInt(value) => value.to_string(),
            Self::Float(value) => value.to_string(),
            Self::Text(value) => format!("{value:?}"),
            Self::Bytes(value) => match std::str::from_utf8(value) {
                Ok(text) if !text.is_empty() => format!("{} bytes {text:?}", value.len()),
                _ => format!(
                    "{} bytes {}",
                    value.len(),
                    crate::payload::render_in_format(value, crate::payload::PayloadFormat::Hex)
                ),
            },
            Self::Enum { number, name: Some(name) } => format!("{name} ({number})"),
            Self::Enum { number, name: None } => format!("{number} (not in the enum)"),
            Self::Message(message) => format!("{{{} fields}}", message.fields.len()),
            Self::List(values) => format!("[{} items]", values.len()),
            Self::Map(entries) => format!("{{{} entries}}", entries.len()),
        }
    }
}

impl DecodedMessage {
    /// The JSON form (field names as in the schema; unknown fields as
    /// `#number`).
    pub fn to_json(&self) -> Json {
        self.to_json_at(0)
    }

    fn to_json_at(&self, depth: usize) -> Json {
        let mut object = Map::new();
        for field in &self.fields {
            object.insert(field.name.clone(), field.value.to_json_at(depth + 1));
        }
        Json::Object(object)
    }
}
