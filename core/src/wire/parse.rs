//! Decodes one MQTT packet's bytes into a [`PacketRecord`] for people.
//!
//! Written for inspection, not for talking MQTT: rumqttc's codec (which
//! the connection itself uses) rejects unknown reason codes, drops
//! property order and repeats, and cannot read a packet cut short. Here
//! every field is read leniently in order, whatever was decoded is kept,
//! and the first thing that breaks the spec is reported with its offset.
//! Secrets (CONNECT's password, Authentication Data) are never kept, only
//! their length.

use super::codes::{PropertyType, property_info};
use super::record::{Basis, Direction, Field, PacketKind, PacketRecord, Property, PropertyValue, TopicFilter};
use crate::mqtt::ProtocolVersion;

/// Most payload bytes kept per PUBLISH for the preview.
pub const PREVIEW_BYTES: usize = 256;

/// One packet's bytes as the frame splitter found them.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    /// The first byte: type and flags.
    pub first_byte: u8,
    /// The remaining length the fixed header announced.
    pub remaining_length: usize,
    /// Bytes of the fixed header (1 + 1..=4).
    pub header_length: usize,
    /// The packet after the fixed header: all of it, or its first bytes
    /// when it was longer than the splitter keeps (or cut off by the end
    /// of the connection).
    pub body: &'a [u8],
}

impl Frame<'_> {
    /// Bytes of the whole packet on the wire.
    pub fn size(&self) -> usize {
        self.header_length + self.remaining_length
    }
}

/// Why decoding stopped.
struct Stop(String);

/// A cursor over a packet's body that knows how long the packet really is.
struct Reader<'a> {
    body: &'a [u8],
    at: usize,
    /// The announced remaining length (may exceed `body.len()`).
    end: usize,
    header_length: usize,
}

impl<'a> Reader<'a> {
    fn offset(&self) -> usize {
        self.header_length + self.at
    }

    fn take(&mut self, count: usize, what: &str) -> Result<&'a [u8], Stop> {
        let start = self.offset();
        self.take_from(start, count, what)
    }

    /// Takes `count` bytes of a field that starts at byte `start` (before
    /// its length prefix, which errors name).
    fn take_from(&mut self, start: usize, count: usize, what: &str) -> Result<&'a [u8], Stop> {
        let wanted = self.at.saturating_add(count);
        if wanted > self.end {
            return Err(Stop(format!(
                "malformed: {what} at byte {start} needs {count} bytes but the packet ends after {}",
                self.end.saturating_sub(self.at)
            )));
        }
        if wanted > self.body.len() {
            return Err(Stop(format!(
                "{what} at byte {start} and what follows were not decoded (only the first {} bytes were kept)",
                self.header_length + self.body.len()
            )));
        }
        let bytes = &self.body[self.at..wanted];
        self.at = wanted;
        Ok(bytes)
    }

    fn u8(&mut self, what: &str) -> Result<u8, Stop> {
        Ok(self.take(1, what)?[0])
    }

    fn u16(&mut self, what: &str) -> Result<u16, Stop> {
        let bytes = self.take(2, what)?;
        Ok(u16::from_be_bytes([bytes[0], bytes[1]]))
    }

    fn u32(&mut self, what: &str) -> Result<u32, Stop> {
        let bytes = self.take(4, what)?;
        Ok(u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
    }

    fn varint(&mut self, what: &str) -> Result<u32, Stop> {
        let start = self.offset();
        let mut value = 0u32;
        for shift in 0..4 {
            let byte = self.u8(what)?;
            value |= u32::from(byte & 0x7F) << (7 * shift);
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(Stop(format!("malformed: {what} at byte {start} is longer than 4 bytes")))
    }

    fn binary(&mut self, what: &str) -> Result<&'a [u8], Stop> {
        let start = self.offset();
        let length = self.u16(what)?;
        self.take_from(start, usize::from(length), what)
    }

    /// A UTF-8 string; invalid UTF-8 is shown lossily and reported.
    fn text(&mut self, what: &str, problems: &mut Option<String>) -> Result<String, Stop> {
        let start = self.offset();
        let bytes = self.binary(what)?;
        match std::str::from_utf8(bytes) {
            Ok(text) => Ok(text.to_owned()),
            Err(_) => {
                problems.get_or_insert_with(|| format!("{what} at byte {start} is not valid UTF-8"));
                Ok(String::from_utf8_lossy(bytes).into_owned())
            }
        }
    }

    fn remaining(&self) -> usize {
        self.end.saturating_sub(self.at)
    }

    fn at_end(&self) -> bool {
        self.at >= self.end
    }
}

