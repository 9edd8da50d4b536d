//! Sparkplug B payloads and topics, read with Eclipse Tahu's own schema
//! (`assets/sparkplug_b.proto`, EPL-2.0, shipped with its header): the
//! topic's parts (group, message type, edge node, device, or a host
//! application's `STATE`), and each metric's name, alias, data type, value,
//! timestamp and flags, with signed values read the way the data type says.

use std::sync::OnceLock;

use base64::Engine as _;
use prost_reflect::{DynamicMessage, MessageDescriptor, Value};
use serde_json::{Map, Value as Json};

use super::proto_tree::{DecodedMessage, decode_message};
use super::protobuf::{ProtoDecodeError, ProtoSchemas, decode_dynamic};

/// Eclipse Tahu's Sparkplug B schema, as shipped.
pub const SPARKPLUG_PROTO: &str = include_str!("../../assets/sparkplug_b.proto");
/// The payload message's full name in that schema.
pub const PAYLOAD_TYPE: &str = "org.eclipse.tahu.protobuf.Payload";
/// Sparkplug B's topic namespace.
pub const NAMESPACE: &str = "spBv1.0";

/// The shipped schema, compiled once (about 1.5 ms).
pub fn schemas() -> &'static ProtoSchemas {
    static SCHEMAS: OnceLock<ProtoSchemas> = OnceLock::new();
    // The shipped file is tested to compile; an empty pool would only make
    // every Sparkplug payload fail to decode with a clear message.
    SCHEMAS.get_or_init(|| ProtoSchemas::from_source("sparkplug_b.proto", SPARKPLUG_PROTO).unwrap_or_default())
}

fn payload_descriptor() -> Result<MessageDescriptor, ProtoDecodeError> {
    schemas().message(PAYLOAD_TYPE).ok_or_else(|| ProtoDecodeError::UnknownType(PAYLOAD_TYPE.into()))
}

/// What a Sparkplug topic says the message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageKind {
    /// Edge node birth.
    NBirth,
    /// Edge node death (the node's will).
    NDeath,
    /// Device birth.
    DBirth,
    /// Device death.
    DDeath,
    /// Edge node data.
    NData,
    /// Device data.
    DData,
    /// Command to an edge node.
    NCmd,
    /// Command to a device.
    DCmd,
    /// A host application's online state.
    State,
}

impl MessageKind {
    fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "NBIRTH" => Self::NBirth,
            "NDEATH" => Self::NDeath,
            "DBIRTH" => Self::DBirth,
            "DDEATH" => Self::DDeath,
            "NDATA" => Self::NData,
            "DDATA" => Self::DData,
            "NCMD" => Self::NCmd,
            "DCMD" => Self::DCmd,
            _ => return None,
        })
    }

    /// The topic word (`NBIRTH`…).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NBirth => "NBIRTH",
            Self::NDeath => "NDEATH",
            Self::DBirth => "DBIRTH",
            Self::DDeath => "DDEATH",
            Self::NData => "NDATA",
            Self::DData => "DDATA",
            Self::NCmd => "NCMD",
            Self::DCmd => "DCMD",
            Self::State => "STATE",
        }
    }
}

/// A Sparkplug topic's parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SparkplugTopic {
    /// What the message is.
    pub kind: MessageKind,
    /// The group id (empty for `STATE`).
    pub group: String,
    /// The edge node id, or the host application id for `STATE`.
    pub node: String,
    /// The device id for device messages.
    pub device: Option<String>,
}

