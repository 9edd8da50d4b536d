#![no_main]
//! Fuzzes `checks::broker_settings` (see src/checks.rs).
libfuzzer_sys::fuzz_target!(|data: &[u8]| topicscope_fuzz::checks::broker_settings(data));
