#![no_main]
//! Fuzzes `checks::wire_capture` (see src/checks.rs).
libfuzzer_sys::fuzz_target!(|data: &[u8]| topicscope_fuzz::checks::wire_capture(data));