/// Reads `spBv1.0/group/TYPE/node[/device]`, `spBv1.0/STATE/host` (3.0) and
/// `STATE/host` (2.2); `None` for anything else.
pub fn parse_topic(topic: &str) -> Option<SparkplugTopic> {
    // Most topics are not Sparkplug's: decided before splitting anything.
    if !topic.starts_with("spBv1.0/") && !topic.starts_with("STATE/") {
        return None;
    }
    let levels: Vec<&str> = topic.split('/').collect();
    match levels.as_slice() {
        ["STATE", host] | [NAMESPACE, "STATE", host] if !host.is_empty() => Some(SparkplugTopic {
            kind: MessageKind::State,
            group: String::new(),
            node: (*host).to_owned(),
            device: None,
        }),
        [NAMESPACE, group, kind, node, rest @ ..] if !group.is_empty() && !node.is_empty() => {
            let kind = MessageKind::parse(kind)?;
            let device_message =
                matches!(kind, MessageKind::DBirth | MessageKind::DDeath | MessageKind::DData | MessageKind::DCmd);
            let device = match rest {
                [] if !device_message => None,
                [device] if device_message && !device.is_empty() => Some((*device).to_owned()),
                _ => return None,
            };
            Some(SparkplugTopic { kind, group: (*group).to_owned(), node: (*node).to_owned(), device })
        }
        _ => None,
    }
}

/// Sparkplug data type numbers and names (the schema's `DataType` enum).
pub fn datatype_name(datatype: u32) -> &'static str {
    const NAMES: [&str; 35] = [
        "Unknown",
        "Int8",
        "Int16",
        "Int32",
        "Int64",
        "UInt8",
        "UInt16",
        "UInt32",
        "UInt64",
        "Float",
        "Double",
        "Boolean",
        "String",
        "DateTime",
        "Text",
        "UUID",
        "DataSet",
        "Bytes",
        "File",
        "Template",
        "PropertySet",
        "PropertySetList",
        "Int8Array",
        "Int16Array",
        "Int32Array",
        "Int64Array",
        "UInt8Array",
        "UInt16Array",
        "UInt32Array",
        "UInt64Array",
        "FloatArray",
        "DoubleArray",
        "BooleanArray",
        "StringArray",
        "DateTimeArray",
    ];
    usize::try_from(datatype).ok().and_then(|index| NAMES.get(index)).copied().unwrap_or("Unknown")
}

/// A metric's value, read as its data type says.
#[derive(Debug, Clone, PartialEq)]
pub enum MetricValue {
    /// No value field (and `is_null` may say so).
    None,
    /// Signed integer types (Int8…Int64), sign restored.
    Int(i64),
    /// Unsigned integer types and DateTime (ms since the epoch).
    UInt(u64),
    /// Float and Double.
    Float(f64),
    /// Boolean.
    Bool(bool),
    /// String, Text, UUID.
    Text(String),
    /// Bytes, File and the array types (packed bytes).
    Bytes(Vec<u8>),
    /// DataSet, Template or an extension, as a protobuf tree.
    Structured(DecodedMessage),
}

impl MetricValue {
    /// A number to chart, when it is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Self::Int(value) => Some(*value as f64),
            Self::UInt(value) => Some(*value as f64),
            Self::Float(value) => Some(*value),
            Self::Bool(value) => Some(f64::from(u8::from(*value))),
            _ => None,
        }
    }

    /// The JSON form (integers exact, bytes base64).
    pub fn to_json(&self) -> Json {
        match self {
            Self::None => Json::Null,
            Self::Int(value) => Json::from(*value),
            Self::UInt(value) => Json::from(*value),
            Self::Float(value) => {
                serde_json::Number::from_f64(*value).map_or_else(|| Json::String(value.to_string()), Json::Number)
            }
            Self::Bool(value) => Json::Bool(*value),
            Self::Text(value) => Json::String(value.clone()),
            Self::Bytes(value) => Json::String(base64::engine::general_purpose::STANDARD.encode(value)),
            Self::Structured(message) => message.to_json(),
        }
    }
}

/// One metric of a payload.
#[derive(Debug, Clone, PartialEq)]
pub struct Metric {
    /// Its name (births carry it; data messages may send only the alias).
    pub name: Option<String>,
    /// Its alias.
    pub alias: Option<u64>,
    /// When it was measured (ms since the epoch).
    pub timestamp: Option<u64>,
    /// Its data type number (see [`datatype_name`]).
    pub datatype: Option<u32>,
    /// Historical data, not a live value.
    pub is_historical: bool,
    /// Not to be stored by consumers.
    pub is_transient: bool,
    /// Explicitly null.
    pub is_null: bool,
    /// Its value.
    pub value: MetricValue,
}

