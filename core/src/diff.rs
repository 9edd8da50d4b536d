//! Comparing two payloads, the way a tester reads them: JSON structurally
//! (what changed, by JSON pointer, ignoring key order and formatting), text
//! by line, binary by byte range. Bounded in input, time and output, and it
//! says when it had to stop rather than showing a partial answer as whole.

use std::ops::Range;
use std::time::{Duration, Instant};

use serde_json::Value;
use similar::{Algorithm, DiffTag, TextDiff};

use crate::payload::push_pointer_segment;

/// Largest payload (per side) compared in detail; larger ones get a summary.
pub const MAX_DIFF_INPUT: usize = 4 * 1024 * 1024;
/// Most changes (or lines) reported; the rest are counted as cut.
pub const MAX_CHANGES: usize = 5_000;
/// Lines of unchanged context kept around each changed text hunk.
const CONTEXT_LINES: usize = 3;
/// Longest a line or byte diff may search for the smallest edit.
const DIFF_TIMEOUT: Duration = Duration::from_millis(400);

/// The result of comparing an older payload with a newer one.
#[derive(Debug, Clone, PartialEq)]
pub enum PayloadDiff {
    /// Byte for byte the same.
    Identical,
    /// Both are JSON: the changed values, by pointer.
    Json {
        /// Changes in document order.
        changes: Vec<JsonChange>,
        /// More changes existed than [`MAX_CHANGES`].
        truncated: bool,
    },
    /// Both are UTF-8 text: changed lines with a little context.
    Text {
        /// Lines to show, hunks separated by [`LineTag::Gap`].
        lines: Vec<DiffLine>,
        /// More lines existed than [`MAX_CHANGES`].
        truncated: bool,
    },
    /// Binary: the byte ranges that differ.
    Bytes {
        /// Differing ranges, in order.
        changes: Vec<ByteChange>,
        /// Bytes the two have in common (in matching ranges).
        equal_bytes: usize,
        /// More ranges existed than [`MAX_CHANGES`].
        truncated: bool,
    },
    /// Too large to compare in detail.
    TooLarge {
        /// Size of the older payload.
        old_len: usize,
        /// Size of the newer payload.
        new_len: usize,
        /// Offset of the first differing byte, if any within the shorter one.
        first_difference: Option<usize>,
    },
}

/// One changed JSON value.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonChange {
    /// RFC 6901 pointer to the value ("" is the whole document).
    pub pointer: String,
    /// What happened there.
    pub kind: JsonChangeKind,
}

/// How a JSON value changed.
#[derive(Debug, Clone, PartialEq)]
pub enum JsonChangeKind {
    /// Only in the newer payload.
    Added(Value),
    /// Only in the older payload.
    Removed(Value),
    /// In both, with different values.
    Changed {
        /// The older value.
        old: Value,
        /// The newer value.
        new: Value,
    },
}

/// What a line of a text diff is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineTag {
    /// Unchanged context.
    Same,
    /// Only in the older payload.
    Removed,
    /// Only in the newer payload.
    Added,
    /// Unchanged lines left out between hunks.
    Gap,
}

/// One line of a text diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffLine {
    /// What it is.
    pub tag: LineTag,
    /// 1-based line number in the older payload.
    pub old_line: Option<usize>,
    /// 1-based line number in the newer payload.
    pub new_line: Option<usize>,
    /// The line, without its line ending.
    pub text: String,
}

/// A byte range that differs between two binary payloads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ByteChange {
    /// The older payload's bytes here (empty: inserted).
    pub old: Range<usize>,
    /// The newer payload's bytes here (empty: deleted).
    pub new: Range<usize>,
}

/// Compares two payloads, choosing JSON, text or byte comparison.
pub fn diff_payloads(old: &[u8], new: &[u8]) -> PayloadDiff {
    if old == new {
        return PayloadDiff::Identical;
    }
    if old.len() > MAX_DIFF_INPUT || new.len() > MAX_DIFF_INPUT {
        let first_difference = old.iter().zip(new).position(|(a, b)| a != b);
        return PayloadDiff::TooLarge { old_len: old.len(), new_len: new.len(), first_difference };
    }
    if let (Ok(old_json), Ok(new_json)) = (serde_json::from_slice::<Value>(old), serde_json::from_slice::<Value>(new)) {
        let mut changes = Vec::new();
        let truncated = !diff_json(&old_json, &new_json, &mut String::new(), &mut changes);
        return PayloadDiff::Json { changes, truncated };
    }
    match (std::str::from_utf8(old), std::str::from_utf8(new)) {
        (Ok(old_text), Ok(new_text)) => diff_text(old_text, new_text),
        _ => diff_bytes(old, new),
    }
}

