//! Payload formats: turning what the user typed into bytes to publish, and
//! turning received bytes into previews, pretty JSON and hex dumps.
//!
//! Every function here is bounded by its arguments, so the UI can call them
//! on a 20 MB payload without freezing (it asks for a prefix or one line).

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// How the composer's text is turned into payload bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum PayloadFormat {
    /// UTF-8 text, sent as typed.
    #[default]
    Text,
    /// JSON, validated before sending and sent as typed.
    Json,
    /// Hexadecimal bytes; whitespace, ':' and '0x' prefixes are ignored.
    Hex,
    /// Standard base64 (RFC 4648) with or without padding; whitespace ignored.
    Base64,
}

impl PayloadFormat {
    /// All formats, in the order the UI offers them.
    pub const ALL: [PayloadFormat; 4] = [Self::Text, Self::Json, Self::Hex, Self::Base64];

    /// A short label for menus.
    pub fn label(self) -> &'static str {
        match self {
            Self::Text => "Text",
            Self::Json => "JSON",
            Self::Hex => "Hex",
            Self::Base64 => "Base64",
        }
    }
}

/// Why the composer's text cannot be encoded in the chosen format.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PayloadError {
    /// The text is not JSON; line and column are 1-based like an editor's.
    #[error("invalid JSON at line {line}, column {column}: {message}")]
    Json {
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// What serde_json found wrong.
        message: String,
    },
    /// A character that is not a hex digit.
    #[error("invalid hex character '{character}' at position {position}")]
    HexCharacter {
        /// The offending character.
        character: char,
        /// 1-based character position in the input.
        position: usize,
    },
    /// Hex needs two digits per byte.
    #[error("hex input has an odd number of digits ({0}); each byte needs two")]
    HexOddLength(usize),
    /// The base64 decoder's complaint.
    #[error("invalid base64: {0}")]
    Base64(String),
}

/// Encodes the composer's text as payload bytes in the chosen format.
pub fn encode_payload(input: &str, format: PayloadFormat) -> Result<Vec<u8>, PayloadError> {
    match format {
        PayloadFormat::Text => Ok(input.as_bytes().to_vec()),
        PayloadFormat::Json => {
            validate_json(input)?;
            Ok(input.as_bytes().to_vec())
        }
        PayloadFormat::Hex => decode_hex(input),
        PayloadFormat::Base64 => {
            let compact: String = input.chars().filter(|c| !c.is_whitespace()).collect();
            base64::engine::general_purpose::STANDARD
                .decode(compact.as_bytes())
                .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(compact.as_bytes()))
                .map_err(|error| PayloadError::Base64(error.to_string()))
        }
    }
}

/// Checks that the text is one JSON value, reporting the error position.
pub fn validate_json(input: &str) -> Result<(), PayloadError> {
    serde_json::from_str::<serde::de::IgnoredAny>(input).map(|_| ()).map_err(|error| PayloadError::Json {
        line: error.line(),
        column: error.column(),
        message: strip_position_suffix(&error.to_string()),
    })
}

fn strip_position_suffix(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(index) => message[..index].to_owned(),
        None => message.to_owned(),
    }
}

fn decode_hex(input: &str) -> Result<Vec<u8>, PayloadError> {
    let mut digits = Vec::with_capacity(input.len());
    let chars: Vec<char> = input.chars().collect();
    let mut index = 0;
    while index < chars.len() {
        let character = chars[index];
        let is_prefix = character == '0'
            && matches!(chars.get(index + 1), Some('x' | 'X'))
            && (index == 0 || !chars[index - 1].is_ascii_hexdigit());
        if is_prefix {
            index += 2;
            continue;
        }
        if character.is_whitespace() || character == ':' || character == ',' {
            index += 1;
            continue;
        }
        let value = character.to_digit(16).ok_or(PayloadError::HexCharacter { character, position: index + 1 })?;
        digits.push(value as u8);
        index += 1;
    }
    if digits.len() % 2 != 0 {
        return Err(PayloadError::HexOddLength(digits.len()));
    }
    Ok(digits.chunks_exact(2).map(|pair| (pair[0] << 4) | pair[1]).collect())
}

