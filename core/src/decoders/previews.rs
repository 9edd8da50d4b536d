//! Decoded one-line previews for virtualised lists (the log, history):
//! only visible rows are decoded, each once, and the cache is bounded and
//! forgets everything when a tab's decoders change.

use std::collections::HashMap;

use super::{Decoded, PayloadDecoders};

/// Entries kept before the cache starts over (a screen shows ~50 rows).
const CAPACITY: usize = 4_096;

/// What a row shows in its payload column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowPreview {
    /// No rule decodes it: the plain preview serves.
    Plain,
    /// The decoded form on one line.
    Decoded(String),
    /// The rule's decoder refused it: why, for a badge over the raw preview.
    Failed(String),
}

/// Previews by message sequence number, for one decoder generation each.
#[derive(Debug, Default)]
pub struct DecodedPreviews {
    entries: HashMap<u64, (u64, RowPreview)>,
}

impl DecodedPreviews {
    /// The preview of message `seq` on `topic`, decoded by `decoders`
    /// (whose generation is `generation`) unless already known.
    pub fn get(
        &mut self,
        seq: u64,
        generation: u64,
        decoders: &PayloadDecoders,
        topic: &str,
        payload: &[u8],
        max_chars: usize,
    ) -> &RowPreview {
        let stale = self.entries.get(&seq).is_none_or(|(known, _)| *known != generation);
        if stale {
            if self.entries.len() >= CAPACITY {
                self.entries.clear();
            }
            let decoded = decoders.decode(topic, payload);
            let preview = match &decoded {
                Decoded::Failed(failure) => RowPreview::Failed(failure.to_string()),
                other => other.preview(max_chars).map_or(RowPreview::Plain, RowPreview::Decoded),
            };
            self.entries.insert(seq, (generation, preview));
        }
        self.entries.get(&seq).map_or(&RowPreview::Plain, |(_, preview)| preview)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decoders::{DecoderRule, DecoderSettings, PayloadDecoder, ProtoSchemas};

    #[test]
    fn previews_are_decoded_once_per_generation_and_failures_say_why() {
        let settings = DecoderSettings {
            rules: vec![DecoderRule::new("j/#", PayloadDecoder::Json)],
            ..DecoderSettings::default()
        };
        let decoders = PayloadDecoders::new(&settings, ProtoSchemas::default());
        let mut previews = DecodedPreviews::default();
        assert_eq!(previews.get(1, 1, &decoders, "j/a", br#"{"a": 1}"#, 80), &RowPreview::Decoded("{\"a\":1}".into()));
        // Same seq and generation: the cached answer, whatever the payload.
        assert_eq!(previews.get(1, 1, &decoders, "j/a", b"nope", 80), &RowPreview::Decoded("{\"a\":1}".into()));
        let RowPreview::Failed(reason) = previews.get(1, 2, &decoders, "j/a", b"nope", 80).clone() else {
            panic!("a new generation decodes again")
        };
        assert!(reason.starts_with("not JSON: "), "{reason}");
        assert_eq!(previews.get(2, 2, &decoders, "other", b"text", 80), &RowPreview::Plain);
    }
}
