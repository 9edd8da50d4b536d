//! Numbers inside binary payloads, as MQTT Explorer users read sensor
//! frames: every integer and float type at a byte offset, in little and big
//! endian.

/// Byte order of a numeric view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Endian {
    /// Least significant byte first (most MCUs).
    #[default]
    Little,
    /// Most significant byte first (network order).
    Big,
}

/// The types a numeric view shows, with their widths.
pub const NUMERIC_TYPES: [(&str, usize); 10] = [
    ("int8", 1),
    ("uint8", 1),
    ("int16", 2),
    ("uint16", 2),
    ("int32", 4),
    ("uint32", 4),
    ("int64", 8),
    ("uint64", 8),
    ("float32", 4),
    ("float64", 8),
];

fn array<const N: usize>(bytes: &[u8], offset: usize, endian: Endian) -> Option<[u8; N]> {
    let mut array: [u8; N] = bytes.get(offset..offset.checked_add(N)?)?.try_into().ok()?;
    if endian == Endian::Big {
        array.reverse();
    }
    Some(array)
}

/// `(type, value)` for every numeric type that fits at `offset`; the value
/// is `None` when the payload ends before the type's width.
pub fn numbers_at(bytes: &[u8], offset: usize, endian: Endian) -> Vec<(&'static str, Option<String>)> {
    NUMERIC_TYPES
        .iter()
        .map(|(name, _)| {
            let value = match *name {
                "int8" => bytes.get(offset).map(|byte| (*byte as i8).to_string()),
                "uint8" => bytes.get(offset).map(u8::to_string),
                "int16" => array::<2>(bytes, offset, endian).map(|a| i16::from_le_bytes(a).to_string()),
                "uint16" => array::<2>(bytes, offset, endian).map(|a| u16::from_le_bytes(a).to_string()),
                "int32" => array::<4>(bytes, offset, endian).map(|a| i32::from_le_bytes(a).to_string()),
                "uint32" => array::<4>(bytes, offset, endian).map(|a| u32::from_le_bytes(a).to_string()),
                "int64" => array::<8>(bytes, offset, endian).map(|a| i64::from_le_bytes(a).to_string()),
                "uint64" => array::<8>(bytes, offset, endian).map(|a| u64::from_le_bytes(a).to_string()),
                "float32" => array::<4>(bytes, offset, endian).map(|a| f32::from_le_bytes(a).to_string()),
                _ => array::<8>(bytes, offset, endian).map(|a| f64::from_le_bytes(a).to_string()),
            };
            (*name, value)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(bytes: &[u8], offset: usize, endian: Endian, name: &str) -> Option<String> {
        numbers_at(bytes, offset, endian)
            .into_iter()
            .find(|(type_name, _)| *type_name == name)
            .and_then(|(_, value)| value)
    }

    #[test]
    fn numbers_read_both_ways_and_stop_at_the_end() {
        // 0xFFFE at 1: -2 little-endian int16; 0xFEFF big-endian = -257.
        let bytes = [0x00, 0xFE, 0xFF, 0x00, 0x00, 0x80, 0x3F];
        assert_eq!(value(&bytes, 1, Endian::Little, "int16").as_deref(), Some("-2"));
        assert_eq!(value(&bytes, 1, Endian::Big, "int16").as_deref(), Some("-257"));
        assert_eq!(value(&bytes, 3, Endian::Little, "float32").as_deref(), Some("1"));
        assert_eq!(value(&bytes, 1, Endian::Little, "uint8").as_deref(), Some("254"));
        assert_eq!(value(&bytes, 1, Endian::Little, "int8").as_deref(), Some("-2"));
        assert_eq!(value(&bytes, 4, Endian::Little, "float64"), None);
        assert_eq!(value(&bytes, usize::MAX, Endian::Little, "uint64"), None);
        assert_eq!(value(&bytes, 7, Endian::Little, "uint8"), None);
    }
}
