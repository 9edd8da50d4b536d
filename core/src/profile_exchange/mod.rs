//! Sharing profiles: export bundles without secrets (unless asked), and
//! import Topicscope RON files or MQTTX connection exports (JSON, CSV,
//! YAML) here, MQTT.fx's configuration in [`mqttfx`], reporting every field
//! that has no equivalent and never aborting for one bad entry.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use thiserror::Error;

use crate::fs::write_private;
use crate::mqtt::{ProtocolVersion, Qos, RetainHandling};
use crate::payload::PayloadFormat;
mod mqttfx;
pub mod schemas;

use mqttfx::import_mqttfx;

use crate::profile::{
    ConnectionProfile, LastWill, PROFILE_FORMAT_VERSION, PasswordSource, ProfileFileError, SavedSubscription,
    TransportKind, parse_profile,
};

/// Several profiles in one RON file, as exported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProfileBundle {
    /// Format version of the profiles inside.
    pub version: u32,
    /// The profiles.
    pub profiles: Vec<ConnectionProfile>,
    /// Their protobuf schemas, when asked: profile name → base64
    /// descriptor set (see [`schemas`]).
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub schemas: std::collections::BTreeMap<String, String>,
}

impl Default for ProfileBundle {
    fn default() -> Self {
        Self { version: PROFILE_FORMAT_VERSION, profiles: Vec::new(), schemas: Default::default() }
    }
}

/// Renders profiles as a RON bundle. Without `include_secrets`, passwords
/// stored in profiles are removed; with it, session passwords are written
/// too (the caller warns the user first).
pub fn export_bundle(profiles: &[ConnectionProfile], include_secrets: bool) -> Result<String, ProfileFileError> {
    export_bundle_with_schemas(profiles, include_secrets, std::collections::BTreeMap::new())
}

/// [`export_bundle`] carrying schemas made by [`schemas::bundle_schemas`].
pub fn export_bundle_with_schemas(
    profiles: &[ConnectionProfile],
    include_secrets: bool,
    schemas: std::collections::BTreeMap<String, String>,
) -> Result<String, ProfileFileError> {
    let profiles = profiles
        .iter()
        .cloned()
        .map(|mut profile| {
            profile.password_source = match (&profile.password_source, include_secrets) {
                (PasswordSource::InProfile(_), false) => PasswordSource::NotSaved,
                (PasswordSource::NotSaved, true) if !profile.password.is_empty() => {
                    PasswordSource::InProfile(profile.password.clone())
                }
                (source, _) => source.clone(),
            };
            profile
        })
        .collect();
    let bundle = ProfileBundle { version: PROFILE_FORMAT_VERSION, profiles, schemas };
    let config = ron::ser::PrettyConfig::new().struct_names(true);
    ron::ser::to_string_pretty(&bundle, config)
        .map_err(|error| ProfileFileError::Serialise { what: "the profile bundle".into(), message: error.to_string() })
}

/// Writes an export bundle to `path` atomically, readable by its owner
/// only (with `include_secrets` it carries passwords).
pub fn write_bundle(
    path: &Path,
    profiles: &[ConnectionProfile],
    include_secrets: bool,
) -> Result<(), ProfileFileError> {
    Ok(write_private(path, export_bundle(profiles, include_secrets)?)?)
}

/// What an import produced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Profiles ready to add.
    pub profiles: Vec<ConnectionProfile>,
    /// Fields that had no equivalent or were changed, one line each.
    pub skipped: Vec<String>,
    /// Entries that could not be imported at all, one line each.
    pub errors: Vec<String>,
    /// Protobuf schemas a bundle carried, by profile name (see
    /// [`schemas::place_imported_schemas`]).
    pub schemas: std::collections::BTreeMap<String, String>,
}

/// Why a file could not be imported at all.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ImportError {
    /// The file could not be read.
    #[error("cannot read {path}: {message}")]
    Read {
        /// The file.
        path: String,
        /// The OS error.
        message: String,
    },
    /// The content is none of the known formats.
    #[error(
        "{origin}: not an topicscope profile or bundle (RON), an MQTTX export (JSON) or an MQTT.fx configuration (XML): {detail}"
    )]
    Unrecognised {
        /// The file.
        origin: String,
        /// What the closest parser said.
        detail: String,
    },
}