/// Appends the changes between two JSON values; false when it stopped at
/// [`MAX_CHANGES`].
fn diff_json(old: &Value, new: &Value, pointer: &mut String, changes: &mut Vec<JsonChange>) -> bool {
    match (old, new) {
        (Value::Object(old_map), Value::Object(new_map)) => {
            for (key, old_value) in old_map {
                let length = pointer.len();
                push_pointer_segment(pointer, key);
                let going = match new_map.get(key) {
                    Some(new_value) => diff_json(old_value, new_value, pointer, changes),
                    None => push_change(changes, pointer, JsonChangeKind::Removed(old_value.clone())),
                };
                pointer.truncate(length);
                if !going {
                    return false;
                }
            }
            for (key, new_value) in new_map.iter().filter(|(key, _)| !old_map.contains_key(*key)) {
                let length = pointer.len();
                push_pointer_segment(pointer, key);
                let going = push_change(changes, pointer, JsonChangeKind::Added(new_value.clone()));
                pointer.truncate(length);
                if !going {
                    return false;
                }
            }
            true
        }
        (Value::Array(old_items), Value::Array(new_items)) => {
            for index in 0..old_items.len().max(new_items.len()) {
                let length = pointer.len();
                push_pointer_segment(pointer, &index.to_string());
                let going = match (old_items.get(index), new_items.get(index)) {
                    (Some(a), Some(b)) => diff_json(a, b, pointer, changes),
                    (Some(a), None) => push_change(changes, pointer, JsonChangeKind::Removed(a.clone())),
                    (None, Some(b)) => push_change(changes, pointer, JsonChangeKind::Added(b.clone())),
                    (None, None) => true,
                };
                pointer.truncate(length);
                if !going {
                    return false;
                }
            }
            true
        }
        _ if old == new => true,
        _ => push_change(changes, pointer, JsonChangeKind::Changed { old: old.clone(), new: new.clone() }),
    }
}

fn push_change(changes: &mut Vec<JsonChange>, pointer: &str, kind: JsonChangeKind) -> bool {
    if changes.len() >= MAX_CHANGES {
        return false;
    }
    changes.push(JsonChange { pointer: pointer.to_owned(), kind });
    true
}

fn diff_text(old: &str, new: &str) -> PayloadDiff {
    let diff = TextDiff::configure().algorithm(Algorithm::Myers).timeout(DIFF_TIMEOUT).diff_lines(old, new);
    let mut lines = Vec::new();
    let mut truncated = false;
    'groups: for (index, group) in diff.grouped_ops(CONTEXT_LINES).iter().enumerate() {
        if index > 0 {
            lines.push(DiffLine { tag: LineTag::Gap, old_line: None, new_line: None, text: String::new() });
        }
        for op in group {
            for change in diff.iter_changes(op) {
                if lines.len() >= MAX_CHANGES {
                    truncated = true;
                    break 'groups;
                }
                let tag = match change.tag() {
                    similar::ChangeTag::Equal => LineTag::Same,
                    similar::ChangeTag::Delete => LineTag::Removed,
                    similar::ChangeTag::Insert => LineTag::Added,
                };
                lines.push(DiffLine {
                    tag,
                    old_line: change.old_index().map(|line| line + 1),
                    new_line: change.new_index().map(|line| line + 1),
                    text: change.value().trim_end_matches(['\n', '\r']).to_owned(),
                });
            }
        }
    }
    PayloadDiff::Text { lines, truncated }
}

fn diff_bytes(old: &[u8], new: &[u8]) -> PayloadDiff {
    let deadline = Instant::now() + DIFF_TIMEOUT;
    let ops = similar::capture_diff_slices_deadline(Algorithm::Myers, old, new, Some(deadline));
    let mut changes = Vec::new();
    let mut equal_bytes = 0;
    let mut truncated = false;
    for op in ops {
        let (tag, old_range, new_range) = op.as_tag_tuple();
        if tag == DiffTag::Equal {
            equal_bytes += old_range.len();
            continue;
        }
        // Adjacent edits read better as one range.
        if let Some(last) = changes
            .last_mut()
            .filter(|last: &&mut ByteChange| last.old.end == old_range.start && last.new.end == new_range.start)
        {
            last.old.end = old_range.end;
            last.new.end = new_range.end;
            continue;
        }
        if changes.len() >= MAX_CHANGES {
            truncated = true;
            break;
        }
        changes.push(ByteChange { old: old_range, new: new_range });
    }
    PayloadDiff::Bytes { changes, equal_bytes, truncated }
}

/// A short, single-line rendering of a JSON value for a diff row.
pub fn short_json(value: &Value, max_chars: usize) -> String {
    short_text(&value.to_string(), max_chars)
}