/// Decodes a frame; `seq`, `link`, `time_micros` and `timing` are left for
/// the caller ([`super::capture`]) to fill in.
pub fn decode(frame: &Frame<'_>, protocol: ProtocolVersion, direction: Direction) -> PacketRecord {
    let kind = PacketKind::from_header(frame.first_byte);
    let mut record = PacketRecord {
        seq: 0,
        link: 0,
        time_micros: 0,
        direction,
        protocol,
        kind,
        flags: frame.first_byte & 0x0F,
        size: frame.size(),
        packet_id: None,
        topic: None,
        topic_alias: None,
        topic_from_alias: false,
        reason_codes: Vec::new(),
        fields: Vec::new(),
        filters: Vec::new(),
        properties: Vec::new(),
        payload_size: None,
        payload_preview: None,
        timing: None,
        problem: None,
        basis: Basis::Wire,
    };
    let mut reader =
        Reader { body: frame.body, at: 0, end: frame.remaining_length, header_length: frame.header_length };
    let mut decoder = Decoder { protocol, record: &mut record, problem: None };
    let outcome = decoder.packet(&mut reader);
    let flag_problem = decoder.flag_problem();
    let protocol = decoder.protocol;
    let late = decoder.problem.take();
    let structural = match outcome {
        Err(Stop(stop)) => Some(stop),
        Ok(()) if !reader.at_end() && kind != PacketKind::Publish => Some(format!(
            "malformed: {} unexpected bytes at the end, from byte {}",
            reader.remaining(),
            reader.offset()
        )),
        Ok(()) => None,
    };
    let problems: Vec<String> = [flag_problem, structural, late].into_iter().flatten().collect();
    record.problem = (!problems.is_empty()).then(|| problems.join("; "));
    record.protocol = protocol;
    record
}

struct Decoder<'r> {
    protocol: ProtocolVersion,
    record: &'r mut PacketRecord,
    /// A problem that did not stop decoding (invalid UTF-8, a reason code
    /// the packet type does not allow).
    problem: Option<String>,
}

