//! The user's protobuf schemas, loaded at run time with no `protoc` and no
//! build step: `.proto` files (protox compiles them; imports resolve across
//! the folder given), folders of them, and descriptor sets (`protoc -o`).
//! A message that names its topic with a custom option
//! (`option (mqtt_topic) = "unit/+/telemetry"`) becomes a decoder rule.

use std::path::{Path, PathBuf};

use prost_reflect::{DescriptorPool, DynamicMessage, MessageDescriptor};
use thiserror::Error;

use super::proto_tree::{DecodedMessage, decode_message};
use super::proto_wire::first_structural_error;
use super::rules::{DecoderRule, PayloadDecoder};

/// Most `.proto` and descriptor-set files loaded from one profile's paths.
pub const MAX_SCHEMA_FILES: usize = 4_096;
/// Largest schema file read (a `.proto` or a descriptor set).
pub const MAX_SCHEMA_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// Deepest folder nesting searched for `.proto` files.
const MAX_FOLDER_DEPTH: usize = 16;
/// The custom message option that binds a message type to a topic filter.
pub const TOPIC_OPTION: &str = "mqtt_topic";

/// Why schemas could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SchemaError {
    /// A `.proto` file does not compile; `location` is `file.proto:line:col`
    /// when the compiler knows it.
    #[error("{location}: {message}")]
    Compile {
        /// `file.proto:line:col`, or the file alone.
        location: String,
        /// What the compiler said.
        message: String,
    },
    /// A path that cannot be read.
    #[error("cannot read {path}: {reason}")]
    Read {
        /// The path.
        path: String,
        /// The operating system's words.
        reason: String,
    },
    /// A descriptor set that is not one.
    #[error("{path} is not a descriptor set (protoc -o): {reason}")]
    DescriptorSet {
        /// The path.
        path: String,
        /// What the decoder said.
        reason: String,
    },
    /// A limit that protects the app from a runaway folder.
    #[error("{what}")]
    TooMuch {
        /// Which limit, in the user's words.
        what: String,
    },
}

/// Why a payload is not the message type it was decoded as.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProtoDecodeError {
    /// The rule names a type the schemas do not have.
    #[error("no message type {0} in the loaded schemas")]
    UnknownType(String),
    /// The bytes do not decode; `offset` and `field` say where when known.
    #[error("not {message_type}: {reason}")]
    Invalid {
        /// The type tried.
        message_type: String,
        /// Byte offset of the first broken field, when found.
        offset: Option<usize>,
        /// The field path (`Sensor.location.lat`), when known.
        field: Option<String>,
        /// The whole explanation.
        reason: String,
    },
}

/// Why JSON could not be encoded into a message type.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProtoEncodeError {
    /// The type is not in the schemas.
    #[error("no message type {0} in the loaded schemas")]
    UnknownType(String),
    /// The JSON does not fit the type (the message names the field).
    #[error("cannot encode as {message_type}: {reason}")]
    Invalid {
        /// The type.
        message_type: String,
        /// What the JSON mapping said.
        reason: String,
    },
}

/// Compiled schemas and the topic rules they declare.
#[derive(Debug, Clone)]
pub struct ProtoSchemas {
    pool: DescriptorPool,
    topic_rules: Vec<DecoderRule>,
}

impl Default for ProtoSchemas {
    fn default() -> Self {
        Self { pool: DescriptorPool::new(), topic_rules: Vec::new() }
    }
}

fn read_error(path: &Path, error: &std::io::Error) -> SchemaError {
    SchemaError::Read { path: path.display().to_string(), reason: error.to_string() }
}

fn is_descriptor_set(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|extension| extension.to_str()),
        Some("pb" | "desc" | "binpb" | "protoset" | "bin")
    )
}

fn is_proto(path: &Path) -> bool {
    path.extension().is_some_and(|extension| extension == "proto")
}

/// Every `.proto` file under `folder` (hidden folders skipped), sorted.
/// A folder reached twice (a link loop, or two links to one folder) is
/// read once.
fn proto_files_under(
    folder: &Path,
    found: &mut Vec<PathBuf>,
    visited: &mut std::collections::HashSet<PathBuf>,
    depth: usize,
) -> Result<(), SchemaError> {
    if depth > MAX_FOLDER_DEPTH {
        return Ok(());
    }
    if !visited.insert(std::fs::canonicalize(folder).unwrap_or_else(|_| folder.to_owned())) {
        return Ok(());
    }
    let entries = std::fs::read_dir(folder).map_err(|error| read_error(folder, &error))?;
    let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|entry| entry.path()).collect();
    entries.sort();
    for path in entries {
        let hidden = path.file_name().and_then(|name| name.to_str()).is_some_and(|name| name.starts_with('.'));
        if hidden {
            continue;
        }
        // `metadata` follows links; a link loop ends at the depth limit.
        let Ok(metadata) = std::fs::metadata(&path) else { continue };
        if metadata.is_dir() {
            proto_files_under(&path, found, visited, depth + 1)?;
        } else if is_proto(&path) {
            if found.len() >= MAX_SCHEMA_FILES {
                return Err(SchemaError::TooMuch {
                    what: format!(
                        "{} holds more than {MAX_SCHEMA_FILES} .proto files; point at the folder of the ones you need",
                        folder.display()
                    ),
                });
            }
            found.push(path);
        }
    }
    Ok(())
}

