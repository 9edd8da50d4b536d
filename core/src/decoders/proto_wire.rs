//! The protobuf wire format read by hand where the decoder says too little:
//! a walk guided by the schema that finds the byte offset and field path of
//! the first thing that breaks (prost says what broke, not where), and the
//! value of a field the schema does not know.

use prost::encoding::WireType;
use prost_reflect::{Kind, MessageDescriptor, UnknownField};

use super::proto_tree::{DecodedValue, kind_name};

/// Where a payload first stops being the message type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StructuralError {
    /// Byte offset from the start of the payload.
    pub offset: usize,
    /// The field path, e.g. `Reading.location.lat` or `Reading.#9`.
    pub field: String,
    /// What is wrong there.
    pub problem: String,
}

/// Deepest nesting walked.
const MAX_DEPTH: usize = 100;

fn read_varint(bytes: &[u8], position: &mut usize) -> Option<u64> {
    let mut value = 0u64;
    for shift in 0..10 {
        let byte = *bytes.get(*position)?;
        *position += 1;
        value |= u64::from(byte & 0x7F) << (7 * shift);
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

fn expected_wire_type(kind: &Kind) -> u64 {
    match kind {
        Kind::Double | Kind::Fixed64 | Kind::Sfixed64 => 1,
        Kind::Float | Kind::Fixed32 | Kind::Sfixed32 => 5,
        Kind::String | Kind::Bytes | Kind::Message(_) => 2,
        _ => 0,
    }
}

fn wire_type_name(wire_type: u64) -> &'static str {
    match wire_type {
        0 => "varint",
        1 => "64-bit",
        2 => "length-delimited",
        3 => "group start",
        4 => "group end",
        5 => "32-bit",
        _ => "invalid",
    }
}

/// The first structural error in `bytes` read as `descriptor`, if any.
pub fn first_structural_error(descriptor: &MessageDescriptor, bytes: &[u8]) -> Option<StructuralError> {
    walk(descriptor, bytes, 0, descriptor.full_name(), 0)
}

fn walk(
    descriptor: &MessageDescriptor,
    bytes: &[u8],
    base: usize,
    path: &str,
    depth: usize,
) -> Option<StructuralError> {
    if depth > MAX_DEPTH {
        return Some(StructuralError {
            offset: base,
            field: path.to_owned(),
            problem: format!("nested more than {MAX_DEPTH} levels deep"),
        });
    }
    let mut position = 0;
    while position < bytes.len() {
        let start = position;
        let fail = |field: String, problem: String| Some(StructuralError { offset: base + start, field, problem });
        let Some(tag) = read_varint(bytes, &mut position) else {
            return fail(path.to_owned(), "the field tag is cut off".into());
        };
        let number = tag >> 3;
        let wire_type = tag & 7;
        let field = u32::try_from(number).ok().and_then(|number| descriptor.get_field(number));
        let name = match &field {
            Some(field) => format!("{path}.{}", field.name()),
            None => format!("{path}.#{number}"),
        };
        if number == 0 {
            return fail(name, "field number 0 is not allowed".into());
        }
        if let Some(field) = &field {
            let expected = expected_wire_type(&field.kind());
            // Repeated numbers may come packed (length-delimited).
            let packed = wire_type == 2 && field.is_list() && expected != 2;
            let group = field.is_group() && (wire_type == 3 || wire_type == 4);
            if wire_type != expected && !packed && !group {
                return fail(
                    name,
                    format!(
                        "{} wire type where a {} field expects {}",
                        wire_type_name(wire_type),
                        kind_name(&field.kind()),
                        wire_type_name(expected)
                    ),
                );
            }
        }
        match wire_type {
            0 => {
                if read_varint(bytes, &mut position).is_none() {
                    return fail(name, "the varint value is cut off".into());
                }
            }
            1 | 5 => {
                let width = if wire_type == 1 { 8 } else { 4 };
                if bytes.len() - position < width {
                    return fail(
                        name,
                        format!("a {}-bit value needs {width} bytes, {} left", width * 8, bytes.len() - position),
                    );
                }
                position += width;
            }
            2 => {
                let Some(length) = read_varint(bytes, &mut position) else {
                    return fail(name, "the length is cut off".into());
                };
                let left = bytes.len() - position;
                let Some(length) = usize::try_from(length).ok().filter(|length| *length <= left) else {
                    return fail(name, format!("a length of {length} bytes runs past the end ({left} left)"));
                };
                let body = &bytes[position..position + length];
                if let Some(Kind::Message(inner)) = field.as_ref().map(prost_reflect::FieldDescriptor::kind)
                    && let Some(error) = walk(&inner, body, base + position, &name, depth + 1)
                {
                    return Some(error);
                }
                position += length;
            }
            // Groups are rare and prost's own message says enough.
            3 | 4 => return None,
            _ => return fail(name, format!("wire type {wire_type} does not exist")),
        }
    }
    None
}

/// An unknown field's wire type and value: varints as unsigned numbers,
/// fixed-width values as unsigned numbers, length-delimited ones as bytes.
pub fn unknown_field_value(field: &UnknownField) -> (String, DecodedValue) {
    let mut encoded = Vec::new();
    field.encode(&mut encoded);
    let mut position = 0;
    let _tag = read_varint(&encoded, &mut position);
    let rest = encoded.get(position..).unwrap_or_default();
    match field.wire_type() {
        WireType::Varint => {
            let value = read_varint(rest, &mut 0).unwrap_or(0);
            ("varint".into(), DecodedValue::UInt(value))
        }
        WireType::SixtyFourBit => {
            let bytes: [u8; 8] = rest.get(..8).and_then(|bytes| bytes.try_into().ok()).unwrap_or_default();
            ("fixed64".into(), DecodedValue::UInt(u64::from_le_bytes(bytes)))
        }
        WireType::ThirtyTwoBit => {
            let bytes: [u8; 4] = rest.get(..4).and_then(|bytes| bytes.try_into().ok()).unwrap_or_default();
            ("fixed32".into(), DecodedValue::UInt(u64::from(u32::from_le_bytes(bytes))))
        }
        WireType::LengthDelimited => {
            let mut position = 0;
            let length = read_varint(rest, &mut position).and_then(|length| usize::try_from(length).ok()).unwrap_or(0);
            let body = rest.get(position..position + length).unwrap_or_default();
            ("length-delimited".into(), DecodedValue::Bytes(body.to_vec()))
        }
        WireType::StartGroup | WireType::EndGroup => ("group".into(), DecodedValue::Bytes(rest.to_vec())),
    }
}
