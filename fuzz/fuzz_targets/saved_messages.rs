#![no_main]
//! Fuzzes `checks::saved_messages` (see src/checks.rs).
libfuzzer_sys::fuzz_target!(|data: &[u8]| topicscope_fuzz::checks::saved_messages(data));