fn read_limited(path: &Path) -> Result<Vec<u8>, SchemaError> {
    let metadata = std::fs::metadata(path).map_err(|error| read_error(path, &error))?;
    if metadata.len() > MAX_SCHEMA_FILE_BYTES {
        return Err(SchemaError::TooMuch {
            what: format!(
                "{} is {} bytes; schema files above {MAX_SCHEMA_FILE_BYTES} bytes are not read",
                path.display(),
                metadata.len()
            ),
        });
    }
    std::fs::read(path).map_err(|error| read_error(path, &error))
}

/// `file.proto:line:col: message` from a protox error.
fn compile_error(error: &protox::Error) -> SchemaError {
    use miette::Diagnostic as _;
    let message = error.to_string();
    let file = error.file().map(str::to_owned);
    let position = error.labels().and_then(|mut labels| labels.next()).and_then(|label| {
        let source = error.source_code()?;
        let contents = source.read_span(label.inner(), 0, 0).ok()?;
        Some((contents.line() + 1, contents.column() + 1))
    });
    let location = match (file, position) {
        (Some(file), Some((line, column))) => format!("{file}:{line}:{column}"),
        (Some(file), None) => file,
        (None, _) => "schemas".into(),
    };
    SchemaError::Compile { location, message }
}

impl ProtoSchemas {
    /// Loads `paths`: `.proto` files (their folder is the import root),
    /// folders (every `.proto` under them, imports rooted at the folder)
    /// and descriptor sets.
    pub fn load(paths: &[PathBuf]) -> Result<Self, SchemaError> {
        let mut includes: Vec<PathBuf> = Vec::new();
        let mut sources: Vec<PathBuf> = Vec::new();
        let mut sets: Vec<PathBuf> = Vec::new();
        for path in paths {
            let metadata = std::fs::metadata(path).map_err(|error| read_error(path, &error))?;
            if metadata.is_dir() {
                includes.push(path.clone());
                let mut found = Vec::new();
                proto_files_under(path, &mut found, &mut std::collections::HashSet::new(), 0)?;
                sources.extend(found);
            } else if is_descriptor_set(path) {
                sets.push(path.clone());
            } else {
                if let Some(parent) = path.parent() {
                    let parent = if parent.as_os_str().is_empty() { Path::new(".") } else { parent };
                    includes.push(parent.to_owned());
                }
                sources.push(path.clone());
            }
            if sources.len() + sets.len() > MAX_SCHEMA_FILES {
                return Err(SchemaError::TooMuch {
                    what: format!("more than {MAX_SCHEMA_FILES} schema files; load fewer"),
                });
            }
        }
        let mut pool = DescriptorPool::new();
        if !sources.is_empty() {
            for source in &sources {
                read_limited(source).map(drop)?;
            }
            let mut compiler = protox::Compiler::new(&includes).map_err(|error| compile_error(&error))?;
            compiler.include_imports(true);
            for source in &sources {
                // A file under two given folders is compiled once.
                compiler.open_file(source).map_err(|error| compile_error(&error))?;
            }
            pool = compiler.descriptor_pool();
        }
        for set in &sets {
            let bytes = read_limited(set)?;
            pool.decode_file_descriptor_set(bytes.as_slice()).map_err(|error| SchemaError::DescriptorSet {
                path: set.display().to_string(),
                reason: error.to_string(),
            })?;
        }
        let topic_rules = topic_rules(&pool);
        Ok(Self { pool, topic_rules })
    }

    /// Schemas from `.proto` source text held in memory (the shipped
    /// Sparkplug schema; tests).
    pub fn from_source(name: &str, source: &str) -> Result<Self, SchemaError> {
        let file = protox::file::File::from_source(name, source).map_err(|error| compile_error(&error))?;
        let resolver = InMemory(file);
        let mut compiler = protox::Compiler::with_file_resolver(resolver);
        compiler.include_imports(true);
        compiler.open_file(name).map_err(|error| compile_error(&error))?;
        let pool = compiler.descriptor_pool();
        let topic_rules = topic_rules(&pool);
        Ok(Self { pool, topic_rules })
    }

