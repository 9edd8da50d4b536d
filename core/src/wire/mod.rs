//! What went over the wire: every MQTT packet a connection sends and
//! receives, decoded from the bytes on its stream (after TLS and WebSocket
//! framing), numbered, time-stamped to the microsecond and timed against
//! the packet it answers. The engine records; the packet inspector, the
//! JSON Lines export and `sub -d` / `pub -d` read the records.

pub mod capture;
pub mod codes;
pub mod frames;
pub mod log;
pub mod mosquitto_debug;
pub mod parse;
pub mod record;

pub use capture::WireCapture;
pub use log::{PacketFilter, PacketLog};
pub use parse::PREVIEW_BYTES;
pub use record::{AckTiming, Basis, Direction, Field, PacketKind, PacketRecord, Property, PropertyValue, TopicFilter};