impl Metric {
    /// The JSON form: name, alias, timestamp, datatype by name, value, and
    /// the flags that are set.
    pub fn to_json(&self) -> Json {
        let mut object = Map::new();
        if let Some(name) = &self.name {
            object.insert("name".into(), Json::String(name.clone()));
        }
        if let Some(alias) = self.alias {
            object.insert("alias".into(), Json::from(alias));
        }
        if let Some(timestamp) = self.timestamp {
            object.insert("timestamp".into(), Json::from(timestamp));
        }
        if let Some(datatype) = self.datatype {
            object.insert("datatype".into(), Json::String(datatype_name(datatype).into()));
        }
        object.insert("value".into(), self.value.to_json());
        for (flag, set) in
            [("is_null", self.is_null), ("is_historical", self.is_historical), ("is_transient", self.is_transient)]
        {
            if set {
                object.insert(flag.into(), Json::Bool(true));
            }
        }
        Json::Object(object)
    }
}

/// A decoded Sparkplug B payload.
#[derive(Debug, Clone, PartialEq)]
pub struct SparkplugPayload {
    /// When it was sent (ms since the epoch).
    pub timestamp: Option<u64>,
    /// Its sequence number (0–255 in valid traffic).
    pub seq: Option<u64>,
    /// Its schema UUID.
    pub uuid: Option<String>,
    /// Its opaque body.
    pub body: Option<Vec<u8>>,
    /// Its metrics in payload order.
    pub metrics: Vec<Metric>,
}

impl SparkplugPayload {
    /// The JSON form `sub --decode`, charts and diffs use.
    pub fn to_json(&self) -> Json {
        let mut object = Map::new();
        if let Some(timestamp) = self.timestamp {
            object.insert("timestamp".into(), Json::from(timestamp));
        }
        if let Some(seq) = self.seq {
            object.insert("seq".into(), Json::from(seq));
        }
        if let Some(uuid) = &self.uuid {
            object.insert("uuid".into(), Json::String(uuid.clone()));
        }
        object.insert("metrics".into(), Json::Array(self.metrics.iter().map(Metric::to_json).collect()));
        if let Some(body) = &self.body {
            object.insert("body".into(), Json::String(base64::engine::general_purpose::STANDARD.encode(body)));
        }
        Json::Object(object)
    }

    /// The value of the metric called (or aliased) so.
    pub fn metric(&self, name: &str) -> Option<&Metric> {
        self.metrics.iter().find(|metric| metric.name.as_deref() == Some(name))
    }
}

/// Decodes a Sparkplug B payload (NBIRTH, NDATA, NCMD… all share one
/// schema).
pub fn decode_payload(bytes: &[u8]) -> Result<SparkplugPayload, ProtoDecodeError> {
    let descriptor = payload_descriptor()?;
    let message = decode_dynamic(&descriptor, bytes)?;
    let u64_field = |message: &DynamicMessage, name: &str| {
        message
            .has_field_by_name(name)
            .then(|| message.get_field_by_name(name).and_then(|value| value.as_u64()))
            .flatten()
    };
    let metrics = match message.get_field_by_name("metrics").as_deref() {
        Some(Value::List(values)) => values.iter().filter_map(Value::as_message).map(metric).collect(),
        _ => Vec::new(),
    };
    Ok(SparkplugPayload {
        timestamp: u64_field(&message, "timestamp"),
        seq: u64_field(&message, "seq"),
        uuid: message
            .has_field_by_name("uuid")
            .then(|| message.get_field_by_name("uuid").and_then(|value| value.as_str().map(str::to_owned)))
            .flatten(),
        body: message
            .has_field_by_name("body")
            .then(|| message.get_field_by_name("body").and_then(|value| value.as_bytes().map(|bytes| bytes.to_vec())))
            .flatten(),
        metrics,
    })
}