/// Why one entry of an imported file was not taken (the others still are).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EntryError {
    /// An MQTTX entry that is not a JSON object.
    #[error("entry {0}: not a connection object")]
    NotAnObject(usize),
    /// A required field is missing or unusable (MQTTX wording).
    #[error("{entry}: has no {what}")]
    Missing {
        /// The entry's name or number.
        entry: String,
        /// The field ("name", "host", "valid port").
        what: &'static str,
    },
    /// An MQTT.fx profile without a name.
    #[error("it has no profileName")]
    Unnamed,
    /// A required MQTT.fx element is missing or unusable.
    #[error("{entry}: it has no {what}")]
    MissingElement {
        /// The profile's name.
        entry: String,
        /// The element ("brokerAddress", "valid brokerPort").
        what: &'static str,
    },
}

/// Imports a file (format detected from its content).
pub fn import_file(path: &Path) -> Result<ImportReport, ImportError> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| ImportError::Read { path: path.display().to_string(), message: error.to_string() })?;
    import_text(&text, &path.display().to_string())
}

/// Imports text: a Topicscope bundle, a single Topicscope profile, an MQTTX
/// export (JSON, CSV or YAML) or an MQTT.fx `mqttfx-config.xml`. Whatever
/// the format, an imported profile never reads this machine's secrets and
/// never turns certificate checks off silently (see [`guard_imported`]).
pub fn import_text(text: &str, origin: &str) -> Result<ImportReport, ImportError> {
    let mut report = read_import(text, origin)?;
    guard_imported(&mut report);
    Ok(report)
}

/// A shared file must not make this machine send its secrets to the
/// file's broker: a password source that reads a local file, environment
/// variable or keychain entry becomes "ask on connect", and certificate
/// checks turned off are named. Both go into the report.
fn guard_imported(report: &mut ImportReport) {
    for profile in &mut report.profiles {
        let local = match &profile.password_source {
            PasswordSource::File(path) => Some(format!("the file {}", path.display())),
            PasswordSource::Environment(variable) => Some(format!("the environment variable {variable}")),
            PasswordSource::Keychain(account) => Some(format!("the keychain entry '{account}'")),
            PasswordSource::NotSaved | PasswordSource::AskOnConnect | PasswordSource::InProfile(_) => None,
        };
        if let Some(what) = local {
            profile.password_source = PasswordSource::AskOnConnect;
            report.skipped.push(format!(
                "{}: its password was to be read from {what} on this machine; imported as \"ask on connect\", so a shared profile cannot send your secrets to its broker",
                profile.name
            ));
        }
        if let Some(path) = profile.tls.dangerously_log_session_keys_to.take() {
            report.skipped.push(format!(
                "{}: it wrote TLS session keys to {}; dropped, so a shared profile cannot make your connections readable",
                profile.name,
                path.display()
            ));
        }
        if profile.tls.dangerously_accept_invalid_certificates && profile.transport.uses_tls() {
            report.skipped.push(format!(
                "{}: certificate verification is OFF in this profile (anyone on the way can pose as the broker); the connection shows a warning",
                profile.name
            ));
        }
    }
}

fn read_import(text: &str, origin: &str) -> Result<ImportReport, ImportError> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('<') {
        return import_mqttfx(text)
            .map_err(|error| ImportError::Unrecognised { origin: origin.into(), detail: error.to_string() });
    }
    if trimmed.starts_with('[') || (trimmed.starts_with('{') && serde_json::from_str::<Value>(text).is_ok()) {
        let value: Value = serde_json::from_str(text)
            .map_err(|error| ImportError::Unrecognised { origin: origin.into(), detail: error.to_string() })?;
        return Ok(import_mqttx(&value));
    }
    if looks_like_mqttx_csv(trimmed) {
        let value =
            mqttx_csv_to_json(text).map_err(|detail| ImportError::Unrecognised { origin: origin.into(), detail })?;
        return Ok(import_mqttx(&value));
    }
    if looks_like_mqttx_yaml(trimmed) {
        let value: Value = yaml_serde::from_str(text)
            .map_err(|error| ImportError::Unrecognised { origin: origin.into(), detail: format!("YAML: {error}") })?;
        return Ok(import_mqttx(&value));
    }
    if let Ok(bundle) = ron::from_str::<ProfileBundle>(text)
        && !bundle.profiles.is_empty()
    {
        let profiles = bundle.profiles.into_iter().map(ConnectionProfile::migrate).collect();
        return Ok(ImportReport { profiles, schemas: bundle.schemas, ..ImportReport::default() });
    }
    parse_profile(text, origin)
        .map(|profile| ImportReport { profiles: vec![profile], ..ImportReport::default() })
        .map_err(|error| ImportError::Unrecognised { origin: origin.into(), detail: error.to_string() })
}

