#![no_main]
//! Fuzzes `checks::composer_payload` (see src/checks.rs).
libfuzzer_sys::fuzz_target!(|data: &[u8]| topicscope_fuzz::checks::composer_payload(data));