impl Decoder<'_> {
    fn v5(&self) -> bool {
        self.protocol == ProtocolVersion::V5
    }

    fn field(&mut self, name: &'static str, value: impl Into<String>) {
        self.record.fields.push(Field { name, value: value.into() });
    }

    fn flag_problem(&self) -> Option<String> {
        let kind = self.record.kind;
        let flags = self.record.flags;
        match kind.required_flags() {
            Some(required) if flags != required => {
                Some(format!("malformed: the flags of {kind} must be 0x{required:X}, not 0x{flags:X}"))
            }
            None if self.record.qos_bits() == 3 => Some("malformed: QoS bits are 3, which does not exist".into()),
            None if self.record.duplicate() && self.record.qos_bits() == 0 => {
                Some("malformed: DUP is set on a QoS 0 PUBLISH".into())
            }
            _ => None,
        }
    }

    fn packet(&mut self, reader: &mut Reader<'_>) -> Result<(), Stop> {
        match self.record.kind {
            PacketKind::Reserved => Err(Stop("packet type 0 is reserved: this is not a valid MQTT packet".into())),
            PacketKind::Connect => self.connect(reader),
            PacketKind::ConnAck => self.connack(reader),
            PacketKind::Publish => self.publish(reader),
            PacketKind::PubAck | PacketKind::PubRec | PacketKind::PubRel | PacketKind::PubComp => {
                self.publish_ack(reader)
            }
            PacketKind::Subscribe => self.subscribe(reader),
            PacketKind::SubAck | PacketKind::UnsubAck => self.subscribe_ack(reader),
            PacketKind::Unsubscribe => self.unsubscribe(reader),
            PacketKind::PingReq | PacketKind::PingResp => Ok(()),
            PacketKind::Disconnect | PacketKind::Auth => self.reason_and_properties(reader),
        }
    }

    fn reason(&mut self, reader: &mut Reader<'_>) -> Result<(), Stop> {
        let code = reader.u8("reason code")?;
        self.push_reason(code);
        Ok(())
    }

    fn push_reason(&mut self, code: u8) {
        if let Err(invalid) = super::codes::reason_name(self.protocol, self.record.kind, code) {
            self.problem.get_or_insert(invalid);
        }
        self.record.reason_codes.push(code);
    }

    fn properties(&mut self, reader: &mut Reader<'_>) -> Result<(), Stop> {
        let length = reader.varint("property length")? as usize;
        let end = reader.at.saturating_add(length);
        if end > reader.end {
            return Err(Stop(format!(
                "malformed: the properties at byte {} claim {length} bytes, past the end of the packet",
                reader.offset()
            )));
        }
        while reader.at < end {
            let offset = reader.offset();
            let id = reader.u8("property identifier")?;
            let Some((name, encoding)) = property_info(id) else {
                // Its length is unknown: skip the rest of the block.
                let rest = end - reader.at;
                reader.take(rest, "properties")?;
                return Err(Stop(format!("malformed: unknown property 0x{id:02X} at byte {offset}")));
            };
            let value = match encoding {
                PropertyType::Byte => PropertyValue::Byte(reader.u8(name)?),
                PropertyType::U16 => PropertyValue::U16(reader.u16(name)?),
                PropertyType::U32 => PropertyValue::U32(reader.u32(name)?),
                PropertyType::VarInt => PropertyValue::VarInt(reader.varint(name)?),
                PropertyType::Text => PropertyValue::Text(reader.text(name, &mut self.problem)?),
                PropertyType::Binary if id == super::codes::property::AUTHENTICATION_DATA => {
                    PropertyValue::Hidden(reader.binary(name)?.len())
                }
                PropertyType::Binary => PropertyValue::Binary(reader.binary(name)?.to_vec()),
                PropertyType::Pair => {
                    let key = reader.text(name, &mut self.problem)?;
                    PropertyValue::Pair(key, reader.text(name, &mut self.problem)?)
                }
            };
            self.record.properties.push(Property { id, name, value });
        }
        if reader.at > end {
            return Err(Stop(format!(
                "malformed: a property runs past the end of its block (byte {offset})",
                offset = reader.offset()
            )));
        }
        Ok(())
    }

    fn connect(&mut self, reader: &mut Reader<'_>) -> Result<(), Stop> {
        let name = reader.text("protocol name", &mut self.problem)?;
        let level = reader.u8("protocol level")?;
        // The packet says which protocol it speaks; decode the rest by it.
        self.protocol = if level == 5 { ProtocolVersion::V5 } else { ProtocolVersion::V311 };
        let version = match level {
            3 => "3.1",
            4 => "3.1.1",
            5 => "5.0",
            _ => "unknown",
        };
        self.field("Protocol", format!("{name} level {level} (MQTT {version})"));
        let flags = reader.u8("connect flags")?;
        let clean = if self.v5() { "Clean start" } else { "Clean session" };
        self.field(clean, yes_no(flags & 0b10 != 0));
        let keep_alive = reader.u16("keep alive")?;
        self.field("Keep alive", format!("{keep_alive} s"));
        if self.v5() {
            self.properties(reader)?;
        }
        let client_id = reader.text("client identifier", &mut self.problem)?;
        self.field("Client ID", client_id);
        if flags & 0b100 != 0 {
            if self.v5() {
                let before = self.record.properties.len();
                self.properties(reader)?;
                let will: Vec<Property> = self.record.properties.drain(before..).collect();
                for property in will {
                    self.field("Will property", format!("{} = {}", property.name, property.value));
                }
            }
            let topic = reader.text("will topic", &mut self.problem)?;
            self.field("Will topic", topic);
            let payload = reader.binary("will payload")?;
            self.field("Will payload", preview_text(payload));
            self.field("Will QoS", ((flags >> 3) & 0b11).to_string());
            self.field("Will retain", yes_no(flags & 0b10_0000 != 0));
        }
        if flags & 0b1000_0000 != 0 {
            let user = reader.text("user name", &mut self.problem)?;
            self.field("User name", user);
        }
        if flags & 0b100_0000 != 0 {
            let password = reader.binary("password")?;
            self.field("Password", format!("{} bytes (hidden)", password.len()));
        }
        if flags & 1 != 0 {
            self.problem.get_or_insert_with(|| "malformed: the reserved connect flag is set".into());
        }
        Ok(())
    }

    fn connack(&mut self, reader: &mut Reader<'_>) -> Result<(), Stop> {
        let acknowledge = reader.u8("acknowledge flags")?;
        self.field("Session present", yes_no(acknowledge & 1 != 0));
        self.reason(reader)?;
        if self.v5() && !reader.at_end() {
            self.properties(reader)?;
        }
        Ok(())
    }

    fn publish(&mut self, reader: &mut Reader<'_>) -> Result<(), Stop> {
        let topic = reader.text("topic name", &mut self.problem)?;
        self.record.topic = Some(topic);
        if self.record.qos_bits() > 0 {
            self.record.packet_id = Some(reader.u16("packet identifier")?);
        }
        if self.v5() {
            self.properties(reader)?;
            self.record.topic_alias = self.record.properties.iter().find_map(|property| match property.value {
                PropertyValue::U16(alias) if property.id == super::codes::property::TOPIC_ALIAS => Some(alias),
                _ => None,
            });
        }
        let size = reader.remaining();
        self.record.payload_size = Some(size);
        let kept = reader.body.len().saturating_sub(reader.at).min(size).min(PREVIEW_BYTES);
        self.record.payload_preview = Some(reader.body[reader.at..reader.at + kept].to_vec());
        Ok(())
    }

    fn publish_ack(&mut self, reader: &mut Reader<'_>) -> Result<(), Stop> {
        self.record.packet_id = Some(reader.u16("packet identifier")?);
        if self.v5() {
            if !reader.at_end() {
                self.reason(reader)?;
            }
            if !reader.at_end() {
                self.properties(reader)?;
            }
        }
        Ok(())
    }

    fn subscribe(&mut self, reader: &mut Reader<'_>) -> Result<(), Stop> {
        self.record.packet_id = Some(reader.u16("packet identifier")?);
        if self.v5() {
            self.properties(reader)?;
        }
        while !reader.at_end() {
            let filter = reader.text("topic filter", &mut self.problem)?;
            let options = reader.u8("subscription options")?;
            self.record.filters.push(TopicFilter { filter, options: Some(options) });
        }
        Ok(())
    }

    fn subscribe_ack(&mut self, reader: &mut Reader<'_>) -> Result<(), Stop> {
        self.record.packet_id = Some(reader.u16("packet identifier")?);
        if self.v5() {
            self.properties(reader)?;
        }
        if self.record.kind == PacketKind::UnsubAck && !self.v5() {
            return Ok(());
        }
        while !reader.at_end() {
            self.reason(reader)?;
        }
        Ok(())
    }

    fn unsubscribe(&mut self, reader: &mut Reader<'_>) -> Result<(), Stop> {
        self.record.packet_id = Some(reader.u16("packet identifier")?);
        if self.v5() {
            self.properties(reader)?;
        }
        while !reader.at_end() {
            let filter = reader.text("topic filter", &mut self.problem)?;
            self.record.filters.push(TopicFilter { filter, options: None });
        }
        Ok(())
    }

    fn reason_and_properties(&mut self, reader: &mut Reader<'_>) -> Result<(), Stop> {
        if !self.v5() {
            if self.record.kind == PacketKind::Auth {
                return Err(Stop("AUTH does not exist in MQTT 3.1.1".into()));
            }
            return Ok(());
        }
        if !reader.at_end() {
            self.reason(reader)?;
        }
        if !reader.at_end() {
            self.properties(reader)?;
        }
        Ok(())
    }
}

fn yes_no(value: bool) -> &'static str {
    if value { "yes" } else { "no" }
}

/// A short, printable preview of bytes: text when it is text, else hex.
fn preview_text(bytes: &[u8]) -> String {
    let shown = &bytes[..bytes.len().min(64)];
    let more = if bytes.len() > shown.len() { "…" } else { "" };
    match std::str::from_utf8(shown) {
        Ok(text) if !text.chars().any(char::is_control) => format!("{text:?}{more} ({} bytes)", bytes.len()),
        _ => format!(
            "0x{}{more} ({} bytes)",
            shown.iter().map(|byte| format!("{byte:02x}")).collect::<String>(),
            bytes.len()
        ),
    }
}