/// A QoS field of an import: 0, 1 or 2, else reported (256 is not 0).
fn imported_qos(value: Option<&Value>, what: &str, skipped: &mut Vec<String>) -> Option<Qos> {
    let value = value.filter(|value| !value.is_null())?;
    let qos = value.as_u64().and_then(|level| u8::try_from(level).ok()).and_then(Qos::from_level);
    if qos.is_none() {
        skipped.push(format!("{what}: QoS {value} is not 0, 1 or 2 (imported as 0)"));
    }
    qos
}

/// MQTTX's CSV export (json2csv): a header row of connection fields,
/// quoted, with `clientId` among them.
fn looks_like_mqttx_csv(text: &str) -> bool {
    let header = text.lines().next().unwrap_or_default();
    header.starts_with('"') && header.contains("\"clientId\"") && header.contains("\"host\"")
}

/// A YAML list (or map) of MQTTX connections.
fn looks_like_mqttx_yaml(text: &str) -> bool {
    (text.starts_with("- ") || text.starts_with("---") || text.starts_with("connections:"))
        && text.lines().any(|line| line.trim_start().trim_start_matches("- ").starts_with("host:"))
}

/// Fields kept as text even when they look like numbers: MQTTX's own
/// importer's list, and `mqttVersion` ("5.0", "3.1.1"), which the JSON
/// export writes as text too.
const MQTTX_TEXT_FIELDS: [&str; 9] = [
    "clientId",
    "name",
    "password",
    "topic",
    "username",
    "lastWillPayload",
    "lastWillTopic",
    "contentType",
    "mqttVersion",
];

/// Turns MQTTX's CSV rows back into the connections they were: nested
/// objects and lists were written as JSON, booleans and numbers as words.
fn mqttx_csv_to_json(text: &str) -> Result<Value, String> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|error| format!("CSV: {error}"))?.clone();
    let mut connections = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|error| format!("CSV: {error}"))?;
        let mut connection = serde_json::Map::new();
        for (name, field) in headers.iter().zip(record.iter()) {
            let value = match field {
                _ if MQTTX_TEXT_FIELDS.contains(&name) => Value::String(field.to_owned()),
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                "" => Value::String(String::new()),
                _ if field.starts_with(['{', '[']) => {
                    serde_json::from_str(field).map_err(|error| format!("CSV column {name}: {error}"))?
                }
                _ => serde_json::from_str::<serde_json::Number>(field)
                    .map_or_else(|_| Value::String(field.to_owned()), Value::Number),
            };
            connection.insert(name.to_owned(), value);
        }
        connections.push(Value::Object(connection));
    }
    Ok(Value::Array(connections))
}

/// Renames imported profiles whose names are taken: "Name (2)", "Name (3)", ...
pub fn resolve_name_clashes(existing: &[String], imported: &mut [ConnectionProfile]) {
    let mut taken: BTreeSet<String> = existing.iter().cloned().collect();
    for profile in imported {
        if taken.contains(&profile.name) {
            let base = profile.name.clone();
            let mut counter = 2;
            while taken.contains(&format!("{base} ({counter})")) {
                counter += 1;
            }
            profile.name = format!("{base} ({counter})");
        }
        taken.insert(profile.name.clone());
    }
}

/// Keys of an MQTTX connection that are bookkeeping, not settings.
const MQTTX_METADATA: [&str; 11] = [
    "id",
    "createAt",
    "updateAt",
    "orderId",
    "parent_id",
    "isCollection",
    "unreadMessageCount",
    "client",
    "pushProps",
    "children",
    "traceSubscription",
];

/// Reads an MQTTX "Export Data" JSON file: a list of connections (or an
/// object holding one under `connections`). Field names follow MQTTX's
/// `ConnectionModel`; both the older flat MQTT 5 fields and the newer
/// `properties` object are understood.
fn import_mqttx(value: &Value) -> ImportReport {
    let mut report = ImportReport::default();
    let entries: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        Value::Object(map) => match map.get("connections") {
            Some(Value::Array(items)) => items.iter().collect(),
            _ => vec![value],
        },
        _ => Vec::new(),
    };
    if entries.is_empty() {
        report.errors.push("the file holds no connections".into());
    }
    for (index, entry) in entries.into_iter().enumerate() {
        match MqttxEntry::new(entry, index).and_then(MqttxEntry::into_profile) {
            Ok((profile, skipped)) => {
                report.skipped.extend(skipped.into_iter().map(|line| format!("{}: {line}", profile.name)));
                report.profiles.push(profile);
            }
            Err(error) => report.errors.push(error.to_string()),
        }
    }
    report
}