/// Renders bytes back into the composer's text for a format (used when the
/// user switches format with a payload already typed).
pub fn render_in_format(bytes: &[u8], format: PayloadFormat) -> String {
    match format {
        PayloadFormat::Text | PayloadFormat::Json => String::from_utf8_lossy(bytes).into_owned(),
        PayloadFormat::Hex => {
            let mut out = String::with_capacity(bytes.len() * 3);
            for (index, byte) in bytes.iter().enumerate() {
                if index > 0 {
                    out.push(if index % 16 == 0 { '\n' } else { ' ' });
                }
                out.push_str(&format!("{byte:02x}"));
            }
            out
        }
        PayloadFormat::Base64 => base64::engine::general_purpose::STANDARD.encode(bytes),
    }
}

/// A one-line, length-bounded rendering of a payload for the log table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    /// The text to show.
    pub text: String,
    /// True when the payload was longer than the preview.
    pub truncated: bool,
    /// True when the payload is not UTF-8 and the preview is hex.
    pub binary: bool,
}

/// How many bytes of a payload are looked at to build a preview.
pub const PREVIEW_SCAN_BYTES: usize = 512;

/// Builds a single-line preview of at most `max_chars` characters, looking
/// at no more than [`PREVIEW_SCAN_BYTES`] of the payload.
pub fn preview(payload: &[u8], max_chars: usize) -> Preview {
    let scanned = &payload[..payload.len().min(PREVIEW_SCAN_BYTES)];
    let text_prefix = match std::str::from_utf8(scanned) {
        Ok(text) => Some(text),
        // A multi-byte character cut by the scan window is still text.
        Err(error) if error.error_len().is_none() && scanned.len() < payload.len() => {
            std::str::from_utf8(&scanned[..error.valid_up_to()]).ok()
        }
        Err(_) => None,
    };
    match text_prefix {
        Some(text) if !looks_binary(text) => {
            let mut out = String::with_capacity(max_chars.min(text.len()));
            let mut truncated = false;
            for (count, character) in text.chars().enumerate() {
                if count == max_chars {
                    truncated = true;
                    break;
                }
                out.push(match character {
                    '\n' | '\r' | '\t' => ' ',
                    other => other,
                });
            }
            let consumed = out.len();
            Preview { text: out, truncated: truncated || consumed < payload.len(), binary: false }
        }
        _ => {
            let byte_count = (max_chars / 3).max(1).min(payload.len());
            let text = payload[..byte_count].iter().map(|byte| format!("{byte:02x}")).collect::<Vec<_>>().join(" ");
            Preview { text, truncated: byte_count < payload.len(), binary: true }
        }
    }
}

