//! Splits one direction of a connection's byte stream into MQTT packets,
//! whatever the read sizes: a packet may arrive in many reads and a read may
//! hold many packets. Memory stays bounded: of each packet only its first
//! [`KEEP_BYTES`] are kept (enough for every header, property and the
//! payload preview), however large it claims to be.

use super::parse::Frame;

/// Most bytes of one packet's body kept for decoding.
pub const KEEP_BYTES: usize = 64 * 1024;

/// The state between reads.
#[derive(Debug, Default)]
pub struct FrameSplitter {
    header: [u8; 5],
    header_length: usize,
    /// `Some(remaining length)` once the fixed header is complete.
    remaining: Option<usize>,
    body: Vec<u8>,
    /// Body bytes seen so far (kept or not).
    seen: usize,
    /// The stream cannot be split any more (a malformed length).
    lost: bool,
}

/// Decodes a remaining-length field at the start of `bytes`:
/// `Ok(Some((value, field length)))`, `Ok(None)` when more bytes are
/// needed, `Err(())` when it is longer than 4 bytes.
fn remaining_length(bytes: &[u8]) -> Result<Option<(usize, usize)>, ()> {
    let mut value = 0usize;
    for (index, byte) in bytes.iter().enumerate() {
        if index == 4 {
            return Err(());
        }
        value |= usize::from(byte & 0x7F) << (7 * index);
        if byte & 0x80 == 0 {
            return Ok(Some((value, index + 1)));
        }
    }
    if bytes.len() >= 4 { Err(()) } else { Ok(None) }
}

impl FrameSplitter {
    /// A splitter for a new connection.
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds the next bytes; calls `emit` for each complete packet, with a
    /// note when the packet is not what it should be.
    pub fn feed(&mut self, mut bytes: &[u8], emit: &mut impl FnMut(Frame<'_>, Option<String>)) {
        while !bytes.is_empty() && !self.lost {
            // The common case: whole packets inside this read, parsed in place.
            if self.header_length == 0
                && self.remaining.is_none()
                && let Ok(Some((length, field))) = remaining_length(&bytes[1..])
            {
                let header_length = 1 + field;
                if length <= KEEP_BYTES && bytes.len() >= header_length + length {
                    let body = &bytes[header_length..header_length + length];
                    emit(Frame { first_byte: bytes[0], remaining_length: length, header_length, body }, None);
                    bytes = &bytes[header_length + length..];
                    continue;
                }
            }
            match self.remaining {
                None => {
                    self.header[self.header_length] = bytes[0];
                    self.header_length += 1;
                    bytes = &bytes[1..];
                    if self.header_length < 2 {
                        continue;
                    }
                    match remaining_length(&self.header[1..self.header_length]) {
                        Ok(None) => {}
                        Ok(Some((length, _))) => {
                            self.remaining = Some(length);
                            self.seen = 0;
                            self.body.clear();
                            if length == 0 {
                                self.complete(emit, None);
                            }
                        }
                        Err(()) => {
                            self.lost = true;
                            let frame = Frame {
                                first_byte: self.header[0],
                                remaining_length: 0,
                                header_length: self.header_length,
                                body: &[],
                            };
                            emit(
                                frame,
                                Some(
                                    "malformed: the remaining length field at byte 1 is longer than 4 bytes; \
                                     nothing after it on this connection can be split into packets"
                                        .into(),
                                ),
                            );
                        }
                    }
                }
                Some(length) => {
                    let take = bytes.len().min(length - self.seen);
                    let keep = take.min(KEEP_BYTES.saturating_sub(self.body.len()));
                    self.body.extend_from_slice(&bytes[..keep]);
                    self.seen += take;
                    bytes = &bytes[take..];
                    if self.seen == length {
                        self.complete(emit, None);
                    }
                }
            }
        }
    }

    /// The connection ended: a packet cut off part-way is still shown,
    /// saying how much of it arrived.
    pub fn finish(&mut self, emit: &mut impl FnMut(Frame<'_>, Option<String>)) {
        if self.lost || self.header_length == 0 {
            return;
        }
        let note = match self.remaining {
            Some(length) => format!(
                "incomplete: {} of its {} bytes went over the connection before it ended",
                self.header_length + self.seen,
                self.header_length + length
            ),
            None => "incomplete: the connection ended inside its fixed header".into(),
        };
        if self.remaining.is_none() {
            self.remaining = Some(0);
        }
        self.complete(emit, Some(note));
    }

    fn complete(&mut self, emit: &mut impl FnMut(Frame<'_>, Option<String>), note: Option<String>) {
        let frame = Frame {
            first_byte: self.header[0],
            remaining_length: self.remaining.unwrap_or(0),
            header_length: self.header_length,
            body: &self.body,
        };
        emit(frame, note);
        self.header_length = 0;
        self.remaining = None;
        self.seen = 0;
        self.body.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(reads: &[&[u8]]) -> Vec<(u8, usize, Vec<u8>, Option<String>)> {
        let mut splitter = FrameSplitter::new();
        let mut frames = Vec::new();
        let mut emit =
            |frame: Frame<'_>, note| frames.push((frame.first_byte, frame.size(), frame.body.to_vec(), note));
        for read in reads {
            splitter.feed(read, &mut emit);
        }
        splitter.finish(&mut emit);
        frames
    }

    #[test]
    fn packets_are_found_however_the_reads_fall() {
        // PINGRESP, PUBACK 1, PUBLISH "t" "hi" (QoS 0).
        let stream: Vec<u8> = [&[0xD0, 0][..], &[0x40, 2, 0, 1], &[0x30, 5, 0, 1, b't', b'h', b'i']].concat();
        let whole = split(&[&stream]);
        assert_eq!(whole.len(), 3);
        for cut in 0..stream.len() {
            let (first, second) = stream.split_at(cut);
            assert_eq!(split(&[first, second]), whole, "cut at {cut}");
        }
        let bytes: Vec<&[u8]> = stream.chunks(1).collect();
        assert_eq!(split(&bytes), whole);
        assert_eq!(whole[2], (0x30, 7, vec![0, 1, b't', b'h', b'i'], None));
    }

    #[test]
    fn large_packets_keep_only_their_first_bytes_and_cut_ones_say_so() {
        let length = KEEP_BYTES * 3;
        let mut stream =
            vec![0x30, 0x80 | (length & 0x7F) as u8, 0x80 | ((length >> 7) & 0x7F) as u8, (length >> 14) as u8];
        stream.extend(std::iter::repeat_n(7u8, length));
        let frames = split(&stream.chunks(10_000).collect::<Vec<_>>());
        assert_eq!(frames.len(), 1);
        assert_eq!(frames[0].1, 4 + length);
        assert_eq!(frames[0].2.len(), KEEP_BYTES);
        let cut = split(&[&stream[..1000]]);
        assert_eq!(
            cut[0].3.as_deref(),
            Some("incomplete: 1000 of its 196612 bytes went over the connection before it ended")
        );
    }

    #[test]
    fn a_malformed_length_stops_splitting_once() {
        let frames = split(&[&[0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0xD0, 0x00]]);
        assert_eq!(frames.len(), 1);
        assert!(frames[0].3.as_deref().is_some_and(|note| note.contains("longer than 4 bytes")));
    }
}