/// One MQTTX connection being read; remembers which keys were used so the
/// rest can be reported.
struct MqttxEntry<'a> {
    object: &'a serde_json::Map<String, Value>,
    used: BTreeSet<&'static str>,
    label: String,
}

impl<'a> MqttxEntry<'a> {
    fn new(value: &'a Value, index: usize) -> Result<Self, EntryError> {
        let object = value.as_object().ok_or(EntryError::NotAnObject(index + 1))?;
        let label =
            object.get("name").and_then(Value::as_str).map_or_else(|| format!("entry {}", index + 1), str::to_owned);
        Ok(Self { object, used: BTreeSet::new(), label })
    }

    fn get(&mut self, key: &'static str) -> Option<&'a Value> {
        self.used.insert(key);
        self.object.get(key).filter(|value| !value.is_null())
    }

    fn string(&mut self, key: &'static str) -> Option<String> {
        self.get(key).and_then(Value::as_str).map(str::to_owned).filter(|text| !text.is_empty())
    }

    fn number(&mut self, key: &'static str) -> Option<u64> {
        self.get(key).and_then(|value| value.as_u64().or_else(|| value.as_str().and_then(|text| text.parse().ok())))
    }

    fn boolean(&mut self, key: &'static str) -> Option<bool> {
        self.get(key).and_then(Value::as_bool)
    }

    fn into_profile(mut self) -> Result<(ConnectionProfile, Vec<String>), EntryError> {
        let mut skipped = Vec::new();
        let missing = |entry: &str, what| EntryError::Missing { entry: entry.to_owned(), what };
        let name = self.string("name").ok_or_else(|| missing(&self.label, "name"))?;
        let host = self.string("host").ok_or_else(|| missing(&name, "host"))?;
        let port = self
            .number("port")
            .and_then(|port| u16::try_from(port).ok())
            .filter(|port| *port > 0)
            .ok_or_else(|| missing(&name, "valid port"))?;
        let mut profile = ConnectionProfile { name, host, port, ..ConnectionProfile::default() };
        profile.client_id = self.string("clientId").unwrap_or_default();
        if let Some(clean) = self.boolean("clean") {
            profile.clean_start = clean;
        }
        if let Some(keep_alive) = self.number("keepalive") {
            profile.keep_alive_secs = u16::try_from(keep_alive).unwrap_or(u16::MAX);
        }
        if let Some(timeout) = self.number("connectTimeout") {
            // MQTTX stores seconds in the UI model; values above an hour are milliseconds.
            let seconds = if timeout > 3600 { timeout / 1000 } else { timeout };
            profile.connect_timeout_secs = u16::try_from(seconds.max(1)).unwrap_or(u16::MAX);
        }
        if let Some(reconnect) = self.boolean("reconnect") {
            profile.reconnect = reconnect;
        }
        if self.number("reconnectPeriod").is_some() {
            skipped.push("reconnectPeriod (topicscope backs off from 0.5 s up to the profile's cap)".into());
        }
        match self.string("mqttVersion").as_deref() {
            Some("5.0") | Some("5") => profile.protocol = ProtocolVersion::V5,
            Some("3.1.1") | None => profile.protocol = ProtocolVersion::V311,
            Some(other) => {
                profile.protocol = ProtocolVersion::V311;
                skipped.push(format!("mqttVersion {other} (imported as 3.1.1)"));
            }
        }
        let ssl = self.boolean("ssl").unwrap_or(false);
        profile.transport = match self.string("protocol").as_deref() {
            Some("ws") => TransportKind::WebSocket,
            Some("wss") => TransportKind::WebSocketTls,
            Some("mqtts") => TransportKind::Tls,
            _ if ssl => TransportKind::Tls,
            _ => TransportKind::Tcp,
        };
        if let Some(path) = self.string("path") {
            profile.websocket_path = if path.starts_with('/') { path } else { format!("/{path}") };
        }
        profile.username = self.string("username").unwrap_or_default();
        if let Some(password) = self.string("password") {
            profile.password = password;
            profile.password_source = PasswordSource::NotSaved;
            skipped.push("password (kept for this session only; choose a password source to keep it)".into());
        }
        if self.boolean("rejectUnauthorized") == Some(false) {
            profile.tls.dangerously_accept_invalid_certificates = true;
        }
        let path = |text: Option<String>| text.map(PathBuf::from);
        profile.tls.ca_file = path(self.string("ca"));
        profile.tls.client_certificate_file = path(self.string("cert"));
        profile.tls.client_key_file = path(self.string("key"));
        let _ = self.get("certType");
        match self.get("ALPNProtocols") {
            Some(Value::String(text)) => {
                profile.tls.alpn_protocols =
                    text.split(',').map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned).collect();
            }
            Some(Value::Array(items)) => {
                profile.tls.alpn_protocols = items.iter().filter_map(Value::as_str).map(str::to_owned).collect();
            }
            _ => {}
        }
        if self.boolean("clientIdWithTime") == Some(true) {
            profile.random_client_id_suffix = true;
            skipped.push("clientIdWithTime (a random suffix is added instead of a timestamp)".into());
        }
        self.mqtt5_properties(&mut profile, &mut skipped);
        self.will(&mut profile, &mut skipped);
        self.subscriptions(&mut profile, &mut skipped);
        if let Some(Value::Array(messages)) = self.get("messages")
            && !messages.is_empty()
        {
            skipped.push(format!("{} stored messages (message history is not imported)", messages.len()));
        }
        for (key, value) in self.object {
            let empty = match value {
                Value::Null => true,
                Value::String(text) => text.is_empty(),
                Value::Array(items) => items.is_empty(),
                Value::Object(map) => map.is_empty(),
                _ => false,
            };
            if !self.used.contains(key.as_str()) && !MQTTX_METADATA.contains(&key.as_str()) && !empty {
                skipped.push(format!("{key} (no equivalent)"));
            }
        }
        Ok((profile, skipped))
    }