fn looks_binary(text: &str) -> bool {
    text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// True when the whole payload is UTF-8 text without control characters.
pub fn is_text(payload: &[u8]) -> bool {
    std::str::from_utf8(payload).is_ok_and(|text| !looks_binary(text))
}

/// Bytes per line of a hex dump.
pub const HEX_BYTES_PER_LINE: usize = 16;

/// Number of lines in the hex dump of `len` bytes at `per_line` bytes a line.
pub fn hex_dump_line_count(len: usize, per_line: usize) -> usize {
    len.div_ceil(per_line.max(1))
}

/// Characters in one hex dump line of `per_line` bytes, so a view can pick
/// how many bytes fit its width.
pub fn hex_dump_line_width(per_line: usize) -> usize {
    // Offset and two spaces, "xx " per byte, the middle gap, " |ascii|".
    10 + per_line * 3 + usize::from(per_line > 8) + 2 + per_line + 1
}

/// One line of a classic hex dump: offset, `per_line` hex bytes (16 is
/// the classic width, split in two halves), ASCII column. Lines are
/// produced one at a time so a huge payload is rendered lazily.
pub fn hex_dump_line(payload: &[u8], line: usize, per_line: usize) -> String {
    let per_line = per_line.max(1);
    let start = line * per_line;
    let end = (start + per_line).min(payload.len());
    let chunk = payload.get(start..end).unwrap_or_default();
    let mut out = format!("{start:08x}  ");
    for column in 0..per_line {
        match chunk.get(column) {
            Some(byte) => out.push_str(&format!("{byte:02x} ")),
            None => out.push_str("   "),
        }
        if per_line > 8 && column + 1 == per_line / 2 {
            out.push(' ');
        }
    }
    out.push(' ');
    out.push('|');
    out.extend(chunk.iter().map(|byte| if byte.is_ascii_graphic() || *byte == b' ' { char::from(*byte) } else { '.' }));
    out.push('|');
    out
}

/// Pretty-printed JSON, or `None` when the payload is not JSON.
pub fn pretty_json(payload: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(payload).ok()?;
    serde_json::to_string_pretty(&value).ok()
}

/// A human-friendly byte count: "512 B", "1.5 KiB", "20.0 MiB".
pub fn human_size(bytes: usize) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// Appends `/key` to a JSON pointer with RFC 6901 escaping (`~` → `~0`,
/// `/` → `~1`).
pub fn push_pointer_segment(pointer: &mut String, key: &str) {
    pointer.push('/');
    pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
}

/// What a piece of JSON text is, for syntax colouring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonToken {
    /// An object key (a string followed by ':').
    Key,
    /// A string value.
    String,
    /// A number.
    Number,
    /// true, false or null.
    Literal,
    /// Brackets, commas, colons, spaces.
    Punctuation,
}

