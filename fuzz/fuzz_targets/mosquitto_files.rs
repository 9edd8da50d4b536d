#![no_main]
//! Fuzzes `checks::mosquitto_files` (see src/checks.rs).
libfuzzer_sys::fuzz_target!(|data: &[u8]| topicscope_fuzz::checks::mosquitto_files(data));
