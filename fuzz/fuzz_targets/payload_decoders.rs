#![no_main]
//! Fuzzes `checks::payload_decoders` (see src/checks.rs).
libfuzzer_sys::fuzz_target!(|data: &[u8]| topicscope_fuzz::checks::payload_decoders(data));