    fn mqtt5_properties(&mut self, profile: &mut ConnectionProfile, skipped: &mut Vec<String>) {
        let nested = self.get("properties").and_then(Value::as_object);
        let lookup = |entry: &mut Self, key: &'static str| -> Option<&'a Value> {
            nested.and_then(|map| map.get(key)).filter(|value| !value.is_null()).or_else(|| entry.get(key))
        };
        let number = |value: Option<&Value>| value.and_then(Value::as_u64);
        let mqtt5 = &mut profile.mqtt5;
        mqtt5.session_expiry_secs =
            number(lookup(self, "sessionExpiryInterval")).and_then(|value| u32::try_from(value).ok());
        mqtt5.receive_maximum = number(lookup(self, "receiveMaximum")).and_then(|value| u16::try_from(value).ok());
        mqtt5.topic_alias_maximum =
            number(lookup(self, "topicAliasMaximum")).and_then(|value| u16::try_from(value).ok());
        if let Some(value) = lookup(self, "requestResponseInformation").and_then(Value::as_bool) {
            mqtt5.request_response_information = value;
        }
        if let Some(value) = lookup(self, "requestProblemInformation").and_then(Value::as_bool) {
            mqtt5.request_problem_information = value;
        }
        if let Some(size) = number(lookup(self, "maximumPacketSize")).and_then(|value| u32::try_from(value).ok()) {
            profile.max_packet_size = size.max(128);
        }
        if let Some(Value::Object(properties)) = lookup(self, "userProperties") {
            mqtt5.user_properties = user_properties(properties);
        }
        if lookup(self, "authenticationMethod").and_then(Value::as_str).is_some_and(|text| !text.is_empty()) {
            skipped.push("authenticationMethod (enhanced authentication is not supported)".into());
        }
    }

    fn will(&mut self, profile: &mut ConnectionProfile, skipped: &mut Vec<String>) {
        let Some(will) = self.get("will").and_then(Value::as_object) else {
            return;
        };
        let text = |key: &str| will.get(key).and_then(Value::as_str).filter(|text| !text.is_empty()).map(str::to_owned);
        let Some(topic) = text("lastWillTopic") else {
            return;
        };
        let properties = will.get("properties").and_then(Value::as_object);
        let property = |key: &str| properties.and_then(|map| map.get(key)).filter(|value| !value.is_null());
        let seconds = |key: &str| property(key).and_then(Value::as_u64).and_then(|value| u32::try_from(value).ok());
        let property_text =
            |key: &str| property(key).and_then(Value::as_str).filter(|t| !t.is_empty()).map(str::to_owned);
        let qos = imported_qos(will.get("lastWillQos"), "the last will", skipped);
        profile.last_will = Some(LastWill {
            topic,
            payload: text("lastWillPayload").unwrap_or_default(),
            payload_format: PayloadFormat::Text,
            qos: qos.unwrap_or_default(),
            retain: will.get("lastWillRetain").and_then(Value::as_bool).unwrap_or(false),
            delay_interval_secs: seconds("willDelayInterval"),
            message_expiry_secs: seconds("messageExpiryInterval"),
            content_type: property_text("contentType"),
            response_topic: property_text("responseTopic"),
            correlation_data: property_text("correlationData"),
            user_properties: property("userProperties")
                .and_then(Value::as_object)
                .map(user_properties)
                .unwrap_or_default(),
        });
        if property("correlationData").is_some_and(|value| !value.is_string()) {
            skipped.push("will correlationData (not text)".into());
        }
    }