/// `text` cut to `max_chars` characters, with `…` when cut.
pub fn short_text(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        None => text.to_owned(),
        Some((end, _)) => format!("{}…", &text[..end]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn json_changes(old: &str, new: &str) -> Vec<JsonChange> {
        match diff_payloads(old.as_bytes(), new.as_bytes()) {
            PayloadDiff::Json { changes, truncated: false } => changes,
            other => panic!("expected a JSON diff, got {other:?}"),
        }
    }

    #[test]
    fn json_diff_names_changed_added_and_removed_values_by_pointer() {
        let changes = json_changes(
            r#"{"temp": 21.5, "unit": "C", "tags": ["a", "b"], "meta": {"fw": "1.0", "a/b": 1}}"#,
            r#"{ "unit":"C", "temp":22.0, "tags":["a"], "meta":{"fw":"1.1","a/b":1,"new~":true} }"#,
        );
        // In the older document's order, then keys only the newer one has.
        assert_eq!(
            changes,
            vec![
                JsonChange {
                    pointer: "/temp".into(),
                    kind: JsonChangeKind::Changed { old: json!(21.5), new: json!(22.0) }
                },
                JsonChange { pointer: "/tags/1".into(), kind: JsonChangeKind::Removed(json!("b")) },
                JsonChange {
                    pointer: "/meta/fw".into(),
                    kind: JsonChangeKind::Changed { old: json!("1.0"), new: json!("1.1") }
                },
                JsonChange { pointer: "/meta/new~0".into(), kind: JsonChangeKind::Added(json!(true)) },
            ]
        );
    }

    #[test]
    fn json_diff_ignores_formatting_and_key_order_and_handles_type_changes() {
        assert!(json_changes("{\"a\":1,\"b\":[1,2]}", "{ \"b\" : [1, 2], \"a\" : 1 }").is_empty());
        let changes = json_changes(r#"{"a": {"x": 1}}"#, r#"{"a": [1]}"#);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].pointer, "/a");
        assert_eq!(json_changes("1", "2")[0].pointer, "");
    }

    #[test]
    fn json_diff_stops_at_the_change_limit_and_says_so() {
        let old: Vec<u32> = (0..(MAX_CHANGES as u32 + 10)).collect();
        let new: Vec<u32> = old.iter().map(|n| n + 1).collect();
        let diff = diff_payloads(&serde_json::to_vec(&old).unwrap(), &serde_json::to_vec(&new).unwrap());
        match diff {
            PayloadDiff::Json { changes, truncated } => {
                assert!(truncated);
                assert_eq!(changes.len(), MAX_CHANGES);
            }
            other => panic!("expected JSON, got {other:?}"),
        }
    }

    #[test]
    fn text_diff_shows_changed_lines_with_numbers_and_context_gaps() {
        let old: String = (1..=20).map(|n| format!("line {n}\n")).collect();
        let new = old.replace("line 2\n", "line two\n").replace("line 18\n", "");
        let PayloadDiff::Text { lines, truncated } = diff_payloads(old.as_bytes(), new.as_bytes()) else {
            panic!("expected a text diff");
        };
        assert!(!truncated);
        let removed: Vec<_> =
            lines.iter().filter(|l| l.tag == LineTag::Removed).map(|l| (l.old_line, &*l.text)).collect();
        let added: Vec<_> = lines.iter().filter(|l| l.tag == LineTag::Added).map(|l| (l.new_line, &*l.text)).collect();
        assert_eq!(removed, vec![(Some(2), "line 2"), (Some(18), "line 18")]);
        assert_eq!(added, vec![(Some(2), "line two")]);
        assert_eq!(lines.iter().filter(|l| l.tag == LineTag::Gap).count(), 1, "two hunks far apart");
        assert!(lines.iter().all(|l| l.text != "line 10"), "unchanged middle left out");
    }

    #[test]
    fn byte_diff_reports_the_differing_ranges() {
        let old = [0u8, 1, 2, 3, 4, 5, 6, 7, 0xff];
        let new = [0u8, 1, 9, 9, 4, 5, 6, 7, 0xfe, 0xfd];
        let PayloadDiff::Bytes { changes, equal_bytes, truncated } = diff_payloads(&old, &new) else {
            panic!("expected a byte diff");
        };
        assert!(!truncated);
        assert_eq!(changes, vec![ByteChange { old: 2..4, new: 2..4 }, ByteChange { old: 8..9, new: 8..10 }]);
        assert_eq!(equal_bytes, 6);
    }

    #[test]
    fn identical_and_oversized_payloads_are_summarised() {
        assert_eq!(diff_payloads(b"same", b"same"), PayloadDiff::Identical);
        let big = vec![7u8; MAX_DIFF_INPUT + 1];
        let mut other = big.clone();
        other[1000] = 8;
        assert_eq!(
            diff_payloads(&big, &other),
            PayloadDiff::TooLarge { old_len: big.len(), new_len: big.len(), first_difference: Some(1000) }
        );
    }

    #[test]
    fn short_json_cuts_long_values() {
        assert_eq!(short_json(&json!("abc"), 10), "\"abc\"");
        assert_eq!(short_json(&json!("abcdefghijkl"), 5), "\"abcd…");
    }
}