/// Splits one line of JSON text into coloured pieces. `in_string` says the
/// line starts inside a string (a long line cut into rows); the second
/// value returned says whether it ends inside one.
pub fn json_tokens(line: &str, in_string: bool) -> (Vec<(std::ops::Range<usize>, JsonToken)>, bool) {
    let bytes = line.as_bytes();
    let mut tokens = Vec::new();
    let mut index = 0;
    let mut open_string = in_string;
    while index < bytes.len() {
        let start = index;
        if open_string || bytes[index] == b'"' {
            if !open_string {
                index += 1;
            }
            open_string = true;
            while index < bytes.len() {
                match bytes[index] {
                    b'\\' => index += 2,
                    b'"' => {
                        index += 1;
                        open_string = false;
                        break;
                    }
                    _ => index += 1,
                }
            }
            index = index.min(bytes.len());
            let rest = line.get(index..).unwrap_or_default().trim_start();
            let kind = if !open_string && rest.starts_with(':') { JsonToken::Key } else { JsonToken::String };
            tokens.push((start..index, kind));
            continue;
        }
        let byte = bytes[index];
        let kind = if byte == b'-' || byte.is_ascii_digit() {
            while index < bytes.len() && matches!(bytes[index], b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E') {
                index += 1;
            }
            JsonToken::Number
        } else if byte.is_ascii_alphabetic() {
            while index < bytes.len() && bytes[index].is_ascii_alphabetic() {
                index += 1;
            }
            JsonToken::Literal
        } else {
            while index < bytes.len() && !matches!(bytes[index], b'"' | b'-' | b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z')
            {
                index += 1;
            }
            JsonToken::Punctuation
        };
        tokens.push((start..index, kind));
    }
    (tokens, open_string)
}

/// A file name for saving a payload: the topic with its separators made
/// safe for every file system, and an extension from the content
/// (`.json`, `.txt`, or `.bin`).
pub fn payload_file_name(topic: &str, payload: &[u8]) -> String {
    let mut stem: String = topic
        .chars()
        .map(|c| if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' })
        .take(100)
        .collect();
    stem = stem.trim_matches(['_', '.']).to_owned();
    if stem.is_empty() {
        stem = "payload".into();
    }
    let extension = if serde_json::from_slice::<serde::de::IgnoredAny>(payload).is_ok() {
        "json"
    } else if is_text(payload) {
        "txt"
    } else {
        "bin"
    };
    format!("{stem}.{extension}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_lines_split_into_coloured_tokens() {
        let line = r#"  "key \" x": [-1.5e3, true, null, "v"],"#;
        let (tokens, open) = json_tokens(line, false);
        let pieces: Vec<(&str, JsonToken)> = tokens.iter().map(|(range, kind)| (&line[range.clone()], *kind)).collect();
        assert!(!open);
        assert_eq!(
            pieces,
            vec![
                ("  ", JsonToken::Punctuation),
                (r#""key \" x""#, JsonToken::Key),
                (": [", JsonToken::Punctuation),
                ("-1.5e3", JsonToken::Number),
                (", ", JsonToken::Punctuation),
                ("true", JsonToken::Literal),
                (", ", JsonToken::Punctuation),
                ("null", JsonToken::Literal),
                (", ", JsonToken::Punctuation),
                (r#""v""#, JsonToken::String),
                ("],", JsonToken::Punctuation),
            ]
        );
        let (tokens, open) = json_tokens(r#"  "a long str"#, false);
        assert!(open);
        assert_eq!(tokens.last().map(|t| t.1), Some(JsonToken::String));
        let (tokens, open) = json_tokens(r#"ing end", 1"#, true);
        assert!(!open);
        assert_eq!(tokens[0], (0..8, JsonToken::String));
        assert_eq!(tokens.last(), Some(&(10..11, JsonToken::Number)));
    }

    #[test]
    fn pretty_json_keeps_the_senders_key_order() {
        let pretty = pretty_json(br#"{"zone": 1, "alpha": {"y": 2, "b": 3}}"#).expect("json");
        let keys: Vec<&str> = pretty.lines().filter_map(|line| line.trim().split('"').nth(1)).collect();
        assert_eq!(keys, vec!["zone", "alpha", "y", "b"]);
    }

    #[test]
    fn payload_file_names_are_safe_and_typed() {
        assert_eq!(payload_file_name("plant/line 1/temp", b"{\"v\": 1}"), "plant_line_1_temp.json");
        assert_eq!(payload_file_name("$SYS/broker/uptime", b"12 seconds"), "SYS_broker_uptime.txt");
        assert_eq!(payload_file_name("../..", &[0, 159, 146, 150]), "payload.bin");
        assert_eq!(payload_file_name("a:b*c?", b"x"), "a_b_c.txt");
    }

    #[test]
    fn text_is_sent_as_typed() {
        assert_eq!(encode_payload("héllo\n", PayloadFormat::Text), Ok("héllo\n".as_bytes().to_vec()));
    }

    #[test]
    fn json_is_validated_with_its_error_position() {
        assert_eq!(encode_payload("{\"a\": 1}", PayloadFormat::Json), Ok(b"{\"a\": 1}".to_vec()));
        let error = encode_payload("{\n  \"a\": 1,\n  \"b\": }", PayloadFormat::Json).unwrap_err();
        match error {
            PayloadError::Json { line, column, ref message } => {
                assert_eq!((line, column), (3, 8));
                assert!(message.contains("expected value"), "{message}");
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(error.to_string().starts_with("invalid JSON at line 3, column 8"));
    }

    #[test]
    fn hex_accepts_common_spellings_and_reports_bad_digits() {
        assert_eq!(encode_payload("de ad be ef", PayloadFormat::Hex), Ok(vec![0xde, 0xad, 0xbe, 0xef]));
        assert_eq!(encode_payload("0xDE 0xAD", PayloadFormat::Hex), Ok(vec![0xde, 0xad]));
        assert_eq!(encode_payload("00:ff\n10", PayloadFormat::Hex), Ok(vec![0, 255, 16]));
        assert_eq!(encode_payload("", PayloadFormat::Hex), Ok(vec![]));
        assert_eq!(
            encode_payload("ab zz", PayloadFormat::Hex),
            Err(PayloadError::HexCharacter { character: 'z', position: 4 })
        );
        assert_eq!(encode_payload("abc", PayloadFormat::Hex), Err(PayloadError::HexOddLength(3)));
    }

    #[test]
    fn base64_round_trips_and_reports_errors() {
        assert_eq!(encode_payload("aGVsbG8=", PayloadFormat::Base64), Ok(b"hello".to_vec()));
        assert_eq!(encode_payload("aGVsbG8", PayloadFormat::Base64), Ok(b"hello".to_vec()));
        assert_eq!(encode_payload("aGVs\nbG8=", PayloadFormat::Base64), Ok(b"hello".to_vec()));
        assert!(matches!(encode_payload("a$==", PayloadFormat::Base64), Err(PayloadError::Base64(_))));
    }

    #[test]
    fn render_in_format_inverts_encoding() {
        let bytes = [0u8, 1, 0xfe, 0xff, b'a'];
        for format in [PayloadFormat::Hex, PayloadFormat::Base64] {
            let rendered = render_in_format(&bytes, format);
            assert_eq!(encode_payload(&rendered, format), Ok(bytes.to_vec()), "{format:?}");
        }
    }

    #[test]
    fn preview_is_bounded_and_flags_truncation() {
        let short = preview(b"hello\nworld", 80);
        assert_eq!(short, Preview { text: "hello world".into(), truncated: false, binary: false });
        let long = vec![b'x'; 10_000_000];
        let cut = preview(&long, 20);
        assert_eq!(cut.text.len(), 20);
        assert!(cut.truncated && !cut.binary);
        let binary = preview(&[0, 159, 146, 150], 80);
        assert_eq!(binary, Preview { text: "00 9f 92 96".into(), truncated: false, binary: true });
    }

    #[test]
    fn preview_keeps_text_when_the_scan_window_cuts_a_character() {
        let mut payload = "a".repeat(PREVIEW_SCAN_BYTES - 1).into_bytes();
        payload.extend("温度".as_bytes());
        let shown = preview(&payload, 1000);
        assert!(!shown.binary);
        assert!(shown.truncated);
    }

    #[test]
    fn hex_dump_lines_have_offset_bytes_and_ascii() {
        let payload: Vec<u8> = (0u8..20).chain(*b"AB").collect();
        assert_eq!(hex_dump_line_count(payload.len(), 16), 2);
        assert_eq!(
            hex_dump_line(&payload, 0, 16),
            "00000000  00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f  |................|"
        );
        assert_eq!(
            hex_dump_line(&payload, 1, 16),
            "00000010  10 11 12 13 41 42                                 |....AB|"
        );
        assert_eq!(hex_dump_line(&payload, 5, 16), format!("00000050{}||", " ".repeat(52)));
        assert_eq!(hex_dump_line(&payload, 0, 16).len(), hex_dump_line_width(16));
        // Narrow views: 8 bytes a line, no middle gap; the width is what the view measures.
        assert_eq!(hex_dump_line_count(payload.len(), 8), 3);
        assert_eq!(hex_dump_line(&payload, 2, 8), "00000010  10 11 12 13 41 42        |....AB|");
        assert_eq!(hex_dump_line(&payload, 0, 8).chars().count(), hex_dump_line_width(8));
    }

    #[test]
    fn pretty_json_and_sizes() {
        assert_eq!(pretty_json(b"{\"a\":[1,2]}").as_deref(), Some("{\n  \"a\": [\n    1,\n    2\n  ]\n}"));
        assert_eq!(pretty_json(b"not json"), None);
        assert_eq!(human_size(12), "12 B");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(20 * 1024 * 1024), "20.0 MiB");
        assert!(is_text("温度 ok".as_bytes()));
        assert!(!is_text(&[0xff, 0xfe]));
    }
}