    fn subscriptions(&mut self, profile: &mut ConnectionProfile, skipped: &mut Vec<String>) {
        let Some(Value::Array(items)) = self.get("subscriptions") else {
            return;
        };
        let mut colours = 0;
        for item in items {
            let Some(topic) = item.get("topic").and_then(Value::as_str).filter(|t| !t.is_empty()) else {
                skipped.push("a subscription without a topic".into());
                continue;
            };
            if item.get("color").and_then(Value::as_str).is_some() {
                colours += 1;
            }
            let qos = imported_qos(item.get("qos"), &format!("subscription {topic}"), skipped);
            profile.subscriptions.push(SavedSubscription {
                filter: topic.to_owned(),
                qos: qos.unwrap_or_default(),
                colour: None,
                no_local: item.get("nl").and_then(Value::as_bool).unwrap_or(false),
                retain_as_published: item.get("rap").and_then(Value::as_bool).unwrap_or(false),
                retain_handling: match item.get("rh").and_then(Value::as_u64) {
                    Some(1) => RetainHandling::SendIfNewSubscription,
                    Some(2) => RetainHandling::DoNotSend,
                    _ => RetainHandling::SendOnSubscribe,
                },
                identifier: item
                    .get("subscriptionIdentifier")
                    .and_then(Value::as_u64)
                    .and_then(|id| u32::try_from(id).ok())
                    .filter(|id| (1..=crate::mqtt::MAX_SUBSCRIPTION_IDENTIFIER).contains(id)),
            });
        }
        if colours > 0 {
            skipped.push(format!("{colours} subscription colours (topicscope assigns its own palette)"));
        }
    }
}

fn user_properties(map: &serde_json::Map<String, Value>) -> Vec<(String, String)> {
    map.iter()
        .flat_map(|(key, value)| match value {
            Value::Array(values) => values.iter().map(|value| (key.clone(), json_text(value))).collect::<Vec<_>>(),
            other => vec![(key.clone(), json_text(other))],
        })
        .collect()
}

fn json_text(value: &Value) -> String {
    value.as_str().map_or_else(|| value.to_string(), str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_clashes_get_numbered_suffixes() {
        let mut imported = vec![
            ConnectionProfile { name: "Lab".into(), ..ConnectionProfile::default() },
            ConnectionProfile { name: "Lab".into(), ..ConnectionProfile::default() },
            ConnectionProfile { name: "New".into(), ..ConnectionProfile::default() },
        ];
        resolve_name_clashes(&["Lab".into(), "Lab (2)".into()], &mut imported);
        let names: Vec<&str> = imported.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, vec!["Lab (3)", "Lab (4)", "New"]);
    }

    #[test]
    fn a_qos_beyond_two_is_reported_not_wrapped_to_zero() {
        // 256 as u8 is 0: it used to come in silently as QoS 0 (issue 18, defect 7).
        let export = r#"[{"name": "q", "host": "h", "port": 1883, "clientId": "c",
            "subscriptions": [{"topic": "a", "qos": 256}, {"topic": "b", "qos": 2}],
            "will": {"lastWillTopic": "w", "lastWillQos": 3}}]"#;
        let report = import_text(export, "qos.json").expect("imports");
        let profile = &report.profiles[0];
        assert_eq!(profile.subscriptions[1].qos, Qos::ExactlyOnce);
        let said = report.skipped.join("\n");
        assert!(said.contains("subscription a: QoS 256 is not 0, 1 or 2"), "{said}");
        assert!(said.contains("the last will: QoS 3 is not 0, 1 or 2"), "{said}");
    }

    #[test]
    fn unrecognised_text_is_an_error_naming_the_file() {
        let error = import_text("this is not a profile", "notes.txt").unwrap_err();
        assert!(error.to_string().starts_with("notes.txt: not an topicscope profile"), "{error}");
    }
}