fn metric(message: &DynamicMessage) -> Metric {
    let present = |name: &str| message.has_field_by_name(name);
    let get = |name: &str| present(name).then(|| message.get_field_by_name(name)).flatten();
    let flag = |name: &str| get(name).and_then(|value| value.as_bool()).unwrap_or(false);
    let datatype = get("datatype").and_then(|value| value.as_u32());
    let value = if let Some(value) = get("int_value").and_then(|value| value.as_u32()) {
        match datatype {
            Some(1) => MetricValue::Int(i64::from(value as u8 as i8)),
            Some(2) => MetricValue::Int(i64::from(value as u16 as i16)),
            Some(3) => MetricValue::Int(i64::from(value as i32)),
            _ => MetricValue::UInt(u64::from(value)),
        }
    } else if let Some(value) = get("long_value").and_then(|value| value.as_u64()) {
        match datatype {
            Some(4) => MetricValue::Int(value as i64),
            _ => MetricValue::UInt(value),
        }
    } else if let Some(value) = get("float_value").and_then(|value| value.as_f32()) {
        MetricValue::Float(f64::from(value))
    } else if let Some(value) = get("double_value").and_then(|value| value.as_f64()) {
        MetricValue::Float(value)
    } else if let Some(value) = get("boolean_value").and_then(|value| value.as_bool()) {
        MetricValue::Bool(value)
    } else if let Some(value) = get("string_value").and_then(|value| value.as_str().map(str::to_owned)) {
        MetricValue::Text(value)
    } else if let Some(value) = get("bytes_value").and_then(|value| value.as_bytes().map(|bytes| bytes.to_vec())) {
        MetricValue::Bytes(value)
    } else if let Some(inner) = ["dataset_value", "template_value", "extension_value"]
        .into_iter()
        .find_map(|name| get(name).and_then(|value| value.as_message().map(decode_message)))
    {
        MetricValue::Structured(inner)
    } else {
        MetricValue::None
    };
    Metric {
        name: get("name").and_then(|value| value.as_str().map(str::to_owned)),
        alias: get("alias").and_then(|value| value.as_u64()),
        timestamp: get("timestamp").and_then(|value| value.as_u64()),
        datatype,
        is_historical: flag("is_historical"),
        is_transient: flag("is_transient"),
        is_null: flag("is_null"),
        value,
    }
}

/// A host application's `STATE` payload: Sparkplug 3.0's JSON
/// `{"online": true, "timestamp": …}` or 2.2's `ONLINE` / `OFFLINE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostState {
    /// The host application is online.
    pub online: bool,
    /// When it said so (3.0 only).
    pub timestamp: Option<u64>,
}

/// Reads a `STATE` payload.
pub fn decode_state(bytes: &[u8]) -> Option<HostState> {
    match bytes {
        b"ONLINE" => return Some(HostState { online: true, timestamp: None }),
        b"OFFLINE" => return Some(HostState { online: false, timestamp: None }),
        _ => {}
    }
    let value: Json = serde_json::from_slice(bytes).ok()?;
    Some(HostState {
        online: value.get("online")?.as_bool()?,
        timestamp: value.get("timestamp").and_then(Json::as_u64),
    })
}

/// The `Node Control/Rebirth` command payload (Boolean true) at
/// `timestamp_ms`, encoded with the shipped schema.
pub fn encode_rebirth(timestamp_ms: u64) -> Vec<u8> {
    use prost::Message as _;
    let Ok(descriptor) = payload_descriptor() else { return Vec::new() };
    let Some(metric_type) = schemas().message(&format!("{PAYLOAD_TYPE}.Metric")) else { return Vec::new() };
    let mut metric = DynamicMessage::new(metric_type);
    metric.set_field_by_name("name", Value::String("Node Control/Rebirth".into()));
    metric.set_field_by_name("datatype", Value::U32(11));
    metric.set_field_by_name("boolean_value", Value::Bool(true));
    let mut payload = DynamicMessage::new(descriptor);
    payload.set_field_by_name("timestamp", Value::U64(timestamp_ms));
    payload.set_field_by_name("metrics", Value::List(vec![Value::Message(metric)]));
    payload.encode_to_vec()
}
