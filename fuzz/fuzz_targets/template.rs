#![no_main]
//! Fuzzes `checks::template` (see src/checks.rs).
libfuzzer_sys::fuzz_target!(|data: &[u8]| topicscope_fuzz::checks::template(data));