    /// Fully qualified names of every message type, sorted (map entries
    /// left out).
    pub fn message_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .pool
            .all_messages()
            .filter(|message| !message.is_map_entry() && !message.full_name().starts_with("google.protobuf."))
            .map(|message| message.full_name().to_owned())
            .collect();
        names.sort();
        names
    }

    /// The message type called `name`.
    pub fn message(&self, name: &str) -> Option<MessageDescriptor> {
        self.pool.get_message_by_name(name.trim())
    }

    /// Every file of the schemas (imports included) as one descriptor set,
    /// as `protoc -o --include_imports` writes it.
    pub fn descriptor_set(&self) -> Vec<u8> {
        self.pool.encode_to_vec()
    }

    /// Rules declared by `option (mqtt_topic) = "…"` on messages.
    pub fn topic_rules(&self) -> &[DecoderRule] {
        &self.topic_rules
    }

    /// Decodes `bytes` as `message_type`.
    pub fn decode(&self, message_type: &str, bytes: &[u8]) -> Result<DecodedMessage, ProtoDecodeError> {
        let descriptor =
            self.message(message_type).ok_or_else(|| ProtoDecodeError::UnknownType(message_type.to_owned()))?;
        decode_with(&descriptor, bytes)
    }

    /// Encodes a JSON document (the proto3 JSON mapping; 64-bit integers as
    /// numbers or strings) as `message_type`.
    pub fn encode_json(&self, message_type: &str, json: &str) -> Result<Vec<u8>, ProtoEncodeError> {
        use prost::Message as _;
        let descriptor =
            self.message(message_type).ok_or_else(|| ProtoEncodeError::UnknownType(message_type.to_owned()))?;
        let invalid =
            |reason: String| ProtoEncodeError::Invalid { message_type: descriptor.full_name().into(), reason };
        let mut deserializer = serde_json::Deserializer::from_str(json);
        let message = DynamicMessage::deserialize(descriptor.clone(), &mut deserializer).map_err(|error| {
            // The JSON mapping says what is wrong, not where: find the field.
            let field = serde_json::from_str::<serde_json::Value>(json)
                .ok()
                .and_then(|value| failing_field(&descriptor, &value, descriptor.name()));
            invalid(match field {
                Some(field) => format!("field {field}: {error}"),
                None => error.to_string(),
            })
        })?;
        deserializer.end().map_err(|error| invalid(error.to_string()))?;
        Ok(message.encode_to_vec())
    }
}

/// Decodes with a known descriptor; a failure says where.
pub(crate) fn decode_with(descriptor: &MessageDescriptor, bytes: &[u8]) -> Result<DecodedMessage, ProtoDecodeError> {
    decode_dynamic(descriptor, bytes).map(|message| decode_message(&message))
}

/// Decodes to a dynamic message; a failure says where (the schema-guided
/// walk runs only then).
pub(crate) fn decode_dynamic(descriptor: &MessageDescriptor, bytes: &[u8]) -> Result<DynamicMessage, ProtoDecodeError> {
    DynamicMessage::decode(descriptor.clone(), bytes).map_err(|error| {
        let structural = first_structural_error(descriptor, bytes);
        let reason = match &structural {
            Some(found) => format!("{} at byte {} (field {})", found.problem, found.offset, found.field),
            None => error.to_string().trim_start_matches("failed to decode Protobuf message: ").to_owned(),
        };
        ProtoDecodeError::Invalid {
            message_type: descriptor.full_name().to_owned(),
            offset: structural.as_ref().map(|found| found.offset),
            field: structural.map(|found| found.field),
            reason,
        }
    })
}

/// The path (`Telemetry.location.lat`) of the first member of `value` that
/// does not fit `descriptor`, tried one member at a time.
fn failing_field(descriptor: &MessageDescriptor, value: &serde_json::Value, path: &str) -> Option<String> {
    let serde_json::Value::Object(members) = value else { return None };
    for (name, member) in members {
        let alone = serde_json::Value::Object(std::iter::once((name.clone(), member.clone())).collect());
        if DynamicMessage::deserialize(descriptor.clone(), alone).is_ok() {
            continue;
        }
        let here = format!("{path}.{name}");
        let nested = descriptor
            .get_field_by_json_name(name)
            .or_else(|| descriptor.get_field_by_name(name))
            .and_then(|field| field.kind().as_message().cloned())
            .and_then(|inner| failing_field(&inner, member, &here));
        return Some(nested.unwrap_or(here));
    }
    None
}

/// A resolver for one file held in memory (plus Google's well-known types).
struct InMemory(protox::file::File);

impl protox::file::FileResolver for InMemory {
    fn open_file(&self, name: &str) -> Result<protox::file::File, protox::Error> {
        if name == self.0.name() { Ok(self.0.clone()) } else { protox::file::GoogleFileResolver::new().open_file(name) }
    }
}

/// The rules `option (mqtt_topic) = "…"` declares, in type-name order.
fn topic_rules(pool: &DescriptorPool) -> Vec<DecoderRule> {
    let extensions: Vec<_> = pool
        .all_extensions()
        .filter(|extension| {
            extension.name() == TOPIC_OPTION
                && extension.containing_message().full_name() == "google.protobuf.MessageOptions"
        })
        .collect();
    let mut rules = Vec::new();
    if extensions.is_empty() {
        return rules;
    }
    let mut messages: Vec<MessageDescriptor> = pool.all_messages().collect();
    messages.sort_by(|a, b| a.full_name().cmp(b.full_name()));
    for message in messages {
        let options = message.options();
        for extension in &extensions {
            if options.has_extension(extension)
                && let Some(filter) = options.get_extension(extension).as_str()
                && !filter.trim().is_empty()
            {
                rules.push(DecoderRule::new(filter.trim(), PayloadDecoder::Protobuf(message.full_name().to_owned())));
            }
        }
    }
    rules
}
